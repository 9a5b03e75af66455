"""``polyletter diff``: what changed in a language version, block by block, and why.

The diff works block by block on the PO entries, not on lines of the file: a
translator wants "paragraph 3 changed because the master changed this
sentence", not a hunk of msgstr continuation lines. Each changed block comes
with its cause: the master change that triggered it (word-diffed as well), a
human edit, or a change of engine or model.
"""

from __future__ import annotations

import difflib
import functools
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from polyletter.document.languages import lang_code
from polyletter.errors import LetterNotFoundError, PolyletterError
from polyletter.store import history
from polyletter.store.catalog import Entry, load_catalog
from polyletter.store.releases import Revision, list_releases, resolve_since
from polyletter.store.versions import HUMAN_ORIGINS
from polyletter.store.workspace import Workspace

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


WordOps = list[tuple[str, str]]
"""A word-level diff: ``(op, text)`` with op ``equal``, ``delete`` or ``insert``; the
``equal`` and ``delete`` texts joined give the old text, ``equal`` and ``insert`` the new."""


MASTER_CHANGE = "master change"


HUMAN_EDIT = "human edit"


ENGINE_CHANGE = "engine change"


NEW_BLOCK = "new block"


REMOVED_BLOCK = "removed block"


@dataclass
class BlockChange:
    """One block whose translation (or source) differs between the base and the working tree."""

    block_id: str
    lang: str
    kind: str
    """The block's role (``paragraph``, ``closing``, ...), from its id."""
    old: str | None
    """The translation at the base; None if the block was not there."""
    new: str | None
    """The translation now (hand edits not yet folded included); None if the block is gone."""
    ops: WordOps
    cause: str
    """``master change``, ``human edit``, ``engine change``, ``new block`` or ``removed block``."""
    master_old: str | None = None
    master_new: str | None = None
    master_ops: WordOps = field(default_factory=list)
    """For a master change: the word diff of the master block that caused it."""
    by: str | None = None
    """Who made a human edit, as the PO records it."""
    detail: str = ""
    """More on the cause: the engine before and after, or that the block waits for review."""
    needs_review: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def diff_base(ws: Workspace, letter: str, lang: str, since: str | None = None) -> Revision:
    """The revision ``diff`` compares with: ``since`` resolved, else the letter's last
    release, else the first commit that has the language's PO (so the whole
    history of the version shows).

    Used by ``polyletter diff`` to say what it compares with (``label``) before
    printing :func:`letter_diff`'s blocks.
    """
    name = ws.letter_name(letter)
    lang = lang_code(lang, "--lang")
    if since is not None:
        return resolve_since(ws, name, since)
    releases = list_releases(ws, name)
    if releases:
        return Revision(releases[0].commit, f"release {releases[0].name}", releases[0].tag)
    if history.resolve(ws.root, "HEAD") is not None:
        po_rel = f"translations/{lang}/{name}.po"
        added = history.git_read(ws.root, "log", "--format=%H", "--diff-filter=A", "--", po_rel).split()
        if added:
            return Revision(added[-1], f"first version ({added[-1][:12]})")
    return Revision(None, "nothing committed")


def letter_diff(ws: Workspace, letter: str, lang: str, since: str | None = None) -> list[BlockChange]:
    """Block by block, how ``lang``'s version changed since ``since`` (see :func:`diff_base`).

    Backs ``polyletter diff LETTER --lang fr [--since REV|RELEASE]``. Both
    sides are the version as a reader saw it: the PO with the hand edits its
    Markdown held folded in memory (nothing is written). So an edit made a
    minute ago already shows as a ``human edit``, and an edit committed by
    hand before a release is not reported again after it. Blocks come in the
    master's order; removed blocks last.
    """
    name = ws.letter_name(letter)
    base = diff_base(ws, name, lang, since)
    old = _entries_at(ws, base.commit, name, lang)
    new = _folded_entries(ws, name, lang, editor=functools.partial(history.editor_of, ws.root))
    if not old and not new and not ws.po_path(name, lang).exists():
        ws.master_path(name)
        raise LetterNotFoundError(
            f"{name} has no {lang} version", hint=f"Run `polyletter translate {name} --to {lang}` first."
        )
    changes: list[BlockChange] = []
    for block_id, entry in new.items():
        before = old.get(block_id)
        if before is None:
            changes.append(_change(block_id, lang, None, entry, NEW_BLOCK))
        elif before.translation != entry.translation or before.source != entry.source:
            changes.append(_explain(block_id, lang, before, entry))
    for block_id, before in old.items():
        if block_id not in new:
            changes.append(_change(block_id, lang, before, None, REMOVED_BLOCK))
    return changes


