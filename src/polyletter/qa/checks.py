"""``polyletter check``: what a reviewer should look at before a letter is sent.

Per language and block: a glossary term whose target form is missing, a
keep-term altered, numbers that differ, a sentence left untranslated, a
placeholder that leaked, a suspicious length ratio, an empty translation,
entries waiting for review, a block a reader expects in the target language
left identical to its source (``identical``), a salutation or closing still
the source language's formula (``formula``), bold, italics, code or links of
the source that the translation lost (``formatting``), a person's or
body's name the letter's structure identified that is missing or altered
(``names``), a determiner that does not agree with the glossary form after
it (``agreement``: "del Naciones Unidas") and two terms left side by side
in English order (``word-order``). Signatory lines are
checked for numbers, placeholders and names (``names``: every signer's name
exactly as in the master), never for glossary terms: organisation names are
kept as written on purpose, and "Genocide Alert" is a name, not the crime.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field

from polyletter.document.formulas import Lexicon, load_lexicon
from polyletter.document.inline import CODE, EMPHASIS, LINK, STRONG, parse_inline
from polyletter.document.letter import TRANSLATABLE, Block, BlockKind, Letter, parse_signatories
from polyletter.document.segment import split_sentences
from polyletter.glossary import Finding, Glossary, check_terms, find_terms
from polyletter.glossary.agreement import agreement_findings
from polyletter.glossary.protection import LEFTOVER_BRACKET
from polyletter.mt.engines import placeholder_patterns
from polyletter.store.catalog import Entry
from polyletter.wording import count

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_LENGTH_BANDS = {"zh": (0.15, 1.2), "ja": (0.2, 1.4), "ko": (0.2, 1.4)}
_DEFAULT_BAND = (0.5, 2.0)
_MIN_LENGTH_FOR_RATIO = 40


@functools.cache
def leaked_placeholder() -> re.Pattern[str]:
    """Any placeholder an engine was given, in whatever shape it may come back.

    The shapes come from their owners: the engine registry (each engine's own
    placeholders) and the glossary's bracket markers.
    """
    shapes = [LEFTOVER_BRACKET, *placeholder_patterns()]
    return re.compile("|".join(pattern.pattern for pattern in shapes))


@dataclass(frozen=True)
class QAFinding:
    lang: str
    block_id: str
    check: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class CheckReport:
    letter: str
    langs: list[str]
    findings: list[QAFinding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    def counts(self) -> Counter[str]:
        return Counter(f.check for f in self.findings)

    def summary(self) -> str:
        if self.clean:
            return f"check {self.letter} ({', '.join(self.langs)}): clean"
        counts = ", ".join(f"{name} {n}" for name, n in sorted(self.counts().items()))
        found = count(len(self.findings), "finding")
        return f"check {self.letter} ({', '.join(self.langs)}): {found} ({counts})"

    def to_dict(self) -> dict[str, object]:
        return {
            "letter": self.letter,
            "languages": self.langs,
            "clean": self.clean,
            "counts": dict(self.counts()),
            "findings": [f.to_dict() for f in self.findings],
        }




def check_version(
    master: Letter,
    entries: dict[str, Entry],
    glossary: Glossary | None,
    source: str,
    target: str,
    lexicon: Lexicon | None = None,
) -> list[QAFinding]:
    """Every finding for one language version, in block order.

    ``lexicon`` is the workspace's formula lexicon (the shipped one by default): a formula the
    workspace added is recognised as left in the source language like any other.
    """
    lexicon = lexicon or load_lexicon()
    findings: list[QAFinding] = []
    for block in master.blocks:
        entry = entries.get(block.id)

        def add(check: str, message: str, block_id: str = block.id) -> None:
            findings.append(QAFinding(target, block_id, check, message))

        if entry is None or not entry.translation.strip():
            add("empty", "no translation")
            continue
        translation = entry.translation
        if entry.source != block.text:
            add("needs-review", "the master changed since this was translated; run `polyletter translate`")
        elif entry.fuzzy and entry.provenance.get("stale") == "glossary":
            add("needs-review", "the glossary changed since a human wrote this; review its terms, unflag it")
        elif entry.fuzzy:
            previous = entry.provenance.get("previous-by", "a human")
            add("needs-review", f"machine translation replaced one by {previous}; review and unflag it")
        if entry.origin == "machine" and entry.provenance.get("unknown"):
            add("unknown", f"left untranslated by the engine: {entry.provenance['unknown']}")
        for leaked in leaked_placeholder().findall(translation):
            if leaked not in block.text:  # a master may quote such a token; only debris is reported
                add("placeholder", f"leftover placeholder {leaked!r}")
        missing, extra = _number_difference(block.text, translation)
        if missing or extra:
            parts = [
                f"missing {', '.join(missing)}" if missing else "",
                f"extra {', '.join(extra)}" if extra else "",
            ]
            add("numbers", "numbers differ: " + "; ".join(p for p in parts if p))
        if block.kind is BlockKind.SIGNATORIES:
            changed = _changed_names(block, translation, source, target)
            if changed:
                add("names", f"signatory names changed: {', '.join(changed)}")
            continue
        if block.kind is BlockKind.DATE:
            continue
        for problem in _formatting_lost(block.text, translation):
            add("formatting", problem)
        same = translation.strip() == block.text.strip() and re.search(r"[^\W\d_]{3}", translation)
        if block.kind in TRANSLATABLE and same and source != target:
            add("identical", f"the translation is the {source} text itself: {_clip(translation)!r}")
        if block.kind in (BlockKind.SALUTATION, BlockKind.CLOSING):
            kind = block.kind.value
            left = lexicon.match(translation, source, kind)
            if left is not None and lexicon.match(translation, target, kind) is None:
                add("formula", f"the {kind} is still the {source} formula {_clip(translation)!r}")
        if glossary is not None:
            for term_finding in check_terms(block.text, translation, glossary, source, target):
                add(_term_check(term_finding), term_finding.message)
            for check, message in agreement_findings(glossary, block.text, translation, source, target):
                add(check, message)
        for sentence in _untranslated(block.text, translation, source, glossary):
            add("untranslated", f"left in {source}: {_clip(sentence)!r}")
        ratio = _ratio(block.text, translation)
        low, high = _LENGTH_BANDS.get(target.split("_")[0], _DEFAULT_BAND)
        if ratio is not None and not low <= ratio <= high:
            add("length", f"translation is {ratio:.2f}x the source length (expected {low}-{high}x)")
    return findings


def _term_check(finding: Finding) -> str:
    """``names`` for a name the letter's structure found, ``keep-term`` for a kept term, else ``glossary``."""
    if finding.term.is_name:
        return "names"
    return "keep-term" if finding.kind == "altered" else "glossary"


