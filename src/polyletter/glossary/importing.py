"""Importing term bases from CSV and TBX, the formats terminology databases export.

Both importers produce ``Term`` objects validated exactly like YAML entries
(language codes checked with CLDR, no empty forms, conflicting duplicates
refused), so ``dump_terms`` of an import is always a loadable glossary.

CSV: a header row with one column per language (codes such as ``en``, ``fr``,
``pt-BR``, or English names such as ``French``), plus optional ``keep``,
``note`` and ``source`` columns. The source-language column holds the term.
A cell may hold several forms separated by ``|``: the first is the preferred
one, the rest variants. Comma, semicolon and tab delimiters are recognised
(spreadsheets in many locales save with semicolons).

TBX: TBX-Basic / TBX 2008 (``martif``: ``termEntry/langSet[@xml:lang]/tig|ntig/…/term``)
and TBX v3 (``tbx``: ``conceptEntry/langSec/termSec/term``). In each language
the first term is preferred, the others are variants. Entries with no term in
the source language, or with no other language, are skipped: they cannot be
used to translate from the source. A TBX containing ``<!DOCTYPE`` or
``<!ENTITY`` is refused before parsing: entity declarations are how XML files
expand to gigabytes or read local files, and a term base needs neither.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from polyletter.document.languages import base_lang, lang_from_name, normalise_lang
from polyletter.errors import GlossaryImportError, PolyletterError
from polyletter.glossary.loading import assemble_terms, build_term
from polyletter.glossary.model import Origin, Term
from polyletter.store.fileio import read_text

MAX_TBX_BYTES = 50 * 1024 * 1024
"""UNTERM-sized exports are a few MB; anything far larger is not a term base."""

_SPECIAL_COLUMNS = ("keep", "note", "source")
_TRUE = {"1", "true", "yes", "y", "x", "keep"}
_FALSE = {"", "0", "false", "no", "n"}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_UNSAFE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _raise_first(problems: list[PolyletterError]) -> None:
    if problems:
        first = problems[0]
        raise first


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------


def import_csv(path: Path, source_lang: str = "en") -> list[Term]:
    """Terms from a CSV term list; raise ``GlossaryImportError`` naming file and row."""
    path = Path(path)
    source = normalise_lang(source_lang)
    text = read_text(path, what="CSV term list")
    if not text.strip():
        raise GlossaryImportError("the CSV file is empty", path=path, hint="Add a header row: en,fr,es,...")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    header = [cell.strip() for cell in rows[0]]
    columns: dict[int, str] = {}
    source_column: int | None = None
    for i, label in enumerate(header):
        name = label.casefold()
        if name in _SPECIAL_COLUMNS:
            columns[i] = name
            continue
        if not label:
            continue
        code = lang_from_name(label)
        if code is None:
            raise GlossaryImportError(
                f"column {label!r} is not a language code, nor keep, note or source",
                path=path,
                line=1,
                hint="Name language columns with codes such as en, fr, es, ar, pt, ru.",
            )
        if base_lang(code) == base_lang(source) and source_column is None:
            source_column = i
            columns[i] = "term"
        else:
            columns[i] = code
    if source_column is None:
        raise GlossaryImportError(
            f"no {source} column for the source terms",
            path=path,
            line=1,
            hint=f"Add a column headed {source}, or pass the right source language.",
        )
    problems: list[PolyletterError] = []
    terms: list[Term] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        fields: dict[str, Any] = {}
        targets: dict[str, Any] = {}
        for i, cell in enumerate(row):
            kind = columns.get(i)
            value = cell.strip()
            if kind is None:
                if value:
                    problems.append(
                        GlossaryImportError("more cells than header columns", path=path, line=number)
                    )
                continue
            forms = [f.strip() for f in value.split("|") if f.strip()]
            if kind == "term":
                if forms:
                    fields["term"] = forms[0]
                    if forms[1:]:
                        fields["variants"] = forms[1:]
            elif kind == "keep":
                flag = value.casefold()
                if flag not in _TRUE | _FALSE:
                    problems.append(
                        GlossaryImportError(f"keep must be yes or no, not {value!r}", path=path, line=number)
                    )
                fields["keep"] = flag in _TRUE
            elif kind in ("note", "source"):
                if value:
                    fields[kind] = value
            elif forms:
                targets[kind] = forms if len(forms) > 1 else forms[0]
        if "term" not in fields:
            problems.append(GlossaryImportError(f"row has no {source} term", path=path, line=number))
            continue
        if targets:
            fields["targets"] = targets
        term = build_term(fields, origin=Origin(str(path), number), language=source, problems=problems)
        if term is not None:
            terms.append(term)
    merged = assemble_terms(terms, problems)
    _raise_first(problems)
    return merged


# --------------------------------------------------------------------------
# TBX
# --------------------------------------------------------------------------


def import_tbx(path: Path, *, source_lang: str | None = None) -> list[Term]:
    """Terms from a TBX file; the source language defaults to the file's ``xml:lang`` or en."""
    path = Path(path)
    text = _read_tbx(path)
    unsafe = _UNSAFE.search(text)
    if unsafe:
        line = text.count("\n", 0, unsafe.start()) + 1
        raise GlossaryImportError(
            f"refusing a TBX file with a <!{unsafe.group(1).upper()} declaration",
            path=path,
            line=line,
            hint="DTD and entity declarations can expand or fetch content; delete it and import again.",
        )
    body = re.sub(r"\A\s*<\?xml[^>]*\?>", "", text)
    try:
        root = ET.fromstring(body)
    except ET.ParseError as err:
        line = err.position[0] if err.position else None
        raise GlossaryImportError(
            f"not well-formed XML ({str(err).split(':')[0]})", path=path, line=line
        ) from None
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryImportError(
            f"not a TBX file (root element <{_local(root.tag)}>)",
            path=path,
            hint="Export the term base as TBX (martif or tbx root).",
        )
    declared = root.get(_XML_LANG) or root.get("lang")
    try:
        source = normalise_lang(source_lang or declared or "en")
    except ValueError as err:
        raise GlossaryImportError(str(err), path=path) from None
    problems: list[PolyletterError] = []
    terms: list[Term] = []
    for number, entry in enumerate(
        (e for e in root.iter() if _local(e.tag) in ("termEntry", "conceptEntry")), start=1
    ):
        ident = entry.get("id") or f"#{number}"
        forms_by_lang: dict[str, list[str]] = {}
        for lang_set in entry:
            if _local(lang_set.tag) not in ("langSet", "langSec"):
                continue
            code = lang_set.get(_XML_LANG) or lang_set.get("lang")
            if not code:
                problems.append(
                    GlossaryImportError(f"entry {ident}: a {_local(lang_set.tag)} has no xml:lang", path=path)
                )
                continue
            try:
                lang = normalise_lang(code)
            except ValueError as err:
                problems.append(GlossaryImportError(f"entry {ident}: {err}", path=path))
                continue
            bucket = forms_by_lang.setdefault(source if base_lang(lang) == base_lang(source) else lang, [])
            for term_el in lang_set.iter():
                if _local(term_el.tag) == "term":
                    form = " ".join("".join(term_el.itertext()).split())
                    if form and form not in bucket:
                        bucket.append(form)
        src_forms = forms_by_lang.pop(source, [])
        targets = {lang: forms for lang, forms in forms_by_lang.items() if forms}
        if not src_forms or not targets:
            continue
        fields: dict[str, Any] = {"term": src_forms[0], "targets": targets}
        if src_forms[1:]:
            fields["variants"] = src_forms[1:]
        note = _first_text(entry, "descrip", "definition") or _first_text(entry, "note", None)
        if note:
            fields["note"] = note
        fields["source"] = _first_text(entry, "admin", "source") or f"{path.name} {ident}"
        term = build_term(fields, origin=Origin(f"{path} entry {ident}"), language=source, problems=problems)
        if term is not None:
            terms.append(term)
    merged = assemble_terms(terms, problems)
    _raise_first(problems)
    return merged


def _read_tbx(path: Path) -> str:
    """Decode UTF-8 or BOM-marked UTF-16 (what termbase tools export); refuse the rest."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise GlossaryImportError("TBX file not found", path=path) from None
    if size > MAX_TBX_BYTES:
        raise GlossaryImportError(f"TBX file is {size / 1_048_576:.0f} MB, over the limit", path=path)
    data = path.read_bytes()
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GlossaryImportError(
            "TBX file is neither UTF-8 nor UTF-16", path=path, hint="Export it again as UTF-8."
        ) from None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _first_text(entry: ET.Element, tag: str, type_: str | None) -> str:
    for el in entry.iter():
        if _local(el.tag) == tag and (type_ is None or el.get("type") == type_):
            text = " ".join("".join(el.itertext()).split())
            if text:
                return text
    return ""
