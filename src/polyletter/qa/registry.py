"""Every QA check ``polyletter check`` runs, in the order it runs them.

A new check is a small :class:`~polyletter.qa.base.Check` subclass in its
family's module and one line here (Weblate's ``DEFAULT_CHECK_LIST``). The
order is the order of findings within a block: the entry's state first
(empty, stale), then what is wrong with the words.
"""

from __future__ import annotations

from polyletter.qa.base import Check
from polyletter.qa.consistency import Inconsistent
from polyletter.qa.markup import Formatting, Unpaired, Urls
from polyletter.qa.numbers import NumberFormat, Numbers
from polyletter.qa.punctuation import EndPunctuation, FrenchSpacing
from polyletter.qa.register import Register
from polyletter.qa.state import Empty, NeedsReview, Unknown
from polyletter.qa.terms import Agreement, Avoid, GlossaryTerm, KeepTerm, Names, WordOrder
from polyletter.qa.text import (
    Capitals,
    Doubled,
    Formula,
    Identical,
    Length,
    Placeholder,
    Repetition,
    Untranslated,
)

CHECKS: tuple[Check, ...] = (
    Empty(),
    NeedsReview(),
    Unknown(),
    Placeholder(),
    Numbers(),
    Formatting(),
    Identical(),
    Formula(),
    GlossaryTerm(),
    KeepTerm(),
    Names(),
    Agreement(),
    WordOrder(),
    Register(),
    Untranslated(),
    Length(),
    Avoid(),
    NumberFormat(),
    Doubled(),
    Repetition(),
    Capitals(),
    EndPunctuation(),
    Unpaired(),
    Urls(),
    FrenchSpacing(),
    Inconsistent(),
)

BY_ID: dict[str, Check] = {check.check_id: check for check in CHECKS}
"""The checks by id: what ``#, ignore-<id>`` names, and how the table finds a check's name."""
