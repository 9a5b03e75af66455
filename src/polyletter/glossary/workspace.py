"""The glossary a workspace uses: the files ``glossaries`` in polyletter.toml names, validated.

Every stage that needs the terms (translate, check, review, compare) loads
them through :func:`workspace_glossary` -- for one letter, :func:`letter_glossary`,
which adds the letter's names -- so all of them see the same terms.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from polyletter.glossary.paths import resolve_glossary_paths

if TYPE_CHECKING:
    from polyletter.document.letter import Letter
    from polyletter.glossary.model import Glossary
    from polyletter.store.workspace import Workspace


def glossary_paths(ws: Workspace) -> list[Path]:
    """The glossary files of the workspace (found, not read: see :mod:`polyletter.glossary.paths`)."""
    return resolve_glossary_paths(ws.root, ws.config.glossaries)


def workspace_glossary(ws: Workspace) -> Glossary | None:
    """The workspace's glossary, validated; None when it has no glossary files.

    Loaded before anything is translated: nothing is translated with a
    glossary that does not validate.
    """
    from polyletter.glossary.loading import load_glossary

    paths = glossary_paths(ws)
    return load_glossary(paths, root=ws.root) if paths else None


def letter_glossary(ws: Workspace, master: Letter, letter: str) -> Glossary | None:
    """The workspace's glossary and the names ``master``'s structure identifies, kept like keep-terms.

    What translate, check, review and compare use for one letter, so a name
    protected from the engine is the name QA checks.
    """
    from polyletter.glossary.names import with_names

    return with_names(workspace_glossary(ws), master, letter)
