"""Names a letter's structure identifies: people after an honorific or a title, signers, addressees.

No engine may translate a name: Apertium turns "Edward C. Luck" into "Edward
C. Suerte" and "Ban Ki-moon" into "ban Ki-moon". The evidence that a run of
capitalised words is a name, and not a body or a title, is where it stands:

* right after an honorific or a title ("H.E. Mr. Nassir Abdulaziz
  Al-Nasser", "Secretary-General Ban Ki-moon", "Special Adviser Dr. Luck",
  "Dear Chairperson Faki"); titles may follow one another, and a title
  followed by "of" or "for" is a title, not a name ("President of the
  General Assembly");
* a line of an address or cc block written "Name, Title" or "Name" above a
  title line ("Moussa Faki Mahamat" / "Chairperson of the ...");
* a signatories block: each signing organisation, and each signing person
  ("Dr. Amina Diallo, Director, Sahel Peace Observatory": the person and the
  organisation).

:func:`find_names` gives these; the glossary turns them into kept terms for
the letter (:mod:`polyletter.glossary.names`). :func:`name_candidates` gives
the weaker evidence (capitalised words mid-sentence that nothing protects),
for ``polyletter glossary names`` to suggest and a human to decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from polyletter.document.inline import plain_text
from polyletter.document.letter import Block, BlockKind, Letter, parse_signatories, starts_with_title

Kind = Literal["person", "organisation"]

HONORIFICS = (
    "Mr.", "Mr", "Mrs.", "Mrs", "Ms.", "Ms", "Mx.", "Miss", "Dr.", "Dr", "Prof.", "Professor", "H.E.",
    "H. E.", "HE", "Sir", "Dame", "Lord", "Lady", "Rev.", "Hon.", "Madam", "Madame", "Mme", "Mme.",
    "M.", "Mlle", "S.E.", "S. E.", "Me", "Pr", "Sr.", "Sra.", "Srta.", "Dra.", "Excmo.", "Excma.",
    "Sen.", "Amb.", "Monsieur", "Madame", "Mademoiselle", "Señor", "Señora", "Senhor", "Senhora",
    "His Excellency", "Her Excellency", "Son Excellence",
)  # fmt: skip
"""Written before a person's name in the letters polyletter reads (en, fr, es, pt)."""

TITLES = (
    "Secretary-General", "Secretary General", "Under-Secretary-General", "Deputy Secretary-General",
    "Assistant Secretary-General", "President", "Vice-President", "Vice President", "Prime Minister",
    "Foreign Minister", "Minister", "Ambassador", "Special Adviser", "Special Advisor",
    "Special Rapporteur", "Special Envoy", "Special Representative", "High Commissioner",
    "Deputy High Commissioner", "Commissioner", "Chairperson", "Chairman", "Chairwoman",
    "Director-General", "Executive Director", "Director", "Prosecutor", "Senator", "Judge",
    "Secrétaire général", "Président", "Présidente", "Ambassadeur", "Ambassadrice", "Ministre",
    "Rapporteur spécial", "Secretario General", "Presidente", "Presidenta", "Embajador", "Embajadora",
    "Ministro", "Ministra", "Secretário-Geral", "Embaixador", "Embaixadora",
)  # fmt: skip
"""Titles that stand right before a name ("Secretary-General Ban Ki-moon")."""

_PARTICLES = frozenset({
    "al", "el", "bin", "ibn", "bint", "ben", "abu", "ould", "de", "del", "della", "da", "das", "do",
    "dos", "du", "van", "von", "der", "den", "ter", "la", "le", "di", "y", "e",
})  # fmt: skip
"""Lower-case words inside a name ("Ahmad bin Ali", "Luiz Inácio Lula da Silva")."""

_HEADER = re.compile(r"^(?:cc|c\.c\.|to|from|attn|a|de|à|para|copie)\s*:\s*", re.IGNORECASE)
_MAX_WORDS = 6


@dataclass(frozen=True)
class Name:
    """A name in a letter, where it was found, and the evidence."""

    text: str
    kind: Kind
    block_id: str
    evidence: str
    """Why this is a name: "after 'H.E.'", "signatory", "address line above a title"."""


def _cue_pattern(words: Iterable[str]) -> str:
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") + (r"(?!\w)" if w[-1].isalnum() else "") for w in ordered
    )


