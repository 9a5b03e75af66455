"""``polyletter translate``: a master letter into committed language versions.

For each target language: reuse every PO entry whose source block is
unchanged, render dates and signatory countries from CLDR, send the remaining
sentences through the engine (cache first, one batch per pair), write the PO
and the Markdown rendering, and make one commit for the whole run. Everything
is computed before anything is written, so a failure writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from polyletter import history
from polyletter.cache import TranslationCache
from polyletter.catalog import Entry, apply_catalog, load_catalog, render_catalog
from polyletter.engines import get_engine
from polyletter.engines.base import Engine
from polyletter.engines.routing import Route, plan_route
from polyletter.errors import ConfigError, WorkspaceStateError
from polyletter.fileio import read_text, write_if_changed
from polyletter.letter import Block, BlockKind, Letter, Signatory
from polyletter.localize import locale_for, parse_date, render_countries, render_date
from polyletter.mt import MachineTranslator, MTStats
from polyletter.readers import read_letter
from polyletter.readers.markdown import split_blocks, split_front_matter
from polyletter.segment import Sentence, join_sentences, split_sentences
from polyletter.workspace import Workspace
from polyletter.writers.markdown import render_markdown


@dataclass
class LanguageResult:
    lang: str
    provenance: str
    blocks_reused: int = 0
    blocks_translated: int = 0
    files_written: list[Path] = field(default_factory=list)


@dataclass
class TranslateResult:
    letter: str
    languages: list[LanguageResult]
    commit: str | None
    stats: MTStats


@dataclass
class _Pending:
    """A block waiting for machine translation: its lines cut into sentences."""

    block: Block
    sentences: list[list[Sentence]]


def translate_letter(
    letter: str,
    targets: Sequence[str] | None = None,
    *,
    engine: Engine | str | None = None,
    workspace: Workspace | None = None,
) -> TranslateResult:
    ws = workspace or Workspace.find()
    name = ws.letter_name(letter)
    master_path = ws.master_path(name)
    source = ws.config.source
    master = read_letter(master_path, source)
    langs = _targets(targets or ws.config.targets, source)
    if not isinstance(engine, str) and engine is not None:
        active = engine
    else:
        active = get_engine(engine or ws.config.engine, ws.config)
    routes = {lang: plan_route(active, source, lang, ws.config.pivot) for lang in langs}

    mt = MachineTranslator(active, TranslationCache(ws.cache_dir))
    master_rel = ws.rel(master_path)
    plans: dict[str, tuple[dict[str, Entry], list[_Pending]]] = {}
    jobs: dict[str, tuple[Route, list[str]]] = {}
    for lang in langs:
        existing = _load_version(ws, name, lang)
        entries, pending = _plan_language(master, existing, source, lang)
        plans[lang] = (entries, pending)
        sentences = [s.text for p in pending for line in p.sentences for s in line]
        jobs[lang] = (routes[lang], sentences)
    translated = mt.run(jobs)

    results: list[LanguageResult] = []
    outputs: list[tuple[Path, str]] = []
    for lang in langs:
        entries, pending = plans[lang]
        provenance = mt.provenance(routes[lang])
        for item in pending:
            lines = [
                join_sentences(line, [translated[lang][s.text] for s in line]) for line in item.sentences
            ]
            entries[item.block.id] = Entry(
                item.block.id,
                item.block.text,
                "\n".join(lines),
                False,
                {"origin": "machine", "engine": provenance},
            )
        result = LanguageResult(lang, provenance, len(master.blocks) - len(pending), len(pending))
        po_text = render_catalog(
            master,
            entries,
            letter=name,
            target=lang,
            master_rel=master_rel,
            line_numbers={b.id: b.source_line for b in master.blocks if b.source_line},
        )
        md_text = render_markdown(apply_catalog(master, entries, lang))
        outputs += [(ws.po_path(name, lang), po_text), (ws.md_path(name, lang), md_text)]
        results.append(result)

    for path, text in outputs:
        if write_if_changed(path, text):
            next(r for r in results if r.lang == path.parent.name).files_written.append(path)
    commit = _commit(ws, name, master_path, [p for p, _ in outputs], results)
    return TranslateResult(name, results, commit, mt.stats)


def _targets(requested: Sequence[str], source: str) -> list[str]:
    langs = list(dict.fromkeys(t.strip() for t in requested if t.strip()))
    if not langs:
        raise ConfigError("no target languages", hint="Pass --to fr,es or set targets in polyletter.toml.")
    for lang in langs:
        locale_for(lang)
        if lang == source:
            raise ConfigError(f"{lang} is the source language", hint="Leave it out of --to.")
    return langs


def _load_version(ws: Workspace, name: str, lang: str) -> dict[str, Entry]:
    """The current PO entries of a language version, refusing to overwrite hand edits.

    A translated ``.md`` whose blocks no longer read as its PO's translations
    holds edits a human made; until they are folded into the PO we stop rather
    than lose them.
    """
    po_path, md_path = ws.po_path(name, lang), ws.md_path(name, lang)
    existing = load_catalog(po_path)
    if md_path.exists():
        _, body, _ = split_front_matter(read_text(md_path, what="translation"), md_path)
        found = ["\n".join(b.lines) for b in split_blocks(body)]
        expected = [e.translation or e.source for e in existing.values()]
        if found != expected:
            raise WorkspaceStateError(
                "edited by hand since polyletter wrote it",
                path=ws.rel(md_path),
                hint=f"Put the edits into {ws.rel(po_path)} (msgstr) or undo them with "
                f"`git checkout -- {ws.rel(md_path)}`, then run again.",
            )
    return existing


def _plan_language(
    master: Letter, existing: dict[str, Entry], source: str, target: str
) -> tuple[dict[str, Entry], list[_Pending]]:
    """Entries that need no engine (reused, dates, signatories), and the blocks that do."""
    entries: dict[str, Entry] = {}
    pending: list[_Pending] = []
    for block in master.blocks:
        previous = existing.get(block.id)
        if previous and previous.source == block.text and previous.usable:
            entries[block.id] = previous
            continue
        local = _localize(block, source, target)
        if local is not None:
            entries[block.id] = Entry(
                block.id, block.text, local, False, {"origin": "locale", "engine": "cldr"}
            )
            continue
        pending.append(_Pending(block, [split_sentences(line, source) for line in block.lines]))
    return entries, pending


def _localize(block: Block, source: str, target: str) -> str | None:
    """Dates and signatories, rendered without an engine; None for everything else."""
    if block.kind is BlockKind.DATE:
        date = parse_date(block.text, source)
        return render_date(date, target) if date else None
    if block.kind is BlockKind.SIGNATORIES:
        lines = []
        for line in block.lines:
            signatory = Signatory.parse(line)
            joined = render_countries(signatory.countries, signatory.joiner, source, target)
            lines.append(signatory.render(joined=joined))
        return "\n".join(lines)
    return None


def _commit(
    ws: Workspace, name: str, master_path: Path, paths: list[Path], results: list[LanguageResult]
) -> str | None:
    master_commit = history.last_commit_of(ws.root, master_path)
    master_blob = history.blob_id(ws.root, master_path)
    committed_blob = history.committed_blob(ws.root, master_path) if master_commit else None
    include_master = master_commit is None or committed_blob != master_blob
    langs = ", ".join(r.lang for r in results)
    lines = [
        f"polyletter: translate {name} into {langs}",
        "",
        f"Machine translation of {ws.rel(master_path)}"
        + (" (committed here)." if include_master else f" as of {master_commit[:12]}."),
        "",
        f"Polyletter-Letter: {name}",
        f"Polyletter-Languages: {langs}",
        f"Polyletter-Master: {ws.rel(master_path)}",
        f"Polyletter-Master-Commit: {'this commit' if include_master else master_commit}",
        f"Polyletter-Master-Blob: {master_blob}",
    ]
    lines += [f"Polyletter-Engine-{r.lang}: {r.provenance}" for r in results]
    to_commit = [*paths, master_path] if include_master else paths
    return history.commit_paths(ws.root, to_commit, "\n".join(lines) + "\n")
