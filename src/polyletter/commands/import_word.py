"""``polyletter import FILE.docx --name LETTER``: a master letter written in Word, into Git.

Secretariats draft in Word. The file is read into the :class:`Letter` model
by :mod:`polyletter.readers.docx` (block rules documented there), written as
``translations/<lang>/<name>.md`` through the Markdown writer, checked to read
back as the same blocks, and committed alone. The Markdown, not the DOCX,
becomes the master: it is what Git diffs and what every later command reads.

Refusals leave the workspace untouched: a name that is not a letter name, a
master that already exists with other content (importing the same letter
again is a no-op, not an error), a language folder that holds a translation
of that letter, and every bad-file case of :func:`polyletter.ooxml.package.open_docx`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from polyletter.document.languages import lang_code
from polyletter.document.letter import Letter
from polyletter.errors import InputFormatError, LetterNotFoundError, WorkspaceStateError
from polyletter.readers.docx import read_docx
from polyletter.readers.markdown import classify, split_blocks, split_front_matter
from polyletter.store import history, trailers
from polyletter.store.fileio import refuse_outside_link, write_atomic
from polyletter.store.lock import workspace_lock
from polyletter.store.workspace import MASTER_SUFFIXES, Workspace
from polyletter.wording import count
from polyletter.writers.markdown import render_markdown


def import_word(ws: Workspace, path: Path | str, *, name: str, lang: str | None = None) -> Path:
    """Read a Word letter and commit it as ``translations/<lang>/<name>.md``; returns that path.

    ``lang`` defaults to the workspace's source language (where masters live).
    Re-importing a file that gives exactly the existing master writes nothing
    and makes no new commit.
    """
    path = refuse_outside_link(Path(path), ws.root, what="Word letter")
    if "/" in name or "\\" in name or name.endswith(MASTER_SUFFIXES):
        raise LetterNotFoundError(
            f"{name!r} is not a letter name", hint="Give a bare name such as r2p-2012, not a path."
        )
    letter = ws.letter_name(name)
    lang = ws.config.source if lang is None else lang_code(lang, "--lang")
    target = ws.translations / lang / f"{letter}.md"
    with workspace_lock(ws):
        _check_target(ws, letter, lang, target)
        parsed = read_docx(path, lang)
        if parsed.meta.get("title") in (letter, path.stem):
            parsed = Letter(parsed.blocks, parsed.lang, {})  # the default title adds nothing
        text = render_markdown(parsed)
        _check_round_trip(parsed, text, path)
        exists = target.exists()
        if exists and target.read_bytes() != text.encode("utf-8"):
            raise WorkspaceStateError(
                "a different master of this letter already exists",
                path=ws.rel(target),
                hint="Import under another --name, or remove the old master with `git rm` first.",
            )
        history.ensure_ready(ws.root)
        if not exists:
            write_atomic(target, text)
        history.commit_paths(ws.root, [target], _message(ws, letter, lang, path, target, parsed))
    return target


def _check_target(ws: Workspace, letter: str, lang: str, target: Path) -> None:
    """No other master of the same name (another suffix); no translation where the master would go;
    not a link out of the workspace where the master would go (it is compared before it is replaced)."""
    refuse_outside_link(target, ws.root, what="master letter")
    for suffix in MASTER_SUFFIXES:
        other = target.with_suffix(suffix)
        if suffix != ".md" and other.exists():
            raise WorkspaceStateError(
                f"this letter's master already exists as {ws.rel(other)}",
                path=ws.rel(other),
                hint="Import under another --name, or remove the old master with `git rm` first.",
            )
    po_path = ws.po_path(letter, lang)
    if lang != ws.config.source and po_path.exists():
        raise WorkspaceStateError(
            f"{ws.rel(target)} is the {lang} translation of {letter}, rendered from this PO",
            path=ws.rel(po_path),
            hint=f"Import the master into the source language folder (--lang {ws.config.source}).",
        )


def _check_round_trip(letter: Letter, text: str, path: Path) -> None:
    """The Markdown must give back the blocks read from Word, or the master would not be what was imported."""
    _, body, offset = split_front_matter(text, path)
    again = classify(split_blocks(body, first_line=offset + 1), letter.lang)
    got = [(b.id, b.kind, b.lines, b.markers) for b in again]
    want = [(b.id, b.kind, b.lines, b.markers) for b in letter.blocks]
    if got != want:
        pairs = zip(got, want, strict=False)
        index = next((i for i, (g, w) in enumerate(pairs) if g != w), min(len(got), len(want)))
        block_id = (want if index < len(want) else got)[index][0]
        raise InputFormatError(
            f"its text cannot be written as Markdown that reads back the same (block {block_id})",
            path=path,
            hint="A line that starts like a list item or a heading may be the cause; adjust it in Word.",
        )


def _message(ws: Workspace, letter: str, lang: str, path: Path, target: Path, parsed: Letter) -> str:
    counts = Counter(block.kind.value for block in parsed.blocks)
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    return trailers.compose(
        f"polyletter: import {letter} from Word ({lang})",
        f"Master letter read from {path.name}: {count(len(parsed.blocks), 'block')} ({summary}).",
        [
            (trailers.LETTER, letter),
            (trailers.KIND, "import"),
            (trailers.LANGUAGES, lang),
            (trailers.MASTER, ws.rel(target)),
            (trailers.MASTER_BLOB, history.blob_id(ws.root, target)),
            (trailers.IMPORTED_FROM, path.name),
        ],
    )
