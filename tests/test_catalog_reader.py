"""The fast PO reader reads exactly what polib reads, or hands the file to polib.

``status`` on 1,200 versions spends most of a cold run reading PO files, so
the PO files polyletter writes (and PO editors rewrap) are read by a reader of
our own; polib stays the judge. A differential property test holds the two
together on generated catalogs: same entries, or the fast reader declines.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyletter.store.catalog import _read_entries, _read_polib, _read_simple

BREAKS = "\x00\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""Where polib splits a string into lines (str.splitlines): it garbles a msgstr holding one of them."""
text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=BREAKS), max_size=300)
key = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
value = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=120).map(str.strip)


@st.composite
def catalogs(draw) -> str:
    po = polib.POFile(wrapwidth=draw(st.sampled_from([78, 79, 40, 0])))
    po.header = draw(st.sampled_from(["", "r2p-2012: en -> fr.\nWritten by polyletter."]))
    po.metadata = {"Language": "fr", "Content-Type": "text/plain; charset=UTF-8"}
    for number in range(draw(st.integers(0, 6))):
        provenance = draw(st.dictionaries(key, value, max_size=4))
        po.append(
            polib.POEntry(
                msgctxt=f"paragraph-{number}",
                msgid=draw(text),
                msgstr=draw(text),
                comment=draw(st.sampled_from(["", "kind: paragraph"])),
                tcomment="\n".join(f"{k}: {v}" for k, v in provenance.items()),
                occurrences=draw(st.sampled_from([[], [("translations/en/x.md", "3")]])),
                flags=draw(st.sampled_from([[], ["fuzzy"], ["fuzzy", "c-format"]])),
                previous_msgid=draw(st.one_of(st.none(), text)) or None,
            )
        )
    return str(po) + "\n"


@settings(max_examples=300, deadline=None)
@given(catalogs())
def test_the_fast_reader_reads_what_polib_reads(po_text: str) -> None:
    fast = _read_simple(po_text)
    slow = _read_polib(po_text, Path("x.po"))
    assert fast is None or fast == slow
    assert _read_entries(po_text) == fast  # a whole entry at a time, or the line reader decides
    if "#|" not in po_text or '\n#| "' not in po_text:
        assert fast is not None  # what polyletter and PO editors write is read fast, not handed over


@pytest.mark.parametrize(
    "po_text",
    [
        'msgid ""\nmsgstr ""\n\n#~ msgctxt "old"\n#~ msgid "gone"\n#~ msgstr "parti"\n',  # obsolete
        'msgid ""\nmsgstr ""\n\nmsgctxt "p"\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] "un"\n',
        'msgid ""\nmsgstr ""\n\nmsgctxt "p"\nmsgid "a "quoted" word"\nmsgstr "x"\n',  # unescaped quote
        'msgid ""\nmsgstr ""\n\nmsgid "no context"\nmsgstr "x"\n',  # polib's path names the problem
        'msgid ""\nmsgstr ""\n\nmsgctxt "p"\nmsgid "a"\nmsgid "b"\nmsgstr "x"\n',
    ],
)
def test_what_the_fast_reader_does_not_know_goes_to_polib(po_text: str) -> None:
    assert _read_simple(po_text) is None
    assert _read_entries(po_text) is None


def test_every_po_file_of_a_real_run_is_read_fast(translated) -> None:
    for path in sorted(translated.root.glob("translations/*/*.po")):
        po_text = path.read_text("utf-8")
        assert _read_entries(po_text) == _read_simple(po_text) == _read_polib(po_text, path) != {}


def test_a_unicode_line_separator_inside_a_translation_survives() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgctxt="p", msgid="a\u2028b", msgstr="c\u2028d\x85e"))
    entries = _read_simple(str(po))
    assert entries is not None and entries["p"].translation == "c\u2028d\x85e"


@pytest.mark.parametrize(
    "comment",
    ["#.x", "#,fuzzy", "#\tnote", "# note  ", "#", "#:", "#, fuzzy, c-format", "##", "#| msgid \"a\"", "#~"],
)
def test_the_entry_reader_agrees_with_the_line_reader_on_odd_comments(comment: str) -> None:
    po_text = f'msgid ""\nmsgstr ""\n\n# origin: machine\n{comment}\nmsgctxt "p"\nmsgid "a"\nmsgstr "b"\n'
    assert _read_entries(po_text) == _read_simple(po_text)
    if _read_simple(po_text) is not None:
        assert _read_simple(po_text) == _read_polib(po_text, Path("x.po"))


def test_a_real_run_is_read_a_whole_entry_at_a_time(translated, monkeypatch) -> None:
    """No entry polyletter writes falls back to the line reader (that is where the speed is)."""
    import polyletter.store.catalog as catalog

    def line_reader(text: str) -> None:
        raise AssertionError("fell back to the line reader")

    monkeypatch.setattr(catalog, "_read_simple", line_reader)
    for path in sorted(translated.root.glob("translations/*/*.po")):
        assert catalog._read_entries(path.read_text("utf-8"))
