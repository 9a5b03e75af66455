"""Keeping glossary terms away from the engine, and putting the right words back.

``protect`` swaps each matched term for a placeholder the engine should pass
through; ``restore`` swaps each placeholder in the engine's output for the
term's preferred target form (a keep-term for its source text). Engines are
not obliged to behave: they drop placeholders, repeat them, add spaces inside
them or chew off a bracket. So ``restore`` recognises placeholders with spaces
inserted or case changed, records per term whether it was restored, missing or
duplicated, and then removes everything that still looks like a placeholder --
any leftover in the placeholder's shape with any number, and any stray
delimiter character of the placeholder that was not in the source text -- so
none can reach a file. What it removed is reported too.

``inject`` is the other strategy, for models that mangle placeholders: the
source sentence with each term already replaced by its target form, which many
NMT models copy through.

Both capitalise a target form that lands at the start of a sentence
("génocide" -> "Génocide"), since glossary forms are written as they appear
mid-sentence; pass ``capitalize=False`` to write them verbatim.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from polyletter.glossary.matching import Match
from polyletter.glossary.model import Term, target_form

Placeholder = Callable[[int], str]
Status = Literal["restored", "missing", "duplicated"]

_SENTINEL_BASE = 0xF0000
"""Supplementary Private Use Area A: where slots wait while debris is cleaned up."""
_MAX_SLOTS = 0xFFFD
_SENTINELS = re.compile("[\U000f0000-\U000ffffd]")
_SENTENCE_START = re.compile(r"(?:\A|[.!?\u2026\u3002]\s+|\n)[\s\"'\u201c\u2018\u00ab\u00bf\u00a1(\[]*\Z")


_NO_SPACE_BEFORE = tuple(",.)]}\u2026")


LEFTOVER_BRACKET = re.compile(r"\u27e6\s*\d*\s*\u27e7?|\d*\s*\u27e7")
"""What is left of :func:`bracket_placeholder` after an engine: spaces, a lost half (QA looks for it)."""


def bracket_placeholder(index: int) -> str:
    """``⟦0⟧``: digits in brackets no source text uses, so leftovers are easy to spot."""
    return f"\u27e6{index}\u27e7"


@dataclass(frozen=True)
class Slot:
    index: int
    term: Term
    source_text: str
    placeholder: str


@dataclass(frozen=True)
class Protected:
    """The masked text to send to the engine, and what each placeholder stands for."""

    text: str
    slots: list[Slot]
    source: str = ""


@dataclass(frozen=True)
class TermRecord:
    """What happened to one protected term in the engine's output."""

    term: Term
    status: Status
    index: int = 0
    source_text: str = ""
    target_text: str = ""
    count: int = 0


@dataclass(frozen=True)
class Restored:
    text: str
    records: list[TermRecord]
    removed: list[str] = field(default_factory=list)
    """Placeholder debris taken out of the engine's output (QA reports it)."""

    @property
    def clean(self) -> bool:
        """True when every term came back exactly once and nothing had to be removed."""
        return not self.removed and all(r.status == "restored" for r in self.records)


def protect(text: str, matches: Sequence[Match], placeholder: Placeholder = bracket_placeholder) -> Protected:
    """Replace each match by ``placeholder(i)``; ``matches`` come from ``find_terms`` on ``text``.

    Raises ``ValueError`` if matches overlap or do not fit the text, or if a
    placeholder is not unique or already occurs in the text (restore could not
    tell them apart); a pipeline then falls back to ``inject``.
    """
    ordered = sorted(matches, key=lambda m: m.start)
    if len(ordered) > _MAX_SLOTS:
        raise ValueError(f"{len(ordered)} terms in one text; protect at most {_MAX_SLOTS} at a time")
    pieces: list[str] = []
    slots: list[Slot] = []
    seen: set[str] = set()
    squashed = _squash(text)  # once: per match it made protection quadratic in the text
    pos = 0
    for index, match in enumerate(ordered):
        if match.start < pos or match.end > len(text) or text[match.start : match.end] != match.text:
            raise ValueError(f"match {match.text!r} at {match.start} overlaps another or is not in the text")
        mark = placeholder(index)
        key = _squash(mark)
        if not mark.strip() or key in seen:
            raise ValueError(f"placeholder {mark!r} is empty, repeated, or already in the text")
        seen.add(key)
        pieces += [text[pos : match.start], mark]
        slots.append(Slot(index, match.term, match.text, mark))
        pos = match.end
    pieces.append(text[pos:])
    clash = _first_in(squashed, seen)
    if clash:
        raise ValueError(f"placeholder {clash!r} is already in the text")
    return Protected("".join(pieces), slots, text)


