"""One language version of a letter: its PO entries, and the human edits made to it.

Translators may correct a version in two places: the ``.po`` (Poedit,
Weblate) or the rendered ``.md``. Both are found here, block by block, and
folded into the PO as human translations, so nothing a person typed is ever
overwritten by the engine:

- a PO entry whose ``msgstr`` no longer matches the digest polyletter recorded
  when it wrote it was edited in the PO;
- a block of the ``.md`` that differs from what its PO entry renders was
  edited in the Markdown. A ``.md`` whose blocks no longer line up with the
  master's (one added or removed by hand) cannot be folded safely: that stops
  the run with the first block that does not match.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from polyletter.document.letter import Letter
from polyletter.errors import GitError, LetterNotFoundError, WorkspaceStateError
from polyletter.readers.markdown import RawBlock, split_blocks, split_front_matter
from polyletter.store import history
from polyletter.store.catalog import (
    Entry,
    apply_catalog,
    editor_header,
    parse_catalog,
    recorded_rendering,
    render_catalog,
)
from polyletter.store.fileio import as_read, decode_text, read_text, refuse_outside_link
from polyletter.store.workspace import Workspace
from polyletter.wording import count
from polyletter.writers.markdown import render_markdown

if TYPE_CHECKING:
    from polyletter.glossary.model import Glossary

HUMAN_ORIGINS = ("human", "review")


def digest(text: str) -> str:
    """A short fingerprint of a translation as polyletter wrote it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def rendering_digest(md_text: str) -> str:
    """The fingerprint of a Markdown version about to be written, as :func:`read_text` will give it
    back (one BOM gone, LF lines): what :func:`load_version` compares the text it reads with."""
    return digest(as_read(md_text))


def stamp(provenance: dict[str, str], translation: str) -> dict[str, str]:
    """Provenance with the digest of the text it describes."""
    return {**provenance, "digest": digest(translation)}


@dataclass
class LanguageVersion:
    letter: str
    lang: str
    entries: dict[str, Entry]
    folded: list[str] = field(default_factory=list)
    """Ids of blocks whose human edits were folded in by this load."""
    folded_from: set[str] = field(default_factory=set)
    """Which files held them: "po", "md"."""
    recovered_from: str | None = None
    """The commit the PO was recovered from, when the file itself was missing."""
    glossary_flagged: list[str] = field(default_factory=list)
    """Human blocks a glossary change flagged for review (set by ``translate``)."""


def require_version(ws: Workspace, letter: str, lang: str) -> Path:
    """The PO of a language version, or an error saying how to make it."""
    po_path = ws.po_path(letter, lang)
    if not po_path.exists():
        raise LetterNotFoundError(
            f"no {lang} version of {letter}",
            path=ws.rel(po_path),
            hint=f"Run `polyletter translate {letter} --to {lang}` first.",
        )
    return po_path


