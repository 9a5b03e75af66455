"""``polyletter check``: what a reviewer should look at before a letter is sent.

:func:`check_version` runs the registry (:data:`polyletter.qa.registry.CHECKS`)
over every block of one language version and gives what they found; an
entry flagged ``#, ignore-<check_id>`` in its PO silences that check for
itself, and the run counts what was silenced (:class:`VersionCheck`) so that
``check`` can say so. Signatory lines and dates are rendered by polyletter
and get their own few checks (numbers, placeholders, names, state).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from polyletter.document.formulas import Lexicon, load_lexicon
from polyletter.document.letter import Letter
from polyletter.glossary import Glossary
from polyletter.qa.base import Check, Context, Letterwide
from polyletter.qa.registry import BY_ID, CHECKS
from polyletter.qa.text import leaked_placeholder
from polyletter.store.catalog import Entry
from polyletter.wording import count

__all__ = ["CheckReport", "QAFinding", "VersionCheck", "check_version", "leaked_placeholder", "run_checks"]


@dataclass(frozen=True)
class QAFinding:
    lang: str
    block_id: str
    check: str
    message: str
    glossary: str | None = None
    """The glossary entry the finding is about, ``glossary/rtop.yaml:12`` (relative to the workspace)."""
    fix: str | None = field(default=None, compare=False)
    """The block's translation repaired, when the check knows a safe repair (``check --fix``)."""

    @property
    def name(self) -> str:
        """The check's human name ("Doubled word"); the id itself for findings outside the registry."""
        check = BY_ID.get(self.check)
        return check.name if check is not None else self.check

    def to_dict(self) -> dict[str, object]:
        return {
            "check_id": self.check,
            "name": self.name,
            "block": self.block_id,
            "language": self.lang,
            "message": self.message,
            "glossary": self.glossary,
            "fixable": self.fix is not None,
        }


@dataclass
class VersionCheck:
    """What the checks found in one language version, and how many findings entries silenced."""

    findings: list[QAFinding] = field(default_factory=list)
    silenced: int = 0


@dataclass
class CheckReport:
    letter: str
    langs: list[str]
    findings: list[QAFinding] = field(default_factory=list)
    silenced: int = 0
    """Findings an entry's ``#, ignore-<check_id>`` flag silenced: not reported, but counted."""

    @property
    def clean(self) -> bool:
        return not self.findings

    def counts(self) -> Counter[str]:
        return Counter(f.check for f in self.findings)

    def add(self, version: VersionCheck) -> None:
        self.findings += version.findings
        self.silenced += version.silenced

    def summary(self) -> str:
        quiet = f"; {self.silenced} silenced" if self.silenced else ""
        if self.clean:
            return f"check {self.letter} ({', '.join(self.langs)}): clean{quiet}"
        counts = ", ".join(f"{name} {n}" for name, n in sorted(self.counts().items()))
        found = count(len(self.findings), "finding")
        return f"check {self.letter} ({', '.join(self.langs)}): {found} ({counts}){quiet}"

    def to_dict(self) -> dict[str, object]:
        return {
            "letter": self.letter,
            "languages": self.langs,
            "clean": self.clean,
            "counts": dict(self.counts()),
            "silenced": self.silenced,
            "findings": [f.to_dict() for f in self.findings],
        }


def run_checks(
    master: Letter,
    entries: Mapping[str, Entry],
    glossary: Glossary | None,
    source: str,
    target: str,
    lexicon: Lexicon | None = None,
    *,
    register: str = "formal",
    elsewhere: Mapping[str, tuple[str, str]] | None = None,
    checks: Sequence[Check] = CHECKS,
) -> VersionCheck:
    """Every finding for one language version, in block order, and the count of silenced ones.

    ``lexicon`` is the workspace's formula lexicon (the shipped one by default): a formula the
    workspace added is recognised as left in the source language like any other. ``elsewhere``
    is what other letters' people wrote for the same source texts (see :class:`Letterwide`).
    """
    lexicon = lexicon or load_lexicon()
    letter = Letterwide(entries, elsewhere or {}, master)
    result = VersionCheck()
    for block in master.blocks:
        entry = entries.get(block.id) or Entry(block.id, block.text, "")
        ctx = Context(block, entry, source, target, glossary, lexicon, register, letter)
        for check in checks:
            if not check.applies(ctx):
                continue
            for issue in check.check(ctx):
                if entry.silenced(check.check_id):
                    result.silenced += 1
                    continue
                origin = str(issue.origin) if issue.origin is not None else None
                result.findings.append(
                    QAFinding(target, block.id, check.check_id, issue.message, origin, issue.fix)
                )
    return result


def check_version(
    master: Letter,
    entries: Mapping[str, Entry],
    glossary: Glossary | None,
    source: str,
    target: str,
    lexicon: Lexicon | None = None,
    **options: object,
) -> list[QAFinding]:
    """The findings of :func:`run_checks` (silenced ones left out), for callers that need no count."""
    return run_checks(master, entries, glossary, source, target, lexicon, **options).findings  # type: ignore[arg-type]
