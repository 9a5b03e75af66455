"""A language version as a gettext PO catalog: one entry per block of the master.

The PO file is the truth for a language (as in po4a): ``msgctxt`` is the block
id, ``msgid`` the master block, ``msgstr`` its translation, the ``fuzzy`` flag
marks a translation whose source has changed, and translator comments carry
provenance (``origin``: machine, locale, human, review; ``engine``; ...).
polib writes it, so Poedit, Weblate, OmegaT and ``msgfmt`` read it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from polyletter import __version__
from polyletter.document.letter import Letter
from polyletter.errors import InputFormatError
from polyletter.store.fileio import read_text, refuse_outside_link


@dataclass(frozen=True)
class Entry:
    block_id: str
    source: str
    translation: str
    fuzzy: bool = False
    provenance: Mapping[str, str] = field(default_factory=dict)
    previous_source: str | None = None
    """The master text the entry was translated from, while it needs review (``#| msgid``)."""
    flags: tuple[str, ...] = ()
    """PO flags other than ``fuzzy`` (``#, ignore-doubled``): kept as the translator set them."""

    def silenced(self, check_id: str) -> bool:
        """Whether a translator silenced this QA check for this entry (``#, ignore-<id>``)."""
        return f"ignore-{check_id}" in self.flags

    @property
    def origin(self) -> str:
        return self.provenance.get("origin", "")

    def reusable_for(self, source: str) -> bool:
        """Whether this entry still answers for ``source``: same master text, some translation.

        An entry flagged for review is reused too: it waits for a human, not
        for the engine.
        """
        return self.source == source and bool(self.translation)


def load_catalog(path: Path, *, root: Path | None = None) -> dict[str, Entry]:
    """Entries of a PO file by block id; an absent file is an empty catalog.

    With ``root`` (the workspace), a PO that is a link leading out of it is refused, not read.
    """
    if root is not None:
        refuse_outside_link(path, root, what="PO file")
    if not path.exists():
        return {}
    return parse_catalog(read_text(path, what="PO file"), path)


def parse_catalog(text: str, path: Path) -> dict[str, Entry]:
    """Entries of PO text by block id, in file order (``path`` names it in errors).

    The PO files polyletter writes, and what PO editors make of them, are read
    by :func:`_read_simple` (five times faster than polib, which ``status``
    on a big workspace feels); anything it does not know for certain -- plural
    forms, obsolete entries, a syntax error -- goes to polib, which decides
    and names the problem.
    """
    if any(mark in text for mark in ("<<<<<<<", "=======", ">>>>>>>")) and _CONFLICT_MARKER.search(text):
        raise InputFormatError(
            "has unresolved merge conflict markers",
            path=path,
            hint="Resolve the conflict (keep one msgstr per entry), commit, then run again.",
        )
    simple = _read_entries(text)
    return simple if simple is not None else _read_polib(text, path)


def _read_polib(text: str, path: Path) -> dict[str, Entry]:
    """Entries of PO text read by polib: any PO file, every syntax error named."""
    import polib

    try:
        po = polib.pofile(text, wrapwidth=78)
    except (OSError, ValueError) as err:
        raise InputFormatError(
            f"not a valid PO file ({err})", path=path, hint="Fix it, or restore it with `git checkout`."
        ) from None
    entries: dict[str, Entry] = {}
    for item in po:
        if item.obsolete:
            continue
        if not item.msgctxt:
            raise InputFormatError(
                f"an entry{f' (line {item.linenum})' if item.linenum else ''} has no msgctxt (block id), "
                "so this is not a polyletter PO",
                path=path,
                hint="Restore it with `git checkout`, or move it aside and run `polyletter translate`.",
            )
        entries[item.msgctxt] = Entry(
            item.msgctxt,
            item.msgid,
            item.msgstr,
            "fuzzy" in item.flags,
            _parse_provenance(item.tcomment or ""),
            item.previous_msgid or None,
            _other_flags(item.flags),
        )
    return entries


def _other_flags(flags: list[str]) -> tuple[str, ...]:
    if not flags:
        return ()  # most entries: nothing to sort out
    return tuple(dict.fromkeys(f for f in flags if f and f != "fuzzy"))


_ESCAPE = re.compile(r'\\(\\|n|t|r|v|b|f|")')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\", '"': '"'}
_UNESCAPED_QUOTE = re.compile(r'([^\\]|^)"')


def _unescape(quoted: str) -> str | None:
    """The text of a ``"..."`` token as polib reads it; None for anything but one quoted string."""
    if len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
        return None
    body = quoted[1:-1]
    if '"' in body and _UNESCAPED_QUOTE.search(body):
        return None
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(1)], body) if "\\" in body else body


