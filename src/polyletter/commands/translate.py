"""``polyletter translate``: a master letter into committed language versions.

For each target language: fold in any human edits (PO or Markdown), reuse
every entry whose master block is unchanged, render dates and signatory
countries from CLDR, take what the translation memory has from people (whole
blocks, single sentences; similar ones are offered, not used), send the
remaining sentences through the engine (cache first, one batch per pair),
write the PO and its Markdown rendering, and make one commit for the whole run.
Everything is computed before anything is written, so a failure writes
nothing; one process per workspace at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from polyletter.document.formulas import Lexicon, load_lexicon
from polyletter.document.inline import CODE, Span, parse_inline, plain_text, relocate, render_inline
from polyletter.document.languages import lang_codes
from polyletter.document.letter import TABLE_HEADER, Block, BlockKind, Letter, Signatory, signatory_labels
from polyletter.document.localize import parse_date_line, render_countries, render_date_line
from polyletter.document.segment import Sentence, join_sentences, split_sentences
from polyletter.errors import ConfigError, EngineError
from polyletter.glossary import Glossary
from polyletter.glossary.workspace import letter_glossary
from polyletter.memory import Recall, TranslationMemory, Unit, Wanted, recall
from polyletter.mt.cache import TranslationCache
from polyletter.mt.enforce import TermOutcome
from polyletter.mt.engines import engines_for, get_engine
from polyletter.mt.engines.base import Engine
from polyletter.mt.routing import Route, plan_route
from polyletter.mt.translator import MachineTranslator, MTStats
from polyletter.qa import register
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
from polyletter.wording import count


@dataclass
class LanguageResult:
    lang: str
    provenance: str
    blocks_reused: int = 0
    blocks_translated: int = 0
    blocks_from_memory: int = 0
    """Blocks a person's translation in the memory answered whole (no engine call)."""
    needs_review: list[str] = field(default_factory=list)
    """Blocks whose human translation was replaced by a fresh one to review."""
    human_edits: list[str] = field(default_factory=list)
    """Blocks whose hand edits this run folded into the PO."""
    term_outcomes: list[TermOutcome] = field(default_factory=list)
    """What happened to each glossary term the engine was sent."""
    files_written: list[Path] = field(default_factory=list)
    recovered_from: str | None = None
    """The commit a missing PO was recovered from (its human translations kept)."""

    def to_dict(self, root: Path | None = None) -> dict[str, object]:
        """For ``translate --json``; file paths relative to ``root`` when given."""
        return {
            "lang": self.lang,
            "engine": self.provenance,
            "updated": bool(self.files_written),
            "blocks_translated": self.blocks_translated,
            "blocks_reused": self.blocks_reused,
            "blocks_from_memory": self.blocks_from_memory,
            "needs_review": list(self.needs_review),
            "human_edits": list(self.human_edits),
            "terms": [
                {"term": o.term, "target": o.target_text, "status": o.status} for o in self.term_outcomes
            ],
            "files_written": [
                (p.relative_to(root).as_posix() if root is not None and p.is_relative_to(root) else str(p))
                for p in self.files_written
            ],
            "recovered_from": self.recovered_from,
        }


@dataclass
class TranslateResult:
    letter: str
    languages: list[LanguageResult]
    commit: str | None
    stats: MTStats
    check: CheckReport
    """QA of the versions just written (what ``polyletter check`` would say)."""

    def to_dict(self, root: Path | None = None) -> dict[str, object]:
        """What ``translate --json`` prints: per language, the sentence counts, the commit, the QA."""
        return {
            "letter": self.letter,
            "commit": self.commit,
            "languages": [lang.to_dict(root) for lang in self.languages],
            "sentences": self.stats.to_dict(),
            "check": self.check.to_dict(),
        }


@dataclass
class _Line:
    """One line of a block on its way to the engine: plain text in sentences, formatting aside."""

    plain: str
    spans: tuple[Span, ...]
    sentences: list[Sentence]

    def engine_texts(self) -> list[str]:
        """What the engine gets for this line: its sentences, and each formatted span's own words.

        A span's words are translated in the same batch so that the span can be
        found again in the translated line (:func:`polyletter.document.inline.relocate`).
        """
        own = [self.plain[s.start : s.end] for s in self.spans if s.style != CODE and s.end > s.start]
        return [s.text for s in self.sentences] + [text for text in own if text.strip()]


