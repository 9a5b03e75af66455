"""``polyletter compare``: language versions side by side, aligned by block.

Blocks are the unit of alignment (one PO entry each), so row N of every
column says the same thing, however long each language's sentences run.
The HTML page is for reviewers who live in a browser and a mail client: one
self-contained file (inline CSS, no script, no external URL), right-to-left
columns set with ``dir="rtl"`` and ``lang`` so Arabic or Hebrew renders and
line-breaks properly, every text escaped (translations are untrusted input:
a partner's edit may contain anything), glossary terms and QA findings
marked where they occur.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from polyletter.document.languages import is_right_to_left, lang_codes, language_name
from polyletter.errors import ConfigError, PolyletterError
from polyletter.store.workspace import Workspace

"""Written right to left; ``ar-EG`` or ``fa_IR`` count by their base language."""

GlossarySpans = Callable[[str, str], list[tuple[int, int]]]
"""``(text, lang) -> [(start, end), ...]``: where glossary terms occur in a text."""


@dataclass
class ComparisonRow:
    """One block of the master and what each language has for it."""

    block_id: str
    kind: str
    texts: dict[str, str | None]
    """Per language: the text, or None where the language has no translation."""
    states: dict[str, str] = field(default_factory=dict)
    """Per language, only where something is off: ``needs-review``, ``stale``, ``missing``."""


@dataclass
class Comparison:
    letter: str
    langs: list[str]
    source: str
    rows: list[ComparisonRow]
    missing: list[str] = field(default_factory=list)
    """Languages asked for that have no PO (their column is empty)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_letter(ws: Workspace, letter: str, langs: Sequence[str]) -> Comparison:
    """The master and the given language versions aligned block by block.

    Backs ``polyletter compare LETTER en fr es [--html FILE]``. The source
    language's column is the master itself. A translation column shows the
    PO with unfolded hand edits applied (as the next run will record them);
    a language with no PO gets None in every row.
    """
    from polyletter.readers import read_letter

    name = ws.letter_name(letter)
    source = ws.config.source
    if not [lang for lang in langs if lang.strip()]:
        raise ConfigError("no languages to compare", hint=f"Name them, e.g. `compare {name} {source} fr es`.")
    wanted = lang_codes(langs, "LANGS")
    master = read_letter(ws.master_path(name), source)
    columns: dict[str, dict | None] = {}
    for lang in wanted:
        if lang == source:
            continue
        columns[lang] = _entries(ws, name, lang) if ws.po_path(name, lang).is_file() else None
    rows = []
    for block in master.blocks:
        row = ComparisonRow(block.id, block.kind.value, {})
        for lang in wanted:
            if lang == source:
                row.texts[lang] = block.text
                continue
            entries = columns[lang]
            entry = entries.get(block.id) if entries is not None else None
            row.texts[lang] = entry.translation if entry and entry.translation else None
            if entries is None or entry is None or not entry.translation:
                row.states[lang] = "missing"
            elif entry.fuzzy:
                row.states[lang] = "needs-review"
            elif entry.source != block.text:
                row.states[lang] = "stale"
        rows.append(row)
    missing = [lang for lang, entries in columns.items() if entries is None]
    return Comparison(name, wanted, source, rows, missing)


def _entries(ws: Workspace, name: str, lang: str) -> dict:
    from polyletter.store.catalog import load_catalog
    from polyletter.store.versions import load_version

    try:
        return load_version(ws, name, lang).entries
    except PolyletterError:
        return load_catalog(ws.po_path(name, lang), root=ws.root)


def table_header(comparison: Comparison) -> list[str]:
    """Column titles for :func:`render_table_rows`: block, then one per language."""
    return ["block", *comparison.langs]


def render_table_rows(comparison: Comparison) -> list[list[str]]:
    """Rows for a terminal table (``rich.table.Table``), under :func:`table_header`.

    Backs ``polyletter compare`` without ``--html``.

    Plain strings: a missing translation is ``—``; a cell that is off says so
    in brackets after the text (``[needs review]``, ``[stale]``).
    """
    rows = []
    for row in comparison.rows:
        cells = [row.block_id]
        for lang in comparison.langs:
            text = row.texts.get(lang)
            state = row.states.get(lang)
            cell = "—" if text is None else text
            if state and state != "missing":
                cell += f"\n[{state.replace('-', ' ')}]"
            cells.append(cell)
        rows.append(cells)
    return rows


