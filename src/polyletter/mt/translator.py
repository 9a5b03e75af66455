"""Sending sentences through an engine: glossary first, cache next, one batch per language pair.

Routes for several targets are run leg by leg, so that every language pair of
a run -- including a shared pivot leg such as fr->en for fr->es and fr->pt --
reaches the engine in a single ``translate`` call, and only with sentences
the cache does not already hold.

The cache holds the engine's raw answer to exactly what it was sent: the
sentence with glossary terms already masked or injected. So a change to the
glossary retranslates exactly the sentences whose masked form it changes, and
a new target form for a placeholder-protected term costs no engine call at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from polyletter.errors import EngineError, PolyletterError, ServerError
from polyletter.glossary import Glossary
from polyletter.mt.cache import CacheKey, TranslationCache
from polyletter.mt.enforce import Prepared, TermEnforcer, TermOutcome
from polyletter.mt.engines.base import Engine, TermSpan
from polyletter.mt.routing import Route
from polyletter.wording import count


@dataclass
class MTStats:
    requested: int = 0
    from_cache: int = 0
    sent: int = 0
    per_pair: dict[tuple[str, str], int] = field(default_factory=dict)
    """Sentences sent to the engine, per (source, target) leg."""
    cached_per_pair: dict[tuple[str, str], int] = field(default_factory=dict)
    """Sentences answered by the cache, per (source, target) leg."""
    cache_unavailable: str | None = None
    """Why the cache file could not be used (the run went on without it)."""
    fallbacks: int = 0
    """Sentences whose placeholders the engine mangled, translated again in pieces without them."""
    from_memory: int = 0
    """Sentences a person's translation in the translation memory answered (no engine, no cache)."""

    def to_dict(self) -> dict[str, object]:
        """For ``translate --json``: totals, and per leg (``en-fr``) what was sent and what was cached."""
        legs = sorted(set(self.per_pair) | set(self.cached_per_pair))
        return {
            "requested": self.requested,
            "sent": self.sent,
            "from_cache": self.from_cache,
            "from_memory": self.from_memory,
            "fallbacks": self.fallbacks,
            "cache_unavailable": self.cache_unavailable,
            "pairs": {
                f"{a}-{b}": {
                    "sent": self.per_pair.get((a, b), 0),
                    "from_cache": self.cached_per_pair.get((a, b), 0),
                }
                for a, b in legs
            },
        }


@dataclass
class RunResult:
    texts: dict[str, dict[str, str]]
    """target -> source sentence -> translation."""
    terms: dict[str, dict[str, list[TermOutcome]]]
    """target -> source sentence -> what happened to its glossary terms, leg after leg."""
    unknown: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """target -> source sentence -> words the engine did not know (copied untranslated), leg after leg."""


