"""Translation engines, one module each, all behind :class:`polyletter.mt.engines.base.Engine`.

Each engine module provides ``create(config) -> Engine`` and ``PLACEHOLDER_RE``
(the shape of the stand-ins it is given for glossary terms, or None when it
is given the terms themselves), and may provide ``DEBRIS_RE``, the looser shape
of what an engine leaves of them (QA reports it). Modules are imported on first use only.
"""

from __future__ import annotations

import functools
import importlib
import re
from types import ModuleType

from polyletter.errors import ConfigError
from polyletter.mt.engines.base import Engine
from polyletter.store.config import Config

_ENGINES = {
    "argos": "polyletter.mt.engines.argos",
    "apertium": "polyletter.mt.engines.apertium",
    "apertium-apy": "polyletter.mt.engines.apertium_apy",
    "libretranslate": "polyletter.mt.engines.libretranslate",
}


def engine_names() -> list[str]:
    return sorted(_ENGINES)


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(_ENGINES[name])
    except KeyError:
        raise ConfigError(
            f"unknown engine {name!r}", hint=f"Choose one of: {', '.join(engine_names())}."
        ) from None


def get_engine(name: str, config: Config) -> Engine:
    """Create the named engine; its module is only imported now, keeping start-up light."""
    return _module(name).create(config)


@functools.cache
def placeholder_patterns() -> tuple[re.Pattern[str], ...]:
    """The placeholder shapes of every registered engine (their debris, if known), for QA."""
    modules = [_module(name) for name in engine_names()]
    found = (getattr(m, "DEBRIS_RE", None) or getattr(m, "PLACEHOLDER_RE", None) for m in modules)
    return tuple(pattern for pattern in found if pattern is not None)


LOCAL_ENGINES = ("argos", "apertium")
"""Engines that run on this machine: asking them for their pairs contacts no server."""


def engines_for(source: str, target: str, config: Config, *, pivot: str = "en") -> list[str]:
    """The local engines that could translate ``source`` -> ``target`` now (directly or by pivot).

    Named in the error when the chosen engine lacks the pair, so a user who
    has Apertium's pair but no Argos model learns about ``--engine apertium``.
    Servers are never asked: a default URL is not a server the user set up.
    """
    from polyletter.mt.routing import plan_route

    found = []
    for name in LOCAL_ENGINES:
        try:
            plan_route(get_engine(name, config), source, target, pivot)
        except Exception:  # an engine that is missing or broken simply does not qualify
            continue
        found.append(name)
    return found


def engine_pairs(name: str, config: Config) -> list[tuple[str, str, str]]:
    """``(source, target, version)`` for every pair the named engine offers (a server: what it has now)."""
    engine = get_engine(name, config)
    try:
        return [(a, b, engine.version(a, b)) for a, b in sorted(engine.pairs())]
    finally:
        close = getattr(engine, "close", None)
        if close is not None:
            close()
