"""A Word letter (.docx) read into the document model.

The file is opened through :func:`polyletter.ooxml.package.open_docx` (size,
zip-bomb and DTD checks) and its text read as Word shows it
(:mod:`polyletter.ooxml.text`).

:func:`read_docx` turns a Word letter into a :class:`Letter`. The rule for
blocks is what a reader of the page sees as one block:

- an empty paragraph (or an empty line made of two line breaks) separates
  blocks; a line break inside a paragraph is a line of the block;
- a non-empty paragraph starts a new block, except that it continues the
  previous one when nothing visibly separates them: both are short lines
  (at most 120 characters, so prose paragraphs set tight are never merged),
  the first has no space after and the second no space before (direct
  formatting, then the style chain, then the document defaults; or the
  same style with "don't add space between paragraphs of the same style").
  That is how an address typed line by line in "No Spacing" stays one
  block, and how a list of signatories one per paragraph stays one;
- a paragraph in a Heading N (or Title) style, or with an outline level, is
  a heading of level N (at most 6, as in Markdown);
- paragraphs with list numbering (``w:numPr``, or a List Bullet / List
  Number style) group into one list block, bulleted or numbered as the
  numbering definition says;
- a table is one block, one line per row: ``Organisation | Country`` rows
  become ``Organisation (Country)`` (more cells join as a country list), a
  first row of column titles (known words, all bold, or marked as a
  repeating header) is skipped. This is the signatory table coalitions
  keep in Word.

Roles (date, address, salutation, ... signatories) then come from
:func:`polyletter.readers.roles.classify`, exactly as for Markdown, so a
letter gets the same block ids whichever format it was written in. Headers,
footers, footnotes, comments and text boxes are not part of the letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from polyletter.document.formulas import load_lexicon
from polyletter.document.letter import Letter
from polyletter.errors import InputFormatError
from polyletter.ooxml.package import open_docx
from polyletter.ooxml.text import (
    FALSE,
    cell_lines,
    iter_body,
    normalize_line,
    on,
    paragraph_mark_deleted,
    paragraph_text,
    text_lines,
    w,
)
from polyletter.readers.roles import RawBlock, classify

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument


MAX_JOINED_LINE = 120
"""Longer paragraphs are prose and never merged with their neighbours (as ``classify`` treats them)."""

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$")
_HEADER_WORDS = {
    "organisation",
    "organisations",
    "organization",
    "organizations",
    "organisme",
    "organismes",
    "organización",
    "organizaciones",
    "name",
    "nom",
    "nombre",
    "signatory",
    "signatories",
    "signataires",
    "firmantes",
    "country",
    "countries",
    "pays",
    "país",
    "países",
}




# --------------------------------------------------------------------------
# Opening an untrusted DOCX
# --------------------------------------------------------------------------














# --------------------------------------------------------------------------
# Text as Word shows it
# --------------------------------------------------------------------------
















# --------------------------------------------------------------------------
# A Word letter into the document model
# --------------------------------------------------------------------------


def read_docx(path: Path, lang: str) -> Letter:
    """Read a Word letter into a :class:`Letter` (block rules in the module docstring).

    ``meta`` carries the document title from its properties, when it has one.
    """
    document = open_docx(path, what="letter")
    raw = _raw_blocks(document)
    if not raw:
        raise InputFormatError(
            "letter is empty (no text in the document body)", path=path, hint="Is this the right file?"
        )
    title = (document.core_properties.title or "").strip()
    blocks = tuple(classify(raw, lang, load_lexicon()))
    return Letter(blocks=blocks, lang=lang, meta={"title": title} if title else {})


@dataclass
class _Group:
    """A block being collected: its lines, and what kind of paragraphs feed it."""

    kind: str  # "prose", "list", "heading", "table"
    line_no: int
    lines: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    last: Any = None
    """The last python-docx Paragraph added (for spacing between it and the next)."""
    numbered: bool = False

    def raw(self) -> RawBlock:
        return RawBlock(
            tuple(self.lines),
            tuple(self.markers),
            self.line_no,
            heading=self.kind == "heading",
            listing=self.kind == "list",
        )


class _Reader:
    """Walks the document body once, collecting groups into raw blocks."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self.blocks: list[RawBlock] = []
        self.group: _Group | None = None
        self._numbering = _numbering_formats(document)
        defaults = document.styles.element.find(f"{w('docDefaults')}/{w('pPrDefault')}/{w('pPr')}")
        self._default_ppr = defaults

    def close(self) -> None:
        if self.group is not None and self.group.lines:
            self.blocks.append(self.group.raw())
        self.group = None

    def paragraph(self, p: Any, number: int) -> None:
        from docx.text.paragraph import Paragraph

        if paragraph_mark_deleted(p) and not text_lines(paragraph_text(p)):
            return  # a paragraph deleted with Track Changes on: as if accepted
        para = Paragraph(p, self.document)  # type: ignore[arg-type]
        segments = _segments(paragraph_text(p))
        if not segments:
            self.close()
            return
        level = self._heading_level(para)
        if level:
            self.close()
            self.blocks.append(
                RawBlock(
                    (" ".join(" ".join(s) for s in segments),), ("#" * level + " ",), number, heading=True
                )
            )
            return
        numbered = self._list_kind(para)
        if numbered is not None:
            text = " ".join(" ".join(s) for s in segments)
            if self.group is None or self.group.kind != "list" or self.group.numbered != numbered:
                self.close()
                self.group = _Group("list", number, numbered=numbered)
            marker = f"{len(self.group.lines) + 1}. " if numbered else "- "
            self.group.lines.append(text)
            self.group.markers.append(marker)
            return
        for index, lines in enumerate(segments):
            joins = index == 0 and self._continues(para, lines)
            if not joins:
                self.close()
                self.group = _Group("prose", number)
            assert self.group is not None
            self.group.lines += lines
            self.group.markers += [""] * len(lines)
            self.group.last = para
            if index < len(segments) - 1:
                self.close()

    def _continues(self, para: Any, lines: list[str]) -> bool:
        group = self.group
        if group is None or group.kind != "prose" or group.last is None:
            return False
        if any(len(line) > MAX_JOINED_LINE for line in [*lines, *group.lines]):
            return False
        previous = group.last
        if _style_id(previous) == _style_id(para) and self._contextual(previous) and self._contextual(para):
            return True
        return self._spacing(previous, "after") == 0 and self._spacing(para, "before") == 0

    def table(self, tbl: Any, number: int) -> None:
        self.close()
        lines: list[str] = []
        for index, tr in enumerate(tbl.iter(w("tr"))):
            if _nested_row(tr, tbl):
                continue
            cells = [" ".join(cell_lines(tc)) for tc in tr.findall(w("tc"))]
            cells = [c for c in cells if c]
            if not cells:
                continue
            if index == 0 and _is_header_row(tr, cells):
                continue
            lines.append(cells[0] if len(cells) == 1 else f"{cells[0]} ({', '.join(cells[1:])})")
        if lines:
            self.blocks.append(RawBlock(tuple(lines), ("",) * len(lines), number, table=True))

    # -- style resolution ------------------------------------------------

    def _ppr_chain(self, para: Any) -> Iterator[Any]:
        """pPr elements that decide a paragraph's formatting: direct, style chain, defaults."""
        ppr = para._p.pPr
        if ppr is not None:
            yield ppr
        style = para.style
        seen = 0
        while style is not None and seen < 20:
            style_ppr = style.element.pPr
            if style_ppr is not None:
                yield style_ppr
            style = style.base_style
            seen += 1
        if self._default_ppr is not None:
            yield self._default_ppr

    def _spacing(self, para: Any, side: str) -> int:
        for ppr in self._ppr_chain(para):
            spacing = ppr.find(w("spacing"))
            if spacing is None:
                continue
            if spacing.get(w(f"{side}Autospacing")) in ("1", "true", "on"):
                return 280  # "auto" spacing is about 14 pt: a visible gap
            value = spacing.get(w(side))
            if value is not None:
                try:
                    return int(value)
                except ValueError:
                    return 1
        return 0

    def _contextual(self, para: Any) -> bool:
        for ppr in self._ppr_chain(para):
            element = ppr.find(w("contextualSpacing"))
            if element is not None:
                return element.get(w("val"), "true") not in ("0", "false", "off")
        return False

    def _heading_level(self, para: Any) -> int:
        style = para.style
        seen = 0
        while style is not None and seen < 20:
            name = (style.name or "").strip().casefold()
            match = _HEADING_STYLE.match(name)
            if match:
                return min(6, int(match[1]))
            if name == "title":
                return 1
            style = style.base_style
            seen += 1
        for ppr in self._ppr_chain(para):
            outline = ppr.find(w("outlineLvl"))
            if outline is not None:
                try:
                    value = int(outline.get(w("val"), "9"))
                except ValueError:
                    return 0
                return min(6, value + 1) if value < 9 else 0
        return 0

    def _list_kind(self, para: Any) -> bool | None:
        """None for a paragraph that is not a list item, else whether it is numbered."""
        for ppr in self._ppr_chain(para):
            num_pr = ppr.find(w("numPr"))
            if num_pr is None:
                continue
            num_id = num_pr.find(w("numId"))
            if num_id is None:
                continue
            value = num_id.get(w("val"), "0")
            if value == "0":
                return None  # numbering explicitly removed
            ilvl = para._p.find(f"{w('pPr')}/{w('numPr')}/{w('ilvl')}")
            level = ilvl.get(w("val"), "0") if ilvl is not None else "0"
            fmt = self._numbering.get((value, level)) or self._numbering.get((value, "0"))
            if fmt is not None:
                return fmt != "bullet"
            return "number" in (para.style.name or "").casefold()
        name = (para.style.name or "").casefold() if para.style is not None else ""
        if name.startswith("list bullet"):
            return False
        if name.startswith("list number"):
            return True
        return None


