"""Language codes: one spelling per language at every entry point (issue 12, item 8).

``--to ES``, ``es_MX``, ``source = "EN"`` used to name folders, cache keys and
``apt-get install apertium-eng-ES`` hints of their own, and ``--to ""`` quietly
used the defaults. Every code now goes through document/languages.lang_code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyletter.document.languages import lang_codes, normalise_lang
from polyletter.errors import ConfigError, EngineError
from polyletter.mt.routing import plan_route
from polyletter.store.workspace import Workspace

from .conftest import git, needs_apertium
from .test_cli import assert_clean_error, polyletter

pytestmark = needs_apertium

SPANISH = ["es", "ES", "Es", "es ", "spa"]


def _head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def test_a_code_in_capitals_names_the_same_folder_and_pair(workspace: Workspace) -> None:
    root = workspace.root
    first = polyletter("translate", "r2p-2012", "--to", "ES", "--engine", "apertium", cwd=root)
    assert first.returncode == 0, first.stderr
    assert (root / "translations/es/r2p-2012.po").is_file()
    assert sorted(p.name for p in (root / "translations").iterdir()) == ["en", "es"]
    head = _head(root)
    for spelling in SPANISH:
        again = polyletter("translate", "r2p-2012", "--to", spelling, "--engine", "apertium", cwd=root)
        assert again.returncode == 0, again.stderr
        assert "nothing changed; no commit" in again.stdout
    assert _head(root) == head


@pytest.mark.parametrize("spelling", ["es-MX", "es_MX", "ES_mx"])
def test_a_regional_code_keeps_its_region_and_uses_the_base_pair(workspace: Workspace, spelling: str) -> None:
    root = workspace.root
    result = polyletter("translate", "r2p-2012", "--to", spelling, "--engine", "apertium", cwd=root)
    assert result.returncode == 0, result.stderr
    po = root / "translations/es-MX/r2p-2012.po"
    assert po.is_file()
    assert "(es-MX)" in result.stdout and "apertium en>es" in result.stdout  # which pair was used
    assert "en>es" in po.read_text(encoding="utf-8")
    assert "es-MX" in git(root, "log", "-1", "--format=%B")
    check = polyletter("check", "r2p-2012", "--lang", "es_mx", "--json", cwd=root)
    assert json.loads(check.stdout)["languages"] == ["es-MX"]


def test_a_missing_pair_hint_names_the_engines_codes(workspace: Workspace) -> None:
    result = polyletter("translate", "r2p-2012", "--to", "KO", "--engine", "apertium", cwd=workspace.root)
    assert_clean_error(result, "en->ko", "apertium-eng-kor")
    regional = polyletter(
        "translate", "r2p-2012", "--to", "ko_KR", "--engine", "apertium", cwd=workspace.root
    )
    assert_clean_error(regional, "en->ko-KR", "apertium-eng-kor")
    assert "KR" not in regional.stderr.split("apertium-eng-kor")[1]


@pytest.mark.parametrize("value", ["", ",", " , ", "fr,,es"])
def test_an_empty_to_is_an_error_not_the_defaults(workspace: Workspace, value: str) -> None:
    root = workspace.root
    head = _head(root)
    result = polyletter("translate", "r2p-2012", "--to", value, "--engine", "apertium", cwd=root)
    assert_clean_error(result, "--to:")
    assert _head(root) == head
    assert sorted(p.name for p in (root / "translations").iterdir()) == ["en"]


def test_settings_in_capitals_are_the_same_languages(workspace: Workspace) -> None:
    root = workspace.root
    config = root / "polyletter.toml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('source = "en"', 'source = "EN"').replace(
        'targets = ["fr", "es"]', 'targets = ["ES"]'
    )
    text = text.replace('pivot = "en"', 'pivot = "EN"')
    config.write_text(text, encoding="utf-8")
    git(root, "commit", "-qam", "settings in capitals")
    status = polyletter("status", "--json", cwd=root)
    assert status.returncode == 0, status.stderr
    rows = json.loads(status.stdout)
    rows = rows["versions"] if isinstance(rows, dict) else rows
    assert [(r["letter"], r["lang"]) for r in rows] == [("r2p-2012", "es")]
    result = polyletter("translate", "r2p-2012", "--engine", "apertium", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "translations/es/r2p-2012.po").is_file()


def test_init_normalises_and_refuses(tmp_path: Path) -> None:
    made = polyletter("init", str(tmp_path / "ws"), "--source", "EN", "--to", "FR,es_419", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    text = (tmp_path / "ws/polyletter.toml").read_text(encoding="utf-8")
    assert 'source = "en"' in text and 'targets = ["fr", "es-419"]' in text
    for args in (["--to", ""], ["--to", ","], ["--source", ""], ["--to", "fr,xx"]):
        refused = polyletter("init", str(tmp_path / "no"), *args, cwd=tmp_path)
        assert_clean_error(refused, "--")
        assert not (tmp_path / "no").exists()


# ------------------------------------------------------------------ the one normaliser


LOCALES = sorted(
    {str(code).replace("_", "-") for code in __import__("babel").localedata.locale_identifiers()}
)


@settings(max_examples=200, deadline=None)
@given(code=st.sampled_from(LOCALES), data=st.data())
def test_every_spelling_of_a_cldr_locale_is_one_code(code: str, data: st.DataObject) -> None:
    """Case and separator never make two languages; the result is a fixed point."""
    spelled = "".join(
        c.upper() if data.draw(st.booleans()) else c.lower()
        for c in code.replace("-", data.draw(st.sampled_from("-_")))
    )
    try:
        canonical = normalise_lang(code)
    except ValueError:
        return  # a CLDR identifier with a variant polyletter does not take (e.g. ca-ES-valencia)
    assert normalise_lang(spelled) == canonical
    assert normalise_lang(canonical) == canonical
    assert lang_codes(f"{spelled},{canonical}", "--to") == [canonical]


@pytest.mark.parametrize("bad", ["", " ", "zz", "en-ZZ", "es-Xxxx", "und", "../fr", "fr/..", "f r"])
def test_unknown_or_empty_codes_are_refused_with_the_option_named(bad: str) -> None:
    with pytest.raises(ConfigError, match=r"^--lang: "):
        lang_codes([bad], "--lang")


class _Pairs:
    """An engine double that has only the pairs given: routing, not the engine, is under test."""

    name = "double"

    def __init__(self, *pairs: tuple[str, str]) -> None:
        self._pairs = frozenset(pairs)

    def pairs(self) -> frozenset[tuple[str, str]]:
        return self._pairs

    def install_hint(self, source: str, target: str) -> str:
        return f"install {source}->{target}"


def test_routes_prefer_a_regional_pair_and_fall_back_to_the_base_language() -> None:
    engine = _Pairs(("en", "pt"), ("en", "pt-BR"), ("fr", "en"))
    assert plan_route(engine, "en", "pt-BR").legs == (("en", "pt-BR"),)  # type: ignore[arg-type]
    assert plan_route(engine, "en", "pt-PT").legs == (("en", "pt"),)  # type: ignore[arg-type]
    assert plan_route(engine, "fr-CA", "pt-PT").legs == (("fr", "en"), ("en", "pt"))  # type: ignore[arg-type]
    with pytest.raises(EngineError, match="install en->de"):
        plan_route(engine, "en", "de-AT")  # type: ignore[arg-type]
