"""Languages: their codes, their CLDR locales, their names and their direction, in one place.

Glossary files, CSV headers and TBX ``xml:lang`` attributes spell codes in
several ways (``pt_BR``, ``pt-br``, ``PT-BR``). Comparing them as written would
make one language look like two, so every code is normalised once, on the way
in, and validated with babel: a typo such as ``fe`` for ``fr`` must be an error,
not a silently unused column.

Whether a language is written right to left is asked of CLDR here and nowhere
else: the Word letter, the review table and the HTML comparison all lay out
Arabic from :func:`is_right_to_left`.
"""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError

from polyletter.errors import ConfigError


@functools.lru_cache(maxsize=1024)
def normalise_lang(code: str) -> str:
    """``pt_br`` -> ``pt-BR``; raise ``ValueError`` for anything CLDR does not know."""
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{code!r} is not a language code")
    parts = code.strip().replace("_", "-").split("-")
    if not all(part.isascii() and part.isalnum() for part in parts):
        raise ValueError(f"{code!r} is not a language code")
    try:
        Locale.parse("_".join(parts))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"unknown language code {code.strip()!r}") from None
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script: Latn, Hans
        else:
            out.append(part.upper())  # region: BR, 419
    return "-".join(out)


def base_lang(code: str) -> str:
    """The language part of a code: ``pt-BR`` -> ``pt``. Used for fallbacks."""
    return code.replace("_", "-").split("-", 1)[0].lower()


@functools.lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    names = Locale("en").languages
    return {name.casefold(): code for code, name in names.items() if "_" not in code}


def lang_from_name(label: str) -> str | None:
    """A code for a column label that is a code or an English language name ("French")."""
    try:
        return normalise_lang(label)
    except ValueError:
        code = _english_names().get(label.strip().casefold())
        try:
            return normalise_lang(code) if code else None
        except ValueError:  # a language CLDR names but has no locale data for
            return None


def locale_for(lang: str) -> Locale:
    """The CLDR locale of a language code, or a ConfigError naming the code."""
    try:
        return _locale(lang)
    except (UnknownLocaleError, ValueError):
        raise ConfigError(
            f"unknown language code {lang!r}",
            hint="Use an ISO 639-1 code such as fr, es, ar, pt.",
        ) from None


@functools.lru_cache(maxsize=64)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang.replace("-", "_"))


def language_name(lang: str, in_lang: str = "en") -> str:
    return locale_for(lang).get_display_name(in_lang) or lang


def is_right_to_left(lang: str) -> bool:
    """Whether CLDR writes ``lang`` right to left (ar, fa, he, ur, ps, yi, ckb...)."""
    return locale_for(lang).text_direction == "rtl"
