"""What the memory gives a run before any engine: whole blocks, sentences, and similar units to offer.

A person's translation of exactly the same source, in the same pair, is used
as it is (``origin: memory``, with the letter, block and commit it came
from) and never sent to an engine -- unless the glossary disagrees with it
(a term missing or altered for the current glossary), since the glossary
wins over memory as over any engine; such a unit is offered instead. For
what the engine does translate, the most similar units at or above the
workspace's threshold are offered to the reviewer (the PO's translator
comments, the review sheet's notes), never used silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from polyletter.memory.store import TranslationMemory
from polyletter.memory.units import Match, Unit

MAX_OFFERS = 3


@dataclass(frozen=True)
class Wanted:
    """A block the run would send to an engine: its id, its text, its sentences as the engine gets them."""

    block_id: str
    text: str
    sentences: tuple[str, ...]


@dataclass
class Recall:
    blocks: dict[str, Unit] = field(default_factory=dict)
    """Block id -> the person's translation used for the whole block."""
    sentences: dict[str, Unit] = field(default_factory=dict)
    """Sentence -> the person's translation used for it (the rest of its block goes to the engine)."""
    offers: dict[str, list[Match]] = field(default_factory=dict)
    """Block id -> similar units offered to the reviewer."""

    def sentence_count(self, wanted: Sequence[Wanted]) -> int:
        """How many sentences the memory answered: whole blocks' and single ones."""
        whole = sum(len(w.sentences) for w in wanted if w.block_id in self.blocks)
        single = {
            s for w in wanted if w.block_id not in self.blocks for s in w.sentences if s in self.sentences
        }
        return whole + len(single)


def recall(
    memory: TranslationMemory,
    wanted: Sequence[Wanted],
    source: str,
    target: str,
    *,
    threshold: float,
    glossary=None,
) -> Recall:
    """What the memory answers for ``wanted`` in ``source`` -> ``target``."""
    out = Recall()
    if not wanted:
        return out

    def agrees(unit: Unit) -> bool:
        if glossary is None:
            return True
        from polyletter.glossary import check_terms

        return not check_terms(unit.source, unit.target, glossary, source, target)

    refused: dict[str, Unit] = {}
    for text, unit in memory.exact(source, target, [w.text for w in wanted]).items():
        (out.blocks if agrees(unit) else refused)[text] = unit
    blocks = {w.block_id: out.blocks[w.text] for w in wanted if w.text in out.blocks}
    out.blocks = blocks
    rest = [w for w in wanted if w.block_id not in blocks]
    for text, unit in memory.exact(source, target, [s for w in rest for s in w.sentences]).items():
        (out.sentences if agrees(unit) else refused)[text] = unit
    for item in rest:
        offers = [Match(refused[item.text], 100.0)] if item.text in refused else []
        offers += memory.similar(source, target, item.text, threshold)
        if not offers:
            for sentence in item.sentences:
                if sentence in out.sentences:
                    continue
                if sentence in refused:
                    offers.append(Match(refused[sentence], 100.0))
                else:
                    offers += memory.similar(source, target, sentence, threshold)
                if len(offers) >= MAX_OFFERS:
                    break
        if offers:
            out.offers[item.block_id] = offers[:MAX_OFFERS]
    return out
