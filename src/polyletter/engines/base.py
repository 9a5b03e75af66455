"""The protocol every translation engine implements (cf. pre-commit's ``Language``).

An engine knows which language pairs it has, gives a version string for each
(used in provenance and in cache keys, so it must change whenever the output
could), and translates a whole batch of sentences in one call. Everything else
-- sentence splitting, caching, glossary, pivoting -- lives outside engines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Engine(Protocol):
    name: str
    calls: list[tuple[str, str, int]]
    """One ``(source, target, sentence count)`` per ``translate`` call, for tests and stats."""

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The language pairs this engine can translate directly."""
        ...

    def version(self, source: str, target: str) -> str:
        """A string that changes whenever the pair's output could change."""
        ...

    def install_hint(self, source: str, target: str) -> str:
        """What the user should run to get the pair."""
        ...

    def translate(self, source: str, target: str, sentences: Sequence[str]) -> list[str]:
        """Translate every sentence, in order, as one batch."""
        ...
