"""DOCX export, read back with python-docx: layout, languages, signatories, template, reproducibility."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from polyletter.commands.export import export_all, export_letter
from polyletter.commands.translate import translate_letter
from polyletter.document.letter import Signatory
from polyletter.document.localize import render_countries, render_date
from polyletter.errors import InputFormatError, LetterNotFoundError
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.ooxml.package import MAX_DOCX_BYTES
from polyletter.readers import read_letter
from polyletter.store.catalog import Entry
from polyletter.store.versions import render_version
from polyletter.store.workspace import Workspace

from .conftest import git

# --------------------------------------------------------------------------
# Helpers shared with test_export_render.py
# --------------------------------------------------------------------------

ARABIC = {
    "address-1": "الأمين العام بان كي مون\nمكتب الأمين العام للأمم المتحدة",
    "address-2": "نسخة إلى: سعادة السيد ناصر عبد العزيز النصر، رئيس الجمعية العامة؛\n"
    "الدكتور إدوارد سي. لك، المستشار الخاص المعني بالمسؤولية عن الحماية",
    "salutation-1": "معالي الأمين العام،",
    "paragraph-1": "نحن منظمات المجتمع المدني الموقعة أدناه، نرحب بفرصة مناقشة الدول الأعضاء للركيزة "
    "الثالثة من المسؤولية عن الحماية (RtoP، R2P) خلال حوار الجمعية العامة هذا الصيف. ونطلب منكم "
    "بكل احترام ضمان نشر تقرير هذا العام بشأن تدابير الركيزة الثالثة قبل الحوار بشهرين على الأقل، "
    "بعد عملية تشاورية مع المجتمع المدني.",
    "paragraph-2": "لا يمكن لتقريركم أن يكون مرجعاً أساسياً للدول الأعضاء والمنظمات الإقليمية ومكاتب "
    "الأمم المتحدة وإداراتها إلا إذا نُشر قبل وقت كافٍ. وستتيح الاجتماعات الإقليمية للمنظمات غير "
    "الحكومية والدبلوماسيين قبل الحوار فرصة للتفكير في التقرير.",
    "paragraph-3": "يؤدي المجتمع المدني دوراً حاسماً في تنفيذ المسؤولية عن الحماية على المستويات "
    "المحلية والوطنية والإقليمية والدولية، من خلال التنبيه إلى الحالات المعرضة للخطر ورصد الجهود "
    "الرامية إلى منع الجرائم الفظيعة الجماعية والتصدي لها.",
    "paragraph-4": "إن التوزيع المبكر لتقريركم ضروري لمشاركة بنّاءة. ونحثكم على ضمان هذا الإعداد "
    "المبكر والشامل لتوجيه المجتمع الدولي في عملنا من أجل منع الإبادة الجماعية وجرائم الحرب "
    "والجرائم ضد الإنسانية والتطهير العرقي.",
    "closing-1": "وتفضلوا بقبول فائق الاحترام،",
}
"""A human Arabic version of the sample: there is no Arabic model here; RTL is judged on real Arabic."""


def write_arabic_version(ws: Workspace) -> str:
    """Write and commit ``translations/ar/r2p-2012.po`` (+ .md) through the library; returns HEAD.

    Dates and countries come from CLDR exactly as ``translate`` renders them;
    the prose is a human translation (``origin: human``).
    """
    master = read_letter(ws.master_path("r2p-2012"), ws.config.source)
    entries = {}
    for block in master.blocks:
        if block.id in ARABIC:
            text = ARABIC[block.id]
        elif block.kind.value == "date":
            text = render_date(dt.date(2012, 3, 23), "ar")
        else:
            signatories = [Signatory.parse(line) for line in block.lines]
            text = "\n".join(
                s.render(joined=render_countries(s.countries, s.joiner, "en", "ar")) for s in signatories
            )
        entries[block.id] = Entry(block.id, block.text, text, provenance={"origin": "human", "by": "Test"})
    for path, text in render_version(ws, master, "r2p-2012", "ar", entries):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(ws.root, "add", "translations/ar")
    git(ws.root, "commit", "-q", "-m", "Arabic version, translated by hand")
    return git(ws.root, "rev-parse", "HEAD").strip()


def visual_alignment(paragraph) -> WD_ALIGN_PARAGRAPH | None:
    """Where a paragraph's lines sit on the page.

    Word (and LibreOffice reading DOCX) read ``w:jc`` left/right in a
    ``w:bidi`` paragraph as start/end: "right" there means the left edge.
    """
    alignment = paragraph.alignment
    if paragraph._p.pPr is None or paragraph._p.pPr.find(qn("w:bidi")) is None:
        return alignment
    mirror = {
        WD_ALIGN_PARAGRAPH.LEFT: WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.RIGHT: WD_ALIGN_PARAGRAPH.LEFT,
    }
    return mirror.get(alignment, alignment)


def cell_texts(table) -> list[tuple[str, ...]]:
    return [tuple(cell.text for cell in row.cells) for row in table.rows]


def _runs(document) -> list:
    body = document.element.body
    return [r for r in body.iter(qn("w:r")) if r.find(qn("w:t")) is not None]


def _commit_date(root: Path) -> dt.datetime:
    seconds = int(git(root, "show", "-s", "--format=%ct", "HEAD").strip())
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def mm(length: int | None) -> float:
    """A length in millimetres to 0.1 mm: Word stores margins in twips, so Mm(25) comes back as 24.99."""
    assert length is not None
    return round(length / 36_000, 1)


# --------------------------------------------------------------------------
# The letter, in French
# --------------------------------------------------------------------------


def test_export_french_letter(workspace: Workspace, fr_es_models: list) -> None:
    translate_letter(workspace, "r2p-2012", ["fr"], engine=ArgosEngine())
    head = git(workspace.root, "rev-parse", "HEAD").strip()

    path = export_letter(workspace, "r2p-2012", "fr")

    assert path == workspace.root / "exports" / "r2p-2012.fr.docx"
    document = docx.Document(str(path))
    paragraphs = [p for p in document.paragraphs if p.text]
    date, address, cc, salutation, *body, closing = paragraphs
    assert date.text == "23 mars 2012"
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert address.text.count("\n") == 1 and cc.text.count("\n") == 1  # two lines, one break each
    assert address._p.findall(f"{qn('w:r')}/{qn('w:br')}")  # breaks, not paragraphs
    assert address.alignment is None and salutation.alignment is None  # the start of the line
    assert len(body) == 4
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY for p in body)
    assert closing.paragraph_format.keep_with_next  # "Sincerely," never alone at a page's foot

    # One table for both signatories blocks of the master: header + 38 rows, two columns.
    assert len(document.tables) == 1
    table = document.tables[0]
    rows = cell_texts(table)
    assert len(rows) == 39 and len(table.columns) == 2
    assert rows[0] == ("Organisation", "Pays")
    assert rows[1] == ("A Billion Little Stones", "Australie")
    assert ("Human Rights Watch", "États-Unis") in rows
    assert ("Aegis Trust", "Royaume-Uni") in rows
    assert rows[5] == ("Asia-Pacific Solidarity Coalition", "")
    assert ("Droits Humains Sans Frontières", "République démocratique du Congo") in rows
    assert rows[-1] == ("World Federation of United Nations Associations", "États-Unis et Suisse")
    header_row = table.rows[0]._tr.trPr
    assert header_row.find(qn("w:tblHeader")) is not None  # repeats on every page
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert table.rows[0].cells[0].paragraphs[0].runs[0].bold
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:insideV")).get(qn("w:val")) == "nil"  # no vertical rules
    organisation, country = (column.width for column in table.columns)
    assert organisation > country and abs((organisation + country) - Mm(160)) < Mm(1)
    assert table._tbl.tblPr.find(qn("w:bidiVisual")) is None

    # Language: document defaults, Normal style, and every run.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert default_lang.get(qn("w:val")) == "fr-FR"
    normal_lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal_lang.get(qn("w:val")) == "fr-FR"
    runs = _runs(document)
    assert len(runs) > 80
    assert {r.rPr.find(qn("w:lang")).get(qn("w:val")) for r in runs} == {"fr-FR"}
    assert not any(r.rPr.find(qn("w:rtl")) is not None for r in runs)
    assert not any(p._p.pPr is not None and p._p.pPr.find(qn("w:bidi")) is not None for p in paragraphs)

    props = document.core_properties
    assert props.language == "fr"
    assert props.title == "r2p-2012"
    assert props.identifier == head
    assert props.comments == f"Built by polyletter from commit {head}"
    assert props.created == props.modified == _commit_date(workspace.root)
    section = document.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)  # A4 by default
    assert mm(section.left_margin) == mm(section.right_margin) == mm(section.top_margin) == 25.0
    assert git(workspace.root, "status", "--porcelain") == ""  # exports/ is git-ignored


def test_export_to_a_chosen_path_and_the_master_itself(workspace: Workspace, tmp_path) -> None:
    target = tmp_path / "out" / "master.docx"
    export_letter(workspace, "r2p-2012", "en", output=target)
    document = docx.Document(str(target))
    assert document.paragraphs[0].text == "23 March 2012"
    assert document.core_properties.language == "en"
    assert cell_texts(document.tables[0])[0] == ("Organisation", "Country")
    assert ("Human Rights Watch", "United States") in cell_texts(document.tables[0])


def test_export_of_a_language_never_translated(workspace: Workspace) -> None:
    with pytest.raises(LetterNotFoundError, match="polyletter translate r2p-2012 --to pt"):
        export_letter(workspace, "r2p-2012", "pt")
    assert not (workspace.root / "exports").exists()


def test_the_title_comes_from_the_front_matter(workspace: Workspace) -> None:
    master = workspace.master_path("r2p-2012")
    master.write_text("---\ntitle: Third pillar, 2012\n---\n" + master.read_text("utf-8"), "utf-8")
    git(workspace.root, "commit", "-qam", "title")
    document = docx.Document(str(export_letter(workspace, "r2p-2012", "en")))
    assert document.core_properties.title == "Third pillar, 2012"


def test_uncommitted_inputs_are_named_in_the_comment(workspace: Workspace, fr_es_models: list) -> None:
    translate_letter(workspace, "r2p-2012", ["fr"], engine=ArgosEngine())
    po = workspace.po_path("r2p-2012", "fr")
    po.write_text(po.read_text("utf-8").replace("23 mars 2012", "24 mars 2012"), "utf-8")
    document = docx.Document(str(export_letter(workspace, "r2p-2012", "fr")))
    assert document.paragraphs[0].text == "24 mars 2012"
    assert document.core_properties.comments.endswith(
        "with uncommitted changes to translations/fr/r2p-2012.po"
    )


def test_headings_and_lists_use_words_styles(workspace: Workspace) -> None:
    memo = workspace.translations / "en" / "memo.md"
    memo.write_text(
        "12 May 2012\n\n## Our requests\n\nWe ask for three things.\n\n"
        "- an early report\n- a consultation\n- a date\n\n### Next steps\n\n1. meet\n2. report\n",
        "utf-8",
    )
    document = docx.Document(str(export_letter(workspace, "memo", "en")))
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 2", "Our requests") in styled
    assert ("Heading 3", "Next steps") in styled
    assert [t for s, t in styled if s == "List Bullet"] == ["an early report", "a consultation", "a date"]
    assert [t for s, t in styled if s == "List Number"] == ["meet", "report"]
    assert document.tables == []


# --------------------------------------------------------------------------
# Right to left: Arabic
# --------------------------------------------------------------------------


def test_export_arabic_letter_is_right_to_left(workspace: Workspace) -> None:
    head = write_arabic_version(workspace)

    document = docx.Document(str(export_letter(workspace, "r2p-2012", "ar")))

    paragraphs = [p for p in document.paragraphs if p.text]
    date, address, _cc, _salutation, *body, closing = paragraphs
    assert date.text == "23 مارس 2012"
    assert visual_alignment(date) == WD_ALIGN_PARAGRAPH.LEFT  # the end of an Arabic line
    assert visual_alignment(address) is None and address.text.count("\n") == 1  # default: right
    assert len(body) == 4 and all(p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY for p in body)
    assert closing.text == ARABIC["closing-1"]
    for paragraph in paragraphs:
        assert paragraph._p.pPr.find(qn("w:bidi")) is not None
    for run in _runs(document):
        rpr = run.rPr
        lang = rpr.find(qn("w:lang"))
        assert (lang.get(qn("w:val")), lang.get(qn("w:bidi"))) == ("ar-EG", "ar-EG")
        assert rpr.find(qn("w:rFonts")).get(qn("w:cs")) == "Arial"
        assert rpr.find(qn("w:szCs")) is not None
        text = "".join(t.text for t in run.iter(qn("w:t")))
        has_arabic = any("\u0600" <= char <= "\u06ff" for char in text)
        assert (rpr.find(qn("w:rtl")) is not None) == has_arabic, text
    body_run = body[0].runs[0]._r.rPr
    assert body_run.find(qn("w:szCs")).get(qn("w:val")) == "22"  # 11 pt, like the Latin text

    table = document.tables[0]
    assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None  # organisation on the right
    rows = cell_texts(table)
    assert len(rows) == 39
    assert rows[0] == ("المنظمة", "البلد")
    assert ("Human Rights Watch", "الولايات المتحدة") in rows
    assert rows[5] == ("Asia-Pacific Solidarity Coalition", "")
    assert rows[-1] == ("World Federation of United Nations Associations", "الولايات المتحدة وسويسرا")
    for row in table.rows:
        for cell in row.cells:
            assert cell.paragraphs[0]._p.pPr.find(qn("w:bidi")) is not None

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "ar-EG"
    assert rpr.find(qn("w:rFonts")).get(qn("w:cs")) == "Arial"
    assert document.core_properties.language == "ar"
    assert document.core_properties.identifier == head


def test_an_english_to_arabic_model_gives_a_right_to_left_file_too(
    workspace: Workspace, argos_package_factory
) -> None:
    from polyletter.mt.engines.argos_packages import install_from_file

    install_from_file(argos_package_factory("en", "ar"))
    translate_letter(workspace, "r2p-2012", ["ar"], engine=ArgosEngine())
    document = docx.Document(str(export_letter(workspace, "r2p-2012", "ar")))
    date = document.paragraphs[0]
    assert date.text == "23 مارس 2012"
    assert visual_alignment(date) == WD_ALIGN_PARAGRAPH.LEFT
    assert date.runs[0]._r.rPr.find(qn("w:rtl")) is not None
    assert document.tables[0]._tbl.tblPr.find(qn("w:bidiVisual")) is not None


# --------------------------------------------------------------------------
# Page size and letterhead templates
# --------------------------------------------------------------------------


def test_letter_page_size_from_the_settings(workspace: Workspace) -> None:
    settings = workspace.root / "polyletter.toml"
    settings.write_text(settings.read_text("utf-8").replace('page_size = "A4"', 'page_size = "Letter"'))
    document = docx.Document(str(export_letter(Workspace.find(), "r2p-2012", "en")))
    section = document.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (215.9, 279.4)
    assert mm(section.left_margin) == mm(section.bottom_margin) == 25.0
    table = document.tables[0]
    assert abs(sum(column.width for column in table.columns) - Mm(215.9 - 50)) < Mm(1)


def make_letterhead(path: Path, *, with_body: bool = True) -> Path:
    """A coalition letterhead as Word users make one: header, footer, Letter paper, a house style."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Inches, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1.25)
    section.header.paragraphs[0].text = "COALITION LETTERHEAD"
    section.footer.paragraphs[0].text = "Global Coalition · 708 Third Avenue · New York"
    house = document.styles.add_style("Coalition Signature", WD_STYLE_TYPE.PARAGRAPH)
    house.font.size = Pt(9)
    document.styles["Normal"].font.name = "Georgia"
    if with_body:
        document.add_paragraph("Replace this text with your letter.")
        document.add_table(rows=2, cols=2)
        document.add_paragraph("Yours, the secretariat", style="Coalition Signature")
    document.save(str(path))
    return path


