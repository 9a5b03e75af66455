"""Finding glossary terms in text: longest match first, whole words, clear case rules.

Case rule (one rule, applied to each form on its own):

* a keep-term (RtoP, R2P, an organisation's name) is matched exactly as written;
* a form that contains a capital letter ("General Assembly", "Member States",
  "H.E.") is matched exactly as written: the capitals are what make it the UN
  body rather than any general assembly of members;
* a form written all in lower case ("genocide", "war crimes", "third pillar")
  is matched in any case, so "Genocide" opening a sentence and "WAR CRIMES" in
  a heading are found.

A glossary that wants "responsibility to protect" in running text as well as
"Responsibility to Protect" lists the lower-case spelling as a variant; that
variant then matches every capitalisation.

Other rules: a match never starts or ends inside a word (Unicode-aware: "R2P"
is not found in "R2PX", "genocide" not in "genocides" unless listed as a
variant); any run of whitespace in a form matches any run in the text (a term
may be wrapped across lines); straight and curly apostrophes, and the Unicode
hyphens, are interchangeable. Where candidates overlap the longest wins
("Special Adviser on the Responsibility to Protect" over "Responsibility to
Protect"), ties going to the leftmost. In Arabic, a term may carry the
proclitics و ف ب ك ل in front of it; the match covers the term, not the clitic.

Speed: per (glossary, language, target language) one regex is compiled -- the
forms as a trie (common beginnings written once, longer forms first), inside a
lookahead so that every start position is tried -- and cached on the glossary.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from polyletter.document.languages import base_lang, normalise_lang
from polyletter.glossary.model import Glossary, Term

_APOSTROPHES = "'\u2019\u02bc"
_HYPHENS = "-\u2010\u2011"
_FOLD = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})
_ARABIC_PROCLITICS = "(?:[\u0648\u0641]?[\u0628\u0643\u0644]?)"
"""Optional wa-/fa- then bi-/ka-/li- written joined to the next word."""


@dataclass(frozen=True)
class Match:
    """A glossary term found in text: ``text[start:end] == text_matched``."""

    start: int
    end: int
    term: Term
    text: str


def is_case_sensitive(form: str, term: Term) -> bool:
    """The case rule: keep-terms and forms with a capital letter match exactly."""
    return term.keep or any(ch.isupper() for ch in form)


def find_terms(
    glossary: Glossary, text: str, lang: str = "en", *, target_lang: str | None = None
) -> list[Match]:
    """Glossary terms in ``text`` (written in ``lang``), non-overlapping, in text order.

    In the glossary's source language the term and its variants are looked for;
    in another language, the term's forms in that language (so a French master
    can be matched with an English-French glossary). With ``target_lang``, only
    terms the glossary can render in that language are matched -- what a
    pipeline wants before protecting spans for a given target.
    """
    matcher = get_matcher(glossary, lang, target_lang)
    return [Match(s, e, terms[0], text[s:e]) for s, e, terms in matcher.find(text)]


def get_matcher(
    glossary: Glossary, lang: str, target_lang: str | None = None, *, lenient: bool = False
) -> _Matcher:
    """The compiled matcher for this glossary and language, built once and cached on it.

    ``lenient`` (used by QA on translations) also accepts Arabic forms where
    the article has merged with li- ("للإبادة" for "ل" + "الإبادة").
    """
    key = (normalise_lang(lang), normalise_lang(target_lang) if target_lang else None, lenient)
    return glossary.derived(("matcher", *key), lambda: _Matcher(glossary, *key))


def _norm(text: str) -> str:
    return " ".join(text.split()).translate(_FOLD)


@functools.lru_cache(maxsize=8192)
def form_atoms(form: str) -> tuple[str, ...]:
    """A form as regex atoms, one per character: flexible whitespace, any apostrophe, any hyphen.

    Cached: a matcher is built per glossary object and language, and ``check`` builds a letter's
    glossary (its names added) afresh on every run, with the same forms as the last.
    """
    out: list[str] = []
    in_space = False
    for ch in form:
        if ch.isspace():
            if not in_space:
                out.append(r"\s+")
            in_space = True
            continue
        in_space = False
        if ch in _APOSTROPHES:
            out.append(f"[{_APOSTROPHES}]")
        elif ch in _HYPHENS:
            out.append(f"[{_HYPHENS}]")
        else:
            out.append(re.escape(ch))
    return tuple(out)


def form_pattern(form: str) -> str:
    """A regex for one form (see :func:`form_atoms`)."""
    return "".join(form_atoms(form))


def trie_pattern(forms: Iterable[tuple[str, ...]]) -> str:
    """One regex for many forms (as atoms), their common beginnings written once, each ending a word.

    The plain alternation of every form made each word of a text try every
    form in turn: the cost of a search grew with the glossary. In the trie a
    word tries the first atoms there are, then only the forms that begin as
    it does. Longer forms come before the end of a shorter one (``United
    Nations`` then ``United Nations Secretary-General`` share a branch, and
    the longer is tried first), so the match is the longest form there --
    what the plain alternation, sorted longest first, found. No two branches
    of a node begin with atoms that match the same character (whitespace,
    apostrophes and hyphens are classes; everything else is literal).
    """
    root: dict[str, dict] = {}
    for atoms in forms:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}  # a form ends here

    def write(node: dict[str, dict]) -> str:
        branches = [atom + write(child) for atom, child in sorted(node.items()) if atom]
        if "" in node:
            branches.append(r"(?!\w)")
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return write(root)


_MEMO_CHARS = 4_000_000
"""How much text a matcher remembers its matches for (about 8 MB of keys, several long letters)."""


class _Matcher:
    """One compiled alternation of every form, plus a table from matched text to terms."""

    def __init__(self, glossary: Glossary, lang: str, target_lang: str | None, lenient: bool) -> None:
        self.exact: dict[str, list[Term]] = {}
        self.folded: dict[str, list[Term]] = {}
        arabic = base_lang(lang) == "ar"
        sensitive_forms: set[tuple[str, ...]] = set()
        folded_forms: set[tuple[str, ...]] = set()
        for term in glossary.terms:
            if target_lang is not None and not term.forms_in(target_lang):
                continue
            for form in term.forms_in(lang):
                forms = [form]
                if arabic and lenient and form.startswith("\u0627\u0644"):
                    forms.append("\u0644\u0644" + form[2:])  # li- + al- -> lil-
                for spelled in forms:
                    sensitive = is_case_sensitive(spelled, term)
                    table, key = (
                        (self.exact, _norm(spelled))
                        if sensitive
                        else (self.folded, _norm(spelled).casefold())
                    )
                    bucket = table.setdefault(key, [])
                    if term not in bucket:
                        bucket.append(term)
                    (sensitive_forms if sensitive else folded_forms).add(form_atoms(spelled))
        self._found: dict[str, tuple[tuple[int, int, list[Term]], ...]] = {}
        self._memo_chars = 0
        self.regex: re.Pattern[str] | None = None
        self._folded_regex: re.Pattern[str] | None = None
        """The case-blind forms alone, for a word where a case-sensitive one matched: is there a longer?"""
        branches = []
        if sensitive_forms:
            branches.append(f"({trie_pattern(sensitive_forms)})")
        if folded_forms:
            folded = trie_pattern(folded_forms)
            branches.append(f"(?i:({folded}))")
            if sensitive_forms:
                self._folded_regex = re.compile(f"(?i:{folded})")
        if branches:
            prefix = _ARABIC_PROCLITICS if arabic else ""
            self.regex = re.compile(rf"(?<!\w)(?={prefix}(?:{'|'.join(branches)}))")

    def terms_for(self, matched: str) -> list[Term]:
        key = _norm(matched)
        return self.exact.get(key) or self.folded.get(key.casefold()) or []

    def find(self, text: str) -> list[tuple[int, int, list[Term]]]:
        """Non-overlapping matches, longest first then leftmost, returned in text order.

        Remembered per text: translate looks for terms in a sentence to protect
        them, again for the pairs that stand side by side, and QA once more;
        each search over a long sentence is a regex tried at every position.
        """
        if self.regex is None or not text:
            return []
        known = self._found.get(text)
        if known is None:
            known = self._found[text] = tuple(self._search(text))
            self._memo_chars += len(text)
            if self._memo_chars > _MEMO_CHARS:  # bounded: a long letter's sentences, not every run's
                self._found.clear()
                self._memo_chars = 0
        return list(known)

    def _search(self, text: str) -> list[tuple[int, int, list[Term]]]:
        assert self.regex is not None
        candidates = []
        folded = self._folded_regex
        for m in self.regex.finditer(text):
            group = m.lastindex or 1
            start, end = m.span(group)
            if group == 1 and folded is not None:
                # A case-sensitive form matched; a case-blind one may match more of the text.
                longer = folded.match(text, start)
                if longer is not None and longer.end() > end:
                    end = longer.end()
            terms = self.terms_for(text[start:end])
            if terms:
                candidates.append((start, end, terms))
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken = bytearray(len(text))
        chosen = []
        for start, end, terms in candidates:
            if 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, terms))
        chosen.sort(key=lambda c: c[0])
        return chosen
