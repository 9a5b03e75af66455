"""Gender, number and the determiners that must agree with them, for languages that have articles.

An engine handed an opaque placeholder for "the United Nations" picks the
article it would give an unknown word ("del ZXQAAAA" -> "del Naciones
Unidas"); a glossary form put in afterwards does not change that choice.
So the glossary's forms carry their grammar (:class:`Grammar`), and after
whichever engine the determiner right before each form is read, compared
with what the form needs, and rewritten: the contraction kept or undone
("del" -> "de las", "al" -> "a la", "de el" never left), French elision
made or unmade ("le Assemblée" -> "l'Assemblée", "l'Conseil" -> "le
Conseil"), the capital of the position kept ("Al Corte" -> "A la Corte").

A language is a module under :mod:`polyletter.grammar` that builds one
:class:`Rules` from its tables (articles, contractions, prepositions) and
says what differs (elision, how a form's gender is inferred). The algorithm
is here, once: :func:`disagreements` finds what ``check`` reports and
:func:`repair` fixes exactly those, so the pass and QA can never disagree.
Text away from the terms is never touched.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Gender = Literal["m", "f"]
Number = Literal["sg", "pl"]
Kind = Literal["def", "indef"]

GENDERS: tuple[Gender, ...] = ("m", "f")
NUMBERS: tuple[Number, ...] = ("sg", "pl")


@dataclass(frozen=True)
class Grammar:
    """What a noun phrase's neighbours need to know of it; ``None`` where nobody can say reliably."""

    gender: Gender | None = None
    number: Number | None = None

    def filled(self, other: Grammar) -> Grammar:
        """This grammar, with what it does not know taken from ``other``."""
        return Grammar(self.gender or other.gender, self.number or other.number)

    def common(self, other: Grammar) -> Grammar:
        """What two readings of one form agree on (two terms may share a surface: ONG, sg and pl)."""
        return Grammar(
            self.gender if self.gender == other.gender else None,
            self.number if self.number == other.number else None,
        )

    @property
    def known(self) -> bool:
        return self.gender is not None and self.number is not None

    def __str__(self) -> str:
        return " ".join(part for part in (self.gender, self.number) if part) or "?"


UNKNOWN = Grammar()


@dataclass(frozen=True)
class Determiner:
    """A determiner as read from text: a preposition it may be fused with, an article, its grammar."""

    prep: str
    kind: Kind
    grammar: Grammar


@dataclass(frozen=True)
class Placed:
    """A glossary form where it stands in a text, with the grammar it needs of its neighbours."""

    start: int
    end: int
    grammar: Grammar
    label: str
    """The term's source form, for messages and to pair terms with the source's."""
    movable: bool = True
    """Whether a word-order rule may move it (a kept name or acronym never moves)."""
    lower: bool = False
    """Whether the glossary writes it with a small first letter (it lost a capital of position)."""

    def shown(self, text: str, at_start: bool) -> str:
        """The form as it reads at a new position: capital at a sentence start, else the glossary's."""
        form = text[self.start : self.end]
        if at_start:
            return form[:1].upper() + form[1:]
        return form[:1].lower() + form[1:] if self.lower else form


@dataclass(frozen=True)
class Disagreement:
    """A determiner before a term that does not agree with it, and what it should be."""

    start: int
    end: int
    found: str
    wanted: str
    term: str
    form: str
    grammar: Grammar

    @property
    def message(self) -> str:
        return (
            f"{self.found.strip()!r} before {self.form!r} ({self.grammar}) should be {self.wanted.strip()!r}"
        )


def head_word(form: str, part: int = 0) -> str | None:
    """The word whose ending tells a form's grammar: its first word (``part`` of a hyphenated one),
    lower-cased; None for an acronym, an abbreviation or a number, whose shape says nothing."""
    words = form.split()
    head = words[0].split("-")[part] if words else ""
    return head.casefold() if head.isalpha() and not head.isupper() else None


_VOWELS = "aeiouyàâäáéèêëíìîïóòôöúùûüœæ"


def starts_with_vowel(word: str) -> bool:
    return word[:1].casefold() in _VOWELS


