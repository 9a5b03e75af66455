"""The DOCX package around a letter: the letterhead it starts from and the zip it ends as.

Two concerns that have nothing to do with layout live here:

- A letterhead template is a file a partner sent by e-mail, so it is checked
  before python-docx sees it (size, zip, a main document part, unpacked size)
  and every way it can be wrong becomes one :class:`InputFormatError` naming
  the file, never a traceback from deep inside lxml or zipfile.
- python-docx stamps every zip entry with the current time, so two exports of
  the same commit would differ. :func:`reproducible_zip` re-packs the parts
  with one fixed timestamp and a fixed entry order, which makes an export a
  pure function of the commit it was built from (as reproducible builds ask).

python-docx is imported inside functions only, so ``polyletter --help`` stays light.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from polyletter.errors import InputFormatError

if TYPE_CHECKING:
    from docx.document import Document

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
    from polyletter.readers.docx import check_docx_package

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
