"""The words around the glossary's forms: determiners that agree, terms in the target's order.

Decision (issue 11): polyletter *repairs the output*. An engine keeps its
placeholder or injection (so the glossary's form is exact and the cache is
keyed by what the engine received), and after whichever engine the pass
here reads the determiner before each glossary form and rewrites it to agree
with the form's gender and number. A better stand-in (a real noun of the
right gender) would make Apertium inflect and reorder it like a word,
breaking the exact round trip that protection relies on; translating the
term and replacing the engine's rendering would need an alignment that rule
engines do not give. Repair is exact, engine-independent and checkable: QA
runs the very same reading (:func:`agreement_findings`).

Two glossary terms that stood side by side in the source ("United Nations
Secretary-General") are English noun-adjunct order; where they come out side
by side in the same order, languages whose rules say so get them as "Y de +
article + X" ("Secretario General de las Naciones Unidas"); elsewhere, or when
the qualifier's grammar is unknown, ``check`` reports them for review.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from polyletter.document.languages import base_lang
from polyletter.glossary.matching import find_terms, get_matcher
from polyletter.glossary.model import Glossary, Term, form_key
from polyletter.grammar import UNKNOWN, Grammar, rules_for
from polyletter.grammar.base import Disagreement, Placed, adjacent, apply, disagreements, reorder

Pairs = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Agreed:
    """A text after the agreement pass, and what the pass changed."""

    text: str
    reordered: list[tuple[str, str]] = field(default_factory=list)
    repaired: list[Disagreement] = field(default_factory=list)


def placed_forms(glossary: Glossary, text: str, lang: str) -> list[Placed]:
    """Every glossary form in ``text`` (written in ``lang``), with the grammar its neighbours need."""
    placed: list[Placed] = []
    # The same few forms come back in every sentence: each one's grammar is worked out once.
    known: dict[tuple[int, str], tuple[Grammar, str | None]] = glossary.derived(("grammars", lang), dict)
    for start, end, terms in get_matcher(glossary, lang).find(text):
        matched = text[start:end]
        grammar: Grammar | None = None
        movable, lower = True, False
        for term in terms:
            key = (id(term), matched)  # the glossary keeps its terms alive: an id stays theirs
            if key not in known:
                known[key] = _grammar(term, matched, lang)
            own, spelled = known[key]
            grammar = own if grammar is None else grammar.common(own)
            movable = movable and not term.keep and spelled is not None
            lower = lower or (spelled is not None and spelled[:1].islower())
        placed.append(Placed(start, end, grammar or UNKNOWN, terms[0].term, movable, lower))
    return placed


def _grammar(term: Term, matched: str, lang: str) -> tuple[Grammar, str | None]:
    """The grammar of the form ``matched`` of ``term`` in ``lang``, and how the glossary spells it."""
    if term.keep or base_lang(lang) == base_lang(term.language):
        return UNKNOWN, None
    forms = term.target(lang)
    if forms is None:
        return UNKNOWN, None
    key = form_key(matched)
    spelled = next((f for f in forms.forms if form_key(f) == key), matched)
    return forms.grammar_of(spelled, lang), spelled


def source_pairs(glossary: Glossary, source: str, source_lang: str, target_lang: str) -> Pairs:
    """The (X, Y) terms that stand side by side in ``source``, translated terms both."""
    matches = find_terms(glossary, source, source_lang, target_lang=target_lang)
    return frozenset(
        (a.term.term, b.term.term)
        for a, b in itertools.pairwise(matches)
        if not a.term.keep
        and not b.term.keep
        and a.end < b.start
        and not source[a.end : b.start].strip(" \t\u00a0")
    )


def agree(glossary: Glossary | None, text: str, lang: str, pairs: Pairs = frozenset()) -> Agreed:
    """``text`` with source-adjacent terms reordered (where the language says how), determiners agreeing."""
    rules = rules_for(lang)
    if glossary is None or rules is None or not text:
        return Agreed(text)
    placed = placed_forms(glossary, text, lang)
    if not placed:
        return Agreed(text)
    reordered: list[tuple[str, str]] = []
    if pairs:
        text, reordered = reorder(text, placed, pairs, rules)
        if reordered:
            placed = placed_forms(glossary, text, lang)
    fixes = disagreements(text, placed, rules)
    return Agreed(apply(text, fixes), reordered, fixes)


def agreement_findings(
    glossary: Glossary | None, source: str, translation: str, source_lang: str, target_lang: str
) -> list[tuple[str, str]]:
    """(check, message) for each disagreeing determiner and each pair left in English order.

    ``agreement``: a determiner before a glossary form that does not agree with
    it (the message says what it should be). ``word-order``: two terms that
    stood side by side in the source, side by side and in the same order here.
    """
    if glossary is None or not translation:
        return []
    placed = placed_forms(glossary, translation, target_lang)
    if not placed:
        return []
    out: list[tuple[str, str]] = []
    rules = rules_for(target_lang)
    if rules is not None:
        out += [
            ("agreement", f"determiner does not agree: {d.message}")
            for d in disagreements(translation, placed, rules)
        ]
    pairs = source_pairs(glossary, source, source_lang, target_lang)
    for a, b in adjacent(translation, placed):
        if (a.label, b.label) in pairs:
            shown = translation[a.start : b.end]
            out.append(
                (
                    "word-order",
                    f"adjacent terms, word order to review: {shown!r} keeps the English order of "
                    f"{a.label!r} {b.label!r}",
                )
            )
    return out
