"""``polyletter release``: tag what was sent, so ``diff --since NAME`` can show what changed since.

A release is an annotated git tag ``polyletter/<letter>/<name>`` on HEAD. Its
message records exactly what went out: the master (path, blob, last commit)
and every language version (PO and Markdown blob ids, and how many entries
were machine, locale (CLDR), human, needing review, stale). Blob ids make the
record checkable forever (``git cat-file -p <blob>``), even if files move.

A release of files git has not committed would record something nobody can
get back, so uncommitted changes to the letter's files are refused. Stale or
unreviewed versions are not refused (letters do get sent in that state): they
are written into the tag and returned as warnings.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from polyletter.errors import GitError, RevisionNotFoundError, WorkspaceStateError
from polyletter.store import history
from polyletter.store.catalog import load_catalog
from polyletter.store.workspace import Workspace

TAG_PREFIX = "polyletter"
_TRAILER = re.compile(r"^([A-Za-z0-9-]+): (.*)$")


@dataclass(frozen=True)
class Revision:
    """A resolved ``--since``: the commit, and how to name it to the user."""

    commit: str | None
    """None when there is nothing to compare with (the version was never committed)."""
    label: str
    tag: str | None = None


@dataclass
class ReleasedVersion:
    """One language version as a release recorded it."""

    lang: str
    po_blob: str
    md_blob: str | None = None
    entries: int = 0
    machine: int = 0
    locale: int = 0
    """Dates and country names rendered from CLDR, not by an engine."""
    human: int = 0
    needs_review: int = 0
    untranslated: int = 0
    stale: int = 0
    """Blocks whose master text had changed since they were translated."""

    def trailer(self) -> str:
        counts = " ".join(
            f"{key.replace('_', '-')}={getattr(self, key)}"
            for key in ("entries", "machine", "locale", "human", "needs_review", "untranslated", "stale")
        )
        return f"po={self.po_blob} md={self.md_blob or '-'} {counts}"

    @classmethod
    def from_trailer(cls, lang: str, value: str) -> ReleasedVersion:
        fields = dict(part.split("=", 1) for part in value.split() if "=" in part)
        numbers = {k.replace("-", "_"): int(v) for k, v in fields.items() if v.isdigit()}
        known = {k: v for k, v in numbers.items() if k in cls.__dataclass_fields__}
        md = fields.get("md")
        return cls(lang, fields.get("po", ""), None if md in (None, "-") else md, **known)


@dataclass
class Release:
    """A tag ``polyletter/<letter>/<name>`` and what it recorded."""

    letter: str
    name: str
    tag: str
    commit: str
    date: str
    """When the release was made (ISO 8601)."""
    tagger: str
    master_path: str = ""
    master_blob: str = ""
    master_commit: str = ""
    versions: list[ReleasedVersion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What was imperfect in what was sent (stale or unreviewed versions); only on creation."""
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def release_letter(ws: Workspace, letter: str, name: str) -> Release:
    """Tag HEAD as release ``name`` of ``letter``, recording the master and every language version.

    Backs ``polyletter release LETTER NAME``. Refuses a name git cannot use as
    a tag, an existing release of that name, and uncommitted changes to the
    letter's files (master, any PO or Markdown), naming them.
    """
    from polyletter.store.lock import workspace_lock

    letter = ws.letter_name(letter)
    master_path = ws.master_path(letter)
    tag = release_tag(letter, name)
    with workspace_lock(ws):
        if _verify(ws, "HEAD") is None:
            raise WorkspaceStateError(
                "nothing is committed yet", path=ws.root, hint=f"Run `polyletter translate {letter}` first."
            )
        existing = _verify(ws, f"refs/tags/{tag}")
        if existing is not None:
            raise WorkspaceStateError(
                f"release {name!r} of {letter} already exists (tag {tag})",
                hint="Choose another name; a release records what was sent and is never moved.",
            )
        dirty = _letter_dirty_files(ws, letter)
        if dirty:
            raise WorkspaceStateError(
                f"{letter} has uncommitted changes: {', '.join(dirty)}",
                hint=f"Run `polyletter translate {letter}` (it folds and commits edits) "
                "or commit them yourself, then release again.",
            )
        release = _record(ws, letter, name, tag, master_path)
        if not release.versions:
            raise WorkspaceStateError(
                f"{letter} has no committed language versions to release",
                hint=f"Run `polyletter translate {letter}` first.",
            )
        _create_tag(ws, tag, release.message)
    made = _read_releases(ws, letter, tag)
    made[0].warnings = release.warnings
    return made[0]


