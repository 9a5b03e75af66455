"""The workspace's translation memory: derived from Git, kept in ``.polyletter/cache/tm.sqlite3``.

The truth is the committed PO files (``translations/<lang>/<letter>.po``) and
imported TMX files (``memory/*.tmx``); the SQLite file is an index of them,
never the truth. :meth:`TranslationMemory.refresh` compares the blob id of
every such file at HEAD with the one it indexed and re-reads only the files
that changed, so a workspace of 1,200 versions costs one ``git ls-tree``
when nothing did. Delete the file and it is rebuilt; a file that cannot be
written (read-only checkout) leaves the memory in RAM for the run.

Lookups: :meth:`exact` gives a person's translation of exactly this source
(newest first); :meth:`similar` gives the closest units above a threshold,
by rapidfuzz's ratio (a normalised Levenshtein similarity, 0-100), people's
before machines' at equal score.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from polyletter.errors import PolyletterError
from polyletter.memory.harvest import po_units
from polyletter.memory.units import HUMAN, Match, Unit
from polyletter.store.fileio import LINKED_CACHE, usable_cache_file
from polyletter.store.workspace import Workspace

FORMAT = "2"
"""Changes whenever what is indexed changes: an index of another format is rebuilt from scratch."""
MEMORY_DIR = "memory"
"""Where imported TMX files live in a workspace (committed, like glossaries)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, blob TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    file TEXT NOT NULL, pair TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, letter TEXT NOT NULL, block TEXT NOT NULL,
    origin TEXT NOT NULL, author TEXT NOT NULL, commit_id TEXT NOT NULL, time INTEGER NOT NULL,
    kind TEXT NOT NULL, rank INTEGER NOT NULL, size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS units_by_source ON units (pair, source);
