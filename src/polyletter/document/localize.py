"""Dates, country names and lists rendered from CLDR (babel), never by an engine.

A machine translation model may garble "23 March 2012" or "(United States)";
CLDR has the exact form every language uses, so these blocks never reach an
engine at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from babel.dates import format_date
from babel.lists import format_list

from polyletter.document.languages import locale_for

# Common English names CLDR spells differently ("Congo - Kinshasa") or not at all.
_COUNTRY_ALIASES = {
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "drc": "CD",
    "republic of the congo": "CG",
    "congo-brazzaville": "CG",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "burma": "MM",
    "myanmar": "MM",
    "czech republic": "CZ",
    "russia": "RU",
    "russian federation": "RU",
    "south korea": "KR",
    "republic of korea": "KR",
    "north korea": "KP",
    "syria": "SY",
    "syrian arab republic": "SY",
    "iran": "IR",
    "laos": "LA",
    "vietnam": "VN",
    "viet nam": "VN",
    "tanzania": "TZ",
    "united republic of tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "moldova": "MD",
    "palestine": "PS",
    "state of palestine": "PS",
    "uk": "GB",
    "great britain": "GB",
    "usa": "US",
    "u.s.": "US",
    "united states of america": "US",
    "east timor": "TL",
    "swaziland": "SZ",
    "macedonia": "MK",
    "the gambia": "GM",
}


# Where CLDR's everyday name is not the one a letter to the UN uses.
_FORMAL_NAMES = {
    "CD": {
        "en": "Democratic Republic of the Congo",
        "fr": "République démocratique du Congo",
        "ar": "جمهورية الكونغو الديمقراطية",
        "pt": "República Democrática do Congo",
        "ru": "Демократическая Республика Конго",
    },
    "CG": {
        "en": "Republic of the Congo",
        "fr": "République du Congo",
        "ar": "جمهورية الكونغو",
        "pt": "República do Congo",
        "es": "República del Congo",
        "ru": "Республика Конго",
    },
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().casefold()


@functools.lru_cache(maxsize=16)
def _territory_index(lang: str) -> dict[str, str]:
    index = {_fold(name): code for code, name in locale_for(lang).territories.items()}
    base = lang.replace("-", "_").split("_")[0]
    # The formal names polyletter writes ("République démocratique du Congo") read back too.
    index.update({_fold(names[base]): code for code, names in _FORMAL_NAMES.items() if base in names})
    if base == "en":
        index.update(_COUNTRY_ALIASES)
    return index


def country_code(name: str, lang: str) -> str | None:
    """The ISO 3166 code of a country named in ``lang``, or None when unknown."""
    index = _territory_index(lang)
    folded = _fold(name)
    for candidate in (folded, re.sub(r"^(the|la|le|les|el|los|las|l')\s*", "", folded)):
        if candidate in index:
            return index[candidate]
    return None


_LIST_COMMAS = {"ar": "، ", "fa": "، ", "ur": "، ", "ps": "، ", "zh": "、", "ja": "、"}
"""A comma list keeps its commas, in the script's own comma."""


def render_countries(countries: tuple[str, ...], joiner: str, source: str, target: str) -> str | None:
    """The parenthesis of a signatory line in the target language, or None if a name is unknown.

    "United States and Switzerland" becomes "États-Unis et Suisse" (CLDR's list
    pattern); a comma list keeps its commas.
    """
    names = []
    for country in countries:
        code = country_code(country, source)
        if code is None:
            return None
        names.append(country_name(code, target) or country)
    if joiner.strip() not in ("", ",", "،") and len(names) > 1:
        return format_list(names, locale=locale_for(target))
    return _LIST_COMMAS.get(target.split("_")[0].split("-")[0], ", ").join(names)