def test_a_letterhead_template_is_kept_and_filled(workspace: Workspace, tmp_path: Path) -> None:
    letterhead = make_letterhead(tmp_path / "letterhead.docx")

    path = export_letter(workspace, "r2p-2012", "en", template=letterhead)

    document = docx.Document(str(path))
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "COALITION LETTERHEAD"
    assert section.footer.paragraphs[0].text.startswith("Global Coalition")
    assert (mm(section.page_width), mm(section.page_height)) == (215.9, 279.4)  # the template's, not A4
    assert mm(section.left_margin) == 31.8
    assert document.styles["Coalition Signature"].font.size.pt == 9
    assert document.styles["Normal"].font.name == "Georgia"
    texts = [p.text for p in document.paragraphs]
    assert "Replace this text with your letter." not in texts
    assert "Yours, the secretariat" not in texts
    assert texts[0] == "23 March 2012"
    assert len(document.tables) == 1 and len(document.tables[0].rows) == 39
    body = document.element.body
    assert body[-1].tag == qn("w:sectPr")  # the letterhead's section, with its header and footer
    assert document.core_properties.language == "en"
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-US"


def test_a_template_without_heading_and_list_styles(workspace: Workspace, tmp_path: Path) -> None:
    """Word lists Heading and List styles as latent until used: the export brings stand-ins."""
    letterhead = make_letterhead(tmp_path / "letterhead.docx", with_body=False)
    document = docx.Document(str(letterhead))
    for style in list(document.styles):
        if style.name.startswith(("Heading", "List")):
            style.element.getparent().remove(style.element)
    document.save(str(letterhead))
    memo = workspace.translations / "en" / "memo.md"
    memo.write_text("## Our requests\n\n- an early report\n- a date\n", "utf-8")

    exported = docx.Document(str(export_letter(workspace, "memo", "en", template=letterhead)))

    styled = [(p.style.name, p.text) for p in exported.paragraphs]
    assert styled == [
        ("Polyletter Heading 2", "Our requests"),
        ("Polyletter List Bullet", "•\u00a0an early report"),
        ("Polyletter List Bullet", "•\u00a0a date"),
    ]
    assert exported.styles["Polyletter Heading 2"].font.bold


