"""Translation engines, one module each, all behind :class:`polyletter.mt.engines.base.Engine`."""

from __future__ import annotations

import importlib

from polyletter.errors import ConfigError
from polyletter.mt.engines.base import Engine
from polyletter.store.config import Config

_ENGINES = {
    "argos": "polyletter.mt.engines.argos",
    "apertium": "polyletter.mt.engines.apertium",
}


def engine_names() -> list[str]:
    return sorted(_ENGINES)


def get_engine(name: str, config: Config) -> Engine:
    """Create the named engine; its module is only imported now, keeping start-up light."""
    try:
        module = importlib.import_module(_ENGINES[name])
    except KeyError:
        raise ConfigError(
            f"unknown engine {name!r}", hint=f"Choose one of: {', '.join(engine_names())}."
        ) from None
    return module.create(config)
