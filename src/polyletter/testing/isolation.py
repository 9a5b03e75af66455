"""An isolated home for tests and benchmarks: no real models, caches or package index are touched."""

from __future__ import annotations

from pathlib import Path

_DIRECTORIES = (
    ("HOME", "home"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_CACHE_HOME", "cache"),
    ("ARGOS_PACKAGES_DIR", "data/argos-translate/packages"),
)


def isolated_environment(root: Path) -> dict[str, str]:
    """HOME, XDG_* and ARGOS_PACKAGES_DIR under ``root`` (created), to set before argostranslate loads.

    ARGOS_PACKAGE_INDEX is not in it: callers remove it, so nothing reaches
    the real index unless a test points it at a local server.
    """
    environment = {}
    for name, sub in _DIRECTORIES:
        path = root / sub
        path.mkdir(parents=True, exist_ok=True)
        environment[name] = str(path)
    return environment
