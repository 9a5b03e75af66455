"""Releases as Git records them: annotated tags ``polyletter/<letter>/<name>`` and what they say.

``release`` writes these tags; ``diff --since`` and the release listing read
them. The tag message's trailers (:mod:`polyletter.store.trailers`) record the
master and every language version that went out.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import asdict, dataclass, field
from typing import Any

from polyletter.errors import RevisionNotFoundError, WorkspaceStateError
from polyletter.store import history, trailers
from polyletter.store.workspace import Workspace

TAG_PREFIX = "polyletter"


@dataclass(frozen=True)
class Revision:
    """A resolved ``--since``: the commit, and how to name it to the user."""

    commit: str | None
    """None when there is nothing to compare with (the version was never committed)."""
    label: str
    tag: str | None = None


@dataclass
class ReleasedVersion:
    """One language version as a release recorded it."""

    lang: str
    po_blob: str
    md_blob: str | None = None
    entries: int = 0
    machine: int = 0
    locale: int = 0
    """Dates and country names rendered from CLDR, not by an engine."""
    human: int = 0
    needs_review: int = 0
    untranslated: int = 0
    stale: int = 0
    """Blocks whose master text had changed since they were translated."""

    def trailer(self) -> str:
        counts = " ".join(
            f"{key.replace('_', '-')}={getattr(self, key)}"
            for key in ("entries", "machine", "locale", "human", "needs_review", "untranslated", "stale")
        )
        return f"po={self.po_blob} md={self.md_blob or '-'} {counts}"

    @classmethod
    def from_trailer(cls, lang: str, value: str) -> ReleasedVersion:
        fields = dict(part.split("=", 1) for part in value.split() if "=" in part)
        numbers = {k.replace("-", "_"): int(v) for k, v in fields.items() if v.isdigit()}
        known = {k: v for k, v in numbers.items() if k in cls.__dataclass_fields__}
        md = fields.get("md")
        return cls(lang, fields.get("po", ""), None if md in (None, "-") else md, **known)


@dataclass
class Release:
    """A tag ``polyletter/<letter>/<name>`` and what it recorded."""

    letter: str
    name: str
    tag: str
    commit: str
    date: str
    """When the release was made (ISO 8601)."""
    tagger: str
    master_path: str = ""
    master_blob: str = ""
    master_commit: str = ""
    versions: list[ReleasedVersion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What was imperfect in what was sent (stale or unreviewed versions); only on creation."""
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_releases(ws: Workspace, letter: str) -> list[Release]:
    """Every release of ``letter``, newest first (one ``git for-each-ref``).

    Backs a listing of releases (``polyletter release LETTER`` with no NAME,
    or ``--list``, as the CLI chooses); ``diff`` uses the newest as its default base.
    """
    return read_releases(ws, ws.letter_name(letter), None)


def release_tag(letter: str, name: str) -> str:
    """The tag of a release, once git agrees the name is usable (``git check-ref-format``)."""
    tag = f"{TAG_PREFIX}/{letter}/{name}"
    bad = not name or name.startswith("-") or any(c.isspace() for c in name)
    if not bad:
        done = subprocess.run(
            ["git", "check-ref-format", f"refs/tags/{tag}"], capture_output=True, check=False
        )
        bad = done.returncode != 0
    if bad:
        raise WorkspaceStateError(
            f"{name!r} cannot name a release (git refuses it as a tag name)",
            hint="Use letters, digits, '.', '-' and '_', e.g. v1 or 2012-03-sent.",
        )
    return tag


def resolve_since(ws: Workspace, letter: str, since: str) -> Revision:
    """What ``--since`` means: a release name of this letter first, else any git revision.

    Used by ``polyletter diff --since``. A name that is both a release and a
    branch means the release: that is what a user of ``release`` typed it for.
    """
    letter = ws.letter_name(letter)
    if since and not since.startswith("-"):
        tag = f"{TAG_PREFIX}/{letter}/{since}"
        commit = history.resolve(ws.root, f"refs/tags/{tag}^{{commit}}")
        if commit is not None:
            return Revision(commit, f"release {since}", tag)
        commit = history.resolve(ws.root, f"{since}^{{commit}}")
        if commit is not None:
            return Revision(commit, since)
    names = [r.name for r in list_releases(ws, letter)]
    hint = f"Releases of {letter}: {', '.join(names)}." if names else f"{letter} has no releases yet."
    raise RevisionNotFoundError(
        f"{since!r} is neither a release of {letter} nor a git revision",
        hint=hint + " Or give a commit, a branch or a tag.",
    )


def read_releases(ws: Workspace, letter: str, only: str | None) -> list[Release]:
    """Releases of ``letter`` (only the tag ``only`` when given), newest first, in one git call."""
    fmt = "%00".join(
        (
            "%(refname:strip=2)",
            "%(objecttype)",
            "%(objectname)",
            "%(*objectname)",
            "%(creatordate:iso-strict)",
            "%(taggername) %(taggeremail)",
            "%(contents)",
        )
    )
    pattern = f"refs/tags/{only}" if only else f"refs/tags/{TAG_PREFIX}/{letter}/"
    out = history.git_read(ws.root, "for-each-ref", f"--format={fmt}%00%1e", pattern)
    releases: list[Release] = []
    for record in out.split("\0\x1e"):
        record = record.lstrip("\n")
        if not record:
            continue
        tag, kind, obj, peeled, date, tagger, message = (record.split("\0") + [""] * 7)[:7]
        if only and tag != only:
            continue
        name = tag.removeprefix(f"{TAG_PREFIX}/{letter}/")
        marks = trailers.parse(message) if kind == "tag" else {}
        release = Release(
            letter,
            name,
            tag,
            commit=peeled or obj,
            date=marks.get(trailers.RELEASED, date),
            tagger=tagger.strip(),
            master_path=marks.get(trailers.MASTER, ""),
            master_blob=marks.get(trailers.MASTER_BLOB, ""),
            master_commit=marks.get(trailers.MASTER_COMMIT, ""),
            message=message,
        )
        for lang, value in trailers.per_language(marks, trailers.VERSION_OF).items():
            release.versions.append(ReleasedVersion.from_trailer(lang, value))
        releases.append(release)
    releases.sort(key=lambda r: _when(r.date), reverse=True)
    return releases


def _when(date: str) -> dt.datetime:
    """A sortable moment; the tag's own microsecond trailer keeps two releases in one second apart."""
    try:
        moment = dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
