"""``polyletter release``: tag what was sent, so ``diff --since NAME`` can show what changed since.

A release is an annotated git tag ``polyletter/<letter>/<name>`` on HEAD. Its
message records exactly what went out: the master (path, blob, last commit)
and every language version (PO and Markdown blob ids, and how many entries
were machine, locale (CLDR), human, needing review, stale). Blob ids make the
record checkable forever (``git cat-file -p <blob>``), even if files move.

A release of files git has not committed would record something nobody can
get back, so uncommitted changes to the letter's files are refused. Stale or
unreviewed versions are not refused (letters do get sent in that state): they
are written into the tag and returned as warnings.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from polyletter.errors import GitError, WorkspaceStateError
from polyletter.store import history, trailers
from polyletter.store.catalog import load_catalog
from polyletter.store.releases import Release, ReleasedVersion, read_releases, release_tag
from polyletter.store.workspace import Workspace
from polyletter.wording import count


def release_letter(ws: Workspace, letter: str, name: str) -> Release:
    """Tag HEAD as release ``name`` of ``letter``, recording the master and every language version.

    Backs ``polyletter release LETTER NAME``. Refuses a name git cannot use as
    a tag, an existing release of that name, and uncommitted changes to the
    letter's files (master, any PO or Markdown), naming them.
    """
    from polyletter.store.lock import workspace_lock

    letter = ws.letter_name(letter)
    master_path = ws.master_path(letter)
    tag = release_tag(letter, name)
    with workspace_lock(ws):
        if history.resolve(ws.root, "HEAD") is None:
            raise WorkspaceStateError(
                "nothing is committed yet", path=ws.root, hint=f"Run `polyletter translate {letter}` first."
            )
        existing = history.resolve(ws.root, f"refs/tags/{tag}")
        if existing is not None:
            raise WorkspaceStateError(
                f"release {name!r} of {letter} already exists (tag {tag})",
                hint="Choose another name; a release records what was sent and is never moved.",
            )
        dirty = _letter_dirty_files(ws, letter)
        if dirty:
            raise WorkspaceStateError(
                f"{letter} has uncommitted changes: {', '.join(dirty)}",
                hint=f"Run `polyletter translate {letter}` (it folds and commits edits) "
                "or commit them yourself, then release again.",
            )
        release = _record(ws, letter, name, tag, master_path)
        if not release.versions:
            raise WorkspaceStateError(
                f"{letter} has no committed language versions to release",
                hint=f"Run `polyletter translate {letter}` first.",
            )
        _create_tag(ws, tag, release.message)
    made = read_releases(ws, letter, tag)
    made[0].warnings = release.warnings
    return made[0]










def _letter_dirty_files(ws: Workspace, letter: str) -> list[str]:
    """The letter's files (master, every PO and Markdown) that differ from HEAD."""
    from polyletter.store.workspace import MASTER_SUFFIXES

    prefix = history.repo_prefix(ws.root)
    specs = [f"translations/{ws.config.source}/{letter}{suffix}" for suffix in MASTER_SUFFIXES]
    specs += [f":(glob)translations/*/{letter}.po", f":(glob)translations/*/{letter}.md"]
    out = history.git_read(ws.root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *specs)
    found: list[str] = []
    records = iter(out.split("\0"))
    for record in records:
        if len(record) < 4:
            continue
        if "R" in record[:2] or "C" in record[:2]:
            next(records, None)
        found.append(record[3:].removeprefix(prefix))
    return sorted(set(found))


