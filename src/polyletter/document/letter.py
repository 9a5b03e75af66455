"""The one document model every reader produces and every writer consumes.

A letter is a list of typed blocks. A block is the unit of alignment, review
and versioning (one PO entry each, as in po4a); its ``lines`` are the hard
line breaks inside it (an address, a list of signatories). Markup is not part
of the text: a heading's ``#`` or a list item's ``- `` live in ``markers``, so
engines and translators only ever see words.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace


class BlockKind(str, enum.Enum):
    DATE = "date"
    ADDRESS = "address"
    SALUTATION = "salutation"
    PARAGRAPH = "paragraph"
    CLOSING = "closing"
    SIGNATORIES = "signatories"
    HEADING = "heading"
    LIST = "list"


@dataclass(frozen=True)
class Block:
    """One block of a letter.

    ``markers`` holds the per-line Markdown prefix (``"## "`` for a heading,
    ``"- "`` or ``"1. "`` for list items, ``""`` otherwise) so a writer can put
    the same markup around translated lines.
    """

    id: str
    kind: BlockKind
    lines: tuple[str, ...]
    markers: tuple[str, ...] = ()
    source_line: int = field(default=0, compare=False)
    """Where the block starts in its file (1-based), for PO ``#:`` references."""

    def __post_init__(self) -> None:
        if not self.markers:
            object.__setattr__(self, "markers", ("",) * len(self.lines))
        if len(self.markers) != len(self.lines):
            raise ValueError(f"block {self.id}: {len(self.markers)} markers for {len(self.lines)} lines")

    @property
    def text(self) -> str:
        """The block's text as one string, lines joined by newlines (a PO msgid)."""
        return "\n".join(self.lines)

    def with_lines(self, lines: tuple[str, ...] | list[str]) -> Block:
        """The same block (id, kind, markup) carrying other text, e.g. its translation.

        A translator may merge or split lines; extra lines take the last marker.
        """
        lines = tuple(lines)
        markers = self.markers[: len(lines)]
        markers += (self.markers[-1] if self.kind is BlockKind.LIST else "",) * (len(lines) - len(markers))
        return replace(self, lines=lines, markers=markers)


@dataclass(frozen=True)
class Letter:
    """A letter in one language: its blocks in order, plus front-matter metadata."""

    blocks: tuple[Block, ...]
    lang: str
    meta: dict[str, object] = field(default_factory=dict)

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)

    def ids(self) -> list[str]:
        return [b.id for b in self.blocks]


@dataclass(frozen=True)
class Signatory:
    """One line of a signatories block: ``Organisation (Country[, Country])``."""

    organisation: str
    countries: tuple[str, ...]
    joiner: str = ", "

    @classmethod
    def parse(cls, line: str) -> Signatory:
        """Split a signatory line; a line with no trailing parenthesis is all organisation."""
        match = _SIGNATORY.match(line)
        if not match:
            return cls(line.strip(), ())
        inner = match.group("countries").strip()
        joiner = " and " if " and " in inner and "," not in inner else ", "
        parts = tuple(p.strip() for p in re.split(r",\s*|\s+and\s+", inner) if p.strip())
        return cls(match.group("org").strip(), parts, joiner)

    def render(self, countries: tuple[str, ...] | None = None, joined: str | None = None) -> str:
        """The line again; ``joined`` replaces the whole parenthesis (a translated country list)."""
        if not self.countries:
            return self.organisation
        inside = joined if joined is not None else self.joiner.join(countries or self.countries)
        return f"{self.organisation} ({inside})"


_SIGNATORY = re.compile(r"^(?P<org>.+?)\s*\((?P<countries>[^()]+)\)\s*$")