def list_releases(ws: Workspace, letter: str) -> list[Release]:
    """Every release of ``letter``, newest first (one ``git for-each-ref``).

    Backs a listing of releases (``polyletter release LETTER`` with no NAME,
    or ``--list``, as the CLI chooses); ``diff`` uses the newest as its default base.
    """
    return _read_releases(ws, ws.letter_name(letter), None)


def release_tag(letter: str, name: str) -> str:
    """The tag of a release, once git agrees the name is usable (``git check-ref-format``)."""
    tag = f"{TAG_PREFIX}/{letter}/{name}"
    bad = not name or name.startswith("-") or any(c.isspace() for c in name)
    if not bad:
        done = subprocess.run(
            ["git", "check-ref-format", f"refs/tags/{tag}"], capture_output=True, check=False
        )
        bad = done.returncode != 0
    if bad:
        raise WorkspaceStateError(
            f"{name!r} cannot name a release (git refuses it as a tag name)",
            hint="Use letters, digits, '.', '-' and '_', e.g. v1 or 2012-03-sent.",
        )
    return tag


def resolve_since(ws: Workspace, letter: str, since: str) -> Revision:
    """What ``--since`` means: a release name of this letter first, else any git revision.

    Used by ``polyletter diff --since``. A name that is both a release and a
    branch means the release: that is what a user of ``release`` typed it for.
    """
    letter = ws.letter_name(letter)
    if since and not since.startswith("-"):
        tag = f"{TAG_PREFIX}/{letter}/{since}"
        commit = _verify(ws, f"refs/tags/{tag}^{{commit}}")
        if commit is not None:
            return Revision(commit, f"release {since}", tag)
        commit = _verify(ws, f"{since}^{{commit}}")
        if commit is not None:
            return Revision(commit, since)
    names = [r.name for r in list_releases(ws, letter)]
    hint = f"Releases of {letter}: {', '.join(names)}." if names else f"{letter} has no releases yet."
    raise RevisionNotFoundError(
        f"{since!r} is neither a release of {letter} nor a git revision",
        hint=hint + " Or give a commit, a branch or a tag.",
    )


def _verify(ws: Workspace, rev: str) -> str | None:
    out = history.git_read(ws.root, "rev-parse", "-q", "--verify", rev, ok_codes=(0, 1, 128))
    return out.strip() or None


def _letter_dirty_files(ws: Workspace, letter: str) -> list[str]:
    """The letter's files (master, every PO and Markdown) that differ from HEAD."""
    from polyletter.store.workspace import MASTER_SUFFIXES

    prefix = history.repo_prefix(ws.root)
    specs = [f"translations/{ws.config.source}/{letter}{suffix}" for suffix in MASTER_SUFFIXES]
    specs += [f":(glob)translations/*/{letter}.po", f":(glob)translations/*/{letter}.md"]
    out = history.git_read(ws.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *specs)
    found: list[str] = []
    records = iter(out.split("\0"))
    for record in records:
        if len(record) < 4:
            continue
        if "R" in record[:2] or "C" in record[:2]:
            next(records, None)
        found.append(record[3:].removeprefix(prefix))
    return sorted(set(found))


def _record(ws: Workspace, letter: str, name: str, tag: str, master_path: Path) -> Release:
    """What the tag will say: blobs from HEAD (the files are clean), counts from the PO files."""
    from polyletter.commands.status import workspace_status
    from polyletter.readers import read_letter

    blobs = _head_blobs(ws)
    master_rel = ws.rel(master_path)
    master_commit = history.git_read(ws.root, "log", "-1", "--format=%H", "--", master_rel).strip()
    master = read_letter(master_path, ws.config.source)
    sources = {block.id: block.text for block in master.blocks}
    versions: list[ReleasedVersion] = []
    for rel in sorted(blobs):
        parts = rel.split("/")
        if len(parts) != 3 or parts[2] != f"{letter}.po" or parts[1] == ws.config.source:
            continue
        lang = parts[1]
        version = ReleasedVersion(lang, blobs[rel], blobs.get(f"translations/{lang}/{letter}.md"))
        for entry in load_catalog(ws.root / rel).values():
            version.entries += 1
            origin = entry.origin
            if not entry.translation:
                version.untranslated += 1
            elif origin in ("human", "review"):
                version.human += 1
            elif origin == "locale":
                version.locale += 1
            else:
                version.machine += 1
            version.needs_review += entry.fuzzy
            version.stale += sources.get(entry.block_id, entry.source) != entry.source
        versions.append(version)

    warnings = [w for w in map(_warning, workspace_status(ws, letter)) if w]
    released_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    lines = [
        f"polyletter release {letter} {name}",
        "",
        f"Letter {letter} as sent: the master and {len(versions)} language version(s) below.",
        "",
        f"Polyletter-Letter: {letter}",
        f"Polyletter-Release: {name}",
        f"Polyletter-Released: {released_at}",
        f"Polyletter-Master: {master_rel}",
        f"Polyletter-Master-Blob: {blobs.get(master_rel, '')}",
        f"Polyletter-Master-Commit: {master_commit}",
    ]
    lines += [f"Polyletter-Version-{v.lang}: {v.trailer()}" for v in versions]
    return Release(
        letter,
        name,
        tag,
        commit="",
        date=released_at,
        tagger="",
        master_path=master_rel,
        master_blob=blobs.get(master_rel, ""),
        master_commit=master_commit,
        versions=versions,
        warnings=warnings,
        message="\n".join(lines) + "\n",
    )


