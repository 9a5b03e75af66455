"""Inline formatting: bold, italics, code, links and inline HTML inside a line, as spans.

A block's lines carry their inline formatting in one notation, CommonMark's
(``**bold**``, ``*italics*``, `` `code` ``, ``[text](url)``, ``<https://…>``,
inline HTML tags), so a PO entry shows the translator the formatting and a
Markdown file round-trips byte for byte. This module owns that notation: it
turns a line into plain text plus :class:`Span`\\ s (what engines and writers
consume) and back. Engines only ever see the plain text; a URL is never part
of it; the Word writer makes runs and hyperlinks from the spans.

After translation the spans are put back by :func:`relocate`: each span's own
text, translated in the same batch, is looked for in the translated line
(exactly, then ignoring case, then the closest run of words). A span that
cannot be placed is reported, never guessed into the wrong words.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

STRONG, EMPHASIS, CODE, LINK, HTML = "strong", "emphasis", "code", "link", "html"
_ESCAPABLE = "\\`*_[]<>"


@dataclass(frozen=True)
class Span:
    """Formatting over ``plain[start:end]``; ``target`` is a link's URL or an HTML span's opening tag."""

    start: int
    end: int
    style: str
    target: str = ""
    closing: str = ""
    """An HTML span's closing tag (``</span>``); empty for a lone tag such as ``<br>``."""


_TOKEN = re.compile(
    r"""(?P<code>`[^`\n]+`)
      | (?P<autolink><(?:https?|mailto):[^\s<>]+>)
      | (?P<link>\[(?P<link_text>[^\[\]\n]+)\]\((?P<url>[^()\s]+(?:\([^()\s]*\))?[^()\s]*)\))
      | (?P<strong>(?P<sdelim>\*\*|__)(?=\S)(?P<stext>.+?)(?<=\S)(?P=sdelim))
      | (?P<em>(?P<edelim>[*_])(?=[^\s*_])(?P<etext>.+?)(?<=[^\s*_])(?P=edelim))
      | (?P<html><(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?>(?P<htext>.*?)</(?P=tag)\s*>)
      | (?P<lone><(?:br|hr|img|wbr)\b[^<>]*/?>)
    """,
    re.VERBOSE,
)
_SENTINEL = 0xE000
"""Backslash escapes become private-use characters while the line is parsed, so no delimiter pairs
with an escaped character; they are turned back into the characters themselves in the plain text."""


_PROTECTED = re.compile(f"[{chr(_SENTINEL)}-{chr(_SENTINEL + len(_ESCAPABLE) - 1)}]")
_UNPROTECT = {_SENTINEL + i: ch for i, ch in enumerate(_ESCAPABLE)}


@functools.lru_cache(maxsize=8192)
def parse_inline(line: str) -> tuple[str, tuple[Span, ...]]:
    """The plain text of a line and its spans, nested ones included (a bold link is two spans).

    Cached: a pure function of an immutable string, asked again and again for
    the same lines (every role test of the reader, every check of QA).
    """
    plain, spans = _parse(_protect(line))
    return _unprotect(plain), tuple(_unprotect_span(s) for s in spans)


def _protect(line: str) -> str:
    if "\\" not in line:
        return line  # most lines: no escape to hide, and this runs for every line of every master
    out: list[str] = []
    i = 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in _ESCAPABLE:
            out.append(chr(_SENTINEL + _ESCAPABLE.index(line[i + 1])))
            i += 2
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def _unprotect(text: str) -> str:
    if _PROTECTED.search(text) is None:
        return text
    return text.translate(_UNPROTECT)


def _unprotect_span(span: Span) -> Span:
    return replace(span, target=_unprotect(span.target)) if span.style in (LINK, HTML) else span


_OPENS_TOKEN = re.compile(r"[`<\[*_]")
"""A character some :data:`_TOKEN` alternative starts with: a line without one is plain text."""


def _parse(line: str) -> tuple[str, list[Span]]:
    if _OPENS_TOKEN.search(line) is None:
        return line, []  # most lines of a letter: the tokenizer would scan them and find nothing
    plain: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for match in _TOKEN.finditer(line):
        if match.start() < pos or _intraword_underscore(line, match):
            continue
        before = line[pos : match.start()]
        plain.append(before)
        length += len(before)
        text, style, target, closing = _token(match)
        inner, nested = _parse(text) if style in (STRONG, EMPHASIS, LINK, HTML) else (text, [])
        plain.append(inner)
        spans.append(Span(length, length + len(inner), style, target, closing))
        spans += [replace(s, start=s.start + length, end=s.end + length) for s in nested]
        length += len(inner)
        pos = match.end()
    plain.append(line[pos:])
    return "".join(plain), spans


def _token(match: re.Match[str]) -> tuple[str, str, str, str]:
    group = match.group
    if group("code"):
        return group("code")[1:-1], CODE, "", ""
    if group("autolink"):
        url = group("autolink")[1:-1]
        return url, LINK, url, "<>"
    if group("link"):
        return group("link_text"), LINK, group("url"), ""
    if group("strong"):
        return group("stext"), STRONG, group("sdelim"), ""
    if group("em"):
        return group("etext"), EMPHASIS, group("edelim"), ""
    if group("html"):
        opening = group("html")[: group("html").index(">") + 1]
        return group("htext"), HTML, opening, f"</{group('tag')}>"
    return "", HTML, group("lone"), ""


