"""Readers and the Markdown writer: the sample letter's structure, and round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyletter.document.letter import Block, BlockKind, Letter, Signatory
from polyletter.errors import InputFormatError
from polyletter.readers import read_letter
from polyletter.readers.markdown import split_blocks
from polyletter.readers.roles import classify
from polyletter.writers.markdown import render_markdown

from .conftest import SAMPLE_LETTER


def test_sample_letter_is_read_as_a_letter() -> None:
    letter = read_letter(SAMPLE_LETTER, "en")
    kinds = [(b.id, b.kind, len(b.lines)) for b in letter.blocks]
    assert kinds == [
        ("date-1", BlockKind.DATE, 1),
        ("address-1", BlockKind.ADDRESS, 2),
        ("address-2", BlockKind.ADDRESS, 2),
        ("salutation-1", BlockKind.SALUTATION, 1),
        ("paragraph-1", BlockKind.PARAGRAPH, 1),
        ("paragraph-2", BlockKind.PARAGRAPH, 1),
        ("paragraph-3", BlockKind.PARAGRAPH, 1),
        ("paragraph-4", BlockKind.PARAGRAPH, 1),
        ("closing-1", BlockKind.CLOSING, 1),
        ("signatories-1", BlockKind.SIGNATORIES, 8),
        ("signatories-2", BlockKind.SIGNATORIES, 30),
    ]
    assert letter.block("address-1").lines == (
        "Secretary-General Ban Ki-moon",
        "Office of the United Nations Secretary-General",
    )
    assert letter.block("signatories-2").lines[-1] == (
        "World Federation of United Nations Associations (United States and Switzerland)"
    )
    assert letter.block("date-1").source_line == 3


def test_sample_text_is_the_shared_letter_unchanged() -> None:
    shared = SAMPLE_LETTER.parents[2].parent / "shared" / "letters" / "r2p-2012-third-pillar.txt"
    if not shared.exists():
        pytest.skip(f"{shared} is not beside this checkout")
    assert SAMPLE_LETTER.read_bytes() == shared.read_bytes()


def test_plain_text_reads_like_markdown_without_markup(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("# not a heading\n\n- not a list\n", encoding="utf-8")
    letter = read_letter(path, "en")
    assert [b.lines for b in letter.blocks] == [("# not a heading",), ("- not a list",)]
    assert all(b.kind is not BlockKind.HEADING for b in letter.blocks)


def test_markdown_headings_lists_soft_breaks_and_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "memo.md"
    path.write_text(
        "---\ntitle: Open letter\n---\n\n# Our asks\n\nDear colleagues,\n\n"
        "A paragraph that wraps\nonto a second line.\n\n- first ask\n- second ask\n  continued\n",
        encoding="utf-8",
    )
    letter = read_letter(path, "en")
    assert letter.meta == {"title": "Open letter"}
    assert [(b.kind, b.lines) for b in letter.blocks] == [
        (BlockKind.HEADING, ("Our asks",)),
        (BlockKind.SALUTATION, ("Dear colleagues,",)),
        (BlockKind.PARAGRAPH, ("A paragraph that wraps onto a second line.",)),
        (BlockKind.LIST, ("first ask", "second ask continued")),
    ]
    assert letter.blocks[0].markers == ("# ",)
    again = tmp_path / "again.md"
    again.write_text(render_markdown(letter), encoding="utf-8")
    assert read_letter(again, "en") == letter


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "letter is empty"),
        (b"\n\n   \n", "letter is empty"),
        (b"Caf\xe9 au lait\n", "not UTF-8"),
        (b"PK\x03\x04\x00\x00binary", "binary"),
        (b"---\ntitle: [unclosed\n---\nHello\n", "front matter is not valid YAML"),
        (b"---\n- a\n- b\n---\nHello\n", "front matter must be YAML key: value pairs"),
        (b"---\ntitle: x\nHello\n", "never ends"),
    ],
)
def test_bad_masters_get_one_line_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(InputFormatError) as caught:
        read_letter(path, "en")
    assert message in str(caught.value)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unsupported_extension_is_named(tmp_path: Path) -> None:
    path = tmp_path / "letter.odt"
    path.write_bytes(b"x")
    with pytest.raises(InputFormatError, match="cannot read .odt"):
        read_letter(path, "en")


@pytest.mark.parametrize(
    ("line", "organisation", "countries"),
    [
        ("Aegis Trust (United Kingdom)", "Aegis Trust", ("United Kingdom",)),
        ("Asia-Pacific Solidarity Coalition", "Asia-Pacific Solidarity Coalition", ()),
        (
            "World Federalist Movement – Institute for Global Policy (United States, The Netherlands)",
            "World Federalist Movement – Institute for Global Policy",
            ("United States", "The Netherlands"),
        ),
        ("WFUNA (United States and Switzerland)", "WFUNA", ("United States", "Switzerland")),
    ],
)
def test_signatory_lines(line: str, organisation: str, countries: tuple[str, ...]) -> None:
    signatory = Signatory.parse(line)
    assert (signatory.name, signatory.countries) == (organisation, countries)
    assert signatory.render() == line


# --- property: what the writer writes, the reader reads back as the same blocks ---

_word = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N"), max_codepoint=0x2FF), min_size=1, max_size=8
)
_line = st.lists(_word, min_size=1, max_size=8).map(" ".join)
_punctuated = st.tuples(_line, st.sampled_from(["", ".", ",", "?", ":", ")"])).map("".join)
_prose_line = st.one_of(
    _punctuated,
    st.tuples(st.sampled_from(["# ", "- ", "1. ", "* ", "\\"]), _punctuated).map("".join),
)


@st.composite
def _letters(draw: st.DrawFn) -> Letter:
    blocks = []
    for number in range(draw(st.integers(1, 8))):
        kind = draw(
            st.sampled_from([BlockKind.PARAGRAPH, BlockKind.ADDRESS, BlockKind.LIST, BlockKind.HEADING])
        )
        if kind is BlockKind.HEADING:
            blocks.append(Block(f"b{number}", kind, (draw(_punctuated),), ("## ",)))
        elif kind is BlockKind.LIST:
            items = tuple(draw(st.lists(_punctuated, min_size=1, max_size=4)))
            blocks.append(Block(f"b{number}", kind, items, ("- ",) * len(items)))
        else:
            lines = tuple(draw(st.lists(_prose_line, min_size=1, max_size=4)))
            blocks.append(Block(f"b{number}", kind, lines))
    return Letter(tuple(blocks), "en")


@settings(max_examples=150, deadline=None)
@given(_letters())
def test_written_markdown_reads_back_to_the_same_blocks(letter: Letter) -> None:
    text = render_markdown(letter)
    raw = split_blocks(text)
    assert [(r.lines, r.markers) for r in raw] == [(b.lines, b.markers) for b in letter.blocks]
    assert len(classify(raw, "en")) == len(letter.blocks)
