"""The document model back to Markdown, in the conventions the reader reads.

Blocks are separated by one blank line; lines inside a block end with two
spaces (a hard break); headings and list items get their markers back.
Reading what this writes gives the same blocks again.
"""

from __future__ import annotations

from polyletter.document.letter import TABLE_HEADER, TABLE_ROW, Block, Letter
from polyletter.readers.markdown import LINE_START_MARKUP


def render_markdown(letter: Letter) -> str:
    parts = []
    if letter.meta:
        import yaml

        front = yaml.safe_dump(letter.meta, allow_unicode=True, sort_keys=False)
        parts.append(f"---\n{front}---")
    parts.extend(render_block(block) for block in letter.blocks)
    text = "\n\n".join(parts) + "\n"
    if letter.newline != "\n":
        text = text.replace("\n", letter.newline)
    return ("\ufeff" if letter.bom else "") + text


def render_block(block: Block) -> str:
    comments = "".join(f"{comment}\n" for comment in block.comments)
    if block.markers and block.markers[0] == TABLE_HEADER:
        return comments + _table(block)
    if any(block.markers):
        pairs = zip(block.markers, block.lines, strict=True)
        return comments + "\n".join(f"{marker}{line}" for marker, line in pairs)
    return comments + "  \n".join(escape_line_start(line) for line in block.lines)


def _table(block: Block) -> str:
    """A table block back as a Markdown table: header row, rule, rows (every row as wide as the header)."""
    width = len(block.lines[0].split(" | "))
    rows = []
    for marker, line in zip(block.markers, block.lines, strict=True):
        cells = [cell.strip() for cell in line.split(" | ")]
        cells += [""] * (width - len(cells))
        rows.append("| " + " | ".join(cells) + " |")
        if marker == TABLE_HEADER:
            rows.append("| " + " | ".join("---" for _ in cells) + " |")
    assert all(m in (TABLE_HEADER, TABLE_ROW) for m in block.markers)
    return "\n".join(rows)


def escape_line_start(line: str) -> str:
    """Backslash a prose line that would otherwise read as a heading or list item."""
    return "\\" + line if LINE_START_MARKUP.match(line) else line
