"""The workspace's glossary, for ``polyletter glossary ...``: list, add, check, import, names.

The glossary package knows term bases; this module knows which files a
workspace uses (``glossaries`` in polyletter.toml) and where a new term goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from polyletter.errors import GlossaryError, PolyletterError
from polyletter.glossary import (
    Glossary,
    TargetForms,
    Term,
    add_term,
    check_glossary,
    dump_terms,
    import_csv,
    import_tbx,
    load_glossary,
)
from polyletter.glossary.workspace import glossary_paths
from polyletter.store import history, trailers
from polyletter.store.fileio import refuse_outside_link, write_atomic
from polyletter.store.lock import workspace_lock
from polyletter.store.workspace import Workspace
from polyletter.wording import count

DEFAULT_GLOSSARY = "glossary/rtop.yaml"


@dataclass(frozen=True)
class TermRow:
    term: str
    keep: bool
    forms: Mapping[str, str]
    note: str
    source: str
    origin: str

    def to_dict(self) -> dict[str, object]:
        return {
            "term": self.term,
            "keep": self.keep,
            "forms": dict(self.forms),
            "note": self.note,
            "source": self.source,
            "origin": self.origin,
        }


def list_terms(ws: Workspace, lang: str | None = None) -> list[TermRow]:
    """Every term, with its preferred form per language (or only ``lang``). Backs ``glossary list``."""
    glossary = load_glossary(glossary_paths(ws))
    rows = []
    for term in glossary.terms:
        forms = {code: forms.preferred for code, forms in sorted(term.targets.items())}
        if lang is not None:
            if not term.keep and term.target(lang) is None:
                continue
            forms = {lang: term.term if term.keep else term.target(lang).preferred}
        origin = str(term.origin) if term.origin else ""
        rows.append(TermRow(term.term, term.keep, forms, term.note, term.source, origin))
    return rows


def add_workspace_term(
    ws: Workspace,
    term: str,
    forms: Mapping[str, str],
    *,
    keep: bool = False,
    note: str = "",
    source: str = "",
    file: Path | None = None,
) -> Path:
    """Append a term to a glossary file of the workspace, refusing conflicts. Backs ``glossary add``."""
    if not keep and not forms:
        raise GlossaryError(
            f"no target forms for {term!r}", hint="Give at least one, e.g. --fr '...', or --keep."
        )
    if keep and forms:
        raise GlossaryError(f"{term!r}: --keep terms have no target forms", hint="Use one or the other.")
    paths = glossary_paths(ws)
    target = Path(file) if file else (paths[0] if paths else ws.root / DEFAULT_GLOSSARY)
    if not target.is_absolute():
        target = ws.root / target
    entry = Term(
        term=term,
        targets={lang: TargetForms(form) for lang, form in forms.items()},
        keep=keep,
        note=note,
        source=source,
    )
    others = [p for p in paths if p.resolve() != target.resolve()]
    if not target.resolve().is_relative_to(ws.root.resolve()):
        raise GlossaryError(
            "is outside the workspace; polyletter commits every glossary change",
            path=target,
            hint="Add the term to a glossary file inside the workspace (glossary/*.yaml).",
        )
    with workspace_lock(ws):
        history.ensure_ready(ws.root)
        add_term(target, entry, others=others)
        history.commit_paths(ws.root, [target], _add_message(ws, target, entry))
    return target


def _add_message(ws: Workspace, target: Path, entry: Term) -> str:
    """Like every other writing command's commit: a subject, what was added, the kind as a trailer."""
    forms = (
        "never translated (keep)"
        if entry.keep
        else ", ".join(f"{lang}: {forms.preferred}" for lang, forms in sorted(entry.targets.items()))
    )
    return trailers.compose(
        f"polyletter: glossary: add {entry.term!r}",
        f"Added to {ws.rel(target)}: {forms}.",
        [(trailers.KIND, "glossary")],
    )


def check_workspace_glossary(ws: Workspace) -> tuple[list[Path], list[PolyletterError]]:
    """The files checked and every problem found in them. Backs ``glossary check``."""
    paths = glossary_paths(ws)
    return paths, check_glossary(paths)


def import_terms(
    ws: Workspace, path: Path, *, into: Path | None = None, fmt: str | None = None
) -> tuple[Path, int]:
    """Import a CSV or TBX term base as a new YAML glossary file. Backs ``glossary import``.

    The result must validate together with the workspace's other glossaries
    (no conflicting targets); otherwise nothing is written.
    """
    kind = (fmt or Path(path).suffix.lstrip(".")).lower()
    if kind not in ("csv", "tbx", "tsv"):
        raise GlossaryError(
            "cannot tell the format of this term base", path=path, hint="Use .csv or .tbx, or pass --format."
        )
    source = refuse_outside_link(Path(path), ws.root, what="term base")
    terms = import_tbx(source) if kind == "tbx" else import_csv(source)
    target = Path(into) if into else ws.root / "glossary" / f"{Path(path).stem}.yaml"
    if not target.is_absolute():
        target = ws.root / target
    if target.exists():
        raise GlossaryError("already exists", path=target, hint="Choose another name with --into.")
    if not target.resolve().is_relative_to(ws.root.resolve()):
        raise GlossaryError(
            "is outside the workspace; polyletter commits every glossary change",
            path=target,
            hint="Import into glossary/ inside the workspace (--into glossary/NAME.yaml).",
        )
    text = dump_terms(terms)
    _validate_with_workspace(ws, target, text)
    with workspace_lock(ws):
        history.ensure_ready(ws.root)
        write_atomic(target, text)
        message = trailers.compose(
            f"polyletter: glossary: import {Path(path).name}",
            f"{count(len(terms), 'term')} from {Path(path).name} into {ws.rel(target)}.",
            [(trailers.KIND, "glossary")],
        )
        history.commit_paths(ws.root, [target], message)
    return target, len(terms)


def _validate_with_workspace(ws: Workspace, target: Path, text: str) -> Glossary:
    """Load the new file's text beside the workspace's glossaries, in a scratch copy."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="polyletter-glossary-") as scratch:
        probe = Path(scratch) / target.name
        probe.write_text(text, encoding="utf-8")
        return load_glossary([*glossary_paths(ws), probe])


@dataclass(frozen=True)
class NameRow:
    """A name in a letter and whether polyletter keeps it from the engines."""

    name: str
    block: str
    status: str
    """``letter`` (found by the letter's structure, kept), ``glossary`` (a glossary term already),
    ``suggested`` (capitalised words nothing protects: a human decides)."""
    evidence: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "block": self.block, "status": self.status, "evidence": self.evidence}


def letter_names(ws: Workspace, letter: str) -> list[NameRow]:
    """The names a master holds: kept for this letter, kept by the glossary, or only suggested.

    Backs ``glossary names``. A suggestion is protected in every letter with
    ``polyletter glossary add "Name" --keep``.
    """
    from polyletter.document.names import find_names
    from polyletter.glossary.names import name_terms, suggested_names
    from polyletter.glossary.workspace import workspace_glossary
    from polyletter.readers import read_letter

    name = ws.letter_name(letter)
    master = read_letter(ws.master_path(name), ws.config.source)
    glossary = workspace_glossary(ws)
    kept = {t.term for t in name_terms(master, glossary, name)}
    rows = [
        NameRow(n.text, n.block_id, "letter" if n.text in kept else "glossary", f"{n.kind}, {n.evidence}")
        for n in find_names(master)
    ]
    rows += [
        NameRow(text, block, "suggested", "capitalised words in the prose")
        for text, block in suggested_names(master, glossary)
    ]
    return rows
