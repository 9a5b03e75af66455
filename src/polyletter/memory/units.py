"""What the translation memory holds: translation units, and the matches it offers.

A unit is one source text and its translation in a language pair, with where
it came from (letter, block, origin, author, commit), as CAT tools keep them
(OmegaT's project memory, Weblate's translation memory, TMX's ``<tu>``).
Units are whole blocks or, where a block's sentences line up one to one in
both languages, single sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["block", "sentence"]

HUMAN = 0
"""Rank of a person's translation (origin human or review, or imported from a TMX)."""
MACHINE = 1
"""Rank of a machine translation that QA had nothing against: offered, never reused as it is."""


@dataclass(frozen=True)
class Unit:
    source: str
    target: str
    source_lang: str
    target_lang: str
    letter: str = ""
    block: str = ""
    origin: str = "human"
    """human, review, machine, or ``tmx:<file>`` for units imported from a TMX."""
    author: str = ""
    commit: str = ""
    time: int = 0
    """When the unit was committed (seconds since the epoch): the newest wins among equals."""
    kind: Kind = "block"

    @property
    def rank(self) -> int:
        return MACHINE if self.origin == "machine" else HUMAN

    @property
    def pair(self) -> str:
        return f"{self.source_lang}>{self.target_lang}"

    @property
    def where(self) -> str:
        """ "r2p-2012 paragraph-2 @ 1a2b3c4d5e6f", or the TMX file a unit was imported from."""
        place = " ".join(part for part in (self.letter, self.block) if part) or self.origin
        return f"{place} @ {self.commit[:12]}" if self.commit else place


@dataclass(frozen=True)
class Match:
    """A unit offered for a text, and how similar its source is (rapidfuzz ratio, 0-100)."""

    unit: Unit
    score: float

    def note(self) -> str:
        """One line for a PO translator comment and the review sheet's notes.

        "88% similar, in r2p-2012 paragraph-2 @ 1a2b3c4d5e6f (human, Ana): text"
        """
        origin = self.unit.origin + (f", {self.unit.author}" if self.unit.author else "")
        text = self.unit.target.replace("\n", "\\n")
        return f"{self.score:.0f}% similar, in {self.unit.where} ({origin}): {text}"
