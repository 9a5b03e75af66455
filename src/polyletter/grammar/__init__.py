"""The words around the terms: gender, number and the determiners that agree with them.

One module per language that has articles (``es``, ``fr``, ``pt``), each
building one :class:`~polyletter.grammar.base.Rules` from its tables; the
algorithm is in :mod:`polyletter.grammar.base`. Modules are imported on first
use. A language without a module gets no repair and no agreement check (its
words are the reviewer's to judge), but ``check`` still reports two terms
left side by side in English order.
"""

from __future__ import annotations

import functools
import importlib

from polyletter.document.languages import base_lang
from polyletter.grammar.base import UNKNOWN, Grammar, Rules

_LANGUAGES = {
    "es": "polyletter.grammar.es",
    "fr": "polyletter.grammar.fr",
    "pt": "polyletter.grammar.pt",
}


def grammar_languages() -> list[str]:
    """The languages whose determiners polyletter makes agree."""
    return sorted(_LANGUAGES)


@functools.cache
def rules_for(lang: str) -> Rules | None:
    """The rules of ``lang`` (``pt-BR`` falls back to ``pt``); None for a language without a module."""
    module = _LANGUAGES.get(base_lang(lang))
    return importlib.import_module(module).RULES if module else None


def infer(lang: str, form: str) -> Grammar:
    """A form's gender and number where its shape says so reliably; UNKNOWN where it does not."""
    rules = rules_for(lang)
    return rules.infer(form) if rules is not None else UNKNOWN


__all__ = ["UNKNOWN", "Grammar", "Rules", "grammar_languages", "infer", "rules_for"]