class MachineTranslator:
    def __init__(self, engine: Engine, cache: TranslationCache, glossary: Glossary | None = None) -> None:
        self.engine = engine
        self.cache = cache
        self.enforcer = TermEnforcer(
            glossary,
            getattr(engine, "glossary_strategy", "inject"),
            getattr(engine, "placeholder", None),
        )
        self.stats = MTStats()
        self._unknown: dict[tuple[tuple[str, str], str], list[str]] = {}
        """(pair, sentence) -> words the engine marked as unknown in its translation."""

    def provenance(self, route: Route) -> str:
        """How a route translates, for PO comments and commit trailers."""
        legs = ", ".join(f"{a}>{b} {self.engine.version(a, b)}" for a, b in route.legs)
        return f"{self.engine.name} {legs}"

    def run(self, jobs: Mapping[str, tuple[Route, Sequence[str]]]) -> RunResult:
        """Translate each target's sentences along its route."""
        current = {t: {s: s for s in sentences} for t, (_, sentences) in jobs.items()}
        terms: dict[str, dict[str, list[TermOutcome]]] = {t: {} for t in jobs}
        unknown: dict[str, dict[str, list[str]]] = {t: {} for t in jobs}
        self.stats.requested += sum(len(set(s)) for _, s in jobs.values())
        steps = max((len(route.legs) for route, _ in jobs.values()), default=0)
        for step in range(steps):
            wanted: dict[tuple[str, str], list[str]] = {}
            for target, (route, _) in jobs.items():
                if step < len(route.legs):
                    wanted.setdefault(route.legs[step], []).extend(current[target].values())
            done = {pair: self._translate_pair(pair, texts) for pair, texts in wanted.items()}
            for target, (route, _) in jobs.items():
                if step >= len(route.legs):
                    continue
                table = done[route.legs[step]]
                for src, text in current[target].items():
                    translated, outcomes = table[text]
                    current[target][src] = translated
                    terms[target].setdefault(src, []).extend(outcomes)
                    found = self._unknown.get((route.legs[step], text), [])
                    unknown[target].setdefault(src, []).extend(found)
        return RunResult(current, terms, unknown)

    def _translate_pair(
        self, pair: tuple[str, str], texts: Sequence[str]
    ) -> dict[str, tuple[str, list[TermOutcome]]]:
        source, target = pair
        unique = [t for t in dict.fromkeys(texts) if t.strip()]
        prepared: dict[str, Prepared] = {t: self.enforcer.prepare(t, source, target) for t in unique}
        inputs = list(dict.fromkeys(p.engine_input for p in prepared.values()))
        spans = {p.engine_input: list(p.spans) for p in prepared.values()}
        found, unknown = self._unmarked(self._through_engine(pair, inputs, spans))
        for t, p in prepared.items():
            self._unknown[pair, t] = unknown.get(p.engine_input, [])
        results: dict[str, tuple[str, list[TermOutcome]]] = {}
        mangled: dict[str, Prepared] = {}
        for t, p in prepared.items():
            finished = self.enforcer.finish(p, found[p.engine_input], target)
            if finished is None:
                mangled[t] = p
            else:
                results[t] = finished
        if mangled:
            # The engine broke a placeholder: translate those sentences in pieces, with none.
            pieces = [x for p in mangled.values() for x in self.enforcer.fallback_pieces(p)]
            pieces = list(dict.fromkeys(pieces))
            done, unknown = self._unmarked(self._through_engine(pair, pieces, {}))
            for t, p in mangled.items():
                results[t] = self.enforcer.reassemble(p, done, target)
                words = (w for x in self.enforcer.fallback_pieces(p) for w in unknown.get(x, []))
                self._unknown[pair, t] = list(dict.fromkeys(words))
            self.stats.fallbacks += len(mangled)
        results.update({t: (t, []) for t in texts if not t.strip()})
        return results

    def _unmarked(self, found: dict[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
        """The engine's answers without its unknown-word marks, and the words it marked.

        The cache keeps the answers as the engine gave them, marks and all, so
        a sentence served from the cache still reports what the engine did not know.
        """
        unmark = getattr(self.engine, "unmark", None)
        if unmark is None:
            return found, {}
        texts: dict[str, str] = {}
        unknown: dict[str, list[str]] = {}
        for sentence, answer in found.items():
            texts[sentence], words = unmark(sentence, answer)
            if words:
                unknown[sentence] = words
        return texts, unknown

    def _through_engine(
        self, pair: tuple[str, str], inputs: list[str], spans: Mapping[str, list[TermSpan]]
    ) -> dict[str, str]:
        """The engine's answer to each input: the cache's, else one batch call for all the others."""
        source, target = pair
        # ``cache_tag`` changes when an engine changes what it returns (not its output): marks kept.
        version = self.engine.version(source, target) + getattr(self.engine, "cache_tag", "")
        key = CacheKey(self.engine.name, version, source, target)
        found = self.cache.lookup(key, inputs)
        missing = [t for t in inputs if t not in found]
        self.stats.from_cache += len(inputs) - len(missing)
        if len(inputs) > len(missing):
            cached = self.stats.cached_per_pair
            cached[pair] = cached.get(pair, 0) + len(inputs) - len(missing)
        if missing:
            wanted_terms = [spans[t] for t in missing] if any(spans.get(t) for t in missing) else None
            # An engine that can keep its unknown-word marks gives them: they are cached, then stripped.
            call = getattr(self.engine, "translate_marked", self.engine.translate)
            try:
                translated = call(source, target, missing, wanted_terms)
            except ServerError as err:
                # A server that failed half-way: keep what it did translate, so the re-run sends the rest.
                partial = ((missing[i], text) for i, text in err.done.items() if i < len(missing))
                self.cache.store(key, partial)
                raise
            except PolyletterError:
                raise
            except Exception as err:  # an engine's own failure (CTranslate2, a subprocess, memory)
                raise EngineError(
                    f"{self.engine.name} failed on {source}->{target}: {type(err).__name__}: {err}",
                    hint="Nothing was written; run again, or try --engine apertium.",
                ) from err
            if len(translated) != len(missing):
                raise EngineError(
                    f"{self.engine.name} returned {count(len(translated), 'translation')} "
                    f"for {count(len(missing), 'sentence')}"
                )
            fresh = dict(zip(missing, translated, strict=True))
            self.cache.store(key, fresh.items())
            found.update(fresh)
            self.stats.sent += len(missing)
            self.stats.per_pair[pair] = self.stats.per_pair.get(pair, 0) + len(missing)
        self.stats.cache_unavailable = self.cache.unavailable
        return found
