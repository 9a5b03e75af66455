"""Sending sentences through an engine: cache first, one batch per language pair.

Routes for several targets are run leg by leg, so that every language pair of
a run -- including a shared pivot leg such as fr->en for fr->es and fr->pt --
reaches the engine in a single ``translate`` call, and only with sentences
the cache does not already hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from polyletter.cache import CacheKey, TranslationCache
from polyletter.engines.base import Engine
from polyletter.engines.routing import Route
from polyletter.errors import EngineError


@dataclass
class MTStats:
    requested: int = 0
    from_cache: int = 0
    sent: int = 0
    per_pair: dict[tuple[str, str], int] = field(default_factory=dict)


class MachineTranslator:
    def __init__(self, engine: Engine, cache: TranslationCache, variant: str = "") -> None:
        self.engine = engine
        self.cache = cache
        self.variant = variant
        self.stats = MTStats()

    def provenance(self, route: Route) -> str:
        """How a route translates, for PO comments and commit trailers."""
        legs = ", ".join(f"{a}>{b} {self.engine.version(a, b)}" for a, b in route.legs)
        return f"{self.engine.name} {legs}"

    def run(self, jobs: Mapping[str, tuple[Route, Sequence[str]]]) -> dict[str, dict[str, str]]:
        """Translate each target's sentences along its route; returns target -> source -> text."""
        current = {t: {s: s for s in sentences} for t, (_, sentences) in jobs.items()}
        self.stats.requested += sum(len(set(s)) for _, s in jobs.values())
        steps = max((len(route.legs) for route, _ in jobs.values()), default=0)
        for step in range(steps):
            wanted: dict[tuple[str, str], list[str]] = {}
            for target, (route, _) in jobs.items():
                if step < len(route.legs):
                    bucket = wanted.setdefault(route.legs[step], [])
                    bucket.extend(current[target].values())
            done = {pair: self._translate_pair(pair, texts) for pair, texts in wanted.items()}
            for target, (route, _) in jobs.items():
                if step < len(route.legs):
                    table = done[route.legs[step]]
                    current[target] = {src: table[text] for src, text in current[target].items()}
        return current

    def _translate_pair(self, pair: tuple[str, str], texts: Sequence[str]) -> dict[str, str]:
        source, target = pair
        unique = [t for t in dict.fromkeys(texts) if t.strip()]
        key = CacheKey(self.engine.name, self.engine.version(source, target), source, target, self.variant)
        found = self.cache.lookup(key, unique)
        missing = [t for t in unique if t not in found]
        self.stats.from_cache += len(unique) - len(missing)
        if missing:
            translated = self.engine.translate(source, target, missing)
            if len(translated) != len(missing):
                raise EngineError(
                    f"{self.engine.name} returned {len(translated)} translations for {len(missing)} sentences"
                )
            fresh = dict(zip(missing, translated, strict=True))
            self.cache.store(key, fresh.items())
            found.update(fresh)
            self.stats.sent += len(missing)
            self.stats.per_pair[pair] = self.stats.per_pair.get(pair, 0) + len(missing)
        found.update({t: t for t in texts if not t.strip()})
        return found
