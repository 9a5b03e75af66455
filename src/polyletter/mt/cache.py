"""The machine-translation cache: one SQLite file under ``.polyletter/cache/``.

Keyed by engine, engine version (model fingerprint), language pair and the
sentence exactly as the engine receives it (glossary terms already masked or
injected), so a change of model or glossary can never serve a stale
translation. Disposable: deleting it only costs time.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from polyletter.store.fileio import LINKED_CACHE, usable_cache_file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mt (
    engine TEXT NOT NULL,
    version TEXT NOT NULL,
    pair TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (engine, version, pair, source)
) WITHOUT ROWID
"""


@dataclass(frozen=True)
class CacheKey:
    engine: str
    version: str
    source_lang: str
    target_lang: str

    @property
    def pair(self) -> str:
        return f"{self.source_lang}>{self.target_lang}"


class TranslationCache:
    def __init__(self, folder: Path | None) -> None:
        """``folder`` None: there is nowhere safe to keep it (``Workspace.cache_folder``)."""
        self.path = usable_cache_file(folder / "mt.sqlite3" if folder else None)
        self._db: sqlite3.Connection | None = None
        self.unavailable: str | None = None
        """Why the cache file could not be used, if it could not."""

    def _conn(self) -> sqlite3.Connection:
        """The cache database; an in-memory one when the file cannot be used.

        The cache only saves time, so a read-only or broken cache file must
        not stop a run: it then works without a memory of earlier runs.
        """
        if self._db is None:
            try:
                if self.path is None:
                    raise OSError(LINKED_CACHE)
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(_SCHEMA)
            except (sqlite3.Error, OSError) as err:
                self.unavailable = str(err)
                self._db = sqlite3.connect(":memory:")
                self._db.execute(_SCHEMA)
        return self._db

    def lookup(self, key: CacheKey, sentences: Sequence[str]) -> dict[str, str]:
        """The cached translations among ``sentences`` (absent ones are simply missing)."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(sentences))
        conn = self._conn()
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT source, target FROM mt WHERE engine=? AND version=? AND pair=? "
                f"AND source IN ({marks})",
                (key.engine, key.version, key.pair, *chunk),
            )
            found.update(rows)
        return found

    def store(self, key: CacheKey, translations: Iterable[tuple[str, str]]) -> None:
        rows = [(key.engine, key.version, key.pair, s, t) for s, t in translations]
        conn = self._conn()
        try:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO mt VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as err:  # read-only or full: the run goes on, uncached
            self.unavailable = str(err)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
