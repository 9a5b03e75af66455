"""What must survive translation intact: formatting, links, addresses, and paired signs.

``formatting`` compares the inline spans (bold, italics, code, links);
``urls`` the web and e-mail addresses a reader would copy; ``unpaired`` the
quotes, brackets and parentheses, each pair counted apart so that English
“…” may become French « … » without a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from polyletter.document.inline import CODE, EMPHASIS, LINK, STRONG, parse_inline
from polyletter.document.languages import base_lang
from polyletter.qa.base import Check, Context, Issue
from polyletter.qa.text import plain


class Formatting(Check):
    check_id = "formatting"
    name = "Formatting lost"
    description = "Links whose URL is gone, and fewer bold, italic or code spans than the source has."

    def check(self, ctx: Context) -> Iterator[Issue]:
        wanted = [span for line in ctx.source.split("\n") for span in parse_inline(line)[1]]
        found = [span for line in ctx.translation.split("\n") for span in parse_inline(line)[1]]
        for url in sorted({s.target for s in wanted if s.style == LINK} - {s.target for s in found}):
            yield Issue(f"the link to {url} is missing")
        for style, label in ((STRONG, "bold"), (EMPHASIS, "italic"), (CODE, "code")):
            lost = sum(s.style == style for s in wanted) - sum(s.style == style for s in found)
            if lost > 0:
                yield Issue(f"{lost} {label} span{'s' if lost > 1 else ''} of the source missing")


ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]\"«»“”]+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'’\u00a0\u202f"


def addresses(text: str) -> list[str]:
    """Web and e-mail addresses in ``text``, without the sentence's punctuation after them."""
    return [m.group(0).rstrip(_TRAILING) for m in ADDRESS.finditer(text)]


class Urls(Check):
    check_id = "urls"
    name = "Address altered"
    description = "A web or e-mail address of the source is not in the translation exactly as written."

    def check(self, ctx: Context) -> Iterator[Issue]:
        """Visible text only: a link's target is ``formatting``'s (one finding for one fault)."""
        wanted = addresses(plain(ctx.source))
        if not wanted:
            return
        targets = [s.target for line in ctx.translation.split("\n") for s in parse_inline(line)[1]]
        found = plain(ctx.translation) + "\n" + "\n".join(targets)
        for address in dict.fromkeys(wanted):
            if address not in found:
                kind = "e-mail address" if "@" in address and "://" not in address else "URL"
                yield Issue(f"the {kind} {address} is not in the translation intact")


_PAIRS = (("(", ")"), ("[", "]"), ("«", "»"), ("“", "”"), ("‘", "’"), ("„", "“"), ("‚", "‘"))
_LOW_OPENING = frozenset({"de", "cs", "sk", "pl", "ro", "hu", "bg", "lt", "et", "hr", "sr", "sl", "ru", "uk"})
"""Languages whose quotes may open low („…“): there “ closes."""
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])’(?=[^\W\d_])|(?<=[sSzZ])’(?=[\s,.;:!?)]|$)")
"""’ inside a word (l’ONU, aujourd’hui) or after a plural's s (the States’ duty): an apostrophe."""


def imbalance(text: str, lang: str) -> dict[str, int]:
    """Openers minus closers of each pair (straight quotes: their count mod 2), by pair."""
    text = _APOSTROPHE.sub("", text)
    low = base_lang(lang) in _LOW_OPENING and ("„" in text or "‚" in text)
    out: dict[str, int] = {}
    for opening, closing in _PAIRS:
        if opening in "„‚" and not low:
            continue
        if low and opening in "“‘":
            continue  # in „…“ the “ closes
        out[opening + closing] = text.count(opening) - text.count(closing)
    out['"'] = text.count('"') % 2
    return out


class Unpaired(Check):
    check_id = "unpaired"
    name = "Unpaired quote or bracket"
    description = "A quote, bracket or parenthesis opened and not closed (or closed and not opened)."

    def check(self, ctx: Context) -> Iterator[Issue]:
        """Compared with the source, pair by pair: a list's "a)" markers or a quotation the master
        itself leaves open are not the translation's fault."""
        source = imbalance(plain(ctx.source), ctx.source_lang)
        for pair, off in imbalance(plain(ctx.translation), ctx.target_lang).items():
            if off and off != source.get(pair, 0):
                what = f"{pair[0]} … {pair[1]}" if len(pair) == 2 else pair
                side = "opened and not closed" if off > 0 else "closed and not opened"
                yield Issue(f"{what} {side} ({abs(off)} unpaired)")
