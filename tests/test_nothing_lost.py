"""Issue 12: nothing lost, nothing leaked, nothing stale -- each fault tested through the CLI."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyletter.store.workspace import Workspace
from polyletter.wording import count

from .conftest import edited, git, needs_apertium
from .test_cli import assert_clean_error, polyletter

HUMAN = "Atentamente, con todo respeto,"


def _entry(root: Path, lang: str, block_id: str) -> polib.POEntry:
    po = polib.pofile(str(root / f"translations/{lang}/r2p-2012.po"))
    return next(e for e in po if e.msgctxt == block_id)


def _fold_human_closing(root: Path) -> None:
    """A hand edit of the es closing in the Markdown, folded in and committed by `translate`."""
    machine = _entry(root, "es", "closing-1").msgstr
    md = root / "translations/es/r2p-2012.md"
    text = md.read_text("utf-8")
    assert machine in text
    md.write_text(text.replace(machine, HUMAN, 1), "utf-8")
    done = polyletter("translate", "r2p-2012", "--to", "es", cwd=root)
    assert done.returncode == 0, done.stderr
    assert _entry(root, "es", "closing-1").msgstr == HUMAN


# ---------------------------------------------------------------- 1. human text never lost


@pytest.mark.parametrize("committed", [False, True], ids=["deleted", "deletion-committed"])
def test_a_deleted_po_keeps_its_human_translation(translated: Workspace, committed: bool) -> None:
    root = translated.root
    _fold_human_closing(root)
    po = root / "translations/es/r2p-2012.po"
    if committed:
        git(root, "rm", "-q", str(po))
        git(root, "commit", "-qm", "remove the es PO")
    else:
        po.unlink()

    done = polyletter("translate", "r2p-2012", "--to", "es", cwd=root)

    assert done.returncode == 0, done.stderr
    assert "recovered" in done.stdout
    entry = _entry(root, "es", "closing-1")
    assert entry.msgstr == HUMAN and "origin: human" in entry.tcomment
    assert HUMAN in (root / "translations/es/r2p-2012.md").read_text("utf-8")
    if committed:  # else the restored PO is the committed one: nothing to commit
        assert "recovered from Git history" in git(root, "log", "-1", "--format=%B")
    assert git(root, "status", "--porcelain") == ""


def test_a_deleted_po_and_md_still_keep_the_human_translation(translated: Workspace) -> None:
    root = translated.root
    _fold_human_closing(root)
    git(root, "rm", "-q", "translations/es/r2p-2012.po", "translations/es/r2p-2012.md")
    git(root, "commit", "-qm", "start es over")

    done = polyletter("translate", "r2p-2012", "--to", "es", cwd=root)

    assert done.returncode == 0, done.stderr
    assert _entry(root, "es", "closing-1").msgstr == HUMAN


def test_a_markdown_without_any_po_is_refused(translated: Workspace) -> None:
    root = translated.root
    master = (root / "translations/en/r2p-2012.md").read_text("utf-8")
    (root / "translations/en/other.md").write_text(master, "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "another letter")
    (root / "translations/es").mkdir(exist_ok=True)
    # Block for block the master's shape, so it cannot be mistaken for a broken rendering.
    (root / "translations/es/other.md").write_text(master.replace("Sincerely,", HUMAN), "utf-8")
    before = git(root, "rev-parse", "HEAD")

    done = polyletter("translate", "other", "--to", "es", cwd=root)

    assert_clean_error(done, "translations/es/other.md: has no PO", "git checkout")
    assert git(root, "rev-parse", "HEAD") == before
    assert not (root / "translations/es/other.po").exists()


# ---------------------------------------------------------------- 2. no placeholder debris


GLOSSARY = """version: 1
terms:
  - term: RtoP
    keep: true
  - term: R2P
    keep: true
  - term: Member States
    targets: {es: Estados Miembros, gl: Estados membros, ca: Estats membres, en: Member States}
  - term: genocide
    targets: {es: genocidio, gl: xenocidio, ca: genocidi, en: genocide}
