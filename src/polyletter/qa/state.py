"""Checks on an entry's state rather than its words: empty, waiting for review, words the engine lacked.

These look at every block, dates and signatories included: a rendered block
can be missing or stale like any other.
"""

from __future__ import annotations

from collections.abc import Iterator

from polyletter.qa.base import Check, Context, Issue

MACHINE_ORIGINS = ("machine", "qa-fix")
"""Origins of text no person wrote: an engine's, and an engine's that ``check --fix`` repaired."""


class Empty(Check):
    check_id = "empty"
    name = "Empty translation"
    description = "The block has no translation: nothing would be sent for it."

    def applies(self, ctx: Context) -> bool:
        return True  # the one check that looks at blocks with nothing in them

    def check(self, ctx: Context) -> Iterator[Issue]:
        if not ctx.translation.strip():
            yield Issue("no translation")


class NeedsReview(Check):
    check_id = "needs-review"
    name = "Needs review"
    description = "The master or glossary changed since translation, or a machine replaced a person's text."
    rendered_too = True

    def check(self, ctx: Context) -> Iterator[Issue]:
        entry = ctx.entry
        if entry.source != ctx.block.text:
            yield Issue("the master changed since this was translated; run `polyletter translate`")
        elif entry.fuzzy and entry.provenance.get("stale") == "glossary":
            yield Issue("the glossary changed since a human wrote this; review its terms, unflag it")
        elif entry.fuzzy:
            previous = entry.provenance.get("previous-by", "a human")
            yield Issue(f"machine translation replaced one by {previous}; review and unflag it")


class Unknown(Check):
    check_id = "unknown"
    name = "Unknown words"
    description = "Words the engine did not know and left in the source language."
    rendered_too = True

    def check(self, ctx: Context) -> Iterator[Issue]:
        if ctx.entry.origin in MACHINE_ORIGINS and ctx.entry.provenance.get("unknown"):
            yield Issue(f"left untranslated by the engine: {ctx.entry.provenance['unknown']}")
