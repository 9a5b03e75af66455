"""Which files the ``glossaries`` setting names: found without loading any of them.

Its own module, light to import: ``status`` digests the glossary files' bytes
for its cache before (or instead of) parsing them, and a cold ``status`` pays
for every import at start-up.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from polyletter.errors import GlossaryError
from polyletter.store.fileio import refuse_outside_link


def resolve_glossary_paths(root: Path, patterns: Sequence[str]) -> list[Path]:
    """The files the ``glossaries`` setting names, in setting order, each once.

    Patterns are globs relative to ``root`` (absolute ones are allowed). A
    pattern without wildcards names one file, which must exist; a wildcard that
    matches nothing is fine (a workspace may have no glossary yet).
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for pattern in patterns:
        expanded = Path(pattern).expanduser()
        if expanded.is_absolute():
            candidates = sorted(Path(p) for p in glob.glob(str(expanded), recursive=True))
        else:
            candidates = sorted(root.glob(pattern))
        if not candidates and not glob.has_magic(pattern):
            raise GlossaryError(
                "glossary file not found",
                path=pattern,
                hint="Fix the `glossaries` list in polyletter.toml or create the file.",
            )
        for candidate in candidates:
            refuse_outside_link(candidate, root, what="glossary")
            key = candidate.resolve()
            if candidate.is_file() and key not in seen:
                seen.add(key)
                found.append(candidate)
    return found
