"""Bilingual review files: a Word table a partner corrects, and the corrections back into Git.

``polyletter review export LETTER --lang fr`` writes one table, one row per
block of the master: id | source | translation | status/notes (laid out by
:mod:`polyletter.writers.review`). ``polyletter review import FILE --reviewer
NAME`` reads it back (:mod:`polyletter.readers.review`) and records every
translation the partner changed as reviewed by NAME, in one commit. This
module is the workflow between them: it reads Git and the language version,
runs QA for the notes column, checks a returned file against the master and
applies it.

What the file records about itself, so an import can check it belongs here:
core properties ``identifier`` = ``polyletter-review:<letter>:<lang>``,
``keywords``/``subject``/``comments`` naming the letter, the language and the
master's git blob; the languages again in the header row; and custom document
properties (``docProps/custom.xml``, kept by Word and LibreOffice) with the
letter, the language, the master blob and a fingerprint of each exported
translation.

Decisions, as a Weblate or po4a user would expect them:

- A row counts as changed when the partner changed it: its text is compared
  with the fingerprint of what was exported, not with the PO of today. A
  translation corrected in Git after the export is therefore not reverted by
  a row the partner left alone. When both changed the same block, the
  partner's text wins (it is the newest human decision, and Git keeps the
  other); the commit body lists those blocks. A file whose fingerprints were
  stripped falls back to comparing with the PO.
- Text is compared line by line after normalisation (NFC, runs of spaces as
  one, trimmed): Word re-flowing a cell is no change. Tracked changes are read
  as accepted; comments are ignored. A paragraph break (Enter) inside a cell
  counts as a line break; a heading's lines join into one.
- An emptied cell changes nothing (it is reported): an empty ``msgstr`` means
  "untranslated", never what a reviewer meant.
- An unchanged row stays as it is, even one flagged "needs review".
- The review is refused (one line naming the file and why, nothing written)
  when the file is not a sane DOCX (see :mod:`polyletter.ooxml.package`), has
  no review table (see :mod:`polyletter.readers.review`), belongs to another
  letter or language or to none this workspace has, when its ids are missing,
  duplicated, unknown or reordered, or when a source cell differs from the
  master block it claims.
- Corrections go on top of a language version that is in step with its
  master. When the master changed since the version was last translated, the
  import stops and asks for ``polyletter translate`` first (the same file
  can then be imported: the fingerprints keep the partner's rows apart).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from polyletter.document.formulas import load_lexicon
from polyletter.document.languages import lang_code, normalise_lang
from polyletter.document.letter import Block, BlockKind, Letter
from polyletter.document.review import ReturnedRow, ReviewClaim, ReviewFile, ReviewRow, ReviewSheet
from polyletter.errors import (
    ConfigError,
    LetterNotFoundError,
    PolyletterError,
    ReviewFileError,
    WorkspaceStateError,
)
from polyletter.glossary.workspace import letter_glossary
from polyletter.ooxml.text import text_lines
from polyletter.qa.checks import QAFinding, check_version
from polyletter.readers import read_letter
from polyletter.readers.markdown import split_blocks
from polyletter.readers.review import read_review
from polyletter.store import history, trailers
from polyletter.store.catalog import Entry, parse_catalog
from polyletter.store.fileio import (
    docx_output,
    refuse_outside_link,
    sweep_temp_files,
    write_atomic,
    write_if_changed,
)
from polyletter.store.lock import workspace_lock
from polyletter.store.versions import (
    LanguageVersion,
    digest,
    load_version,
    render_version,
    require_version,
    stamp,
)
from polyletter.store.workspace import Workspace
from polyletter.writers.markdown import render_block
from polyletter.writers.review import render_review

MAX_REVIEWER_CHARS = 200
_EMAIL_AUTHOR = re.compile(r"^[^<>]+<[^<>@\s]+@[^<>\s]+>$")


@dataclass
class ReviewResult:
    """What ``review import`` did: the blocks it changed and the commit that records them."""

    letter: str
    lang: str
    reviewer: str
    path: Path
    changed: list[str] = field(default_factory=list)
    """Blocks whose translation the reviewer changed, now ``origin: review``."""
    overridden: list[str] = field(default_factory=list)
    """Changed blocks that had also changed in the workspace since the export."""
    emptied: list[str] = field(default_factory=list)
    """Rows whose translation cell came back empty: left as they were."""
    human_edits: list[str] = field(default_factory=list)
    """Hand edits waiting in the PO or Markdown, folded into the same commit."""
    files_written: list[Path] = field(default_factory=list)
    commit: str | None = None


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------


def export_review(ws: Workspace, letter: str, lang: str, *, output: Path | None = None) -> Path:
    """Write the bilingual review DOCX of one language version; returns its path.

    ``output`` defaults to ``exports/<letter>.<lang>.review.docx``. Hand edits
    waiting in the PO or Markdown are shown as they are (folded in memory,
    nothing in the workspace changes), so the partner reviews the latest text.
    """
    with workspace_lock(ws):
        name, master, version = _version(ws, letter, lang)
        data = render_review(review_sheet(ws, name, master, version))
        default = ws.exports / f"{name}.{lang}.review.docx"
        path = docx_output(output, default.name) if output else default
        write_atomic(path, data)
    return path


def review_sheet(ws: Workspace, name: str, master: Letter, version: LanguageVersion) -> ReviewSheet:
    """What the review file of a version shows: its rows with QA notes, and where they come from."""
    source, lang = master.lang, version.lang
    master_path = ws.master_path(name)
    head = history.head(ws.root)
    findings = check_version(
        master,
        version.entries,
        letter_glossary(ws, master, name),
        source,
        lang,
        load_lexicon(ws.root),
        register=ws.config.register,
    )
    by_block: dict[str, list[QAFinding]] = {}
    for finding in findings:
        by_block.setdefault(finding.block_id, []).append(finding)
    rows = []
    for block in master.blocks:
        entry = version.entries.get(block.id)
        shown = _shown(block, entry)
        notes = _status(block, entry, by_block.get(block.id, []), version)
        rows.append(
            ReviewRow(block.id, tuple(block.lines), tuple(shown), tuple(notes), digest("\n".join(shown)))
        )
    return ReviewSheet(
        letter=name,
        title=str(master.meta.get("title") or name),
        source_lang=source,
        target_lang=lang,
        master_path=ws.rel(master_path),
        master_blob=history.blob_id(ws.root, master_path),
        built_from=f"commit {head[:12]}" if head else "files not yet committed",
        rows=tuple(rows),
        created=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0),
        page_size=ws.config.page_size,
    )


def _version(ws: Workspace, letter: str, lang: str) -> tuple[str, Letter, LanguageVersion]:
    """The letter's name, its master and the language version with pending hand edits folded."""
    name = ws.letter_name(letter)
    lang = lang_code(lang, "--lang")
    source = ws.config.source
    if lang == source:
        raise ConfigError(
            f"{lang} is the language of the master itself; a review file pairs it with a translation",
            hint="Pass the language to review, e.g. --lang fr.",
        )
    master = read_letter(ws.master_path(name), source)
    require_version(ws, name, lang)
    version = load_version(ws, name, lang, editor=functools.partial(history.editor_of, ws.root))
    return name, master, version


