"""Bilingual review files: a Word table a partner corrects, and the corrections back into Git.

``polyletter review export LETTER --lang fr`` writes one table, one row per
block of the master: id | source | translation | status/notes, under English
instructions. ``polyletter review import FILE --reviewer NAME`` reads it back
and records every translation the partner changed as reviewed by NAME, in one
commit. Partners work in Word or LibreOffice, so the file is plain Word: no
macros, no locked regions that an old Word or LibreOffice would mishandle.
The id and source cells are shaded and marked read-only in the header and the
instructions; import enforces it instead, by checking them against the master.

What the file records about itself, so an import can check it belongs here:
core properties ``identifier`` = ``polyletter-review:<letter>:<lang>``,
``keywords``/``subject``/``comments`` naming the letter, the language and the
master's git blob; the languages again in the header row; and custom document
properties (``docProps/custom.xml``, kept by Word and LibreOffice) with the
letter, the language, the master blob and a fingerprint of each exported
translation.

Decisions, as a Weblate or po4a user would expect them:

- A row counts as changed when the partner changed it: its text is compared
  with the fingerprint of what was exported, not with the PO of today. A
  translation corrected in Git after the export is therefore not reverted by
  a row the partner left alone. When both changed the same block, the
  partner's text wins (it is the newest human decision, and Git keeps the
  other); the commit body lists those blocks. A file whose fingerprints were
  stripped falls back to comparing with the PO.
- Text is compared line by line after normalisation (NFC, runs of spaces as
  one, trimmed): Word re-flowing a cell is no change. Tracked changes are read
  as accepted; comments are ignored. A paragraph break (Enter) inside a cell
  counts as a line break; a heading's lines join into one.
- An emptied cell changes nothing (it is reported): an empty ``msgstr`` means
  "untranslated", never what a reviewer meant.
- An unchanged row stays as it is, even one flagged "needs review".
- The review is refused (one line naming the file and why, nothing written)
  when the file is not a sane DOCX (see :mod:`polyletter.readers.docx`), has
  no review table, belongs to another letter or language or to none this
  workspace has, when its ids are missing, duplicated, unknown or reordered,
  or when a source cell differs from the master block it claims.
- Corrections go on top of a language version that is in step with its
  master. When the master changed since the version was last translated, the
  import stops and asks for ``polyletter translate`` first (the same file
  can then be imported: the fingerprints keep the partner's rows apart).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from polyletter.document.languages import is_right_to_left, language_name, locale_for
from polyletter.document.letter import Block, BlockKind, Letter
from polyletter.errors import (
    ConfigError,
    LetterNotFoundError,
    PolyletterError,
    ReviewFileError,
    WorkspaceStateError,
)
from polyletter.readers import read_letter
from polyletter.readers.docx import cell_lines, iter_body, open_docx, text_lines, w
from polyletter.readers.markdown import split_blocks
from polyletter.store import history, trailers
from polyletter.store.catalog import Entry, parse_catalog
from polyletter.store.fileio import sweep_temp_files, write_atomic, write_if_changed
from polyletter.store.lock import workspace_lock
from polyletter.store.versions import (
    LanguageVersion,
    digest,
    load_version,
    render_version,
    require_version,
    stamp,
)
from polyletter.store.workspace import Workspace
from polyletter.writers.markdown import render_block

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell

    from polyletter.qa.checks import QAFinding

IDENTIFIER_PREFIX = "polyletter-review"
COLUMNS = ("Id", "Source", "Translation", "Status / notes")
"""What each header cell starts with, in order; import matches on these words."""
COLUMN_SHARES = (0.11, 0.345, 0.345, 0.20)
READ_ONLY_FILL = "E7E6E6"
HEADER_FILL = "BFBFBF"
NOTES_COLOUR = (0x59, 0x59, 0x59)
MARGIN_MM = 15.0
MAX_REVIEWER_CHARS = 200

_PROPERTY_LETTER = "polyletter-letter"
_PROPERTY_LANG = "polyletter-lang"
_PROPERTY_BLOB = "polyletter-master-blob"
_PROPERTY_BASE = "polyletter-base:"
"""Custom property per block: ``polyletter-base:<block id>`` = digest of the exported translation.
One property per block because Word keeps text properties up to 255 characters."""
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_IDENTIFIER = re.compile(rf"^{IDENTIFIER_PREFIX}:(?P<letter>[^:\s]+):(?P<lang>[^:\s]+)$")
_HEADER_LANG = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*)\b")
_EMAIL_AUTHOR = re.compile(r"^[^<>]+<[^<>@\s]+@[^<>\s]+>$")

# Schema order of the elements inserted below (ECMA-376 part 1, 17.3 and 17.4).
_RPR_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_PPR_AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_PPR_AFTER_RPR = ("w:sectPr", "w:pPrChange")
_TCPR_AFTER_SHD = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)


@dataclass
class ReviewResult:
    """What ``review import`` did: the blocks it changed and the commit that records them."""

    letter: str
    lang: str
    reviewer: str
    path: Path
    changed: list[str] = field(default_factory=list)
    """Blocks whose translation the reviewer changed, now ``origin: review``."""
    overridden: list[str] = field(default_factory=list)
    """Changed blocks that had also changed in the workspace since the export."""
    emptied: list[str] = field(default_factory=list)
    """Rows whose translation cell came back empty: left as they were."""
    human_edits: list[str] = field(default_factory=list)
    """Hand edits waiting in the PO or Markdown, folded into the same commit."""
    files_written: list[Path] = field(default_factory=list)
    commit: str | None = None


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def export_review(ws: Workspace, letter: str, lang: str, *, output: Path | None = None) -> Path:
    """Write the bilingual review DOCX of one language version; returns its path.

    ``output`` defaults to ``exports/<letter>.<lang>.review.docx``. Hand edits
    waiting in the PO or Markdown are shown as they are (folded in memory,
    nothing in the workspace changes), so the partner reviews the latest text.
    """
    with workspace_lock(ws):
        name, master, version = _version(ws, letter, lang)
        data = _render(ws, name, master, version)
        path = Path(output) if output else ws.exports / f"{name}.{lang}.review.docx"
        write_atomic(path, data)
    return path


def _version(ws: Workspace, letter: str, lang: str) -> tuple[str, Letter, LanguageVersion]:
    """The letter's name, its master and the language version with pending hand edits folded."""
    name = ws.letter_name(letter)
    locale_for(lang)
    source = ws.config.source
    if lang == source:
        raise ConfigError(
            f"{lang} is the language of the master itself; a review file pairs it with a translation",
            hint="Pass the language to review, e.g. --lang fr.",
        )
    master = read_letter(ws.master_path(name), source)
    require_version(ws, name, lang)
    version = load_version(ws, name, lang, editor=functools.partial(history.editor_of, ws.root))
    return name, master, version


