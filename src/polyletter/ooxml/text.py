"""Text as Word shows it, read from WordprocessingML elements.

:func:`paragraph_text` reads a paragraph as Word shows it: tracked insertions
count and tracked deletions do not (a file is read as if every change were
accepted, since partners often edit with Track Changes on), hidden runs and
field codes are skipped, a line break (Shift+Enter) is ``"\\n"``. python-docx's
own ``Paragraph.text`` would drop text inside ``w:ins``. Shared by the Word
letter reader and the review-file reader.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


FALSE = ("0", "false", "off")


_SPACES = re.compile(r"[ \t\r\f\v]+")


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag: ``w("p")`` is ``{...main}p``."""
    return f"{{{W_NS}}}{tag}"


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


def paragraph_mark_deleted(p: Any) -> bool:
    mark = p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}")
    return mark is not None


def on(toggle: Any) -> bool:
    """A WordprocessingML on/off property: present and not switched off."""
    return toggle is not None and toggle.get(w("val"), "true") not in FALSE


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
