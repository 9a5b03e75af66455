"""The DOCX package (the zip around a Word document): opened safely, templates, reproducible bytes.

Word files are untrusted input: partners send them by mail, as letters to
import, review tables to read back and letterheads to fill. Before
python-docx sees one it must be a zip of sane size (at most
:data:`MAX_DOCX_BYTES`; no XML part over :data:`MAX_XML_PART_BYTES`
uncompressed, :data:`MAX_UNPACKED_BYTES` in all, so a zip bomb is refused
from its directory without being inflated) whose XML parts carry no
``<!DOCTYPE``/``<!ENTITY`` (no entity expansion, no external entities: Office
never writes a DTD). Every refusal is one :class:`InputFormatError` naming the
file and why, never a traceback from deep inside lxml or zipfile.

On the way out, python-docx stamps every zip entry with the current time, so
two exports of the same commit would differ. :func:`reproducible_zip` re-packs
the parts with one fixed timestamp and a fixed entry order, which makes an
export a pure function of the commit it was built from.

python-docx is imported inside functions only, so ``polyletter --help`` stays light.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from polyletter.errors import InputFormatError

if TYPE_CHECKING:
    from docx.document import Document

MAX_DOCX_BYTES = 20 * 1024 * 1024
"""A letter, even with a letterhead image, is well under 1 MB; 20 MB is surely the wrong file."""
MAX_XML_PART_BYTES = 16 * 1024 * 1024
"""Uncompressed size of any one XML part (``word/document.xml`` of a 40-page letter is ~1 MB)."""


MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""Uncompressed size of all parts together: what python-docx would hold in memory."""


MAX_PARTS = 2000


_BINARY_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg")


_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!doctype", "<!entity")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_docx(path: Path, *, what: str = "Word file") -> Document:
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
# Letterheads and reproducible bytes
# --------------------------------------------------------------------------

ZIP_EPOCH = dt.datetime(1980, 1, 1)
"""The earliest time a zip entry can carry; used when there is no commit to date the file by."""

_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_MACRO_TYPES = ("macroEnabled",)
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def open_template(path: Path) -> Document:
    """The letterhead as a python-docx Document, or an InputFormatError saying what is wrong.

    A Word template (``.dotx``) is accepted too: it is the same package with
    another content type for its main part, which python-docx alone refuses.
    Macro-enabled files (``.docm``, ``.dotm``) are refused: a letter sent to
    partners must not carry macros.
    """
    check_docx_package(path, what="template")  # size, zip, zip bomb, DTDs and entities
    data = _as_document_package(path.read_bytes(), path)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        return docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, zipfile.BadZipFile, XMLSyntaxError, PackageNotFoundError) as err:
        raise InputFormatError(
            f"template is not a readable Word document ({type(err).__name__}: {err})",
            path=path,
            hint="Open it in Word or LibreOffice and save it again as .docx.",
        ) from None


def _as_document_package(data: bytes, path: Path) -> bytes:
    """Check the zip and its main part; re-type a .dotx main part as a document's."""
    not_docx = "template is not a DOCX file"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputFormatError(f"{not_docx} (not a zip archive)", path=path, hint="Save it as .docx.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            main = _main_part(archive, names)
            if main is None or main not in names or "[Content_Types].xml" not in names:
                raise InputFormatError(
                    f"{not_docx} (a zip without word/document.xml)", path=path, hint="Save it as .docx."
                )
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            parts = {info.filename: archive.read(info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ElementTree.ParseError, EOFError) as err:
        raise InputFormatError(f"{not_docx} (damaged zip: {err})", path=path) from None
    if any(marker in content_types for marker in _MACRO_TYPES):
        raise InputFormatError(
            "template is macro-enabled (.docm/.dotm)", path=path, hint="Save it as a plain .docx."
        )
    if _TEMPLATE_TYPE not in content_types:
        return data
    parts["[Content_Types].xml"] = content_types.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in parts.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def _main_part(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    """The zip member the package's officeDocument relationship points at (word/document.xml)."""
    if "_rels/.rels" not in names:
        return "word/document.xml" if "word/document.xml" in names else None
    rels = ElementTree.fromstring(archive.read("_rels/.rels"))
    for rel in rels.iter(f"{_RELS_NS}Relationship"):
        if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            return posixpath.normpath(rel.get("Target", "").lstrip("/"))
    return None


def clear_body(document: Document) -> None:
    """Remove the template's body content but keep its final ``w:sectPr``.

    The final section properties hold the page size, margins and the
    references to the letterhead's header and footer: dropping them would
    drop the letterhead itself.
    """
    from docx.oxml.ns import qn

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def reproducible_zip(data: bytes, when: dt.datetime | None) -> bytes:
    """The same package with every entry dated ``when`` and in a fixed order.

    ``[Content_Types].xml`` comes first (some readers sniff it there), then the
    package relationships, then the other parts sorted by name. Dates are
    clamped to what a zip can hold (1980-2107); ``when`` is taken as UTC wall
    time since zip entries carry no time zone.
    """
    stamp = _zip_time(when)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    first = [name for name in ("[Content_Types].xml", "_rels/.rels") if name in parts]
    order = first + sorted(name for name in parts if name not in first)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # MS-DOS, as Word writes it: no host permissions recorded
            info.external_attr = 0
            target.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()


def _zip_time(when: dt.datetime | None) -> tuple[int, int, int, int, int, int]:
    moment = when or ZIP_EPOCH
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    moment = min(max(moment, ZIP_EPOCH), dt.datetime(2107, 12, 31, 23, 59, 58))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


_CORE_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
MAX_CORE_BYTES = 64 * 1024
"""``docProps/core.xml`` is a few hundred bytes; anything larger is not one of ours."""


def read_core_provenance(path: Path) -> tuple[str, str] | None:
    """``(identifier, description)`` of a DOCX's core properties, or None if they cannot be read.

    Exports record the commit they were built from there (writers/docx.DocxInfo).
    Read with zipfile and one small ElementTree parse, no python-docx: ``status``
    asks this of every export and must stay fast. The part is bounded and
    refused if it carries a DTD, so the parse cannot expand entities.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/core.xml")
            if info.file_size > MAX_CORE_BYTES or _has_dtd(archive, info):
                return None
            root = ElementTree.fromstring(archive.read(info))
    except (OSError, KeyError, EOFError, NotImplementedError, RuntimeError, InputFormatError):
        return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ElementTree.ParseError):
        return None
    identifier = root.findtext("dc:identifier", default="", namespaces=_CORE_NS).strip()
    description = root.findtext("dc:description", default="", namespaces=_CORE_NS).strip()
    return identifier, description
