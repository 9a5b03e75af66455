"""Checks on the words of a translation: left in the source language, doubled, looping, oddly cased.

``identical``, ``formula``, ``untranslated``, ``length`` and ``placeholder``
are the checks polyletter always had; ``doubled``, ``repetition`` and
``capitals`` catch what NMT engines are known to produce ("de de", "salad
salad salad", "eStados"). Each of those is judged against the source: what
the master itself does (a name repeated, a brand's capitals) is never a
finding.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from polyletter.document.inline import plain_text
from polyletter.document.letter import TRANSLATABLE, BlockKind
from polyletter.document.segment import split_sentences
from polyletter.glossary import find_terms
from polyletter.glossary.protection import LEFTOVER_BRACKET
from polyletter.mt.engines import placeholder_patterns
from polyletter.qa.base import Check, Context, Issue, clip

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


def plain(text: str) -> str:
    """A block's text as a reader sees it: Markdown markup gone, lines kept."""
    return "\n".join(plain_text(line) for line in text.split("\n"))


class Placeholder(Check):
    check_id = "placeholder"
    name = "Leftover placeholder"
    description = "A placeholder the engine was given came back as debris instead of the protected text."
    rendered_too = True

    def check(self, ctx: Context) -> Iterator[Issue]:
        for leaked in leaked_placeholder().findall(ctx.translation):
            if leaked not in ctx.source:  # a master may quote such a token; only debris is reported
                yield Issue(f"leftover placeholder {leaked!r}")


class Identical(Check):
    check_id = "identical"
    name = "Same as source"
    description = "A block a reader expects in the target language is the source text itself."

    def check(self, ctx: Context) -> Iterator[Issue]:
        translation = ctx.translation
        same = translation.strip() == ctx.source.strip() and re.search(r"[^\W\d_]{3}", translation)
        if ctx.block.kind in TRANSLATABLE and same and ctx.source_lang != ctx.target_lang:
            yield Issue(f"the translation is the {ctx.source_lang} text itself: {clip(translation)!r}")


class Formula(Check):
    check_id = "formula"
    name = "Source-language formula"
    description = "A salutation or closing is still the source language's formula."

    def check(self, ctx: Context) -> Iterator[Issue]:
        if ctx.block.kind not in (BlockKind.SALUTATION, BlockKind.CLOSING):
            return
        kind = ctx.block.kind.value
        left = ctx.lexicon.match(ctx.translation, ctx.source_lang, kind)
        if left is not None and ctx.lexicon.match(ctx.translation, ctx.target_lang, kind) is None:
            yield Issue(f"the {kind} is still the {ctx.source_lang} formula {clip(ctx.translation)!r}")


class Untranslated(Check):
    check_id = "untranslated"
    name = "Untranslated sentence"
    description = "A sentence of three words or more came through in the source language."

    def check(self, ctx: Context) -> Iterator[Issue]:
        """Words of kept terms and names ("Palais des Nations") are meant to come through and do not count."""
        glossary, lang = ctx.glossary, ctx.source_lang
        for line in ctx.source.split("\n"):
            for sentence in split_sentences(line, lang):
                if sentence.text not in ctx.translation:
                    continue  # first the cheap test: nearly every sentence was translated
                text, pieces, pos = sentence.text, [], 0
                for m in find_terms(glossary, text, lang) if glossary is not None else []:
                    if m.term.keep:
                        pieces += [text[pos : m.start], " "]
                        pos = m.end
                words = re.findall(r"\w+", "".join([*pieces, text[pos:]]))
                if len(words) >= 3:
                    yield Issue(f"left in {lang}: {clip(sentence.text)!r}")


class Length(Check):
    check_id = "length"
    name = "Suspicious length"
    description = "The translation is much shorter or longer than the source (a dropped or invented passage)."

    def check(self, ctx: Context) -> Iterator[Issue]:
        if len(ctx.source) < _MIN_LENGTH_FOR_RATIO:
            return
        ratio = len(ctx.translation) / len(ctx.source)
        low, high = _LENGTH_BANDS.get(ctx.target_lang.split("_")[0], _DEFAULT_BAND)
        if not low <= ratio <= high:
            yield Issue(f"translation is {ratio:.2f}x the source length (expected {low}-{high}x)")