def _shown(block: Block, entry: Entry | None) -> list[str]:
    """The translation as the cell shows it: normalized lines (a heading is one line)."""
    lines = text_lines(entry.translation) if entry else []
    return [" ".join(lines)] if block.kind is BlockKind.HEADING and lines else lines


def _status(
    block: Block, entry: Entry | None, findings: Sequence[QAFinding], version: LanguageVersion
) -> list[str]:
    """Where a translation comes from, and what QA found, one note per line."""
    if entry is None or not entry.translation:
        notes = ["not translated yet"]
    else:
        prov = entry.provenance
        origin = entry.origin or "unknown"
        if origin == "machine":
            notes = [f"machine ({prov.get('engine', 'engine unknown')})"]
        elif origin == "locale":
            by_lexicon = prov.get("engine", "").startswith("formulas")
            notes = ["locale (the formula lexicon)" if by_lexicon else "locale (date or countries from CLDR)"]
        elif origin in ("human", "review"):
            by = prov.get("by", "unknown")
            when = f", {prov['date']}" if prov.get("date") else ""
            label = "human" if origin == "human" else "reviewed"
            notes = [f"{label} (by {by}{when})"]
        elif origin == "memory":
            by = f", by {prov['by']}" if prov.get("by") else ""
            came = f"{prov.get('from', '?')} ({prov.get('memory-origin', '?')}{by})"
            notes = [f"from the translation memory: {came}"]
        else:
            notes = [origin]
        if prov.get("memory"):
            notes.append(prov["memory"])
        notes += [
            f"a similar sentence was translated like this: {value.replace(chr(92) + 'n', ' / ')}"
            for key, value in prov.items()
            if key.startswith("memory-match")
        ]
        if block.id in version.folded:
            notes.append("hand edit not yet committed")
    for finding in findings:
        label = "NEEDS REVIEW" if finding.check == "needs-review" else finding.check
        notes.append(f"{label}: {finding.message}")
    return notes


