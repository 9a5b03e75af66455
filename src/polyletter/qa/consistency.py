"""The same source sentence translated two ways: within the letter, or across the workspace's letters.

A reader comparing a letter's paragraphs (or two letters of one campaign)
notices "Estados Miembros" here and "los Estados miembros" there. Pairs
are whole blocks and, where a block's sentences line up one to one, single
sentences (the alignment the translation memory uses). Within the letter the
first occurrence is the reference and each later one that differs is
reported; across letters the reference is a person's translation from the
memory (:attr:`Letterwide.elsewhere`, filled by ``check`` when ``[memory]``
is enabled).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator

from polyletter.document.letter import Letter
from polyletter.memory.harvest import aligned_sentences
from polyletter.qa.base import RENDERED, Check, Context, Issue, Letterwide, clip
from polyletter.store.catalog import Entry

_Index = tuple[dict[str, list[tuple[str, str]]], dict[str, tuple[str, str]]]


def _same(a: str, b: str) -> bool:
    return unicodedata.normalize("NFC", " ".join(a.split())) == unicodedata.normalize(
        "NFC", " ".join(b.split())
    )


def pairs(entry: Entry, source_lang: str, target_lang: str) -> list[tuple[str, str]]:
    """(source, translation) of the block itself and of each of its aligned sentences."""
    return [
        (entry.source, entry.translation),
        *_aligned(entry.source, entry.translation, source_lang, target_lang),
    ]


@functools.lru_cache(maxsize=4096)
def _aligned(source: str, target: str, source_lang: str, target_lang: str) -> tuple[tuple[str, str], ...]:
    """Cached: ``check`` asks for a block's sentences once for the memory and once for this check."""
    return tuple(aligned_sentences(source, target, source_lang, target_lang))


def _index(master: Letter, letter: Letterwide, source_lang: str, target_lang: str) -> _Index:
    """Each block's pairs, and source text -> (its first translation in the letter, the block that has it)."""
    by_block: dict[str, list[tuple[str, str]]] = {}
    seen: dict[str, tuple[str, str]] = {}
    for block in master.blocks:
        entry = letter.entries.get(block.id)
        if (
            block.kind in RENDERED
            or entry is None
            or entry.source != block.text
            or not entry.translation.strip()
        ):
            continue
        by_block[block.id] = pairs(entry, source_lang, target_lang)
        for source, translation in by_block[block.id]:
            seen.setdefault(source, (translation, block.id))
    return by_block, seen


class Inconsistent(Check):
    check_id = "inconsistent"
    name = "Inconsistent translation"
    description = (
        "The same source sentence is translated differently elsewhere in the letter or the workspace."
    )

    def check(self, ctx: Context) -> Iterator[Issue]:
        letter = ctx.letter
        if letter.master is None:
            return
        master = letter.master
        by_block, seen = letter.memo(
            ("inconsistent", ctx.target_lang),
            lambda: _index(master, letter, ctx.source_lang, ctx.target_lang),
        )
        for source, translation in by_block.get(ctx.block.id, ()):
            first = seen.get(source)
            if first is not None and first[1] != ctx.block.id and not _same(first[0], translation):
                yield Issue(f"{clip(source, 40)!r} is translated {clip(first[0], 50)!r} in {first[1]}")
                continue
            other = letter.elsewhere.get(source)
            if other is not None and not _same(other[0], translation):
                yield Issue(f"{clip(source, 40)!r} is translated {clip(other[0], 50)!r} in {other[1]}")
