"""QA: did the translation keep the coalition's words?

For each glossary term found in the source sentence, the translation must
contain one of its accepted forms in the target language (the preferred form
or an accepted variant) at least as often as the source has the term; a
keep-term must come through exactly. Anything short of that is a ``Finding``.

The translation is matched with the same machinery as the source (whole words,
longest first, the case rule of ``matching``), so "responsabilité de protéger"
inside "Conseiller spécial pour la responsabilité de protéger" is not counted
twice. Both texts are NFC-normalised first, so a decomposed "é" from an engine
still counts. Arabic translations may attach و ف ب ك ل to a term, and the
article may merge with li- ("للإبادة الجماعية"); both are accepted.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from polyletter.glossary.matching import find_terms, get_matcher
from polyletter.glossary.model import Glossary, Term

Kind = Literal["missing", "altered"]


@dataclass(frozen=True)
class Finding:
    """A term the translation does not render as the glossary says."""

    kind: Kind
    term: Term
    source_text: str
    expected: tuple[str, ...]
    source_count: int
    target_count: int
    target_lang: str

    @property
    def message(self) -> str:
        """One line for the QA table: what is wrong and what was expected."""
        forms = " / ".join(repr(f) for f in self.expected)
        if self.term.is_name:
            counts = f"{self.source_count} in source, {self.target_count} in translation"
            return f"name {self.source_text!r} is missing or altered ({counts}; {self.term.note})"
        if self.kind == "altered":
            head = f"keep-term {self.source_text!r} was altered"
        elif self.target_count == 0:
            head = f"{self.source_text!r} is not rendered as {self.target_lang} {forms}"
        else:
            head = f"{self.source_text!r} is rendered as {self.target_lang} {forms}"
        counts = f"{self.source_count} in source, {self.target_count} in translation"
        where = f"; glossary {self.term.origin}" if self.term.origin else ""
        return f"{head} ({counts}{where})"


def check_terms(
    source: str, translation: str, glossary: Glossary, source_lang: str, target_lang: str
) -> list[Finding]:
    """Findings for one source/translation pair, in the order the terms occur in the source."""
    src = unicodedata.normalize("NFC", source)
    tgt = unicodedata.normalize("NFC", translation)
    found = find_terms(glossary, src, source_lang, target_lang=target_lang)
    if not found:
        return []
    per_term: dict[int, list] = {}
    for match in found:
        per_term.setdefault(id(match.term), []).append(match)
    in_target: Counter[int] = Counter()
    claimed: list[tuple[int, int]] = []
    for start, end, terms in get_matcher(glossary, target_lang, lenient=True).find(tgt):
        for term in terms:
            in_target[id(term)] += 1
        if any(id(term) in per_term for term in terms):
            claimed.append((start, end))
    findings: list[Finding] = []
    for key, matches in per_term.items():
        term = matches[0].term
        if in_target[key] < len(matches):
            in_target[key] += _unclaimed(glossary, term, tgt, target_lang, claimed)
        if in_target[key] >= len(matches):
            continue
        findings.append(
            Finding(
                "altered" if term.keep else "missing",
                term,
                matches[0].text,
                term.forms_in(target_lang),
                len(matches),
                in_target[key],
                target_lang,
            )
        )
    return findings


@functools.lru_cache(maxsize=1024)
def _alone(term: Term, source_lang: str, target_lang: str):
    """The target-side matcher of one term, by value: ``check`` builds a letter's glossary afresh on
    every run, so a cache kept on the glossary would build these again each time."""
    return get_matcher(Glossary((term,), source_lang=source_lang), target_lang, lenient=True)


def _unclaimed(glossary: Glossary, term: Term, text: str, target_lang: str, claimed: list) -> int:
    """How often ``term`` is in ``text`` where no term the source asked for was found.

    The matcher takes the longest form first, across the whole glossary: in
    "la prevención de crímenes atroces" it finds "atrocity prevention"'s variant
    and so never "crímenes atroces" inside it. When the source has only
    "atrocity crimes", that longer term is not what the sentence says, and its
    words are the shorter term's: they are counted for it here. Only asked
    for a term found short, so a sentence with every term in place costs nothing more.
    """
    spans = _alone(term, glossary.source_lang, target_lang).find(text)
    return sum(1 for start, end, _ in spans if not any(s < end and start < e for s, e in claimed))
