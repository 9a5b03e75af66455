"""``polyletter check``: QA of a letter's language versions before anyone sends them.

The checks themselves are in :mod:`polyletter.qa` (one class each, listed in
:mod:`polyletter.qa.registry`); this command finds the versions, loads the
workspace's glossary, lexicon and -- when ``[memory]`` is enabled -- what
people wrote for the same sentences in other letters, and reports what the
checks found. :func:`fix_letter` applies the repairs the checks call safe,
to machine translations only, and commits them like ``translate`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from polyletter.document.formulas import Lexicon, load_lexicon
from polyletter.document.languages import lang_codes
from polyletter.document.letter import Letter
from polyletter.errors import WorkspaceStateError
from polyletter.glossary import Glossary
from polyletter.glossary.workspace import letter_glossary
from polyletter.qa import register
from polyletter.qa.checks import CheckReport, QAFinding, VersionCheck, run_checks
from polyletter.qa.consistency import pairs
from polyletter.qa.state import MACHINE_ORIGINS
from polyletter.readers import read_letter
from polyletter.store import history, trailers
from polyletter.store.catalog import Entry
from polyletter.store.fileio import write_if_changed
from polyletter.store.lock import workspace_lock
from polyletter.store.versions import load_version, render_version, stamp
from polyletter.store.workspace import Workspace
from polyletter.wording import count

FIX_ORIGIN = "qa-fix"
"""The provenance origin of a translation ``check --fix`` repaired."""
_ROUNDS = 4
"""Fixes are applied one check at a time and the block checked again: a few rounds settle any block."""


@dataclass(frozen=True)
class _Subject:
    """What ``check`` and ``check --fix`` hold a letter's versions against: read once per run."""

    name: str
    master: Letter
    langs: list[str]
    glossary: Glossary | None
    lexicon: Lexicon
    source: str
    register: str

    @classmethod
    def of(cls, ws: Workspace, letter: str, langs: Sequence[str] | None) -> _Subject:
        name = ws.letter_name(letter)
        master = read_letter(ws.master_path(name), ws.config.source)
        chosen = list(ws.config.targets) if langs is None else lang_codes(langs, "--lang")
        glossary = letter_glossary(ws, master, name)
        return cls(
            name, master, chosen, glossary, load_lexicon(ws.root), ws.config.source, ws.config.register
        )

    def run(
        self, entries: Mapping[str, Entry], lang: str, elsewhere: Mapping[str, tuple[str, str]] | None = None
    ) -> VersionCheck:
        """The registry over one version of the letter."""
        return run_checks(
            self.master,
            entries,
            self.glossary,
            self.source,
            lang,
            self.lexicon,
            register=self.register,
            elsewhere=elsewhere,
        )


def check_letter(ws: Workspace, letter: str, langs: Sequence[str] | None = None) -> CheckReport:
    """QA of a letter's language versions (all configured targets by default)."""
    subject = _Subject.of(ws, letter, langs)
    name, master, langs = subject.name, subject.master, subject.langs
    report = CheckReport(name, langs)
    memory = _Elsewhere(ws, name)
    for lang in langs:
        if not ws.po_path(name, lang).exists():
            report.findings.append(
                QAFinding(
                    lang, "-", "missing", f"no {lang} version; run `polyletter translate {name} --to {lang}`"
                )
            )
            continue
        entries = load_version(ws, name, lang).entries
        # lt-proc starts meanwhile
        register.prepare(lang, [e.translation for e in entries.values()], ws.cache_folder())
        report.add(subject.run(entries, lang, memory.for_version(master, entries, lang)))
    memory.close()
    return report


class _Elsewhere:
    """People's translations of this letter's texts in the workspace's other letters, from the memory.

    One indexed query per language version (``TranslationMemory.exact``), and
    nothing at all when ``[memory] enabled = false``: the memory is brought
    up to HEAD once, which costs a ``git ls-tree`` when nothing changed.
    """

    def __init__(self, ws: Workspace, letter: str) -> None:
        self.ws, self.letter = ws, letter
        self._memory = None

    def for_version(
        self, master: Letter, entries: Mapping[str, Entry], lang: str
    ) -> dict[str, tuple[str, str]]:
        if not self.ws.config.memory.enabled:
            return {}
        if self._memory is None:
            from polyletter.memory import TranslationMemory

            self._memory = TranslationMemory(self.ws)
            self._memory.refresh()
        source = self.ws.config.source
        texts = [s for e in entries.values() if e.translation for s, _ in pairs(e, source, lang)]
        found = self._memory.exact(source, lang, texts, other_than=self.letter)
        return {text: (unit.target, unit.where) for text, unit in found.items()}

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()