def _explain(block_id: str, lang: str, before: Entry, entry: Entry) -> BlockChange:
    """Why a block changed: its master text, a person, or the machine."""
    if before.source != entry.source:
        change = _change(block_id, lang, before, entry, MASTER_CHANGE)
        change.master_old, change.master_new = before.source, entry.source
        change.master_ops = word_diff(before.source, entry.source)
        if entry.fuzzy:
            by = entry.provenance.get("previous-by")
            change.detail = "needs review: the human translation is kept as the previous one" + (
                f" (by {by})" if by else ""
            )
        return change
    if entry.origin in HUMAN_ORIGINS:
        change = _change(block_id, lang, before, entry, HUMAN_EDIT)
        change.by = entry.provenance.get("by")
        return change
    change = _change(block_id, lang, before, entry, ENGINE_CHANGE)
    was, now = before.provenance.get("engine", before.origin), entry.provenance.get("engine", entry.origin)
    details = [f"{was} -> {now}" if was != now else f"retranslated by {now}"]
    old_terms, new_terms = before.provenance.get("glossary"), entry.provenance.get("glossary")
    if old_terms != new_terms:
        details.append(f"glossary {old_terms or 'none'} -> {new_terms or 'none'}")
    change.detail = "; ".join(details)
    return change


def _change(block_id: str, lang: str, before: Entry | None, entry: Entry | None, cause: str) -> BlockChange:
    old = before.translation if before else None
    new = entry.translation if entry else None
    return BlockChange(
        block_id=block_id,
        lang=lang,
        kind=block_id.rsplit("-", 1)[0],
        old=old,
        new=new,
        ops=word_diff(old or "", new or ""),
        cause=cause,
        needs_review=bool(entry and entry.fuzzy),
    )


def _entries_at(ws: Workspace, commit: str | None, name: str, lang: str) -> dict[str, Entry]:
    """The version as ``commit`` had it: its PO, with any hand edits its Markdown held then
    folded in (what was sent is the Markdown as much as the PO). Empty if it did not exist."""
    if commit is None:
        return {}
    po_rel, md_rel = f"translations/{lang}/{name}.po", f"translations/{lang}/{name}.md"
    po_text = history.git_read(ws.root, "show", f"{commit}:./{po_rel}", ok_codes=(0, 128))
    if not po_text:
        return {}
    md_text = history.git_read(ws.root, "show", f"{commit}:./{md_rel}", ok_codes=(0, 128))
    with tempfile.TemporaryDirectory(prefix="polyletter-diff-") as folder:
        then = Workspace(Path(folder), ws.config)
        then.po_path(name, lang).parent.mkdir(parents=True)
        then.po_path(name, lang).write_text(po_text, encoding="utf-8")
        if md_text:
            then.md_path(name, lang).write_text(md_text, encoding="utf-8")
        return _folded_entries(then, name, lang, editor=None)


def _folded_entries(
    ws: Workspace, name: str, lang: str, editor: Callable[[Path], str | None] | None
) -> dict[str, Entry]:
    """Entries with hand edits folded in memory (nothing is written); the bare PO if
    the Markdown cannot be folded (the next ``translate`` will say why)."""
    from polyletter.store.versions import load_version

    try:
        return load_version(ws, name, lang, editor=editor).entries
    except PolyletterError:
        return load_catalog(ws.po_path(name, lang), root=ws.root)