def _warning(item: Any) -> str | None:
    """One line on what is imperfect in a version being released, or None if nothing is."""
    details = {
        "stale": f"{item.stale} block(s) behind the master",
        "needs-review": f"{len(item.review_blocks)} block(s) need review",
        "edited": f"hand edits not folded into the PO ({', '.join(item.edited_blocks)})",
        "missing": "no translation",
        "invalid": item.problem or "cannot be read",
    }
    said = [details[flag] for flag in item.flags if flag in details]
    return f"{item.lang}: " + "; ".join(said) if said else None


def _head_blobs(ws: Workspace) -> dict[str, str]:
    """Workspace-relative path -> blob id of every file under translations/ in HEAD (one call)."""
    out = history.git_read(ws.root, "ls-tree", "-r", "-z", "HEAD", "--", "translations")
    blobs: dict[str, str] = {}
    for record in out.split("\0"):
        meta, _, path = record.partition("\t")
        if path and meta.split()[1:2] == ["blob"]:
            blobs[path] = meta.split()[2]
    return blobs


def _create_tag(ws: Workspace, tag: str, message: str) -> None:
    env = {**os.environ, **history.identity_env(ws.root)}
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
        handle.write(message)
    try:
        done = subprocess.run(
            ["git", "-C", str(ws.root), "tag", "-a", "--cleanup=verbatim", "-F", handle.name, tag, "HEAD"],
            capture_output=True,
            env=env,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git tag failed: {detail[-1] if detail else done.returncode}", path=ws.root)


def _read_releases(ws: Workspace, letter: str, only: str | None) -> list[Release]:
    fmt = "%00".join(
        (
            "%(refname:strip=2)",
            "%(objecttype)",
            "%(objectname)",
            "%(*objectname)",
            "%(creatordate:iso-strict)",
            "%(taggername) %(taggeremail)",
            "%(contents)",
        )
    )
    pattern = f"refs/tags/{only}" if only else f"refs/tags/{TAG_PREFIX}/{letter}/"
    out = history.git_read(ws.root, "for-each-ref", f"--format={fmt}%00%1e", pattern)
    releases: list[Release] = []
    for record in out.split("\0\x1e"):
        record = record.lstrip("\n")
        if not record:
            continue
        tag, kind, obj, peeled, date, tagger, message = (record.split("\0") + [""] * 7)[:7]
        if only and tag != only:
            continue
        name = tag.removeprefix(f"{TAG_PREFIX}/{letter}/")
        trailers = _trailers(message) if kind == "tag" else {}
        release = Release(
            letter,
            name,
            tag,
            commit=peeled or obj,
            date=trailers.get("Polyletter-Released", date),
            tagger=tagger.strip(),
            master_path=trailers.get("Polyletter-Master", ""),
            master_blob=trailers.get("Polyletter-Master-Blob", ""),
            master_commit=trailers.get("Polyletter-Master-Commit", ""),
            message=message,
        )
        for key, value in trailers.items():
            if key.startswith("Polyletter-Version-"):
                release.versions.append(
                    ReleasedVersion.from_trailer(key.removeprefix("Polyletter-Version-"), value)
                )
        releases.append(release)
    releases.sort(key=lambda r: _when(r.date), reverse=True)
    return releases


def _when(date: str) -> dt.datetime:
    """A sortable moment; the tag's own microsecond trailer keeps two releases in one second apart."""
    try:
        moment = dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _trailers(message: str) -> dict[str, str]:
    """``Key: value`` lines of a message's last paragraph (git's trailer block)."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    found: dict[str, str] = {}
    for line in paragraphs[-1].splitlines() if paragraphs else []:
        match = _TRAILER.match(line.strip())
        if match:
            found[match[1]] = match[2].strip()
    return found
