"""Language codes: one spelling everywhere, and only codes CLDR knows.

Glossary files, CSV headers and TBX ``xml:lang`` attributes spell codes in
several ways (``pt_BR``, ``pt-br``, ``PT-BR``). Comparing them as written would
make one language look like two, so every code is normalised once, on the way
in, and validated with babel: a typo such as ``fe`` for ``fr`` must be an error,
not a silently unused column.
"""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError


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