def word_diff(old: str, new: str) -> WordOps:
    """Word-level diff ops (difflib on words, spaces and punctuation as tokens).

    A space between two changed words goes into the change, so "a b" -> "x y"
    reads ``[-a b-]{+x y+}`` rather than two changes, as ``git diff --word-diff`` does.
    """
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    raw: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            raw.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                raw.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                raw.append(("insert", "".join(b[j1:j2])))
    ops: list[tuple[str, str]] = []
    deleted, inserted = "", ""
    for index, (op, text) in enumerate(raw):
        between = 0 < index < len(raw) - 1 and raw[index + 1][0] != "equal" and (deleted or inserted)
        if op == "equal" and not (between and text.isspace()):
            ops += [("delete", deleted)] if deleted else []
            ops += [("insert", inserted)] if inserted else []
            deleted, inserted = "", ""
            ops.append((op, text))
        elif op == "equal":
            deleted, inserted = deleted + text, inserted + text
        elif op == "delete":
            deleted += text
        else:
            inserted += text
    ops += [("delete", deleted)] if deleted else []
    ops += [("insert", inserted)] if inserted else []
    return ops


_ANSI = {"delete": "\x1b[31m", "insert": "\x1b[32m", "head": "\x1b[1m", "cause": "\x1b[36m", "off": "\x1b[m"}


def render_ops(ops: Sequence[tuple[str, str]], color: bool, context: int | None = None) -> str:
    """One word diff as text: ANSI red/green in colour, else ``[-old-]{+new+}``.

    With ``context``, unchanged stretches keep only that many words next to
    each change and show ``…`` for the rest: the master line of a long
    paragraph is there to show *what* changed, not to be read again.
    """
    parts = []
    last = len(ops) - 1
    for index, (op, text) in enumerate(ops):
        if op == "equal":
            parts.append(_elide(text, context, keep_head=index > 0, keep_tail=index < last))
        elif color:
            parts.append(f"{_ANSI[op]}{text}{_ANSI['off']}")
        else:
            parts.append(f"[-{text}-]" if op == "delete" else f"{{+{text}+}}")
    return "".join(parts)


def _elide(text: str, context: int | None, *, keep_head: bool, keep_tail: bool) -> str:
    """``text`` with its middle words replaced by ``…``: ``context`` words are kept at an
    end that touches a change (``keep_head``: the start, ``keep_tail``: the end)."""
    if context is None:
        return text
    words = [m.span() for m in re.finditer(r"\S+", text)]
    if len(words) <= context * (keep_head + keep_tail) + 1:
        return text
    head = text[: words[context - 1][1]] if keep_head and context else ""
    tail = text[words[-context][0] :] if keep_tail and context else ""
    if keep_head and keep_tail:
        return f"{head} … {tail}"
    return f"… {tail}" if keep_tail else f"{head} …"


def render_diff_text(changes: Sequence[BlockChange], color: bool, master_context: int | None = 8) -> str:
    """The terminal form of a diff: per block a header with the cause, the master's
    change when it caused this one, then the translation's word diff.

    Backs the output of ``polyletter diff`` (``color=sys.stdout.isatty()``).

    With ``color`` the text carries raw ANSI escapes (write it with
    ``typer.echo``/``sys.stdout``, not through rich markup); without, it is the
    plain ``[-deleted-]{+inserted+}`` form of ``git diff --word-diff=plain``,
    safe to pipe. The master's change keeps ``master_context`` words around
    each edit (None: all of it); the translation is always shown whole.
    """
    if not changes:
        return ""

    def style(key: str, text: str) -> str:
        return f"{_ANSI[key]}{text}{_ANSI['off']}" if color else text

    out: list[str] = []
    for change in changes:
        cause = change.cause
        if change.by:
            cause += f" by {change.by}"
        if change.detail:
            cause += f" ({change.detail})"
        out.append(style("head", f"{change.block_id}") + "  " + style("cause", cause))
        if change.master_ops:
            out.append(_indent("master", render_ops(change.master_ops, color, master_context)))
        out.append(_indent(change.lang, render_ops(change.ops, color)))
        out.append("")
    return "\n".join(out)


def _indent(label: str, text: str) -> str:
    pad = " " * (len(label) + 4)
    lines = text.split("\n")
    return "\n".join([f"  {label}: {lines[0]}", *(pad + line for line in lines[1:])])