_CUE = re.compile(rf"(?<![\w.])({_cue_pattern((*HONORIFICS, *TITLES))})[ \t\u00a0]+")
_TITLE_WORDS = frozenset(w.casefold() for title in TITLES for w in title.split())
_HONORIFIC_WORDS = frozenset(h.casefold() for h in HONORIFICS)


def _is_name_word(word: str) -> bool:
    """ "Ki-moon", "Al-Nasser", "O'Brien", "Türk": a capital, then letters, hyphens, apostrophes."""
    core = word.replace("-", "").replace("'", "").replace("\u2019", "")
    return bool(core) and word[:1].isupper() and core.isalpha() and word.casefold() not in _TITLE_WORDS


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."


_WINDOW = 512
"""How far past a cue a name is looked for: enough for ``_MAX_WORDS`` words and the one after
them; bounded, so a long paragraph with many cues is read once, not once per cue."""


def name_after(text: str, start: int) -> str | None:
    """The name that begins at ``text[start]``, if the words there make one (else None).

    A name ends at a line break, at punctuation, at a possessive, or at the
    first word that is not a capitalised word, an initial or a particle
    inside the name; it never ends on a particle or an initial.
    """
    stop = text.find("\n", start, start + _WINDOW)
    line = text[start : stop if stop >= 0 else start + _WINDOW]
    pieces = re.split(r"[ \t\u00a0]", line)
    if stop < 0 and start + _WINDOW < len(text) and len(pieces) <= _MAX_WORDS + 1:
        pieces = re.split(r"[ \t\u00a0]", text[start:].split("\n", 1)[0])  # words too long for the window
    words: list[str] = []
    for raw in pieces:
        word = re.sub(r"(?:['\u2019]s)?[,;:)\].!?\u2026]*$", "", raw)
        if _is_initial(raw):
            word = raw  # "C." is an initial, not a word and a full stop
        if not word or raw[:1] in '(["\u201c':
            break
        if not (_is_name_word(word) or _is_initial(word) or (words and word in _PARTICLES)):
            break
        words.append(word)
        if (word != raw and not _is_initial(raw)) or len(words) >= _MAX_WORDS:
            break
    while words and (words[-1] in _PARTICLES or _is_initial(words[-1])):
        words.pop()
    return " ".join(words) if words else None


def names_after_cues(text: str) -> Iterator[tuple[str, str]]:
    """(name, cue) for every name right after an honorific or a title, cues chained ("H.E. Mr. X")."""
    pos = 0
    while True:
        m = _CUE.search(text, pos)
        if m is None:
            return
        cue, after = m.group(1), m.end()
        while True:  # "H.E. Mr." / "Special Adviser Dr.": skip the cues that follow
            more = _CUE.match(text, after)
            if more is None:
                break
            cue, after = more.group(1), more.end()
        name = name_after(text, after)
        if name is not None:
            yield name, cue
        pos = max(after, m.end())


def find_names(letter: Letter) -> list[Name]:
    """Every name the letter's structure identifies, first occurrence first, each once."""
    found: dict[str, Name] = {}

    def add(text: str, kind: Kind, block: Block, evidence: str) -> None:
        text = " ".join(text.split()).strip(" ,;:")
        if _plausible(text) and text not in found:
            found[text] = Name(text, kind, block.id, evidence)

    for block in letter.blocks:
        lines = [plain_text(line) for line in block.lines]
        if block.kind is BlockKind.SIGNATORIES:
            for name, kind in _signers(block, letter.lang):
                add(name, kind, block, "signatory")
            continue
        if block.kind is BlockKind.DATE:
            continue
        for i, line in enumerate(lines):
            for name, cue in names_after_cues(line):
                add(name, "person", block, f"after {cue!r}")
            if block.kind is BlockKind.ADDRESS:
                body = _without_honorifics(_HEADER.sub("", line).strip())
                head, _, rest = body.partition(", ")
                below = lines[i + 1] if i + 1 < len(lines) else ""
                if rest and _starts_with_title(rest) and name_after(head, 0) == head:
                    add(head, "person", block, "address line: name, title")
                elif not rest and _starts_with_title(below) and name_after(body, 0) == body:
                    add(body, "person", block, "address line above a title")
    return list(found.values())


