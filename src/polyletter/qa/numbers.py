"""Numbers: the same ones as the source (``numbers``), written as the target language writes them
(``number-format``: "700,000" is "700 000" in French, "700.000" in Spanish, from CLDR through babel).

Only numbers the source writes with a group or decimal separator are judged
for their format: a year (2012), a list or section number ("1.", "para 138")
or a resolution (60/1) carries no locale convention to get wrong, and a
number spelled out in words ("2 millones") is just words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from polyletter.document.languages import base_lang
from polyletter.qa.base import Check, Context, Issue

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?")
_SPACES = ("\u202f", "\u00a0")
"""The group separators of French, Russian...: CLDR says U+202F for some, U+00A0 for others; both hold."""
_SECTION_WORDS = re.compile(
    r"(?:section|sections|para|paras|paragraph|paragraphs|art|article|articles|chapter|rule|point|item|no"
    r"|n°|nº|§|version|v|resolution|annex|clause)\.?\s*$",
    re.IGNORECASE,
)


def _digits(text: str) -> str:
    """ASCII digits of any script (Arabic-Indic ones included), separators dropped."""
    return "".join(str(unicodedata.digit(ch)) for ch in text if unicodedata.digit(ch, None) is not None)


_ANY_DIGIT = re.compile(r"\d")


def _numbers(text: str) -> Counter[str]:
    if not _ANY_DIGIT.search(text):
        return Counter()  # most blocks: no number at all, and no character-by-character pass
    normalised = text if text.isascii() else text.translate(_TO_ASCII_DIGITS)
    return Counter(_digits(m) for m in _NUMBER.findall(normalised))


class _AsciiDigits(dict[int, int | str]):
    """A ``str.translate`` table: every digit of any script to its ASCII digit, the rest to itself,
    each character looked up once (an Arabic letter's translation is all non-ASCII)."""

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        value: int | str = str(unicodedata.digit(char)) if char.isdigit() else code
        self[code] = value
        return value


_TO_ASCII_DIGITS = _AsciiDigits()


class Numbers(Check):
    check_id = "numbers"
    name = "Numbers differ"
    description = "The translation has other numbers than the source (digits compared, any script)."
    rendered_too = True

    def check(self, ctx: Context) -> Iterator[Issue]:
        wanted, found = _numbers(ctx.source), _numbers(ctx.translation)
        missing, extra = sorted((wanted - found).elements()), sorted((found - wanted).elements())
        if missing or extra:
            parts = [
                f"missing {', '.join(missing)}" if missing else "",
                f"extra {', '.join(extra)}" if extra else "",
            ]
            yield Issue("numbers differ: " + "; ".join(p for p in parts if p))


@functools.cache
def _symbols(lang: str) -> tuple[str, str] | None:
    """(group, decimal) separators of ``lang`` in Latin digits, from CLDR; None for a locale babel lacks."""
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol

    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None
    return get_group_symbol(locale, numbering_system="latn"), get_decimal_symbol(
        locale, numbering_system="latn"
    )


def _group_marks(group: str) -> frozenset[str]:
    """What separates groups of digits in a source whose language groups with ``group``.

    Where CLDR's separator is a (narrow) no-break space, people type a plain
    one as often ("plus de 700 000 personnes" in a French master): all three
    mark a group there. A comma or a full stop is only itself.
    """
    return frozenset({group, *_SPACES, " "} if group in _SPACES else {group})


@functools.cache
def _source_number(lang: str) -> re.Pattern[str] | None:
    """A number with a group or decimal separator, as the source language writes it."""
    symbols = _symbols(lang)
    if symbols is None:
        return None
    group, decimal = symbols
    groups = "[" + re.escape("".join(sorted(_group_marks(group)))) + "]"
    point = re.escape(decimal)
    return re.compile(
        rf"(?<![\w.,/])(?:[0-9]{{1,3}}(?:{groups}[0-9]{{3}})+(?:{point}[0-9]+)?|[0-9]+{point}[0-9]+)(?![\w/]|[.,][0-9])"
    )


_TARGET_NUMBER = re.compile(
    r"(?<![\w.,/])[0-9]{1,3}(?:[.,'\u00a0\u202f ][0-9]{3})+(?:[.,][0-9]+)?|[0-9]+(?:[.,][0-9]+)?"
)
"""A number in Latin digits, grouped any way; Arabic-Indic digits are left alone (no convention to check)."""


def _forms(value: Decimal, lang: str) -> tuple[str, ...]:
    """How ``lang`` writes ``value``, preferred first: CLDR's grouping, its no-break space twin, and
    for four-digit integers no grouping at all (CLDR's own rule in Spanish, common everywhere)."""
    from babel.numbers import format_decimal

    preferred = format_decimal(value, locale=lang.replace("-", "_"), numbering_system="latn")
    forms = [preferred]
    for space in _SPACES:
        for other in _SPACES:
            if space in preferred:
                forms.append(preferred.replace(space, other))
    if value == value.to_integral_value() and 1000 <= abs(value) < 10000:
        forms.append(str(int(value)))
    return tuple(dict.fromkeys(forms))


class NumberFormat(Check):
    check_id = "number-format"
    name = "Number format"
    description = (
        "A number is written with the source's separators, not the target's (\"700,000\" in French)."
    )

    def applies(self, ctx: Context) -> bool:
        return super().applies(ctx) and base_lang(ctx.source_lang) != base_lang(ctx.target_lang)

    def check(self, ctx: Context) -> Iterator[Issue]:
        pattern, symbols = _source_number(ctx.source_lang), _symbols(ctx.source_lang)
        if pattern is None or symbols is None or _symbols(ctx.target_lang) is None:
            return
        group, decimal = symbols
        wanted: dict[str, Decimal] = {}
        for m in pattern.finditer(ctx.source):
            if _SECTION_WORDS.search(ctx.source[: m.start()]):
                continue  # "section 1.2", "para. 3.1": a numbering, not a quantity
            raw = m.group(0)
            for space in _group_marks(group):
                raw = raw.replace(space, "")
            try:
                wanted[_digits(m.group(0))] = Decimal(raw.replace(decimal, "."))
            except InvalidOperation:
                continue
        if not wanted:
            return
        translation, fixed, problems = ctx.translation, ctx.translation, []
        for m in _TARGET_NUMBER.finditer(translation):
            written = m.group(0)
            value = wanted.get(_digits(written))
            if value is None:
                continue  # not a number of the source: the numbers check has its say
            forms = _forms(value, ctx.target_lang)
            if written not in forms:
                problems.append((written, forms[0]))
                fixed = fixed.replace(written, forms[0], 1)
        for written, form in problems:
            yield Issue(f"{written!r} is not how {ctx.target_lang} writes the number: {form!r}", fix=fixed)
