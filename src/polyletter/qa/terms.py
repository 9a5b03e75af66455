"""The coalition's words: glossary terms, kept terms, names, the words around them, forbidden forms.

``glossary``, ``keep-term`` and ``names`` read one pass of
:func:`polyletter.glossary.check_terms` over the block (shared through
:meth:`Context.memo`), ``agreement`` and ``word-order`` one pass of the
grammar. Signatory lines get ``names`` only -- every signer exactly as in the
master -- never glossary terms: organisation names are kept as written on
purpose, and "Genocide Alert" is a name, not the crime. A finding about a
glossary entry carries the entry's origin (``glossary/rtop.yaml:12``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from polyletter.document.letter import BlockKind, parse_signatories
from polyletter.glossary import Finding, check_terms
from polyletter.glossary.agreement import agreement_findings
from polyletter.glossary.model import Glossary, Origin, Term
from polyletter.qa.base import Check, Context, Issue


def _term_findings(ctx: Context) -> list[Finding]:
    if ctx.glossary is None:
        return []
    glossary = ctx.glossary
    return ctx.memo(
        "terms", lambda: check_terms(ctx.source, ctx.translation, glossary, ctx.source_lang, ctx.target_lang)
    )


def _kind(finding: Finding) -> str:
    """``names`` for a name the letter's structure found, ``keep-term`` for a kept term, else ``glossary``."""
    if finding.term.is_name:
        return "names"
    return "keep-term" if finding.kind == "altered" else "glossary"


def _origin(term: Term) -> Origin | None:
    """The glossary file and line of a term; names found in the letter have none to point at."""
    return None if term.is_name else term.origin


class _TermCheck(Check):
    def check(self, ctx: Context) -> Iterator[Issue]:
        for finding in _term_findings(ctx):
            if _kind(finding) == self.check_id:
                yield Issue(finding.message, origin=_origin(finding.term))


class GlossaryTerm(_TermCheck):
    check_id = "glossary"
    name = "Glossary term"
    description = "A glossary term of the source is not rendered with one of its target forms."


class KeepTerm(_TermCheck):
    check_id = "keep-term"
    name = "Kept term altered"
    description = "A term the glossary keeps as written (RtoP, R2P) was changed."


class Names(_TermCheck):
    check_id = "names"
    name = "Names"
    description = "A person's, body's or signatory's name of the master is missing or altered."

    def applies(self, ctx: Context) -> bool:
        return bool(ctx.translation.strip()) and ctx.block.kind is not BlockKind.DATE

    def check(self, ctx: Context) -> Iterator[Issue]:
        if ctx.block.kind is BlockKind.SIGNATORIES:
            block, lines = ctx.block, ctx.translation.split("\n")
            markers = block.markers[: len(lines)] + ("",) * max(0, len(lines) - len(block.markers))
            kept = {s.name for s in parse_signatories(tuple(lines), markers, ctx.target_lang)}
            signers = parse_signatories(block.lines, block.markers, ctx.source_lang)
            changed = [s.name for s in signers if s.name not in kept]
            if changed:
                yield Issue(f"signatory names changed: {', '.join(changed)}")
            return
        yield from super().check(ctx)


def _grammar_findings(ctx: Context) -> list[tuple[str, str]]:
    if ctx.glossary is None:
        return []
    glossary = ctx.glossary
    return ctx.memo(
        "agreement",
        lambda: list(
            agreement_findings(glossary, ctx.source, ctx.translation, ctx.source_lang, ctx.target_lang)
        ),
    )


class _GrammarCheck(Check):
    def check(self, ctx: Context) -> Iterator[Issue]:
        for check_id, message in _grammar_findings(ctx):
            if check_id == self.check_id:
                yield Issue(message)


class Agreement(_GrammarCheck):
    check_id = "agreement"
    name = "Article agreement"
    description = 'A determiner does not agree with the glossary form after it ("del Naciones Unidas").'


class WordOrder(_GrammarCheck):
    check_id = "word-order"
    name = "English word order"
    description = "Two glossary terms were left side by side in the source's order (noun adjuncts)."


def _avoided(glossary: Glossary, lang: str) -> list[tuple[re.Pattern[str], str, Term]]:
    """(pattern, preferred form, term) of every form the glossary rules out in ``lang``: compiled once."""

    def build() -> list[tuple[re.Pattern[str], str, Term]]:
        out = []
        for term in glossary.terms:
            forms = term.target(lang)
            for form in forms.avoid if forms is not None else ():
                words = r"\s+".join(re.escape(w) for w in form.split())
                out.append((re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE), forms.preferred, term))
        return out

    return glossary.derived(("qa-avoid", lang), build)


class Avoid(Check):
    check_id = "avoid"
    name = "Forbidden term"
    description = 'A form a glossary entry lists under `avoid:` ("Estados de Miembro") is in the translation.'

    def check(self, ctx: Context) -> Iterator[Issue]:
        if ctx.glossary is None:
            return
        for pattern, preferred, term in _avoided(ctx.glossary, ctx.target_lang):
            for m in pattern.finditer(ctx.translation):
                where = f"; glossary {term.origin}" if term.origin else ""
                yield Issue(
                    f"{m.group(0)!r} is ruled out for {term.term!r}: write {preferred!r}{where}",
                    origin=term.origin,
                )