@dataclass
class _Raw:
    """One PO entry as it is read, before it becomes an :class:`Entry`."""

    ctx: str | None = None
    msgid: str | None = None
    msgstr: str | None = None
    previous: str | None = None
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


_KEYWORDS = {"msgctxt": "ctx", "msgid": "msgid", "msgstr": "msgstr"}

_STRING = r'("[^\n]*"(?:\n"[^\n]*")*)'
_ENTRY = re.compile(
    r"((?:#(?: [^\n]*)?\n)*)"  # translator comments ("# origin: machine"), where provenance lives
    r"(?:#\.(?: [^\n]*)?\n)*"  # extracted comments ("#. kind: paragraph")
    r"(?:#:(?: [^\n]*)?\n)*"  # references
    r"((?:#,(?: [^\n]*)?\n)*)"  # flags
    rf"(?:msgctxt {_STRING}\n)?msgid {_STRING}\nmsgstr {_STRING}"
    r"(?:\n\n|\n?\Z)"
)
"""One entry exactly as polib writes it, its comments in polib's order: a file made of these is
read by regular expressions. Anything else (``#|``, ``#~``, another order) is the line reader's."""
_COMMENT_MARK = re.compile(r"^# ?", re.MULTILINE)


def _read_entries(text: str) -> dict[str, Entry] | None:
    """The entries of a PO file, read a whole entry at a time where it has polib's own layout.

    An entry matched by :data:`_ENTRY` (the common case: what polyletter and PO
    editors write) costs a few C-level matches instead of a Python step per
    line; the first one that does not match hands the whole file to the
    line-by-line :func:`_read_simple`, which hands what it does not know to
    polib. The three are held together by a differential property test.
    """
    text = text.lstrip("\ufeff")
    entries: dict[str, Entry] = {}
    pos, end = 0, len(text)
    while pos < end:
        match = _ENTRY.match(text, pos)
        if match is None or match.end() == pos:
            return _read_simple(text)
        pos = match.end()
        notes, flag_lines, ctx, msgid, msgstr = match.groups()
        flags: list[str] = []
        if flag_lines:
            for line in flag_lines[:-1].split("\n"):
                flags += [flag.strip() for flag in line[2:].split(",")]
        if ctx is None:
            if entries or _joined(msgid) != "":  # only the header goes without a block id
                return _read_simple(text)
            continue
        block_id, source, translation = _joined(ctx), _joined(msgid), _joined(msgstr)
        if block_id is None or source is None or translation is None or not block_id:
            return _read_simple(text)
        if block_id in entries:
            return _read_simple(text)
        entries[block_id] = Entry(
            block_id,
            source,
            translation,
            "fuzzy" in flags,
            _parse_provenance(_COMMENT_MARK.sub("", notes)) if notes else {},
            None,
            _other_flags(flags),
        )
    return entries


def _joined(quoted: str) -> str | None:
    """The text of a string spread over ``"..."`` lines; None when one of them is not a plain string."""
    body = quoted.replace('"\n"', "")[1:-1]
    if '"' in body or "\\" in body:
        pieces = [_unescape(line) for line in quoted.split("\n")]
        return None if None in pieces else "".join(pieces)  # type: ignore[arg-type]
    return body


