"""Word (.docx) files: opened safely, and read into the document model.

Two jobs, shared by ``polyletter import`` (a master letter written in Word)
and ``polyletter review import`` (a partner's corrected review table):

:func:`open_docx` opens an untrusted file. Partners send Word files by mail,
so before python-docx sees one it must be a zip of sane size (at most
:data:`MAX_DOCX_BYTES`; no XML part over :data:`MAX_XML_PART_BYTES`
uncompressed, :data:`MAX_UNPACKED_BYTES` in all, so a zip bomb is refused
from its directory without being inflated) whose XML parts carry no
``<!DOCTYPE``/``<!ENTITY`` (no entity expansion, no external entities: Office
never writes a DTD). Every refusal is one line naming the file and why.

:func:`paragraph_text` reads a paragraph as Word shows it: tracked insertions
count and tracked deletions do not (a file is read as if every change were
accepted, since partners often edit with Track Changes on), hidden runs and
field codes are skipped, a line break (Shift+Enter) is ``"\\n"``. python-docx's
own ``Paragraph.text`` would drop text inside ``w:ins``.

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
:func:`polyletter.readers.markdown.classify`, exactly as for Markdown, so a
letter gets the same block ids whichever format it was written in. Headers,
footers, footnotes, comments and text boxes are not part of the letter.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from polyletter.document.letter import Letter
from polyletter.errors import InputFormatError
from polyletter.readers.markdown import RawBlock, classify

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

MAX_DOCX_BYTES = 20 * 1024 * 1024
"""A letter, even with a letterhead image, is well under 1 MB; 20 MB is surely the wrong file."""
MAX_XML_PART_BYTES = 16 * 1024 * 1024
"""Uncompressed size of any one XML part (``word/document.xml`` of a 40-page letter is ~1 MB)."""
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""Uncompressed size of all parts together: what python-docx would hold in memory."""
MAX_PARTS = 2000

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAX_JOINED_LINE = 120
"""Longer paragraphs are prose and never merged with their neighbours (as ``classify`` treats them)."""

