"""``polyletter tm ...``: the translation memory's figures, and TMX out to and in from other CAT tools.

The memory itself is derived (:mod:`polyletter.memory`); what a workspace
keeps of it is its PO files and the TMX files imported into ``memory/``,
each committed with its origin, so a colleague's clone has the same memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from polyletter.document.languages import base_lang, lang_code
from polyletter.errors import InputFormatError, WorkspaceStateError
from polyletter.memory import MEMORY_DIR, TranslationMemory, Unit
from polyletter.memory.tmx import parse_tmx, refuse_size, write_tmx
from polyletter.store import history, trailers
from polyletter.store.fileio import output_file, refuse_outside_link, write_atomic
from polyletter.store.lock import workspace_lock
from polyletter.store.workspace import Workspace
from polyletter.wording import count


@dataclass
class MemoryStats:
    rows: list[tuple[str, str, str, int]] = field(default_factory=list)
    """(pair, origin, kind, units)."""
    skipped: list[str] = field(default_factory=list)
    """Committed files the memory could not read (named so they can be fixed)."""

    @property
    def total(self) -> int:
        return sum(n for *_, n in self.rows)

    def to_dict(self) -> dict[str, object]:
        return {
            "units": self.total,
            "by_pair": [{"pair": p, "origin": o, "kind": k, "units": n} for p, o, k, n in self.rows],
            "skipped": list(self.skipped),
        }


def memory_stats(ws: Workspace) -> MemoryStats:
    """Units per language pair, origin and kind, from the memory brought up to HEAD. Backs ``tm stats``."""
    memory = TranslationMemory(ws)
    try:
        refreshed = memory.refresh()
        return MemoryStats(memory.counts(), refreshed.skipped)
    finally:
        memory.close()


def export_memory(ws: Workspace, output: Path | str, *, lang: str | None = None) -> tuple[Path, int]:
    """People's translations (and imported units) as TMX 1.4b. Backs ``tm export``."""
    target_lang = lang_code(lang, "--lang") if lang else None
    path = output_file(output, f"{ws.root.name}.tmx", ".tmx", "TMX files")
    memory = TranslationMemory(ws)
    try:
        memory.refresh()
        units = memory.units(target_lang)
    finally:
        memory.close()
    write_atomic(path, write_tmx(units, ws.config.source))
    return path, len(units)


def _workspace_codes(ws: Workspace, unit: Unit) -> Unit:
    """A unit in the workspace's language codes: CAT tools write regions (EN-US, FR-FR) it may not use.

    ``en-US`` is the workspace's ``en`` when that is its source; ``fr-FR`` is
    its ``fr`` when it translates into ``fr`` and not into ``fr-FR`` itself.
    """
    source = unit.source_lang
    if base_lang(source) == base_lang(ws.config.source):
        source = ws.config.source
    target = unit.target_lang
    if target not in ws.config.targets:
        same = [t for t in ws.config.targets if base_lang(t) == base_lang(target)]
        target = same[0] if len(same) == 1 else target
    return replace(unit, source_lang=source, target_lang=target)


def import_memory(ws: Workspace, file: Path | str, *, name: str | None = None) -> tuple[Path, int]:
    """A TMX from another tool into ``memory/NAME.tmx``, committed, with its origin. Backs ``tm import``.

    Everything is checked first (size, no DTD or entities, XML, TMX, language
    codes, at least one unit from the workspace's source language); a file
    that fails changes nothing.
    """
    source = refuse_outside_link(Path(file), ws.root, what="TMX file")
    if not source.is_file():
        raise InputFormatError("no such file", path=source, hint="Give the path of a .tmx file.")
    refuse_size(source.stat().st_size, source)  # before reading it into memory
    origin = f"tmx:{source.name}"
    units = [_workspace_codes(ws, u) for u in parse_tmx(source.read_bytes(), source, origin=origin)]
    ours = [u for u in units if u.source_lang == ws.config.source]
    if not ours:
        raise InputFormatError(
            f"holds no translation unit from {ws.config.source}, this workspace's source language",
            path=source,
            hint="Export the memory with this source language from your CAT tool.",
        )
    stem = name or source.stem
    if not stem or "/" in stem or "\\" in stem or stem.startswith("."):
        raise InputFormatError(f"{stem!r} is not a file name", hint="Pass --name with a plain name.")
    target = ws.root / MEMORY_DIR / f"{stem}.tmx"
    if target.exists():
        raise WorkspaceStateError(
            "already exists", path=ws.rel(target), hint="Pass --name to import it under another name."
        )
    data = write_tmx(ours, ws.config.source)
    today = dt.date.today().isoformat()
    message = trailers.compose(
        f"polyletter: translation memory: import {source.name}",
        f"{count(len(ours), 'translation unit')} from {source.name}, imported {today}, "
        f"kept as {ws.rel(target)} (origin {origin}).",
        [(trailers.KIND, "memory"), (trailers.IMPORTED_FROM, source.name)],
    )
    with workspace_lock(ws):
        history.ensure_ready(ws.root)
        write_atomic(target, data)
        try:
            history.commit_paths(ws.root, [target], message)
        except BaseException:
            target.unlink(missing_ok=True)  # no half-imported memory: the file goes with the commit
            raise
    return target, len(ours)