# --------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------


def import_review(
    ws: Workspace,
    path: Path | str,
    *,
    reviewer: str,
    letter: str | None = None,
    lang: str | None = None,
) -> ReviewResult:
    """Apply a partner's corrected review file to the PO and Markdown, in one commit.

    The file says which letter and language it belongs to; ``letter`` and
    ``lang``, when given, must agree. Everything is checked before anything is
    written; an import that changes nothing makes no commit. See the module
    docstring for what counts as a change.
    """
    path = refuse_outside_link(Path(path), ws.root, what="review file")
    who = _check_reviewer(reviewer)
    if lang is not None:
        lang = lang_code(lang, "--lang")
    with workspace_lock(ws):
        returned = read_review(path)
        try:  # the file's own code, normalised before it names a folder
            returned = dataclasses.replace(
                returned, claim=dataclasses.replace(returned.claim, lang=normalise_lang(returned.claim.lang))
            )
        except ValueError:
            raise ReviewFileError(
                f"belongs to language {returned.claim.lang!r}, which is not a language code", path=path
            ) from None
        claim = returned.claim
        sweep_temp_files(ws.po_path(claim.letter, claim.lang).parent)  # a killed run's debris
        if (letter and letter != claim.letter) or (lang and lang != claim.lang):
            raise ReviewFileError(
                f"belongs to {claim.letter} ({claim.lang}),"
                f" not {letter or claim.letter} ({lang or claim.lang})",
                path=path,
                hint="Check that this is the file you meant.",
            )
        name, master, version = _target(ws, claim, path)
        job = _Import(ws, path, who, name, master, version, returned)
        job.check_rows()
        return job.apply()


def _check_reviewer(reviewer: str) -> str:
    who = (reviewer or "").strip()
    if not who or len(who) > MAX_REVIEWER_CHARS or any(ord(ch) < 32 or ord(ch) == 127 for ch in who):
        raise PolyletterError(
            f"{reviewer!r} is not a reviewer name",
            hint='Pass --reviewer "Name" or "Name <email>", on one line.',
        )
    return who


def _target(ws: Workspace, claim: ReviewClaim, path: Path) -> tuple[str, Letter, LanguageVersion]:
    """The letter and version the file claims, as this workspace has them; or a refusal naming the file."""
    try:
        name = ws.letter_name(claim.letter)
        master_path = ws.master_path(name)
    except LetterNotFoundError:
        raise ReviewFileError(
            f"belongs to letter {claim.letter!r}, which this workspace does not have",
            path=path,
            hint="Import it in the workspace it was exported from.",
        ) from None
    if claim.lang == ws.config.source:
        raise ReviewFileError(
            f"belongs to {claim.lang}, the language of the master itself",
            path=path,
            hint="Export a fresh review file.",
        )
    if not ws.po_path(name, claim.lang).exists():
        raise ReviewFileError(
            f"belongs to {name} ({claim.lang}), but this workspace has no {claim.lang} version of it",
            path=path,
            hint=f"Run `polyletter translate {name} --to {claim.lang}` first,"
            " or import it where it came from.",
        )
    master = read_letter(master_path, ws.config.source)
    version = load_version(ws, name, claim.lang, editor=functools.partial(history.editor_of, ws.root))
    return name, master, version


