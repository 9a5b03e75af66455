"""Where things live in a workspace, and how a letter name becomes a path.

Layout (see DESIGN.md)::

    polyletter.toml
    glossary/*.yaml
    translations/<source>/<letter>.md     the master
    translations/<lang>/<letter>.po       the truth for <lang>
    translations/<lang>/<letter>.md       rendered from master structure + PO
    exports/                              build output, git-ignored
    .polyletter/cache/                    MT cache, git-ignored
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from polyletter.errors import LetterNotFoundError, NotAWorkspaceError
from polyletter.store.config import CONFIG_NAME, Config, load_config
from polyletter.store.fileio import leads_outside, refuse_outside_link

MASTER_SUFFIXES = (".md", ".txt", ".markdown")
_LETTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace:
        """The workspace containing ``start`` (default: the current directory)."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            candidate = folder / CONFIG_NAME
            if candidate.is_file():
                return cls(folder, load_config(candidate))
        raise NotAWorkspaceError(
            f"{here}: not inside a polyletter workspace (no {CONFIG_NAME} here or above)",
            hint="Run `polyletter init` to create one, or cd into one.",
        )

    @property
    def translations(self) -> Path:
        return self.root / "translations"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".polyletter" / "cache"

    def cache_folder(self) -> Path | None:
        """:attr:`cache_dir`, or None when it (or ``.polyletter``) is a link leading out of the workspace.

        A cache only saves time: one behind such a link is not used at all, never read or written
        through it (each cache also passes over a file of its own that is a link: see
        :func:`polyletter.store.fileio.usable_cache_file`).
        """
        return None if leads_outside(self.cache_dir, self.root) else self.cache_dir

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    def rel(self, path: Path) -> str:
        """A path as Git and messages show it: relative to the workspace, with slashes."""
        return Path(os.path.abspath(path)).relative_to(self.root).as_posix()

    def letter_name(self, spec: str) -> str:
        """A letter's stem from what the user typed: ``r2p-2012`` or a path to the master."""
        looks_like_path = "/" in spec or "\\" in spec or spec.endswith(MASTER_SUFFIXES)
        if looks_like_path:
            path = Path(os.path.abspath(spec))
            source_dir = self.translations / self.config.source
            if path.parent != source_dir:
                raise LetterNotFoundError(
                    f"{spec}: not a master letter (masters live in {self.rel(source_dir)}/)",
                    hint="Give the letter's name, e.g. `r2p-2012`.",
                )
            spec = path.stem
        if not _LETTER_NAME.match(spec):
            raise LetterNotFoundError(
                f"{spec!r} is not a letter name",
                hint="Names use letters, digits, '.', '-' and '_' (e.g. r2p-2012).",
            )
        return spec

    def master_path(self, letter: str) -> Path:
        """The master file of a letter, which must exist."""
        name = self.letter_name(letter)
        folder = self.translations / self.config.source
        for suffix in MASTER_SUFFIXES:
            candidate = folder / f"{name}{suffix}"
            if candidate.is_file():
                return refuse_outside_link(candidate, self.root, what="master letter")
        known = sorted(p.stem for p in folder.glob("*") if p.suffix in MASTER_SUFFIXES)
        if not folder.is_dir() or not known:
            raise LetterNotFoundError(
                f"{self.rel_or_abs(folder)}/: no master letters in the source folder",
                hint=f"Add one as {self.rel_or_abs(folder)}/{name}.md.",
            )
        raise LetterNotFoundError(
            f"unknown letter {name!r}",
            hint=f"Masters in {self.rel_or_abs(folder)}/: {', '.join(known)}.",
        )

    def rel_or_abs(self, path: Path) -> str:
        try:
            return self.rel(path)
        except ValueError:
            return str(path)

    def po_path(self, letter: str, lang: str) -> Path:
        return _version_path(self.root, lang, f"{letter}.po")

    def md_path(self, letter: str, lang: str) -> Path:
        return _version_path(self.root, lang, f"{letter}.md")

    def export_path(self, letter: str, lang: str, suffix: str = ".docx") -> Path:
        return self.exports / f"{letter}.{lang}{suffix}"


@functools.lru_cache(maxsize=8192)
def _version_path(root: Path, lang: str, name: str) -> Path:
    """A version's file: built once (``status`` asks for each of 1,200 versions' paths several times)."""
    return root / "translations" / lang / name
