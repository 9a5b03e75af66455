"""A long letter is decoded in bounded pieces, one logical call, the same translations (issue 15).

CTranslate2's decoder state grows with sentences x beam x decoding length;
``max_batch_steps`` bounds it. What must not change: the engine is called
once per pair, a normal letter is one batch, and every sentence comes out as
it would in one batch (the real fixture model, both ways).
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from polyletter.mt.engines.argos import ArgosEngine, _chunks
from polyletter.mt.engines.base import TermSpan
from polyletter.store.config import ArgosSettings

SENTENCES = [
    "We welcome the opportunity for États Membres to discuss the third pillar.",  # a form injected
    "Civil society plays a critical role.",
    "A confirmed date for the meeting will strengthen the platform for engagement between all actors.",
    "We urge you to ensure this early and inclusive preparation.",
    "Thank you.",
]


@given(st.lists(st.integers(1, 600), max_size=60), st.integers(1, 3000))
def test_pieces_hold_every_sentence_once_and_fit_the_budget(steps: list[int], budget: int) -> None:
    pieces = _chunks(steps, budget)
    assert sorted(i for piece in pieces for i in piece) == list(range(len(steps)))
    for piece in pieces:
        assert len(piece) == 1 or len(piece) * max(steps[i] for i in piece) <= budget


def test_a_normal_letter_is_one_piece() -> None:
    steps = [2 * (2 * 60 + 10)] * 19  # the sample letter: 19 sentences, the longest about 60 tokens
    assert len(_chunks(steps, ArgosSettings().max_batch_steps)) == 1


def test_pieces_translate_as_one_batch_does(fr_es_models: list) -> None:
    start = SENTENCES[0].index("États Membres")
    terms = [[TermSpan(start, start + len("États Membres"), "États Membres")], [], [], [], []]
    whole = ArgosEngine()
    in_pieces = ArgosEngine(replace(ArgosSettings(), max_batch_steps=1))  # one sentence per piece
    batches: list[int] = []
    original = in_pieces._load

    def load(source: str, target: str):
        translator, tokenizer, prefix = original(source, target)

        class Counting:
            def translate_batch(self, batch, **options):
                batches.append(len(batch))
                return translator.translate_batch(batch, **options)

        return Counting(), tokenizer, prefix

    in_pieces._load = load  # type: ignore[method-assign]
    assert in_pieces.translate("en", "fr", SENTENCES, terms) == whole.translate("en", "fr", SENTENCES, terms)
    assert batches == [1] * len(SENTENCES)
    assert in_pieces.calls == [("en", "fr", len(SENTENCES))]  # one logical call for the pair