@dataclass
class FixResult:
    """What ``check --fix`` repaired (or, dry, would repair), by language and block."""

    letter: str
    fixed: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """lang -> block id -> the checks whose repair was applied."""
    skipped: list[QAFinding] = field(default_factory=list)
    """Fixable findings left alone: a person wrote (or reviewed) that block."""
    applied: bool = False
    commit: str | None = None
    files_written: list[Path] = field(default_factory=list)
    report: CheckReport | None = None
    """The check of the versions as they stand after the fixes (as they would be, when dry)."""

    @property
    def blocks(self) -> int:
        return sum(len(blocks) for blocks in self.fixed.values())

    def to_dict(self, root: Path) -> dict[str, object]:
        return {
            "letter": self.letter,
            "applied": self.applied,
            "fixed": self.fixed,
            "skipped": [f.to_dict() for f in self.skipped],
            "commit": self.commit,
            "files_written": [p.relative_to(root).as_posix() for p in self.files_written],
            "check": self.report.to_dict() if self.report is not None else None,
        }


def fix_letter(
    ws: Workspace, letter: str, langs: Sequence[str] | None = None, *, apply: bool = False
) -> FixResult:
    """Apply the checks' safe repairs to machine translations; dry (nothing written) unless ``apply``.

    A block a person wrote or reviewed is never changed: its fixable findings
    are listed in :attr:`FixResult.skipped`. Applied, the repaired entries are
    recorded as ``origin: qa-fix`` (with the checks that repaired them), the
    PO and Markdown are written as ``translate`` writes them, and one commit
    records them.
    """
    subject = _Subject.of(ws, letter, langs)
    name, master, langs = subject.name, subject.master, subject.langs
    result = FixResult(name, applied=apply)
    report = CheckReport(name, langs)
    with workspace_lock(ws):
        if apply:
            history.ensure_ready(ws.root)
        outputs: list[tuple[Path, str]] = []
        for lang in langs:
            if not ws.po_path(name, lang).exists():
                continue
            version = load_version(ws, name, lang, editor=functools.partial(history.editor_of, ws.root))
            if apply and version.folded:
                raise WorkspaceStateError(
                    f"the {lang} version has hand edits not recorded yet ({', '.join(version.folded)})",
                    path=ws.rel(ws.po_path(name, lang)),
                    hint=f"Run `polyletter translate {name} --to {lang}` to record them, then fix again.",
                )
            entries, fixed, skipped = _fixed_entries(subject, version.entries, lang)
            result.skipped += skipped
            if fixed:
                result.fixed[lang] = fixed
                outputs += render_version(ws, master, name, lang, entries)
            report.add(subject.run(entries, lang))
        result.report = report
        if apply and outputs:
            for path, text in outputs:
                if write_if_changed(path, text):
                    result.files_written.append(path)
            result.commit = history.commit_paths(ws.root, [p for p, _ in outputs], _message(ws, result))
    return result


def _fixed_entries(
    subject: _Subject, entries: dict[str, Entry], lang: str
) -> tuple[dict[str, Entry], dict[str, list[str]], list[QAFinding]]:
    """The entries with every safe repair applied, what was repaired, and what was left to people."""
    entries = dict(entries)
    fixed: dict[str, list[str]] = {}
    skipped: dict[tuple[str, str], QAFinding] = {}
    for _ in range(_ROUNDS):
        changed = False
        seen: set[str] = set()
        for finding in subject.run(entries, lang).findings:
            if finding.fix is None or finding.block_id in seen:
                continue
            entry = entries[finding.block_id]
            if entry.origin not in MACHINE_ORIGINS:
                skipped.setdefault((finding.block_id, finding.check), finding)
                continue
            seen.add(finding.block_id)  # one repair per block per round: the next round sees its result
            if finding.fix == entry.translation:
                continue
            checks = [*fixed.get(finding.block_id, []), finding.check]
            fixed[finding.block_id] = list(dict.fromkeys(checks))
            provenance = {
                **entry.provenance,
                "origin": FIX_ORIGIN,
                "fixed": ", ".join(fixed[finding.block_id]),
            }
            entries[finding.block_id] = Entry(
                entry.block_id,
                entry.source,
                finding.fix,
                entry.fuzzy,
                stamp(provenance, finding.fix),
                entry.previous_source,
                entry.flags,
            )
            changed = True
        if not changed:
            break
    return entries, fixed, list(skipped.values())


def _message(ws: Workspace, result: FixResult) -> str:
    """What the commit says: which checks repaired which blocks, and that only machine text was touched."""
    langs = ", ".join(result.fixed)
    subject = f"polyletter: check --fix {result.letter} ({langs}): {count(result.blocks, 'block')} repaired"
    lines = [
        f"{lang}: " + "; ".join(f"{block} ({', '.join(checks)})" for block, checks in blocks.items()) + "."
        for lang, blocks in result.fixed.items()
    ]
    lines.append(
        "Repairs the QA checks call safe, applied to machine translations only and recorded as origin qa-fix."
    )
    if result.skipped:
        lines.append(
            f"Left for people (written or reviewed by one): {count(len(result.skipped), 'finding')}."
        )
    master_path = ws.master_path(result.letter)
    marks = [
        (trailers.LETTER, result.letter),
        (trailers.KIND, FIX_ORIGIN),
        (trailers.LANGUAGES, langs),
        (trailers.MASTER, ws.rel(master_path)),
        (trailers.MASTER_BLOB, history.blob_id(ws.root, master_path)),
    ]
    return trailers.compose(subject, "\n".join(lines), marks)
