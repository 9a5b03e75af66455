"""Markdown and plain-text letters into the document model.

The conventions are those of the sample letter and of CommonMark: blocks are
separated by blank lines; a line ending in two spaces (or a backslash) is a
hard line break inside a block; other line breaks are soft and join with a
space. ``#`` headings and ``-``/``1.`` list items are recognised in Markdown
(not in ``.txt``, where a leading ``#`` is just text). An optional YAML front
matter (``---`` lines) holds metadata such as the title.

Parsing is in two steps so translations can reuse it: :func:`split_blocks`
finds raw blocks; :func:`classify` gives a master's blocks their letter roles
(date, address, salutation, ...). A translated file is never classified again:
it takes its kinds and ids from the master it is aligned with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from polyletter.document.letter import Block, BlockKind, Letter
from polyletter.document.localize import parse_date
from polyletter.errors import InputFormatError
from polyletter.store.fileio import read_text

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+)(.*)$")
_HARD_BREAK = re.compile(r"( {2,}|\\)$")
LINE_START_MARKUP = re.compile(r"^(#{1,6}(\s|$)|[-*+](\s|$)|\d{1,3}[.)](\s|$)|\\)")
"""Prose lines starting like this are written with a backslash in front (CommonMark escape)."""
_ESCAPED = re.compile(r"^\\(?=#{1,6}(\s|$)|[-*+](\s|$)|\d{1,3}[.)](\s|$)|\\)")


@dataclass(frozen=True)
class RawBlock:
    """A block before it has a role: its lines, their markup, where it starts (1-based)."""

    lines: tuple[str, ...]
    markers: tuple[str, ...]
    line_no: int
    heading: bool = False
    listing: bool = False


def read_master(path: Path, lang: str, *, markup: bool = True) -> Letter:
    text = read_text(path, what="letter")
    meta, body, offset = split_front_matter(text, path)
    raw = split_blocks(body, markup=markup, first_line=offset + 1)
    if not raw:
        raise InputFormatError("letter is empty", path=path, hint="Write the master letter first.")
    return Letter(blocks=tuple(classify(raw, lang)), lang=lang, meta=meta)


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

    source = text[4:end]
    try:
        meta = yaml.safe_load(source) if source.strip() else {}
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
    """Cut text into raw blocks at blank lines; headings and list items get their own markup."""
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
            blocks.extend(_chunk_blocks(chunk, start, markup))
            chunk = []
    return blocks


def _chunk_blocks(chunk: list[str], start: int, markup: bool) -> list[RawBlock]:
    """One blank-line-separated chunk: a heading line stands alone, list items group."""
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
        heading = _HEADING.match(line) if markup else None
        item = _LIST_ITEM.match(line) if markup else None
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


def _strip_break(line: str) -> str:
    return _HARD_BREAK.sub("", line).strip()


def _join_soft_breaks(lines: list[str]) -> list[str]:
    """Hard breaks (two trailing spaces, a backslash) keep lines apart; soft ones join them."""
    joined: list[str] = []
    current = ""
    for line in lines:
        hard = bool(_HARD_BREAK.search(line))
        piece = _ESCAPED.sub("", _strip_break(line))
        current = f"{current} {piece}" if current else piece
        if hard:
            joined.append(current)
            current = ""
    if current:
        joined.append(current)
    return joined


def classify(raw: list[RawBlock], lang: str) -> list[Block]:
    """Give each block of a master its role in a letter, and a stable id (kind-N).

    The order of a letter drives it: a date and address blocks come first, up
    to the salutation (a short line ending in ',' or ':'); body paragraphs
    follow, up to the closing (again a short line ending in ','); what comes
    after the closing is the list of signatories.
    """
    kinds: list[BlockKind] = []
    state = "head"
    for block in raw:
        single = len(block.lines) == 1
        first = block.lines[0]
        if block.heading:
            kinds.append(BlockKind.HEADING)
        elif block.listing:
            kinds.append(BlockKind.LIST)
        elif state == "head":
            if single and parse_date(first, lang):
                kinds.append(BlockKind.DATE)
            elif single and _is_short_formula(first):
                kinds.append(BlockKind.SALUTATION)
                state = "body"
            elif single and len(first) > 120:
                kinds.append(BlockKind.PARAGRAPH)
                state = "body"
            else:
                kinds.append(BlockKind.ADDRESS)
        elif state == "body":
            if single and _is_short_formula(first) and kinds[-1] is not BlockKind.SALUTATION:
                kinds.append(BlockKind.CLOSING)
                state = "end"
            else:
                kinds.append(BlockKind.PARAGRAPH)
        else:
            long_prose = single and len(first) > 120
            kinds.append(BlockKind.PARAGRAPH if long_prose else BlockKind.SIGNATORIES)
    counters: dict[BlockKind, int] = {}
    blocks = []
    for block, kind in zip(raw, kinds, strict=True):
        counters[kind] = counters.get(kind, 0) + 1
        blocks.append(
            Block(f"{kind.value}-{counters[kind]}", kind, block.lines, block.markers, block.line_no)
        )
    return blocks


def _is_short_formula(line: str) -> bool:
    """ "Excellency,", "Dear Madam:", "Sincerely," -- the formulas that open and close a letter."""
    return len(line) <= 60 and line.rstrip().endswith((",", ":", "،")) and "." not in line[:-1]