_WORD = re.compile(r"\w+")
_DOUBLED = re.compile(r"(?<![\w-])([^\W\d_]+)([ \t\u00a0]+)(\1)(?![\w-])", re.IGNORECASE)
_LEGITIMATE_DOUBLES = {
    "fr": {"nous", "vous"},  # "Nous nous félicitons", "vous vous engagez": pronoun and reflexive
    "de": {"die", "der", "das", "sie"},  # article then relative pronoun: "die, die" often lacks the comma
    "en": {"that", "had"},
    "nl": {"die", "dat"},
}


class Doubled(Check):
    check_id = "doubled"
    name = "Doubled word"
    description = 'The same word twice in a row ("de de"), where the language does not double it.'

    def check(self, ctx: Context) -> Iterator[Issue]:
        """Letters only (numbers such as "1 1" are the numbers check's business); a loop of three is
        ``repetition``'s; a pair the source itself has (a place called "Bora Bora") is kept."""
        translation = ctx.translation
        if not _has_neighbours(translation):
            return  # most blocks: no two equal words side by side, no regex needed
        allowed = _LEGITIMATE_DOUBLES.get(ctx.target_lang.split("-")[0], set())
        in_source = {m.group(1).casefold() for m in _DOUBLED.finditer(ctx.source)}
        fixed, found = translation, []
        for m in _DOUBLED.finditer(translation):
            word = m.group(1).casefold()
            if word in allowed or word in in_source or _third(translation, m):
                continue
            found.append(m.group(0))
            fixed = fixed.replace(m.group(0), m.group(1), 1)
        for pair in found:
            yield Issue(f"doubled word {pair!r}", fix=fixed)


_NEXT_WORD = re.compile(r"[ \t\u00a0]+([^\W\d_]+)")


def _has_neighbours(text: str, gap: int = 1) -> bool:
    """Whether any word equals the one ``gap`` words after it (case aside): a necessary condition."""
    words = _WORD.findall(text.casefold())
    return any(a == b for a, b in zip(words, words[gap:], strict=False))


def _third(text: str, m: re.Match[str]) -> bool:
    """Whether the doubled word goes on (or started earlier): a loop, not a double."""
    word = m.group(1).casefold()
    after = _NEXT_WORD.match(text, m.end())
    if after is not None and after.group(1).casefold() == word:
        return True
    before = text[: m.start()]
    stripped = before.rstrip(" \t\u00a0")
    if stripped == before:
        return False
    start = len(stripped)
    while start and stripped[start - 1].isalpha():  # the word before, read backwards (no regex scan)
        start -= 1
    return stripped[start:].casefold() == word


class Repetition(Check):
    check_id = "repetition"
    name = "Repetition loop"
    description = 'A word or a phrase of up to four words three times or more in a row ("salad salad salad").'

    def check(self, ctx: Context) -> Iterator[Issue]:
        """The loop NMT decoders fall into; the source's own repetitions ("very, very, very" -> "muy, muy,
        muy") are kept: as many loops as the source has are taken to be its."""
        own = _loops(ctx.source)
        literal = {phrase for phrase, _, _ in own}
        loops = _loops(ctx.translation)
        unexplained = [(phrase, ctx.translation[a:b]) for phrase, a, b in loops if phrase not in literal]
        tolerated = len(own) - (len(loops) - len(unexplained))  # the source's loops, in other words
        found = unexplained[max(0, tolerated) :]
        fixed = ctx.translation
        if not found:
            return
        for phrase, span in found:
            once = _one_of(span, phrase)
            fixed = fixed.replace(span, once, 1)
        for phrase, span in found:
            times = len(_WORD.findall(span)) // len(phrase.split())
            yield Issue(f"{phrase!r} repeated {times} times in a row: {clip(span)!r}", fix=fixed)


def _loops(text: str) -> list[tuple[str, int, int]]:
    """(phrase, start, end) of each run of a 1-4 word phrase repeated three times or more."""
    folded = _WORD.findall(text.casefold())
    starts = {
        i
        for n in (1, 2, 3, 4)
        for i, (a, b, c) in enumerate(zip(folded, folded[n:], folded[2 * n :], strict=False))
        if a == b == c
    }
    if not starts:
        return []  # no word equals the ones n and 2n after it: no loop of any length
    tokens = [(m.group(0).casefold(), m.start(), m.end()) for m in _WORD.finditer(text)]
    words = [t for t, _, _ in tokens]
    if words != folded:
        starts = set(range(len(words)))  # casefolding moved a word boundary (rare): look everywhere
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(words):
        if i not in starts:
            i += 1
            continue
        for n in (1, 2, 3, 4):
            unit = words[i : i + n]
            if len(unit) < n or not any(w.isalpha() for w in unit):
                continue
            times = 1
            while words[i + times * n : i + (times + 1) * n] == unit:
                times += 1
            if times >= 3:
                last = i + times * n - 1
                out.append((" ".join(unit), tokens[i][1], tokens[last][2]))
                i = last
                break
        i += 1
    return out


