"""Dates and country names from CLDR, in the forms a letter to the UN uses."""

from __future__ import annotations

import datetime as dt

import pytest

from polyletter.document.languages import locale_for
from polyletter.document.localize import country_code, parse_date, render_countries, render_date
from polyletter.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "lang"),
    [("23 March 2012", "en"), ("March 23, 2012", "en"), ("2012-03-23", "en"), ("23 mars 2012", "fr")],
)
def test_dates_are_read_in_the_usual_forms(text: str, lang: str) -> None:
    assert parse_date(text, lang) == dt.date(2012, 3, 23)


@pytest.mark.parametrize("text", ["Sincerely,", "31 February 2012", "23 Marchember 2012", "x" * 50])
def test_what_is_not_a_date(text: str) -> None:
    assert parse_date(text, "en") is None


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "23 mars 2012"),
        ("es", "23 de marzo de 2012"),
        ("pt", "23 de março de 2012"),
        ("ar", "23 مارس 2012"),
    ],
)
def test_dates_are_written_the_languages_way(lang: str, expected: str) -> None:
    assert render_date(dt.date(2012, 3, 23), lang) == expected


@pytest.mark.parametrize(
    ("countries", "joiner", "lang", "expected"),
    [
        (("United States",), ", ", "fr", "États-Unis"),
        (("United Kingdom",), ", ", "es", "Reino Unido"),
        (("The Philippines",), ", ", "fr", "Philippines"),
        (("Democratic Republic of the Congo",), ", ", "fr", "République démocratique du Congo"),
        (("United States", "The Netherlands"), ", ", "es", "Estados Unidos, Países Bajos"),
        (("United States", "The Netherlands"), ", ", "ar", "الولايات المتحدة، هولندا"),
        (("United States", "Switzerland"), " and ", "fr", "États-Unis et Suisse"),
        (("Tanzania",), ", ", "pt", "Tanzânia"),
    ],
)
def test_country_names(countries: tuple[str, ...], joiner: str, lang: str, expected: str) -> None:
    assert render_countries(countries, joiner, "en", lang) == expected


def test_an_unknown_country_is_left_to_a_human() -> None:
    assert country_code("Atlantis", "en") is None
    assert render_countries(("Atlantis",), ", ", "en", "fr") is None


def test_unknown_language_codes_are_named() -> None:
    with pytest.raises(ConfigError, match="unknown language code 'zz-top'"):
        locale_for("zz-top")
