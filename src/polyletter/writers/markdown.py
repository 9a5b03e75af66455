"""The document model back to Markdown, in the conventions the reader reads.

Blocks are separated by one blank line; lines inside a block end with two
spaces (a hard break); headings and list items get their markers back.
Reading what this writes gives the same blocks again.
"""

from __future__ import annotations

from polyletter.document.letter import Block, BlockKind, Letter
from polyletter.readers.markdown import LINE_START_MARKUP


def render_markdown(letter: Letter) -> str:
    parts = []
    if letter.meta:
        import yaml

        front = yaml.safe_dump(letter.meta, allow_unicode=True, sort_keys=False)
        parts.append(f"---\n{front}---")
    parts.extend(render_block(block) for block in letter.blocks)
    return "\n\n".join(parts) + "\n"


def render_block(block: Block) -> str:
    if block.kind in (BlockKind.LIST, BlockKind.HEADING):
        return "\n".join(f"{marker}{line}" for marker, line in zip(block.markers, block.lines, strict=True))
    return "  \n".join(escape_line_start(line) for line in block.lines)


def escape_line_start(line: str) -> str:
    """Backslash a prose line that would otherwise read as a heading or list item."""
    return "\\" + line if LINE_START_MARKUP.match(line) else line