@dataclass(frozen=True)
class _Import:
    """One review file being applied: where, by whom, to which version, and what the file holds."""

    ws: Workspace
    path: Path
    reviewer: str
    name: str
    master: Letter
    version: LanguageVersion
    file: ReviewFile

    def check_rows(self) -> None:
        """Ids present once each, known, in the master's order; source cells equal to their blocks."""
        ws, name, master, claim, path = self.ws, self.name, self.master, self.file.claim, self.path
        rows = self.file.rows
        fresh = f"Export a fresh review file with `polyletter review export {name} --lang {claim.lang}`."
        ids = master.ids()
        seen: dict[str, int] = {}
        for row in rows:
            if not row.block_id:
                raise ReviewFileError(
                    f"table row {row.number} has no id", path=path, hint="Restore its id. " + fresh
                )
            if row.block_id in seen:
                raise ReviewFileError(
                    f"id {row.block_id} appears twice (table rows {seen[row.block_id]} and {row.number})",
                    path=path,
                    hint="Keep one row per block. " + fresh,
                )
            seen[row.block_id] = row.number
        for row in rows:
            if row.block_id not in set(ids):
                raise ReviewFileError(
                    f"table row {row.number}: {row.block_id!r} is not a block of {name}",
                    path=path,
                    hint="The ids must stay as exported. " + fresh,
                )
        missing = [block_id for block_id in ids if block_id not in seen]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise ReviewFileError(
                f"block{plural} {', '.join(missing)} missing from its table (rows deleted?)",
                path=path,
                hint="Keep every row. " + fresh,
            )
        for row, expected in zip(rows, ids, strict=True):
            if row.block_id != expected:
                raise ReviewFileError(
                    f"rows are out of order: table row {row.number} holds {row.block_id}"
                    f" where the master has {expected}",
                    path=path,
                    hint="Keep the rows in their order. " + fresh,
                )
        moved = claim.blob and claim.blob != history.blob_id(ws.root, ws.master_path(name))
        for row in rows:
            if row.source != text_lines(master.block(row.block_id).text):
                why = (
                    "the master changed since the file was exported"
                    if moved
                    else "the Source column was edited"
                )
                raise ReviewFileError(
                    f"table row {row.number} ({row.block_id}):"
                    f" the source cell differs from the master block ({why})",
                    path=path,
                    hint=fresh
                    if moved
                    else "Only the Translation column may change; restore the source text.",
                )

    def apply(self) -> ReviewResult:
        """Record every row the partner changed as reviewed, in one commit; nothing when none changed."""
        ws, path, who, name, master = self.ws, self.path, self.reviewer, self.name, self.master
        version, rows, claim = self.version, self.file.rows, self.file.claim
        lang = version.lang
        result = ReviewResult(name, lang, who, path)
        today = dt.date.today().isoformat()
        entries = dict(version.entries)
        committed_po = history.committed_text(ws.root, ws.po_path(name, lang))
        committed = parse_catalog(committed_po, ws.po_path(name, lang)) if committed_po else {}
        for row in rows:
            block = master.block(row.block_id)
            entry = version.entries.get(block.id)
            current = "\n".join(_shown(block, entry))
            lines = (
                [" ".join(row.translation)]
                if block.kind is BlockKind.HEADING and row.translation
                else row.translation
            )
            text = "\n".join(lines)
            base = claim.bases.get(block.id)
            if not text:
                if current:
                    result.emptied.append(block.id)
                continue
            if base is not None and digest(text) == base:
                continue
            if text == current and not _uncommitted_review(entry, committed.get(block.id), text):
                continue
            if base is not None and digest(current) != base:
                result.overridden.append(block.id)
            _check_markdown(block, lines, row, path)
            provenance = stamp({"origin": "review", "by": who, "date": today}, text)
            kept = entry.flags if entry is not None else ()  # a silenced check stays silenced
            entries[block.id] = Entry(block.id, block.text, text, False, provenance, flags=kept)
            result.changed.append(block.id)
        if not result.changed:
            history.refresh_index(ws.root, [ws.po_path(name, lang), ws.md_path(name, lang)])
            return result

        stale = [
            b.id
            for b in master.blocks
            if b.id not in result.changed and _behind(b, version.entries.get(b.id))
        ] + [block_id for block_id in version.entries if block_id not in set(master.ids())]
        if stale:
            raise WorkspaceStateError(
                f"is behind its master (blocks {', '.join(stale)} changed since it was translated),"
                f" so {path} cannot be applied yet",
                path=ws.rel(ws.po_path(name, lang)),
                hint=f"Run `polyletter translate {name} --to {lang}`,"
                " then import the same review file again.",
            )
        history.ensure_ready(ws.root)
        result.human_edits = [block_id for block_id in version.folded if block_id not in result.changed]
        outputs = render_version(ws, master, name, lang, entries)
        for out_path, text in outputs:
            if write_if_changed(out_path, text):
                result.files_written.append(out_path)
        author = who if _EMAIL_AUTHOR.match(who) else None
        message = self.message(result)
        result.commit = history.commit_paths(ws.root, [p for p, _ in outputs], message, author=author)
        return result

    def message(self, result: ReviewResult) -> str:
        """The commit message: what changed, by whom, and the review's provenance as trailers."""
        ws, name, lang, path, claim = self.ws, self.name, self.version.lang, self.path, self.file.claim
        count = len(result.changed)
        master_path = ws.master_path(name)
        blocks = f"{count} block{'s' if count != 1 else ''}"
        subject = f"polyletter: review of {name} ({lang}) by {result.reviewer}: {blocks} changed"
        lines = [
            f"Corrections from {path.name}, recorded as reviewed by {result.reviewer}:"
            f" {', '.join(result.changed)}.",
        ]
        if result.overridden:
            lines.append(
                "Also changed here since the file was exported; the reviewer's text replaces that change: "
                f"{', '.join(result.overridden)}."
            )
        if result.emptied:
            lines.append(f"Emptied cells, left as they were: {', '.join(result.emptied)}.")
        if result.human_edits:
            lines.append(
                f"Hand edits waiting in the PO or Markdown, folded in: {', '.join(result.human_edits)}."
            )
        marks = [
            (trailers.LETTER, name),
            (trailers.KIND, "review"),
            (trailers.LANGUAGES, lang),
            (trailers.REVIEWER, result.reviewer),
            (trailers.REVIEWED_IN + lang, ", ".join(result.changed)),
        ]
        if result.human_edits:
            marks.append((trailers.HUMAN_IN + lang, ", ".join(result.human_edits)))
        marks += [
            (trailers.MASTER, ws.rel(master_path)),
            (trailers.MASTER_BLOB, history.blob_id(ws.root, master_path)),
        ]
        if claim.blob:
            marks.append((trailers.EXPORTED_MASTER_BLOB, claim.blob))
        return trailers.compose(subject, "\n".join(lines), marks)


def _uncommitted_review(entry: Entry | None, committed: Entry | None, text: str) -> bool:
    """A reviewed text already in the PO but not in HEAD: an import killed before its commit.

    Importing the same file again must finish that import, not call it "no change".
    """
    return (
        entry is not None
        and entry.origin == "review"
        and (committed is None or committed.translation != text)
    )


def _behind(block: Block, entry: Entry | None) -> bool:
    """Whether a block's PO entry was translated from another master text (or never made)."""
    return entry is None or entry.source != block.text


def _check_markdown(block: Block, lines: list[str], row: ReturnedRow, path: Path) -> None:
    """Refuse a translation the Markdown rendering would not give back (the PO and .md must agree)."""
    parsed = split_blocks(render_block(block.with_lines(lines)))
    if len(parsed) != 1 or list(parsed[0].lines) != lines:
        raise ReviewFileError(
            f"table row {row.number} ({block.id}):"
            " the translation would not read back the same from Markdown",
            path=path,
            hint="A line ends with a backslash or is laid out as a list or heading;"
            " reword it and import again.",
        )