def render_html(
    comparison: Comparison,
    glossary_terms: GlossarySpans | None = None,
    findings: Mapping[tuple[str, str], list[str]] | None = None,
) -> str:
    """One self-contained static HTML page of the comparison.

    Backs ``polyletter compare --html FILE``. ``glossary_terms(text, lang)``
    gives the spans of glossary terms to wrap in ``<mark class="term">``;
    ``findings[(block_id, lang)]`` lists QA messages shown under that cell.
    No script and no external resource, so it opens offline, from a mail
    attachment, in any browser.
    """
    findings = findings or {}
    title = f"{comparison.letter}: {', '.join(comparison.langs)}"
    head = "".join(
        f'<th scope="col"{_lang_attrs(lang)}>{_esc(_language_label(lang, comparison.source))}</th>'
        for lang in comparison.langs
    )
    body = []
    for row in comparison.rows:
        cells = [f'<th scope="row" class="block">{_esc(row.block_id)}</th>']
        for lang in comparison.langs:
            cells.append(_cell(row, lang, glossary_terms, findings.get((row.block_id, lang), [])))
        body.append(f'<tr class="kind-{_esc(row.kind)}">{"".join(cells)}</tr>')
    note = ""
    if comparison.missing:
        note = f'<p class="note">No translation yet: {_esc(", ".join(comparison.missing))}.</p>'
    return _PAGE.format(
        title=_esc(title),
        heading=_esc(comparison.letter),
        langs=_esc(", ".join(comparison.langs)),
        note=note,
        head=head,
        body="\n".join(body),
        css=_CSS,
    )


def _cell(
    row: ComparisonRow, lang: str, glossary_terms: GlossarySpans | None, messages: Sequence[str]
) -> str:
    text = row.texts.get(lang)
    state = row.states.get(lang)
    classes = [c for c in (state, "has-findings" if messages else "") if c]
    parts = []
    if text is None:
        parts.append('<span class="none">—</span>')
    else:
        spans = glossary_terms(text, lang) if glossary_terms else []
        parts.append(f'<div class="text">{_marked(text, spans)}</div>')
    if state and state != "missing":
        parts.append(f'<span class="badge">{_esc(state.replace("-", " "))}</span>')
    if messages:
        items = "".join(f"<li>{_esc(m)}</li>" for m in messages)
        parts.append(f'<ul class="findings">{items}</ul>')
    klass = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{klass}{_lang_attrs(lang)}>{''.join(parts)}</td>"


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, with the given spans in ``<mark class="term">``; overlaps and
    out-of-range spans are dropped rather than producing broken markup."""
    out, at = [], 0
    for start, end in sorted(spans):
        if start < at or end <= start or end > len(text):
            continue
        out += [_esc(text[at:start]), f'<mark class="term">{_esc(text[start:end])}</mark>']
        at = end
    out.append(_esc(text[at:]))
    return "".join(out).replace("\n", "<br>\n")


def _lang_attrs(lang: str) -> str:
    attrs = f' lang="{_esc(lang)}"'
    return attrs + ' dir="rtl"' if is_right_to_left(lang) else attrs


def _language_label(lang: str, source: str) -> str:
    try:

        name = language_name(lang)
    except PolyletterError:
        name = lang
    label = f"{name} ({lang})" if name != lang else lang
    return label + (" — master" if lang == source else "")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


_CSS = """
body { font: 15px/1.5 Georgia, "Noto Serif", serif; margin: 2rem; color: #1d1d1d; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
p.meta, p.note { color: #555; margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #d6d6d6; padding: .5rem .7rem; vertical-align: top; text-align: start; }
thead th { background: #f2f2f2; position: sticky; top: 0; }
th.block { width: 8rem; font: 12px/1.4 ui-monospace, monospace; color: #666; font-weight: normal; }
td[dir="rtl"] { font-family: "Noto Naskh Arabic", "Noto Sans Hebrew", serif; font-size: 17px; }
mark.term { background: #fff2a8; padding: 0 .1em; border-radius: 2px; }
td.needs-review { background: #fff8ec; }
td.stale { background: #f4f4ff; }
td.has-findings { box-shadow: inset 3px 0 0 #c0392b; }
.badge { display: inline-block; margin-top: .3rem; font: 11px/1.4 sans-serif; color: #8a5a00;
  border: 1px solid currentColor; border-radius: 3px; padding: 0 .3em; }
ul.findings { margin: .4rem 0 0; padding-inline-start: 1.1rem; color: #c0392b; font: 13px/1.4 sans-serif; }
.none { color: #aaa; }
@media print { thead th { position: static; } }
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="polyletter">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<h1>{heading}</h1>
<p class="meta">Block by block: {langs}. Highlighted: glossary terms. Red: QA findings.</p>
{note}
<table>
<thead><tr><th scope="col" class="block">block</th>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def compare_page(ws: Workspace, letter: str, langs: Sequence[str]) -> str:
    """The HTML page with the workspace's glossary terms marked and QA findings shown.

    Backs ``polyletter compare ... --html FILE``.
    """
    from polyletter.commands.check import check_letter
    from polyletter.glossary import find_terms
    from polyletter.glossary.workspace import letter_glossary
    from polyletter.readers import read_letter

    comparison = compare_letter(ws, letter, langs)
    master = read_letter(ws.master_path(comparison.letter), comparison.source)
    glossary = letter_glossary(ws, master, comparison.letter)
    targets = [
        lang for lang in comparison.langs if lang != comparison.source and lang not in comparison.missing
    ]
    report = check_letter(ws, comparison.letter, targets) if targets else None
    findings: dict[tuple[str, str], list[str]] = {}
    for finding in report.findings if report else []:
        findings.setdefault((finding.block_id, finding.lang), []).append(
            f"{finding.check}: {finding.message}"
        )

    def spans(text: str, lang: str) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in find_terms(glossary, text, lang)] if glossary else []

    return render_html(comparison, spans, findings)
