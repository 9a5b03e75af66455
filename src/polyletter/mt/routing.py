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
    """A direct pair when installed; otherwise source->pivot->target when both halves are."""
    pairs = engine.pairs()
    if (source, target) in pairs:
        return Route(((source, target),))
    if pivot not in (source, target) and (source, pivot) in pairs and (pivot, target) in pairs:
        return Route(((source, pivot), (pivot, target)))
    raise EngineError(
        f"no {engine.name} model for {source}->{target}"
        + (f" and no pivot through {pivot}" if pivot not in (source, target) else ""),
        hint=f"Install one: {engine.install_hint(source, target)}",
    )
