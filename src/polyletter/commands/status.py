"""``polyletter status``: where every language version of every letter stands.

For each letter (a master in ``translations/<source>/``) and each language
(the configured targets, plus any folder that holds a PO for the letter), one
:class:`VersionStatus`. A version can be several things at once (edited by
hand *and* uncommitted, stale *and* needing review): every flag is kept with
its details, and one primary ``state`` is picked by :data:`PRIORITY` so a
table can show one word.

Hand edits are found by :func:`polyletter.store.versions.load_version` itself
(called without an editor it only reads and writes nothing), so ``status``
can never disagree with what the next ``translate`` will fold.

It has to stay fast on hundreds of letters: no engine and no model, one
``git status`` for the whole ``translations/`` tree instead of one git call
per file, and a version's files are parsed only when their bytes changed
since the last ``status`` (see :class:`_FactCache`). Parsing PO files with
polib is what costs (about 1 ms each), so that is what is remembered.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from polyletter.document.letter import Letter
from polyletter.errors import PolyletterError
from polyletter.store import history
from polyletter.store.catalog import Entry, load_catalog
from polyletter.store.fileio import InsideReader, usable_cache_file
from polyletter.store.workspace import MASTER_SUFFIXES, Workspace

PRIORITY = ("invalid", "missing", "edited", "stale", "needs-review", "uncommitted", "export-stale")
"""Most urgent first. ``invalid``: the next run would refuse (a PO that does not
parse, a Markdown whose blocks no longer line up with the master, one block
edited two ways, an unreadable master). Unfolded hand edits come before
staleness because they are a person's work not yet in the PO; ``uncommitted``
comes after them because every other state of a hand-edited file implies it.
``export-stale``: the version is fine but ``exports/<letter>.<lang>.docx`` was
built before its last commit (a review import, a retranslation)."""

UP_TO_DATE = "up-to-date"


@dataclass
class VersionStatus:
    """One language version of one letter. Block lists hold block ids (``paragraph-2``)."""

    letter: str
    lang: str
    state: str = UP_TO_DATE
    """The most urgent of ``flags`` (see :data:`PRIORITY`), or ``up-to-date``."""
    flags: list[str] = field(default_factory=list)
    missing: bool = False
    """No PO for this language (never translated, or deleted)."""
    blocks: int = 0
    """Blocks in the master."""
    stale_blocks: list[str] = field(default_factory=list)
    """Master blocks the next ``translate`` sends to the engine: text changed since the
    PO was written, not in the PO at all, or with an empty translation."""
    glossary_blocks: list[str] = field(default_factory=list)
    """Those of ``stale_blocks`` stale because the glossary changed (their text did not)."""
    removed_blocks: list[str] = field(default_factory=list)
    """PO entries for blocks the master no longer has (the next run drops them)."""
    edited_blocks: list[str] = field(default_factory=list)
    """Hand edits (or review approvals) the next run will fold into the PO."""
    edited_in: list[str] = field(default_factory=list)
    """Where those edits are: ``po``, ``md``."""
    review_blocks: list[str] = field(default_factory=list)
    """Entries flagged fuzzy that still wait for a reviewer once edits are folded."""
    uncommitted_files: list[str] = field(default_factory=list)
    """The version's PO/Markdown files that differ from HEAD (workspace-relative)."""
    master_uncommitted: bool = False
    """The master itself has changes git has not committed."""
    problem: str | None = None
    """Why the version is ``invalid``: the message the next run would stop with."""
    export: str = "none"
    """The Word export's state: ``none`` (not exported), ``current`` or ``stale``."""
    export_detail: str = ""
    """Why the export is stale (the commit it was built from, the one that changed it since)."""

    @property
    def stale(self) -> int:
        """How many blocks the next run would change: retranslated plus dropped."""
        return len(self.stale_blocks) + len(self.removed_blocks)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data for ``status --json``, with the counts spelled out."""
        data = asdict(self)
        data["counts"] = {
            "stale": self.stale,
            "edited": len(self.edited_blocks),
            "needs_review": len(self.review_blocks),
            "uncommitted": len(self.uncommitted_files),
        }
        return data


_FACT_FIELDS = (
    "missing",
    "blocks",
    "stale_blocks",
    "glossary_blocks",
    "removed_blocks",
    "edited_blocks",
    "edited_in",
    "review_blocks",
    "problem",
)
"""What a version's own files decide (and the cache may remember); git's view is asked every time."""


def workspace_status(
    ws: Workspace, letter: str | None = None, *, use_cache: bool = True
) -> list[VersionStatus]:
    """Every letter x language with its state; only ``letter`` when given.

    Backs ``polyletter status [LETTER] [--json]``. Sorted by letter, then the
    configured targets in their order, then other languages alphabetically.
    A PO whose master is gone is not listed (there is no letter to be
    behind). ``use_cache=False`` parses every file again.
    """
    source = ws.config.source
    if letter is not None:
        name = ws.letter_name(letter)
        masters = {name: ws.master_path(name)}
    else:
        masters = _masters(ws.translations / source)
    po_langs = _po_languages(ws.translations, source)
    read = InsideReader(ws.root)
    folder = ws.cache_folder()
    cache = _FactCache(usable_cache_file(folder / "status.json" if folder else None), enabled=use_cache)
    targets = [t for t in ws.config.targets if t != source]
    order = [
        (name, lang)
        for name in sorted(masters)
        for lang in targets + sorted({la for la, names in po_langs.items() if name in names} - set(targets))
    ]
    # With nothing to look up (a first run, a new polyletter), every version with a PO is parsed:
    # the workers start on them at once, and the parent reads the glossary's bytes and asks git
    # while they work. Their files are read once, by the workers that parse them.
    empty = not cache.old
    todo: dict[str, list[str]] = {}
    if empty:
        for name, lang in order:
            if name in po_langs.get(lang, ()):
                todo.setdefault(name, []).append(lang)
    early = _Workers.start(ws, masters, todo) if empty else None
    glossary_digest = _glossary_digest(ws)
    dirty = dirty_files(ws)
    known: dict[tuple[str, str], dict[str, Any]] = {}
    master_bytes: dict[str, bytes | None] = {}
    for name, lang in order:
        if empty and name in po_langs.get(lang, ()):
            continue
        if name not in master_bytes:
            master_bytes[name] = read(masters[name])
        po_bytes = read(ws.po_path(name, lang))
        key = _fact_key(
            _files_digest(source, master_bytes[name], po_bytes, read(ws.md_path(name, lang))), glossary_digest
        )
        facts = cache.get(f"{name}/{lang}", key)
        if facts is None and po_bytes is None:
            facts = {"missing": True}
            cache.put(f"{name}/{lang}", key, facts)
        if facts is None:
            todo.setdefault(name, []).append(lang)
        else:
            known[name, lang] = facts
    computed = early.collect() if early is not None else _compute(ws, masters, todo, glossary_digest)
    for (name, lang), (facts, key) in computed.items():
        known[name, lang] = facts
        cache.put(f"{name}/{lang}", key, facts)
    cache.save(keep_others=letter is not None)

    out: list[VersionStatus] = []
    exports = set(os.listdir(ws.exports)) if ws.exports.is_dir() else set()
    for name, lang in order:
        item = VersionStatus(name, lang, **known[name, lang])
        item.master_uncommitted = f"translations/{source}/{masters[name].name}" in dirty
        item.uncommitted_files = [
            rel
            for rel in (f"translations/{lang}/{name}.po", f"translations/{lang}/{name}.md")
            if rel in dirty
        ]
        if not item.missing and ws.export_path(name, lang).name in exports:
            # An export is only read when it exists: zipfile + one tiny XML part.
            from polyletter.commands.export import export_state

            exported = export_state(ws, name, lang)
            item.export, item.export_detail = exported.state, exported.reason
        _set_state(item)
        out.append(item)
    return out


PARALLEL_FROM = 64
"""Parse in worker processes only when at least this many versions changed: below
it, starting the workers costs more than it saves."""
PER_WORKER = 32
"""Fewest versions worth a worker process of their own."""
CHUNKS_PER_WORKER = 8
"""How many pieces each worker's share is cut into, so a worker the machine slows down takes fewer."""


