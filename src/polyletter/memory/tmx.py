"""TMX 1.4b, the translation memory format OmegaT, Trados, memoQ and Weblate exchange.

Written: one ``<tu>`` per unit with a ``<tuv>`` for each language, the
header's required attributes (creationtool, creationtoolversion, segtype,
o-tmf, adminlang, srclang, datatype), each unit's ``segtype`` (a block is a
``paragraph``, a sentence a ``sentence``), its author as ``creationid``, its
commit time as ``creationdate`` (``YYYYMMDDThhmmssZ``) and polyletter's
provenance as ``<prop type="x-polyletter-...">``, which TMX reserves for
tools' own data.

Read: untrusted input. defusedxml refuses a DTD, entity declarations and
external references (no billion laughs, no file read through an entity); a
file over :data:`MAX_BYTES`, or that is not XML, or not a TMX, is a one-line
error. Inline markup inside ``<seg>`` (``<bpt>``, ``<ph>`` ...) is read as
its text, as a plain-text format must.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from xml.etree import ElementTree as ET

from polyletter import __version__
from polyletter.errors import InputFormatError
from polyletter.memory.units import Unit

MAX_BYTES = 50 * 1024 * 1024
"""The largest TMX polyletter reads: a coalition's memory is far smaller; a bigger file is refused."""
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PROP = "x-polyletter-"


def write_tmx(units: Iterable[Unit], source_lang: str) -> bytes:
    """The units as a TMX 1.4b document (UTF-8)."""
    root = ET.Element("tmx", version="1.4")
    ET.SubElement(
        root,
        "header",
        creationtool="polyletter",
        creationtoolversion=__version__,
        segtype="paragraph",
        datatype="plaintext",
        adminlang="en",
        srclang=source_lang,
        **{"o-tmf": "polyletter PO"},
    )
    body = ET.SubElement(root, "body")
    for unit in units:
        segtype = "sentence" if unit.kind == "sentence" else "paragraph"
        attrs = {"segtype": segtype, "srclang": unit.source_lang}
        if unit.author:
            attrs["creationid"] = unit.author
        if unit.time:
            attrs["creationdate"] = _tmx_date(unit.time)
        tu = ET.SubElement(body, "tu", attrs)
        for name, value in (("letter", unit.letter), ("block", unit.block), ("origin", unit.origin),
                            ("commit", unit.commit)):  # fmt: skip
            if value:
                ET.SubElement(tu, "prop", type=_PROP + name).text = value
        for lang, text in ((unit.source_lang, unit.source), (unit.target_lang, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = text
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def _tmx_date(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _seconds(value: str | None) -> int:
    if not value:
        return 0
    try:
        return int(dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc).timestamp())
    except ValueError:
        return 0


def refuse_size(size: int, path: Path) -> None:
    """A TMX over :data:`MAX_BYTES` is refused before anything is parsed."""
    if size > MAX_BYTES:
        raise InputFormatError(
            f"is {size:,} bytes, over the {MAX_BYTES:,} a TMX may have",
            path=path,
            hint="Export a smaller memory (one language pair) from your CAT tool.",
        )


def parse_tmx(data: bytes, path: Path, *, origin: str | None = None) -> list[Unit]:
    """The units of a TMX document: one per target language of each ``<tu>``.

    ``origin`` overrides what the file says (an import records where the units came from).
    """
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    from polyletter.document.languages import normalise_lang

    refuse_size(len(data), path)
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise InputFormatError(
            f"declares a DTD or entities ({type(err).__name__}), which polyletter does not read",
            path=path,
            hint="Export the memory again without a DOCTYPE; TMX needs none.",
        ) from None
    except ET.ParseError as err:
        raise InputFormatError(f"is not XML ({err})", path=path, hint="Give a .tmx file.") from None
    header, body = root.find("header"), root.find("body")
    if root.tag != "tmx" or header is None or body is None:
        raise InputFormatError(
            "is not a TMX file (no <tmx> with <header> and <body>)", path=path, hint="Give a TMX 1.4 file."
        )

    def lang(code: str | None, where: str) -> str:
        try:
            return normalise_lang(code or "")
        except ValueError:
            raise InputFormatError(
                f"{where}: {code!r} is not a language code", path=path, hint="Fix the file's xml:lang."
            ) from None

    header_src = header.get("srclang")
    default_src = lang(header_src, "header srclang") if header_src and header_src != "*all*" else None
    units: list[Unit] = []
    for number, tu in enumerate(body.iter("tu"), 1):
        tuvs = []
        for tuv in tu.findall("tuv"):
            seg = tuv.find("seg")
            code = tuv.get(XML_LANG) or tuv.get("lang")
            if seg is not None:
                tuvs.append((lang(code, f"unit {number}"), "".join(seg.itertext())))
        src_code = tu.get("srclang")
        source_lang = lang(src_code, f"unit {number}") if src_code and src_code != "*all*" else default_src
        if source_lang is None and tuvs:
            source_lang = tuvs[0][0]
        sources = [text for code, text in tuvs if code == source_lang]
        if not sources or not sources[0].strip():
            continue
        props = {p.get("type", ""): (p.text or "") for p in tu.findall("prop")}
        kind = "sentence" if (tu.get("segtype") or header.get("segtype")) == "sentence" else "block"
        for code, text in tuvs:
            if code == source_lang or not text.strip():
                continue
            units.append(
                Unit(
                    sources[0],
                    text,
                    source_lang,
                    code,
                    letter=props.get(_PROP + "letter", ""),
                    block=props.get(_PROP + "block", ""),
                    origin=origin or props.get(_PROP + "origin", "") or "tmx",
                    author=tu.get("creationid", "") or tu.get("changeid", ""),
                    commit=props.get(_PROP + "commit", ""),
                    time=_seconds(tu.get("changedate") or tu.get("creationdate")),
                    kind=kind,
                )
            )
    return units
