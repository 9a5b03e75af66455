"""Every error polyletter raises on purpose, in one place.

The library raises these; only ``cli.py`` turns them into a one-line message
and an exit code. Anything else that escapes is a bug and shows a traceback.
"""

from __future__ import annotations

from pathlib import Path


class PolyletterError(Exception):
    """A problem the user can fix. ``str(err)`` is the whole one-line message."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str = "") -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        self.hint = hint
        super().__init__(join_hint(f"{self.path}: {message}" if self.path is not None else message, hint))


def join_hint(message: str, hint: str) -> str:
    """One sentence, then the hint: ``"unknown letter 'x'. Masters in ..."``.

    Messages are written without a final period (like git's); when a hint
    follows on the same line the message needs one, or the two read as one
    run-on sentence. This is the one place the two are joined.
    """
    message = message.rstrip()
    hint = hint.strip()
    if not hint:
        return message
    if message and message[-1] not in ".!?:;":
        message += "."
    return f"{message} {hint}"


class NotAWorkspaceError(PolyletterError):
    """Raised outside a polyletter workspace (no polyletter.toml up the tree)."""


class ConfigError(PolyletterError):
    """polyletter.toml is missing a setting or has a wrong one."""


class LetterNotFoundError(PolyletterError):
    """The named letter has no master in the source folder."""


class InputFormatError(PolyletterError):
    """A file is not what polyletter can read (not UTF-8, too large, malformed)."""


class ModelError(PolyletterError):
    """A translation model is missing, broken or cannot be installed."""


class PackageIndexError(ModelError):
    """The Argos package index cannot be reached or read."""


class EngineError(PolyletterError):
    """A translation engine failed or lacks the language pair asked for."""


class ServerError(EngineError):
    """A translation server (LibreTranslate, Apertium APy) was unreachable, refused or answered wrongly.

    ``done`` holds what the server did translate before it failed (sentence
    index -> translation), so the cache keeps it and the re-run sends only the rest.
    """

    def __init__(self, message: str, *, hint: str = "", done: dict[int, str] | None = None) -> None:
        super().__init__(message, hint=hint)
        self.done = dict(done or {})


class WorkspaceStateError(PolyletterError):
    """The workspace is in a state polyletter must not write over."""


class OutputPathError(PolyletterError):
    """An output path polyletter will not write: a DOCX asked for under another suffix."""


class WriteError(PolyletterError):
    """The disk refused a write (full, read-only, no permission); nothing was changed."""


class GitError(PolyletterError):
    """Git refused an operation polyletter needed."""


class WorkspaceBusyError(PolyletterError):
    """Another polyletter process holds the workspace lock."""

    exit_code = 3


class GlossaryError(PolyletterError):
    """A glossary file is malformed or inconsistent; the message names ``file:line``.

    Nothing may be translated with a glossary that does not validate, so every
    problem carries the place to fix it, like a compiler error.
    """

    def __init__(
        self, message: str, *, path: Path | str | None = None, line: int | None = None, hint: str = ""
    ) -> None:
        self.message = message
        self.line = line
        where = f"{path}:{line}" if path is not None and line is not None else path
        super().__init__(message, path=where, hint=hint)
        self.path = Path(path) if path is not None else None


class GlossaryConflictError(GlossaryError):
    """Two glossary entries give different translations for the same term."""


class GlossaryImportError(GlossaryError):
    """A CSV or TBX term base cannot be imported (unsafe, malformed or incomplete)."""


class RevisionNotFoundError(PolyletterError):
    """A ``--since`` that is neither a release of the letter nor a git revision."""


class ReviewFileError(PolyletterError):
    """A review file does not match what it claims: its letter, language, rows or master text.

    Raised before anything is written: a correction applied to the wrong block
    (or on top of a master that has moved on) would be worse than none.
    """
