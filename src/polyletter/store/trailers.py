"""Commit and tag trailers: how polyletter records provenance in Git, written and read one way.

Every commit polyletter makes (translate, review import, Word import, init) and
every release tag ends with a block of ``Polyletter-*`` trailers: which letter,
what kind of change, which languages, the master's commit and blob, the
glossary, the engine of each language. ``log``, ``diff`` and ``release`` read
them back. Both directions live here so that they cannot drift apart.

The rules are git's own (``git interpret-trailers``): the trailers are the
last paragraph of the message, one ``Key: value`` per line, and a line that
starts with whitespace continues the value above it. A last paragraph holding
any other line is prose, not trailers: a commit body that happens to contain
"Note: ..." in its middle is never mistaken for provenance. Values are written
on one line (a newline inside a value would end the trailer), so what
:func:`compose` writes, :func:`parse` and ``git log --format=%(trailers)``
read back identically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

LETTER = "Polyletter-Letter"
KIND = "Polyletter-Kind"
"""``machine``, ``human``, ``machine, human``, ``review``, ``import``, ``setup``."""
LANGUAGES = "Polyletter-Languages"
MASTER = "Polyletter-Master"
MASTER_COMMIT = "Polyletter-Master-Commit"
MASTER_BLOB = "Polyletter-Master-Blob"
GLOSSARY = "Polyletter-Glossary"
REVIEWER = "Polyletter-Reviewer"
EXPORTED_MASTER_BLOB = "Polyletter-Exported-Master-Blob"
IMPORTED_FROM = "Polyletter-Imported-From"
RELEASE = "Polyletter-Release"
RELEASED = "Polyletter-Released"

# Per-language trailers: the key is the prefix followed by the language code.
ENGINE_OF = "Polyletter-Engine-"
"""Engine, pair and model version that translated a language."""
HUMAN_IN = "Polyletter-Human-"
"""Blocks whose hand edits a commit folded in."""
REVIEW_IN = "Polyletter-Review-"
"""Blocks flagged for review (a human translation under a changed master)."""
REVIEWED_IN = "Polyletter-Reviewed-"
"""Blocks a partner's review file changed."""
VERSION_OF = "Polyletter-Version-"
"""What a release recorded of one language version."""

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_TRAILER_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$")


def compose(subject: str, body: str | Sequence[str], trailers: Iterable[tuple[str, str]]) -> str:
    """A whole commit or tag message: subject, body paragraph(s), then the trailer block.

    ``body`` is one paragraph or several (joined by blank lines); empty
    paragraphs are left out. Trailer values are flattened to one line.
    """
    paragraphs = [body] if isinstance(body, str) else list(body)
    parts = [subject.strip(), *(p.strip() for p in paragraphs if p.strip())]
    block = [_line(key, value) for key, value in trailers]
    if block:
        parts.append("\n".join(block))
    return "\n\n".join(parts) + "\n"


def _line(key: str, value: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"{key!r} cannot be a trailer key")
    return f"{key}: {' '.join(str(value).split())}"


def parse(message: str) -> dict[str, str]:
    """The trailers of a message (its last paragraph, by git's rules); {} when it has none.

    A key given twice keeps its last value; continuation lines are unfolded
    into their value with single spaces, as ``%(trailers:unfold)`` does.
    """
    lines = [line for line in message.replace("\r\n", "\n").split("\n") if not line.startswith("#")]
    while lines and not lines[-1].strip():
        lines.pop()
    start = len(lines)
    while start > 0 and lines[start - 1].strip():
        start -= 1
    if start == 0:
        return {}  # the subject alone is never a trailer block
    found: dict[str, str] = {}
    key: str | None = None
    for line in lines[start:]:
        if line[:1] in (" ", "\t"):
            if key is None:
                return {}
            found[key] = f"{found[key]} {line.strip()}".strip()
            continue
        match = _TRAILER_LINE.match(line)
        if not match:
            return {}  # prose in the last paragraph: not a trailer block
        key = match[1]
        found.pop(key, None)  # re-inserted last, so iteration follows the message's order
        found[key] = match[2].strip()
    return found


def per_language(trailers: Mapping[str, str], prefix: str) -> dict[str, str]:
    """``{lang: value}`` of the trailers named ``prefix + lang`` (``Polyletter-Engine-fr`` -> ``fr``)."""
    return {key.removeprefix(prefix): value for key, value in trailers.items() if key.startswith(prefix)}


def block_list(value: str) -> list[str]:
    """Block ids as a trailer lists them (``paragraph-1, closing-1``)."""
    return [part.strip() for part in value.split(",") if part.strip()]
