"""What a QA check is: an id, a name, a one-line description, and one method over a block.

The shape is Weblate's (``checks/base.py``): a check is a small class whose
``check_id`` everything else derives from -- the PO flag that silences it
for one entry (``#, ignore-<check_id>``), the key in ``--json``, the row of
the table. The checks live in one module per family (``text``, ``terms``,
``markup``, ``register``, ...); :mod:`polyletter.qa.registry` lists them in
the order ``check`` runs them.

A check sees one block of one language version (:class:`Context`) and yields
:class:`Issue` s. Which blocks it looks at is its own business
(:meth:`Check.applies`): by default every block a reader expects in the
target language, with text on both sides -- not dates or signatories, which
are rendered from CLDR and kept as written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from polyletter.document.formulas import Lexicon
from polyletter.document.letter import Block, BlockKind, Letter
from polyletter.glossary import Glossary
from polyletter.glossary.model import Origin
from polyletter.store.catalog import Entry

T = TypeVar("T")

RENDERED = frozenset({BlockKind.DATE, BlockKind.SIGNATORIES})
"""Blocks polyletter renders itself (CLDR dates, signatory lines): their own checks only."""


@dataclass(frozen=True)
class Issue:
    """What a check found in one block: a message, and where to look or what would fix it."""

    message: str
    origin: Origin | None = None
    """The glossary entry the finding is about (its file and line), when there is one."""
    fix: str | None = None
    """The block's translation with the problem repaired, when the repair is safe (``check --fix``)."""


@dataclass(frozen=True)
class Letterwide:
    """What a check may know beyond the block: the rest of this version, and other letters."""

    entries: Mapping[str, Entry] = field(default_factory=dict)
    """Every entry of this language version, by block id."""
    elsewhere: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Source sentence -> (its translation in another letter, where): from the translation memory."""
    master: Letter | None = None
    """The master the entries translate (its block order is the letter's)."""
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: Any, build: Callable[[], T]) -> T:
        """``build()`` once per language version: an index a check needs over all its blocks."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]


@dataclass(frozen=True)
class Context:
    """One block of a language version, as every check sees it."""

    block: Block
    entry: Entry
    source_lang: str
    target_lang: str
    glossary: Glossary | None
    lexicon: Lexicon
    register: str = "formal"
    letter: Letterwide = field(default_factory=Letterwide)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Values several checks derive from the same block (the glossary findings), computed once."""

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """``build()`` for this block, computed by the first check that asks and shared with the rest.

        Three checks (glossary, keep-term, names) read one glossary pass and two
        (agreement, word-order) one grammar pass: running those passes once per
        block is what keeps the registry as fast as the inline checks were.
        """
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    @property
    def source(self) -> str:
        return self.block.text

    @property
    def translation(self) -> str:
        return self.entry.translation


class Check:
    """A QA check. Subclasses set the class attributes and implement :meth:`check`."""

    check_id: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]
    rendered_too: ClassVar[bool] = False
    """Whether the check also looks at dates and signatories (numbers and placeholders do)."""

    def applies(self, ctx: Context) -> bool:
        """Whether this check looks at ``ctx``'s block (not the rendered ones, not empty ones)."""
        if not ctx.translation.strip():
            return False
        return self.rendered_too or ctx.block.kind not in RENDERED

    def check(self, ctx: Context) -> Iterable[Issue]:
        raise NotImplementedError

    @property
    def flag(self) -> str:
        """The PO flag that silences this check for one entry."""
        return f"ignore-{self.check_id}"


def clip(text: str, width: int = 60) -> str:
    """A quotation short enough for a table cell."""
    return text if len(text) <= width else text[: width - 1] + "…"
