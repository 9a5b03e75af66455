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
    max_batch_steps: int = 10240
    """Hypotheses x decoding steps CTranslate2 holds at once (beam x bound per sentence): about 250 MB
    of decoder state for a base model, and a whole normal letter; a longer one is decoded in pieces."""
    compute_type: str = "auto"
    intra_threads: int = 0


@dataclass(frozen=True)
class LibreTranslateSettings:
    """A LibreTranslate server. The API key is read from the variable named here, never stored."""

    url: str = "http://127.0.0.1:5000"
    api_key_env: str = ""
    timeout: float = 60.0
    in_flight: int = 2
    """Requests sent at once: the server translates each on its own worker."""


@dataclass(frozen=True)
class ApySettings:
    """An Apertium APy server: one segment per request, so concurrency matters more than batching."""

    url: str = "http://127.0.0.1:2737"
    timeout: float = 60.0
    concurrency: int = 4


@dataclass(frozen=True)
class MemorySettings:
    """The translation memory (``[memory]``): people's translations reused before any engine."""

    enabled: bool = True
    fuzzy_threshold: float = 75.0
    """A similar unit at or above this score (0-100) is offered to the reviewer, never used as it is."""


REGISTERS = ("formal", "informal")
"""How a workspace's letters address their reader (``[project] register``): QA's register check."""


@dataclass(frozen=True)
class Config:
    source: str = "en"
    targets: tuple[str, ...] = ("fr", "es")
    engine: str = "argos"
    pivot: str = "en"
    glossaries: tuple[str, ...] = ("glossary/*.yaml",)
    register: str = "formal"
    """How the letters address their reader: ``formal`` (usted, vous, o senhor) or ``informal``."""
    page_size: str = "A4"
    argos: ArgosSettings = field(default_factory=ArgosSettings)
    libretranslate: LibreTranslateSettings = field(default_factory=LibreTranslateSettings)
    apertium_apy: ApySettings = field(default_factory=ApySettings)
    memory: MemorySettings = field(default_factory=MemorySettings)