@dataclass
class _Pending:
    """A block waiting for machine translation: its lines cut into sentences."""

    block: Block
    lines: list[_Line]
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
    langs = _targets(ws.config.targets if targets is None else lang_codes(targets, "--to"), source)
    active = engine if engine is not None and not isinstance(engine, str) else None
    active = active or get_engine(engine or ws.config.engine, ws.config)
    routes = {lang: _route(ws, active, source, lang) for lang in langs}

    for lang in langs:
        sweep_temp_files(ws.po_path(name, lang).parent)  # debris of a run killed mid-write
    editor = functools.partial(history.editor_of, ws.root)
    versions = {lang: load_version(ws, name, lang, editor=editor) for lang in langs}
    glossary = letter_glossary(ws, master, name)
    lexicon = load_lexicon(ws.root)
    mt = MachineTranslator(active, TranslationCache(ws.cache_folder()), glossary)
    memory = _memory(ws)
    plans: dict[str, tuple[dict[str, Entry], list[_Pending]]] = {}
    recalls: dict[str, Recall] = {}
    jobs: dict[str, tuple[Route, list[str]]] = {}
    for lang in langs:
        entries, pending = _plan_language(master, versions[lang], source, lang, lexicon, glossary)
        recalled = Recall()
        if memory is not None:
            wanted = [Wanted(i.block.id, i.block.text, tuple(_sentences(i))) for i in pending]
            recalled = recall(
                memory, wanted, source, lang, threshold=ws.config.memory.fuzzy_threshold, glossary=glossary
            )
            mt.stats.from_memory += recalled.sentence_count(wanted)
            for item in pending:
                if item.block.id in recalled.blocks:
                    entries[item.block.id] = _memory_entry(item, recalled.blocks[item.block.id], glossary)
            pending = [i for i in pending if i.block.id not in recalled.blocks]
        plans[lang], recalls[lang] = (entries, pending), recalled
        texts = [
            text
            for item in pending
            for line in item.lines
            for text in line.engine_texts()
            if text not in recalled.sentences
        ]
        jobs[lang] = (routes[lang], texts)
    run = mt.run(jobs)

    results: list[LanguageResult] = []
    outputs: list[tuple[Path, str]] = []
    for lang in langs:
        entries, pending = plans[lang]
        provenance = mt.provenance(routes[lang])
        recalled = recalls[lang]
        remembered = len(recalled.blocks)
        reused = len(master.blocks) - len(pending) - remembered
        result = LanguageResult(lang, provenance, reused, len(pending))
        result.blocks_from_memory = remembered
        result.human_edits = list(versions[lang].folded)
        result.recovered_from = versions[lang].recovered_from
        result.needs_review += versions[lang].glossary_flagged
        result.needs_review += [b for b in recalled.blocks if entries[b].fuzzy]
        texts = {**run.texts[lang], **{s: u.target for s, u in recalled.sentences.items()}}
        terms = run.terms[lang]
        for item in pending:
            lines, lost = zip(*(_translated_line(line, texts) for line in item.lines), strict=True)
            text = "\n".join(lines)
            sentences = [s.text for line in item.lines for s in line.sentences]
            outcomes = [o for s in sentences for o in terms.get(s, [])]
            unknown = [w for s in sentences for w in run.unknown[lang].get(s, [])]
            result.term_outcomes += outcomes
            notes = _term_provenance(glossary, outcomes)
            if any(lost):
                notes["formatting-lost"] = "; ".join(item for line_lost in lost for item in line_lost)
            if unknown:  # words the engine copied untranslated: `check` reports them
                notes["unknown"] = ", ".join(dict.fromkeys(unknown))
            notes.update(_memory_notes(sentences, recalled, item.block.id, text))
            entry = _machine_entry(item, text, provenance, notes)
            result.needs_review += [item.block.id] if entry.fuzzy else []
            entries[item.block.id] = entry
        if ws.config.register == register.FORMAL:  # lt-proc analyses it while it is written and committed
            register.prepare(lang, [e.translation for e in entries.values()], ws.cache_folder())
        outputs += render_version(ws, master, name, lang, entries)
        results.append(result)

    for path, text in outputs:
        if write_if_changed(path, text):
            next(r for r in results if r.lang == path.parent.name).files_written.append(path)
    commit = _commit(ws, name, master_path, [p for p, _ in outputs], results, glossary)
    report = CheckReport(name, langs)
    for lang in langs:
        report.findings += check_version(
            master, plans[lang][0], glossary, source, lang, lexicon, register=ws.config.register
        )
    return TranslateResult(name, results, commit, mt.stats, report)


def _route(ws: Workspace, active: Engine, source: str, target: str) -> Route:
    """The engine's route for a pair; when it has none, the error names the engines that have one."""
    try:
        return plan_route(active, source, target, ws.config.pivot)
    except EngineError as err:
        found = engines_for(source, target, ws.config, pivot=ws.config.pivot)
        others = [name for name in found if name != active.name]
        if not others:
            raise
        options = " or ".join(f"--engine {name}" for name in others)
        raise EngineError(
            err.message,
            hint=f"{err.hint} Or translate with {options} (it has {source}->{target}), "
            f"or set [engine] name in polyletter.toml.",
        ) from None


def _targets(requested: Sequence[str], source: str) -> list[str]:
    """The languages to translate into; ``requested`` is already normalised (``lang_codes``, the config)."""
    langs = list(dict.fromkeys(requested))
    if not langs:
        raise ConfigError("no target languages", hint="Pass --to fr,es or set targets in polyletter.toml.")
    for lang in langs:
        if lang == source:
            raise ConfigError(f"{lang} is the source language", hint="Leave it out of --to.")
    return langs


