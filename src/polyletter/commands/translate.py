"""``polyletter translate``: a master letter into committed language versions.

For each target language: fold in any human edits (PO or Markdown), reuse
every entry whose master block is unchanged, render dates and signatory
countries from CLDR, send the remaining sentences through the engine (cache
first, one batch per pair), write the PO and its Markdown rendering, and make
one commit for the whole run. Everything is computed before anything is
written, so a failure writes nothing; one process per workspace at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from polyletter.document.languages import locale_for
from polyletter.document.letter import Block, BlockKind, Letter, Signatory
from polyletter.document.localize import parse_date, render_countries, render_date
from polyletter.document.segment import Sentence, join_sentences, split_sentences
from polyletter.errors import ConfigError
from polyletter.glossary import Glossary
from polyletter.glossary.workspace import workspace_glossary
from polyletter.mt.cache import TranslationCache
from polyletter.mt.enforce import TermOutcome
from polyletter.mt.engines import get_engine
from polyletter.mt.engines.base import Engine
from polyletter.mt.routing import Route, plan_route
from polyletter.mt.translator import MachineTranslator, MTStats
from polyletter.qa.checks import CheckReport, check_version
from polyletter.readers import read_letter
from polyletter.store import history, trailers
from polyletter.store.catalog import Entry
from polyletter.store.fileio import sweep_temp_files, write_if_changed
from polyletter.store.lock import workspace_lock
from polyletter.store.versions import (
    HUMAN_ORIGINS,
    LanguageVersion,
    flag_for_glossary,
    glossary_stale,
    load_version,
    render_version,
    stamp,
)
from polyletter.store.workspace import Workspace


@dataclass
class LanguageResult:
    lang: str
    provenance: str
    blocks_reused: int = 0
    blocks_translated: int = 0
    needs_review: list[str] = field(default_factory=list)
    """Blocks whose human translation was replaced by a fresh one to review."""
    human_edits: list[str] = field(default_factory=list)
    """Blocks whose hand edits this run folded into the PO."""
    term_outcomes: list[TermOutcome] = field(default_factory=list)
    """What happened to each glossary term the engine was sent."""
    files_written: list[Path] = field(default_factory=list)
    recovered_from: str | None = None
    """The commit a missing PO was recovered from (its human translations kept)."""


@dataclass
class TranslateResult:
    letter: str
    languages: list[LanguageResult]
    commit: str | None
    stats: MTStats
    check: CheckReport
    """QA of the versions just written (what ``polyletter check`` would say)."""


@dataclass
class _Pending:
    """A block waiting for machine translation: its lines cut into sentences."""

    block: Block
    sentences: list[list[Sentence]]
    previous: Entry | None


def translate_letter(
    ws: Workspace,
    letter: str,
    targets: Sequence[str] | None = None,
    *,
    engine: Engine | str | None = None,
) -> TranslateResult:
    with workspace_lock(ws):
        history.ensure_ready(ws.root)
        return _translate(ws, letter, targets, engine)


def _translate(
    ws: Workspace, letter: str, targets: Sequence[str] | None, engine: Engine | str | None
) -> TranslateResult:
    name = ws.letter_name(letter)
    master_path = ws.master_path(name)
    source = ws.config.source
    master = read_letter(master_path, source)
    langs = _targets(targets or ws.config.targets, source)
    active = engine if engine is not None and not isinstance(engine, str) else None
    active = active or get_engine(engine or ws.config.engine, ws.config)
    routes = {lang: plan_route(active, source, lang, ws.config.pivot) for lang in langs}

    for lang in langs:
        sweep_temp_files(ws.po_path(name, lang).parent)  # debris of a run killed mid-write
    editor = functools.partial(history.editor_of, ws.root)
    versions = {lang: load_version(ws, name, lang, editor=editor) for lang in langs}
    glossary = workspace_glossary(ws)
    mt = MachineTranslator(active, TranslationCache(ws.cache_dir), glossary)
    plans: dict[str, tuple[dict[str, Entry], list[_Pending]]] = {}
    jobs: dict[str, tuple[Route, list[str]]] = {}
    for lang in langs:
        entries, pending = _plan_language(master, versions[lang], source, lang, glossary)
        plans[lang] = (entries, pending)
        jobs[lang] = (routes[lang], [s.text for p in pending for line in p.sentences for s in line])
    run = mt.run(jobs)

    results: list[LanguageResult] = []
    outputs: list[tuple[Path, str]] = []
    for lang in langs:
        entries, pending = plans[lang]
        provenance = mt.provenance(routes[lang])
        result = LanguageResult(lang, provenance, len(master.blocks) - len(pending), len(pending))
        result.human_edits = list(versions[lang].folded)
        result.recovered_from = versions[lang].recovered_from
        result.needs_review += versions[lang].glossary_flagged
        texts, terms = run.texts[lang], run.terms[lang]
        for item in pending:
            text = "\n".join(join_sentences(line, [texts[s.text] for s in line]) for line in item.sentences)
            outcomes = [o for line in item.sentences for s in line for o in terms.get(s.text, [])]
            unknown = [w for line in item.sentences for s in line for w in run.unknown[lang].get(s.text, [])]
            result.term_outcomes += outcomes
            notes = _term_provenance(glossary, outcomes)
            if unknown:  # words the engine copied untranslated: `check` reports them
                notes["unknown"] = ", ".join(dict.fromkeys(unknown))
            entry = _machine_entry(item, text, provenance, notes)
            result.needs_review += [item.block.id] if entry.fuzzy else []
            entries[item.block.id] = entry
        outputs += render_version(ws, master, name, lang, entries)
        results.append(result)

    for path, text in outputs:
        if write_if_changed(path, text):
            next(r for r in results if r.lang == path.parent.name).files_written.append(path)
    commit = _commit(ws, name, master_path, [p for p, _ in outputs], results, glossary)
    report = CheckReport(name, langs)
    for lang in langs:
        report.findings += check_version(master, plans[lang][0], glossary, source, lang)
    return TranslateResult(name, results, commit, mt.stats, report)


def _targets(requested: Sequence[str], source: str) -> list[str]:
    langs = list(dict.fromkeys(t.strip() for t in requested if t.strip()))
    if not langs:
        raise ConfigError("no target languages", hint="Pass --to fr,es or set targets in polyletter.toml.")
    for lang in langs:
        locale_for(lang)
        if lang == source:
            raise ConfigError(f"{lang} is the source language", hint="Leave it out of --to.")
    return langs


def _plan_language(
    master: Letter, version: LanguageVersion, source: str, target: str, glossary: Glossary | None = None
) -> tuple[dict[str, Entry], list[_Pending]]:
    """Entries that need no engine (reused, dates, signatories), and the blocks that do.

    A block whose terms a glossary change left wrong is retranslated when a
    machine wrote it (the cache makes that cheap), flagged for review when a
    person did -- their words are never changed.
    """
    entries: dict[str, Entry] = {}
    pending: list[_Pending] = []
    for block in master.blocks:
        previous = version.entries.get(block.id)
        if previous and previous.reusable_for(block.text):
            if not glossary_stale(previous, glossary, source, target):
                entries[block.id] = previous
                continue
            if previous.origin in HUMAN_ORIGINS and glossary is not None:
                entries[block.id] = flag_for_glossary(previous, glossary)
                version.glossary_flagged.append(block.id)
                continue
        local = _localize(block, source, target)
        if local is not None:
            provenance = stamp({"origin": "locale", "engine": "cldr"}, local)
            entries[block.id] = Entry(block.id, block.text, local, False, provenance)
            continue
        sentences = [split_sentences(line, source) for line in block.lines]
        pending.append(_Pending(block, sentences, previous))
    return entries, pending


def _term_provenance(glossary: Glossary | None, outcomes: list[TermOutcome]) -> dict[str, str]:
    """Which glossary a block was translated with, and the terms the engine did not keep."""
    if glossary is None or not glossary.terms:
        return {}
    notes = {"glossary": glossary.content_hash[:12]}
    lost = sorted({o.term for o in outcomes if o.status != "enforced"})
    if outcomes:
        notes["terms"] = f"{sum(o.status == 'enforced' for o in outcomes)}/{len(outcomes)} enforced"
    if lost:
        notes["terms-lost"] = ", ".join(lost)
    return notes


def _machine_entry(item: _Pending, text: str, provenance: str, notes: dict[str, str]) -> Entry:
    """A fresh machine translation; flagged for review when it replaces a human one.

    The human text stays in the entry (``previous``), and the master text it
    translated in ``#| msgid``, so a reviewer sees both sides of the change.
    """
    block, previous = item.block, item.previous
    if previous is not None and previous.origin in HUMAN_ORIGINS and previous.translation:
        kept = {
            "origin": "machine",
            "engine": provenance,
            **notes,
            "previous": previous.translation.replace("\n", "\\n"),
            "previous-by": previous.provenance.get("by", "unknown"),
            "since": dt.date.today().isoformat(),
        }
        return Entry(block.id, block.text, text, True, stamp(kept, text), previous.source)
    fresh = {"origin": "machine", "engine": provenance, **notes}
    return Entry(block.id, block.text, text, False, stamp(fresh, text))


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
    ws: Workspace,
    name: str,
    master_path: Path,
    paths: list[Path],
    results: list[LanguageResult],
    glossary: Glossary | None,
) -> str | None:
    master_commit = history.last_commit_of(ws.root, master_path)
    master_blob = history.blob_id(ws.root, master_path)
    committed = history.committed_blob(ws.root, master_path) if master_commit else None
    include_master = master_commit is None or committed != master_blob
    langs = ", ".join(r.lang for r in results)
    machine = any(r.blocks_translated for r in results)
    human = [r for r in results if r.human_edits]
    kinds = ", ".join(k for k, present in (("machine", machine), ("human", bool(human))) if present)
    if machine or not human:
        subject = f"polyletter: translate {name} into {langs}"
        body = f"Machine translation of {ws.rel(master_path)}" + (
            " (committed here)." if include_master else f" as of {master_commit[:12]}."
        )
    else:
        subject = f"polyletter: fold human edits into {name} ({', '.join(r.lang for r in human)})"
        body = "Corrections made by hand in the PO or Markdown, recorded as human translations."
    recovered = [f"{r.lang} from {r.recovered_from[:12]}" for r in results if r.recovered_from]
    if recovered:
        body += f" Missing PO recovered from Git history ({', '.join(recovered)}), human translations kept."
    marks = [
        (trailers.LETTER, name),
        (trailers.KIND, kinds or "machine"),
        (trailers.LANGUAGES, langs),
        (trailers.MASTER, ws.rel(master_path)),
        (trailers.MASTER_COMMIT, "this commit" if include_master else master_commit),
        (trailers.MASTER_BLOB, master_blob),
    ]
    if glossary is not None:
        marks.append((trailers.GLOSSARY, glossary.content_hash[:12]))
    marks += [(trailers.ENGINE_OF + r.lang, r.provenance) for r in results]
    marks += [(trailers.HUMAN_IN + r.lang, ", ".join(r.human_edits)) for r in human]
    marks += [(trailers.REVIEW_IN + r.lang, ", ".join(r.needs_review)) for r in results if r.needs_review]
    to_commit = [*paths, master_path] if include_master else paths
    return history.commit_paths(ws.root, to_commit, trailers.compose(subject, body, marks))
