"""WordprocessingML elements: written in schema order, language-tagged, with custom properties.

Word rejects a file whose elements are out of schema order (LibreOffice
silently ignores them), so every element polyletter adds goes through
:func:`child`, which inserts it before its successors in the order of
ECMA-376 part 1. Language tags (``w:lang``) are written by :func:`set_lang`
alone, always with a region ("fr-FR"), because Word picks its proofing
dictionary by language *and* region. Both the letter writer and the review
table writer use these; nothing else writes Word XML by hand.

python-docx is imported inside functions only, so ``polyletter --help`` stays light.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from polyletter.document.languages import is_right_to_left, locale_for

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

PAGE_SIZES_MM = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
"""Portrait width and height of the page sizes ``[export] page_size`` accepts."""


@functools.lru_cache(maxsize=32)
def word_language(lang: str) -> str:
    """The tag Word wants in ``w:lang``: language and region ("fr" -> "fr-FR", "ar" -> "ar-EG").

    Word picks a proofing dictionary by language *and* region; a bare "fr" is
    not one it has. A region the user gave (``pt_BR``) is kept; otherwise
    CLDR's likely region for the language is used.
    """
    from babel.core import get_global


    locale = locale_for(lang)
    territory = locale.territory
    if not territory:
        likely = get_global("likely_subtags")
        keys = [f"{locale.language}_{locale.script}"] if locale.script else []
        for key in [*keys, locale.language]:
            if key in likely:
                territory = likely[key].split("_")[-1]
                break
    return f"{locale.language}-{territory}" if territory else locale.language


def has_right_to_left_text(text: str) -> bool:
    """Whether ``text`` holds a letter of a right-to-left script (Unicode bidi class R or AL)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def script_slot(lang: str) -> str:
    """Which ``w:lang`` attribute Word reads for this language's script: val, bidi or eastAsia."""
    if is_right_to_left(lang):
        return "bidi"
    if lang.replace("-", "_").split("_")[0] in {"zh", "ja", "ko"}:
        return "eastAsia"
    return "val"


RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
)  # fmt: skip


PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
)  # fmt: skip


TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
    "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
    "tblCaption", "tblDescription", "tblPrChange",
)  # fmt: skip


TCPR_ORDER = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark",
)  # fmt: skip


BORDER_ORDER = ("top", "left", "bottom", "right", "insideH", "insideV")


DOC_DEFAULTS_ORDER = ("rPrDefault", "pPrDefault")


def child(parent: Any, name: str, order: Sequence[str], attrs: dict[str, str] | None = None) -> Any:
    """The ``w:name`` child of ``parent``, created in its schema position if absent; attributes set."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = parent.find(qn(f"w:{name}"))
    if element is None:
        element = OxmlElement(f"w:{name}")
        later = {qn(f"w:{tag}") for tag in order[order.index(name) + 1 :]}
        successor = next((c for c in parent if c.tag in later), None)
        if successor is None:
            parent.append(element)
        else:
            successor.addprevious(element)
    for key, value in (attrs or {}).items():
        element.set(qn(f"w:{key}"), value)
    return element


def set_lang(rpr: Any, lang: str) -> None:
    """``w:lang`` on run properties: the language's tag in the slot of its script, and in ``val``.

    ``val`` always carries it too, so that Latin-script words in the letter
    (names, "RtoP") and tools that read only ``val`` see the letter's language.
    """
    tag = word_language(lang)
    attrs = {"val": tag}
    slot = script_slot(lang)
    if slot != "val":
        attrs[slot] = tag
    child(rpr, "lang", RPR_ORDER, attrs)


def add_hyperlink(paragraph: Any, url: str) -> Any:
    """An empty ``w:r`` inside a new ``w:hyperlink`` to ``url`` (an external relationship) at the
    end of ``paragraph``; the caller fills the run. Styled "Hyperlink" where the document has it."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    link.append(run)
    paragraph._p.append(link)
    try:
        paragraph.part.document.styles["Hyperlink"]
        child(run.get_or_add_rPr(), "rStyle", RPR_ORDER, {"val": "Hyperlink"})
    except KeyError:
        rpr = run.get_or_add_rPr()
        child(rpr, "color", RPR_ORDER, {"val": "0563C1"})
        child(rpr, "u", RPR_ORDER, {"val": "single"})
    return run


_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


_CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def write_custom_properties(document: DocxDocument, values: Mapping[str, str]) -> None:
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


def read_custom_properties(document: DocxDocument) -> dict[str, str]:
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