def _first_in(text: str, keys: set[str]) -> str | None:
    """The first of ``keys`` that occurs in ``text``: one pass per distinct key length, not per key."""
    for width in sorted({len(k) for k in keys}):
        for i in range(len(text) - width + 1):
            if text[i : i + width] in keys:
                return text[i : i + width]
    return None


def restore(translated: str, protected: Protected, target_lang: str, *, capitalize: bool = True) -> Restored:
    """The engine's output with every placeholder replaced and all placeholder debris removed."""
    removed: list[str] = [m.group() for m in _SENTINELS.finditer(translated)]
    text = _SENTINELS.sub("", translated)
    counts = [0] * len(protected.slots)
    if protected.slots:
        lookup = {_squash(s.placeholder): s.index for s in protected.slots}
        alternatives = sorted({_tolerant(s.placeholder) for s in protected.slots}, key=len, reverse=True)
        slot_regex = re.compile("|".join(alternatives))

        def to_sentinel(m: re.Match[str]) -> str:
            index = lookup.get(_squash(m.group()))
            if index is None:
                return m.group()
            counts[index] += 1
            return chr(_SENTINEL_BASE + index)

        text = slot_regex.sub(to_sentinel, text)
    text = _remove_debris(text, protected, removed)

    forms = [_form(s.term, s.source_text, target_lang) for s in protected.slots]
    out: list[str] = []
    pos = 0
    for m in _SENTINELS.finditer(text):
        out.append(text[pos : m.start()])
        slot = protected.slots[ord(m.group()) - _SENTINEL_BASE]
        out.append(_cased(forms[slot.index], slot.term, _tail(text, m.start()), capitalize))
        pos = m.end()
    out.append(text[pos:])
    records = [
        TermRecord(
            s.term,
            "missing" if counts[s.index] == 0 else "restored" if counts[s.index] == 1 else "duplicated",
            s.index,
            s.source_text,
            forms[s.index],
            counts[s.index],
        )
        for s in protected.slots
    ]
    return Restored("".join(out), records, removed)


def inject(text: str, matches: Sequence[Match], target_lang: str, *, capitalize: bool = True) -> str:
    """The source text with each matched term already in its target form."""
    return inject_with_spans(text, matches, target_lang, capitalize=capitalize)[0]


def inject_with_spans(
    text: str, matches: Sequence[Match], target_lang: str, *, capitalize: bool = True
) -> tuple[str, list[tuple[int, int, str]]]:
    """:func:`inject`, plus where each target form now stands: ``(start, end, form)``.

    An engine that is handed the injected sentence can use the spans to check
    (and repair) that each form survived decoding.
    """
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0
    length = 0  # of "".join(out), kept as a count: joining per match made this quadratic
    for number, match in enumerate(sorted(matches, key=lambda m: m.start)):
        if match.start < pos:
            raise ValueError(f"match {match.text!r} at {match.start} overlaps another")
        out.append(text[pos : match.start])
        length += match.start - pos
        before = _after_term(text[pos : match.start]) if number else _tail(text, match.start)
        form = _cased(_form(match.term, match.text, target_lang), match.term, before, capitalize)
        spans.append((length, length + len(form), form))
        out.append(form)
        length += len(form)
        pos = match.end
    out.append(text[pos:])
    return "".join(out), spans


def _form(term: Term, source_text: str, lang: str) -> str:
    """Keep-terms come back exactly as they stood in the source; others in their target form."""
    if term.keep:
        return source_text
    try:
        return target_form(term, lang)
    except LookupError:
        return source_text  # the pipeline matched without target_lang; leave the term as written


def _cased(form: str, term: Term, before: str, capitalize: bool) -> str:
    if capitalize and not term.keep and form[:1].islower() and _SENTENCE_START.search(before):
        return form[:1].upper() + form[1:]
    return form


_TAIL = 64
"""How much text before a term decides whether it opens a sentence (see ``_SENTENCE_START``)."""


def _after_term(gap: str) -> str:
    """What stands before a term that follows another term after ``gap``, as :func:`restore` sees it.

    There the earlier term is a placeholder, a letter-like character: a form
    ending in a full stop ("S. E.", "U.S.") does not end a sentence, whatever
    strategy put it in. So every strategy capitalises the same terms.
    """
    return "x" + gap[-_TAIL:]


