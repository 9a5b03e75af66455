"""Writing glossaries: a whole file from terms, or one more entry in an existing file.

``add_term`` appends text rather than re-dumping the file, so the comments,
ordering and layout a curator gave the file survive; the result is parsed and
validated again before it replaces the file (atomically), and a term that is
already there with other translations is refused rather than shadowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from polyletter.document.languages import base_lang
from polyletter.errors import GlossaryConflictError, GlossaryError, PolyletterError
from polyletter.glossary.loading import (
    DEFAULT_SOURCE_LANG,
    build_term,
    conflict,
    form_key,
    load_glossary,
    parse_glossary_text,
)
from polyletter.glossary.model import Origin, TargetForms, Term
from polyletter.grammar import Grammar
from polyletter.store.fileio import read_text, write_atomic


class _Dumper(yaml.SafeDumper):
    """Block mappings, but short lists inline (``variants: [a, b]``), as curators write them."""


def _flow_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(list, _flow_list)


def term_fields(term: Term) -> dict[str, Any]:
    """A term as a glossary entry mapping, keys in the order the format documents them."""
    fields: dict[str, Any] = {"term": term.term}
    if term.variants:
        fields["variants"] = list(term.variants)
    if term.keep:
        fields["keep"] = True
    elif term.targets:
        fields["targets"] = {lang: _target_fields(forms) for lang, forms in term.targets.items()}
    if term.note:
        fields["note"] = term.note
    if term.source:
        fields["source"] = term.source
    return fields


def _target_fields(forms: TargetForms) -> Any:
    """A target as curators write it: a form, a list of forms, or a mapping (grammar stated, avoid)."""
    if not forms.stated and not forms.avoid:
        return forms.preferred if not forms.variants else [forms.preferred, *forms.variants]
    stated = dict(forms.stated)

    def one(form: str) -> Any:
        grammar = stated.get(form)
        if grammar is None:
            return form
        return {"text": form, **_grammar_fields(grammar)}

    out: dict[str, Any] = {"text": forms.preferred}
    if forms.variants:
        out["variants"] = [one(v) for v in forms.variants]
    out.update(_grammar_fields(stated.get(forms.preferred)))
    if forms.avoid:
        out["avoid"] = list(forms.avoid)
    return out


def _grammar_fields(grammar: Grammar | None) -> dict[str, str]:
    if grammar is None:
        return {}
    return {k: v for k, v in (("gender", grammar.gender), ("number", grammar.number)) if v}


def dump_entries(terms: Sequence[Term], indent: str = "  ") -> str:
    """The ``- term: ...`` items for ``terms``, indented to sit under ``terms:``."""
    out: list[str] = []
    for term in terms:
        text = yaml.dump(
            term_fields(term),
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=1_000_000,
        )
        for i, line in enumerate(text.splitlines(keepends=True)):
            out.append(f"{indent}{'- ' if i == 0 else '  '}{line}")
    return "".join(out)


def dump_terms(terms: Sequence[Term]) -> str:
    """A complete glossary file (``version: 1``, ``terms:``) holding ``terms``."""
    languages = {base_lang(t.language) for t in terms}
    if len(languages) > 1:
        raise ValueError(f"terms in several source languages: {', '.join(sorted(languages))}")
    lang = terms[0].language if terms else DEFAULT_SOURCE_LANG
    head = "version: 1\n"
    if base_lang(lang) != DEFAULT_SOURCE_LANG:
        head += f"source_lang: {lang}\n"
    return head + ("terms:\n" + dump_entries(terms) if terms else "terms: []\n")


def add_term(path: Path, term: Term, *, others: Sequence[Path] = ()) -> None:
    """Append ``term`` to the glossary at ``path`` (created if missing), refusing conflicts.

    ``others`` are the workspace's other glossary files: a term must not
    contradict them either. Adding a term that is already there with nothing
    new is a no-op; adding one that is there with different or extra forms is
    refused with the place of the existing entry, which is where to edit.
    """
    path = Path(path)
    problems: list[PolyletterError] = []
    checked = build_term(
        term_fields(term), origin=Origin(str(path)), language=term.language, problems=problems
    )
    if problems or checked is None:
        raise problems[0]
    text = read_text(path, what="glossary") if path.exists() else ""
    existing = load_glossary([*others, path] if path.exists() else list(others))
    if existing.terms and base_lang(existing.source_lang) != base_lang(checked.language):
        raise GlossaryError(
            f"this glossary is in {existing.source_lang}, the new term in {checked.language}", path=path
        )
    keys = {form_key(f) for f in checked.forms}
    for old in existing.terms:
        if not keys & {form_key(f) for f in old.forms}:
            continue
        if _contains(old, checked):
            return
        why = conflict(old, checked)
        raise GlossaryConflictError(
            f"{checked.term!r} is already in the glossary as {old.term!r} at {old.origin}"
            + (f" ({why})" if why else " with other forms"),
            path=path,
            hint="Edit that entry instead of adding another.",
        )
    new_text = _appended(text, checked, path)
    after: list[PolyletterError] = []
    _, terms = parse_glossary_text(new_text, path, after)
    if after or not terms or terms[-1] != checked:
        raise GlossaryError(
            "cannot append an entry to this file's layout",
            path=path,
            hint="Add the entry by hand (see `polyletter glossary list` for the format).",
        )
    write_atomic(path, new_text)


def _contains(old: Term, new: Term) -> bool:
    """True when ``new`` adds nothing ``old`` does not already say."""
    if old.keep != new.keep:
        return False
    old_forms = {form_key(f) for f in old.forms}
    if not {form_key(f) for f in new.forms} <= old_forms:
        return False
    for lang, forms in new.targets.items():
        have = old.targets.get(lang)
        if have is None or have.preferred != forms.preferred or not set(forms.variants) <= set(have.variants):
            return False
    return True


def _appended(text: str, term: Term, path: Path) -> str:
    """``text`` with ``term`` added at the end of its ``terms:`` list."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        head = text if text.endswith("\n") or not text else text + "\n"
        lang = "" if base_lang(term.language) == DEFAULT_SOURCE_LANG else f"source_lang: {term.language}\n"
        return f"{head}version: 1\n{lang}terms:\n{dump_entries([term])}"
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    terms_node = None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "terms":
                terms_node = value
    if terms_node is None:
        body = text if text.endswith("\n") else text + "\n"
        return f"{body}terms:\n{dump_entries([term])}"
    if isinstance(terms_node, yaml.ScalarNode):  # `terms:` with nothing after it
        at = terms_node.end_mark.index
        return _splice(text, at, dump_entries([term]))
    if isinstance(terms_node, yaml.SequenceNode) and terms_node.flow_style:
        if terms_node.value:
            raise GlossaryError(
                "cannot append to a `terms: [...]` list written inline",
                path=path,
                hint="Write it as a block list (`- term: ...` lines).",
            )
        head = text[: terms_node.start_mark.index].rstrip(" ")
        return _splice(head + text[terms_node.end_mark.index :], len(head), dump_entries([term]))
    first = terms_node.value[0] if terms_node.value else None
    indent = "  "
    if first is not None:
        line = text.splitlines()[first.start_mark.line]
        found = re.match(r"(\s*)-", line)
        if found:
            indent = found.group(1)
    return _splice(text, _end_of_list(text, terms_node), dump_entries([term], indent))


def _end_of_list(text: str, node: yaml.Node) -> int:
    """Where the block list ends: after its last line of content, before what follows."""
    at = node.end_mark.index
    return at if at <= len(text) else len(text)


def _splice(text: str, at: int, entry: str) -> str:
    before, after = text[:at], text[at:]
    if before and not before.endswith("\n"):
        before += "\n"
    return before + entry + after
