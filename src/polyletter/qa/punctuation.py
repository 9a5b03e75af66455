"""Punctuation: how a block ends, and French spacing.

``end-punctuation`` compares the last sign of the source's last line with the
translation's, by meaning rather than by character: Arabic ؟ is a question
mark, ، a comma, ؛ a semicolon; "..." is an ellipsis like "…". It looks at
paragraphs and postscripts only: a salutation or closing follows its
language's convention ("Excellency," is "Excelencia:" in Spanish), headings
and list items often carry none, and addresses and signatures are lines.

``french-spacing`` wants a no-break space before ``; : ! ?`` and inside
« » (U+202F, the narrow one, before ``; ! ?``; U+00A0 before ``:`` and inside
guillemets, as the Imprimerie nationale writes them; either is accepted).
A plain space would let the line break before the sign; none at all is
English typography. The fix puts the right space in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from polyletter.document.letter import BlockKind
from polyletter.qa.base import Check, Context, Issue
from polyletter.qa.markup import ADDRESS
from polyletter.qa.text import plain

_END_CLASSES = (
    ("ellipsis", ("…", "...")),
    ("full stop", (".", "。", "۔", "।")),
    ("colon", (":", "：")),
    ("question mark", ("?", "؟", "？")),
    ("exclamation mark", ("!", "！")),
    ("comma", (",", "،", "，")),
    ("semicolon", (";", "؛")),
)
_JUDGED = frozenset({"ellipsis", "full stop", "colon", "question mark", "exclamation mark"})
_CLOSERS = " \t\u00a0\u202f)]»”’\"'*_"


def ending(text: str) -> str | None:
    """What the last line of ``text`` ends with: a class of sign, "" for a letter or digit, None else."""
    lines = [line for line in plain(text).split("\n") if line.strip()]
    if not lines:
        return None
    last = lines[-1].rstrip(_CLOSERS)
    for name, signs in _END_CLASSES:
        if last.endswith(signs):
            return name
    return "" if last and last[-1].isalnum() else None


class EndPunctuation(Check):
    check_id = "end-punctuation"
    name = "End punctuation"
    description = "A paragraph ends with another sign than the source's (full stop, colon, question mark...)."

    def applies(self, ctx: Context) -> bool:
        return super().applies(ctx) and ctx.block.kind in (BlockKind.PARAGRAPH, BlockKind.POSTSCRIPT)

    def check(self, ctx: Context) -> Iterator[Issue]:
        source, target = ending(ctx.source), ending(ctx.translation)
        if source is None or target is None or source == target:
            return
        if source not in _JUDGED and target not in _JUDGED:
            return  # a comma for a semicolon is the target language's business
        said = source or "no punctuation"
        yield Issue(f"the source ends with {said}, the translation with {target or 'no punctuation'}")


_NARROW, _NBSP = "\u202f", "\u00a0"
_PROTECTED = re.compile(ADDRESS.pattern + r"|\]\([^)\s]*\)|`[^`]*`|&#?\w+;|<[^>]*>|\d[:.]\d", re.IGNORECASE)
"""Addresses, link targets, code, entities, HTML tags and times (10:30): not prose to space."""


def french_spacing(text: str, lang: str) -> tuple[str, list[str]]:
    """``text`` with French spacing, and what was wrong (one line per place)."""
    only_colon = lang in ("fr-CH", "fr-CA")  # Swiss and Canadian usage: no space before ; ! ?
    protected: set[int] = set()
    for m in _PROTECTED.finditer(text):
        protected.update(range(m.start(), m.end()))
    out: list[str] = []
    problems: list[str] = []
    for i, ch in enumerate(text):
        before = text[i - 1] if i else "\n"
        after = text[i + 1] if i + 1 < len(text) else "\n"
        if i in protected:
            out.append(ch)
            continue
        if ch in ";:!?" and not (only_colon and ch != ":"):
            space = _NBSP if ch == ":" else _NARROW
            if before in "\n" or before in ";:!?" or (ch == "!" and after == "["):
                out.append(ch)
                continue
            if before in (_NARROW, _NBSP):
                out.append(ch)
            elif before == " " or before == "\t":
                out[-1] = space
                out.append(ch)
                problems.append(f"a plain space before {ch!r} ({_around(text, i)})")
            else:
                out.append(space + ch)
                problems.append(f"no space before {ch!r} ({_around(text, i)})")
            continue
        if ch == "«" and after not in "\n" + _NARROW + _NBSP:
            out.append(ch)
            if after == " ":
                problems.append(f"a plain space after '«' ({_around(text, i)})")
            else:
                out.append(_NBSP)
                problems.append(f"no space after '«' ({_around(text, i)})")
            continue
        if ch == " " and before == "«":
            out.append(_NBSP)
            continue
        if ch == "»" and before not in "\n" + _NARROW + _NBSP:
            if before == " ":
                out[-1] = _NBSP
                problems.append(f"a plain space before '»' ({_around(text, i)})")
            else:
                out.append(_NBSP)
                problems.append(f"no space before '»' ({_around(text, i)})")
            out.append(ch)
            continue
        out.append(ch)
    return "".join(out), problems


def _around(text: str, i: int) -> str:
    return repr(text[max(0, i - 12) : i + 2].split("\n")[-1])


class FrenchSpacing(Check):
    check_id = "french-spacing"
    name = "French spacing"
    description = (
        "French wants a no-break space before ; : ! ? and inside « » (a plain space or none is wrong)."
    )

    def applies(self, ctx: Context) -> bool:
        return super().applies(ctx) and ctx.target_lang.split("-")[0] == "fr"

    def check(self, ctx: Context) -> Iterator[Issue]:
        fixed, problems = french_spacing(ctx.translation, ctx.target_lang)
        if problems:
            more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
            yield Issue(f"{problems[0]}{more}: a no-break space belongs there", fix=fixed)