CREATE INDEX IF NOT EXISTS units_by_size ON units (pair, size);
CREATE INDEX IF NOT EXISTS units_by_file ON units (file);
"""
_COLUMNS = "source, target, source_lang, target_lang, letter, block, origin, author, commit_id, time, kind"


@dataclass
class RefreshStats:
    read: int = 0
    """Files read again because their blob changed (or the index was new)."""
    kept: int = 0
    skipped: list[str] = field(default_factory=list)
    """Files that could not be read (a PO with merge markers): left out, named for ``tm stats``."""


class TranslationMemory:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        folder = ws.cache_folder()
        self.path = usable_cache_file(folder / "tm.sqlite3" if folder else None)
        """None: the cache folder or file is a link leading elsewhere, so the memory lives in memory."""
        self._db: sqlite3.Connection | None = None
        self.unavailable: str | None = None
        self.last_refresh = RefreshStats()

    # ------------------------------------------------------------------ storage

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                if self.path is None:
                    raise OSError(LINKED_CACHE)
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=30)
                self._db.executescript(_SCHEMA)
            except (sqlite3.Error, OSError) as err:
                self.unavailable = str(err)
                self._db = sqlite3.connect(":memory:")
                self._db.executescript(_SCHEMA)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # ------------------------------------------------------------------ building

    def refresh(self) -> RefreshStats:
        """Bring the index up to HEAD: re-read the files whose blob changed, forget removed ones."""
        from polyletter.store import history

        stats = RefreshStats()
        conn = self._conn()
        key = f"{FORMAT}:{self.ws.config.source}"
        found = dict(conn.execute("SELECT key, value FROM meta"))
        if found.get("format") != key:
            with conn:
                conn.execute("DELETE FROM units")
                conn.execute("DELETE FROM files")
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (key,))
        head = history.head(self.ws.root)
        known = dict(conn.execute("SELECT path, blob FROM files"))
        indexed = found.get("commit") if found.get("format") == key else None
        delta = self._delta(indexed, head) if indexed and head else None
        if delta is not None:  # what changed since the commit indexed last: O(changes), not O(files)
            changed = {path: blob for path, blob in delta.items() if blob and known.get(path) != blob}
            removed = [path for path, blob in delta.items() if not blob and path in known]
            stats.kept = len(known) - len(removed) - sum(path in known for path in changed)
        else:
            wanted = self._listing() if head else {}
            changed = {path: blob for path, blob in wanted.items() if known.get(path) != blob}
            removed = [path for path in known if path not in wanted]
            stats.kept = len(wanted) - len(changed)
        if changed or removed:
            commits = self._commits(set(changed)) if changed else {}
            texts = self._blobs(list(changed.values()))
            rows: list[tuple] = []
            for path, blob in changed.items():
                commit, time = commits.get(path, ("", 0))
                try:
                    units = list(self._units(path, texts.get(blob, ""), commit, time))
                except PolyletterError:
                    stats.skipped.append(path)
                    units = []
                rows += [_row(path, u) for u in units]
                stats.read += 1
            try:
                with conn:
                    for path in [*removed, *changed]:
                        conn.execute("DELETE FROM units WHERE file=?", (path,))
                        conn.execute("DELETE FROM files WHERE path=?", (path,))
                    conn.executemany(f"INSERT INTO units VALUES ({', '.join('?' * 15)})", rows)
                    conn.executemany("INSERT INTO files VALUES (?, ?)", changed.items())
            except sqlite3.Error as err:
                self.unavailable = str(err)
        if head and head != indexed:
            try:
                with conn:
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('commit', ?)", (head,))
            except sqlite3.Error as err:
                self.unavailable = str(err)
        self.last_refresh = stats
        return stats

    def _delta(self, old: str, new: str) -> dict[str, str] | None:
        """Path -> new blob id ("" when deleted) of the memory's files changed between two commits.

        None when ``old`` is gone (history rewritten): the caller lists every file instead.
        """
        from polyletter.errors import GitError
        from polyletter.store import history

        if old == new:
            return {}
        try:
            out = history.git_read(
                self.ws.root, "diff-tree", "-r", "-z", "--raw", "--no-renames", "--relative", old, new,
                "--", "translations", MEMORY_DIR,
            )  # fmt: skip
        except GitError:
            return None
        fields = out.split("\0")
        delta: dict[str, str] = {}
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.split()
            if len(parts) == 5 and self._wanted(path):
                delta[path] = "" if parts[4] == "D" else parts[3]
        return delta

    def _wanted(self, path: str) -> bool:
        """A PO of a language version (not the master's folder) or an imported TMX."""
        pure = PurePosixPath(path)
        is_po = len(pure.parts) == 3 and pure.parts[0] == "translations" and pure.suffix == ".po"
        is_tmx = len(pure.parts) == 2 and pure.parts[0] == MEMORY_DIR and pure.suffix == ".tmx"
        return (is_po and pure.parts[1] != self.ws.config.source) or is_tmx

    def _listing(self) -> dict[str, str]:
        """Workspace-relative path -> blob id, at HEAD, of every file the memory is built from."""
        from polyletter.store import history

        out = history.git_read(self.ws.root, "ls-tree", "-r", "-z", "HEAD", "--", "translations", MEMORY_DIR)
        listing: dict[str, str] = {}
        for record in out.split("\0"):
            meta, _, path = record.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob" and self._wanted(path):
                listing[path] = parts[2]
        return listing

    def _blobs(self, blobs: Sequence[str]) -> dict[str, str]:
        """The text of each blob, read in one ``git cat-file --batch``."""
        if not blobs:
            return {}
        done = subprocess.run(
            ["git", "-C", str(self.ws.root), "cat-file", "--batch"],
            input="".join(f"{b}\n" for b in dict.fromkeys(blobs)).encode(),
            capture_output=True,
            check=True,
        )
        out, texts, pos = done.stdout, {}, 0
        while pos < len(out):
            header_end = out.index(b"\n", pos)
            blob, _, size = out[pos:header_end].decode().split(" ")
            start = header_end + 1
            texts[blob] = out[start : start + int(size)].decode("utf-8", "replace")
            pos = start + int(size) + 1
        return texts

    def _commits(self, paths: set[str]) -> dict[str, tuple[str, int]]:
        """The newest commit (id, time) that touched each path, from one walk of the log."""
        found: dict[str, tuple[str, int]] = {}
        command = ["git", "-C", str(self.ws.root), "log", "--format=%x01%H %ct", "--name-only"]
        proc = subprocess.Popen(
            [*command, "--relative", "--", "translations", MEMORY_DIR],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        assert proc.stdout is not None
        current = ("", 0)
        try:
            for line in proc.stdout:
                line = line.rstrip("\n")
                if line.startswith("\x01"):
                    commit, _, time = line[1:].partition(" ")
                    current = (commit, int(time or 0))
                elif line in paths and line not in found:
                    found[line] = current
                    if len(found) == len(paths):
                        break  # the rest of history cannot change the answer
        finally:
            proc.kill()
            proc.wait()
        return found

    def _units(self, path: str, text: str, commit: str, time: int) -> Iterator[Unit]:
        pure = PurePosixPath(path)
        if pure.parts[0] == MEMORY_DIR:
            from polyletter.memory.tmx import parse_tmx

            for unit in parse_tmx(text.encode("utf-8"), self.ws.root / path):
                yield Unit(**{**unit.__dict__, "commit": unit.commit or commit, "time": unit.time or time})
            return
        lang, letter = pure.parts[1], pure.stem
        yield from po_units(text, self.ws.root / path, self.ws.config.source, lang, letter, commit, time)

    # ------------------------------------------------------------------ lookups

    def exact(
        self, source_lang: str, target_lang: str, texts: Iterable[str], *, other_than: str | None = None
    ) -> dict[str, Unit]:
        """A person's translation of each text that has one: the newest among equals.

        ``other_than`` leaves out one letter's own units (QA's "translated otherwise elsewhere").
        """
        conn = self._conn()
        pair = f"{source_lang}>{target_lang}"
        unique = [t for t in dict.fromkeys(texts) if t.strip()]
        found: dict[str, Unit] = {}
        skip = "AND letter != ? " if other_than is not None else ""
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM units WHERE pair=? AND rank=? {skip}AND source IN "
                f"({','.join('?' * len(chunk))}) ORDER BY time DESC, rowid DESC",
                (pair, HUMAN, *([other_than] if other_than is not None else []), *chunk),
            )
            for row in rows:
                unit = _unit(row)
                found.setdefault(unit.source, unit)
        return found

    def similar(
        self, source_lang: str, target_lang: str, text: str, threshold: float, limit: int = 1
    ) -> list[Match]:
        """The units whose source is at least ``threshold`` % like ``text`` (not equal to it), best first."""
        from rapidfuzz import fuzz, process

        if not text.strip():
            return []
        # Only sources whose length allows the ratio: 2 * common / (a + b) >= t needs b within these bounds.
        t = threshold / 100
        low, high = int(len(text) * t / (2 - t)), int(len(text) * (2 - t) / t) + 1
        rows = self._conn().execute(
            "SELECT rowid, source FROM units WHERE pair=? AND size BETWEEN ? AND ?",
            (f"{source_lang}>{target_lang}", low, high),
        ).fetchall()
        if not rows:
            return []
        ids, sources = (list(column) for column in zip(*rows, strict=True))
        hits = process.extract(
            text, sources, scorer=fuzz.ratio, score_cutoff=threshold, limit=max(limit * 4, 8)
        )
        hits = [(score, ids[index]) for _, score, index in hits if sources[index] != text]
        if not hits:
            return []
        by_id = {
            row[0]: _unit(row[1:])
            for row in self._conn().execute(
                f"SELECT rowid, {_COLUMNS} FROM units WHERE rowid IN ({','.join('?' * len(hits))})",
                [rowid for _, rowid in hits],
            )
        }
        matches = sorted(
            (Match(by_id[rowid], score) for score, rowid in hits if rowid in by_id),
            key=lambda m: (-round(m.score), m.unit.rank, -m.unit.time),
        )
        out: list[Match] = []
        for match in matches:
            if all(m.unit.target != match.unit.target for m in out):
                out.append(match)
        return out[:limit]

    def units(self, target_lang: str | None = None, *, people_only: bool = True) -> list[Unit]:
        """Every unit (people's only by default), oldest first, for export."""
        query = f"SELECT {_COLUMNS} FROM units"
        where, args = [], []
        if target_lang:
            where.append("target_lang=?")
            args.append(target_lang)
        if people_only:
            where.append("rank=?")
            args.append(HUMAN)
        if where:
            query += " WHERE " + " AND ".join(where)
        return [_unit(row) for row in self._conn().execute(query + " ORDER BY time, rowid", args)]

    def counts(self) -> list[tuple[str, str, str, int]]:
        """(pair, origin, kind, units) for ``tm stats``."""
        origin = "CASE WHEN origin LIKE 'tmx:%' THEN 'tmx' ELSE origin END"
        return list(
            self._conn().execute(
                f"SELECT pair, {origin} AS o, kind, COUNT(*) FROM units GROUP BY pair, o, kind "
                "ORDER BY pair, o, kind"
            )
        )


def _row(path: str, u: Unit) -> tuple:
    return (
        path, u.pair, u.source, u.target, u.source_lang, u.target_lang, u.letter, u.block,
        u.origin, u.author, u.commit, u.time, u.kind, u.rank, len(u.source),
    )  # fmt: skip


def _unit(row: Sequence) -> Unit:
    source, target, source_lang, target_lang, letter, block, origin, author, commit, time, kind = row
    return Unit(source, target, source_lang, target_lang, letter, block, origin, author, commit, time, kind)
