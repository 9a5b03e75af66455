"""Inline formatting: spans out of the notation and back, put back after translation, in Word."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyletter.commands.check import check_letter
from polyletter.commands.export import export_letter
from polyletter.commands.translate import translate_letter
from polyletter.document.inline import (
    EMPHASIS,
    LINK,
    STRONG,
    Span,
    parse_inline,
    relocate,
    render_inline,
)
from polyletter.mt.engines.apertium import ApertiumEngine
from polyletter.store.workspace import Workspace

from .conftest import git, needs_apertium

DATA = Path(__file__).resolve().parent / "data"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@pytest.mark.parametrize(
    ("line", "plain", "styles"),
    [
        (
            "We are **deeply concerned** by it.",
            "We are deeply concerned by it.",
            [(STRONG, "deeply concerned")],
        ),
        ("that *war crimes* occurred", "that war crimes occurred", [(EMPHASIS, "war crimes")]),
        ("the [Group](https://example.org/a_b) met", "the Group met", [(LINK, "Group")]),
        ("write to <https://example.org>", "write to https://example.org", [(LINK, "https://example.org")]),
        ("a_b@example.org and snake_case_name", "a_b@example.org and snake_case_name", []),
        ("2 * 3 = 6, and R2P (RtoP)", "2 * 3 = 6, and R2P (RtoP)", []),
        ("a <b>bold</b> word", "a bold word", [("html", "bold")]),
        (r"a literal \*star\*", "a literal *star*", []),
    ],
)
def test_the_notation_gives_plain_text_and_spans(line: str, plain: str, styles: list) -> None:
    got_plain, spans = parse_inline(line)
    assert got_plain == plain
    assert [(s.style, got_plain[s.start : s.end]) for s in spans] == styles
    assert parse_inline(render_inline(got_plain, spans)) == (got_plain, spans)


WORDS = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "Zs", "P", "S")), max_size=12)


@st.composite
def _formatted(draw) -> tuple[str, tuple[Span, ...]]:
    pieces = draw(st.lists(st.tuples(WORDS, st.sampled_from([None, STRONG, EMPHASIS, LINK])), max_size=5))
    plain, spans = "", []
    for text, style in pieces:
        if style is not None and text.strip() and text == text.strip():
            target = "https://example.org/x" if style == LINK else ("**" if style == STRONG else "*")
            spans.append(Span(len(plain), len(plain) + len(text), style, target))
            plain += text + " "
        else:
            plain += text.replace("\n", " ")
    return plain, tuple(spans)


@settings(max_examples=300, deadline=None)
@given(_formatted())
def test_rendered_lines_read_back_to_the_same_text_and_spans(value: tuple[str, tuple[Span, ...]]) -> None:
    """Whatever text an engine returns, the notation written for it reads back to it exactly."""
    plain, spans = value
    back_plain, back_spans = parse_inline(render_inline(plain, spans))
    assert back_plain == plain
    assert [(s.start, s.end, s.style) for s in back_spans] == [(s.start, s.end, s.style) for s in spans]


def test_relocate_finds_the_translated_span_or_reports_it_lost() -> None:
    source = "We are deeply concerned by the Group of Experts."
    spans = (Span(7, 23, STRONG, "**"), Span(31, 47, LINK, "https://x.org"))
    target = "Estamos profundamente preocupados por el Grupo de Expertos."
    own = {"deeply concerned": "profundamente preocupado", "Group of Experts": "Grupo de Expertos"}
    placed, lost = relocate(spans, source, target, own.get)
    assert [target[s.start : s.end] for s in placed] == ["profundamente preocupados", "Grupo de Expertos"]
    assert not lost
    placed, lost = relocate(spans[:1], source, "Nada que ver.", own.get)
    assert placed == () and lost == [spans[0]]


class _Recording(ApertiumEngine):
    """The real Apertium engine, remembering every sentence it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def translate_marked(self, source, target, sentences, terms=None):  # type: ignore[override]
        self.sent += list(sentences)
        return super().translate_marked(source, target, sentences, terms)


