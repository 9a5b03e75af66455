"""The bilingual review table as values: what a review DOCX holds, going out and coming back.

A review file is a second document model beside :class:`~polyletter.document.letter.Letter`:
one row per block of the master (id | source | translation | status/notes),
plus what the file records about itself so an import can check it belongs
here (letter, language, the master's git blob and a fingerprint of each
exported translation). :func:`polyletter.writers.review.render_review` turns a
:class:`ReviewSheet` into bytes; :func:`polyletter.readers.review.read_review`
turns a partner's file back into a :class:`ReviewFile`. Neither reads Git or
runs QA: :mod:`polyletter.commands.review` does, and fills these values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

IDENTIFIER_PREFIX = "polyletter-review"
"""Core property ``identifier`` = ``polyletter-review:<letter>:<lang>``."""
COLUMNS = ("Id", "Source", "Translation", "Status / notes")
"""What each header cell starts with, in order; import matches on these words."""

PROPERTY_LETTER = "polyletter-letter"
PROPERTY_LANG = "polyletter-lang"
PROPERTY_BLOB = "polyletter-master-blob"
PROPERTY_BASE = "polyletter-base:"
"""Custom property per block: ``polyletter-base:<block id>`` = digest of the exported translation.
One property per block because Word keeps text properties up to 255 characters."""


@dataclass(frozen=True)
class ReviewRow:
    """One block as the review table shows it."""

    block_id: str
    source: tuple[str, ...]
    """The master block's lines (read-only by convention, checked on import)."""
    translation: tuple[str, ...]
    """The translation's lines as the cell shows them (a heading is one line)."""
    notes: tuple[str, ...] = ()
    """Where the translation comes from and what QA found: for the partner, never read back."""
    base: str = ""
    """Digest of ``translation`` as exported, so an import tells the partner's changes from Git's."""


@dataclass(frozen=True)
class ReviewSheet:
    """Everything a review DOCX says: rows, languages and the provenance it records about itself."""

    letter: str
    title: str
    source_lang: str
    target_lang: str
    master_path: str
    """Workspace-relative path of the master, as the file's notes name it."""
    master_blob: str
    built_from: str
    """``commit 1a2b3c...`` or ``files not yet committed``: what the translation column shows."""
    rows: tuple[ReviewRow, ...]
    created: dt.datetime
    """When the file was made (UTC, no time zone): its core properties' dates."""
    page_size: str = "A4"


@dataclass(frozen=True)
class ReviewClaim:
    """What a returned file says it is: letter, language, master blob and per-block fingerprints."""

    letter: str
    lang: str
    blob: str
    bases: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReturnedRow:
    """A row of a returned review table, as the partner left it."""

    number: int
    """1-based row of the table, the header being row 1 (what Word users count)."""
    block_id: str
    source: list[str]
    translation: list[str]


@dataclass(frozen=True)
class ReviewFile:
    """A partner's review file, read: its claim, its rows, and the language its header names."""

    claim: ReviewClaim
    rows: list[ReturnedRow]
    header_lang: str | None
