"""The protocol every translation engine implements (cf. pre-commit's ``Language``).

An engine knows which language pairs it has, gives a version string for each
(used in provenance and in cache keys, so it must change whenever the output
could), and translates a whole batch of sentences in one call. Everything else
-- sentence splitting, caching, glossary, pivoting -- lives outside engines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable


@dataclass(frozen=True)
class TermSpan:
    """Where a glossary form stands in an input sentence (``start:end``) and its exact text.

    Handed to engines that enforce terms by injection, so they can check, after
    decoding, that the form survived -- and repair it where they can.
    """

    start: int
    end: int
    text: str


@runtime_checkable
class Engine(Protocol):
    name: str
    calls: list[tuple[str, str, int]]
    """One ``(source, target, sentence count)`` per ``translate`` call, for tests and stats."""
    glossary_strategy: Literal["placeholder", "inject"]
    """How glossary terms survive this engine (see :mod:`polyletter.mt.enforce`)."""

    def placeholder(self, index: int) -> str:
        """The token standing for the ``index``-th protected term (placeholder strategy)."""
        ...

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The language pairs this engine can translate directly."""
        ...

    def version(self, source: str, target: str) -> str:
        """A string that changes whenever the pair's output could change."""
        ...

    def install_hint(self, source: str, target: str) -> str:
        """What the user should run to get the pair."""
        ...

    def translate(
        self,
        source: str,
        target: str,
        sentences: Sequence[str],
        terms: Sequence[Sequence[TermSpan]] | None = None,
    ) -> list[str]:
        """Translate every sentence, in order, as one batch.

        ``terms`` (inject strategy) gives, per sentence, the glossary forms
        written into it; the engine should make them survive.
        """
        ...
