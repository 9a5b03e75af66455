"""Letter formulas: salutations and closings recognised in a master and rendered in the target.

A machine translation engine renders "Sincerely," word by word ("Sinceramente,");
a letter deserves the target's own formula ("Atentamente,", "Veuillez agréer,
…"). The lexicon (``data/formulas.yaml``, documented there with its sources,
overridable by a workspace's ``formulas.yaml``) lists each formula in every
language: the reader uses it to recognise the salutation and the closing, the
translate command to render them, and QA to notice a formula left in the
source language. A formula the lexicon does not know still gets its role from
the ``openers`` (the words such formulas start with) and goes to the engine.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

from polyletter.document.languages import base_lang
from polyletter.errors import InputFormatError

T = TypeVar("T")

Kind = Literal["salutation", "closing"]
WORKSPACE_FILE = "formulas.yaml"
_FINAL = ",:;.،؛!"
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


ADDRESSEES = ("one", "several")


@dataclass(frozen=True)
class Formula:
    """One formula in every language it is known in; the first form of each is the one rendered."""

    kind: Kind
    id: str
    forms: dict[str, tuple[str, ...]]
    addressees: str = "one"
    """``one`` or ``several``: how many readers a salutation addresses ("Excellencies", "Dear
    Ministers"). The register check repairs "a ti" as "a usted" for one, "a ustedes" for several."""


@dataclass(frozen=True)
class Lexicon:
    formulas: tuple[Formula, ...]
    openers: dict[Kind, dict[str, tuple[str, ...]]]

    def match(self, text: str, lang: str, kind: Kind | None = None) -> Formula | None:
        """The formula ``text`` is in ``lang`` (any of its forms), or None."""
        pattern, formulas = _alternatives(self, base_lang(lang), kind)
        found = pattern.fullmatch(_key(text)) if formulas else None
        return formulas[found.lastindex - 1] if found is not None and found.lastindex else None

    def render(self, formula: Formula, lang: str) -> str | None:
        """The conventional form of ``formula`` in ``lang``, or None when the lexicon has none."""
        forms = formula.forms.get(base_lang(lang), ())
        return forms[0] if forms else None

    def opens(self, text: str, lang: str, kind: Kind) -> bool:
        """Whether ``text`` starts the way a ``kind`` formula does in ``lang`` ("Dear", "Atentamente")."""
        return _openers(self, base_lang(lang), kind).match(_key(text)) is not None


def _openers(lexicon: Lexicon, lang: str, kind: Kind) -> re.Pattern[str]:
    """The openers of ``kind`` in ``lang`` as one pattern matched at the start of a key.

    An opener matches as a word (not followed by a letter or digit: "dear" is no opener of
    "dearest"), or as a stem when it has six letters or more ("sincere" opens "sincerely").
    Asked for most blocks of every master: one match instead of a loop over the openers.
    """

    def build() -> re.Pattern[str]:
        openers = lexicon.openers.get(kind, {}).get(lang, ())
        parts = [re.escape(o) if len(o) >= 6 else rf"{re.escape(o)}(?![^\W_])" for o in openers]
        return re.compile("|".join(parts) if parts else "(?!)")

    return _per_lexicon(lexicon, ("openers", lang, kind), build)


def _key(text: str) -> str:
    """What matching compares: NFC, casefolded, one space, straight apostrophes, no final punctuation."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    return " ".join(text.split()).casefold().rstrip(_FINAL + " ")


@functools.lru_cache(maxsize=512)
def _pattern(form: str) -> str:
    parts = [re.escape(part.strip()) for part in _key(form).split("{*}")]
    return r"\s*.+?\s*".join(parts)


_DERIVED: dict[tuple[int, Hashable], tuple[Lexicon, Any]] = {}


def _per_lexicon(lexicon: Lexicon, key: Hashable, build: Callable[[], T]) -> T:
    """``build()`` for ``key``, once per lexicon object (patterns the reader asks for on every block).

    Keyed by the lexicon's identity and holding it, so a lexicon freed and another allocated at
    its address is never answered for; bounded, since a workspace lexicon is loaded per run.
    """
    cached = _DERIVED.get((id(lexicon), key))
    if cached is not None and cached[0] is lexicon:
        return cached[1]
    value = build()
    if len(_DERIVED) > 64:
        _DERIVED.clear()
    _DERIVED[id(lexicon), key] = (lexicon, value)
    return value


def _alternatives(
    lexicon: Lexicon, lang: str, kind: Kind | None
) -> tuple[re.Pattern[str], tuple[Formula, ...]]:
    """Every form of ``lang`` (of one kind) as one pattern, a group per form, in the lexicon's order.

    The reader asks for a match for every block of every master (``status`` reads hundreds): one
    fullmatch of an alternation instead of one per form. Group ``i`` belongs to ``formulas[i - 1]``;
    the first alternative that matches wins, as the loop over the lexicon did.
    """

    def build() -> tuple[re.Pattern[str], tuple[Formula, ...]]:
        groups, owners = [], []
        for formula in lexicon.formulas:
            if kind is None or formula.kind == kind:
                for form in formula.forms.get(lang, ()):
                    groups.append(f"({_pattern(form)})")
                    owners.append(formula)
        return re.compile("|".join(groups) if groups else "(?!)"), tuple(owners)

    return _per_lexicon(lexicon, ("alternatives", lang, kind), build)


def load_lexicon(workspace_root: Path | None = None) -> Lexicon:
    """The shipped lexicon, with the workspace's ``formulas.yaml`` entries added or replacing by id."""
    shipped = _shipped()
    if workspace_root is None:
        return shipped
    own = workspace_root / WORKSPACE_FILE
    if not own.is_file():
        return shipped
    from polyletter.store.fileio import refuse_outside_link

    refuse_outside_link(own, workspace_root, what="formula lexicon")
    stat = own.stat()
    return _with_workspace(own, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _with_workspace(path: Path, mtime_ns: int, size: int) -> Lexicon:
    """The shipped lexicon merged with a workspace's file, parsed once per version of that file."""
    return _merge(_shipped(), _parse(_read(path), path))


@functools.lru_cache(maxsize=1)
def _shipped() -> Lexicon:
    data = resources.files("polyletter") / "data" / "formulas.yaml"
    return _parse(data.read_text(encoding="utf-8"), Path(str(data)))


def _read(path: Path) -> str:
    from polyletter.store.fileio import read_text

    return read_text(path, what="formula lexicon")


def _parse(text: str, path: Path) -> Lexicon:
    import yaml

    from polyletter.yamlio import safe_load

    try:
        data = safe_load(text) or {}
    except yaml.YAMLError:
        raise InputFormatError("is not valid YAML", path=path, hint="Fix the formula lexicon.") from None
    if not isinstance(data, dict):
        raise InputFormatError("must be a YAML mapping", path=path, hint="See the shipped formulas.yaml.")
    formulas: list[Formula] = []
    for section, kind in (("salutations", "salutation"), ("closings", "closing")):
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise InputFormatError(f"{section} must map ids to forms", path=path)
        for formula_id, forms in entries.items():
            addressees = forms.pop("addressees", "one") if isinstance(forms, dict) else "one"
            if addressees not in ADDRESSEES:
                raise InputFormatError(
                    f"{section}.{formula_id}: addressees is one or several, not {addressees!r}", path=path
                )
            valid = isinstance(forms, dict) and all(
                isinstance(v, list) and all(isinstance(f, str) and f.strip() for f in v)
                for v in forms.values()
            )
            if not valid:
                raise InputFormatError(
                    f"{section}.{formula_id}: give a list of forms per language", path=path
                )
            formulas.append(
                Formula(kind, str(formula_id), {base_lang(k): tuple(v) for k, v in forms.items()}, addressees)
            )
    openers_raw = data.get("openers") or {}
    openers: dict[Kind, dict[str, tuple[str, ...]]] = {"salutation": {}, "closing": {}}
    for kind in ("salutation", "closing"):
        for lang, words in (openers_raw.get(kind) or {}).items():
            openers[kind][base_lang(lang)] = tuple(_key(word) if word.strip() else word for word in words)
    return Lexicon(tuple(formulas), openers)


def _merge(base: Lexicon, extra: Lexicon) -> Lexicon:
    replaced = {(f.kind, f.id) for f in extra.formulas}
    formulas = tuple(f for f in base.formulas if (f.kind, f.id) not in replaced) + extra.formulas
    openers = {kind: {**base.openers[kind], **extra.openers[kind]} for kind in base.openers}
    for kind, by_lang in extra.openers.items():
        for lang, words in by_lang.items():
            openers[kind][lang] = tuple(dict.fromkeys((*base.openers[kind].get(lang, ()), *words)))
    return Lexicon(formulas, openers)