def load_version(
    ws: Workspace,
    letter: str,
    lang: str,
    *,
    editor: Callable[[Path], str | None] | None = None,
    files: Mapping[Path, bytes | None] | None = None,
) -> LanguageVersion:
    """The PO entries of a version with every human edit (PO or Markdown) folded in.

    ``editor(path)`` says who edited a file; it is asked only when an edit is found.
    ``files`` holds the PO's and Markdown's bytes when the caller has read them already
    (None: the file is absent); they are checked and decoded as if read here.
    """
    po_path, md_path = ws.po_path(letter, lang), ws.md_path(letter, lang)
    refuse_outside_link(po_path, ws.root, what="PO file")
    refuse_outside_link(md_path, ws.root, what="translation")
    po_text, md_text = _text(po_path, "PO file", files), _text(md_path, "translation", files)
    recovered: str | None = None
    rendered: str | None = None
    if po_text is not None:
        entries, rendered = parse_catalog(po_text, po_path), recorded_rendering(po_text)
    else:
        entries, recovered = _recover_catalog(ws, po_path, md_path, md_text is not None)
    version = LanguageVersion(letter, lang, entries, recovered_from=recovered)
    today = dt.date.today().isoformat()

    md_texts: dict[str, str] = {}
    if md_text is not None:
        as_written = rendered is not None and digest(md_text) == rendered
        found = [] if as_written else _blocks(md_text, md_path)
        expected = list(entries.values())
        shown = [e.translation or e.source for e in expected]
        if not as_written and _texts(found) != shown and not _stale_rendering(ws, md_path, po_path, md_text):
            if len(found) != len(expected):
                _raise_structure(ws, md_path, found, expected)
            md_texts = {e.block_id: "\n".join(b.lines) for b, e in zip(found, expected, strict=True)}

    for block_id, entry in list(entries.items()):
        recorded = entry.provenance.get("digest")
        shown = entry.translation or entry.source
        po_edited = bool(recorded) and digest(entry.translation) != recorded
        approved = "previous" in entry.provenance and not entry.fuzzy
        md_text = md_texts.get(block_id, shown)
        md_edited = md_text != shown and not (recorded and digest(md_text) == recorded)
        if po_edited and md_edited:
            raise WorkspaceStateError(
                f"block {block_id} was edited both here and in {ws.rel(md_path)}, differently",
                path=ws.rel(po_path),
                hint="Keep one of the two edits (undo the other with git checkout), then run again.",
            )
        if md_edited or po_edited or approved:
            path = md_path if md_edited else po_path
            author = editor(path) if editor else None
            entries[block_id] = _as_human(entry, md_text if md_edited else entry.translation, author, today)
            version.folded.append(block_id)
            version.folded_from.add("md" if md_edited else "po")
    if recovered:
        # Only people's work is taken back from history: deleting a PO still retranslates the rest.
        version.entries = {
            k: e for k, e in entries.items() if e.origin in HUMAN_ORIGINS or k in version.folded
        }
        if not version.entries:
            version.recovered_from = None  # nothing of a person's in it: a plain fresh translation
    return version


def _text(path: Path, what: str, files: Mapping[Path, bytes | None] | None) -> str | None:
    """A version's file as text, None when it is absent; from ``files`` when the caller read it."""
    if files is not None and path in files:
        data = files[path]
        return None if data is None else decode_text(data, path, what=what)
    return read_text(path, what=what) if path.exists() else None


def _recover_catalog(
    ws: Workspace, po_path: Path, md_path: Path, md_exists: bool
) -> tuple[dict[str, Entry], str | None]:
    """The entries of a deleted PO, from the newest commit that had it; ``({}, None)`` for a new version.

    A PO deleted by hand (or by a tool) must not turn the human translations it
    held into a fresh machine translation: the last committed PO is the truth
    for them, and the ``.md`` edits are folded on top as usual (then only the
    human entries are kept: the machine ones are translated again, which is
    what deleting a PO is for). A ``.md``
    without any PO, here or in Git, may hold human text nobody can tell apart
    from a machine one: stop rather than overwrite it.
    """
    try:
        found = history.last_committed_text(ws.root, po_path)
    except GitError:
        found = None
    if found is not None:
        commit, text = found
        return parse_catalog(text, po_path), commit
    if md_exists:
        raise WorkspaceStateError(
            f"has no PO next to it ({ws.rel(po_path)} is missing and not in Git history), "
            "so its translations cannot be told apart from human ones",
            path=ws.rel(md_path),
            hint=f"Restore the PO (`git checkout -- {ws.rel(po_path)}`), "
            f"or move {ws.rel(md_path)} aside to translate afresh.",
        )
    return {}, None


def _blocks(text: str, path: Path) -> list[RawBlock]:
    _, body, offset = split_front_matter(text, path)
    return split_blocks(body, first_line=offset + 1)


def _texts(blocks: list[RawBlock]) -> list[str]:
    return ["\n".join(b.lines) for b in blocks]


def _stale_rendering(ws: Workspace, md_path: Path, po_path: Path, md_text: str) -> bool:
    """Whether the Markdown is just the last committed rendering of an older PO.

    That is what a run interrupted between writing the PO and the Markdown
    leaves (or a PO edited in Poedit): the Markdown holds no human edit, and
    folding it back would undo the PO. A Markdown a human edited and committed
    differs from its committed PO, so it does not pass.
    """
    try:
        committed_md = history.committed_text(ws.root, md_path)
        if committed_md is not None:  # compared as read: a CRLF or BOM rendering is no edit
            committed_md = as_read(committed_md)
        committed_po = history.committed_text(ws.root, po_path) if committed_md == md_text else None
    except GitError:
        return False  # no repository (a version read out of history): nothing to compare with
    if committed_md is None or committed_md != md_text:
        return False
    if committed_po is None:
        return False
    entries = parse_catalog(committed_po, po_path).values()
    return _texts(_blocks(committed_md, md_path)) == [e.translation or e.source for e in entries]


