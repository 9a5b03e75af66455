"""Counts, not times: what the names and agreement passes (issue 11) change in real engine output.

The sample letter, every English letter of the shared corpus and the test
letters that name people go through each engine twice in one run: once as
polyletter did before issue 11 (no names protected, no agreement pass, the
glossary's compound terms and grammar still in place so the engine input
is the same) and once as it does now. Each output is scanned for

* disagreements: a determiner before a glossary form that does not agree
  with it, read with the rules ``check`` uses;
* word order: two source-adjacent terms left side by side in English order;
* bad bigrams: a hand-written list independent of the rules ("del Naciones",
  "el Asamblea", "Al Corte", ...);
* altered names: a name the master's structure identifies that is not in
  the translation as often as in the master.

Engines: Apertium eng-spa (needs Debian's apertium-eng-spa) and the tiny
Argos fixture models (random weights: gibberish, but the real inject and
attention-repair path) for fr and es. Run as ``python bench/words_around_terms.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

LETTERS = REPO / "tests" / "data"
OWN = (
    "p26-bodies-and-people.md",
    "p27-names-in-prose.txt",
    "south-sudan-2016-subject-cc.md",
    "p22-plain-txt.txt",
)


@contextlib.contextmanager
def before_issue_11() -> Iterator[None]:
    """polyletter as it was: no names kept for the letter, no agreement pass after the engine."""
    import polyletter.commands.translate as translate
    from polyletter.glossary.workspace import workspace_glossary
    from polyletter.mt.enforce import TermEnforcer

    saved = translate.letter_glossary, TermEnforcer._agree
    translate.letter_glossary = lambda ws, master, name: workspace_glossary(ws)
    TermEnforcer._agree = lambda self, prepared, text, target: text
    try:
        yield
    finally:
        translate.letter_glossary, TermEnforcer._agree = saved


def workspace(root: Path, targets: list[str]):
    import yaml

    from polyletter.commands.init import init_workspace
    from polyletter.store.workspace import Workspace

    init_workspace(root, targets=targets, example=True)
    names = ["r2p-2012"]
    corpus = yaml.safe_load((LETTERS / "corpus" / "EXPECTED.yaml").read_text("utf-8"))
    files = [
        LETTERS / "corpus" / n for n, s in corpus.items() if s.get("source", "en") == "en" and ".." not in n
    ]
    for path in [*files, *(LETTERS / "letters" / n for n in OWN)]:
        shutil.copyfile(path, root / "translations" / "en" / path.name)
        names.append(path.stem)
    identity = ["-c", "user.name=Bench", "-c", "user.email=bench@example.org"]
    subprocess.run(["git", "-C", str(root), *identity, "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), *identity, "commit", "-qm", "letters"], check=True)
    return Workspace.find(root), names


def scan(ws, names: list[str], lang: str) -> dict[str, int]:
    from tests.test_words_around_terms import KNOWN_BAD

    from polyletter.document.letter import BlockKind
    from polyletter.document.names import find_names
    from polyletter.glossary.agreement import agreement_findings
    from polyletter.glossary.workspace import letter_glossary
    from polyletter.readers import read_letter
    from polyletter.store.versions import load_version

    counts = {"disagreements": 0, "word order": 0, "bad bigrams": 0, "altered names": 0}
    for name in names:
        master = read_letter(ws.master_path(name), "en")
        entries = load_version(ws, name, lang).entries
        glossary = letter_glossary(ws, master, name)
        people = [n.text for n in find_names(master)]
        for block in master.blocks:
            text = entries[block.id].translation
            if block.kind is not BlockKind.SIGNATORIES:
                for check, _ in agreement_findings(glossary, block.text, text, "en", lang):
                    counts["disagreements" if check == "agreement" else "word order"] += 1
            for person in people:
                pattern = rf"(?<!\w){re.escape(person)}(?!\w)"
                counts["altered names"] += max(
                    0, len(re.findall(pattern, block.text)) - len(re.findall(pattern, text))
                )
        if lang == "es":
            counts["bad bigrams"] += len(KNOWN_BAD.findall(ws.md_path(name, "es").read_text("utf-8")))
    return counts


def run(engine_name: str, make_engine, langs: list[str], tmp: Path) -> list[tuple[str, str, dict, dict]]:
    from polyletter.commands.translate import translate_letter

    rows = []
    results = {}
    for label in ("before", "after"):
        ws, names = workspace(tmp / f"{engine_name}-{label}", langs)
        engine = make_engine()
        with before_issue_11() if label == "before" else contextlib.nullcontext():
            for name in names:
                translate_letter(ws, name, langs, engine=engine)
        results[label] = {lang: scan(ws, names, lang) for lang in langs}
    for lang in langs:
        rows.append((engine_name, lang, results["before"][lang], results["after"][lang]))
    return rows


def main() -> None:
    from polyletter.testing.isolation import isolated_environment

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ.update(isolated_environment(tmp / "home"))
        os.environ.pop("ARGOS_PACKAGE_INDEX", None)
        rows = []
        from polyletter.mt.engines.apertium import ApertiumEngine

        if ("en", "es") in ApertiumEngine().pairs():
            rows += run("apertium", ApertiumEngine, ["es"], tmp)
        else:
            print("apertium eng-spa not installed: skipped", file=sys.stderr)
        from polyletter.mt.engines.argos import ArgosEngine
        from polyletter.mt.engines.argos_packages import install_from_file
        from polyletter.testing.argos_model import build_argos_package

        for target in ("fr", "es"):
            install_from_file(build_argos_package(tmp / f"model-{target}", "en", target))
        rows += run("argos (fixture)", ArgosEngine, ["fr", "es"], tmp)

    keys = ["disagreements", "word order", "bad bigrams", "altered names"]
    print(f"{'engine':16} {'lang':4} " + " ".join(f"{k:>22}" for k in keys))
    for engine, lang, before, after in rows:
        cells = " ".join(f"{f'{before[k]} -> {after[k]}':>22}" for k in keys)
        print(f"{engine:16} {lang:4} {cells}")
    print("(before -> after issue 11, on the sample, the shared corpus and 4 test letters that name people)")


if __name__ == "__main__":
    main()
