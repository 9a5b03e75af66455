"""The document model to a Word letter (python-docx).

Consumes a :class:`Letter` only: nothing here reads Markdown. Each block kind
has its layout, the way a secretariat lays out a sign-on letter:

- the date at the end of the line (right; left in a right-to-left letter),
- address and CC blocks as one paragraph each, their lines joined by line
  breaks so no space opens between them,
- the salutation and the closing at the start of the line, body paragraphs
  justified, headings and lists in Word's own Heading / List styles,
- the signatories as one two-column table (organisation | country) whose
  header row repeats on every page and whose rows never split, because a
  sign-on letter often runs to forty organisations and three pages.

Every run is language-tagged (``w:lang``) so that Word and LibreOffice check
spelling and hyphenate in the letter's language, and a right-to-left letter
(Arabic, Persian, Hebrew, Urdu...) gets ``w:bidi`` paragraphs, ``w:rtl`` runs
in a font with the script, and a ``w:bidiVisual`` table.

Without a template the page comes from ``polyletter.toml`` (A4 or Letter,
25 mm margins); with one, the letterhead's header, footer, styles and page
setup are kept and only its body is replaced. The package is written with
fixed dates and entry order (see :mod:`polyletter.ooxml.package`), so
the same commit always gives the same bytes.

python-docx is imported inside functions only, so ``polyletter --help`` stays light.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from polyletter.document.inline import CODE, EMPHASIS, LINK, STRONG, Span, parse_inline
from polyletter.document.languages import is_right_to_left
from polyletter.document.letter import (
    TABLE_HEADER,
    Block,
    BlockKind,
    Letter,
    parse_signatories,
    signatory_labels,
)
from polyletter.ooxml.elements import (
    BORDER_ORDER,
    DOC_DEFAULTS_ORDER,
    PAGE_SIZES_MM,
    PPR_ORDER,
    RPR_ORDER,
    TBLPR_ORDER,
    TCPR_ORDER,
    add_hyperlink,
    child,
    has_right_to_left_text,
    set_lang,
)

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

MARGIN_MM = 25.0
BODY_FONT = "Calibri"
BODY_SIZE_PT = 11.0
COMPLEX_SCRIPT_FONT = "Arial"
"""The ``w:cs`` font of right-to-left runs: Arial carries Arabic and Hebrew on Windows and macOS,
and LibreOffice maps it (Liberation Sans, else a fontconfig fallback with the script) elsewhere."""

ORGANISATION_SHARE = 0.64
"""Organisation names are long ("Coordinadora Regional de Investigaciones Económicas y Sociales");
country names are short: about two thirds of the line for the first column."""


@dataclass(frozen=True)
class DocxInfo:
    """What a letter's DOCX says about itself besides its text.

    ``commit`` and ``commit_date`` date the file: core properties ``created``
    and ``modified`` and every zip entry carry the commit's date, never the
    time of the export, so an export is reproducible from its commit.
    ``uncommitted`` names the input files that differed from that commit, so
    the file does not claim a provenance it lacks.
    """

    title: str
    commit: str | None = None
    commit_date: dt.datetime | None = None
    page_size: str = "A4"
    template: Path | None = None
    uncommitted: tuple[str, ...] = ()

    @property
    def comment(self) -> str:
        """The core-properties comment: which commit the file was built from."""
        if not self.commit:
            return "Built by polyletter from files not yet committed to git"
        text = f"Built by polyletter from commit {self.commit}"
        if self.uncommitted:
            text += f" with uncommitted changes to {', '.join(self.uncommitted)}"
        return text


def render_docx(letter: Letter, info: DocxInfo) -> bytes:
    """The .docx bytes of a letter: deterministic for the same letter and info."""
    from polyletter.ooxml.package import clear_body, open_template, reproducible_zip

    if info.template is not None:
        document = open_template(info.template)
        clear_body(document)
    else:
        import docx

        document = docx.Document()
        _page_setup(document, info.page_size)
        _base_styles(document)
    _LetterWriter(document, letter.lang).write(letter.blocks)
    _core_properties(document, letter.lang, info)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), info.commit_date)


def write_docx(letter: Letter, info: DocxInfo, path: Path) -> None:
    """Render and write atomically: a crash leaves the old file or the new one, never half."""
    from polyletter.store.fileio import write_atomic

    write_atomic(path, render_docx(letter, info))


# --------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------








# --------------------------------------------------------------------------
# WordprocessingML helpers: children inserted in schema order (Word rejects
# a file whose elements are out of order, LibreOffice silently ignores them)
# --------------------------------------------------------------------------







def _half_points(pt: float) -> str:
    return str(round(pt * 2))


# --------------------------------------------------------------------------
# The page and the styles
# --------------------------------------------------------------------------


def _page_setup(document: Document, page_size: str) -> None:
    """Page size from polyletter.toml and 25 mm margins: no template, so the settings decide."""
    from docx.shared import Mm

    width, height = PAGE_SIZES_MM.get(page_size, PAGE_SIZES_MM["A4"])
    section = document.sections[0]
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))


def _base_styles(document: Document) -> None:
    """A sober Normal style for the default template; a letterhead brings its own."""
    from docx.shared import Pt

    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE_PT)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.1


class _LetterWriter:
    """Lays out the blocks of one letter into a document whose body is empty."""

    def __init__(self, document: Document, lang: str) -> None:
        self.document = document
        self.lang = lang
        self.rtl = is_right_to_left(lang)
        self._tag_defaults()

    # -- language of the whole document ------------------------------------

    def _tag_defaults(self) -> None:
        """``w:lang`` (and the complex-script font for RTL) in the document defaults and Normal.

        Text typed later in Word (a partner's correction) then gets the
        letter's language too, not the template author's.
        """
        from docx.oxml.ns import qn

        styles = self.document.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            from docx.oxml import OxmlElement

            defaults = OxmlElement("w:docDefaults")
            styles.insert(0, defaults)
        rpr = child(child(defaults, "rPrDefault", DOC_DEFAULTS_ORDER), "rPr", ("rPr",))
        targets = [rpr]
        from docx.enum.style import WD_STYLE_TYPE

        normal = self.document.styles.default(WD_STYLE_TYPE.PARAGRAPH)  # "Normal", whatever its name
        if normal is not None:
            targets.append(normal.element.get_or_add_rPr())
        for element in targets:
            set_lang(element, self.lang)
            if self.rtl:
                fonts = child(element, "rFonts", RPR_ORDER, {"cs": COMPLEX_SCRIPT_FONT})
                fonts.attrib.pop(qn("w:cstheme"), None)  # a theme font would override w:cs

    def _style(self, name: str) -> Any:
        try:
            return self.document.styles[name]
        except KeyError:
            return None

    # -- blocks -----------------------------------------------------------

    def write(self, blocks: Sequence[Block]) -> None:
        for group in _groups(blocks):
            first = group[0]
            if first.kind is BlockKind.SIGNATORIES:
                self.signatories(group)
            elif first.kind is BlockKind.HEADING:
                self.heading(first)
            elif first.kind is BlockKind.LIST:
                self.list(first)
            else:
                self.block(first)

    def block(self, block: Block) -> None:
        """Every block but headings, lists and signatories: one paragraph, its lines as breaks."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        paragraph = self._paragraph(block.lines)
        if block.kind is BlockKind.DATE:
            # In a w:bidi paragraph Word reads jc "right" as the *end* of the line:
            # the same value puts the date right in French and left in Arabic.
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif block.kind is BlockKind.PARAGRAPH:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        elif block.kind in (BlockKind.SALUTATION, BlockKind.CLOSING):
            paragraph.paragraph_format.keep_with_next = True
        elif block.kind is BlockKind.SUBJECT:
            paragraph.paragraph_format.keep_with_next = True
            for run in paragraph.runs:
                run.bold = True  # "Re: ..." stands out, as a secretariat sets it
        # address, salutation, closing, postscript: the start of the line, which
        # is the paragraph's default (left, or right in a bidi paragraph).

    def heading(self, block: Block) -> None:
        level = max(1, min(9, block.markers[0].count("#") or 1))
        style = self._paragraph_style(f"Heading {level}", heading=level)
        self._paragraph(block.lines, style=style)

    def list(self, block: Block) -> None:
        """One List Bullet (or List Number) paragraph per item, as Word numbers them itself."""
        numbered = bool(block.markers) and block.markers[0].strip()[:1].isdigit()
        name = "List Number" if numbered else "List Bullet"
        style = self._paragraph_style(name)
        fallback = style != name  # a template without list styles: keep the marker as text
        for marker, line in zip(block.markers, block.lines, strict=True):
            text = f"{marker.strip() if numbered else '•'}\u00a0{line}" if fallback else line
            self._paragraph([text], style=style)

    def signatories(self, blocks: Sequence[Block]) -> None:
        """All consecutive signatories blocks as one table: organisation | country.

        The master may split its list in several blocks (the sample has two,
        cut where the printed letter turned the page); the reader wants one list.
        """
        from docx.shared import Emu

        people = [
            person for block in blocks for person in parse_signatories(block.lines, block.markers, self.lang)
        ]
        labels = _table_labels(blocks, self.lang)
        table = self.document.add_table(rows=len(people) + 1, cols=2)
        total = self._text_width()
        widths = (Emu(int(total * ORGANISATION_SHARE)), Emu(total - int(total * ORGANISATION_SHARE)))
        self._table_properties(table, total)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for number, row in enumerate(table.rows):
            trpr = row._tr.get_or_add_trPr()
            child(trpr, "cantSplit", ("cantSplit", "tblHeader"))
            if number == 0:
                child(trpr, "tblHeader", ("cantSplit", "tblHeader"))
                texts = labels
            else:
                person = people[number - 1]
                texts = (person.name, person.joiner.join(person.countries))
            for cell, width, text in zip(row.cells, widths, texts, strict=True):
                cell.width = width
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = 0
                paragraph.paragraph_format.space_before = 0
                if self.rtl:
                    child(paragraph._p.get_or_add_pPr(), "bidi", PPR_ORDER)
                if text:
                    run = paragraph.add_run(text)
                    self._tag_run(run, paragraph)
                    if number == 0:
                        run.bold = True
                        run.font.cs_bold = True
                if number == 0:
                    borders = child(cell._tc.get_or_add_tcPr(), "tcBorders", TCPR_ORDER)
                    child(borders, "bottom", BORDER_ORDER, _LINE_HEAVY)

    # -- paragraphs, runs, tables -------------------------------------------

    def _paragraph(self, lines: Sequence[str], style: str | None = None) -> Paragraph:
        """A paragraph with its lines separated by line breaks, inline formatting as Word's own.

        Bold and italics become run properties, a link a real ``w:hyperlink``
        (external relationship) around its runs, code a monospaced run; HTML
        spans keep their text without the tags. Nothing is parsed here but the
        model's inline notation (:mod:`polyletter.document.inline`).
        """
        paragraph = self.document.add_paragraph(style=style)
        if self.rtl:
            child(paragraph._p.get_or_add_pPr(), "bidi", PPR_ORDER)
        for number, line in enumerate(lines):
            plain, spans = parse_inline(line)
            pieces = _pieces(plain, spans)
            for text, covering in pieces or [("", ())]:
                run = self._run(paragraph, text, covering)
            if number < len(lines) - 1:
                run.add_break()
        return paragraph

    def _run(self, paragraph: Paragraph, text: str, covering: Sequence[Span]) -> Run:
        """One run of a paragraph, formatted by every span over it (in a hyperlink under a link)."""
        from docx.text.run import Run

        styles = {span.style for span in covering}
        link = next((span.target for span in reversed(covering) if span.style == LINK), None)
        if link is not None:
            run = Run(add_hyperlink(paragraph, link), paragraph)
            run.text = text
        else:
            run = paragraph.add_run(text)
        run.bold = STRONG in styles or None
        run.italic = EMPHASIS in styles or None
        if CODE in styles:
            run.font.name = "Consolas"
        self._tag_run(run, paragraph)
        return run

    def _tag_run(self, run: Run, paragraph: Paragraph) -> None:
        """Language on every run; in an RTL letter also the script's font, its size and ``w:rtl``.

        Word sizes complex-script text with ``szCs``, not ``sz``: without it,
        Arabic in a heading would come out at body size. ``w:rtl`` goes on runs
        that hold right-to-left letters only: the standard leaves it undefined
        on purely Latin text (an organisation's name), which the ``w:bidi``
        paragraph already places correctly.
        """
        rpr = run._r.get_or_add_rPr()
        if self.rtl:
            child(rpr, "rFonts", RPR_ORDER, {"cs": COMPLEX_SCRIPT_FONT})
            size = self._style_size(paragraph.style)
            child(rpr, "szCs", RPR_ORDER, {"val": _half_points(size)})
            if has_right_to_left_text(run.text):
                child(rpr, "rtl", RPR_ORDER)
        set_lang(rpr, self.lang)

    def _style_size(self, style: Any) -> float:
        """The font size (pt) a paragraph style resolves to, following ``basedOn`` then the defaults."""
        from docx.oxml.ns import qn

        seen = 0
        while style is not None and seen < 20:
            if style.font.size is not None:
                return style.font.size.pt
            style, seen = style.base_style, seen + 1
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        size = None if defaults is None else defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
        if size is not None and (size.get(qn("w:val")) or "").isdigit():
            return int(size.get(qn("w:val"))) / 2
        return BODY_SIZE_PT

    def _paragraph_style(self, name: str, heading: int = 0) -> str:
        """``name`` if the document has it, else a plain stand-in created once.

        A letterhead saved by Word lists Heading and List styles only as
        "latent" until they are used, so python-docx cannot find them.
        """
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt

        if self._style(name) is not None:
            return name
        stand_in = f"Polyletter {name}"
        if self._style(stand_in) is None:
            style = self.document.styles.add_style(stand_in, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self._style("Normal")
            if heading:
                style.font.bold = True
                style.font.size = Pt(max(BODY_SIZE_PT, 16 - 2 * (heading - 1)))
                style.paragraph_format.keep_with_next = True
                style.paragraph_format.space_before = Pt(12)
            else:
                style.paragraph_format.left_indent = Pt(18)
                style.paragraph_format.space_after = Pt(2)
        return stand_in

    def _text_width(self) -> int:
        """The width between the margins (EMU), where the table goes."""
        from docx.shared import Mm

        section = self.document.sections[-1]
        width = section.page_width or Mm(PAGE_SIZES_MM["A4"][0])
        left = section.left_margin if section.left_margin is not None else Mm(MARGIN_MM)
        right = section.right_margin if section.right_margin is not None else Mm(MARGIN_MM)
        return max(int(width - left - right), int(Mm(80)))

    def _table_properties(self, table: Table, total: int) -> None:
        """Fixed widths, light rules between rows, no vertical lines; mirrored for RTL."""
        from docx.enum.table import WD_TABLE_DIRECTION

        tblpr = table._tbl.tblPr
        table.autofit = False
        if self.rtl:
            table.table_direction = WD_TABLE_DIRECTION.RTL  # w:bidiVisual
        child(tblpr, "tblW", TBLPR_ORDER, {"w": str(total // 635), "type": "dxa"})
        borders = child(tblpr, "tblBorders", TBLPR_ORDER)
        for side in BORDER_ORDER:
            light = side in ("bottom", "insideH")
            child(borders, side, BORDER_ORDER, _LINE_LIGHT if light else _NO_LINE)
        margins = child(tblpr, "tblCellMar", TBLPR_ORDER)
        for side, twips in (("top", 29), ("left", 57), ("bottom", 29), ("right", 57)):
            child(margins, side, BORDER_ORDER, {"w": str(twips), "type": "dxa"})


_NO_LINE = {"val": "nil"}
_LINE_LIGHT = {"val": "single", "sz": "4", "space": "0", "color": "D9D9D9"}
_LINE_HEAVY = {"val": "single", "sz": "8", "space": "0", "color": "808080"}


def _pieces(plain: str, spans: Sequence[Span]) -> list[tuple[str, tuple[Span, ...]]]:
    """The line cut where formatting changes: (text, the spans over it, outermost first)."""
    cuts = sorted({0, len(plain), *(s.start for s in spans), *(s.end for s in spans)})
    out = []
    for start, end in itertools.pairwise(cuts):
        if start < end:
            out.append((plain[start:end], tuple(s for s in spans if s.start <= start and end <= s.end)))
    return out


def _table_labels(blocks: Sequence[Block], lang: str) -> tuple[str, str]:
    """The column titles: the letter's own header row where it has one, else the language's."""
    for block in blocks:
        for marker, line in zip(block.markers, block.lines, strict=True):
            if marker == TABLE_HEADER:
                cells = [cell.strip() for cell in line.split(" | ")]
                return (cells[0], cells[1] if len(cells) > 1 else "")
    return signatory_labels(lang)


def _groups(blocks: Sequence[Block]) -> Iterator[list[Block]]:
    """Blocks one by one, except that consecutive signatories blocks come together."""
    group: list[Block] = []
    for block in blocks:
        if block.kind is BlockKind.SIGNATORIES and group and group[-1].kind is BlockKind.SIGNATORIES:
            group.append(block)
            continue
        if group:
            yield group
        group = [block]
    if group:
        yield group


# --------------------------------------------------------------------------
# Core properties
# --------------------------------------------------------------------------


def _core_properties(document: Document, lang: str, info: DocxInfo) -> None:
    """Title, language and provenance; dates from the commit so the bytes are reproducible."""
    from polyletter.ooxml.package import ZIP_EPOCH

    props = document.core_properties
    when = info.commit_date or ZIP_EPOCH
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    props.title = info.title
    props.language = lang.replace("_", "-")
    props.identifier = info.commit or ""
    props.comments = info.comment
    props.created = when
    props.modified = when
    props.last_modified_by = "polyletter"
    props.revision = 1
    if info.template is None:
        props.author = "polyletter"
