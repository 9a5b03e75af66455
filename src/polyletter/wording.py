"""Counts in words: "1 block", "2 blocks", so no message says "1 findings".

Every count polyletter prints (CLI lines, QA summaries, commit bodies, error
messages) goes through :func:`count`; English plurals of the few nouns used
are regular, with irregular ones passed explicitly.
"""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "block")`` -> ``"1 block"``; ``count(2, "block")`` -> ``"2 blocks"``."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
