"""polyletter.toml: what a workspace translates, from which language, with which engine."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from polyletter.errors import ConfigError
from polyletter.store.fileio import read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_NAME = "polyletter.toml"


@dataclass(frozen=True)
class ArgosSettings:
    """Decoding settings. Beam 2 keeps most of beam 4's quality at half the cost."""

    beam_size: int = 2
    max_decoding_length: int = 256
    length_ratio: float = 2.0
    length_slack: int = 10
    max_batch_tokens: int = 4096
    compute_type: str = "auto"
    intra_threads: int = 0


@dataclass(frozen=True)
class Config:
    source: str = "en"
    targets: tuple[str, ...] = ("fr", "es")
    engine: str = "argos"
    pivot: str = "en"
    glossaries: tuple[str, ...] = ("glossary/*.yaml",)
    page_size: str = "A4"
    argos: ArgosSettings = field(default_factory=ArgosSettings)


def default_config_text(source: str, targets: list[str]) -> str:
    """The polyletter.toml that ``init`` writes, with every setting spelled out."""
    target_list = ", ".join(f'"{t}"' for t in targets)
    defaults = ArgosSettings()
    return f"""# polyletter workspace settings
[project]
source = "{source}"            # language of the masters in translations/{source}/
targets = [{target_list}]      # languages `polyletter translate` produces by default
glossaries = ["glossary/*.yaml"]

[engine]
name = "argos"                 # argos (neural, Argos Translate models) or apertium (rule-based)
pivot = "en"                   # used when no direct model exists for a pair

[engine.argos]
beam_size = {defaults.beam_size}
max_decoding_length = {defaults.max_decoding_length}   # hard cap, in tokens
length_ratio = {defaults.length_ratio}         # and at most ratio x input tokens + slack
length_slack = {defaults.length_slack}
max_batch_tokens = {defaults.max_batch_tokens}

[export]
page_size = "A4"               # A4 or Letter
"""


def load_config(path: Path) -> Config:
    text = read_text(path, what="settings file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"not valid TOML ({err})", path=path) from None
    project = _table(data, "project", path)
    engine = _table(data, "engine", path)
    argos = _table(engine, "argos", path)
    export = _table(data, "export", path)
    try:
        argos_settings = ArgosSettings(**{**ArgosSettings().__dict__, **argos})
    except TypeError as err:
        raise ConfigError(f"[engine.argos]: {err}", path=path) from None
    targets = project.get("targets", list(Config.targets))
    if isinstance(targets, str):
        targets = [t.strip() for t in targets.split(",") if t.strip()]
    config = Config(
        source=str(project.get("source", Config.source)),
        targets=tuple(str(t) for t in targets),
        engine=str(engine.get("name", Config.engine)),
        pivot=str(engine.get("pivot", Config.pivot)),
        glossaries=tuple(project.get("glossaries", Config.glossaries)),
        page_size=str(export.get("page_size", Config.page_size)),
        argos=argos_settings,
    )
    if config.page_size not in ("A4", "Letter"):
        raise ConfigError(f"[export] page_size must be A4 or Letter, not {config.page_size!r}", path=path)
    return config


def _table(data: dict, key: str, path: Path) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table", path=path)
    return value