def _intraword_underscore(line: str, match: re.Match[str]) -> bool:
    """``snake_case_name`` and ``a_b@example.org`` are not emphasis (CommonMark's rule for ``_``)."""
    delim = match.group("sdelim") or match.group("edelim")
    if delim not in ("_", "__"):
        return False
    before = line[match.start() - 1] if match.start() else " "
    after = line[match.end()] if match.end() < len(line) else " "
    return before.isalnum() or after.isalnum()


def render_inline(plain: str, spans: Sequence[Span]) -> str:
    """A line in the notation again: the plain text escaped, the spans' markup around their text.

    A line without spans is escaped only where it would otherwise read as
    markup ("2 * 3" stays as it is); around spans every markup character is
    escaped, since it could pair with a span's delimiters. A span inside
    another is written inside it; spans that cross each other keep the first.
    """
    if not spans:
        return escape(plain)
    out: list[str] = []
    pos = 0
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    for index, span in enumerate(ordered):
        if span.start < pos:
            continue  # written inside an earlier span, or crossing it
        out.append(_escape_all(plain[pos : span.start]))
        inner = [
            replace(s, start=s.start - span.start, end=s.end - span.start)
            for s in ordered[index + 1 :]
            if span.start <= s.start and s.end <= span.end
        ]
        out.append(_markup(span, plain[span.start : span.end], inner))
        pos = span.end
    out.append(_escape_all(plain[pos:]))
    return "".join(out)


def _escape_all(text: str) -> str:
    return "".join(f"\\{ch}" if ch in _ESCAPABLE else ch for ch in text)


def _markup(span: Span, inner: str, nested: Sequence[Span]) -> str:
    if span.style == CODE:
        return f"`{inner}`"
    text = render_inline(inner, nested) if nested else _escape_all(inner)
    if span.style == LINK:
        autolink = span.closing == "<>" and inner == span.target and not nested
        return f"<{span.target}>" if autolink else f"[{text}]({span.target})"
    if span.style in (STRONG, EMPHASIS):
        delim = span.target or ("**" if span.style == STRONG else "*")
        return f"{delim}{text}{delim}"
    return f"{span.target}{text}{span.closing}"


def escape(text: str) -> str:
    """Backslash what the notation would read as markup, and nothing else."""
    if not any(ch in text for ch in _ESCAPABLE):
        return text
    plain, spans = parse_inline(text)
    if not spans and plain == text:
        return text
    return _escape_all(text)


def plain_text(line: str) -> str:
    return parse_inline(line)[0]


def relocate(
    spans: Sequence[Span],
    source_plain: str,
    target_plain: str,
    translated: Callable[[str], str | None],
) -> tuple[tuple[Span, ...], list[Span]]:
    """Place each span of the source line on the translated line; (placed, lost).

    ``translated(text)`` gives a span text's own translation (None when it
    was not translated); the span's source text is tried too (a name, a
    title left as it is). Lone spans (``<br>``) keep their relative position.
    """
    placed: list[Span] = []
    lost: list[Span] = []
    done: list[tuple[Span, tuple[int, int]]] = []
    for span in spans:
        inner = source_plain[span.start : span.end]
        if not inner:
            at = round(span.start * len(target_plain) / max(len(source_plain), 1))
            placed.append(replace(span, start=at, end=at))
            continue
        key = (span.start, span.end)
        same = next((where for other, where in done if (other.start, other.end) == key), None)
        # Words another span already holds are not free, unless that span nests with this one.
        taken = [where for other, where in done if other.end <= span.start or other.start >= span.end]
        candidates = [c for c in (translated(inner), inner) if c]
        where = same or next((w for c in candidates if (w := _find(target_plain, c, taken))), None)
        if where is None:
            lost.append(span)
            continue
        done.append((span, where))
        placed.append(replace(span, start=where[0], end=where[1]))
    return tuple(placed), lost


def _find(text: str, wanted: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    wanted = wanted.strip().rstrip(".;,:")
    if not wanted:
        return None
    free = lambda s, e: all(e <= a or s >= b for a, b in taken)  # noqa: E731
    for haystack, needle in ((text, wanted), (text.casefold(), wanted.casefold())):
        start = haystack.find(needle)
        while start >= 0:
            end = start + len(needle)
            whole = _boundary(haystack, start - 1) and _boundary(haystack, end)
            if whole and free(start, end):
                return start, end
            start = haystack.find(needle, start + 1)
    return _closest_words(text, wanted, free)


def _boundary(text: str, index: int) -> bool:
    """Whether ``text[index]`` is outside a word (a match must not cut "preocupados" short)."""
    return index < 0 or index >= len(text) or not text[index].isalnum()


def _closest_words(text: str, wanted: str, free: Callable[[int, int], bool]) -> tuple[int, int] | None:
    """The run of words of ``text`` most like ``wanted`` (at least 0.8 alike), for inflected translations."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+(?:['’-]\w+)*", text)]
    size = len(re.findall(r"\w+(?:['’-]\w+)*", wanted))
    if not words or not size:
        return None
    best: tuple[float, tuple[int, int]] | None = None
    for width in {max(1, size - 1), size, size + 1}:
        for i in range(len(words) - width + 1):
            start, end = words[i][0], words[i + width - 1][1]
            if not free(start, end):
                continue
            ratio = difflib.SequenceMatcher(None, text[start:end].casefold(), wanted.casefold()).ratio()
            if best is None or ratio > best[0]:
                best = (ratio, (start, end))
    return best[1] if best and best[0] >= 0.8 else None