def _render(ws: Workspace, name: str, master: Letter, version: LanguageVersion) -> bytes:
    """The review DOCX: heading, instructions, one table, and properties that say what it is for.

    The page is landscape because the source and translation columns each need
    the width of a letter's body text; the header row repeats on every page
    because a 40-signatory letter runs to several.
    """
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt, RGBColor

    from polyletter.glossary.workspace import workspace_glossary
    from polyletter.qa.checks import check_version

    source, lang = master.lang, version.lang
    master_path = ws.master_path(name)
    master_rel = ws.rel(master_path)
    blob = history.blob_id(ws.root, master_path)
    head = history.head(ws.root)
    findings = check_version(master, version.entries, workspace_glossary(ws), source, lang)
    by_block: dict[str, list[QAFinding]] = {}
    for finding in findings:
        by_block.setdefault(finding.block_id, []).append(finding)

    document = docx.Document()
    section = document.sections[0]
    short, long = (210.0, 297.0) if ws.config.page_size == "A4" else (215.9, 279.4)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(long), Mm(short)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    _tag_language(normal.element.get_or_add_rPr(), "en")

    title = str(master.meta.get("title") or name)
    target_name, source_name = language_name(lang), language_name(source)
    document.add_heading(f"Review of “{title}”: {source_name} → {target_name}", level=1)
    for text in _instructions(source_name, target_name):
        paragraph = document.add_paragraph(text, style="List Bullet")
        paragraph.paragraph_format.space_after = Pt(2)
    origin = f"commit {head[:12]}" if head else "files not yet committed"
    about = document.add_paragraph()
    note = about.add_run(
        f"Letter {name}, master {master_rel} (blob {blob[:12]}), {lang} version as of {origin}. "
        f"{len(master.blocks)} rows."
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
    _append(header._tr.get_or_add_trPr(), "w:tblHeader")
    for cell, text, width in zip(header.cells, headers, widths, strict=True):
        _fill(cell, [text], width=width, lang="en", bold=True, fill=HEADER_FILL)

    rtl = is_right_to_left(lang)
    bases: dict[str, str] = {}
    for block in master.blocks:
        entry = version.entries.get(block.id)
        shown = _shown(block, entry)
        bases[block.id] = digest("\n".join(shown))
        row = table.add_row()
        id_cell, source_cell, translation_cell, notes_cell = row.cells
        _fill(id_cell, [block.id], width=widths[0], lang="en", fill=READ_ONLY_FILL)
        _fill(source_cell, list(block.lines), width=widths[1], lang=source, fill=READ_ONLY_FILL)
        _fill(translation_cell, shown, width=widths[2], lang=lang, rtl=rtl)
        notes = _status(block, entry, by_block.get(block.id, []), version)
        _fill(notes_cell, notes, width=widths[3], lang="en", size=Pt(8), colour=RGBColor(*NOTES_COLOUR))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width

    props = document.core_properties
    props.title = f"{title} ({lang} review)"
    props.subject = f"Review of {name}: {source} -> {lang}"
    props.identifier = f"{IDENTIFIER_PREFIX}:{name}:{lang}"
    props.keywords = f"polyletter review; letter {name}; language {lang}; master blob {blob}"
    props.comments = (
        f"polyletter review file for {name} ({source} -> {lang}). Master {master_rel} blob {blob}; "
        f"built from {origin}. Edit only the Translation column."
    )
    props.category = "polyletter review"
    props.language = lang.replace("_", "-")
    props.author = "polyletter"
    props.last_modified_by = "polyletter"
    props.created = props.modified = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    custom = {_PROPERTY_LETTER: name, _PROPERTY_LANG: lang, _PROPERTY_BLOB: blob}
    custom.update({f"{_PROPERTY_BASE}{block_id}": value for block_id, value in bases.items()})
    _write_custom_properties(document, custom)
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


def _shown(block: Block, entry: Entry | None) -> list[str]:
    """The translation as the cell shows it: normalized lines (a heading is one line)."""
    lines = text_lines(entry.translation) if entry else []
    return [" ".join(lines)] if block.kind is BlockKind.HEADING and lines else lines


def _status(
    block: Block, entry: Entry | None, findings: Sequence[QAFinding], version: LanguageVersion
) -> list[str]:
    """Where a translation comes from, and what QA found, one note per line."""
    if entry is None or not entry.translation:
        notes = ["not translated yet"]
    else:
        prov = entry.provenance
        origin = entry.origin or "unknown"
        if origin == "machine":
            notes = [f"machine ({prov.get('engine', 'engine unknown')})"]
        elif origin == "locale":
            notes = ["locale (date or countries from CLDR)"]
        elif origin in ("human", "review"):
            by = prov.get("by", "unknown")
            when = f", {prov['date']}" if prov.get("date") else ""
            label = "human" if origin == "human" else "reviewed"
            notes = [f"{label} (by {by}{when})"]
        else:
            notes = [origin]
        if block.id in version.folded:
            notes.append("hand edit not yet committed")
    for finding in findings:
        label = "NEEDS REVIEW" if finding.check == "needs-review" else finding.check
        notes.append(f"{label}: {finding.message}")
    return notes


def _fill(
    cell: _Cell,
    lines: Sequence[str],
    *,
    width: int,
    lang: str,
    rtl: bool = False,
    bold: bool = False,
    fill: str | None = None,
    size: Any = None,
    colour: Any = None,
) -> None:
    """One paragraph per cell, its lines separated by line breaks, every run language-tagged.

    The paragraph mark is tagged too, so text a partner types into an empty
    cell gets the cell's language (and direction) for spell-checking.
    """
    cell.width = width
    paragraph = cell.paragraphs[0]
    ppr = paragraph._p.get_or_add_pPr()
    if rtl:
        _put(ppr, "w:bidi", _PPR_AFTER_BIDI)
    mark = _put(ppr, "w:rPr", _PPR_AFTER_RPR)
    if rtl:
        _put(mark, "w:rtl", _RPR_AFTER_RTL)
    _tag_language(mark, lang)
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold or None
        if size is not None:
            run.font.size = size
        if colour is not None:
            run.font.color.rgb = colour
        rpr = run._r.get_or_add_rPr()
        if rtl:
            _put(rpr, "w:rtl", _RPR_AFTER_RTL)
        _tag_language(rpr, lang)
        if number < len(lines) - 1:
            run.add_break()
    if fill:
        _put(
            cell._tc.get_or_add_tcPr(),
            "w:shd",
            _TCPR_AFTER_SHD,
            {"w:val": "clear", "w:color": "auto", "w:fill": fill},
        )


def _tag_language(rpr: Any, lang: str) -> None:
    """``w:lang``: the spell-checking and hyphenation language of a run (all three script slots)."""
    tag = lang.replace("_", "-")
    _put(rpr, "w:lang", _RPR_AFTER_LANG, {"w:val": tag, "w:eastAsia": tag, "w:bidi": tag})


def _put(parent: Any, tag: str, successors: Sequence[str], attrs: Mapping[str, str] | None = None) -> Any:
    """The ``tag`` child of ``parent`` (created in schema order when absent), with ``attrs`` set."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    child = parent.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        parent.insert_element_before(child, *successors)
    for key, value in (attrs or {}).items():
        child.set(qn(key), value)
    return child


def _append(parent: Any, tag: str) -> None:
    """Add an empty ``tag`` child unless there is one (for children whose order is free)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if parent.find(qn(tag)) is None:
        parent.append(OxmlElement(tag))


def _write_custom_properties(document: DocxDocument, values: Mapping[str, str]) -> None:
    """``docProps/custom.xml``: the document properties Word shows under File > Properties > Custom."""
    from xml.sax.saxutils import escape, quoteattr

    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    items = "".join(
        f'<property fmtid="{_CUSTOM_FMTID}" pid="{pid}" name={quoteattr(key)}>'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (key, value) in enumerate(values.items(), start=2)
    )
    blob = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{items}</Properties>'
    ).encode()
    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CONTENT_TYPE.OFC_CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


