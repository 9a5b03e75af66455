"""How long does glossary term protection take on one very long paragraph (issue 12, item 9)?

A 170 KB "sentence" (the sample letter's paragraphs run together, repeated)
with every glossary term of the sample glossary matched in it: ``protect``
masks the terms with Apertium's placeholders, ``restore`` puts the target forms
back into the masked text as an engine that copies everything would return it,
and ``inject_with_spans`` writes the forms in (the other strategy). Only these
functions are timed (``find_terms`` once, outside the clock). Each must stay
linear in the text: doubling the text should about double the time.

Run as ``python bench/protection_bench.py [--kb 170] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def paragraph(kb: int) -> tuple[str, str]:
    """The sample letter's paragraphs joined into one line, repeated to ``kb`` kilobytes."""
    from polyletter.commands.init import init_workspace
    from polyletter.readers import read_letter
    from polyletter.store.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        init_workspace(root, example=True)
        ws = Workspace.find(root)
        master = read_letter(ws.master_path("r2p-2012"), "en")
        glossary_text = (root / "glossary" / "rtop.yaml").read_text("utf-8")
    text = " ".join(b.text.replace("\n", " ") for b in master.blocks if b.kind.value == "paragraph")
    return (text + " ") * (kb * 1024 // len(text) + 1), glossary_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=170)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from polyletter.glossary import find_terms, inject_with_spans, load_glossary, protect, restore
    from polyletter.mt.engines.apertium import ApertiumEngine

    text, glossary_text = paragraph(args.kb)
    text = text[: args.kb * 1024]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rtop.yaml"
        path.write_text(glossary_text, "utf-8")
        glossary = load_glossary([path])
    matches = find_terms(glossary, text, "en", target_lang="es")
    placeholder = ApertiumEngine().placeholder
    masked = protect(text, matches, placeholder)
    print(f"{len(text) / 1024:.0f} KB, {len(matches)} terms matched")
    jobs = {
        "protect": lambda: protect(text, matches, placeholder),
        "restore": lambda: restore(masked.text, masked, "es"),
        "inject_with_spans": lambda: inject_with_spans(text, matches, "es"),
    }
    for name, fn in jobs.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        print(f"{name:<18} {statistics.median(times):8.3f} s (median of {args.repeat})")


if __name__ == "__main__":
    main()
