"""The roles of a master's blocks (date, address, salutation, ...), from evidence.

Every reader cuts its format into raw blocks; this module gives them their
letter roles, the same way for Markdown, plain text and Word, so a letter gets
the same block ids whichever format it was written in. Roles come from what a
reader of the page sees, not from the sample letter's order alone:

- **formulas**: the lexicon of salutations and closings in the master's
  language (:mod:`polyletter.document.formulas`), whole ("Sincerely,",
  "Veuillez agréer, …, l'expression de notre haute considération.") or by
  their first words ("Dear …", "Atentamente");
- **dates**, alone or after a place ("New York, 12 June 2007",
  "Yaoundé, le 3 septembre 2020", "March 1, 2022", "2018-08-25"), in the
  master's language (CLDR);
- **headers**: "To:", "From:", "cc:" lines are the address; "Re:",
  "Subject:", "Objet :", "Asunto:" a subject; "P.S." a postscript;
- **structure**: Markdown headings, lists and tables; a list or table after
  the closing holds signatories, one in the body is a list;
- **signatory lines**: "Org (Country)", "Org, Country", "Org – Country", table
  rows, people with titles.

Order still matters where evidence is silent: before the salutation come the
date, address and subject; between salutation and closing the body; after the
closing the signatories. Front matter can state a block's role where the
guess is wrong (``roles: {3: salutation}``, by block number from 1); those
overrides win and are validated against the letter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from polyletter.document.formulas import Lexicon, load_lexicon
from polyletter.document.inline import plain_text
from polyletter.document.letter import Block, BlockKind, Signatory
from polyletter.document.localize import parse_date_line
from polyletter.errors import InputFormatError

MAX_FORMULA = 100
"""A salutation is a short line; anything longer is prose that happens to start with "Dear"."""
MAX_CLOSING = 220
"""A closing may be a whole sentence ("Veuillez agréer, Madame la …, l'expression de …")."""
MAX_PROSE_LINE = 120
"""A single line longer than this, ending like a sentence, is a paragraph wherever it stands."""

_ADDRESS_HEADER = re.compile(
    r"^(to|from|cc|bcc|attn|attention|para|de|à|a|destinataire|destinatario|exp[ée]diteur|c\.c\.)\s*:",
    re.IGNORECASE,
)
_SUBJECT_HEADER = re.compile(
    r"^(re|subject|subj|objet|asunto|assunto|ref|r[ée]f[ée]rence|betreff|الموضوع)\s*:", re.IGNORECASE
)
_POSTSCRIPT = re.compile(r"^(p\.\s?-?s\.|ps\s*:|p\.p\.s\.|pps\s*:)", re.IGNORECASE)
_SENTENCE_END = (".", "!", "?", "…", "。")
_FOOTNOTE = re.compile(r"^(\[\d+\]|\^\d+|\d+\)\s+[A-Z]/)")
_TABLE_TITLES = {
    "organisation", "organisations", "organization", "organizations", "organisme", "organismes",
    "organización", "organizaciones", "organização", "organizações", "name", "names", "nom", "noms",
    "nombre", "nome", "signatory", "signatories", "signataire", "signataires", "firmante", "firmantes",
    "signatário", "signatários", "country", "countries", "pays", "país", "países", "المنظمة", "البلد",
}  # fmt: skip


@dataclass(frozen=True)
class RawBlock:
    """A block before it has a role: its lines, their markup, where it starts (1-based)."""

    lines: tuple[str, ...]
    markers: tuple[str, ...]
    line_no: int
    heading: bool = False
    listing: bool = False
    table: bool = False
    comments: tuple[str, ...] = ()
    """HTML comments standing on their own lines just before the block (kept, never translated)."""


def classify(
    raw: Sequence[RawBlock],
    lang: str,
    lexicon: Lexicon | None = None,
    overrides: Mapping[int, BlockKind] | None = None,
) -> list[Block]:
    """Give each block its role and a stable id (``kind-N``); ``overrides`` are by block number (1-based).

    ``lexicon`` defaults to the shipped formulas (a workspace may extend them).
    """
    kinds = _roles(raw, lang, lexicon or load_lexicon())
    for number, kind in (overrides or {}).items():
        kinds[number - 1] = kind
    counters: dict[BlockKind, int] = {}
    blocks = []
    for block, kind in zip(raw, kinds, strict=True):
        counters[kind] = counters.get(kind, 0) + 1
        block_id = f"{kind.value}-{counters[kind]}"
        blocks.append(Block(block_id, kind, block.lines, block.markers, block.line_no, block.comments))
    return blocks


def role_overrides(meta: Mapping[str, object], count: int, path: Path) -> dict[int, BlockKind]:
    """The ``roles`` of a master's front matter, checked: block numbers that exist, kinds that do."""
    given = meta.get("roles")
    if given is None:
        return {}
    hint = (
        "Write roles as {block number: kind}, e.g. roles: {3: salutation}; `polyletter inspect` shows them."
    )
    if not isinstance(given, dict):
        raise InputFormatError("front matter 'roles' must map block numbers to kinds", path=path, hint=hint)
    known = ", ".join(kind.value for kind in BlockKind)
    out: dict[int, BlockKind] = {}
    for number, kind in given.items():
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= count:
            raise InputFormatError(
                f"front matter 'roles' names block {number!r}, but the letter has blocks 1 to {count}",
                path=path,
                hint=hint,
            )
        try:
            out[number] = BlockKind(str(kind).strip().lower())
        except ValueError:
            raise InputFormatError(
                f"front matter 'roles' gives block {number} the unknown kind {kind!r}",
                path=path,
                hint=f"Kinds are: {known}.",
            ) from None
    return out


