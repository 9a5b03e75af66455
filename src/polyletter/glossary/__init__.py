"""The coalition's glossary: load it, find its terms, enforce them, check them.

Modules, in the order a sentence meets them:

* ``model``      -- ``Term``, ``TargetForms``, ``Glossary`` (with ``content_hash``)
* ``loading``    -- ``load_glossary``, ``check_glossary``, ``resolve_glossary_paths``
* ``matching``   -- ``find_terms``: longest match, whole words, the case rule
* ``protection`` -- ``protect`` / ``restore`` around an engine, ``inject`` as fallback
* ``checking``   -- ``check_terms`` for QA
* ``importing``  -- ``import_csv``, ``import_tbx``
* ``writing``    -- ``dump_terms``, ``add_term``
* ``langcodes``  -- one spelling of every language code, validated with CLDR
"""

from polyletter.document.languages import normalise_lang
from polyletter.glossary.checking import Finding, check_terms
from polyletter.glossary.importing import import_csv, import_tbx
from polyletter.glossary.loading import check_glossary, load_glossary, resolve_glossary_paths
from polyletter.glossary.matching import Match, find_terms, is_case_sensitive
from polyletter.glossary.model import Glossary, Origin, TargetForms, Term, target_form
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
