"""A letter's names as kept terms: protected from every engine, checked after it.

The names :func:`polyletter.document.names.find_names` identifies become
keep-terms of the letter's own glossary (:func:`with_names`), so they
reach an engine exactly as the coalition's keep-terms do (a placeholder for
Apertium, injected for Argos) and ``check`` reports one that came back
altered or missing (check ``names``). A name the glossary already has, as a
term or inside a longer term, is left to the glossary.
"""

from __future__ import annotations

from polyletter.document.letter import Letter
from polyletter.document.names import Name, candidate_runs, find_names, name_candidates
from polyletter.glossary.matching import find_terms
from polyletter.glossary.model import Glossary, Origin, Term, form_key


def name_terms(letter: Letter, glossary: Glossary | None, letter_name: str) -> tuple[Term, ...]:
    """The letter's names that the glossary does not cover, as kept terms found in ``letter_name``."""
    known = {form_key(f) for t in glossary.terms for f in t.forms} if glossary is not None else set()
    terms: list[Term] = []
    for name in find_names(letter):
        if form_key(name.text) in known or _covered(glossary, name, letter.lang):
            continue
        known.add(form_key(name.text))
        terms.append(
            Term(
                name.text,
                keep=True,
                note=f"{name.kind} name ({name.evidence})",
                language=letter.lang,
                origin=Origin(f"{letter_name}: {name.block_id}"),
                found_in=letter_name,
            )
        )
    return tuple(terms)


def _covered(glossary: Glossary | None, name: Name, lang: str) -> bool:
    """Whether a glossary term spans the whole name already ("Human Rights Watch")."""
    if glossary is None:
        return False
    return any(m.start == 0 and m.end == len(name.text) for m in find_terms(glossary, name.text, lang))


def with_names(glossary: Glossary | None, letter: Letter, letter_name: str) -> Glossary | None:
    """The glossary a letter is translated and checked with: the workspace's, and the letter's names."""
    names = name_terms(letter, glossary, letter_name)
    if not names:
        return glossary
    base = glossary if glossary is not None else Glossary(source_lang=letter.lang)
    return base.with_terms(names)


def suggested_names(letter: Letter, glossary: Glossary | None) -> list[tuple[str, str]]:
    """(text, block id) of capitalised runs in the letter's prose that nothing protects yet.

    The parts of a run that glossary terms and the letter's names already
    cover are taken out ("Volker Türk, High Commissioner ..., Palais Wilson"
    suggests "Palais Wilson"); a human decides on the rest (``polyletter
    glossary add "..." --keep``).
    """
    protected = with_names(glossary, letter, "")
    out: dict[str, str] = {}
    for text, block_id in name_candidates(letter):
        covered = bytearray(len(text))
        for m in find_terms(protected, text, letter.lang) if protected is not None else []:
            covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        rest = "".join("\n" if covered[i] else ch for i, ch in enumerate(text))
        for part in rest.split("\n"):
            for run in candidate_runs(part.strip(" ,;")):
                out.setdefault(run, block_id)
    return list(out.items())
