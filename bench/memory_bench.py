"""What does the translation memory cost an incremental run? (issue 14: at most 10 % more)

A workspace with a history of 200 letters x 6 languages, every paragraph
translated by a person (so every block and sentence is in the memory), and a
new letter sharing three paragraphs with that history. The new letter is
translated once; then, in each timed run, one of its paragraphs is edited
(new words each time, so the engine is really called), committed, and
``translate_letter`` runs for the six languages: once with ``[memory]
enabled = true`` and once with it off, alternating, on the same commit
(``git reset --hard`` between). The memory's part is the difference: the
``git ls-tree`` that finds what changed, re-reading the six PO files the
previous run committed, the exact lookups and the fuzzy offers.

The engine is the tiny Argos fixture model (random weights), one per
language: the cheapest real engine, so the memory's share is as large as it
can look. Also timed: building the memory from nothing (after a clone).

Run as ``python bench/memory_bench.py [--letters 200] [--repeat 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from status_bench import LANGS, master_text  # noqa: E402  (a sibling script, not a package)


def build_history(root: Path, letters: int) -> None:
    """``letters`` masters, each translated by a person into every language, in one commit."""
    from polyletter.commands.init import init_workspace
    from polyletter.readers import read_letter
    from polyletter.store import history
    from polyletter.store.catalog import Entry
    from polyletter.store.versions import render_version, stamp
    from polyletter.store.workspace import Workspace

    init_workspace(root, targets=list(LANGS))
    ws = Workspace.find(root)
    paths: list[Path] = []
    for number in range(letters):
        name = f"letter-{number:03d}"
        master_path = ws.translations / "en" / f"{name}.md"
        master_path.write_text(master_text(number), encoding="utf-8")
        paths.append(master_path)
        master = read_letter(master_path, "en")
        for lang in LANGS:
            entries = {}
            for block in master.blocks:
                text = " ".join(f"[{lang}] {s}" for s in block.text.split(". "))
                notes = {"origin": "human", "by": "Translator <t@example.org>", "date": "2026-01-01"}
                entries[block.id] = Entry(block.id, block.text, text, False, stamp(notes, text))
            for path, text in render_version(ws, master, name, lang, entries):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                paths.append(path)
    history.commit_paths(root, paths, "bench: a history of people's translations\n")


def new_letter(root: Path) -> str:
    """A letter sharing three paragraphs with letter-000 and four of its own."""
    shared = master_text(0).split("\n\n")
    own = [f"This paragraph is new in the eleventh letter, point {i}, about early warning." for i in range(4)]
    blocks = [*shared[:3], *shared[3:6], *own, *shared[-2:]]
    (root / "translations" / "en" / "letter-new.md").write_text("\n\n".join(blocks), encoding="utf-8")
    return "letter-new"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def set_memory(root: Path, enabled: bool) -> None:
    path = root / "polyletter.toml"
    text = path.read_text("utf-8")
    text = text.replace(f"enabled = {str(not enabled).lower()}", f"enabled = {str(enabled).lower()}")
    path.write_text(text, "utf-8")


SPENT = {"memory": 0.0}
"""Seconds spent inside the memory's own functions (refresh, recall), summed over a run."""


def instrument() -> None:
    """Time the memory's two entry points from the outside, without changing what they do."""
    import polyletter.commands.translate as translate
    from polyletter.memory import store

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                SPENT["memory"] += time.perf_counter() - start

        return wrapper

    store.TranslationMemory.refresh = timed(store.TranslationMemory.refresh)
    translate.recall = timed(translate.recall)