"""


def _glossary(tmp_path: Path):
    from polyletter.glossary import load_glossary

    path = tmp_path / "terms.yaml"
    path.write_text(GLOSSARY, "utf-8")
    return load_glossary([path])


MANGLINGS = {
    "exact": lambda p: p,
    "lower": str.lower,
    "prefix": lambda p: "de" + p,
    "suffix": lambda p: p + "s",
    "split": lambda p: p[:5] + " " + p[5:],
    "rotated": lambda p: p[-2:] + "de " + p[:-2],  # what apertium-en-gl does: ZXQAAAA -> AAde ZXQAA
    "duplicated": lambda p: p + " " + p,
    "dropped": lambda p: "",
    "merged": lambda p: p + "el",
}


class ManglingEngine:
    """An engine double (the Engine protocol) that translates by identity and mangles placeholders."""

    name = "mangler"
    glossary_strategy = "placeholder"

    def __init__(self, manglings: list[str]) -> None:
        self.manglings = manglings
        self.calls: list[tuple[str, str, int]] = []
        self.seen: list[str] = []

    def placeholder(self, index: int) -> str:
        from polyletter.mt.engines.apertium import ApertiumEngine

        return ApertiumEngine().placeholder(index)

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset({("en", "es")})

    def version(self, source: str, target: str) -> str:
        return "1"

    def install_hint(self, source: str, target: str) -> str:
        return "nothing to install"

    def translate(self, source, target, sentences, terms=None) -> list[str]:
        import re

        self.calls.append((source, target, len(sentences)))
        self.seen += sentences
        out = []
        for sentence in sentences:
            marks = iter(self.manglings * 10)
            out.append(
                re.sub(r"ZXQ[A-Z]{4}", lambda m, marks=marks: MANGLINGS[next(marks)](m.group()), sentence)
            )
        return out


def test_the_engine_double_is_an_engine() -> None:
    from polyletter.mt.engines.base import Engine

    assert isinstance(ManglingEngine(["exact"]), Engine)


WORDS = ["the", "role", "of", "civil", "society", "(", ")", ",", "in", "preventing", "Today"]
TERMS = {"RtoP": "RtoP", "R2P": "R2P", "Member States": "Estados Miembros", "genocide": "genocidio"}


@pytest.mark.parametrize("mangling", sorted(MANGLINGS))
def test_each_mangling_alone_never_reaches_the_text(mangling: str, tmp_path: Path) -> None:
    _assert_no_debris(
        ["We ask", "Member States", "to end", "genocide", "now (", "RtoP", ",", "R2P", ")."],
        [mangling],
        tmp_path,
    )


OF = {"Member States": "de los", "genocide": "del"}
"""How Spanish links a head to a translated term that qualifies it (Estados Miembros m pl, genocidio m sg)."""


def _expected(parts: list[str]) -> str:
    """The identity translation, every term in its form; two translated terms met side by side (X Y,
    English noun-adjunct order) come out as "Y de + article + X", pairs taken left to right."""
    out: list[str] = []
    i = 0
    while i < len(parts):
        here, after = parts[i], parts[i + 1] if i + 1 < len(parts) else None
        if here in OF and after in OF:
            out.append(f"{TERMS[after]} {OF[here]} {TERMS[here]}")
            i += 2
            continue
        out.append(TERMS.get(here, here))
        i += 1
    return " ".join(out)


def _assert_no_debris(parts: list[str], manglings: list[str], tmp_path: Path) -> None:
    from polyletter.mt.cache import TranslationCache
    from polyletter.mt.routing import Route
    from polyletter.mt.translator import MachineTranslator

    sentence = " ".join(parts)
    expected = _expected(parts)
    engine = ManglingEngine(manglings)
    mt = MachineTranslator(engine, TranslationCache(tmp_path / "cache"), _glossary(tmp_path))
    run = mt.run({"es": (Route((("en", "es"),)), [sentence])})
    text = run.texts["es"][sentence]

    assert "zxq" not in text.casefold()
    for piece in ("AAde", "ABde", "ACde", "ADde"):
        assert piece not in text
    # The double translates by identity, so the text is the source with every term in its form
    # (capitalised where it opens the sentence).
    assert text.casefold() == expected.casefold()
    assert all(o.status == "enforced" for o in run.terms["es"][sentence])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(st.sampled_from(WORDS + sorted(TERMS)), min_size=1, max_size=12),
    manglings=st.lists(st.sampled_from(sorted(MANGLINGS)), min_size=1, max_size=4),
)
def test_no_mangling_of_placeholders_ever_reaches_the_text(
    parts: list[str], manglings: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    _assert_no_debris(parts, manglings, tmp_path_factory.mktemp("mangle"))


def _installed_pairs() -> list[tuple[str, str]]:
    from polyletter.mt.engines.apertium import ApertiumEngine

    return sorted(ApertiumEngine().pairs())


@needs_apertium
@pytest.mark.apertium
@pytest.mark.parametrize(
    "pair", _installed_pairs() or [pytest.param(None, marks=pytest.mark.skip("no pair"))]
)
def test_every_installed_apertium_pair_keeps_terms_and_leaks_nothing(
    pair: tuple[str, str], tmp_path: Path
) -> None:
    from polyletter.mt.cache import TranslationCache
    from polyletter.mt.engines.apertium import DEBRIS_RE, ApertiumEngine
    from polyletter.mt.routing import Route
    from polyletter.mt.translator import MachineTranslator

    sentences = [
        "The Responsibility to Protect (RtoP, R2P) is a commitment.",
        "RtoP plays a role, and R2P too.",
        "We met RtoP R2P RtoP.",
    ]
    mt = MachineTranslator(ApertiumEngine(), TranslationCache(tmp_path / "cache"), _glossary(tmp_path))
    run = mt.run({pair[1]: (Route((pair,)), sentences)})
    for sentence in sentences:
        text = run.texts[pair[1]][sentence]
        assert not DEBRIS_RE.search(text), (pair, text)
        assert "AAde" not in text and "ABde" not in text, (pair, text)
        assert text.count("RtoP") == sentence.count("RtoP") and text.count("R2P") == sentence.count("R2P")


@needs_apertium
@pytest.mark.apertium
@pytest.mark.skipif(("en", "gl") not in _installed_pairs(), reason="needs apertium-en-gl")
def test_galician_through_the_cli_has_no_placeholder_debris(workspace: Workspace) -> None:
    root = workspace.root
    done = polyletter("translate", "r2p-2012", "--to", "gl", "--engine", "apertium", cwd=root)
    assert done.returncode == 0, done.stderr
    for suffix in ("po", "md"):
        text = (root / f"translations/gl/r2p-2012.{suffix}").read_text("utf-8")
        assert "ZXQ" not in text and "AAde" not in text and "ABde" not in text
    assert "(RtoP, R2P)" in (root / "translations/gl/r2p-2012.md").read_text("utf-8")


def test_check_reports_placeholder_debris(translated: Workspace) -> None:
    import json

    root = translated.root
    md = root / "translations/fr/r2p-2012.md"
    text = md.read_text("utf-8")
    shown = _entry(root, "fr", "closing-1").msgstr
    md.write_text(text.replace(shown, shown + " (AAde ZXQAA, ⟦1)", 1), "utf-8")

    done = polyletter("check", "r2p-2012", "--lang", "fr", "--json", cwd=root)

    report = json.loads(done.stdout)
    assert done.returncode == 1 and not report["clean"]
    leaked = [f["message"] for f in report["findings"] if f["check_id"] == "placeholder"]
    assert any("ZXQAA" in m for m in leaked) and any("\u27e6" in m for m in leaked), leaked


# ---------------------------------------------------------------- 4. a glossary change is seen


def _status(root: Path, lang: str) -> dict:
    import json

    done = polyletter("status", "r2p-2012", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    items = data if isinstance(data, list) else data.get("versions", data.get("letters", []))
    return next(i for i in items if i["lang"] == lang)


def _change_glossary(root: Path) -> None:
    path = root / "glossary/rtop.yaml"
    text = path.read_text("utf-8")
    path.write_text(edited(text, "es: {text: Estados Miembros,", "es: {text: Estados miembros,"), "utf-8")
    git(root, "commit", "-qam", "glossary: lower-case miembros")


@needs_apertium
@pytest.mark.apertium
def test_a_glossary_change_makes_exactly_its_blocks_stale_and_translate_applies_it(
    workspace: Workspace,
) -> None:
    root = workspace.root
    done = polyletter("translate", "r2p-2012", "--to", "es", "--engine", "apertium", cwd=root)
    assert done.returncode == 0, done.stderr
    po = {e.msgctxt: e.msgstr for e in polib.pofile(str(root / "translations/es/r2p-2012.po"))}
    affected = sorted(k for k, v in po.items() if "Estados Miembros" in v)
    assert affected
    _change_glossary(root)

    status = _status(root, "es")
    assert status["state"] == "stale" and sorted(status["glossary_blocks"]) == affected
    assert "glossary" in polyletter("status", cwd=root).stdout

    done = polyletter("translate", "r2p-2012", "--to", "es", "--engine", "apertium", cwd=root)
    assert done.returncode == 0, done.stderr
    assert f"{count(len(affected), 'block')} translated" in done.stdout
    after = {e.msgctxt: e.msgstr for e in polib.pofile(str(root / "translations/es/r2p-2012.po"))}
    assert all("Estados miembros" in after[k] and "Estados Miembros" not in after[k] for k in affected)
    assert {k: v for k, v in after.items() if k not in affected} == {
        k: v for k, v in po.items() if k not in affected
    }
    import json

    report = json.loads(polyletter("check", "r2p-2012", "--lang", "es", "--json", cwd=root).stdout)
    assert not [f for f in report["findings"] if f["check_id"] in ("glossary", "keep-term")], report
    assert _status(root, "es")["state"] == "up-to-date"


@needs_apertium
@pytest.mark.apertium
def test_a_glossary_change_flags_human_translations_and_never_changes_them(workspace: Workspace) -> None:
    root = workspace.root
    assert polyletter("translate", "r2p-2012", "--to", "es", "--engine", "apertium", cwd=root).returncode == 0
    po = {e.msgctxt: e.msgstr for e in polib.pofile(str(root / "translations/es/r2p-2012.po"))}
    block = next(k for k, v in po.items() if "Estados Miembros" in v)
    human = po[block].replace("Estados Miembros", "los Estados Miembros, sin duda,", 1)
    md = root / "translations/es/r2p-2012.md"
    md.write_text(md.read_text("utf-8").replace(po[block], human, 1), "utf-8")
    assert polyletter("translate", "r2p-2012", "--to", "es", "--engine", "apertium", cwd=root).returncode == 0
    _change_glossary(root)

    done = polyletter("translate", "r2p-2012", "--to", "es", "--engine", "apertium", cwd=root)

    assert done.returncode == 0, done.stderr
    entry = _entry(root, "es", block)
    assert entry.msgstr == human and "fuzzy" in entry.flags
    assert "stale: glossary" in entry.tcomment
    checked = polyletter("check", "r2p-2012", "--lang", "es", cwd=root)
    assert checked.returncode == 1 and "glossary changed" in checked.stdout


# ---------------------------------------------------------------- 6. unknown words are reported


@needs_apertium
@pytest.mark.apertium
def test_words_apertium_does_not_know_are_reported_per_block(workspace: Workspace) -> None:
    import json

    root = workspace.root
    done = polyletter("translate", "r2p-2012", "--to", "es", "--engine", "apertium", cwd=root)
    assert done.returncode == 0, done.stderr
    md = (root / "translations/es/r2p-2012.md").read_text("utf-8")
    assert "*" not in md and "@" not in md.replace("@", "", md.count("@"))  # no marks in the letter

    checked = polyletter("check", "r2p-2012", "--lang", "es", "--json", cwd=root)

    report = json.loads(checked.stdout)
    assert checked.returncode == 1 and report["clean"] is False
    unknown = {f["block"]: f["message"] for f in report["findings"] if f["check_id"] == "unknown"}
    assert "diplomats" in unknown["paragraph-2"] and "fostering" in unknown["paragraph-4"], unknown
    # Names are copied on purpose and placeholders are ours: neither is reported.
    assert not any("ZXQ" in m or "Luck" in m for m in unknown.values()), unknown


@needs_apertium
@pytest.mark.apertium
def test_unknown_words_survive_the_cache(workspace: Workspace) -> None:
    root = workspace.root
    assert polyletter("translate", "r2p-2012", "--to", "es", "--engine", "apertium", cwd=root).returncode == 0
    for suffix in ("po", "md"):
        git(root, "rm", "-q", f"translations/es/r2p-2012.{suffix}")
    git(root, "commit", "-qm", "start over")

    done = polyletter("translate", "r2p-2012", "--to", "es", "--engine", "apertium", cwd=root)

    assert "0 sent to the engine" in done.stdout
    assert "unknown: diplomats" in (root / "translations/es/r2p-2012.po").read_text("utf-8")


@needs_apertium
@pytest.mark.apertium
def test_unmark_strips_marks_and_keeps_literal_ones() -> None:
    from polyletter.mt.engines.apertium import ApertiumEngine

    engine = ApertiumEngine()
    sentence = "Diplomats are fostering #R2P talks with Luck and ZXQAAAA, *rtop."
    marked = engine.translate_marked("en", "es", [sentence])[0]
    text, words = engine.unmark(sentence, marked)
    assert "*fostering" in marked and "#*R2P" in marked  # a mark right after a literal '#'
    assert "fostering" in words and "Diplomats" in words
    assert "Luck" not in words and not any("ZXQ" in w for w in words)
    assert "#R2P" in text and "*rtop" in text and "*fostering" not in text
    assert engine.translate("en", "es", [sentence]) == [text]
    # Abbreviations come back split at their dots (*P.*S.): no letter of them is a word left in English.
    postscript = "P.S. We thank you for your unimpeded support."
    marked = engine.translate_marked("en", "es", [postscript])[0]
    assert "*P." in marked and engine.unmark(postscript, marked)[1] == ["unimpeded"]


# ---------------------------------------------------------------- 9. term protection is linear


def test_protection_of_a_170_kb_paragraph_takes_well_under_ten_seconds(tmp_path: Path) -> None:
    """It took 18 s (protect) and 55 s (restore) before: quadratic in the number of terms."""
    import time

    from polyletter.glossary import find_terms, inject_with_spans, protect, restore
    from polyletter.mt.engines.apertium import ApertiumEngine

    unit = "Member States and RtoP, R2P: we prevent genocide. "
    text = unit * (170 * 1024 // len(unit))
    glossary = _glossary(tmp_path)
    matches = find_terms(glossary, text, "en", target_lang="es")
    assert len(matches) > 10_000
    start = time.perf_counter()
    masked = protect(text, matches, ApertiumEngine().placeholder)
    restored = restore(masked.text, masked, "es")
    injected, _ = inject_with_spans(text, matches, "es")
    assert time.perf_counter() - start < 10
    assert restored.clean and restored.text == injected
