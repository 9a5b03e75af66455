"""The document model to a Word letter (python-docx).

Consumes a :class:`Letter` only: nothing here reads Markdown. Each block kind
has its layout (date right-aligned, body justified, signatories one per line)
and the document is tagged with its language so Word and LibreOffice check
spelling in the right one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from polyletter.letter import BlockKind, Letter

RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "yi"}


@dataclass(frozen=True)
class DocxInfo:
    title: str
    commit: str | None = None
    page_size: str = "A4"


def render_docx(letter: Letter, info: DocxInfo) -> bytes:
    """The .docx bytes of a letter."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    width, height = (Mm(210), Mm(297)) if info.page_size == "A4" else (Mm(215.9), Mm(279.4))
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(25))

    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    _set_language(normal.element, letter.lang)
    rtl = letter.lang.split("_")[0] in RTL_LANGUAGES

    start, body = (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    if rtl:
        start, body = body, start
    for block in letter.blocks:
        if block.kind is BlockKind.HEADING:
            level = max(1, min(9, block.markers[0].count("#")))
            paragraph = document.add_heading(block.lines[0], level=level)
        elif block.kind is BlockKind.LIST:
            for line in block.lines:
                document.add_paragraph(line, style="List Bullet")
            continue
        elif block.kind is BlockKind.SIGNATORIES:
            for line in block.lines:
                paragraph = document.add_paragraph(line)
                paragraph.paragraph_format.space_after = Pt(0)
            document.add_paragraph()
            continue
        else:
            paragraph = document.add_paragraph()
            for number, line in enumerate(block.lines):
                run = paragraph.add_run(line)
                if number < len(block.lines) - 1:
                    run.add_break()
            if block.kind is BlockKind.DATE:
                paragraph.alignment = start
            elif block.kind is BlockKind.PARAGRAPH:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            else:
                paragraph.alignment = body
        if rtl:
            _set_bidi(paragraph)

    props = document.core_properties
    props.title = info.title
    props.language = letter.lang
    props.author = "polyletter"
    props.comments = f"Built from commit {info.commit}" if info.commit else "Built from uncommitted files"
    props.identifier = info.commit or ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_language(style_element, lang: str) -> None:
    """``w:lang`` on a style's run properties: spell-check and hyphenation language."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = style_element.get_or_add_rPr()
    element = rpr.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        rpr.append(element)
    tag = lang.replace("_", "-")
    element.set(qn("w:val"), tag)
    element.set(qn("w:bidi"), tag)
    element.set(qn("w:eastAsia"), tag)


def _set_bidi(paragraph) -> None:
    from docx.oxml import OxmlElement

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def write_docx(letter: Letter, info: DocxInfo, path: Path) -> None:
    from polyletter.fileio import write_atomic

    write_atomic(path, render_docx(letter, info))
