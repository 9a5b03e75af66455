"""A review sheet to a bilingual Word table a partner corrects (python-docx).

Consumes a :class:`~polyletter.document.review.ReviewSheet` only: no Git, no
QA, no workspace. One table, one row per block of the master: id | source |
translation | status/notes, under English instructions. Partners work in Word
or LibreOffice, so the file is plain Word: no macros, no locked regions that
an old Word or LibreOffice would mishandle. The id and source cells are
shaded and called read-only in the header and the instructions; import
enforces it instead, by checking them against the master.

The page is landscape because the source and translation columns each need
the width of a letter's body text; the header row repeats on every page
because a 40-signatory letter runs to several. Every cell is tagged with the
language of its text (the translation column with the target's, right to
left where the language is), so spell-checking works as the partner types.

python-docx is imported inside functions only, so ``polyletter --help`` stays light.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from polyletter.document.languages import is_right_to_left, language_name
from polyletter.document.review import (
    IDENTIFIER_PREFIX,
    PROPERTY_BASE,
    PROPERTY_BLOB,
    PROPERTY_LANG,
    PROPERTY_LETTER,
    ReviewSheet,
)
from polyletter.ooxml.elements import (
    PAGE_SIZES_MM,
    PPR_ORDER,
    RPR_ORDER,
    TCPR_ORDER,
    child,
    set_lang,
    write_custom_properties,
)
from polyletter.wording import count

if TYPE_CHECKING:
    from docx.table import _Cell

COLUMN_SHARES = (0.11, 0.345, 0.345, 0.20)
MARGIN_MM = 15.0
NOTES_COLOUR = (0x59, 0x59, 0x59)


@dataclass(frozen=True)
class CellLook:
    """How a column's cells look: shading (hex fill), bold, font size (pt) and colour of the text."""

    fill: str | None = None
    bold: bool = False
    size_pt: float | None = None
    colour: tuple[int, int, int] | None = None


HEADER = CellLook(fill="BFBFBF", bold=True)
READ_ONLY = CellLook(fill="E7E6E6")
"""Id and source: shaded, because the partner must not edit them."""
EDITABLE = CellLook()
NOTES = CellLook(size_pt=8, colour=NOTES_COLOUR)