def _read_simple(text: str) -> dict[str, Entry] | None:
    """The entries of a PO file with no plural forms and no obsolete entries, or None.

    Reads exactly what polib reads for such a file (a differential property
    test holds them together): translator comments, flags, ``#| msgid``,
    ``msgctxt``, ``msgid``, ``msgstr`` and their continuation lines. None
    means "ask polib", never "empty". Written for speed: most lines continue a
    string, and take the first branch.
    """
    entries: dict[str, Entry] = {}
    raw = _Raw()
    into = ""  # the field the pieces below belong to
    pieces: list[str] = []

    def close() -> None:
        if into:
            setattr(raw, into, "".join(pieces))
        pieces.clear()

    def flush() -> bool:
        nonlocal raw
        done, raw = raw, _Raw()
        if done.msgid is None:
            return True
        if not done.ctx:
            # The header (first, msgid ""); any other entry without msgctxt is polib's to report.
            return done.msgid == "" and not entries
        entries[done.ctx] = Entry(
            done.ctx,
            done.msgid,
            done.msgstr or "",
            "fuzzy" in done.flags,
            _parse_provenance("\n".join(done.comments)),
            done.previous or None,
            _other_flags(done.flags),
        )
        return True

    # Lines end at "\n" only (polib splits on every Unicode line break, U+2028 inside a msgstr too).
    for line in text.lstrip("\ufeff").split("\n"):
        line = line.strip()
        if line[:1] == '"' and into:  # most lines: a msgid or msgstr continued
            body = line[1:-1]
            if line[-1:] != '"' or len(line) < 2 or '"' in body or "\\" in body:
                token = _unescape(line)
                if token is None:
                    return None
                body = token
            pieces.append(body)
            continue
        if not line or line in ("#.", "#:", "#,"):
            continue  # polib skips these too
        head = line.split(None, 1)[0]
        if head.startswith(("#~", "msgid_plural", "msgstr[", "##")) or line[0] == '"':
            return None  # a string that continues nothing is polib's to report
        if head == "#|" and into == "previous" and line[2:].lstrip()[:1] == '"':
            token = _unescape(line[2:].lstrip())  # a previous msgid continued over several lines
            if token is None:
                return None
            pieces.append(token)
            continue
        close()
        if head in _KEYWORDS:
            token, name = _unescape(line[len(head) :].lstrip()), _KEYWORDS[head]
            if token is None or (name != "msgstr" and raw.msgstr is not None and not flush()):
                return None
            if getattr(raw, name) is not None:
                return None  # a keyword twice in one entry: a syntax error for polib to name
            into = name
            pieces.append(token)
            continue
        into = ""
        if not line.startswith("#") or (raw.msgstr is not None and not flush()):
            return None
        if head == "#,":
            raw.flags += [flag.strip() for flag in line[2:].split(",")]
        elif head == "#|":
            word, _, quoted = line[2:].lstrip().partition(" ")
            token = _unescape(quoted.lstrip())
            if word != "msgid" or token is None:
                return None
            into = "previous"
            pieces.append(token)
        elif head == "#":
            comment = line.lstrip("#")
            raw.comments.append(comment[1:] if comment.startswith(" ") else comment)
        elif head not in ("#.", "#:"):
            return None
    close()
    return entries if flush() else None


_CONFLICT_MARKER = re.compile(r"^(<{7}|={7}|>{7})( |$)", re.MULTILINE)
_PROVENANCE_KEY = re.compile(r"^([a-z][a-z0-9-]*): ?(.*)$")


def _parse_provenance(comment: str) -> dict[str, str]:
    """``key: value`` lines; polib wraps long values, so other lines continue the last one."""
    provenance: dict[str, str] = {}
    last = None
    for line in comment.splitlines():
        match = _PROVENANCE_KEY.match(line)
        if match:
            last = match[1]
            provenance[last] = match[2].strip()
        elif last is not None and line.strip():
            provenance[last] = f"{provenance[last]} {line.strip()}".strip()
    return provenance


EDITOR_FIELDS = (
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
)
"""Header fields that Poedit, Weblate and Lokalize fill in: polyletter never writes them itself, and
never drops them when it rewrites a PO."""