_BINARY_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg")
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!doctype", "<!entity")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_FALSE = ("0", "false", "off")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPACES = re.compile(r"[ \t\r\f\v]+")
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


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag: ``w("p")`` is ``{...main}p``."""
    return f"{{{W_NS}}}{tag}"


# --------------------------------------------------------------------------
# Opening an untrusted DOCX
# --------------------------------------------------------------------------


def open_docx(path: Path, *, what: str = "Word file") -> DocxDocument:
    """The python-docx Document of ``path``, after the size and DTD checks described above.

    Anything python-docx itself trips over (a damaged part, a macro-enabled
    file, a package without a main document) is a one-line
    :class:`InputFormatError` too: this is untrusted input, not a bug.
    """
    check_docx_package(path, what=what)
    import docx

    try:
        return docx.Document(str(path))
    except Exception as err:  # any parser failure on untrusted input is the file's fault, not a bug
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InputFormatError(
            f"cannot be opened as a Word document ({reason[:160]})",
            path=path,
            hint="Open it in Word or LibreOffice and save it again as .docx.",
        ) from None


def check_docx_package(path: Path, *, what: str = "Word file") -> None:
    """Refuse a file that is not a reasonable, DTD-free .docx package; inflate nothing big."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputFormatError(f"{what} is not a file", path=path)
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise InputFormatError(f"{what} not found", path=path) from None
    except OSError as err:
        raise InputFormatError(f"cannot read {what}: {err.strerror or err}", path=path) from None
    if size > MAX_DOCX_BYTES:
        raise InputFormatError(
            f"{what} is {size / 1_048_576:.1f} MB, over the {MAX_DOCX_BYTES // 1_048_576} MB limit",
            path=path,
            hint="Is this the right file? Remove large images, or save the text alone as .docx.",
        )
    hint = "Save it from Word or LibreOffice as a Word document (.docx)."
    if head == _OLE_MAGIC:
        raise InputFormatError(
            "is an old Word 97-2003 (.doc) or password-protected file, not a .docx", path=path, hint=hint
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise InputFormatError(
            "is not a Word document (.docx): not a zip archive", path=path, hint=hint
        ) from None
    with archive:
        _check_members(path, archive, hint)


def _check_members(path: Path, archive: zipfile.ZipFile, hint: str) -> None:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        kind = "an OpenDocument file" if "mimetype" in names else "a zip archive"
        raise InputFormatError(
            f"is not a Word document (.docx): {kind} without word/document.xml", path=path, hint=hint
        )
    if len(infos) > MAX_PARTS:
        raise InputFormatError(f"has {len(infos)} parts, over the limit of {MAX_PARTS}", path=path, hint=hint)
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED_BYTES:
        raise InputFormatError(
            f"would unpack to {total / 1_048_576:.0f} MB, over the {MAX_UNPACKED_BYTES // 1_048_576} MB limit"
            " (a zip bomb?)",
            path=path,
            hint=hint,
        )
    declared = _declared_xml(archive, names)
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputFormatError(f"{info.filename} is encrypted", path=path, hint=hint)
        if not _is_xml_part(info.filename, declared):
            continue
        if info.file_size > MAX_XML_PART_BYTES:
            raise InputFormatError(
                f"{info.filename} unpacks to {info.file_size / 1_048_576:.0f} MB, over the "
                f"{MAX_XML_PART_BYTES // 1_048_576} MB limit for one part (a zip bomb?)",
                path=path,
                hint=hint,
            )
        if _has_dtd(archive, info):
            raise InputFormatError(
                f"{info.filename} declares a DOCTYPE or XML entities, which Word never writes;"
                " refused as unsafe (entity expansion)",
                path=path,
                hint="Ask the sender for the file as saved by Word or LibreOffice.",
            )


def _is_xml_part(name: str, declared: dict[str, bool]) -> bool:
    """Whether a part is XML a parser will read: by name, or as [Content_Types].xml declares it."""
    lower = name.lower()
    if lower.endswith((".xml", ".rels")):
        return True
    if lower.endswith(_BINARY_SUFFIXES) or name.endswith("/"):
        return False
    return declared.get("/" + name, declared.get(PurePosixPath(lower).suffix, False))


def _declared_xml(archive: zipfile.ZipFile, names: set[str]) -> dict[str, bool]:
    """Part names and extensions that ``[Content_Types].xml`` says are XML (svg excepted).

    ``[Content_Types].xml`` is parsed only when it is small and carries no DTD
    (otherwise the member loop refuses the file for it), so a plain
    ElementTree parse is safe here.
    """
    found: dict[str, bool] = {}
    if "[Content_Types].xml" not in names:
        return found
    import xml.etree.ElementTree as ET

    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > MAX_XML_PART_BYTES or _has_dtd(archive, info):
        return found
    try:
        root = ET.fromstring(archive.read(info))
    except (ET.ParseError, zipfile.BadZipFile, OSError, EOFError):
        return found
    for item in root:
        content_type = (item.get("ContentType") or "").lower()
        xml = content_type.endswith("xml") and "svg" not in content_type
        if item.get("Extension") is not None:
            found["." + (item.get("Extension") or "").lower()] = xml
        elif item.get("PartName") is not None:
            found[item.get("PartName") or ""] = xml
    return found


def _has_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Stream a part (its size already bounded) looking for a DTD in any Unicode encoding."""
    overlap = max(len(m) for m in _DTD_MARKERS)
    tail = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 16):
                window = (tail + chunk).lower()
                if any(marker in window for marker in _DTD_MARKERS):
                    return True
                tail = window[-overlap:]
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        raise InputFormatError(
            f"{info.filename} is damaged (the zip archive does not unpack)",
            path=Path(archive.filename or "?"),
            hint="Open it in Word or LibreOffice and save it again as .docx.",
        ) from None
    return False


# --------------------------------------------------------------------------
# Text as Word shows it
# --------------------------------------------------------------------------


def normalize_line(text: str) -> str:
    """One line as polyletter compares and stores it: NFC, runs of spaces/tabs as one, trimmed.

    No-break spaces are kept (French puts one before ``:``), as the Markdown
    reader keeps them inside a line.
    """
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def paragraph_text(p: Any) -> str:
    """The visible text of a ``w:p`` element, line breaks as ``"\\n"`` (see module docstring)."""
    parts: list[str] = []
    for run in p.iter(w("r")):
        if not _counts(run, p):
            continue
        for child in run:
            tag = child.tag
            if tag == w("t"):
                parts.append(child.text or "")
            elif tag == w("br"):
                parts.append("" if child.get(w("type")) in ("page", "column") else "\n")
            elif tag == w("cr"):
                parts.append("\n")
            elif tag in (w("tab"), w("ptab")):
                parts.append("\t")
            elif tag == w("noBreakHyphen"):
                parts.append("\u2011")
    return "".join(parts)


def _counts(run: Any, p: Any) -> bool:
    """A run counts unless deleted, moved away, hidden, or inside a text box nested in ``p``."""
    rpr = run.find(w("rPr"))
    if rpr is not None:
        vanish = rpr.find(w("vanish"))
        if vanish is not None and vanish.get(w("val"), "true") not in ("0", "false", "off"):
            return False
    node = run.getparent()
    while node is not None and node is not p:
        if node.tag in (w("del"), w("moveFrom"), w("p")):
            return False
        node = node.getparent()
    return True


def text_lines(text: str) -> list[str]:
    """Normalized non-empty lines of a text (empty lines dropped)."""
    return [line for line in (normalize_line(part) for part in text.split("\n")) if line]


def cell_lines(tc: Any) -> list[str]:
    """The lines of a table cell: every paragraph (content controls included), every line break."""
    lines: list[str] = []
    for p in tc.iter(w("p")):
        if _nested_in_other_table(p, tc):
            continue
        lines += text_lines(paragraph_text(p))
    return lines


def _nested_in_other_table(p: Any, tc: Any) -> bool:
    node = p.getparent()
    while node is not None and node is not tc:
        if node.tag == w("tc"):
            return True
        node = node.getparent()
    return False


def _paragraph_mark_deleted(p: Any) -> bool:
    mark = p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}")
    return mark is not None


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
    return Letter(blocks=tuple(classify(raw, lang)), lang=lang, meta={"title": title} if title else {})


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

        if _paragraph_mark_deleted(p) and not text_lines(paragraph_text(p)):
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
            self.blocks.append(RawBlock(tuple(lines), ("",) * len(lines), number))

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
    if header is not None and header.get(w("val"), "true") not in _FALSE:
        return True
    if all(c.casefold() in _HEADER_WORDS for c in cells):
        return True
    runs = [r for r in tr.iter(w("r")) if "".join(t.text or "" for t in r.iter(w("t"))).strip()]
    return bool(runs) and all(_on(r.find(f"{w('rPr')}/{w('b')}")) for r in runs)


def _on(toggle: Any) -> bool:
    """A WordprocessingML on/off property: present and not switched off."""
    return toggle is not None and toggle.get(w("val"), "true") not in _FALSE


def iter_body(container: Any) -> Iterator[Any]:
    """``w:p`` and ``w:tbl`` elements of a body in order, looking inside content controls."""
    for child in container:
        if child.tag in (w("p"), w("tbl")):
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from iter_body(content)
        elif child.tag == w("customXml"):
            yield from iter_body(child)


def _raw_blocks(document: DocxDocument) -> list[RawBlock]:
    reader = _Reader(document)
    for number, element in enumerate(iter_body(document.element.body), start=1):
        if element.tag == w("p"):
            reader.paragraph(element, number)
        else:
            reader.table(element, number)
    reader.close()
    return reader.blocks
