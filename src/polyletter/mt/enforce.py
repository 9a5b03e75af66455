"""The glossary wins on every engine: terms go in protected and come out as the glossary says.

Each engine picks its strategy (``glossary_strategy``):

- ``placeholder`` -- the term is swapped for a token the engine passes through
  untouched (Apertium copies unknown words), then the token is swapped for the
  term's target form. Debris of mangled tokens is removed, so no placeholder
  can ever reach a file.
- ``inject`` -- the term's target form is written into the source sentence,
  which neural models tend to copy; the engine is told where the forms stand
  so it can verify them after decoding and repair what it dropped (Argos
  aligns with CTranslate2's attention).

Either way the outcome of every term is recorded: ``enforced`` when its form is
in the output, ``missing`` when not, ``duplicated`` when a placeholder came
back twice. QA reports what an engine could not keep.

A placeholder the engine did not pass through cleanly -- split, inflected,
merged with a neighbour, repeated or dropped (Apertium's en-gl turns
``ZXQAAAA`` into ``AAde ZXQAA``) -- is not patched up: the sentence is
translated again in pieces cut at its terms, with no placeholder at all, and
the terms are put back between the pieces (:meth:`TermEnforcer.fallback_pieces`,
:meth:`TermEnforcer.reassemble`).

Whichever way the terms came through, the words around them are made to
agree last (:func:`polyletter.glossary.agreement.agree`): the determiner an
engine chose for a placeholder ("del" before "Naciones Unidas") is rewritten
for the form's gender and number, and two terms the source had side by side
in English order are put in the target's. The engine's raw answer, which
the cache keeps, is untouched; only what polyletter writes changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from polyletter.glossary import Glossary, Protected, find_terms, inject_with_spans, protect, restore
from polyletter.glossary.agreement import Pairs, agree, source_pairs
from polyletter.glossary.protection import reassemble, segments
from polyletter.mt.engines.base import TermSpan

Outcome = Literal["enforced", "missing", "duplicated"]


@dataclass(frozen=True)
class TermOutcome:
    term: str
    target_text: str
    status: Outcome


@dataclass(frozen=True)
class Prepared:
    """A sentence as the engine will receive it, and how to finish its output."""

    engine_input: str
    spans: tuple[TermSpan, ...] = ()
    protected: Protected | None = None
    terms: tuple[tuple[str, str], ...] = field(default=())
    """(source term, target form) for the inject strategy's verification."""
    adjacent: Pairs = frozenset()
    """Terms that stand side by side in the source sentence (English noun-adjunct order)."""


class TermEnforcer:
    def __init__(
        self,
        glossary: Glossary | None,
        strategy: str,
        placeholder: Callable[[int], str] | None = None,
    ) -> None:
        self.glossary = glossary if glossary is not None and glossary.terms else None
        self.strategy = strategy
        self.placeholder = placeholder

    def prepare(self, text: str, source: str, target: str) -> Prepared:
        if self.glossary is None:
            return Prepared(text)
        matches = find_terms(self.glossary, text, source, target_lang=target)
        if not matches:
            return Prepared(text)
        adjacent = source_pairs(self.glossary, text, source, target) if len(matches) > 1 else frozenset()
        if self.strategy == "placeholder" and self.placeholder is not None:
            try:
                protected = protect(text, matches, self.placeholder)
            except ValueError:
                pass  # the text already holds a placeholder-like token: inject instead
            else:
                return Prepared(protected.text, protected=protected, adjacent=adjacent)
        injected, spans = inject_with_spans(text, matches, target)
        pairs = tuple((m.term.term, form) for m, (_, _, form) in zip(matches, spans, strict=True))
        return Prepared(
            injected, tuple(TermSpan(s, e, form) for s, e, form in spans), terms=pairs, adjacent=adjacent
        )

    def fallback_pieces(self, prepared: Prepared) -> list[str]:
        """What to translate instead of a mangled sentence: its pieces between terms, stripped."""
        assert prepared.protected is not None
        return [p.strip() for p in segments(prepared.protected) if _has_word(p)]

    def reassemble(
        self, prepared: Prepared, pieces: dict[str, str], target: str
    ) -> tuple[str, list[TermOutcome]]:
        """The sentence from its translated pieces, every term in its glossary form."""
        protected = prepared.protected
        assert protected is not None
        done = reassemble(protected, lambda piece: pieces.get(piece) if _has_word(piece) else None, target)
        text = self._agree(prepared, done.text, target)
        return text, [TermOutcome(r.term.term, r.target_text, "enforced") for r in done.records]

    def finish(self, prepared: Prepared, output: str, target: str) -> tuple[str, list[TermOutcome]] | None:
        """The engine's output with the glossary applied, and what happened to each term.

        None when the engine did anything to a placeholder but copy it exactly
        once, as a word: that sentence is translated again in pieces
        (:meth:`fallback_pieces`). One restore answers both, once per sentence.
        """
        if prepared.protected is not None:
            restored = restore(output, prepared.protected, target)
            if not restored.clean:
                return None
            outcomes = [TermOutcome(r.term.term, r.target_text, "enforced") for r in restored.records]
            return self._agree(prepared, restored.text, target), outcomes
        folded = output.casefold()
        outcomes = [
            TermOutcome(term, form, "enforced" if form.casefold() in folded else "missing")
            for term, form in prepared.terms
        ]
        return self._agree(prepared, output, target), outcomes

    def _agree(self, prepared: Prepared, text: str, target: str) -> str:
        """The words around the terms made to agree with them (after any engine, any strategy)."""
        if prepared.protected is None and not prepared.terms:
            return text
        return agree(self.glossary, text, target, prepared.adjacent).text


def _has_word(text: str) -> bool:
    """Whether a piece is worth an engine call (punctuation and spaces are kept as they are)."""
    return any(ch.isalnum() for ch in text)