def editor_header(path: Path) -> dict[str, str]:
    """The :data:`EDITOR_FIELDS` a PO file's header holds (empty when it has none or cannot be read)."""
    try:
        text = read_text(path, what="PO file")
    except InputFormatError:
        return {}
    import polib

    try:
        metadata = polib.pofile(text).metadata
    except (OSError, ValueError, UnicodeError):
        return {}
    return {key: metadata[key] for key in EDITOR_FIELDS if metadata.get(key, "").strip()}


def render_catalog(
    master: Letter,
    entries: Mapping[str, Entry],
    *,
    letter: str,
    target: str,
    master_rel: str,
    line_numbers: Mapping[str, int] | None = None,
    kept_header: Mapping[str, str] | None = None,
    rendering: str | None = None,
) -> str:
    """The PO file text for a language version, entries in the master's order.

    ``rendering`` is the digest of the Markdown written beside it (see
    :func:`recorded_rendering`).

    No dates of polyletter's own in the header: Git records when, and a file
    that changes on every run would make an idempotent re-run impossible. What a
    PO editor wrote there (``Last-Translator``, ``PO-Revision-Date``, ...) is
    ``kept_header`` (see :func:`editor_header`) and written back as it was.
    """
    import polib
    from babel.messages.plurals import get_plural

    po = polib.POFile(wrapwidth=78)
    po.header = (
        f"{letter}: {master.lang} -> {target}, one entry per block of {master_rel}.\n"
        "Written by polyletter; edit msgstr freely, polyletter keeps your edits."
    )
    po.metadata = {
        "Project-Id-Version": letter,
        **{key: value for key, value in (kept_header or {}).items() if key in EDITOR_FIELDS},
        "Language": target,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"polyletter {__version__}",
        "X-Polyletter-Master": master_rel,
        "X-Polyletter-Source-Language": master.lang,
        **({RENDERING_FIELD: rendering} if rendering else {}),
    }
    with contextlib.suppress(ValueError, LookupError):
        po.metadata["Plural-Forms"] = str(get_plural(target))
    for block in master.blocks:
        entry = entries.get(block.id)
        item = polib.POEntry(
            msgctxt=block.id,
            msgid=block.text,
            msgstr=entry.translation if entry else "",
            comment=f"kind: {block.kind.value}",
            tcomment="\n".join(f"{k}: {v}" for k, v in (entry.provenance if entry else {}).items()),
            occurrences=[(master_rel, str(line_numbers[block.id]))]
            if line_numbers and block.id in line_numbers
            else [],
            flags=(["fuzzy"] if entry and entry.fuzzy else []) + (list(entry.flags) if entry else []),
            previous_msgid=entry.previous_source if entry and entry.previous_source else None,
        )
        po.append(item)
    return str(po) + "\n"


RENDERING_FIELD = "X-Polyletter-Rendering"
"""Header field: the digest of the Markdown polyletter wrote together with this PO."""
_RENDERING = re.compile(r'^"X-Polyletter-Rendering: ([0-9a-f]{12,64})\\n"$', re.MULTILINE)


def recorded_rendering(text: str) -> str | None:
    """The digest of the Markdown written with this PO text, from its header (None if it has none).

    A Markdown whose text still has that digest is exactly what polyletter
    wrote, so it holds no hand edit and need not be split into blocks and
    compared with the entries (what a cold ``status`` on hundreds of letters
    would spend most of its time on). Only the header, before the first
    blank line, is searched: an entry's text cannot pose as the field.
    """
    end = text.find("\n\n")
    match = _RENDERING.search(text, 0, end if end >= 0 else len(text))
    return match[1] if match else None


def apply_catalog(master: Letter, entries: Mapping[str, Entry], target: str) -> Letter:
    """The language version as a Letter: master structure, catalog text.

    A block with no translation shows its source text, as gettext does.
    """
    blocks = []
    for block in master.blocks:
        entry = entries.get(block.id)
        if entry and entry.translation:
            blocks.append(block.with_lines(entry.translation.split("\n")))
        else:
            blocks.append(block)
    return Letter(tuple(blocks), target, dict(master.meta), master.newline, master.bom)