def _style_id(para: Any) -> str:
    ppr = para._p.pPr
    style = ppr.find(w("pStyle")) if ppr is not None else None
    return style.get(w("val"), "") if style is not None else ""


def _numbering_formats(document: DocxDocument) -> dict[tuple[str, str], str]:
    """``(numId, ilvl) -> numFmt`` ("bullet", "decimal", ...) from the numbering part, if any."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract: dict[str, dict[str, str]] = {}
    for item in numbering.findall(w("abstractNum")):
        levels = {}
        for lvl in item.findall(w("lvl")):
            fmt = lvl.find(w("numFmt"))
            levels[lvl.get(w("ilvl"), "0")] = fmt.get(w("val"), "decimal") if fmt is not None else "decimal"
        abstract[item.get(w("abstractNumId"), "")] = levels
    formats: dict[tuple[str, str], str] = {}
    for num in numbering.findall(w("num")):
        ref = num.find(w("abstractNumId"))
        if ref is None:
            continue
        for level, fmt in abstract.get(ref.get(w("val"), ""), {}).items():
            formats[(num.get(w("numId"), ""), level)] = fmt
    return formats


def _segments(text: str) -> list[list[str]]:
    """Lines of a paragraph cut at empty lines (two line breaks in a row look like a new block)."""
    segments: list[list[str]] = [[]]
    for part in text.split("\n"):
        line = normalize_line(part)
        if line:
            segments[-1].append(line)
        elif segments[-1]:
            segments.append([])
    return [s for s in segments if s]


def _nested_row(tr: Any, tbl: Any) -> bool:
    node = tr.getparent()
    while node is not None and node is not tbl:
        if node.tag == w("tbl"):
            return True
        node = node.getparent()
    return False


def _is_header_row(tr: Any, cells: list[str]) -> bool:
    """A first row of column titles: marked as a repeating header, all bold, or known words."""
    header = tr.find(f"{w('trPr')}/{w('tblHeader')}")
    if header is not None and header.get(w("val"), "true") not in FALSE:
        return True
    if all(c.casefold() in _HEADER_WORDS for c in cells):
        return True
    runs = [r for r in tr.iter(w("r")) if "".join(t.text or "" for t in r.iter(w("t"))).strip()]
    return bool(runs) and all(on(r.find(f"{w('rPr')}/{w('b')}")) for r in runs)






def _raw_blocks(document: DocxDocument) -> list[RawBlock]:
    reader = _Reader(document)
    for number, element in enumerate(iter_body(document.element.body), start=1):
        if element.tag == w("p"):
            reader.paragraph(element, number)
        else:
            reader.table(element, number)
    reader.close()
    return reader.blocks
