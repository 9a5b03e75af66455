"""Readers: every input format becomes a :class:`polyletter.document.letter.Letter`."""

from __future__ import annotations

from pathlib import Path

from polyletter.document.letter import Letter
from polyletter.errors import InputFormatError

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}


def read_letter(path: Path, lang: str) -> Letter:
    """Read a master letter of any supported format into the document model."""
    from polyletter.readers import markdown

    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return markdown.read_master(path, lang, markup=suffix != ".txt")
    if suffix == ".docx":
        from polyletter.readers import docx

        return docx.read_docx(path, lang)
    raise InputFormatError(
        f"cannot read {suffix or 'extension-less'} files as a letter",
        path=path,
        hint="Use Markdown (.md) or plain text (.txt); import Word files with `polyletter import`.",
    )