Computed = dict[tuple[str, str], tuple[dict[str, Any], str]]
"""(letter, language) -> (facts, the cache key of the bytes they were computed from)."""


def _compute(
    ws: Workspace, masters: dict[str, Path], todo: dict[str, list[str]], glossary_digest: bytes
) -> Computed:
    """Facts for the versions the cache could not answer, in parallel when there are many."""
    workers = _Workers.start(ws, masters, todo)
    if workers is not None:
        return workers.collect()
    jobs = [(name, masters[name], langs) for name, langs in todo.items()]
    glossary = _workspace_glossary(ws) if jobs else None
    return _compute_serial(ws, jobs, glossary, glossary_digest)


class _Workers:
    """Versions parsed in forked worker processes, started as soon as the work is known.

    A cold cache (first run, new polyletter) on hundreds of letters spends its
    time reading PO files; letters are independent, so they are cut into small
    chunks that whichever worker is free takes (on a shared machine one worker
    is often slowed down, and with one chunk each the run waits for the
    slowest). Fork where it exists: the work is pure reading. Each worker
    loads the glossary and the readers for itself, in parallel, instead of the
    parent loading them one after the other before it forks; each worker also
    digests the glossary's bytes for its cache keys, so a key always names the
    glossary its facts were judged with.
    """

    def __init__(self, ws: Workspace, jobs: list[tuple[str, Path, list[str]]], workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # The code every worker runs is imported once, here, and shared by the fork; the data it
        # loads (the glossary, CLDR's months, the lexicon) each worker loads in parallel.
        import polyletter.glossary.loading
        import polyletter.readers.markdown
        import polyletter.store.versions  # noqa: F401

        step = max(1, len(jobs) // (workers * CHUNKS_PER_WORKER))
        chunks = [jobs[i : i + step] for i in range(0, len(jobs), step)]
        _INHERITED["ws"] = ws  # the forked workers have it: nothing to pickle
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        self.parts = self.pool.map(_compute_in_worker, chunks)

    @classmethod
    def start(cls, ws: Workspace, masters: dict[str, Path], todo: dict[str, list[str]]) -> _Workers | None:
        """Workers on ``todo``, or None when there are too few versions to be worth a process each."""
        count = sum(len(langs) for langs in todo.values())
        workers = min(os.cpu_count() or 1, 8, max(1, count // PER_WORKER))
        if count < PARALLEL_FROM or workers < 2 or not hasattr(os, "fork") or sys.platform != "linux":
            return None
        return cls(ws, [(name, masters[name], langs) for name, langs in todo.items()], workers)

    def collect(self) -> Computed:
        results: Computed = {}
        try:
            for part in self.parts:
                results.update(part)
        finally:
            self.pool.shutdown()
            _INHERITED.clear()
        return results


_INHERITED: dict[str, Any] = {}
"""What forked status workers take from their parent's memory instead of a pipe (the workspace)."""

_WORKER_GLOSSARY: dict[str, Any] = {}
"""A worker's glossary and the digest of the bytes it was loaded from, filled by its first chunk
(a worker is forked for one run, from a parent that never fills it)."""


def _compute_in_worker(jobs: list[tuple[str, Path, list[str]]]) -> Computed:
    ws = _INHERITED["ws"]
    if not _WORKER_GLOSSARY:  # a worker's first chunk: the pool and this dict end with the run
        digest = _glossary_digest(ws)
        _WORKER_GLOSSARY["digest"], _WORKER_GLOSSARY["glossary"] = digest, _workspace_glossary(ws)
    return _compute_serial(ws, jobs, _WORKER_GLOSSARY["glossary"], _WORKER_GLOSSARY["digest"])


def _compute_serial(
    ws: Workspace, jobs: list[tuple[str, Path, list[str]]], glossary: Any, glossary_digest: bytes
) -> Computed:
    results: Computed = {}
    source = ws.config.source
    read = InsideReader(ws.root)
    for name, master_path, langs in jobs:
        master_bytes = read(master_path)
        master, problem = _read_master(ws, master_path)
        letter_terms = _letter_terms(glossary, master, name)
        for lang in langs:
            po_path, md_path = ws.po_path(name, lang), ws.md_path(name, lang)
            files = {po_path: read(po_path), md_path: read(md_path)}
            files_digest = _files_digest(source, master_bytes, files[po_path], files[md_path])
            key = _fact_key(files_digest, glossary_digest)
            facts = _facts(ws, name, lang, master, problem, glossary, letter_terms, files)
            results[name, lang] = (facts, key)
    return results


def dirty_files(ws: Workspace) -> set[str]:
    """Workspace-relative paths under ``translations/`` that differ from HEAD, in one git call.

    Staged, modified, deleted, renamed and untracked files all count: none of
    them is in the commit a release or a colleague would see.
    """
    prefix = history.repo_prefix(ws.root)
    out = history.git_read(
        ws.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "translations"
    )
    dirty: set[str] = set()
    fields = iter(out.split("\0"))
    for record in fields:
        if len(record) < 4:
            continue
        code, path = record[:2], record[3:]
        if "R" in code or "C" in code:
            dirty.add(next(fields, "").removeprefix(prefix))
        dirty.add(path.removeprefix(prefix))
    return dirty


def summary(statuses: Iterable[VersionStatus]) -> dict[str, int]:
    """How many versions are in each primary state: the footer of ``polyletter status``."""
    counts: dict[str, int] = {}
    for item in statuses:
        counts[item.state] = counts.get(item.state, 0) + 1
    return counts


def _set_state(item: VersionStatus) -> None:
    """Derive every flag from the facts, and the primary state from :data:`PRIORITY`."""
    flags = {
        "invalid": bool(item.problem),
        "missing": item.missing,
        "edited": bool(item.edited_blocks),
        "stale": bool(item.stale) and not item.missing,
        "needs-review": bool(item.review_blocks),
        "uncommitted": bool(item.uncommitted_files),
        "export-stale": item.export == "stale",
    }
    item.flags = [flag for flag in PRIORITY if flags[flag]]
    item.state = item.flags[0] if item.flags else UP_TO_DATE


def _facts(
    ws: Workspace,
    letter: str,
    lang: str,
    master: Letter | None,
    master_problem: str | None,
    glossary: Any = None,
    letter_terms: Callable[[], Any] | None = None,
    files: dict[Path, bytes | None] | None = None,
) -> dict[str, Any]:
    """What a present PO, its Markdown, the master and the glossary decide about a version.

    ``files``: the PO's and Markdown's bytes, read once for the cache key and the facts both.
    """
    from polyletter.store.versions import glossary_stale, load_version, recorded_under_other_glossary

    facts: dict[str, Any] = {"blocks": len(master.blocks) if master else 0}
    entries: dict[str, Entry] = {}
    try:
        version = load_version(ws, letter, lang, files=files)
        entries = version.entries
        facts["edited_blocks"] = list(version.folded)
        facts["edited_in"] = sorted(version.folded_from)
    except PolyletterError as err:
        facts["problem"] = str(err)
        try:
            entries = load_catalog(ws.po_path(letter, lang), root=ws.root)
        except PolyletterError:
            return facts
    if master_problem:
        facts["problem"] = master_problem
    facts["review_blocks"] = [e.block_id for e in entries.values() if e.fuzzy]
    if master is not None:
        facts["stale_blocks"] = [
            block.id
            for block in master.blocks
            if block.id not in entries or not entries[block.id].reusable_for(block.text)
        ]
        # Judged with the letter's names too, as translate judges it; finding them costs as much as
        # reading the letter, so only for entries recorded under another glossary (rare).
        stale = set(facts["stale_blocks"])
        changed = [
            block.id
            for block in master.blocks
            if block.id not in stale and recorded_under_other_glossary(entries[block.id], glossary)
        ]
        full = letter_terms() if changed and letter_terms else glossary
        source = ws.config.source
        facts["glossary_blocks"] = [b for b in changed if glossary_stale(entries[b], full, source, lang)]
        facts["stale_blocks"] += facts["glossary_blocks"]
        ids = set(master.ids())
        facts["removed_blocks"] = [block_id for block_id in entries if block_id not in ids]
    return facts


def _letter_terms(glossary: Any, master: Letter | None, name: str) -> Callable[[], Any] | None:
    """Builds (once, when called) the glossary translate uses for this letter: the names added."""
    if master is None:
        return None

    @functools.cache
    def build() -> Any:
        from polyletter.glossary.names import with_names

        return with_names(glossary, master, name)

    return build


def _read_master(ws: Workspace, path: Path) -> tuple[Letter | None, str | None]:
    """The master, or why it cannot be read (every version of it is then ``invalid``).

    Refused as :meth:`Workspace.master_path` refuses it when it is a link leading outside: status
    lists the masters' folder itself, and must not read what ``translate`` would not.
    """
    from polyletter.readers import read_letter
    from polyletter.store.fileio import refuse_outside_link

    try:
        return read_letter(refuse_outside_link(path, ws.root, what="master letter"), ws.config.source), None
    except PolyletterError as err:
        return None, f"master: {err}"


class _FactCache:
    """Facts per version, remembered under a hash of the bytes they were computed from.

    The key covers the master, PO and Markdown bytes, the source language
    and polyletter's own source code, so the cache can only ever answer for
    exactly the files and rules that produced the answer; git's view is never
    cached. The file lives in ``.polyletter/cache/`` (git-ignored, disposable):
    a missing, corrupt or unwritable cache only costs time.
    """

    def __init__(self, path: Path | None, *, enabled: bool = True) -> None:
        """``path`` None: there is nowhere safe to keep it (a link out of the workspace)."""
        self.path, self.enabled = path or Path(os.devnull), enabled and path is not None
        self.code = _code_fingerprint()
        self.old: dict[str, dict[str, Any]] = {}
        self.new: dict[str, dict[str, Any]] = {}
        self.changed = False
        if self.enabled:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("code") == self.code:
                    self.old = dict(data.get("versions", {}))
            except (OSError, ValueError):
                pass

    def get(self, name: str, key: str) -> dict[str, Any] | None:
        hit = self.old.get(name)
        if hit is None or hit.get("key") != key or not isinstance(hit.get("facts"), dict):
            return None
        facts = {k: v for k, v in hit["facts"].items() if k in _FACT_FIELDS}
        self.new[name] = hit
        return facts

    def put(self, name: str, key: str, facts: dict[str, Any]) -> None:
        self.new[name] = {"key": key, "facts": facts}
        self.changed = True

    def save(self, *, keep_others: bool) -> None:
        """Write what this run saw; entries for versions no longer there are dropped
        unless the run looked at one letter only (``keep_others``)."""
        if not self.enabled:
            return
        versions = {**self.old, **self.new} if keep_others else self.new
        if not self.changed and versions.keys() == self.old.keys():
            return
        from polyletter.errors import WriteError
        from polyletter.store.fileio import write_atomic

        with contextlib.suppress(OSError, WriteError):
            write_atomic(self.path, json.dumps({"code": self.code, "versions": versions}, sort_keys=True))


def _glossary_digest(ws: Workspace) -> bytes:
    """A digest of the glossary files' and the workspace formula lexicon's bytes, for the fact cache.

    A glossary change can make blocks stale; a lexicon change can give a master's blocks other
    roles (and so other ids): either must empty the cached facts. Digested once here, not once
    per version: a coalition glossary is tens of kilobytes, a version's files a few.
    """
    from polyletter.document.formulas import WORKSPACE_FILE
    from polyletter.glossary.workspace import glossary_paths

    lexicon = InsideReader(ws.root)(ws.root / WORKSPACE_FILE) or b""  # a link out: not read
    try:
        parts = b"\0".join(_read_bytes(path) or b"" for path in glossary_paths(ws)) + b"\1" + lexicon
    except PolyletterError:
        parts = b"?" + lexicon
    return hashlib.sha1(parts).digest()


def _workspace_glossary(ws: Workspace):
    """The glossary staleness is judged against; None when it does not load (``translate`` says why)."""
    from polyletter.glossary.workspace import workspace_glossary

    try:
        return workspace_glossary(ws)
    except PolyletterError:
        return None


def _files_digest(source: str, master: bytes | None, po: bytes | None, md: bytes | None) -> bytes:
    """A version's own part of its cache key: the source language and its three files' bytes."""
    digest = hashlib.sha1(source.encode("utf-8"))
    for part in (master, po, md):
        digest.update(b"-" if part is None else b"+%d:" % len(part))
        digest.update(part or b"")
    return digest.digest()


def _fact_key(files: bytes, glossary: bytes) -> str:
    """The cache key of a version: its files' digest and the glossary's (and lexicon's)."""
    return hashlib.sha1(files + glossary).hexdigest()


_CODE: list[str] = []


def _code_fingerprint() -> str:
    """A hash of polyletter's own modules and shipped lexicons: a new version (or a local edit)
    empties the cache."""
    if not _CODE:
        import polyletter

        package = Path(polyletter.__file__).resolve().parent
        digest = hashlib.sha1()
        for path in sorted([*package.rglob("*.py"), *package.glob("data/*.yaml")]):
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def _read_bytes(path: Path) -> bytes | None:
    """A configured file's bytes (a glossary, the lexicon: they may live outside the workspace)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _masters(folder: Path) -> dict[str, Path]:
    """Master files by letter name; for one name in several formats, the one ``master_path`` picks."""
    try:
        names = sorted(entry.name for entry in _scandir(folder) if entry.is_file())
    except FileNotFoundError:
        return {}
    found: dict[str, Path] = {}
    for suffix in MASTER_SUFFIXES:
        for file_name in names:
            if file_name.endswith(suffix) and not file_name.startswith("."):
                found.setdefault(file_name[: -len(suffix)], folder / file_name)
    return found


def _po_languages(translations: Path, source: str) -> dict[str, set[str]]:
    """For each language folder (not the source's), the letters it holds a PO for."""
    try:
        folders = [e for e in _scandir(translations) if e.is_dir() and e.name != source]
    except FileNotFoundError:
        return {}
    langs: dict[str, set[str]] = {}
    for folder in folders:
        if folder.name.startswith("."):
            continue
        names = {e.name[:-3] for e in _scandir(Path(folder.path)) if e.name.endswith(".po") and e.is_file()}
        if names:
            langs[folder.name] = names
    return langs


def _scandir(path: Path) -> list[os.DirEntry[str]]:
    with os.scandir(path) as entries:
        return list(entries)
