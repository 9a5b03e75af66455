"""``polyletter export``: language versions of a letter as Word documents for partners.

Each file is built from the ``Letter`` model (master structure + the PO's
text) and stamped with the commit it was built from: its id in the core
properties, its date as the file's dates. Two exports of the same commit are
byte for byte the same file, so a partner's copy can be matched to history.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from polyletter.document.languages import lang_code
from polyletter.document.letter import Letter
from polyletter.readers import read_letter
from polyletter.store import history
from polyletter.store.catalog import apply_catalog
from polyletter.store.fileio import docx_output
from polyletter.store.versions import load_version, require_version
from polyletter.store.workspace import Workspace


def language_version(ws: Workspace, letter: str, lang: str) -> Letter:
    """The Letter of one language: the master itself, or its structure with the PO's text."""
    name = ws.letter_name(letter)
    lang = lang_code(lang, "--lang")
    master = read_letter(ws.master_path(name), ws.config.source)
    if lang == ws.config.source:
        return master
    require_version(ws, name, lang)
    return apply_catalog(master, load_version(ws, name, lang).entries, lang)


def export_letter(
    ws: Workspace,
    letter: str,
    lang: str,
    *,
    output: Path | None = None,
    template: Path | None = None,
) -> Path:
    """Write the DOCX of one language version; returns its path.

    ``output`` defaults to ``exports/<letter>.<lang>.docx``. ``template`` is a
    letterhead DOCX (or DOTX) whose header, footer, styles and page setup are
    kept; without it the page size comes from ``[export] page_size``. Nothing
    is written when the letter, the language or the template is refused.
    """
    name = ws.letter_name(letter)
    lang = lang_code(lang, "--lang")
    default = ws.export_path(name, lang)
    path = docx_output(output, default.name) if output else default
    _write(ws, name, [(lang, path)], template)
    return path


def export_all(
    ws: Workspace,
    letter: str,
    *,
    template: Path | None = None,
    output_dir: Path | None = None,
) -> list[Path]:
    """Write the DOCX of every language of a letter: the master's, then each with a PO, by code.

    Files go to ``output_dir`` (default ``exports/``) as ``<letter>.<lang>.docx``.
    All of them are rendered before any is written, so a language that fails
    (a damaged PO) leaves every file as it was.
    """
    name = ws.letter_name(letter)
    ws.master_path(name)  # an unknown letter fails here, before anything else
    folder = Path(output_dir) if output_dir else ws.exports
    langs = [ws.config.source, *export_languages(ws, name)]
    jobs = [(lang, folder / ws.export_path(name, lang).name) for lang in langs]
    _write(ws, name, jobs, template)
    return [path for _, path in jobs]


def export_languages(ws: Workspace, letter: str) -> list[str]:
    """Languages other than the master's that have a PO for ``letter``, sorted by code."""
    found = []
    if ws.translations.is_dir():
        for folder in sorted(ws.translations.iterdir()):
            if folder.name != ws.config.source and ws.po_path(letter, folder.name).is_file():
                found.append(folder.name)
    return found


def _write(ws: Workspace, name: str, jobs: list[tuple[str, Path]], template: Path | None) -> None:
    """Render every job, then write them all (atomically, one by one)."""
    from polyletter.store.fileio import refuse_outside_link, write_atomic
    from polyletter.writers.docx import DocxInfo, render_docx

    if template is not None:
        refuse_outside_link(Path(template), ws.root, what="template")

    commit = history.head(ws.root)
    when = _commit_date(ws, commit)
    rendered: list[tuple[Path, bytes]] = []
    for lang, path in jobs:
        version = language_version(ws, name, lang)
        info = DocxInfo(
            title=str(version.meta.get("title") or name),
            commit=commit,
            commit_date=when,
            page_size=ws.config.page_size,
            template=Path(template) if template is not None else None,
            uncommitted=_uncommitted_inputs(ws, name, lang) if commit else (),
        )
        rendered.append((path, render_docx(version, info)))
    for path, data in rendered:
        write_atomic(path, data)


def _commit_date(ws: Workspace, commit: str | None) -> dt.datetime | None:
    """When ``commit`` was committed, in UTC: the date every exported file carries."""
    if commit is None:
        return None
    seconds = history.git_read(ws.root, "show", "-s", "--format=%ct", commit).strip()
    return dt.datetime.fromtimestamp(int(seconds), tz=dt.timezone.utc)


def _uncommitted_inputs(ws: Workspace, name: str, lang: str) -> tuple[str, ...]:
    """The inputs of a language version (master, PO) that differ from HEAD or are untracked."""
    paths = [ws.rel(ws.master_path(name))]
    if lang != ws.config.source:
        paths.append(ws.rel(ws.po_path(name, lang)))
    status = history.git_read(ws.root, "status", "--porcelain", "-z", "--untracked-files=all", "--", *paths)
    changed = [entry[3:] for entry in status.split("\0") if len(entry) > 3]  # "XY path", repo-relative
    return tuple(path for path in paths if any(name.endswith(path) for name in changed))


@dataclass(frozen=True)
class ExportState:
    """Whether ``exports/<letter>.<lang>.docx`` still shows its language version as committed."""

    path: str
    """Workspace-relative path of the export."""
    state: str
    """``none`` (never exported), ``current``, or ``stale``."""
    built_from: str = ""
    """The commit the file says it was built from (its core properties)."""
    reason: str = ""
    """Why it is stale, in a few words."""


def export_state(ws: Workspace, name: str, lang: str) -> ExportState:
    """Compare an export's recorded commit with the commits that touched its inputs since.

    The DOCX records the commit it was built from (``identifier``) and whether
    its inputs had uncommitted changes (``description``). It is stale when a
    later commit touched the master, the PO or the Markdown (``review import``,
    a retranslation, a hand edit folded in), when it was built from files not
    committed, or when it records no commit this repository has. One ``git
    log`` per existing export; no python-docx (``status`` calls this).
    """
    from polyletter.ooxml.package import read_core_provenance
    from polyletter.store.fileio import leads_outside

    path = ws.export_path(name, lang)
    rel = ws.rel(path)
    if not path.is_file():
        return ExportState(rel, "none")
    if leads_outside(path, ws.root):
        return ExportState(rel, "stale", reason="a link leading out of the workspace (export replaces it)")
    recorded = read_core_provenance(path)
    if recorded is None:
        return ExportState(rel, "stale", reason="not a polyletter export (no readable core properties)")
    commit, description = recorded
    if not commit or "uncommitted" in description:
        return ExportState(rel, "stale", commit, "built from files not committed")
    inputs = [ws.rel(ws.master_path(name))]
    if lang != ws.config.source:
        inputs += [ws.rel(ws.po_path(name, lang)), ws.rel(ws.md_path(name, lang))]
    # The id comes from a file anyone can edit: only a full hex id reaches git, never an option.
    if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", commit) or not _is_commit(ws, commit):
        reason = f"built from {commit[:12]!r}, not a commit of this repository"
        return ExportState(rel, "stale", commit, reason)
    later = history.git_read(ws.root, "log", "-1", "--format=%H", f"{commit}..HEAD", "--", *inputs).strip()
    if later:
        return ExportState(rel, "stale", commit, f"built from {commit[:12]}; changed since in {later[:12]}")
    return ExportState(rel, "current", commit)


def _is_commit(ws: Workspace, commit: str) -> bool:
    return history.resolve(ws.root, f"{commit}^{{commit}}") is not None