def _plan_language(
    master: Letter,
    version: LanguageVersion,
    source: str,
    target: str,
    lexicon: Lexicon,
    glossary: Glossary | None = None,
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
        local = _localize(block, source, target, lexicon)
        if local is not None:
            text, renderer = local
            provenance = stamp({"origin": "locale", "engine": renderer}, text)
            flags = previous.flags if previous is not None else ()
            entries[block.id] = Entry(block.id, block.text, text, False, provenance, flags=flags)
            continue
        lines = []
        for line in block.lines:
            plain, spans = parse_inline(line)
            lines.append(_Line(plain, spans, split_sentences(plain, source)))
        pending.append(_Pending(block, lines, previous))
    return entries, pending


def _translated_line(line: _Line, texts: dict[str, str]) -> tuple[str, list[str]]:
    """A translated line with its formatting put back, and the spans that could not be placed."""
    plain = join_sentences(line.sentences, [texts[s.text] for s in line.sentences])
    spans, lost = relocate(line.spans, line.plain, plain, texts.get)
    return render_inline(plain, spans), [f"{s.style} {line.plain[s.start : s.end]!r}" for s in lost]


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
    """A fresh machine translation; flagged for review when it replaces a human one."""
    return _new_entry(item, text, {"origin": "machine", "engine": provenance, **notes})


def _memory_entry(item: _Pending, unit: Unit, glossary: Glossary | None) -> Entry:
    """A block answered by a person's translation in the memory: where it came from, who wrote it."""
    notes = {"origin": "memory", "from": unit.where, "memory-origin": unit.origin}
    if unit.author:
        notes["by"] = unit.author
    return _new_entry(item, unit.target, {**notes, **_term_provenance(glossary, [])})


def _new_entry(item: _Pending, text: str, fresh: dict[str, str]) -> Entry:
    """A new translation of a block; flagged for review when it replaces a human one.

    The human text stays in the entry (``previous``), and the master text it
    translated in ``#| msgid``, so a reviewer sees both sides of the change.
    """
    block, previous = item.block, item.previous
    if previous is not None and previous.origin in HUMAN_ORIGINS and previous.translation:
        kept = {
            **fresh,
            "previous": previous.translation.replace("\n", "\\n"),
            "previous-by": previous.provenance.get("by", "unknown"),
            "since": dt.date.today().isoformat(),
        }
        return Entry(block.id, block.text, text, True, stamp(kept, text), previous.source, previous.flags)
    flags = previous.flags if previous is not None else ()  # a check the translator silenced stays so
    return Entry(block.id, block.text, text, False, stamp(fresh, text), flags=flags)


def _sentences(item: _Pending) -> list[str]:
    return [s.text for line in item.lines for s in line.sentences]


def _memory(ws: Workspace) -> TranslationMemory | None:
    """The workspace's memory brought up to HEAD, or None when ``[memory] enabled = false``."""
    if not ws.config.memory.enabled:
        return None
    memory = TranslationMemory(ws)
    memory.refresh()
    return memory


def _memory_notes(sentences: list[str], recalled: Recall, block_id: str, text: str) -> dict[str, str]:
    """Provenance of a machine-translated block: the sentences memory gave, the similar units offered.

    An offer whose translation the new text already holds word for word tells
    the reviewer nothing (the engine's own earlier output, say) and is left out.
    """
    notes: dict[str, str] = {}
    used = [recalled.sentences[s] for s in sentences if s in recalled.sentences]
    if used:
        places = ", ".join(dict.fromkeys(u.where for u in used))
        notes["memory"] = f"{len(used)} of {count(len(sentences), 'sentence')} from memory ({places})"
    offers = [m for m in recalled.offers.get(block_id, []) if m.unit.target not in text]
    for i, match in enumerate(offers):
        notes["memory-match" + (f"-{i + 1}" if i else "")] = match.note()
    return notes


def _localize(block: Block, source: str, target: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """Blocks rendered without an engine, and what rendered them; None for everything else.

    Dates and signatories' countries come from CLDR (names are kept as
    written); a salutation or closing the formula lexicon knows becomes the
    target's conventional formula, since engines translate formulas word by word.
    """
    if block.kind is BlockKind.DATE:
        line = parse_date_line(plain_text(block.text), source)
        return (render_date_line(line, target), "cldr") if line else None
    if block.kind is BlockKind.SIGNATORIES:
        lines = []
        for marker, line in zip(block.markers, block.lines, strict=True):
            if marker == TABLE_HEADER:
                width = len(line.split(" | "))
                lines.append(" | ".join(signatory_labels(target)[:width]))
                continue
            signatory = Signatory.parse(line, source)
            joined = render_countries(signatory.countries, signatory.joiner, source, target)
            lines.append(signatory.render(joined=joined))
        return "\n".join(lines), "cldr"
    if block.kind in (BlockKind.SALUTATION, BlockKind.CLOSING):
        formula = lexicon.match(block.text, source, block.kind.value)
        rendered = lexicon.render(formula, target) if formula else None
        return (rendered, f"formulas:{formula.id}") if rendered else None
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
