"""Which engine calls turn one language into another: directly, or through a pivot."""

from __future__ import annotations

from dataclasses import dataclass

from polyletter.errors import EngineError
from polyletter.mt.engines.base import Engine


@dataclass(frozen=True)
class Route:
    legs: tuple[tuple[str, str], ...]

    @property
    def pivot(self) -> str | None:
        return self.legs[0][1] if len(self.legs) > 1 else None


def plan_route(engine: Engine, source: str, target: str, pivot: str = "en") -> Route:
    """A direct pair when installed; otherwise source->pivot->target when both halves are.

    A regional code (``es-MX``, ``pt-BR``) uses the engine's regional pair when it
    has one, else its base language's (Argos models and Apertium pairs are per
    language: es-MX is translated by en->es). The legs name the codes the engine
    was called with, so the provenance says which pair was used.
    """
    pairs = engine.pairs()
    known = {code for pair in pairs for code in pair}
    src, tgt, piv = (_engine_code(code, known) for code in (source, target, pivot))
    if (src, tgt) in pairs:
        return Route(((src, tgt),))
    if piv not in (src, tgt) and (src, piv) in pairs and (piv, tgt) in pairs:
        return Route(((src, piv), (piv, tgt)))
    raise EngineError(
        f"no {engine.name} model for {source}->{target}"
        + (f" and no pivot through {pivot}" if piv not in (src, tgt) else ""),
        hint=f"Install one: {engine.install_hint(src, tgt)}",
    )


def _engine_code(code: str, known: set[str]) -> str:
    """``code`` if the engine has pairs for it, else its base language (which hints name too)."""
    from polyletter.document.languages import base_lang

    return code if code in known else base_lang(code)
