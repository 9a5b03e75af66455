"""Markdown and plain-text letters into the document model.

The conventions are those of the sample letter and of CommonMark: blocks are
separated by blank lines; a line ending in two spaces (or a backslash) is a
hard line break inside a block; other line breaks are soft and join with a
space. ``#`` headings and ``-``/``1.`` list items are recognised in Markdown
(not in ``.txt``, where a leading ``#`` is just text). An optional YAML front
matter (``---`` lines) holds metadata such as the title.

A Markdown table (``| Organisation | Country |`` rows) is one block whose
lines are its rows, cells joined by `` | ``; its header row is marked so a
writer puts the table back as a table.

Parsing is in two steps so translations can reuse it: :func:`split_blocks`
finds raw blocks; :func:`polyletter.readers.roles.classify` gives a master's
blocks their letter roles (date, address, salutation, ...). A translated file
is never classified again: it takes its kinds and ids from the master it is
aligned with.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from polyletter.document.formulas import Lexicon, load_lexicon
from polyletter.document.letter import TABLE_HEADER, TABLE_ROW, Letter
from polyletter.errors import InputFormatError
from polyletter.readers.roles import RawBlock, classify, role_overrides
from polyletter.store.fileio import read_text, text_convention

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+)(.*)$")
LINE_START_MARKUP = re.compile(r"^(#{1,6}(\s|$)|[-*+](\s|$)|\d{1,3}[.)](\s|$)|\\)")
"""Prose lines starting like this are written with a backslash in front (CommonMark escape)."""
_ESCAPED = re.compile(r"^\\(?=#{1,6}(\s|$)|[-*+](\s|$)|\d{1,3}[.)](\s|$)|\\)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
PLAIN_WRAP = 50
"""In plain text a line shorter than this, or ending in ")", ":" or ";", ends with a hard break (an
address, a list of signers); longer lines are wrapped prose and join the next."""
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|(\s*:?-{3,}:?\s*\|)+\s*$")


def read_master(path: Path, lang: str, *, markup: bool = True, lexicon: Lexicon | None = None) -> Letter:
    text = read_text(path, what="letter")
    meta, body, offset = split_front_matter(text, path)
    raw = split_blocks(body, markup=markup, first_line=offset + 1)
    if not raw:
        raise InputFormatError("letter is empty", path=path, hint="Write the master letter first.")
    overrides = role_overrides(meta, len(raw), path)
    blocks = classify(raw, lang, lexicon or lexicon_for(path), overrides)
    newline, bom = text_convention(path)
    return Letter(blocks=tuple(blocks), lang=lang, meta=meta, newline=newline, bom=bom)


def lexicon_for(path: Path) -> Lexicon:
    """The formula lexicon of the workspace a master lives in (``<ws>/translations/<lang>/x.md``)."""
    root = Path(path).resolve().parent.parent.parent
    return load_lexicon(root if (root / "polyletter.toml").is_file() else None)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str, int]:
    """Front matter (a dict), the rest of the text, and how many lines the front matter took."""
    if not text.startswith("---\n"):
        return {}, text, 0
    end = text.find("\n---\n", 3)
    if end < 0 and text.endswith("\n---"):
        end = len(text) - 4
    if end < 0:
        raise InputFormatError(
            "front matter starts with '---' but never ends", path=path, hint="Close it with a '---' line."
        )
    import yaml

    from polyletter.yamlio import safe_load

    source = text[4:end]
    try:
        meta = safe_load(source) if source.strip() else {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise InputFormatError(
            f"front matter is not valid YAML{where}", path=path, hint="Fix it or remove the '---' block."
        ) from None
    if not isinstance(meta, dict):
        raise InputFormatError(
            "front matter must be YAML key: value pairs", path=path, hint="Fix it or remove the '---' block."
        )
    rest = text[end + 5 :]
    return meta, rest, text[: end + 5].count("\n")


def split_blocks(text: str, *, markup: bool = True, first_line: int = 1) -> list[RawBlock]:
    """Cut text into raw blocks at blank lines; headings and list items get their own markup.

    HTML comments are not content: they are blanked out before the text is
    cut (a comment on a line of its own separates blocks), so they are never
    translated, exported or sent to an engine.
    """
    pending = [(first_line + index, comment) for index, comment in _standalone_comments(text)]
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    blocks: list[RawBlock] = []
    chunk: list[str] = []
    start = first_line
    for number, line in enumerate([*text.split("\n"), ""], start=first_line):
        if line.strip():
            if not chunk:
                start = number
            chunk.append(line)
            continue
        if chunk:
            made = _chunk_blocks(chunk if markup else _plain_breaks(chunk), start, markup)
            before = tuple(comment for line, comment in pending if line < start)
            if made and before:  # comments on their own lines go with the block that follows
                made[0] = replace(made[0], comments=before)
            pending = [(line, comment) for line, comment in pending if line >= start]
            blocks.extend(made)
            chunk = []
    return blocks


def _chunk_blocks(chunk: list[str], start: int, markup: bool) -> list[RawBlock]:
    """One blank-line-separated chunk: a heading line stands alone, list items group, a table is one."""
    if markup and len(chunk) >= 2 and _TABLE_RULE.match(chunk[1]) and all(map(_TABLE_LINE.match, chunk)):
        return [_table_block(chunk, start)]
    out: list[RawBlock] = []
    prose: list[str] = []
    prose_start = start
    items: list[tuple[str, str]] = []

    def flush_prose() -> None:
        if prose:
            lines = _join_soft_breaks(prose)
            out.append(RawBlock(tuple(lines), ("",) * len(lines), prose_start))
            prose.clear()

    def flush_items(at: int) -> None:
        if items:
            out.append(RawBlock(tuple(t for _, t in items), tuple(m for m, _ in items), at, listing=True))
            items.clear()

    items_start = start
    for offset, line in enumerate(chunk):
        number = start + offset
        first = line.lstrip()[:1]
        heading = _HEADING.match(line) if markup and first == "#" else None
        item = _LIST_ITEM.match(line) if markup and (first in "-*+" or first.isdigit()) and first else None
        if heading:
            flush_prose()
            flush_items(items_start)
            out.append(RawBlock((heading[2],), (heading[1] + " ",), number, heading=True))
        elif item:
            flush_prose()
            if not items:
                items_start = number
            items.append((item[1], _strip_break(item[2])))
        elif items and line.startswith((" ", "\t")):
            marker, previous = items[-1]
            items[-1] = (marker, f"{previous} {_strip_break(line.strip())}")
        else:
            flush_items(items_start)
            if not prose:
                prose_start = number
            prose.append(line)
    flush_prose()
    flush_items(items_start)
    return out


def _table_block(chunk: list[str], start: int) -> RawBlock:
    """A Markdown table: its header row and data rows as lines (cells joined by " | "), rule dropped."""
    rows = [chunk[0], *chunk[2:]]
    lines = tuple(" | ".join(cell.strip() for cell in row.strip().strip("|").split("|")) for row in rows)
    markers = (TABLE_HEADER,) + (TABLE_ROW,) * (len(lines) - 1)
    return RawBlock(lines, markers, start, table=True)


def _standalone_comments(text: str) -> list[tuple[int, str]]:
    """HTML comments alone on their lines, with the (0-based) line they start on, in order."""
    found = []
    for match in _COMMENT.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end < 0 else end
        if not text[start : match.start()].strip() and not text[match.end() : end].strip():
            found.append((text.count("\n", 0, match.start()), match.group()))
    return found


def _plain_breaks(chunk: list[str]) -> list[str]:
    """Plain text has no break markup: mark the breaks a reader sees (short lines, ")" ":" ";" ends)."""
    out = []
    for number, line in enumerate(chunk):
        stripped = line.rstrip()
        last = number == len(chunk) - 1
        hard = not last and (len(stripped) < PLAIN_WRAP or stripped.endswith((")", ":", ";")))
        out.append(stripped + "  " if hard and not _hard(line) else line)
    return out


def _strip_break(line: str) -> str:
    """The line without its hard-break mark (a trailing backslash) and surrounding spaces."""
    return (line[:-1] if line.endswith("\\") else line).strip()


def _hard(line: str) -> bool:
    """A hard line break: two trailing spaces or a backslash (checked without a regex: every line
    of every master and translation is asked)."""
    return line.endswith(("  ", "\\"))


def _join_soft_breaks(lines: list[str]) -> list[str]:
    """Hard breaks (two trailing spaces, a backslash) keep lines apart; soft ones join them."""
    joined: list[str] = []
    current = ""
    for line in lines:
        hard = _hard(line)
        piece = _strip_break(line)
        if piece[:1] == "\\":
            piece = _ESCAPED.sub("", piece)
        current = f"{current} {piece}" if current else piece
        if hard:
            joined.append(current)
            current = ""
    if current:
        joined.append(current)
    return joined
