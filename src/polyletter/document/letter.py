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

from polyletter.document.inline import plain_text


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
    comments: tuple[str, ...] = field(default=(), compare=False)
    """HTML comments that stood on their own lines before the block in the master: not content
    (never translated, exported or sent to an engine), but written back where they stood."""

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
    """What stood between name and countries (" – ", ", ", ...) for shapes dash and comma; in a
    parenthesis, what came before the countries ("DefendDefenders, " in "X (DefendDefenders, Uganda)")."""
    lead: str = ""
    """The words before the parenthesis, when ``name`` also holds words from inside it."""

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
            org = match["org"].strip()
            countries, joiner = _split_countries(match["countries"], lang)
            known = [_is_country(c, lang) for c in countries]
            if all(known) or (not any(known) and all(map(_looks_like_place, countries))):
                return cls(org, countries, joiner, "paren")
            if known[-1]:  # "Name (Organisation, Country)": the organisation is part of the name
                first = len(known) - next(i for i, k in enumerate(reversed(known)) if not k)
                inner = match["countries"]
                cut = inner.index(countries[first], len(", ".join(countries[:first])))
                prefix = inner[:cut]
                name = f"{org}, {prefix.strip().rstrip(',').strip()}"
                return cls(name, countries[first:], joiner, "paren", prefix, org)
            return cls(line, (), ", ", "plain")
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
        return f"{self.lead or self.name} ({self.separator if self.lead else ''}{inside})"


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


def _looks_like_place(text: str) -> bool:
    """A name CLDR may not know but that reads as a country or region ("Myanmar", "Kurdistan").

    Its first and last words are capitalised or caseless ("République démocratique du Congo";
    a translation's "الولايات المتحدة وسويسرا", whose "and" is a prefix); it holds no digit.
    """
    words = text.split()
    return (
        0 < len(words) <= 6
        and not words[0][:1].islower()
        and not words[-1][:1].islower()
        and not any(ch.isdigit() for ch in text)
    )


_TITLES = frozenset({
    "director", "directora", "directeur", "directrice", "diretor", "diretora", "executive",
    "president", "présidente", "président", "presidenta", "presidente", "chair", "chairperson",
    "chairman", "chairwoman", "coordinator", "coordinatrice", "coordinateur", "coordinador",
    "coordinadora", "coordenador", "coordenadora", "secretary", "secrétaire", "secretario",
    "secretaria", "secretário", "secretária", "head", "founder", "co-founder", "cofounder", "manager",
    "officer", "adviser", "advisor", "representative", "représentant", "représentante",
    "representante", "ambassador", "ambassadeur", "embajador", "embajadora", "embaixador", "professor",
    "professeur", "profesor", "profesora", "dr.", "dr", "prof.", "prof",
})  # fmt: skip
"""Words that start a signer's title line ("Executive Director", "Président, Ligue Iteka")."""
_TITLE_QUALIFIERS = frozenset({"senior", "deputy", "acting", "interim", "general", "programme", "vice"})


def parse_signatories(lines: tuple[str, ...], markers: tuple[str, ...], lang: str) -> list[Signatory]:
    """The signers of a signatories block, one per line, or one per block for a person written on
    several lines (name, then title, then organisation) with no country; a table's header row is
    not a signer. Formatting is not part of a name."""
    rows = [
        plain_text(line).strip()
        for marker, line in zip(markers, lines, strict=True)
        if line.strip() and marker != TABLE_HEADER
    ]
    if len(rows) > 1 and rows[0].endswith(":"):
        rows = rows[1:]  # "Signatories:" / "On behalf of:" heads the list, it signs nothing
    signers = [Signatory.parse(row, lang) for row in rows]
    person = 2 <= len(rows) <= 4 and not any(s.countries for s in signers) and not any(markers)
    if person and "," not in rows[0] and starts_with_title(rows[1]):
        return [Signatory(", ".join(rows), (), ", ", "plain")]
    return signers


def starts_with_title(line: str) -> bool:
    """ "Executive Director", "Président, Ligue Iteka", "Senior Programme Officer": a title line."""
    words = [w.casefold() for w in line.replace(",", " ").split()]
    while words and words[0] in _TITLE_QUALIFIERS:
        words = words[1:]
    return bool(words) and words[0] in _TITLES


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
