"""``polyletter check``: QA of a letter's language versions before anyone sends them.

The checks themselves are in :mod:`polyletter.qa`; this command finds the
versions, loads the workspace's glossary and reports what the checks found.
"""

from __future__ import annotations

from collections.abc import Sequence

from polyletter.document.formulas import load_lexicon
from polyletter.document.languages import lang_codes
from polyletter.glossary.workspace import letter_glossary
from polyletter.qa.checks import CheckReport, QAFinding, check_version
from polyletter.readers import read_letter
from polyletter.store.versions import load_version
from polyletter.store.workspace import Workspace


def check_letter(ws: Workspace, letter: str, langs: Sequence[str] | None = None) -> CheckReport:
    """QA of a letter's language versions (all configured targets by default)."""
    name = ws.letter_name(letter)
    source = ws.config.source
    master = read_letter(ws.master_path(name), source)
    langs = list(ws.config.targets) if langs is None else lang_codes(langs, "--lang")
    glossary = letter_glossary(ws, master, name)
    lexicon = load_lexicon(ws.root)
    report = CheckReport(name, langs)
    for lang in langs:
        if not ws.po_path(name, lang).exists():
            report.findings.append(
                QAFinding(
                    lang, "-", "missing", f"no {lang} version; run `polyletter translate {name} --to {lang}`"
                )
            )
            continue
        entries = load_version(ws, name, lang).entries
        report.findings += check_version(master, entries, glossary, source, lang, lexicon)
    return report