def _roles(raw: Sequence[RawBlock], lang: str, lexicon: Lexicon) -> list[BlockKind]:
    prose = _first_prose(raw)
    candidates = [i for i, block in enumerate(raw) if _is_salutation(block, lang, lexicon)]
    # The salutation is the last formula before the body ("To the Members ..., Excellencies,").
    before_body = [i for i in candidates if i < prose]
    salutation = before_body[-1] if before_body else (candidates[0] if candidates else None)
    body_start = salutation + 1 if salutation is not None else prose
    closing = next(
        (i for i in range(body_start, len(raw)) if _is_closing(raw, i, lang, lexicon)),
        None,
    )
    if closing is None:
        closing = _closing_before_signatures(raw, body_start, lang)
    kinds: list[BlockKind] = []
    annex = False
    for i, block in enumerate(raw):
        if block.heading:
            # a heading after the signatures opens an annex ("Annex", "Background"); one between the
            # closing and the signers ("Organizaciones firmantes") does not
            annex = closing is not None and i > closing and BlockKind.SIGNATORIES in kinds
            kinds.append(BlockKind.HEADING)
        elif annex:
            kinds.append(BlockKind.LIST if block.listing else BlockKind.PARAGRAPH)
        elif salutation is not None and i == salutation:
            kinds.append(BlockKind.SALUTATION)
        elif closing is not None and i == closing:
            kinds.append(BlockKind.CLOSING)
        elif i < body_start:
            kinds.append(_head_role(block, lang))
        elif closing is None or i < closing:
            kinds.append(_body_role(block))
        else:
            kinds.append(_tail_role(block, lang))
    return kinds


def _first(block: RawBlock) -> str:
    """The first line as a reader sees it: formatting (``**Re: ...**``) is not evidence."""
    return plain_text(block.lines[0]).strip()


def _single(block: RawBlock) -> bool:
    return len(block.lines) == 1 and not (block.heading or block.listing or block.table)


def _is_prose(block: RawBlock) -> bool:
    """A paragraph by its looks: a long line that ends like a sentence, or several sentences."""
    if block.heading or block.listing or block.table:
        return False
    text = plain_text(" ".join(block.lines)).rstrip()
    if len(block.lines) != 1 or not text.endswith(_SENTENCE_END):
        return False
    return len(text) > MAX_PROSE_LINE or len(text.split()) >= 8


def _is_salutation(block: RawBlock, lang: str, lexicon: Lexicon) -> bool:
    if not _single(block):
        return False
    line = _first(block)
    if len(line) > MAX_FORMULA or _header(line) or parse_date_line(line, lang):
        return False
    if lexicon.match(line, lang, "salutation"):
        return True
    return lexicon.opens(line, lang, "salutation") and not line.endswith(_SENTENCE_END)


