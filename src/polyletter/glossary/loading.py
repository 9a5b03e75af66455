"""Reading glossary files and refusing every one that is not exactly right.

A glossary is the coalition's promise of how its words come out, so a
half-valid one is worse than none: a typo in a language code or two files that
disagree on "Member States" would silently change a letter sent to the UN.
Every problem is reported as ``file:line: what is wrong. What to do.`` on one
line. ``check_glossary`` collects all of them (for ``polyletter glossary
check``); ``load_glossary`` raises the first.

The YAML is parsed with PyYAML's ``SafeLoader`` (what ``yaml.safe_load`` uses)
through its node API, which is what gives every entry and key its line number.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from polyletter.document.languages import base_lang, normalise_lang
from polyletter.errors import GlossaryConflictError, GlossaryError, PolyletterError
from polyletter.glossary.model import Glossary, Origin, TargetForms, Term, form_key
from polyletter.grammar import Grammar
from polyletter.store.fileio import read_text
from polyletter.yamlio import SafeLoader

FORMAT_VERSION = 1
TOP_KEYS = ("version", "source_lang", "terms")
ENTRY_KEYS = ("term", "variants", "targets", "keep", "note", "source")
DEFAULT_SOURCE_LANG = "en"

Problems = list[PolyletterError]
LineOf = Callable[[Any], int | None]


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def load_glossary(
    paths: Sequence[Path], *, source_lang: str | None = None, root: Path | None = None
) -> Glossary:
    """Load, validate and merge glossary files; raise the first problem found.

    Entries that repeat a term with the same translations (for example the
    shipped file and a partner's copy) are merged; entries that disagree are a
    ``GlossaryConflictError`` naming both places. With ``root`` (the workspace),
    each term's origin names its file relative to it (``glossary/rtop.yaml:12``):
    what ``check`` prints and ``--json`` gives, the same on every clone.
    """
    glossary, problems = _load(paths, source_lang, root)
    if problems:
        first = problems[0]
        if len(problems) > 1 and isinstance(first, GlossaryError):
            more = f"({len(problems) - 1} more: run `polyletter glossary check` to see all.)"
            raise type(first)(
                first.message, path=first.path, line=first.line, hint=f"{first.hint} {more}".strip()
            )
        raise first
    return glossary


def check_glossary(paths: Sequence[Path], *, source_lang: str | None = None) -> list[PolyletterError]:
    """Every problem in the files, in file order; an empty list means they validate."""
    return _load(paths, source_lang)[1]


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def _shown(path: Path, root: Path | None) -> str:
    """``path`` as origins name it: relative to the workspace when inside it, else as given."""
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def _load(
    paths: Sequence[Path], source_lang: str | None, root: Path | None = None
) -> tuple[Glossary, Problems]:
    problems: Problems = []
    entries: list[Term] = []
    languages: dict[str, Path] = {}
    for path in paths:
        try:
            text = read_text(Path(path), what="glossary")
        except PolyletterError as err:
            problems.append(err)
            continue
        lang, terms = parse_glossary_text(text, Path(path), problems, shown=_shown(Path(path), root))
        if lang is not None:
            languages.setdefault(lang, Path(path))
        entries.extend(terms)
    wanted = normalise_lang(source_lang) if source_lang else None
    codes = list(languages)
    if wanted is None:
        wanted = codes[0] if codes else DEFAULT_SOURCE_LANG
    for code, path in languages.items():
        if base_lang(code) != base_lang(wanted):
            problems.append(
                GlossaryError(
                    f"source_lang is {code} but the other glossaries are in {wanted}",
                    path=path,
                    hint="All glossary files a workspace uses must share one source language.",
                )
            )
    merged = assemble_terms(entries, problems)
    return Glossary(tuple(merged), tuple(Path(p) for p in paths), wanted), problems


def parse_glossary_text(
    text: str, path: Path, problems: Problems, *, shown: str | None = None
) -> tuple[str | None, list[Term]]:
    """The terms of one glossary file (and its ``source_lang`` if set); problems are appended.

    ``shown`` is how the terms' origins name the file (default: ``path`` itself).
    """
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(str(err.problem or err.context or "syntax error").split())
        problems.append(
            GlossaryError(
                f"not valid YAML ({problem})",
                path=path,
                line=line,
                hint="Check the indentation and quoting on that line.",
            )
        )
        return None, []
    except yaml.YAMLError as err:
        problems.append(GlossaryError(f"not valid YAML ({' '.join(str(err).split())})", path=path))
        return None, []
    finally:
        loader.dispose()
    if data is None:
        return None, []  # an empty file (or only comments) holds no terms
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        problems.append(
            GlossaryError("a glossary must be a mapping with `version: 1` and `terms:`", path=path, line=1)
        )
        return None, []
    before = len(problems)
    top_lines = _key_lines(node, path, problems)
    for key in data:
        if key not in TOP_KEYS:
            problems.append(
                GlossaryError(
                    f"unknown top-level key {_show(key)}",
                    path=path,
                    line=top_lines.get(key),
                    hint=f"Allowed: {', '.join(TOP_KEYS)}.",
                )
            )
    version = data.get("version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        problems.append(
            GlossaryError(
                f"version must be {FORMAT_VERSION}, not {_show(version)}"
                if "version" in data
                else "no `version: 1` line",
                path=path,
                line=top_lines.get("version", 1),
                hint="Start the file with `version: 1`.",
            )
        )
    lang = DEFAULT_SOURCE_LANG
    if "source_lang" in data:
        try:
            lang = normalise_lang(data["source_lang"])
        except ValueError as err:
            problems.append(GlossaryError(str(err), path=path, line=top_lines.get("source_lang")))
    raw_terms = data.get("terms")
    terms_node = _value_node(node, "terms")
    if raw_terms is None:  # `terms:` with no entries yet
        return lang, []
    if not isinstance(raw_terms, list) or not isinstance(terms_node, yaml.SequenceNode):
        problems.append(
            GlossaryError(
                "`terms:` must be a list of entries (`- term: ...`)",
                path=path,
                line=top_lines.get("terms"),
            )
        )
        return lang, []
    if len(problems) > before:
        return lang, []
    terms: list[Term] = []
    for raw, item in zip(raw_terms, terms_node.value, strict=False):
        line = item.start_mark.line + 1
        if not isinstance(raw, dict) or not isinstance(item, yaml.MappingNode):
            problems.append(
                GlossaryError(
                    "each entry of `terms:` must be a mapping (`- term: ...`)", path=path, line=line
                )
            )
            continue
        key_lines = _key_lines(item, path, problems)
        targets_node = _value_node(item, "targets")
        lang_lines = (
            _key_lines(targets_node, path, problems) if isinstance(targets_node, yaml.MappingNode) else {}
        )
        term = build_term(
            raw,
            origin=Origin(shown or str(path), line),
            language=lang,
            problems=problems,
            line_of=lambda key, kl=key_lines, ln=line: kl.get(key, ln),
            lang_line_of=lambda key, ll=lang_lines, ln=line: ll.get(key, ln),
        )
        if term is not None:
            terms.append(term)
    return lang, terms


def _value_node(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _key_lines(mapping: yaml.MappingNode, path: Path, problems: Problems) -> dict[Any, int]:
    """Line of each key of a mapping; a repeated key is an error (PyYAML keeps the last silently)."""
    lines: dict[Any, int] = {}
    seen: dict[str, int] = {}
    for key_node, _ in mapping.value:
        line = key_node.start_mark.line + 1
        if isinstance(key_node, yaml.ScalarNode):
            if key_node.value in seen:
                problems.append(
                    GlossaryError(
                        f"key {key_node.value!r} appears twice (first on line {seen[key_node.value]})",
                        path=path,
                        line=line,
                        hint="YAML keeps only the last one; merge them.",
                    )
                )
            seen.setdefault(key_node.value, line)
            lines[_scalar_key(key_node)] = line
    return lines


def _scalar_key(node: yaml.ScalarNode) -> Any:
    """The Python value SafeLoader makes of a key (``no`` -> False), to look lines up by it."""
    return _scalar_value(node.tag, node.value)


@functools.lru_cache(maxsize=4096)
def _scalar_value(tag: str, value: str) -> Any:
    """By tag and text (the tag is resolved when the node is composed): a glossary has thousands of
    keys, mostly the same few (``term``, ``targets``, ``fr``), and a loader costs more than its answer."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(yaml.ScalarNode(tag, value))
    except yaml.YAMLError:
        return value
    finally:
        loader.dispose()


# --------------------------------------------------------------------------
# Entries (shared with the CSV and TBX importers)
# --------------------------------------------------------------------------


def build_term(
    raw: Mapping[Any, Any],
    *,
    origin: Origin,
    language: str,
    problems: Problems,
    line_of: LineOf | None = None,
    lang_line_of: LineOf | None = None,
) -> Term | None:
    """Validate one entry's fields and make a ``Term``; on any problem append it and return None."""
    line_of = line_of or (lambda _key: origin.line)
    lang_line_of = lang_line_of or (lambda _key: origin.line)
    path = origin.path
    count = len(problems)

    def fail(message: str, key: Any = None, hint: str = "", *, line: int | None = None) -> None:
        where = line if line is not None else (line_of(key) if key is not None else origin.line)
        problems.append(GlossaryError(message, path=path, line=where, hint=hint))

    for key in raw:
        if key not in ENTRY_KEYS:
            fail(
                f"unknown key {_show(key)} in an entry",
                key,
                f"Allowed: {', '.join(ENTRY_KEYS)}.",
            )
    term = _text(raw.get("term"), "term", fail)
    label = f" of {term!r}" if term else ""
    variants = _text_list(raw.get("variants"), f"variants{label}", "variants", fail)
    keep = raw.get("keep", False)
    if keep is None:
        keep = False
    if not isinstance(keep, bool):
        fail(f"keep{label} must be true or false, not {_show(keep)}", "keep")
        keep = False
    note = _optional_text(raw.get("note"), f"note{label}", "note", fail)
    source = _optional_text(raw.get("source"), f"source{label}", "source", fail)

    targets: dict[str, TargetForms] = {}
    raw_targets = raw.get("targets")
    if "targets" in raw and raw_targets is not None and not isinstance(raw_targets, Mapping):
        fail(f"targets{label} must map language codes to forms (`fr: ...`)", "targets")
    elif isinstance(raw_targets, Mapping):
        if not raw_targets:
            fail(f"empty targets{label}", "targets", "Give at least one `lang: form`, or `keep: true`.")
        for code, value in raw_targets.items():
            lang = _lang(code, fail, lang_line_of(code), label)
            if lang is None:
                continue
            if value is None or value == [] or (isinstance(value, str) and not value.strip()):
                fail(f"empty {lang} target{label}", line=lang_line_of(code))
                continue
            what = f"the {lang} target{label}"
            if isinstance(value, Mapping):
                forms, stated = _target_mapping(value, what, fail, lang_line_of(code))
            else:
                forms, stated = _text_list(value, what, None, fail, line=lang_line_of(code)), ()
            if not forms:
                continue  # the reason is already reported
            if lang in targets:
                fail(f"{lang} is given twice{label}", line=lang_line_of(code))
                continue
            avoid = _avoid(value, what, fail, lang_line_of(code)) if isinstance(value, Mapping) else ()
            targets[lang] = TargetForms(forms[0], tuple(f for f in forms[1:] if f != forms[0]), stated, avoid)
    elif "targets" in raw and raw_targets is None:
        fail(f"empty targets{label}", "targets", "Give at least one `lang: form`, or `keep: true`.")

    if term and keep and targets:
        fail(
            f"{term!r} has both keep: true and targets",
            "keep",
            "A kept term is written as is in every language; drop one of them.",
        )
    if term and not keep and not targets and "targets" not in raw:
        fail(
            f"{term!r} has neither targets nor keep: true",
            line=origin.line,
            hint="Add `targets: {fr: ..., es: ...}` or `keep: true`.",
        )
    if term is None and "term" not in raw:
        fail("entry has no `term:`", line=origin.line)
    if len(problems) > count or term is None:
        return None
    unique_variants = tuple(dict.fromkeys(v for v in variants if v != term))
    return Term(term, unique_variants, targets, keep, note, source, language, origin)


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _text(value: Any, key: str, fail: Callable[..., None]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        fail(f"{key} must be text, not {_show(value)}", key, "Put it in quotes.")
        return None
    if "\n" in value.strip() or "\r" in value:
        fail(f"{key} {value.strip()[:40]!r} spans several lines", key)
        return None
    cleaned = _clean(value)
    if not cleaned:
        fail(f"{key} is empty", key)
        return None
    return cleaned


def _optional_text(value: Any, what: str, key: str, fail: Callable[..., None]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        fail(f"{what} must be text, not {_show(value)}", key, "Put it in quotes.")
        return ""
    return " ".join(value.split())


def _text_list(
    value: Any, what: str, key: str | None, fail: Callable[..., None], *, line: int | None = None
) -> list[str]:
    """A str or a list of str, cleaned; the first one stays first (it is the preferred form)."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        fail(f"{what} must be text or a list of text, not {_show(value)}", key, line=line)
        return []
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            fail(f"{what}: {_show(item)} is not text", key, "Put it in quotes.", line=line)
            continue
        if "\n" in item.strip():
            fail(f"{what}: {item.strip()[:40]!r} spans several lines", key, line=line)
            continue
        cleaned = _clean(item)
        if not cleaned:
            fail(f"{what} has an empty form", key, line=line)
            continue
        if cleaned not in out:
            out.append(cleaned)
    return out


TARGET_KEYS = ("text", "variants", "gender", "number", "avoid")
GENDER_VALUES = {"m": "m", "masculine": "m", "f": "f", "feminine": "f"}
NUMBER_VALUES = {"sg": "sg", "singular": "sg", "pl": "pl", "plural": "pl"}


def _target_mapping(
    value: Mapping[Any, Any], what: str, fail: Callable[..., None], line: int | None
) -> tuple[list[str], tuple[tuple[str, Grammar], ...]]:
    """``{text: Naciones Unidas, gender: f, number: pl, variants: [...]}``: forms and stated grammar.

    A variant may be a mapping of its own (``{text: Presidenta ..., gender: f}``).
    """
    for key in value:
        if key not in TARGET_KEYS:
            fail(f"unknown key {_show(key)} in {what}", hint=f"Allowed: {', '.join(TARGET_KEYS)}.", line=line)
    if "text" not in value:
        fail(f"{what} has no `text:`", hint="Write `{text: form, gender: f, number: pl}`.", line=line)
        return [], ()
    stated: list[tuple[str, Grammar]] = []

    def one(item: Any, whose: str) -> str | None:
        raw = item.get("text") if isinstance(item, Mapping) else item
        forms = _text_list(raw, whose, None, fail, line=line)
        if not forms:
            if raw is None or raw == "":
                fail(f"{whose} has an empty form", line=line)
            return None
        grammar = _grammar(item, whose, fail, line) if isinstance(item, Mapping) else Grammar()
        if grammar != Grammar():
            stated.append((forms[0], grammar))
        return forms[0]

    forms: list[str] = []
    first = one(value, what)
    if first is None:
        return [], ()
    forms.append(first)
    raw_variants = value.get("variants") or []
    if not isinstance(raw_variants, list):
        raw_variants = [raw_variants]
    for item in raw_variants:
        if isinstance(item, Mapping):
            for key in item:
                if key not in ("text", "gender", "number"):
                    fail(f"unknown key {_show(key)} in a variant of {what}", line=line)
        form = one(item, f"a variant of {what}")
        if form is not None and form not in forms:
            forms.append(form)
    return forms, tuple(stated)


def _avoid(
    value: Mapping[Any, Any], what: str, fail: Callable[..., None], line: int | None
) -> tuple[str, ...]:
    """``avoid: [Estados de Miembro]``: forms QA reports; one that is also an accepted form is refused."""
    forms = _text_list(value.get("avoid"), f"avoid of {what}", None, fail, line=line)
    accepted = {form_key(str(value.get("text", "")))} | {
        form_key(str(v.get("text", "") if isinstance(v, Mapping) else v)) for v in value.get("variants") or []
    }
    for form in forms:
        if form_key(form) in accepted:
            fail(f"{what} both accepts and avoids {form!r}", hint="Drop it from one of the two.", line=line)
    return tuple(forms)


def _grammar(raw: Mapping[Any, Any], what: str, fail: Callable[..., None], line: int | None) -> Grammar:
    gender, number = raw.get("gender"), raw.get("number")
    if gender is not None and (not isinstance(gender, str) or gender.casefold() not in GENDER_VALUES):
        fail(f"gender of {what} must be m or f, not {_show(gender)}", line=line)
        gender = None
    if number is not None and (not isinstance(number, str) or number.casefold() not in NUMBER_VALUES):
        fail(f"number of {what} must be sg or pl, not {_show(number)}", line=line)
        number = None
    return Grammar(
        GENDER_VALUES[gender.casefold()] if gender else None,  # type: ignore[arg-type]
        NUMBER_VALUES[number.casefold()] if number else None,  # type: ignore[arg-type]
    )


def _lang(code: Any, fail: Callable[..., None], line: int | None, label: str) -> str | None:
    if isinstance(code, bool):
        fail(
            f"a language code{label} was read as {str(code).lower()} (YAML reads bare no/yes/on/off so)",
            line=line,
            hint="Quote it: `'no': ...` for Norwegian.",
        )
        return None
    if not isinstance(code, str):
        fail(f"{_show(code)}{label} is not a language code", line=line)
        return None
    try:
        return normalise_lang(code)
    except ValueError as err:
        fail(f"{err}{label}", line=line, hint="Use an ISO 639 code such as fr, es, ar, pt, ru.")
        return None


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


# --------------------------------------------------------------------------
# Merging entries and refusing conflicts
# --------------------------------------------------------------------------


def assemble_terms(terms: Iterable[Term], problems: Problems) -> list[Term]:
    """Merge entries that repeat a term consistently; report those that contradict each other.

    Two entries are about "the same term" when any of their source forms agree
    case-insensitively. They conflict when one keeps the term and the other
    translates it, or when they prefer different forms in a language both give.
    """
    merged: list[Term] = []
    index: dict[str, int] = {}
    for term in terms:
        hits = list(dict.fromkeys(index[k] for k in map(form_key, term.forms) if k in index))
        if not hits:
            index.update((form_key(f), len(merged)) for f in term.forms)
            merged.append(term)
            continue
        clash = next(((i, why) for i in hits if (why := conflict(merged[i], term))), None)
        if clash is not None:
            i, why = clash
            problems.append(_conflict_error(term, merged[i], why))
            continue
        if len(hits) > 1:
            names = " and ".join(f"{merged[i].term!r} ({merged[i].origin})" for i in hits)
            problems.append(
                GlossaryConflictError(
                    f"{term.term!r} repeats two different entries, {names}",
                    path=term.origin.path if term.origin else None,
                    line=term.origin.line if term.origin else None,
                    hint="Merge them into one entry.",
                )
            )
            continue
        i = hits[0]
        merged[i] = _merge(merged[i], term)
        index.update((form_key(f), i) for f in merged[i].forms)
    return merged


def conflict(a: Term, b: Term) -> str:
    """Why ``a`` and ``b`` cannot both hold; empty when they agree."""
    if a.keep != b.keep:
        kept, other = (a, b) if a.keep else (b, a)
        return f"{kept.term!r} is kept unchanged but {other.term!r} is translated"
    for lang in sorted(set(a.targets) & set(b.targets)):
        if a.targets[lang].preferred != b.targets[lang].preferred:
            return f"{lang} {b.targets[lang].preferred!r} vs {a.targets[lang].preferred!r}"
    return ""


def _conflict_error(term: Term, other: Term, why: str) -> GlossaryConflictError:
    here = term.origin
    return GlossaryConflictError(
        f"{term.term!r} conflicts with {other.term!r} at {other.origin}: {why}",
        path=here.path if here else None,
        line=here.line if here else None,
        hint="Keep one entry, or make both give the same translation.",
    )


def _merge(a: Term, b: Term) -> Term:
    """``a`` with what ``b`` adds: variants (including b's own spelling) and languages."""
    variants = tuple(dict.fromkeys(f for f in (*a.variants, *b.forms) if f != a.term))
    targets = dict(a.targets)
    for lang, forms in b.targets.items():
        if lang in targets:
            old = targets[lang]
            extra = tuple(dict.fromkeys(v for v in (*old.variants, *forms.variants) if v != old.preferred))
            stated = (*old.stated, *(s for s in forms.stated if s[0] not in dict(old.stated)))
            avoid = tuple(dict.fromkeys((*old.avoid, *forms.avoid)))
            targets[lang] = TargetForms(old.preferred, extra, stated, avoid)
        else:
            targets[lang] = forms
    return replace(a, variants=variants, targets=targets, note=a.note or b.note, source=a.source or b.source)
