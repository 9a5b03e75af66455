"""A partner's review DOCX read back: its claim (letter, language, fingerprints) and its rows.

The file is opened through :func:`polyletter.ooxml.package.open_docx` (size,
zip-bomb and DTD checks). This reader knows the review table's shape
(:mod:`polyletter.document.review`) and refuses, in one line naming the file,
a file that is not a review file, whose properties disagree with each other
or with its header row, that has no review table or several, or whose rows
have merged or missing cells. Whether the rows fit the workspace (ids, order,
source text) is the import command's business: it knows the master.

Text is read as Word shows it (tracked changes accepted, comments ignored),
line by line after normalisation; a paragraph break inside a cell counts as a
line break.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from polyletter.document.review import (
    COLUMNS,
    IDENTIFIER_PREFIX,
    PROPERTY_BASE,
    PROPERTY_BLOB,
    PROPERTY_LANG,
    PROPERTY_LETTER,
    ReturnedRow,
    ReviewClaim,
    ReviewFile,
)
from polyletter.errors import ReviewFileError
from polyletter.ooxml.elements import read_custom_properties
from polyletter.ooxml.package import open_docx
from polyletter.ooxml.text import cell_lines, iter_body, w

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

_IDENTIFIER = re.compile(rf"^{IDENTIFIER_PREFIX}:(?P<letter>[^:\s]+):(?P<lang>[^:\s]+)$")
_HEADER_LANG = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*)\b")


def read_review(path: Path) -> ReviewFile:
    """The claim and rows of a review file, or a :class:`ReviewFileError` saying what is wrong."""
    document = open_docx(path, what="review file")
    claim = _claim(document, path)
    rows, header_lang = _rows(document, path)
    if header_lang and header_lang != claim.lang:
        raise ReviewFileError(
            f"its properties say {claim.lang} but its header row says {header_lang}",
            path=path,
            hint="Export a fresh review file.",
        )
    return ReviewFile(claim, rows, header_lang)


def _claim(document: DocxDocument, path: Path) -> ReviewClaim:
    """Letter and language from the core identifier, else the custom properties; both must agree."""
    custom = read_custom_properties(document)
    identifier = (document.core_properties.identifier or "").strip()
    match = _IDENTIFIER.match(identifier)
    from_core = (match["letter"], match["lang"]) if match else None
    from_custom = (custom.get(PROPERTY_LETTER, ""), custom.get(PROPERTY_LANG, ""))
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
        key.removeprefix(PROPERTY_BASE): value
        for key, value in custom.items()
        if key.startswith(PROPERTY_BASE)
    }
    return ReviewClaim(letter, lang, custom.get(PROPERTY_BLOB, ""), bases)


def _rows(document: DocxDocument, path: Path) -> tuple[list[ReturnedRow], str | None]:
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
    rows: list[ReturnedRow] = []
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
        rows.append(ReturnedRow(number, " ".join(texts[0]), texts[1], texts[2]))
    return rows, lang_match[1] if lang_match else None
