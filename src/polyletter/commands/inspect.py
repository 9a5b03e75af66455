"""``polyletter inspect``: how a master was read, so a user can see (and correct) the roles.

Everything downstream rests on the roles: what goes to an engine, what is
rendered from CLDR or the formula lexicon, the DOCX layout, the review table.
``inspect`` prints each block's number (what front matter ``roles:`` refers
to), id, kind and text, and for signatories each parsed entry (name and
country), and marks the roles that front matter set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polyletter.document.languages import normalise_lang
from polyletter.document.letter import BlockKind, Letter, parse_signatories
from polyletter.errors import LetterNotFoundError
from polyletter.readers import read_letter
from polyletter.store.fileio import refuse_outside_link
from polyletter.store.workspace import MASTER_SUFFIXES, Workspace


@dataclass(frozen=True)
class Reading:
    """A master as polyletter reads it: its name, the letter, and the blocks front matter set."""

    name: str
    path: Path
    letter: Letter
    overridden: frozenset[int]
    """Block numbers (1-based) whose role came from front matter ``roles``."""

    def to_dict(self) -> dict[str, Any]:
        blocks = []
        for number, block in enumerate(self.letter.blocks, start=1):
            item: dict[str, Any] = {
                "number": number,
                "id": block.id,
                "kind": block.kind.value,
                "lines": list(block.lines),
            }
            if number in self.overridden:
                item["set_by"] = "front matter"
            if block.kind is BlockKind.SIGNATORIES:
                item["signatories"] = [
                    {
                        "name": s.name,
                        "country": s.joiner.join(s.countries) if s.countries else None,
                        "countries": list(s.countries),
                    }
                    for s in parse_signatories(block.lines, block.markers, self.letter.lang)
                ]
            blocks.append(item)
        return {"letter": self.name, "lang": self.letter.lang, "path": str(self.path), "blocks": blocks}


def inspect_letter(ws: Workspace, letter: str) -> Reading:
    """Read a master as ``translate`` would: by name (a master in the source folder) or by path.

    A path may name a master in any language folder of the workspace
    (``translations/fr/appel.md``): its language is the folder's. Paths outside
    the workspace's ``translations/`` are refused.
    """
    looks_like_path = "/" in letter or "\\" in letter or letter.endswith(MASTER_SUFFIXES)
    if not looks_like_path:
        name = ws.letter_name(letter)
        path, lang = ws.master_path(name), ws.config.source
    else:
        path = Path(os.path.abspath(letter))
        try:
            rel = path.relative_to(ws.translations)
        except ValueError:
            raise LetterNotFoundError(
                f"{letter}: not a letter of this workspace (masters live in translations/<lang>/)",
                hint="Copy it into translations/<lang>/ first.",
            ) from None
        if len(rel.parts) != 2 or path.suffix not in MASTER_SUFFIXES or not path.is_file():
            raise LetterNotFoundError(
                f"{letter}: no such master (translations/<lang>/<letter>.md)",
                hint="Give the letter's name, or the path of a .md or .txt file in translations/<lang>/.",
            )
        try:
            lang = normalise_lang(rel.parts[0])
        except ValueError:
            raise LetterNotFoundError(
                f"{letter}: {rel.parts[0]!r} is not a language folder", hint="Use translations/<lang>/."
            ) from None
        name = ws.letter_name(path.stem)
    read = read_letter(refuse_outside_link(path, ws.root, what="master letter"), lang)
    roles = read.meta.get("roles")
    overridden = frozenset(int(n) for n in roles) if isinstance(roles, dict) else frozenset()
    return Reading(name, path, read, overridden)