def _read_custom_properties(document: DocxDocument) -> dict[str, str]:
    """Custom document properties as text; {} when the file has none (or they are unreadable)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from lxml import etree

    for rel in document.part.package.rels.values():
        if rel.is_external or rel.reltype != RELATIONSHIP_TYPE.CUSTOM_PROPERTIES:
            continue
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            root = etree.fromstring(rel.target_part.blob, parser)
        except (etree.XMLSyntaxError, ValueError, TypeError):
            return {}
        values: dict[str, str] = {}
        for item in root.iter(f"{{{_CUSTOM_NS}}}property"):
            name = item.get("name")
            value = "".join(item.itertext()).strip()
            if name:
                values[name] = value
        return values
    return {}


# --------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    """What the file says it is: letter, language, the master blob and per-block fingerprints."""

    letter: str
    lang: str
    blob: str
    bases: dict[str, str]


@dataclass(frozen=True)
class _Row:
    number: int
    """1-based row of the table, the header being row 1 (what Word users count)."""
    block_id: str
    source: list[str]
    translation: list[str]


def import_review(
    ws: Workspace,
    path: Path | str,
    *,
    reviewer: str,
    letter: str | None = None,
    lang: str | None = None,
) -> ReviewResult:
    """Apply a partner's corrected review file to the PO and Markdown, in one commit.

    The file says which letter and language it belongs to; ``letter`` and
    ``lang``, when given, must agree. Everything is checked before anything is
    written; an import that changes nothing makes no commit. See the module
    docstring for what counts as a change.
    """
    path = Path(path)
    who = _check_reviewer(reviewer)
    with workspace_lock(ws):
        document = open_docx(path, what="review file")
        claim = _claim(document, path)
        sweep_temp_files(ws.po_path(claim.letter, claim.lang).parent)  # a killed run's debris
        rows, header_lang = _rows(document, path)
        if header_lang and header_lang != claim.lang:
            raise ReviewFileError(
                f"its properties say {claim.lang} but its header row says {header_lang}",
                path=path,
                hint="Export a fresh review file.",
            )
        if (letter and letter != claim.letter) or (lang and lang != claim.lang):
            raise ReviewFileError(
                f"belongs to {claim.letter} ({claim.lang}),"
                f" not {letter or claim.letter} ({lang or claim.lang})",
                path=path,
                hint="Check that this is the file you meant.",
            )
        name, master, version = _target(ws, claim, path)
        _check_rows(ws, name, rows, master, claim, path)
        return _apply(ws, path, who, name, master, version, rows, claim)


def _check_reviewer(reviewer: str) -> str:
    who = (reviewer or "").strip()
    if not who or len(who) > MAX_REVIEWER_CHARS or any(ord(ch) < 32 or ord(ch) == 127 for ch in who):
        raise PolyletterError(
            f"{reviewer!r} is not a reviewer name",
            hint='Pass --reviewer "Name" or "Name <email>", on one line.',
        )
    return who


def _claim(document: DocxDocument, path: Path) -> _Claim:
    """Letter and language from the core identifier, else the custom properties; both must agree."""
    custom = _read_custom_properties(document)
    identifier = (document.core_properties.identifier or "").strip()
    match = _IDENTIFIER.match(identifier)
    from_core = (match["letter"], match["lang"]) if match else None
    from_custom = (custom.get(_PROPERTY_LETTER, ""), custom.get(_PROPERTY_LANG, ""))
    if from_core is None and not all(from_custom):
        raise ReviewFileError(
            "is not a polyletter review file (its properties do not say which letter and language it is for)",
            path=path,
            hint="Export one with `polyletter review export LETTER --lang xx` and send that to the reviewer.",
        )
    if from_core and all(from_custom) and from_core != from_custom:
        raise ReviewFileError(
            f"its properties disagree: identifier says {from_core[0]} ({from_core[1]}), "
            f"custom properties say {from_custom[0]} ({from_custom[1]})",
            path=path,
            hint="Export a fresh review file.",
        )
    letter, lang = from_core or from_custom
    bases = {
        key.removeprefix(_PROPERTY_BASE): value
        for key, value in custom.items()
        if key.startswith(_PROPERTY_BASE)
    }
    return _Claim(letter, lang, custom.get(_PROPERTY_BLOB, ""), bases)


def _rows(document: DocxDocument, path: Path) -> tuple[list[_Row], str | None]:
    """The rows of the one review table, and the language its header names."""
    tables = [element for element in iter_body(document.element.body) if element.tag == w("tbl")]
    if not tables:
        raise ReviewFileError(
            "has no table, so no review rows",
            path=path,
            hint="Send back the review file itself, with its table (only the Translation column edited).",
        )
    found = []
    for tbl in tables:
        first = tbl.find(w("tr"))
        if first is None:
            continue
        cells = [" ".join(cell_lines(tc)) for tc in first.findall(w("tc"))]
        if len(cells) == len(COLUMNS) and all(
            cell.casefold().startswith(word.casefold()) for cell, word in zip(cells, COLUMNS, strict=True)
        ):
            found.append((tbl, cells))
    if not found:
        raise ReviewFileError(
            f"has no review table: the first row of its table should read {' | '.join(COLUMNS)}",
            path=path,
            hint="Do not change the header row; export a fresh review file if it is lost.",
        )
    if len(found) > 1:
        raise ReviewFileError(
            f"has {len(found)} review tables where it should have one",
            path=path,
            hint="Keep the table as exported (do not split it).",
        )
    tbl, header = found[0]
    lang_match = _HEADER_LANG.search(header[2])
    rows: list[_Row] = []
    for number, tr in enumerate(tbl.findall(w("tr"))[1:], start=2):
        tcs = tr.findall(w("tc"))
        texts = [cell_lines(tc) for tc in tcs]
        if not any(texts):
            continue  # an empty row (Tab in the last cell adds one): nothing to read
        merged = any(
            tc.find(f"{w('tcPr')}/{w('vMerge')}") is not None
            or tc.find(f"{w('tcPr')}/{w('gridSpan')}") is not None
            for tc in tcs
        )
        if len(tcs) != len(COLUMNS) or merged:
            raise ReviewFileError(
                f"table row {number} has merged cells"
                if merged
                else f"table row {number} has {len(tcs)} cells instead of {len(COLUMNS)}",
                path=path,
                hint="Keep one row per block with its four cells; do not merge or split cells.",
            )
        rows.append(_Row(number, " ".join(texts[0]), texts[1], texts[2]))
    return rows, lang_match[1] if lang_match else None


def _target(ws: Workspace, claim: _Claim, path: Path) -> tuple[str, Letter, LanguageVersion]:
    """The letter and version the file claims, as this workspace has them; or a refusal naming the file."""
    try:
        name = ws.letter_name(claim.letter)
        master_path = ws.master_path(name)
    except LetterNotFoundError:
        raise ReviewFileError(
            f"belongs to letter {claim.letter!r}, which this workspace does not have",
            path=path,
            hint="Import it in the workspace it was exported from.",
        ) from None
    try:
        locale_for(claim.lang)
    except ConfigError:
        raise ReviewFileError(
            f"belongs to language {claim.lang!r}, which is not a language code", path=path
        ) from None
    if claim.lang == ws.config.source:
        raise ReviewFileError(
            f"belongs to {claim.lang}, the language of the master itself",
            path=path,
            hint="Export a fresh review file.",
        )
    if not ws.po_path(name, claim.lang).exists():
        raise ReviewFileError(
            f"belongs to {name} ({claim.lang}), but this workspace has no {claim.lang} version of it",
            path=path,
            hint=f"Run `polyletter translate {name} --to {claim.lang}` first,"
            " or import it where it came from.",
        )
    master = read_letter(master_path, ws.config.source)
    version = load_version(ws, name, claim.lang, editor=functools.partial(history.editor_of, ws.root))
    return name, master, version


def _check_rows(
    ws: Workspace, name: str, rows: list[_Row], master: Letter, claim: _Claim, path: Path
) -> None:
    """Ids present once each, known, in the master's order; source cells equal to their blocks."""
    fresh = f"Export a fresh review file with `polyletter review export {name} --lang {claim.lang}`."
    ids = master.ids()
    seen: dict[str, int] = {}
    for row in rows:
        if not row.block_id:
            raise ReviewFileError(
                f"table row {row.number} has no id", path=path, hint="Restore its id. " + fresh
            )
        if row.block_id in seen:
            raise ReviewFileError(
                f"id {row.block_id} appears twice (table rows {seen[row.block_id]} and {row.number})",
                path=path,
                hint="Keep one row per block. " + fresh,
            )
        seen[row.block_id] = row.number
    for row in rows:
        if row.block_id not in set(ids):
            raise ReviewFileError(
                f"table row {row.number}: {row.block_id!r} is not a block of {name}",
                path=path,
                hint="The ids must stay as exported. " + fresh,
            )
    missing = [block_id for block_id in ids if block_id not in seen]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise ReviewFileError(
            f"block{plural} {', '.join(missing)} missing from its table (rows deleted?)",
            path=path,
            hint="Keep every row. " + fresh,
        )
    for row, expected in zip(rows, ids, strict=True):
        if row.block_id != expected:
            raise ReviewFileError(
                f"rows are out of order: table row {row.number} holds {row.block_id}"
                f" where the master has {expected}",
                path=path,
                hint="Keep the rows in their order. " + fresh,
            )
    moved = claim.blob and claim.blob != history.blob_id(ws.root, ws.master_path(name))
    for row in rows:
        if row.source != text_lines(master.block(row.block_id).text):
            why = (
                "the master changed since the file was exported" if moved else "the Source column was edited"
            )
            raise ReviewFileError(
                f"table row {row.number} ({row.block_id}):"
                f" the source cell differs from the master block ({why})",
                path=path,
                hint=fresh if moved else "Only the Translation column may change; restore the source text.",
            )