def country_name(code: str, lang: str) -> str | None:
    """The name of a country in ``lang``, formal where diplomacy expects it."""
    formal = _FORMAL_NAMES.get(code, {}).get(lang.split("_")[0])
    name = formal or locale_for(lang).territories.get(code)
    # CLDR qualifies a few names ("Myanmar (Birmania)"); inside a signatory's parenthesis the
    # qualifier would nest brackets, so the name stands alone.
    return re.sub(r"\s*\([^()]*\)\s*$", "", name) if name else name


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_DATE_LABEL = re.compile(r"^(date|dated|fecha|data|datum|le|on)\s*:\s*", re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _month_numbers(lang: str) -> dict[str, int]:
    months: dict[str, int] = {}
    loc = locale_for(lang)
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in loc.months[context][width].items():
                months[_fold(name).rstrip(".")] = number
    return months


def parse_date(text: str, lang: str) -> dt.date | None:
    """A date written the usual ways in ``lang`` ("23 March 2012", "March 23, 2012", ISO)."""
    text = text.strip()
    if len(text) > 40:
        return None
    iso = _ISO_DATE.match(text)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        first, second, year = int(numeric[1]), int(numeric[2]), int(numeric[3])
        month_first = locale_for(lang).date_formats["short"].pattern.lstrip().startswith("M")
        return _date(year, first, second) if month_first else _date(year, second, first)
    words = [w for w in re.split(r"[\s,.]+", _fold(text)) if w and w not in {"de", "del", "of", "the"}]
    if len(words) == 4 and _fold(words[0]) in _weekdays(lang):
        words = words[1:]  # "Thursday 3 May 2018"
    if len(words) != 3:
        return None
    months = _month_numbers(lang)
    day = month = year = None
    for word in words:
        if word.isdigit() and len(word) == 4:
            year = int(word)
        elif re.fullmatch(r"\d{1,2}(st|nd|rd|th|er)?", word):
            day = int(re.match(r"\d+", word)[0])
        elif word in months or any(part in months for part in word.split("/")):
            month = months.get(word) or next(months[part] for part in word.split("/") if part in months)
        else:
            return None
    if day is None or month is None or year is None:
        return None
    return _date(year, month, day)


@dataclass(frozen=True)
class DateLine:
    """A letter's date line: the date, and the place written before it ("New York, 12 June 2007")."""

    date: dt.date
    place: str = ""


_PLACE = re.compile(r"^(?P<place>[^\d,\u060c]{2,40})[,\u060c]\s+(?P<rest>.+)$")
_DATE_ARTICLES = ("le ", "el ", "em ", "on ", "den ", "am ", "a ", "ce ")


def parse_date_line(text: str, lang: str) -> DateLine | None:
    """A date, or a place then a date: "Yaoundé, le 3 septembre 2020", "Addis Ababa, 14 February 2023"."""
    text = _DATE_LABEL.sub("", text.strip())
    date = parse_date(text, lang)
    if date is not None:
        return DateLine(date)
    match = _PLACE.match(text)
    if not match:
        return None
    rest = match["rest"]
    folded = rest.casefold()
    for article in _DATE_ARTICLES:
        if folded.startswith(article):
            rest = rest[len(article) :]
            break
    date = parse_date(rest, lang)
    if date is None:
        return None
    place = match["place"].strip()
    if _fold(place) in _weekdays(lang):
        return DateLine(date)  # "Thursday, 3 May 2018": a weekday, not a place
    return DateLine(date, place)


@functools.lru_cache(maxsize=16)
def _weekdays(lang: str) -> frozenset[str]:
    days = locale_for(lang).days
    return frozenset(
        _fold(name) for context in days.values() for width in context.values() for name in width.values()
    )


_PLACE_PATTERNS = {"fr": "{place}, le {date}", "ar": "{place}، {date}"}
"""How a place and a date join per language ("Yaoundé, le 3 septembre 2020"); default "{place}, {date}"."""


def render_date_line(line: DateLine, lang: str) -> str:
    """The date line in ``lang``: CLDR's long date, the place kept as written before it."""
    date = render_date(line.date, lang)
    if not line.place:
        return date
    pattern = _PLACE_PATTERNS.get(lang.replace("_", "-").split("-")[0], "{place}, {date}")
    return pattern.format(place=line.place, date=date)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def render_date(date: dt.date, lang: str) -> str:
    """The long date form CLDR gives for ``lang`` ("23 mars 2012", "23 de marzo de 2012")."""
    return format_date(date, format="long", locale=locale_for(lang))