def _is_closing(raw: Sequence[RawBlock], i: int, lang: str, lexicon: Lexicon) -> bool:
    block = raw[i]
    if not _single(block):
        return False
    line = _first(block)
    if len(line) > MAX_CLOSING:
        return False
    if lexicon.match(line, lang, "closing"):
        return True
    if not lexicon.opens(line, lang, "closing"):
        return False
    # "Sincerely," or "Veuillez agréer, ... considération.": a formula, not a sentence of the body
    # that happens to start with "Yours": short, or the last block before the signatures.
    return len(line) <= 60 or i + 1 >= len(raw) or not _is_prose(raw[i + 1])


def _closing_before_signatures(raw: Sequence[RawBlock], start: int, lang: str) -> int | None:
    """No closing the lexicon knows: a short formula ("Warmly,") right before signatory-like blocks."""
    for i in range(max(start, 0), len(raw) - 1):
        block = raw[i]
        if not _single(block):
            continue
        line = _first(block)
        if len(line) <= 60 and line.endswith((",", "،", ":")) and _looks_signed(raw[i + 1], lang):
            return i
    return None


def _first_prose(raw: Sequence[RawBlock]) -> int:
    """Without a salutation, the body starts at the first paragraph-like block."""
    return next((i for i, block in enumerate(raw) if _is_prose(block) or block.listing), len(raw))


def _header(line: str) -> BlockKind | None:
    if _SUBJECT_HEADER.match(line):
        return BlockKind.SUBJECT
    if _ADDRESS_HEADER.match(line):
        return BlockKind.ADDRESS
    return None


def _head_role(block: RawBlock, lang: str) -> BlockKind:
    line = _first(block)
    if block.listing or block.table:
        return BlockKind.LIST if block.listing else BlockKind.ADDRESS
    if _single(block) and parse_date_line(line, lang):
        return BlockKind.DATE
    header = _header(line)
    if header is BlockKind.SUBJECT and len(block.lines) == 1:
        return BlockKind.SUBJECT
    return BlockKind.ADDRESS


def _body_role(block: RawBlock) -> BlockKind:
    if block.listing:
        return BlockKind.LIST
    if _single(block) and _header(_first(block)) is BlockKind.SUBJECT:
        return BlockKind.SUBJECT  # "Subject: ..." right after the salutation
    return BlockKind.PARAGRAPH


def _tail_role(block: RawBlock, lang: str) -> BlockKind:
    line = _first(block)
    if _POSTSCRIPT.match(line):
        return BlockKind.POSTSCRIPT
    if not block.table and _header(line) is BlockKind.ADDRESS:
        return BlockKind.ADDRESS  # "cc:" after the signatures
    if _single(block) and line.endswith(":") and len(line) <= 60:
        return BlockKind.PARAGRAPH  # "On behalf of:", "Signatories:": words to translate, not a signer
    if _FOOTNOTE.match(line):
        return BlockKind.PARAGRAPH
    if block.table or block.listing or _looks_signed(block, lang):
        return BlockKind.SIGNATORIES
    return BlockKind.PARAGRAPH if _is_prose(block) else BlockKind.SIGNATORIES


def _looks_signed(block: RawBlock, lang: str) -> bool:
    """Every line a signatory: a table row, a country in parentheses or after a separator, or a short name."""
    if block.table:
        return _signatory_table(block, lang)
    if block.heading or _is_prose(block):
        return False
    for line in block.lines:
        signatory = Signatory.parse(line, lang)
        if not signatory.countries and (len(line) > MAX_PROSE_LINE or line.rstrip().endswith(_SENTENCE_END)):
            return False
    return True


def _signatory_table(block: RawBlock, lang: str) -> bool:
    """A table of signers: its header names organisations or countries, or its rows have countries."""
    header = [cell.strip().casefold() for cell in plain_text(block.lines[0]).split(" | ")]
    if any(cell in _TABLE_TITLES for cell in header):
        return True
    rows = [Signatory.parse(plain_text(line), lang) for line in block.lines[1:]]
    return bool(rows) and all(row.countries and _known(row.countries, lang) for row in rows)


def _known(countries: tuple[str, ...], lang: str) -> bool:
    from polyletter.document.localize import country_code

    return all(country_code(c, lang) or country_code(c, "en") for c in countries)