def _record(ws: Workspace, letter: str, name: str, tag: str, master_path: Path) -> Release:
    """What the tag will say: blobs from HEAD (the files are clean), counts from the PO files."""
    from polyletter.commands.status import workspace_status
    from polyletter.readers import read_letter

    blobs = _head_blobs(ws)
    master_rel = ws.rel(master_path)
    master_commit = history.git_read(ws.root, "log", "-1", "--format=%H", "--", master_rel).strip()
    master = read_letter(master_path, ws.config.source)
    sources = {block.id: block.text for block in master.blocks}
    versions: list[ReleasedVersion] = []
    for rel in sorted(blobs):
        parts = rel.split("/")
        if len(parts) != 3 or parts[2] != f"{letter}.po" or parts[1] == ws.config.source:
            continue
        lang = parts[1]
        version = ReleasedVersion(lang, blobs[rel], blobs.get(f"translations/{lang}/{letter}.md"))
        for entry in load_catalog(ws.root / rel, root=ws.root).values():
            version.entries += 1
            origin = entry.origin
            if not entry.translation:
                version.untranslated += 1
            elif origin in ("human", "review"):
                version.human += 1
            elif origin == "locale":
                version.locale += 1
            else:
                version.machine += 1
            version.needs_review += entry.fuzzy
            version.stale += sources.get(entry.block_id, entry.source) != entry.source
        versions.append(version)

    statuses = workspace_status(ws, letter)
    warnings = [w for w in map(_warning, statuses) if w]
    warnings += _export_warnings(ws, letter, [ws.config.source, *(v.lang for v in versions)])
    released_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    marks = [
        (trailers.LETTER, letter),
        (trailers.RELEASE, name),
        (trailers.RELEASED, released_at),
        (trailers.MASTER, master_rel),
        (trailers.MASTER_BLOB, blobs.get(master_rel, "")),
        (trailers.MASTER_COMMIT, master_commit),
    ]
    marks += [(trailers.VERSION_OF + v.lang, v.trailer()) for v in versions]
    message = trailers.compose(
        f"polyletter release {letter} {name}",
        f"Letter {letter} as sent: the master and {count(len(versions), 'language version')} below.",
        marks,
    )
    return Release(
        letter,
        name,
        tag,
        commit="",
        date=released_at,
        tagger="",
        master_path=master_rel,
        master_blob=blobs.get(master_rel, ""),
        master_commit=master_commit,
        versions=versions,
        warnings=warnings,
        message=message,
    )


def _warning(item: Any) -> str | None:
    """One line on what is imperfect in a version being released, or None if nothing is."""
    details = {
        "stale": f"{count(item.stale, 'block')} behind the master",
        "needs-review": f"{count(len(item.review_blocks), 'block')} "
        + ("needs" if len(item.review_blocks) == 1 else "need")
        + " review",
        "edited": f"hand edits not folded into the PO ({', '.join(item.edited_blocks)})",
        "missing": "no translation",
        "invalid": item.problem or "cannot be read",
    }
    said = [details[flag] for flag in item.flags if flag in details]
    return f"{item.lang}: " + "; ".join(said) if said else None


def _export_warnings(ws: Workspace, letter: str, langs: list[str]) -> list[str]:
    """One line per language whose Word export is missing or older than what is tagged.

    A release records what was sent, and partners are sent the DOCX: an export
    built before the last review import would send the old text. Like
    ``msgfmt --check`` or Weblate's outdated-file notice, this warns and lets the
    tag be made (the tag records the PO, which is right); the user re-exports.
    """
    from polyletter.commands.export import export_state

    warnings = []
    for lang in langs:
        found = export_state(ws, letter, lang)
        if found.state == "none":
            warnings.append(f"{lang}: no export ({found.path}); run `polyletter export {letter} --all`")
        elif found.state == "stale":
            warnings.append(
                f"{lang}: export {found.path} is stale ({found.reason}); "
                f"run `polyletter export {letter} --lang {lang}` before sending it"
            )
    return warnings


def _head_blobs(ws: Workspace) -> dict[str, str]:
    """Workspace-relative path -> blob id of every file under translations/ in HEAD (one call)."""
    out = history.git_read(ws.root, "ls-tree", "-r", "-z", "HEAD", "--", "translations")
    blobs: dict[str, str] = {}
    for record in out.split("\0"):
        meta, _, path = record.partition("\t")
        if path and meta.split()[1:2] == ["blob"]:
            blobs[path] = meta.split()[2]
    return blobs


def _create_tag(ws: Workspace, tag: str, message: str) -> None:
    env = {**os.environ, **history.identity_env(ws.root)}
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
        handle.write(message)
    try:
        done = subprocess.run(
            ["git", "-C", str(ws.root), "tag", "-a", "--cleanup=verbatim", "-F", handle.name, tag, "HEAD"],
            capture_output=True,
            env=env,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git tag failed: {detail[-1] if detail else done.returncode}", path=ws.root)