def _one_of(span: str, phrase: str) -> str:
    """The first occurrence of ``phrase`` in ``span`` as written (its case and inner punctuation)."""
    n = len(phrase.split())
    words = list(_WORD.finditer(span))
    return span[: words[n - 1].end()]


_LETTERS = re.compile(r"[^\W\d_]+")
_NAME_PAIR = re.compile(r"(?<![\w-])([A-ZÀ-ÞА-ЯΑ-Ω][^\W\d_]*)(?=([ -])([A-ZÀ-ÞА-ЯΑ-Ω][^\W\d_]*))")
"""Two capitalised words in a row in the source (overlapping: "Secretary-General Ban Ki" gives both pairs)."""


class Capitals(Check):
    check_id = "capitals"
    name = "Misplaced capitals"
    description = 'A capital inside a word ("eStados") or a name that lost its capital ("ban Ki-moon").'

    def check(self, ctx: Context) -> Iterator[Issue]:
        """Acronyms and brands are not findings when the source or the glossary writes them so
        (RtoP, R2P, iPhone): only a casing the engine invented is."""
        translation = plain(ctx.translation)
        odd = [w for w in dict.fromkeys(_LETTERS.findall(translation)) if _miscased(w)]
        source = plain(ctx.source) if odd or _NAME_PAIR.search(ctx.source) else ""
        if odd:
            known = set(_LETTERS.findall(source)) | _glossary_words(ctx)
            for word in odd:
                if word not in known:
                    yield Issue(f"misplaced capital in {word!r}")
        pairs = {m.group(1) + m.group(2) + m.group(3): m.group(1) for m in _NAME_PAIR.finditer(source)}
        if not pairs:
            return
        # Each text scanned once for its lower-case-then-capital pairs ("ban Ki"), however many
        # names the source has: a long paragraph names hundreds.
        lowered_in = {text: set(_pairs_after_lower(text)) for text in (translation, source)}
        for pair, first in pairs.items():
            lowered = first[0].lower() + pair[1:]
            if lowered in lowered_in[translation] and lowered not in lowered_in[source]:
                yield Issue(f"{lowered}: the source writes {first!r} with a capital")


_LOWER_PAIR = re.compile(r"(?<![\w-])([^\W\d_A-ZÀ-ÞА-ЯΑ-Ω][^\W\d_]*)(?=([ -])([A-ZÀ-ÞА-ЯΑ-Ω][^\W\d_]*))")


def _pairs_after_lower(text: str) -> Iterator[str]:
    """ "ban Ki", "ban-Ki": a word that does not start with a capital, then one that does."""
    for m in _LOWER_PAIR.finditer(text):
        yield m.group(1) + m.group(2) + m.group(3)


def _miscased(word: str) -> bool:
    """ "eStados", "iPhone" (lower then upper), "EStados" (two capitals then lower case), "MeDiterráneo".

    Judged on the word's case shape, so Cyrillic and Greek are judged like Latin;
    all-capital acronyms (UNHCR) and one lower-case letter among capitals
    (ONGs, PhD) are not findings.
    """
    if len(word) < 3 or word.isupper() or word.islower() or word.istitle():
        return False
    shape = "".join("U" if c.isupper() else "l" for c in word)
    if shape[0] == "l":
        return True
    return bool(re.match(r"UUl{3,}$", shape) or re.match(r"Ul{2,}U", shape))


def _glossary_words(ctx: Context) -> set[str]:
    """Every word of every form the glossary gives in the target language (its acronyms included)."""
    glossary = ctx.glossary
    if glossary is None:
        return set()

    def build() -> set[str]:
        words: set[str] = set()
        for term in glossary.terms:
            for form in (*term.forms, *term.forms_in(ctx.target_lang)):
                words.update(_LETTERS.findall(form))
        return words

    return glossary.derived(("qa-capitals", ctx.target_lang), build)
