"""How long does ``polyletter check`` take on the sample letter in every language, against a baseline?

The workspace is ``polyletter init --example`` with the letter translated into
es by Apertium (real Spanish, as a user gets it offline) and into fr, ar, pt
and ru by tiny genuine Argos models built here (gibberish, so every check has
plenty to look at). The same workspace is then checked by this tree and by
a baseline revision -- by default the commit before the QA registry, checked
out with ``git worktree add`` in a temporary folder and run with
``PYTHONPATH`` pointing at its ``src`` -- each in its own process:
``check_letter`` for every language, one warm-up then the median of
``--runs``. The ratio is this tree's median over the baseline's; the target
(issue 16) is within 1.10x.

Run as ``python bench/check_bench.py [--baseline REV] [--runs N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LETTER = "r2p-2012"
ARGOS_LANGS = ("fr", "ar", "pt", "ru")

TIMER = """
import json, statistics, sys, time
from pathlib import Path
from polyletter.commands.check import check_letter
from polyletter.store.workspace import Workspace
ws = Workspace.find(Path(sys.argv[1]))
runs = int(sys.argv[2])
start = time.perf_counter()
report = check_letter(ws, sys.argv[3])
first = time.perf_counter() - start
times = []
for _ in range(runs):
    start = time.perf_counter()
    report = check_letter(ws, sys.argv[3])
    times.append(time.perf_counter() - start)
print(json.dumps({"first": first, "median": statistics.median(times), "findings": len(report.findings),
                  "languages": report.langs}))
"""


def git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def default_baseline() -> str:
    """The commit before the one that added ``qa/registry.py``."""
    added = git("log", "--diff-filter=A", "--format=%H", "-1", "--", "src/polyletter/qa/registry.py")
    if not added:
        raise SystemExit("no commit adds src/polyletter/qa/registry.py here; pass --baseline REV")
    return git("rev-parse", f"{added}^")


def build_workspace(root: Path, env: dict[str, str]) -> None:
    """The sample letter in es (Apertium) and in the Argos languages (tiny models), committed."""
    sys.path.insert(0, str(REPO / "src"))
    from polyletter.testing.argos_model import build_argos_package

    def cli(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "polyletter", *args], cwd=root, env=env, check=True,
                       capture_output=True)  # fmt: skip

    root.parent.mkdir(parents=True, exist_ok=True)
    targets = ",".join(("es", *ARGOS_LANGS))
    init = [sys.executable, "-m", "polyletter", "init", str(root), "--example", "--to", targets]
    subprocess.run(init, env=env, check=True, capture_output=True)
    models = root.parent / "models"
    models.mkdir(exist_ok=True)
    for lang in ARGOS_LANGS:
        cli("models", "install", "--file", str(build_argos_package(models, "en", lang)))
    if shutil.which("apertium"):
        cli("translate", LETTER, "--to", "es", "--engine", "apertium")
    else:
        print("note: no apertium here; es is translated by a tiny Argos model too", file=sys.stderr)
        cli("models", "install", "--file", str(build_argos_package(models, "en", "es")))
        cli("translate", LETTER, "--to", "es")
    cli("translate", LETTER, "--to", ",".join(ARGOS_LANGS))


def timed(src: Path, root: Path, runs: int, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", TIMER, str(root), str(runs), LETTER],
        env={**env, "PYTHONPATH": str(src)}, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--baseline", help="git revision to compare with (default: the commit before the registry)"
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build the workspace here and keep it")
    args = parser.parse_args()
    baseline = args.baseline or default_baseline()
    with tempfile.TemporaryDirectory(prefix="check-bench-") as tmp:
        base = Path(tmp)
        home = base / "home"
        env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
               "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"),
               "ARGOS_PACKAGES_DIR": str(home / "argos")}  # fmt: skip
        env.pop("ARGOS_PACKAGE_INDEX", None)
        root = args.keep or base / "ws"
        build_workspace(root, env)
        tree = base / "baseline"
        git("worktree", "add", "--detach", str(tree), baseline)
        try:
            # Alternate the two, so a busy machine (2 shared cores) weighs on both alike.
            ours, theirs = [], []
            for _ in range(3):
                theirs.append(timed(tree / "src", root, args.runs, env))
                ours.append(timed(REPO / "src", root, args.runs, env))
        finally:
            git("worktree", "remove", "--force", str(tree))
    now = min(r["median"] for r in ours)
    then = min(r["median"] for r in theirs)
    langs = ", ".join(ours[0]["languages"])
    print(f"check {LETTER} ({langs}), median of {args.runs} warm runs, best of 3 processes:")
    print(f"  baseline {baseline[:12]}: {then * 1000:7.1f} ms  ({theirs[0]['findings']} findings)")
    print(f"  this tree          : {now * 1000:7.1f} ms  ({ours[0]['findings']} findings)")
    print(f"  first run (cold)   : {theirs[0]['first'] * 1000:7.1f} ms -> {ours[0]['first'] * 1000:7.1f} ms")
    print(f"  ratio: {now / then:.2f}x (target: within 1.10x)")


if __name__ == "__main__":
    main()