def _apply(
    ws: Workspace,
    path: Path,
    who: str,
    name: str,
    master: Letter,
    version: LanguageVersion,
    rows: list[_Row],
    claim: _Claim,
) -> ReviewResult:
    lang = version.lang
    result = ReviewResult(name, lang, who, path)
    today = dt.date.today().isoformat()
    entries = dict(version.entries)
    committed_po = history.committed_text(ws.root, ws.po_path(name, lang))
    committed = parse_catalog(committed_po, ws.po_path(name, lang)) if committed_po else {}
    for row in rows:
        block = master.block(row.block_id)
        entry = version.entries.get(block.id)
        current = "\n".join(_shown(block, entry))
        lines = (
            [" ".join(row.translation)]
            if block.kind is BlockKind.HEADING and row.translation
            else row.translation
        )
        text = "\n".join(lines)
        base = claim.bases.get(block.id)
        if not text:
            if current:
                result.emptied.append(block.id)
            continue
        if base is not None and digest(text) == base:
            continue
        if text == current and not _uncommitted_review(entry, committed.get(block.id), text):
            continue
        if base is not None and digest(current) != base:
            result.overridden.append(block.id)
        _check_markdown(block, lines, row, path)
        provenance = stamp({"origin": "review", "by": who, "date": today}, text)
        entries[block.id] = Entry(block.id, block.text, text, False, provenance)
        result.changed.append(block.id)
    if not result.changed:
        history.refresh_index(ws.root, [ws.po_path(name, lang), ws.md_path(name, lang)])
        return result

    stale = [
        b.id for b in master.blocks if b.id not in result.changed and _behind(b, version.entries.get(b.id))
    ] + [block_id for block_id in version.entries if block_id not in set(master.ids())]
    if stale:
        raise WorkspaceStateError(
            f"is behind its master (blocks {', '.join(stale)} changed since it was translated),"
            f" so {path} cannot be applied yet",
            path=ws.rel(ws.po_path(name, lang)),
            hint=f"Run `polyletter translate {name} --to {lang}`, then import the same review file again.",
        )
    history.ensure_ready(ws.root)
    result.human_edits = [block_id for block_id in version.folded if block_id not in result.changed]
    outputs = render_version(ws, master, name, lang, entries)
    for out_path, text in outputs:
        if write_if_changed(out_path, text):
            result.files_written.append(out_path)
    author = who if _EMAIL_AUTHOR.match(who) else None
    message = _message(ws, name, lang, path, result, claim)
    result.commit = history.commit_paths(ws.root, [p for p, _ in outputs], message, author=author)
    return result


