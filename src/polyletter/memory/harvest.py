"""Units from the files in Git: PO entries of every language version, and imported TMX files.

A PO entry gives a block unit when a person wrote it (origin human or
review), or a machine unit when nothing QA records stands against it (not
fuzzy, every glossary term enforced, no unknown word, no lost formatting).
A person's block whose sentences line up one to one with the source's
gives sentence units too, so a sentence repeated in another letter is found
on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from polyletter.document.inline import plain_text
from polyletter.document.segment import split_sentences
from polyletter.memory.units import Unit
from polyletter.store.catalog import parse_catalog

HUMAN_ORIGINS = ("human", "review")
_DOUBTFUL = ("terms-lost", "unknown", "formatting-lost", "stale")


def po_units(
    text: str, path: Path, source_lang: str, target_lang: str, letter: str, commit: str, time: int
) -> Iterator[Unit]:
    """The units of one committed PO file (``path`` names it in errors)."""
    for entry in parse_catalog(text, path).values():
        if not entry.translation.strip() or not entry.source.strip() or entry.fuzzy:
            continue
        origin = entry.origin
        trusted = origin == "machine" and not any(key in entry.provenance for key in _DOUBTFUL)
        if origin not in HUMAN_ORIGINS and not trusted:
            continue  # dates and signatories rendered from CLDR, formulas, copies from memory
        common = dict(
            source_lang=source_lang,
            target_lang=target_lang,
            letter=letter,
            block=entry.block_id,
            origin=origin,
            author=entry.provenance.get("by", ""),
            commit=commit,
            time=time,
        )
        yield Unit(entry.source, entry.translation, kind="block", **common)
        if origin in HUMAN_ORIGINS:
            for source, target in aligned_sentences(
                entry.source, entry.translation, source_lang, target_lang
            ):
                yield Unit(source, target, kind="sentence", **common)


def aligned_sentences(source: str, target: str, source_lang: str, target_lang: str) -> list[tuple[str, str]]:
    """Sentence pairs of a block, line by line, where both sides have as many sentences (else none)."""
    source_lines, target_lines = source.split("\n"), target.split("\n")
    if len(source_lines) != len(target_lines):
        return []
    pairs: list[tuple[str, str]] = []
    for src, tgt in zip(source_lines, target_lines, strict=True):
        # Plain text, as the engine is given it: formatting travels apart (document.inline).
        a = [s.text for s in split_sentences(plain_text(src), source_lang)]
        b = [s.text for s in split_sentences(plain_text(tgt), target_lang)]
        if len(a) != len(b):
            return []
        pairs += zip(a, b, strict=True)
    return pairs if len(pairs) > 1 else []
