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
from collections.abc import Sequence
from pathlib import Path

from babel import Locale, UnknownLocaleError

from polyletter.errors import ConfigError

CODE_HINT = "Use a BCP 47 language code such as fr, es, pt-BR or es-419."


@functools.lru_cache(maxsize=1024)
def normalise_lang(code: str) -> str:
    """``pt_br`` -> ``pt-BR``; raise ``ValueError`` for anything CLDR does not know."""
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{code!r} is not a language code")
    parts = code.strip().replace("_", "-").split("-")
    if not all(part.isascii() and part.isalnum() for part in parts) or parts[0].lower() in ("und", "root"):
        raise ValueError(f"{code!r} is not a language code")
    try:
        parsed = Locale.parse("_".join(parts))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"unknown language code {code.strip()!r}") from None
    out = [parsed.language]  # CLDR's own code: eng -> en, iw -> he (one language, one folder)
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())  # script: Latn, Hans
            known = parsed.script == out[-1]
        else:
            out.append(part.upper())  # region: BR, 419
            known = parsed.territory == out[-1]
        if not known:  # babel falls back silently ("en-ZZ" parses as en_US): that is a typo, not a locale
            raise ValueError(f"unknown language code {code.strip()!r}")
    return "-".join(out)


def lang_code(code: object, what: str, path: Path | str | None = None) -> str:
    """``code`` normalised (``ES`` -> ``es``, ``es_mx`` -> ``es-MX``), or a ConfigError naming ``what``.

    Every entry point (a CLI option, a key of polyletter.toml, a glossary
    column) passes its codes through here, so one language is never two
    folders, two cache keys or an ``apt-get install apertium-eng-ES`` hint;
    ``what`` names the option or setting the user has to correct.
    """
    try:
        return normalise_lang(code)  # type: ignore[arg-type]
    except (ValueError, TypeError) as err:
        reason = "empty language code" if isinstance(code, str) and not code.strip() else str(err)
        raise ConfigError(f"{what}: {reason}", path=path, hint=CODE_HINT) from None


def lang_codes(
    codes: str | Sequence[object], what: str, path: Path | str | None = None
) -> list[str]:
    """A list of codes (or one comma-separated string), normalised, without repeats.

    An empty list, or an empty item (``--to ""``, ``--to ","``, ``--to fr,``) is
    an error naming ``what``: falling back to the defaults would translate into
    languages nobody asked for.
    """
    items = codes.split(",") if isinstance(codes, str) else list(codes)
    if not items or all(isinstance(c, str) and not c.strip() for c in items):
        raise ConfigError(f"{what}: no language given", path=path, hint=CODE_HINT)
    return list(dict.fromkeys(lang_code(c, what, path) for c in items))


@functools.lru_cache(maxsize=256)
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
