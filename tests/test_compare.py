"""``compare``: versions aligned block by block, and a static HTML page that is safe to open."""

from __future__ import annotations

import re

from polyletter.commands.compare import compare_letter, render_html, render_table_rows, table_header
from polyletter.readers import read_letter
from polyletter.store.catalog import Entry
from polyletter.store.versions import render_version, stamp
from polyletter.store.workspace import Workspace

from .test_status import LETTER, change_master, edit_md, po_entry

ARABIC_SALUTATION = "معالي الأمين العام،"




def _write_arabic(ws: Workspace) -> None:
    """An Arabic version written by the real writers (a reviewer's text, no engine needed)."""
    master = read_letter(ws.master_path(LETTER), "en")
    entries = {}
    for block in master.blocks:
        text = ARABIC_SALUTATION if block.id == "salutation-1" else f"نص عربي ({block.id})"
        entries[block.id] = Entry(block.id, block.text, text, False, stamp({"origin": "human"}, text))
    for path, rendered in render_version(ws, master, LETTER, "ar", entries):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered, encoding="utf-8")


def test_rows_are_aligned_by_block(translated: Workspace) -> None:
    ws = translated
    comparison = compare_letter(ws, LETTER, ["en", "fr", "es", "pt"])
    master = read_letter(ws.master_path(LETTER), "en")
    assert [r.block_id for r in comparison.rows] == master.ids()
    assert [r.kind for r in comparison.rows][:4] == ["date", "address", "address", "salutation"]
    paragraph = comparison.rows[4]
    assert paragraph.texts["en"] == master.block("paragraph-1").text
    assert paragraph.texts["fr"] == po_entry(ws, "fr", "paragraph-1").msgstr
    assert paragraph.texts["es"] == po_entry(ws, "es", "paragraph-1").msgstr
    assert paragraph.texts["pt"] is None and paragraph.states["pt"] == "missing"
    assert comparison.missing == ["pt"]

    assert table_header(comparison) == ["block", "en", "fr", "es", "pt"]
    rows = render_table_rows(comparison)
    assert rows[4][0] == "paragraph-1" and rows[4][4] == "—"
    assert len(rows) == len(master.blocks) and all(len(r) == 5 for r in rows)


def test_stale_and_unfolded_edits_show_in_their_cells(translated: Workspace) -> None:
    ws = translated
    change_master(ws)
    edit_md(ws, "fr", "closing-1", "Bien à vous,")
    comparison = compare_letter(ws, LETTER, ["en", "fr"])
    rows = {r.block_id: r for r in comparison.rows}
    assert rows["paragraph-1"].states == {"fr": "stale"}
    assert rows["closing-1"].texts["fr"] == "Bien à vous,"
    assert render_table_rows(comparison)[4][2].endswith("\n[stale]")


def test_the_html_page_escapes_every_text(translated: Workspace) -> None:
    ws = translated
    edit_md(ws, "fr", "salutation-1", '<script>alert("x")</script> & Excellence,')
    page = render_html(compare_letter(ws, LETTER, ["en", "fr"]))
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Excellence," in page
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<meta charset="utf-8">' in page and "<style>" in page
    for outside in ("http://", "https://", "src=", "href=", "@import", "url("):
        assert outside not in page


def test_rtl_columns_carry_dir_and_lang(translated: Workspace) -> None:
    ws = translated
    _write_arabic(ws)
    page = render_html(compare_letter(ws, LETTER, ["en", "fr", "ar"]))
    assert f'<td lang="ar" dir="rtl"><div class="text">{ARABIC_SALUTATION}</div></td>' in page
    assert re.search(r'<th scope="col" lang="ar" dir="rtl">Arabic \(ar\)</th>', page)
    assert '<td lang="fr"><div class="text">' in page and 'lang="fr" dir=' not in page
    assert "English (en) — master" in page


def test_glossary_terms_are_marked_and_findings_shown(translated: Workspace) -> None:
    ws = translated

    def spans(text: str, lang: str) -> list[tuple[int, int]]:
        term = {"en": "Responsibility to Protect", "fr": "<x>"}.get(lang, "")
        return [(m.start(), m.end()) for m in re.finditer(re.escape(term), text)] if term else []

    edit_md(ws, "fr", "salutation-1", "<x> Excellence,")
    findings = {("paragraph-1", "fr"): ['number "2012" missing <in translation>']}
    page = render_html(compare_letter(ws, LETTER, ["en", "fr"]), glossary_terms=spans, findings=findings)
    in_master = ws.master_path(LETTER).read_text(encoding="utf-8").count("Responsibility to Protect")
    assert in_master > 1
    assert page.count('<mark class="term">Responsibility to Protect</mark>') == in_master
    assert '<mark class="term">&lt;x&gt;</mark> Excellence,' in page
    assert '<td class="has-findings" lang="fr">' in page
    assert "<li>number &quot;2012&quot; missing &lt;in translation&gt;</li>" in page


def test_overlapping_or_bad_spans_do_not_break_the_markup(translated: Workspace) -> None:
    page = render_html(
        compare_letter(translated, LETTER, ["en"]),
        glossary_terms=lambda text, lang: [(0, 5), (3, 8), (10, 5), (0, 10_000)],
    )
    assert page.count("<mark") == page.count("</mark>")