def test_a_word_template_dotx_is_accepted(workspace: Workspace, tmp_path: Path) -> None:
    docx_file = make_letterhead(tmp_path / "letterhead.docx", with_body=False)
    dotx = tmp_path / "letterhead.dotx"
    with zipfile.ZipFile(docx_file) as source, zipfile.ZipFile(dotx, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(info, data)
    document = docx.Document(str(export_letter(workspace, "r2p-2012", "en", template=dotx)))
    assert document.sections[0].header.paragraphs[0].text == "COALITION LETTERHEAD"


def _no_document_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/styles.xml", "<styles/>")
    return path


def _broken_document(path: Path, tmp_path: Path) -> Path:
    good = make_letterhead(tmp_path / "good.docx", with_body=False)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = b"<w:document>truncated" if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p, t: (p.write_text("Dear partners,\n"), p)[1], "not a Word document (.docx): not a zip"),
        (lambda p, t: _no_document_zip(p), "zip archive without word/document.xml"),
        (_broken_document, "not a readable Word document"),
        (lambda p, t: p, "template not found"),
    ],
    ids=["text", "zip-without-document", "broken-xml", "missing"],
)
def test_a_template_that_is_not_a_docx_is_refused(
    workspace: Workspace, tmp_path: Path, make, message
) -> None:
    template = make(tmp_path / "letterhead.docx", tmp_path)
    with pytest.raises(InputFormatError) as caught:
        export_letter(workspace, "r2p-2012", "en", template=template)
    text = str(caught.value)
    assert message in text and str(template) in text
    assert "\n" not in text
    assert not (workspace.root / "exports").exists()