def glossary_stale(entry: Entry, glossary: Glossary | None, source: str, target: str) -> bool:
    """Whether a glossary change since ``entry`` was written leaves its terms wrong.

    An entry records the hash of the glossary it was translated (or reviewed)
    with. When that is not the current glossary, the entry is stale -- reason
    "glossary" -- if the current glossary finds a term of its source missing
    or altered in it. Entries recorded with no glossary (dates, signatories,
    versions from before there was one) are not judged.
    """
    if not recorded_under_other_glossary(entry, glossary):
        return False
    from polyletter.glossary import check_terms

    return bool(check_terms(entry.source, entry.translation, glossary, source, target))


def recorded_under_other_glossary(entry: Entry, glossary: Glossary | None) -> bool:
    """Whether ``entry`` was written under a glossary other than ``glossary`` (and so may need judging).

    Cheap: a comparison of hashes, no term is looked at.
    """
    recorded = entry.provenance.get("glossary")
    if glossary is None or not glossary.terms or not recorded or not entry.translation:
        return False
    return recorded != glossary.content_hash[:12]


def flag_for_glossary(entry: Entry, glossary: Glossary) -> Entry:
    """A human translation the glossary no longer agrees with: kept word for word, flagged for review.

    ``previous`` holds the same text, so unflagging it (Poedit, ``review``)
    approves it as it stands, as for any entry waiting for review.
    """
    notes = {
        **entry.provenance,
        "glossary": glossary.content_hash[:12],
        "stale": "glossary",
        "previous": entry.translation.replace("\n", "\\n"),
        "previous-by": entry.provenance.get("by", "unknown"),
    }
    return replace(entry, fuzzy=True, provenance=stamp(notes, entry.translation))


def _as_human(entry: Entry, text: str, author: str | None, today: str) -> Entry:
    provenance = {"origin": "human", "by": author or "unknown", "date": today}
    if "glossary" in entry.provenance:  # the glossary the human saw: a later change may need their review
        provenance["glossary"] = entry.provenance["glossary"]
    return replace(
        entry, translation=text, fuzzy=False, previous_source=None, provenance=stamp(provenance, text)
    )


def _raise_structure(ws: Workspace, md_path: Path, found: list[RawBlock], expected: list[Entry]) -> None:
    """Name the first block where the Markdown and the master part ways."""
    texts = ["\n".join(b.lines) for b in found]
    shown = [e.translation or e.source for e in expected]
    where = "its blocks do not line up"
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, shown, texts, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "delete":
            where = f"block {expected[i1].block_id} is missing"
        elif tag == "insert" or (tag == "replace" and i1 == i2):
            where = f"block {j1 + 1} (line {found[j1].line_no}) is not in the master"
        else:
            where = f"block {j1 + 1} (line {found[j1].line_no}) does not match {expected[i1].block_id}"
        break
    raise WorkspaceStateError(
        f"has {count(len(found), 'block')} where the master has {len(expected)}; {where}",
        path=ws.rel(md_path),
        hint="Keep one block per master block (blank lines separate them), or restore it with git checkout.",
    )


def render_version(
    ws: Workspace, master: Letter, letter: str, lang: str, entries: dict[str, Entry]
) -> list[tuple[Path, str]]:
    """The PO and Markdown texts of a version, ready to be written."""
    master_rel = ws.rel(ws.master_path(letter))
    md_text = render_markdown(apply_catalog(master, entries, lang))
    po_text = render_catalog(
        master,
        entries,
        letter=letter,
        target=lang,
        master_rel=master_rel,
        line_numbers={b.id: b.source_line for b in master.blocks if b.source_line},
        kept_header=editor_header(ws.po_path(letter, lang)),
        rendering=rendering_digest(md_text),
    )
    return [(ws.po_path(letter, lang), po_text), (ws.md_path(letter, lang), md_text)]