def default_config_text(source: str, targets: list[str], engine: str = "argos") -> str:
    """The polyletter.toml that ``init`` writes, with every setting spelled out."""
    target_list = ", ".join(f'"{t}"' for t in targets)
    defaults = ArgosSettings()
    pad = " " * max(1, 23 - len(engine))
    return f"""# polyletter workspace settings
[project]
source = "{source}"            # language of the masters in translations/{source}/
targets = [{target_list}]      # languages `polyletter translate` produces by default
glossaries = ["glossary/*.yaml"]
register = "formal"            # formal (usted, vous, o senhor) or informal: what `check` holds letters to

[engine]
name = "{engine}"{pad}# argos, apertium, or a shared server: libretranslate, apertium-apy
pivot = "en"                   # used when no direct model exists for a pair

[engine.argos]
beam_size = {defaults.beam_size}
max_decoding_length = {defaults.max_decoding_length}   # hard cap, in tokens
length_ratio = {defaults.length_ratio}         # and at most ratio x input tokens + slack
length_slack = {defaults.length_slack}
max_batch_tokens = {defaults.max_batch_tokens}
max_batch_steps = {defaults.max_batch_steps}        # beam x length decoded at once: bounds memory

# A translation server the whole team shares (see the README, "Shared translation servers").
# [engine.libretranslate]
# url = "http://127.0.0.1:5000"
# api_key_env = "LT_API_KEY"   # the NAME of the variable holding the key; the key never goes in a file
# timeout = 60
# [engine.apertium-apy]
# url = "http://127.0.0.1:2737"
# timeout = 60

[memory]
enabled = true                 # reuse people's translations of the same sentence from any letter
fuzzy_threshold = 75           # offer similar ones (in the PO and the review sheet) from this score

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
    argos_settings = _settings(ArgosSettings, engine, "argos", path)
    libretranslate = _settings(LibreTranslateSettings, engine, "libretranslate", path)
    apy = _settings(ApySettings, engine, "apertium-apy", path)
    for table, url in (("libretranslate", libretranslate.url), ("apertium-apy", apy.url)):
        check_server_url(url, f"[engine.{table}] url", path)
    for table, settings in (("libretranslate", libretranslate), ("apertium-apy", apy)):
        if not (isinstance(settings.timeout, (int, float)) and settings.timeout > 0):
            raise ConfigError(f"[engine.{table}] timeout must be a positive number of seconds", path=path)
    export = _table(data, "export", path)
    memory = _memory_settings(_table(data, "memory", path), path)
    from polyletter.document.languages import lang_code, lang_codes

    targets = project.get("targets", list(Config.targets))
    if not isinstance(targets, (str, list)):
        raise ConfigError("[project] targets must be a list of language codes", path=path)
    config = Config(
        # Normalised here, once: "EN" and "en" must name the same folder, cache key and engine pair.
        source=lang_code(project.get("source", Config.source), "[project] source", path),
        targets=tuple(lang_codes(targets, "[project] targets", path) if targets != [] else ()),
        engine=str(engine.get("name", Config.engine)),
        pivot=lang_code(engine.get("pivot", Config.pivot), "[engine] pivot", path),
        glossaries=tuple(project.get("glossaries", Config.glossaries)),
        register=str(project.get("register", Config.register)),
        page_size=str(export.get("page_size", Config.page_size)),
        argos=argos_settings,
        libretranslate=libretranslate,
        apertium_apy=apy,
        memory=memory,
    )
    _check_engine_names(config.engine, engine, path)
    if config.register not in REGISTERS:
        raise ConfigError(
            f"[project] register must be {' or '.join(REGISTERS)}, not {config.register!r}", path=path
        )
    if config.page_size not in ("A4", "Letter"):
        raise ConfigError(f"[export] page_size must be A4 or Letter, not {config.page_size!r}", path=path)
    return config


def _memory_settings(table: dict, path: Path) -> MemorySettings:
    try:
        settings = MemorySettings(**{**MemorySettings().__dict__, **table})
    except TypeError as err:
        raise ConfigError(f"[memory]: {err}", path=path) from None
    if not isinstance(settings.enabled, bool):
        raise ConfigError("[memory] enabled must be true or false", path=path)
    threshold = settings.fuzzy_threshold
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 100:
        raise ConfigError(
            f"[memory] fuzzy_threshold must be a number from 1 to 100, not {threshold!r}",
            path=path,
            hint="75 is what CAT tools use by default.",
        )
    return settings


def _table(data: dict, key: str, path: Path) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table", path=path)
    return value


def _settings(cls, engine: dict, key: str, path: Path):
    """``[engine.KEY]`` as a ``cls``; an unknown or mistyped setting names the table."""
    table = _table(engine, key, path)
    try:
        return cls(**{**cls().__dict__, **table})
    except TypeError as err:
        raise ConfigError(f"[engine.{key}]: {err}", path=path) from None


def check_server_url(url: object, what: str, path: Path | None = None) -> str:
    """A translation server's base URL must be ``http://`` or ``https://`` with a host.

    Anything else (``ftp://``, a bare host name, ``file:``) would fail later with
    a confusing transport error, or worse, talk to something that is not a server.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{what} must be an http:// or https:// URL with a host, not {url!r}",
            path=path,
            hint='Write it like url = "http://127.0.0.1:5000".',
        )
    return url


def _check_engine_names(name: str, engine: dict, path: Path) -> None:
    """``[engine] name`` and every ``[engine.X]`` table must name a registered engine.

    Checked when the file is read, so a typo (``libretranslat``) stops every
    command with the file named, instead of a run silently using defaults.
    """
    from polyletter.mt.engines import engine_names

    known = engine_names()
    tables = [key for key, value in engine.items() if isinstance(value, dict)]
    for what, value in [("[engine] name", name), *((f"[engine.{t}]", t) for t in tables)]:
        if value not in known:
            raise ConfigError(
                f"{what}: unknown engine {value!r}", path=path, hint=f"Choose one of: {', '.join(known)}."
            )