def test_a_huge_template_is_refused_before_it_is_read(workspace: Workspace, tmp_path: Path) -> None:
    template = tmp_path / "letterhead.docx"
    with template.open("wb") as handle:
        handle.truncate(MAX_DOCX_BYTES + 1)  # sparse: no 20 MB written
    with pytest.raises(InputFormatError, match=r"over the 20 MB limit"):
        export_letter(workspace, "r2p-2012", "en", template=template)
    assert not (workspace.root / "exports").exists()


def test_a_macro_enabled_template_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    good = make_letterhead(tmp_path / "good.docx", with_body=False)
    docm = tmp_path / "letterhead.docm"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(docm, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
            target.writestr(info, data)
    with pytest.raises(InputFormatError, match="macro-enabled"):
        export_letter(workspace, "r2p-2012", "en", template=docm)


# --------------------------------------------------------------------------
# Every language, reproducibly
# --------------------------------------------------------------------------


def test_export_all_writes_every_language(workspace: Workspace, fr_es_models: list) -> None:
    translate_letter(workspace, "r2p-2012", ["fr", "es"], engine=ArgosEngine())
    write_arabic_version(workspace)

    paths = export_all(workspace, "r2p-2012")

    exports = workspace.root / "exports"
    assert paths == [exports / f"r2p-2012.{lang}.docx" for lang in ("en", "ar", "es", "fr")]
    languages = [docx.Document(str(p)).core_properties.language for p in paths]
    assert languages == ["en", "ar", "es", "fr"]
    assert docx.Document(str(paths[2])).paragraphs[0].text == "23 de marzo de 2012"


def test_export_all_writes_nothing_when_one_language_fails(workspace: Workspace, fr_es_models: list) -> None:
    translate_letter(workspace, "r2p-2012", ["fr", "es"], engine=ArgosEngine())
    workspace.po_path("r2p-2012", "fr").write_bytes(b"\xff\xfe not a PO file")
    with pytest.raises(InputFormatError):
        export_all(workspace, "r2p-2012")
    assert not (workspace.root / "exports").exists()


def test_the_same_commit_gives_the_same_bytes(workspace: Workspace, fr_es_models: list, tmp_path) -> None:
    translate_letter(workspace, "r2p-2012", ["fr"], engine=ArgosEngine())
    letterhead = make_letterhead(tmp_path / "letterhead.docx")

    first = [p.read_bytes() for p in export_all(workspace, "r2p-2012")]
    with_template = export_letter(workspace,
        "r2p-2012", "fr", template=letterhead, output=tmp_path / "a.docx"
    ).read_bytes()
    time.sleep(2.1)  # zip timestamps have a 2-second resolution
    second = [p.read_bytes() for p in export_all(workspace, "r2p-2012")]
    again = export_letter(
        workspace, "r2p-2012", "fr", template=letterhead, output=tmp_path / "b.docx"
    ).read_bytes()

    assert first == second and len(first) == 2
    assert with_template == again
    committed = _commit_date(workspace.root).replace(tzinfo=None)
    with zipfile.ZipFile(io.BytesIO(first[1])) as archive:
        names = archive.namelist()
        assert names[0] == "[Content_Types].xml" and names[1] == "_rels/.rels"
        assert names[2:] == sorted(names[2:])
        stamps = {info.date_time for info in archive.infolist()}
    assert len(stamps) == 1
    (stamp,) = stamps
    assert dt.datetime(*stamp) == committed.replace(second=committed.second - committed.second % 2)

    # A new commit is a new file: its id and date are in it.
    git(workspace.root, "commit", "-q", "--allow-empty", "-m", "later")
    time.sleep(1.1)
    assert export_letter(workspace, "r2p-2012", "fr").read_bytes() != first[1]