def render_review(sheet: ReviewSheet) -> bytes:
    """The review DOCX of a sheet: heading, instructions, one table, properties saying what it is for."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt, RGBColor

    source, lang = sheet.source_lang, sheet.target_lang
    document = docx.Document()
    section = document.sections[0]
    short, long = PAGE_SIZES_MM.get(sheet.page_size, PAGE_SIZES_MM["A4"])
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(long), Mm(short)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    set_lang(normal.element.get_or_add_rPr(), "en")

    target_name, source_name = language_name(lang), language_name(source)
    document.add_heading(f"Review of “{sheet.title}”: {source_name} → {target_name}", level=1)
    for text in _instructions(source_name, target_name):
        paragraph = document.add_paragraph(text, style="List Bullet")
        paragraph.paragraph_format.space_after = Pt(2)
    about = document.add_paragraph()
    note = about.add_run(
        f"Letter {sheet.letter}, master {sheet.master_path} (blob {sheet.master_blob[:12]}), "
        f"{lang} version as of {sheet.built_from}. {count(len(sheet.rows), 'row')}."
    )
    note.font.size = Pt(8)
    note.font.color.rgb = RGBColor(*NOTES_COLOUR)

    usable = section.page_width - section.left_margin - section.right_margin
    widths = [int(usable * share) for share in COLUMN_SHARES]
    table = document.add_table(rows=1, cols=4)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    headers = (
        "Id (read-only)",
        f"Source ({source}, read-only)",
        f"Translation ({lang}): edit this column",
        "Status / notes (not read back)",
    )
    header = table.rows[0]
    child(header._tr.get_or_add_trPr(), "tblHeader", ("cantSplit", "tblHeader"))
    for cell, text, width in zip(header.cells, headers, widths, strict=True):
        _fill(cell, [text], width, "en", HEADER)

    rtl = is_right_to_left(lang)
    for row in sheet.rows:
        id_cell, source_cell, translation_cell, notes_cell = table.add_row().cells
        _fill(id_cell, [row.block_id], widths[0], "en", READ_ONLY)
        _fill(source_cell, row.source, widths[1], source, READ_ONLY)
        _fill(translation_cell, row.translation, widths[2], lang, EDITABLE, rtl=rtl)
        _fill(notes_cell, row.notes, widths[3], "en", NOTES)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width

    props = document.core_properties
    props.title = f"{sheet.title} ({lang} review)"
    props.subject = f"Review of {sheet.letter}: {source} -> {lang}"
    props.identifier = f"{IDENTIFIER_PREFIX}:{sheet.letter}:{lang}"
    props.keywords = (
        f"polyletter review; letter {sheet.letter}; language {lang}; master blob {sheet.master_blob}"
    )
    props.comments = (
        f"polyletter review file for {sheet.letter} ({source} -> {lang}). Master {sheet.master_path} "
        f"blob {sheet.master_blob}; built from {sheet.built_from}. Edit only the Translation column."
    )
    props.category = "polyletter review"
    props.language = lang.replace("_", "-")
    props.author = "polyletter"
    props.last_modified_by = "polyletter"
    props.created = props.modified = sheet.created
    custom = {PROPERTY_LETTER: sheet.letter, PROPERTY_LANG: lang, PROPERTY_BLOB: sheet.master_blob}
    custom.update({f"{PROPERTY_BASE}{row.block_id}": row.base for row in sheet.rows})
    write_custom_properties(document, custom)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _instructions(source_name: str, target_name: str) -> list[str]:
    return [
        f"Please review the {target_name} translation of this letter. Edit only the Translation "
        "column (the third): correct the text in place, and leave a row as it is when it is right.",
        f"The Id and {source_name} Source columns are shaded because they are read-only by convention: "
        "do not change them. They are checked against the master letter when the file comes back, "
        "and a file whose ids or source text differ is refused.",
        "Keep every row and keep the rows in their order: do not add, delete, merge or split rows, "
        "and do not change the header row.",
        "Inside a cell, start a new line with Shift+Enter: an address or a list of signatories has "
        "one line per entry. Track Changes is fine (changes are read as accepted); comments are not read.",
        "Status / notes says where each translation comes from (machine, human, locale) and what the "
        "automatic checks found. It is for your information and is not read back.",
        "Save the file as a Word document (.docx), not .doc, .odt or PDF, and send it back to the "
        "person who sent it to you.",
    ]


def _fill(
    cell: _Cell, lines: Sequence[str], width: int, lang: str, look: CellLook, *, rtl: bool = False
) -> None:
    """One paragraph per cell, its lines separated by line breaks, every run language-tagged.

    The paragraph mark is tagged too, so text a partner types into an empty
    cell gets the cell's language (and direction) for spell-checking.
    """
    from docx.shared import Pt, RGBColor

    cell.width = width
    paragraph = cell.paragraphs[0]
    ppr = paragraph._p.get_or_add_pPr()
    if rtl:
        child(ppr, "bidi", PPR_ORDER)
    mark = child(ppr, "rPr", PPR_ORDER)
    if rtl:
        child(mark, "rtl", RPR_ORDER)
    set_lang(mark, lang)
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = look.bold or None
        if look.size_pt is not None:
            run.font.size = Pt(look.size_pt)
        if look.colour is not None:
            run.font.color.rgb = RGBColor(*look.colour)
        rpr = run._r.get_or_add_rPr()
        if rtl:
            child(rpr, "rtl", RPR_ORDER)
        set_lang(rpr, lang)
        if number < len(lines) - 1:
            run.add_break()
    if look.fill:
        child(
            cell._tc.get_or_add_tcPr(),
            "shd",
            TCPR_ORDER,
            {"val": "clear", "color": "auto", "fill": look.fill},
        )
