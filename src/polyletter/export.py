"""``polyletter export``: a language version of a letter as a Word document."""

from __future__ import annotations

from pathlib import Path

from polyletter import history
from polyletter.catalog import apply_catalog, load_catalog
from polyletter.errors import LetterNotFoundError
from polyletter.letter import Letter
from polyletter.localize import locale_for
from polyletter.readers import read_letter
from polyletter.workspace import Workspace


def language_version(ws: Workspace, letter: str, lang: str) -> Letter:
    """The Letter of one language: the master itself, or its structure with the PO's text."""
    name = ws.letter_name(letter)
    locale_for(lang)
    master = read_letter(ws.master_path(name), ws.config.source)
    if lang == ws.config.source:
        return master
    po_path = ws.po_path(name, lang)
    if not po_path.exists():
        raise LetterNotFoundError(
            f"no {lang} version of {name}",
            path=ws.rel(po_path),
            hint=f"Run `polyletter translate {name} --to {lang}` first.",
        )
    return apply_catalog(master, load_catalog(po_path), lang)


def export_letter(
    letter: str, lang: str, *, output: Path | None = None, workspace: Workspace | None = None
) -> Path:
    """Write the DOCX of a language version; returns its path."""
    from polyletter.writers.docx import DocxInfo, write_docx

    ws = workspace or Workspace.find()
    name = ws.letter_name(letter)
    version = language_version(ws, name, lang)
    path = Path(output) if output else ws.export_path(name, lang)
    title = str(version.meta.get("title") or name)
    write_docx(
        version, DocxInfo(title=title, commit=history.head(ws.root), page_size=ws.config.page_size), path
    )
    return path
