"""The coalition's glossary: load it, find its terms, enforce them, check them.

Modules, in the order a sentence meets them:

* ``model``      -- ``Term``, ``TargetForms``, ``Glossary`` (with ``content_hash``)
* ``paths``      -- ``resolve_glossary_paths``: the files the setting names, found, not read
* ``loading``    -- ``load_glossary``, ``check_glossary``
* ``workspace``  -- the workspace's glossary, and a letter's (with its names)
* ``names``      -- the names a letter's structure identifies, kept like keep-terms
* ``matching``   -- ``find_terms``: longest match, whole words, the case rule
* ``protection`` -- ``protect`` / ``restore`` around an engine, ``inject`` as fallback
* ``agreement``  -- the words around an enforced term made to agree with it
* ``checking``   -- ``check_terms`` for QA
* ``importing``  -- ``import_csv``, ``import_tbx``
* ``writing``    -- ``dump_terms``, ``add_term``

The names below are imported from their module on first use (PEP 562), not
here: ``status`` needs the loader only, and every command pays for what the
package imports at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    "normalise_lang": "polyletter.document.languages",
    "Finding": "polyletter.glossary.checking",
    "check_terms": "polyletter.glossary.checking",
    "import_csv": "polyletter.glossary.importing",
    "import_tbx": "polyletter.glossary.importing",
    "check_glossary": "polyletter.glossary.loading",
    "load_glossary": "polyletter.glossary.loading",
    "resolve_glossary_paths": "polyletter.glossary.paths",
    "Match": "polyletter.glossary.matching",
    "find_terms": "polyletter.glossary.matching",
    "is_case_sensitive": "polyletter.glossary.matching",
    "Glossary": "polyletter.glossary.model",
    "Origin": "polyletter.glossary.model",
    "TargetForms": "polyletter.glossary.model",
    "Term": "polyletter.glossary.model",
    "target_form": "polyletter.glossary.model",
    "Protected": "polyletter.glossary.protection",
    "Restored": "polyletter.glossary.protection",
    "Slot": "polyletter.glossary.protection",
    "TermRecord": "polyletter.glossary.protection",
    "bracket_placeholder": "polyletter.glossary.protection",
    "inject": "polyletter.glossary.protection",
    "inject_with_spans": "polyletter.glossary.protection",
    "protect": "polyletter.glossary.protection",
    "restore": "polyletter.glossary.protection",
    "add_term": "polyletter.glossary.writing",
    "dump_terms": "polyletter.glossary.writing",
}

__all__ = [
    "Finding",
    "Glossary",
    "Match",
    "Origin",
    "Protected",
    "Restored",
    "Slot",
    "TargetForms",
    "Term",
    "TermRecord",
    "add_term",
    "bracket_placeholder",
    "check_glossary",
    "check_terms",
    "dump_terms",
    "find_terms",
    "import_csv",
    "import_tbx",
    "inject",
    "inject_with_spans",
    "is_case_sensitive",
    "load_glossary",
    "normalise_lang",
    "protect",
    "resolve_glossary_paths",
    "restore",
    "target_form",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # asked once: later lookups are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


if TYPE_CHECKING:
    from polyletter.document.languages import normalise_lang
    from polyletter.glossary.checking import Finding, check_terms
    from polyletter.glossary.importing import import_csv, import_tbx
    from polyletter.glossary.loading import check_glossary, load_glossary
    from polyletter.glossary.matching import Match, find_terms, is_case_sensitive
    from polyletter.glossary.model import Glossary, Origin, TargetForms, Term, target_form
    from polyletter.glossary.paths import resolve_glossary_paths
    from polyletter.glossary.protection import (
        Protected,
        Restored,
        Slot,
        TermRecord,
        bracket_placeholder,
        inject,
        inject_with_spans,
        protect,
        restore,
    )
    from polyletter.glossary.writing import add_term, dump_terms