def _tail(text: str, end: int) -> str:
    """What stands right before ``text[end]``, enough for :data:`_SENTENCE_START`, in constant time.

    The characters right before a term are the same in the text being worked
    on and in the output built so far, except where an earlier term stands
    within reach (a form ending in a full stop, such as "U.S.", then a term:
    the only case judged differently). So a short slice of the text answers,
    instead of joining all the output before every term. A slice that does not
    reach the text's start gets a letter in front, so that the pattern's
    start-of-text branch cannot match there.
    """
    start = max(0, end - _TAIL)
    return text[start:end] if start == 0 else "x" + text[start:end]


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


def _runs(mark: str) -> list[str]:
    """``__T12__`` -> ``["__", "T", "12", "__"]``: digits, letters, and everything else."""
    return re.findall(r"\d+|[^\W\d_]+|[\W_]+", "".join(mark.split()))


def _join(runs: list[str], any_number: bool) -> str:
    """Runs joined by optional whitespace; letter runs past their first three letters by shape only.

    ``ZXQAAAA`` and ``ZXQAAAB`` give the same regex (``ZXQ`` and four letters),
    so a text with thousands of placeholders is searched with one short
    pattern, not an alternation of thousands -- which made ``restore``
    quadratic -- and the caller looks each hit up. Digit runs keep their
    length unless ``any_number``.
    """
    parts = []
    for run in runs:
        if run.isdigit():
            parts.append(r"\d+" if any_number else rf"\d{{{len(run)}}}")
        elif run.isalpha() and len(run) > 3:
            parts.append(rf"{re.escape(run[:3])}[^\W\d_]{{{len(run) - 3}}}")
        else:
            parts.append(re.escape(run))
    return r"\s*".join(parts)


@functools.lru_cache(maxsize=1024)
def _tolerant(mark: str) -> str:
    """A regex for ``mark`` allowing whitespace between its runs (``⟦ 0 ⟧``) and any case.

    A mark that begins or ends with a word character must stand as a word of
    its own: ``deZXQAAAA`` or ``ZXQAAAAs`` is a placeholder the engine inflected
    or glued to a neighbour, not one it passed through.
    """
    lead = r"(?<!\w)" if mark.strip()[:1].isalnum() else ""
    tail = r"(?!\w)" if mark.strip()[-1:].isalnum() else ""
    return f"{lead}(?i:{_join(_runs(mark), False)}){tail}"


@functools.lru_cache(maxsize=1024)
def _shapes(mark: str) -> tuple[str, ...]:
    """Regexes for what is left of ``mark`` after an engine: any number, or a delimiter lost.

    ``⟦7⟧`` in a text with three slots, ``⟦1`` or ``1⟧`` with a bracket chewed
    off, ``__T2_`` -- all placeholder debris, none a word of the translation.
    """
    runs = _runs(mark)
    shapes = [f"(?i:{_join(runs, True)})"]
    lead = runs[0] if runs and not runs[0][0].isalnum() else ""
    tail = runs[-1] if len(runs) > 1 and not runs[-1][0].isalnum() else ""
    core = runs[(1 if lead else 0) : (len(runs) - 1 if tail else len(runs))]
    if core and (lead or tail):
        body = _join(core, True)
        left = "[" + re.escape("".join(sorted(set(lead)))) + "]+" if lead else ""
        right = "[" + re.escape("".join(sorted(set(tail)))) + "]+" if tail else ""
        if left:
            shapes.append(rf"(?i:{left}\s*{body}(?:\s*{right})?)" if right else rf"(?i:{left}\s*{body})")
        if right:
            shapes.append(rf"(?i:(?:{left}\s*)?{body}\s*{right})" if left else rf"(?i:{body}\s*{right})")
    return tuple(shapes)


def _stems(marks: tuple[str, ...]) -> list[str]:
    """The first three letters of each placeholder's long letter runs (``ZXQ``), folded.

    Engines split placeholders, inflect them and merge them with neighbours
    (``AAde ZXQAA``, ``zxqaa``); those letters survive all of that and are in
    no word of any language -- unless the source has them, when they are not
    debris (the caller leaves those out).
    """
    return sorted({run[:3].casefold() for m in marks for run in _runs(m) if len(run) >= 3 and run.isalpha()})


def _delimiters(marks: tuple[str, ...]) -> set[str]:
    return {ch for m in marks for ch in m if not ch.isalnum() and not ch.isspace()}


