"""``polyletter log``: the commits of a letter or one language version, their kind, and who.

The log reads the commit trailers ``translate`` writes (``Polyletter-Kind``,
``Polyletter-Human-<lang>``, ...) in one ``git log``; a commit without them
was made by hand (``manual``), which is worth knowing too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from polyletter.document.languages import lang_code
from polyletter.store import history, trailers
from polyletter.store.workspace import MASTER_SUFFIXES, Workspace

# --------------------------------------------------------------------------
# log
# --------------------------------------------------------------------------


@dataclass
class LogEntry:
    """One commit that touched a letter's files."""

    sha: str
    date: str
    """Author date, ISO 8601."""
    author: str
    """``Name <email>``."""
    subject: str
    kind: str
    """``Polyletter-Kind`` as written (``machine``, ``human``, ``machine, human``,
    ``review``), or ``manual`` for a commit polyletter did not make."""
    languages: list[str] = field(default_factory=list)
    """Language folders whose files of this letter the commit changed (the source
    language when it changed the master)."""
    files: list[str] = field(default_factory=list)
    human_blocks: dict[str, list[str]] = field(default_factory=dict)
    """Per language, blocks whose hand edits this commit folded in."""
    review_blocks: dict[str, list[str]] = field(default_factory=dict)
    """Per language, blocks this commit flagged for review."""
    reviewed_blocks: dict[str, list[str]] = field(default_factory=dict)
    """Per language, blocks a partner's review file changed (``Polyletter-Kind: review``)."""
    engines: dict[str, str] = field(default_factory=dict)
    """Per language, the engine and model provenance of a machine run."""

    @property
    def kinds(self) -> list[str]:
        return [k.strip() for k in self.kind.split(",") if k.strip()]

    @property
    def short(self) -> str:
        return self.sha[:12]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def letter_log(ws: Workspace, letter: str, lang: str | None = None) -> list[LogEntry]:
    """Commits that touched the letter's master or its versions (only ``lang``'s if given), newest first.

    Backs ``polyletter log LETTER [--lang fr]``. One ``git log`` call. The
    per-language trailer details are narrowed to ``lang`` when it is given.
    """
    name = ws.letter_name(letter)
    if lang is not None:
        lang = lang_code(lang, "--lang")
    if history.resolve(ws.root, "HEAD") is None:
        return []
    specs = _letter_pathspecs(ws, name, lang)
    fmt = "%x1e%H%x1f%aI%x1f%an <%ae>%x1f%s%x1f%B%x1f"
    out = history.git_read(ws.root, "log", "-z", f"--format={fmt}", "--name-only", "--", *specs)
    prefix = history.repo_prefix(ws.root)
    entries: list[LogEntry] = []
    for record in out.split("\x1e")[1:]:
        sha, date, author, subject, message, names = (record.split("\x1f") + [""] * 6)[:6]
        marks = trailers.parse(message)
        files = [n.strip("\n").removeprefix(prefix) for n in names.split("\0") if n.strip("\n")]
        entry = LogEntry(
            sha=sha,
            date=date,
            author=author,
            subject=subject,
            kind=marks.get(trailers.KIND, "manual"),
            languages=sorted({f.split("/")[1] for f in files if f.count("/") == 2}),
            files=files,
        )
        for prefix_key, target in (
            (trailers.HUMAN_IN, entry.human_blocks),
            (trailers.REVIEW_IN, entry.review_blocks),
            (trailers.REVIEWED_IN, entry.reviewed_blocks),
        ):
            for code, value in trailers.per_language(marks, prefix_key).items():
                if lang is None or code == lang:
                    target[code] = trailers.block_list(value)
        for code, value in trailers.per_language(marks, trailers.ENGINE_OF).items():
            if lang is None or code == lang:
                entry.engines[code] = value
        entries.append(entry)
    if not entries:
        ws.master_path(name)  # an unknown letter is an error, not an empty history
    return entries


def _letter_pathspecs(ws: Workspace, name: str, lang: str | None) -> list[str]:
    specs = [f"translations/{ws.config.source}/{name}{suffix}" for suffix in MASTER_SUFFIXES]
    if lang is None:
        return [*specs, f":(glob)translations/*/{name}.po", f":(glob)translations/*/{name}.md"]
    return [*specs, f"translations/{lang}/{name}.po", f"translations/{lang}/{name}.md"]




# --------------------------------------------------------------------------
# diff
# --------------------------------------------------------------------------


























