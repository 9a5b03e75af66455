"""What a glossary is: terms, their forms in each language, and a content hash.

A ``Term`` is one concept of the coalition's vocabulary. Its source forms (the
term and its variants) are what the matcher looks for; each target language has
one preferred form, which is what polyletter writes, and accepted variants,
which QA accepts when a human or an engine used them. A ``keep`` term (RtoP,
R2P, an organisation's name) is written exactly as it appears in the source.

The ``Glossary`` carries a ``content_hash`` so that a machine-translation cache
keyed on it can never serve a sentence translated under an older glossary.
"""

from __future__ import annotations

import functools
import hashlib
import json
import unicodedata
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from polyletter.document.languages import base_lang
from polyletter.grammar import UNKNOWN, Grammar, infer

T = TypeVar("T")


@dataclass(frozen=True)
class Origin:
    """Where an entry was written, so errors and QA can send a human to the line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True)
class TargetForms:
    """A term in one target language: the form to write, forms QA also accepts, and their grammar.

    ``stated`` is the gender and number the glossary gives for a form
    (``es: {text: Naciones Unidas, gender: f, number: pl}``); the determiner
    next to the form is made to agree with it (:mod:`polyletter.grammar`).
    """

    preferred: str
    variants: tuple[str, ...] = ()
    stated: tuple[tuple[str, Grammar], ...] = ()
    avoid: tuple[str, ...] = ()
    """Forms the coalition rules out (``avoid: [Estados de Miembro]``): ``check`` reports them.

    QA only: they change no translation, so they take no part in the content hash."""

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.preferred, *self.variants)

    def grammar_of(self, form: str, lang: str) -> Grammar:
        """What ``form`` (one of :attr:`forms`, however spaced or cased) needs of its determiner.

        What the glossary states wins; what it leaves open is inferred from
        the form's ending where the language's rules trust it. A variant with
        the preferred form's head word ("Estados miembros") shares its grammar.
        """
        key = form_key(form)
        stated = {form_key(f): g for f, g in self.stated}
        own = stated.get(key, UNKNOWN).filled(infer(lang, form))
        if key == form_key(self.preferred) or own.known:
            return own
        preferred = stated.get(form_key(self.preferred), UNKNOWN).filled(infer(lang, self.preferred))
        if form.split()[:1] and form.split()[0].casefold() == self.preferred.split()[0].casefold():
            return own.filled(preferred)
        return own


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})


def form_key(form: str) -> str:
    """How two forms are compared: case, spacing, Unicode composition and quote style ignored."""
    return unicodedata.normalize("NFC", " ".join(form.split())).translate(_APOSTROPHES).casefold()


@dataclass(frozen=True)
class Term:
    """One glossary entry. ``origin`` is bookkeeping and takes no part in equality."""

    term: str
    variants: tuple[str, ...] = ()
    targets: Mapping[str, TargetForms] = field(default_factory=dict, hash=False)
    keep: bool = False
    note: str = ""
    source: str = ""
    language: str = "en"
    origin: Origin | None = field(default=None, compare=False, hash=False, repr=False)
    found_in: str = ""
    """For a name the letter's structure identified (not a glossary entry): the letter's name.

    Such names are kept like keep-terms and checked as names; they follow from
    the master, so they take no part in the glossary's content hash."""

    @property
    def is_name(self) -> bool:
        return bool(self.found_in)

    @property
    def forms(self) -> tuple[str, ...]:
        """The source-language forms: the term first, then its variants."""
        return (self.term, *self.variants)

    def target(self, lang: str) -> TargetForms | None:
        """The forms for ``lang``, falling back from ``pt-BR`` to ``pt`` (and ``pt`` to ``pt-BR``).

        A termbase may be more or less specific than the letter's language code;
        an exact entry always wins over a fallback.
        """
        if lang in self.targets:
            return self.targets[lang]
        base = base_lang(lang)
        if base in self.targets:
            return self.targets[base]
        for code in sorted(self.targets):
            if base_lang(code) == base:
                return self.targets[code]
        return None

    def forms_in(self, lang: str) -> tuple[str, ...]:
        """How this term is spelled in text of ``lang``; empty when the glossary does not say."""
        if self.keep or base_lang(lang) == base_lang(self.language):
            return self.forms
        found = self.target(lang)
        return found.forms if found else ()


def target_form(term: Term, lang: str) -> str:
    """What polyletter writes for ``term`` in ``lang``: the preferred target form.

    Keep-terms and terms asked for in their own language come back as the term
    itself. Raises ``LookupError`` when the glossary has no form for ``lang``;
    callers avoid that by matching with ``find_terms(..., target_lang=lang)``.
    """
    if term.keep or base_lang(lang) == base_lang(term.language):
        return term.term
    found = term.target(lang)
    if found is None:
        raise LookupError(f"the glossary has no {lang} form for {term.term!r}")
    return found.preferred


def _normalised(term: Term) -> dict[str, Any]:
    """The parts of a term that can change a translation, in a canonical order.

    Grammar counts only where stated, so a glossary that states none hashes
    as it did before grammar existed (its translations are not made stale).
    """
    body: dict[str, Any] = {
        "term": term.term,
        "variants": sorted(set(term.variants)),
        "keep": term.keep,
        "targets": {
            lang: [forms.preferred, *sorted(set(forms.variants))]
            for lang, forms in sorted(term.targets.items())
        },
    }
    grammar = {
        lang: {form: str(g) for form, g in sorted(forms.stated, key=lambda s: s[0])}
        for lang, forms in sorted(term.targets.items())
        if forms.stated
    }
    if grammar:
        body["grammar"] = grammar
    return body


def hash_terms(terms: tuple[Term, ...], source_lang: str) -> str:
    """sha256 over what affects output; notes, sources, order and layout do not count.

    Editing a note or reordering a file must not throw away a cache of good
    translations; changing a form or adding a term must.
    """
    body = {
        "format": 1,
        "source_lang": source_lang,
        "terms": sorted(
            (_normalised(t) for t in terms if not t.is_name), key=lambda d: (d["term"].casefold(), d["term"])
        ),
    }
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True, eq=False)
class Glossary:
    """The validated terms of every glossary file a workspace uses, merged."""

    terms: tuple[Term, ...] = ()
    files: tuple[Path, ...] = ()
    source_lang: str = "en"
    _derived: dict = field(default_factory=dict, repr=False, compare=False)
    """Values computed from the terms once per glossary (compiled matchers); see :meth:`derived`."""

    @functools.cached_property
    def content_hash(self) -> str:
        return hash_terms(self.terms, self.source_lang)

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value ``build()`` gives for ``key``, built on first use and kept with the glossary.

        The glossary is immutable, so anything computed from its terms (the
        matchers of :mod:`polyletter.glossary.matching`) can be kept as long
        as it lives; callers never touch the store itself.
        """
        if key not in self._derived:
            self._derived[key] = build()
        return self._derived[key]

    def with_terms(self, extra: tuple[Term, ...]) -> Glossary:
        """This glossary and ``extra`` (the names found in one letter), as a glossary of its own.

        The content hash stays this glossary's: names are not hashed (see :attr:`Term.found_in`).
        """
        if not extra:
            return self
        return Glossary((*self.terms, *extra), self.files, self.source_lang)

    @property
    def languages(self) -> list[str]:
        """Every target language at least one term has a form for."""
        return sorted({lang for t in self.terms for lang in t.targets})

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)
