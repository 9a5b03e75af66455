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
    SUBJECT = "subject"
    """A "Re:" / "Subject:" / "Objet :" line."""
    SALUTATION = "salutation"
    PARAGRAPH = "paragraph"
    CLOSING = "closing"
    SIGNATORIES = "signatories"
    POSTSCRIPT = "postscript"
    """A "P.S." after the signatures."""
    HEADING = "heading"
    LIST = "list"


TRANSLATABLE = frozenset(
    {
        BlockKind.SUBJECT,
        BlockKind.SALUTATION,
        BlockKind.PARAGRAPH,
        BlockKind.CLOSING,
        BlockKind.POSTSCRIPT,
        BlockKind.HEADING,
        BlockKind.LIST,
    }
)
"""Kinds whose text a reader expects in the target language (not names, dates or addresses)."""

TABLE_HEADER = "|#"
TABLE_ROW = "|"
"""Markers of a Markdown table's header row and its other rows (cells joined by " | " in the line)."""


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
    newline: str = field(default="\n", compare=False)
    """The master file's line ending ("\r\n" for a CRLF master): its translations are written the same way."""
    bom: bool = field(default=False, compare=False)
    """Whether the master file starts with a UTF-8 byte order mark (so do its translations)."""

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)

    def ids(self) -> list[str]:
        return [b.id for b in self.blocks]


@dataclass(frozen=True)
class Signatory:
    """One signer of a letter: an organisation or a person (with title), and their countries.

    ``shape`` remembers how the line was written, so a translation writes it
    the same way: ``paren`` "Org (Country)", ``comma`` "Org, Country", ``dash``
    "Org – Country", ``cells`` a table row "Org | Country", ``plain`` a name
    alone. The name is never translated; the countries are rendered from CLDR.
    """

    name: str
    countries: tuple[str, ...]
    joiner: str = ", "
    """How the countries were joined (", " or " and " in the master's language)."""
    shape: str = "plain"
    separator: str = ""
    """What stood between name and countries (" – ", ", ", ...), for shapes dash and comma."""

    @property
    def organisation(self) -> str:
        return self.name

    @classmethod
    def parse(cls, line: str, lang: str = "en") -> Signatory:
        """Split a signatory line by its shape; a tail is taken for countries only when CLDR knows them.

        A parenthesis is always read as the countries (the sample's convention);
        "Org, Country" and "Org – Country" only when every name after the
        separator is a country in ``lang``, so "Dr. Amina Diallo, Director,
        Sahel Peace Observatory" stays one name.
        """
        line = line.strip()
        if " | " in line or line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            countries, joiner = _split_countries(cells[1] if len(cells) > 1 else "", lang)
            return cls(cells[0], countries, joiner, "cells")
        match = _PARENTHESIS.match(line)
        if match:
            countries, joiner = _split_countries(match["countries"], lang)
            return cls(match["org"].strip(), countries, joiner, "paren")
        for shape, pattern in (("dash", _DASH), ("comma", _COMMA)):
            match = pattern.match(line)
            if match:
                countries, joiner = _split_countries(match["countries"], lang)
                if countries and all(_is_country(c, lang) for c in countries):
                    return cls(match["org"].strip(), countries, joiner, shape, match["sep"])
        return cls(line, (), ", ", "plain")

    def render(self, countries: tuple[str, ...] | None = None, joined: str | None = None) -> str:
        """The line again in its shape; ``joined`` replaces the countries (a translated list)."""
        if not self.countries:
            return self.name if self.shape != "cells" else f"{self.name} | "
        inside = joined if joined is not None else self.joiner.join(countries or self.countries)
        if self.shape == "cells":
            return f"{self.name} | {inside}"
        if self.shape in ("dash", "comma"):
            return f"{self.name}{self.separator}{inside}"
        return f"{self.name} ({inside})"


_PARENTHESIS = re.compile(r"^(?P<org>.+?)\s*\((?P<countries>[^()]+)\)\s*$")
_DASH = re.compile(r"^(?P<org>.+)(?P<sep>\s+[\u2014\u2013-]\s+)(?P<countries>[^\u2014\u2013]+?)\s*$")
_COMMA = re.compile(r"^(?P<org>.+)(?P<sep>,\s+)(?P<countries>[^,]+(?:\s+(?:and|et|y|e|und)\s+[^,]+)?)\s*$")
_CONJUNCTIONS = {"en": "and", "fr": "et", "es": "y", "pt": "e", "it": "e", "de": "und", "ar": "\u0648"}


def _split_countries(text: str, lang: str) -> tuple[tuple[str, ...], str]:
    """ "United States and Switzerland" -> (("United States", "Switzerland"), " and ")."""
    words = {"and", _CONJUNCTIONS.get(lang.split("-")[0].split("_")[0], "and")}
    alternation = "|".join(re.escape(w) for w in sorted(words))
    conjunction = re.search(rf"\s+({alternation})\s+", text)
    joiner = f" {conjunction[1]} " if conjunction and "," not in text else ", "
    parts = re.split(rf",\s*|\s+(?:{alternation})\s+", text)
    return tuple(p.strip() for p in parts if p.strip()), joiner


def _is_country(name: str, lang: str) -> bool:
    from polyletter.document.localize import country_code

    return country_code(name, lang) is not None or country_code(name, "en") is not None


SIGNATORY_LABELS: dict[str, tuple[str, str]] = {
    "en": ("Organisation", "Country"),
    "fr": ("Organisation", "Pays"),
    "es": ("Organización", "País"),
    "ar": ("المنظمة", "البلد"),
    "pt": ("Organização", "País"),
    "ru": ("Организация", "Страна"),
}
"""Column titles of a signatories table; other languages fall back to English."""


def signatory_labels(lang: str) -> tuple[str, str]:
    return SIGNATORY_LABELS.get(lang.replace("-", "_").split("_")[0], SIGNATORY_LABELS["en"])