def _uncommitted_review(entry: Entry | None, committed: Entry | None, text: str) -> bool:
    """A reviewed text already in the PO but not in HEAD: an import killed before its commit.

    Importing the same file again must finish that import, not call it "no change".
    """
    return (
        entry is not None
        and entry.origin == "review"
        and (committed is None or committed.translation != text)
    )


def _behind(block: Block, entry: Entry | None) -> bool:
    """Whether a block's PO entry was translated from another master text (or never made)."""
    return entry is None or entry.source != block.text


def _check_markdown(block: Block, lines: list[str], row: _Row, path: Path) -> None:
    """Refuse a translation the Markdown rendering would not give back (the PO and .md must agree)."""
    parsed = split_blocks(render_block(block.with_lines(lines)))
    if len(parsed) != 1 or list(parsed[0].lines) != lines:
        raise ReviewFileError(
            f"table row {row.number} ({block.id}):"
            " the translation would not read back the same from Markdown",
            path=path,
            hint="A line ends with a backslash or is laid out as a list or heading;"
            " reword it and import again.",
        )


def _message(ws: Workspace, name: str, lang: str, path: Path, result: ReviewResult, claim: _Claim) -> str:
    count = len(result.changed)
    master_path = ws.master_path(name)
    blocks = f"{count} block{'s' if count != 1 else ''}"
    subject = f"polyletter: review of {name} ({lang}) by {result.reviewer}: {blocks} changed"
    lines = [
        f"Corrections from {path.name}, recorded as reviewed by {result.reviewer}:"
        f" {', '.join(result.changed)}.",
    ]
    if result.overridden:
        lines.append(
            "Also changed here since the file was exported; the reviewer's text replaces that change: "
            f"{', '.join(result.overridden)}."
        )
    if result.emptied:
        lines.append(f"Emptied cells, left as they were: {', '.join(result.emptied)}.")
    if result.human_edits:
        lines.append(f"Hand edits waiting in the PO or Markdown, folded in: {', '.join(result.human_edits)}.")
    marks = [
        (trailers.LETTER, name),
        (trailers.KIND, "review"),
        (trailers.LANGUAGES, lang),
        (trailers.REVIEWER, result.reviewer),
        (trailers.REVIEWED_IN + lang, ", ".join(result.changed)),
    ]
    if result.human_edits:
        marks.append((trailers.HUMAN_IN + lang, ", ".join(result.human_edits)))
    marks += [
        (trailers.MASTER, ws.rel(master_path)),
        (trailers.MASTER_BLOB, history.blob_id(ws.root, master_path)),
    ]
    if claim.blob:
        marks.append((trailers.EXPORTED_MASTER_BLOB, claim.blob))
    return trailers.compose(subject, "\n".join(lines), marks)