@needs_apertium
def test_formatting_survives_apertium_into_the_markdown_and_a_word_letter(workspace: Workspace) -> None:
    shutil.copyfile(
        DATA / "corpus" / "yemen-2019-european-union.md",
        workspace.root / "translations" / "en" / "yemen-2019-european-union.md",
    )
    git(workspace.root, "add", "-A")
    git(workspace.root, "commit", "-qm", "yemen")
    engine = _Recording()
    translate_letter(workspace, "yemen-2019-european-union", ["es"], engine=engine)
    assert engine.sent and not any("**" in text or "](" in text or "https" in text for text in engine.sent)
    spanish = workspace.md_path("yemen-2019-european-union", "es").read_text(encoding="utf-8")
    assert "**profundamente" in spanish and "[Grupo de Expertos Eminentes](https://www.ohchr.org/" in spanish
    assert "*crímenes de guerra" in spanish
    assert not [
        f
        for f in check_letter(workspace, "yemen-2019-european-union", ["es"]).findings
        if f.check == "formatting"
    ]

    path = export_letter(workspace, "yemen-2019-european-union", "es")
    document = docx.Document(str(path))
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    italic = [r.text for p in document.paragraphs for r in p.runs if r.italic]
    assert any(text.startswith("profundamente") for text in bold)
    assert any(text.startswith("crímenes de guerra") for text in italic)
    links = [
        (document.part.rels[h.get(R_ID)].target_ref, "".join(t.text for t in h.iter(f"{W}t")))
        for p in document.paragraphs
        for h in p._p.findall(f"{W}hyperlink")
    ]
    assert links == [
        ("https://www.ohchr.org/en/hr-bodies/hrc/yemen-gee/index", "Grupo de Expertos Eminentes")
    ]
    assert "**" not in "".join(p.text for p in document.paragraphs)


@needs_apertium
def test_check_reports_formatting_a_hand_edit_lost(workspace: Workspace) -> None:
    master = workspace.master_path("r2p-2012")
    text = master.read_text(encoding="utf-8")
    formatted = "Excellency,\n\nWe write about the **[third pillar](https://r2p.org/pillar)** today.\n"
    master.write_text(text.replace("Excellency,\n", formatted, 1), encoding="utf-8")
    git(workspace.root, "commit", "-qam", "a formatted paragraph")
    translate_letter(workspace, "r2p-2012", ["es"], engine=ApertiumEngine())
    md = workspace.md_path("r2p-2012", "es")
    body = md.read_text(encoding="utf-8")
    assert "(https://r2p.org/pillar)**" in body
    assert not [f for f in check_letter(workspace, "r2p-2012", ["es"]).findings if f.check == "formatting"]
    plain = body.replace("(https://r2p.org/pillar)", "").replace("**", "").replace("[", "").replace("]", "")
    md.write_text(plain, encoding="utf-8")  # a hand edit that dropped the formatting
    findings = [f for f in check_letter(workspace, "r2p-2012", ["es"]).findings if f.check == "formatting"]
    assert any("https://r2p.org/pillar" in f.message for f in findings)
    assert any("bold" in f.message for f in findings)


def test_a_span_the_model_loses_is_reported_not_guessed(translated: Workspace) -> None:
    """The tiny model's gibberish has no words to hang the link on: the PO and check say so."""
    from polyletter.mt.engines.argos import ArgosEngine

    master = translated.master_path("r2p-2012")
    text = master.read_text(encoding="utf-8")
    formatted = "Excellency,\n\nWe enclose [our earlier note](https://r2p.org/pillar) today.\n"
    master.write_text(text.replace("Excellency,\n", formatted, 1), encoding="utf-8")
    git(translated.root, "commit", "-qam", "a link")
    translate_letter(translated, "r2p-2012", ["fr"], engine=ArgosEngine())
    po = translated.po_path("r2p-2012", "fr").read_text(encoding="utf-8")
    md = translated.md_path("r2p-2012", "fr").read_text(encoding="utf-8")
    assert "(https://r2p.org/pillar)" not in md  # nothing to hang it on: not guessed onto other words
    assert "formatting-lost: link 'our earlier note'" in po
    findings = check_letter(translated, "r2p-2012", ["fr"]).findings
    assert any(f.check == "formatting" and "https://r2p.org/pillar" in f.message for f in findings)


@needs_apertium
def test_inline_html_never_reaches_the_engine_and_comes_back_around_its_words(workspace: Workspace) -> None:
    master = workspace.master_path("r2p-2012")
    text = master.read_text(encoding="utf-8")
    tagged = 'Excellency,\n\nWe are <span style="color:red">deeply concerned</span> by the delay.\n'
    master.write_text(text.replace("Excellency,\n", tagged, 1), encoding="utf-8")
    git(workspace.root, "commit", "-qam", "inline HTML")
    engine = _Recording()
    translate_letter(workspace, "r2p-2012", ["es"], engine=engine)
    assert engine.sent and not any("<span" in s or "color" in s for s in engine.sent)
    spanish = workspace.md_path("r2p-2012", "es").read_text(encoding="utf-8")
    assert '<span style="color:red">profundamente' in spanish and "</span>" in spanish