def timed_run(root: Path, name: str, run: int, enabled: bool) -> tuple[float, float, float]:
    """Wall and CPU seconds of one incremental run, and the seconds spent inside the memory."""
    from polyletter.commands.translate import translate_letter
    from polyletter.mt.engines.argos import ArgosEngine
    from polyletter.store.workspace import Workspace

    set_memory(root, enabled)
    master = root / "translations" / "en" / f"{name}.md"
    edit = f"about early warning (edit {run}, memory {'on' if enabled else 'off'})"
    text = master.read_text("utf-8").replace("about early warning", edit, 1)
    master.write_text(text, "utf-8")
    git(root, "commit", "-qam", f"edit {run}")
    ws = Workspace.find(root)
    engine = ArgosEngine()
    SPENT["memory"] = 0.0
    start, cpu = time.perf_counter(), time.process_time()
    translate_letter(ws, name, list(LANGS), engine=engine)
    return time.perf_counter() - start, time.process_time() - cpu, SPENT["memory"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from polyletter.testing.isolation import isolated_environment

    with tempfile.TemporaryDirectory(prefix="polyletter-memory-bench-") as tmp:
        tmp_path = Path(tmp)
        os.environ.update(isolated_environment(tmp_path / "home"))
        os.environ.pop("ARGOS_PACKAGE_INDEX", None)
        for key, value in (("NAME", "bench"), ("EMAIL", "bench@localhost")):
            os.environ.setdefault(f"GIT_AUTHOR_{key}", value)
            os.environ.setdefault(f"GIT_COMMITTER_{key}", value)
        from polyletter.mt.engines.argos_packages import install_from_file
        from polyletter.testing.argos_model import build_argos_package

        for lang in LANGS:
            install_from_file(build_argos_package(tmp_path / f"model-{lang}", "en", lang))
        root = tmp_path / "ws"
        start = time.perf_counter()
        build_history(root, args.letters)
        took = time.perf_counter() - start
        print(f"history: {args.letters} letters x {len(LANGS)} languages, by people, in {took:.1f} s")
        name = new_letter(root)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "the new letter")

        from polyletter.commands.translate import translate_letter
        from polyletter.memory import TranslationMemory
        from polyletter.mt.engines.argos import ArgosEngine
        from polyletter.store.workspace import Workspace

        ws = Workspace.find(root)
        start = time.perf_counter()
        memory = TranslationMemory(ws)
        built = memory.refresh()
        cold = time.perf_counter() - start
        units = sum(n for *_, n in memory.counts())
        memory.close()
        print(f"memory built from nothing: {cold:.2f} s ({built.read} files, {units} units)")
        first = translate_letter(ws, name, list(LANGS), engine=ArgosEngine())
        print(
            f"first run of the new letter: {first.stats.from_memory} sentences from memory, "
            f"{first.stats.sent} sent to the engine"
        )
        base = git(root, "rev-parse", "HEAD").strip()
        instrument()
        runs: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
        for run in range(args.repeat):
            for enabled in (True, False) if run % 2 == 0 else (False, True):
                git(root, "reset", "-q", "--hard", base)
                runs[enabled].append(timed_run(root, name, run, enabled))
        print(f"cpus: {os.cpu_count()}, load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        medians = {}
        for enabled in (False, True):
            wall = statistics.median(r[0] for r in runs[enabled])
            cpu = statistics.median(r[1] for r in runs[enabled])
            medians[enabled] = (wall, cpu)
            label = "on " if enabled else "off"
            figures = f"median wall {wall:.3f} s, CPU {cpu:.3f} s of {args.repeat}"
            print(f"incremental run, memory {label}: {figures}")
        own = statistics.median(r[2] for r in runs[True])
        share = statistics.median(r[2] / r[0] for r in runs[True])
        print(f"inside the memory (refresh + recall): median {own:.3f} s, {share:.1%} of the run it was in")
        for label, index in (("wall", 0), ("CPU", 1)):
            ratio = medians[True][index] / medians[False][index]
            verdict = "met" if ratio <= 1.10 else "MISSED"
            print(f"ratio on/off by {label}: {ratio:.3f} (target <= 1.10: {verdict})")

if __name__ == "__main__":
    main()