def _signers(block: Block, lang: str) -> Iterator[tuple[str, Kind]]:
    """The names a signatories block gives: organisations, and people with their organisations."""
    for signer in parse_signatories(block.lines, block.markers, lang):
        if signer.lead:  # "Hassan Shire (DefendDefenders, Uganda)": the signer, and their organisation
            yield signer.lead, "person"
            yield signer.name[len(signer.lead) :].strip(" ,"), "organisation"
            continue
        parts = [p.strip() for p in signer.name.split(", ") if p.strip()]
        if len(parts) >= 2 and _starts_with_title(parts[1]):
            person = _without_honorifics(parts[0])
            yield person, "person"
            if len(parts) >= 3 and not _starts_with_title(parts[-1]):
                yield parts[-1], "organisation"
            continue
        yield signer.name, "organisation"


def _without_honorifics(text: str) -> str:
    while True:
        m = _CUE.match(text)
        if m is None or m.group(1) not in HONORIFICS:
            return text
        text = text[m.end() :]


def _starts_with_title(text: str) -> bool:
    """ "Under-Secretary-General for ...", "Director", "Executive Director": a title opens it."""
    first = text.strip().split(" ")[0].casefold().rstrip(",") if text.strip() else ""
    return starts_with_title(text) or first in _TITLE_WORDS


def _plausible(text: str) -> bool:
    """A name: some capital letter, no digit, a few words, not a sentence or a bare honorific."""
    words = text.split()
    return (
        0 < len(words) <= 12
        and any(ch.isupper() for ch in text)
        and not any(ch.isdigit() for ch in text)
        and not text.endswith((".", ":"))
        and text.casefold() not in _HONORIFIC_WORDS
        and text.casefold() not in _TITLE_WORDS
    )


_CAPITALISED_RUN = re.compile(
    r"(?<![\w.])[A-Z\u00c0-\u00de][\w'\u2019-]*"
    r"(?:[ \t](?:(?:of|for|and|the|de|du|des|la|le|del)[ \t])?(?:[A-Z]\.|[A-Z\u00c0-\u00de][\w'\u2019-]*))+"
)


def name_candidates(letter: Letter) -> list[tuple[str, str]]:
    """(text, block id) for runs of two or more capitalised words in prose that may be names.

    Weaker evidence than :func:`find_names` (a body, a place, a programme
    all look like this), so nothing is protected on it: ``polyletter
    glossary names`` lists these for a human to add as kept terms or not.
    """
    out: dict[str, str] = {}
    for block in letter.blocks:
        if block.kind in (BlockKind.SIGNATORIES, BlockKind.DATE):
            continue
        for line in block.lines:
            text = plain_text(line)
            for m in _CAPITALISED_RUN.finditer(text):
                before = text[: m.start()].rstrip()
                opens = not before or before.endswith((".", "!", "?", ":"))
                for run in candidate_runs(m.group(), opens_sentence=opens, lang=letter.lang):
                    out.setdefault(run, block.id)
    return list(out.items())


def candidate_runs(text: str, *, opens_sentence: bool = False, lang: str = "en") -> list[str]:
    """The runs of ``text`` that could be names: two capitalised words or more, not only titles.

    A sentence's first word has the sentence's capital, not a name's; runs of
    titles and honorifics only ("Special Adviser Dr.") and lists of countries
    ("Mali and Niger") are not names.
    """
    from polyletter.document.localize import country_code

    found = []
    for m in _CAPITALISED_RUN.finditer(text):
        words = m.group().rstrip("'\u2019-").split()
        if opens_sentence and m.start() == 0 and words[0].casefold() in _OPENERS:
            words = words[1:]
        while words and not words[0][:1].isupper():
            words = words[1:]
        capitalised = [w for w in words if w[:1].isupper()]
        if len(capitalised) < 2 or all(w.rstrip(".").casefold() in _CUE_WORDS for w in capitalised):
            continue
        run = " ".join(words)
        if all(country_code(part, lang) for part in re.split(r",\s*|\s+and\s+", run)):
            continue
        found.append(run)
    return found


_OPENERS = frozenset({
    "the", "we", "our", "in", "on", "as", "at", "this", "these", "dear", "since", "for", "to", "under",
    "with", "from", "by", "if", "a", "an", "all", "and", "but", "its", "their", "your", "after", "before",
})  # fmt: skip
_CUE_WORDS = frozenset(w.rstrip(".").casefold() for cue in (*HONORIFICS, *TITLES) for w in cue.split())