def _formatting_lost(source: str, translation: str) -> list[str]:
    """Links whose URL is gone, and fewer bold, italic or code spans than the source has."""
    wanted = [span for line in source.split("\n") for span in parse_inline(line)[1]]
    found = [span for line in translation.split("\n") for span in parse_inline(line)[1]]
    problems = [
        f"the link to {url} is missing"
        for url in sorted({s.target for s in wanted if s.style == LINK} - {s.target for s in found})
    ]
    for style, label in ((STRONG, "bold"), (EMPHASIS, "italic"), (CODE, "code")):
        lost = sum(s.style == style for s in wanted) - sum(s.style == style for s in found)
        if lost > 0:
            problems.append(f"{lost} {label} span{'s' if lost > 1 else ''} of the source missing")
    return problems


def _changed_names(block: Block, translation: str, source: str, target: str) -> list[str]:
    """Signers of the master whose name is not in the translation exactly as written."""
    lines = translation.split("\n")
    markers = block.markers[: len(lines)] + ("",) * max(0, len(lines) - len(block.markers))
    kept = {s.name for s in parse_signatories(tuple(lines), markers, target)}
    return [s.name for s in parse_signatories(block.lines, block.markers, source) if s.name not in kept]


def _digits(text: str) -> str:
    """ASCII digits of any script (Arabic-Indic ones included), separators dropped."""
    return "".join(str(unicodedata.digit(ch)) for ch in text if unicodedata.digit(ch, None) is not None)


def _numbers(text: str) -> Counter[str]:
    normalised = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
    return Counter(_digits(m) for m in _NUMBER.findall(normalised))


def _number_difference(source: str, translation: str) -> tuple[list[str], list[str]]:
    wanted, found = _numbers(source), _numbers(translation)
    return sorted((wanted - found).elements()), sorted((found - wanted).elements())


def _untranslated(source: str, translation: str, lang: str, glossary: Glossary | None = None) -> list[str]:
    """Sentences of three words or more that came through unchanged.

    Words of kept terms and names ("Palais des Nations", "Human Rights Watch")
    are meant to come through and do not count.
    """
    out = []
    for line in source.split("\n"):
        for sentence in split_sentences(line, lang):
            text, pieces, pos = sentence.text, [], 0
            for m in find_terms(glossary, text, lang) if glossary is not None else []:
                if m.term.keep:
                    pieces += [text[pos : m.start], " "]
                    pos = m.end
            words = re.findall(r"\w+", "".join([*pieces, text[pos:]]))
            if len(words) >= 3 and sentence.text in translation:
                out.append(sentence.text)
    return out


def _ratio(source: str, translation: str) -> float | None:
    if len(source) < _MIN_LENGTH_FOR_RATIO:
        return None
    return len(translation) / len(source)


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