@dataclass(frozen=True)
class Rules:
    """How one language writes determiners before a noun phrase (built by its module)."""

    lang: str
    articles: Mapping[tuple[Kind, Gender, Number], str]
    """(kind, gender, number) -> the article alone: ``("def", "f", "pl"): "las"``."""
    prepositions: tuple[str, ...]
    """Prepositions that fuse with (or stand before) an article: es ``de``, ``a``."""
    fused: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(preposition, article) -> one word: ``("de", "el"): "del"``."""
    elide: Callable[[Kind, Number, str], bool] | None = None
    """Whether the singular definite article is elided before ``following`` (French ``l'``)."""
    elided: str = ""
    """The elided article (``l'``)."""
    infer: Callable[[str], Grammar] = lambda form: UNKNOWN
    """A form's grammar where its shape says it reliably ("-ción": feminine); UNKNOWN otherwise."""
    reorders: bool = False
    """Whether two terms met in English noun-adjunct order are put as "Y de + article + X"."""
    _reading: dict = field(default_factory=dict, compare=False, repr=False)

    # ----------------------------------------------------------------- writing

    def write(self, prep: str, kind: Kind, grammar: Grammar, following: str) -> str | None:
        """The determiner for ``grammar`` before ``following``, separator included; None if unknowable."""
        number = grammar.number
        if number is None:
            return None
        if self.elide is not None and self.elided and self.elide(kind, number, following):
            article = self.elided
        else:
            genders = [grammar.gender] if grammar.gender else list(GENDERS)
            forms = {self.articles.get((kind, g, number)) for g in genders}
            if len(forms) != 1 or None in forms:
                return None  # the gender decides and nobody knows it
            article = forms.pop()
        word = self.fused.get((prep, article)) or (f"{prep} {article}" if prep else article)
        return word if word.endswith(("'", "\u2019")) else word + " "

    def of(self, grammar: Grammar, following: str) -> str | None:
        """ "de las " for a feminine plural: what links a head to the term that qualifies it."""
        return self.write(self.prepositions[0], "def", grammar, following)

    # ----------------------------------------------------------------- reading

    def reading(self) -> tuple[re.Pattern[str], dict[str, list[Determiner]]]:
        """A pattern for a determiner that ends a text, and what each surface can mean."""
        if not self._reading:
            meanings: dict[str, list[Determiner]] = {}

            def add(surface: str, det: Determiner) -> None:
                bucket = meanings.setdefault(_fold(surface), [])
                if det not in bucket:
                    bucket.append(det)

            for (kind, gender, number), article in self.articles.items():
                for prep in ("", *self.prepositions):
                    det = Determiner(prep, kind, Grammar(gender, number))
                    if prep:
                        add(f"{prep} {article}", det)  # "de el": never right, but engines write it
                    add(self.fused.get((prep, article)) or (f"{prep} {article}" if prep else article), det)
                    if self.elided and kind == "def" and number == "sg":
                        add(
                            f"{prep} {self.elided}" if prep else self.elided,
                            Determiner(prep, kind, det.grammar),
                        )
            surfaces = sorted(meanings, key=len, reverse=True)
            body = "|".join(re.escape(s).replace("'", "['\u2019]").replace(r"\ ", r"\s+") for s in surfaces)
            pattern = re.compile(rf"(?i)(?<![\w'\u2019])({body})([ \t\u00a0]+|(?<=['\u2019]))\Z")
            self._reading.update(pattern=pattern, meanings=meanings)
        return self._reading["pattern"], self._reading["meanings"]

    def read(self, before: str) -> tuple[int, Determiner] | None:
        """The determiner that ends ``before`` (with its separator): where it starts, what it is."""
        pattern, meanings = self.reading()
        m = pattern.search(before, max(0, len(before) - _LONGEST))  # the lookbehind sees before pos
        if m is None:
            return None
        options = meanings[_fold(m.group(1))]
        first = options[0]
        grammar = first.grammar
        for other in options[1:]:
            grammar = grammar.common(other.grammar)
        # "des" is de + les and the indefinite plural: the fused reading is the one to keep.
        prep = next((o.prep for o in options if o.prep), first.prep)
        kind = "def" if any(o.kind == "def" for o in options) else "indef"
        return m.start(), Determiner(prep, kind, grammar)


_LONGEST = 24
"""More than the longest determiner with its spaces ("de los", "à l'"): how far back to look."""


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u2019", "'").casefold().split())


def cased_like(original: str, new: str) -> str:
    """``new`` with the capitalisation of ``original``'s position: "Al" -> "A la", "DEL" -> "DE LA"."""
    letters = [ch for ch in original if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return new.upper()
    if letters and letters[0].isupper():
        return new[:1].upper() + new[1:]
    return new


def _apostrophe_like(original: str, new: str) -> str:
    """Keep the text's apostrophe (typographic or straight) when the form changes."""
    if "\u2019" in original:
        return new.replace("'", "\u2019")
    return new


def disagreements(text: str, placed: Sequence[Placed], rules: Rules) -> list[Disagreement]:
    """Every determiner right before a placed form that does not agree with the form's grammar."""
    found: list[Disagreement] = []
    previous_end = 0
    for item in placed:
        before = text[previous_end : item.start]
        previous_end = item.end
        got = rules.read(before)
        if got is None:
            continue
        offset, det = got
        start = item.start - (len(before) - offset)
        original = text[start : item.start]
        wanted_grammar = item.grammar.filled(det.grammar)
        following = text[item.start : item.end]
        wanted = rules.write(det.prep, det.kind, wanted_grammar, following)
        if wanted is None:
            continue
        wanted = _apostrophe_like(original, cased_like(original, wanted))
        if _fold(wanted) != _fold(original) or _joined(wanted) != _joined(original):
            found.append(
                Disagreement(start, item.start, original, wanted, item.label, following, item.grammar)
            )
    return found


def _joined(determiner: str) -> bool:
    """Whether a determiner is written against its noun (``l'``) rather than before a space."""
    return determiner.endswith(("'", "\u2019"))


def apply(text: str, fixes: Iterable[Disagreement]) -> str:
    """``text`` with each determiner replaced by what it should be."""
    out: list[str] = []
    pos = 0
    for fix in sorted(fixes, key=lambda f: f.start):
        out += [text[pos : fix.start], fix.wanted]
        pos = fix.end
    out.append(text[pos:])
    return "".join(out)


def adjacent(text: str, placed: Sequence[Placed]) -> list[tuple[Placed, Placed]]:
    """Consecutive forms with nothing but spaces between them ("Naciones Unidas Secretario General")."""
    return [
        (a, b)
        for a, b in itertools.pairwise(placed)
        if a.end < b.start and not text[a.end : b.start].strip(" \t\u00a0")
    ]


def reorder(
    text: str,
    placed: Sequence[Placed],
    pairs: frozenset[tuple[str, str]],
    rules: Rules,
) -> tuple[str, list[tuple[str, str]]]:
    """Put each pair met in the source's noun-adjunct order X Y as "Y de + article + X".

    ``pairs`` holds the (X, Y) labels that stood side by side in the source.
    A form capitalised only because it opened the sentence loses that capital
    when it moves (:meth:`Placed.shown`). Returns the text and the pairs it
    reordered; the determiner before the pair now stands before Y, and
    :func:`disagreements` judges it again.
    """
    if not rules.reorders or not pairs:
        return text, []
    done: list[tuple[str, str]] = []
    out: list[str] = []
    pos = 0
    used: set[int] = set()
    for a, b in adjacent(text, placed):
        if (a.label, b.label) not in pairs or not (a.movable and b.movable) or id(a) in used:
            continue
        linker = rules.of(a.grammar, text[a.start : a.end])
        if linker is None:
            continue  # the qualifier's grammar is unknown: check reports the pair instead
        used.update((id(a), id(b)))
        at_start = a.start == 0 or bool(re.search(r"[.!?:]\s*\Z|\A\s*\Z", text[: a.start]))
        out += [text[pos : a.start], b.shown(text, at_start), " ", linker, a.shown(text, False)]
        pos = b.end
        done.append((a.label, b.label))
    out.append(text[pos:])
    return "".join(out), done