@functools.lru_cache(maxsize=256)
def _debris(marks: tuple[str, ...], stems: tuple[str, ...], delimiters: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for every shape of placeholder debris (see :func:`_shapes`).

    Built once per set of placeholders: the sentences of a letter use the same
    few (``ZXQAAAA``, ``ZXQAAAB``...), and building it for each made a long
    letter's restore spend its time writing regexes.
    """
    patterns = list(dict.fromkeys(p for m in marks for p in _shapes(m)))
    # From word starts only, where such a word's match begins (as the engines' DEBRIS_RE).
    patterns += [rf"(?<!\w)(?i:\w*{re.escape(stem)}\w*)" for stem in stems]
    if delimiters:
        cls = "[" + re.escape("".join(delimiters)) + "]"
        patterns.append(rf"(?:(?<!\d)\d{{1,3}})?{cls}+(?:\s?{cls}+)*(?:\d{{1,3}}(?!\d))?")
    return re.compile("|".join(patterns))


def segments(protected: Protected) -> list[str]:
    """The source text cut at its protected terms: ``len(slots) + 1`` pieces with no placeholder.

    The fallback when an engine mangled a placeholder: each piece is translated
    on its own and the terms are put back between them (:func:`reassemble`), so
    no placeholder ever reaches the engine -- or a file.
    """
    pieces: list[str] = []
    pos = 0
    for slot in protected.slots:
        at = protected.text.index(slot.placeholder, pos)
        pieces.append(protected.text[pos:at])
        pos = at + len(slot.placeholder)
    pieces.append(protected.text[pos:])
    return pieces


def reassemble(
    protected: Protected,
    translated: Callable[[str], str | None],
    target_lang: str,
    *,
    capitalize: bool = True,
) -> Restored:
    """The pieces of :func:`segments`, each through ``translated`` (stripped), terms between them.

    ``translated(piece)`` returns the translation of a stripped piece, or None
    to keep it as it is (punctuation, spaces). The piece's own surrounding
    whitespace is kept, and a piece that started lower-case stays lower-case
    (an engine capitalises a fragment as if it began a sentence).
    """
    out = ""
    forms = [_form(s.term, s.source_text, target_lang) for s in protected.slots]
    for i, piece in enumerate(segments(protected)):
        core = piece.strip()
        done = translated(core) if core else None
        if done is not None and done.strip():
            done = done.strip()
            if core[:1].islower() and done[:1].isupper():
                done = done[:1].lower() + done[1:]
            lead, trail = piece[: len(piece) - len(piece.lstrip())], piece[len(piece.rstrip()) :]
            piece = lead + done + trail
        out += piece
        if i < len(protected.slots):
            slot = protected.slots[i]
            before = _after_term(piece) if i else out
            out += _cased(forms[i], slot.term, before, capitalize)
    records = [
        TermRecord(s.term, "restored", s.index, s.source_text, forms[s.index], 1) for s in protected.slots
    ]
    return Restored(out, records)


def _remove_debris(text: str, protected: Protected, removed: list[str]) -> str:
    marks = tuple(s.placeholder for s in protected.slots)
    if not marks:
        return text
    folded = protected.source.casefold()
    stems = tuple(stem for stem in _stems(marks) if stem not in folded)
    delimiters = tuple(sorted(_delimiters(marks) - set(protected.source)))
    debris = _debris(marks, stems, delimiters)
    kept: list[str] = []  # pieces, not one string grown by += (quadratic on a long text)
    pos = 0
    for m in debris.finditer(text):
        if not m.group():
            continue
        removed.append(m.group())
        kept.append(text[pos : m.start()])
        after = m.end()
        while after < len(text) and text[after] in " \t":
            after += 1
        following = text[after : after + 1]
        # Leave no double space, no space before a comma or full stop, none at either end.
        if following in ("", "\n") or following in _NO_SPACE_BEFORE:
            _rstrip_pieces(kept)
            pos = after
        elif not _last_char(kept) or _last_char(kept) in " \t\n":
            pos = after
        else:
            pos = m.end()
    return "".join(kept) + text[pos:]


def _rstrip_pieces(pieces: list[str]) -> None:
    """Strip trailing spaces and tabs off the text the pieces make, in place."""
    while pieces:
        pieces[-1] = pieces[-1].rstrip(" \t")
        if pieces[-1]:
            return
        pieces.pop()


def _last_char(pieces: list[str]) -> str:
    """The last character of the text the pieces make ("" when empty)."""
    for piece in reversed(pieces):
        if piece:
            return piece[-1]
    return ""
