"""Does polyletter's cost grow linearly with the letter, in time and in memory? (issue 15)

Two tables, each from letters of growing size made of distinct sentences (a
cache can never answer for a copy):

1. Argos: ``polyletter translate`` into French as a whole process, against the
   floor as a process of its own (interpreter, ctranslate2, model load, one
   bare ``translate_batch`` over exactly the sentences polyletter sends, with
   polyletter's decoding settings and attention), on letters of 1x, 2x, 5x and
   10x the sample's body: wall and CPU seconds, tokens decoded, peak memory.
   The floor decodes the whole letter in one call and keeps every attention
   matrix until it returns; polyletter decodes it in bounded pieces
   (``[engine.argos] max_batch_steps``), one logical call per pair.
2. Apertium: ``polyletter translate`` into Spanish against raw ``apertium -f
   txt`` over the same sentences joined the way polyletter joins them (one
   process, a blank line between sentences), at 1x, 10x and one 170 KB
   paragraph. Also shown without polyletter's start-up (``status`` on an
   empty workspace): what is left is what polyletter adds per letter.

Each Argos size runs once (the 10x letter decodes for about a minute), each
Apertium size ``--repeat`` times (default 3; medians); a probe
process reports its only child's wall time, CPU time and max RSS. Run alone as
``python bench/scaling_bench.py [--sizes 1,2,5,10] [--cache-dir DIR] [--repeat N]``, or as
part of ``bench/translate_bench.py``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import translate_bench as tb  # noqa: E402  (the shared helpers: isolation, commands, fixture model)

APERTIUM_SIZES = ("1x", "10x", "170 KB paragraph")
PARAGRAPH_KB = 170

_PROBE = (
    "import json, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[2:], capture_output=True, stdin=open(sys.argv[1], 'rb'))\n"
    "wall = time.perf_counter() - start\n"
    "assert r.returncode == 0, r.stderr.decode(errors='replace')[-2000:]\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps([wall, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024]))\n"
)


@dataclass(frozen=True)
class Run:
    """One process: wall and CPU seconds, peak memory (MB)."""

    wall: float
    cpu: float
    rss: float


def probe(command: Sequence[str], cwd: Path, stdin: Path | None = None) -> Run:
    """Run ``command`` under a fresh parent that reports only its child's times and max RSS."""
    feed = str(stdin) if stdin is not None else "/dev/null"
    out = tb.run([sys.executable, "-c", _PROBE, feed, *command], cwd).stdout
    wall, cpu, rss = json.loads(out.strip().splitlines()[-1])
    return Run(wall, cpu, rss)


# --------------------------------------------------------------------------
# letters of any size, every sentence distinct
# --------------------------------------------------------------------------


def scaled_master(text: str, copies: int) -> str:
    """The master with its body paragraphs written ``copies`` times, each copy's sentences distinct.

    Copy ``k`` > 1 opens every sentence with "In point k," so no sentence repeats
    (the MT cache and the translation memory key on whole sentences).
    """
    from polyletter.document.segment import split_sentences

    chunks = text.split("\n\n")
    body = [i for i, chunk in enumerate(chunks) if _is_body(chunk)]
    if not body:
        raise SystemExit("the master has no body paragraph to repeat")
    first, last = body[0], body[-1]
    paragraphs = chunks[first : last + 1]
    out = list(paragraphs)
    for k in range(2, copies + 1):
        for chunk in paragraphs:
            if not _is_body(chunk):
                out.append(chunk)
                continue
            sentences = split_sentences(" ".join(chunk.split()), "en")
            out.append(" ".join(f"In point {k}, {s.text}" for s in sentences))
    return "\n\n".join([*chunks[:first], *out, *chunks[last + 1 :]])


def one_paragraph_master(text: str, kb: int) -> str:
    """The master with its body replaced by one paragraph of ``kb`` kilobytes of distinct sentences."""
    chunks = text.split("\n\n")
    body = [i for i, chunk in enumerate(chunks) if _is_body(chunk)]
    prose = " ".join(" ".join(chunks[i].split()) for i in body)
    copies = kb * 1024 // len(prose) + 2
    scaled = scaled_master("\n\n".join(chunks[i] for i in body), copies)
    paragraph = " ".join(" ".join(chunk.split()) for chunk in scaled.split("\n\n"))[: kb * 1024]
    paragraph = paragraph[: paragraph.rfind(". ") + 1]
    return "\n\n".join([*chunks[: body[0]], paragraph, *chunks[body[-1] + 1 :]])


def _is_body(chunk: str) -> bool:
    """A prose paragraph of the letter's body: long, not a list, a heading or an address."""
    lines = chunk.strip().splitlines()
    return (
        len(chunk) > 120
        and not chunk.lstrip().startswith(("#", "-", "*", "|", "<!--"))
        and all(not line.endswith("  ") for line in lines)
    )


def commit_master(root: Path, letter: str, text: str) -> None:
    (root / "translations" / "en" / f"{letter}.md").write_text(text, "utf-8")
    tb.run(["git", "add", "-A"], root)
    tb.run(["git", "commit", "-q", "-m", "bench: master", "--allow-empty"], root)


def engine_input(root: Path, letter: str, lang: str, engine: str) -> tuple[list[str], str]:
    """What polyletter hands ``engine`` for ``letter``: the sentences, and for Apertium the exact text
    piped into ``apertium`` (recorded in-process; nothing is decoded, the workspace is reset)."""
    from polyletter.commands.translate import translate_letter
    from polyletter.mt.engines import get_engine
    from polyletter.store.workspace import Workspace

    ws = Workspace.find(root)
    real = get_engine(engine, ws.config)
    head = tb.run(["git", "rev-parse", "HEAD"], root).stdout.strip()
    seen: list[str] = []
    piped: list[str] = []

    class Recorder(type(real)):  # type: ignore[misc]
        def __init__(self) -> None:
            self.__dict__.update(real.__dict__)

        if engine == "apertium":  # the engine's own code, up to its one process

            def _run(self, mode, text):  # type: ignore[no-untyped-def]
                piped.append(text)
                seen.extend(text.rstrip("\n").split("\n\n"))
                return text.rstrip("\n").split("\n\n"), b""

        else:

            def translate(self, source, target, sentences, terms=None):  # type: ignore[no-untyped-def]
                seen.extend(sentences)
                return list(sentences)

    translate_letter(ws, letter, [lang], engine=Recorder())
    tb.reset(root, head)
    return seen, "".join(piped)


# --------------------------------------------------------------------------
# 1. Argos at 1x, 2x, 5x, 10x
# --------------------------------------------------------------------------


def argos_scaling(tmp: Path, sizes: Sequence[int], max_len: int, model_dir: Path) -> list[str]:
    """The Argos scaling table, as Markdown lines."""
    import sentencepiece

    ws = tmp / "scaling-argos"
    base = tb.make_letter_workspace(ws, max_len)
    poly = tb.polyletter_command()
    master_text = tb.MASTER.read_text("utf-8")
    from polyletter.store.config import load_config

    settings = load_config(ws / "polyletter.toml").argos
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(model_dir.parent / "sentencepiece.model"))
    rows = []
    for size in sizes:
        tb.reset(ws, base)
        commit_master(ws, tb.LETTER, scaled_master(master_text, size))
        sentences, _ = engine_input(ws, tb.LETTER, "fr", "argos")
        tokens = [tokenizer.encode(s, out_type=str) for s in sentences]
        job = tmp / f"floor-{size}x.json"
        job.write_text(
            json.dumps(
                {
                    "tokens": tokens,
                    "max_len": max_len,
                    "beam_size": settings.beam_size,
                    "max_batch_tokens": settings.max_batch_tokens,
                    "compute_type": settings.compute_type,
                    "intra_threads": settings.intra_threads,
                    "attention": True,
                    "report": str(tmp / f"floor-{size}x.out"),
                }
            ),
            "utf-8",
        )
        poly_run = probe([*poly, "translate", tb.LETTER, "--to", "fr"], ws)
        floor_run = probe(
            [sys.executable, str(BENCH / "translate_bench.py"), "--floor-child", str(model_dir), str(job)],
            tmp,
        )
        decoded = json.loads((tmp / f"floor-{size}x.out").read_text("utf-8"))["decoded"]
        rows.append((size, len(sentences), sum(map(len, tokens)), decoded, poly_run, floor_run))
    first = rows[0]
    lines = [
        "| letter | sentences | source tokens | tokens decoded (floor) "
        "| polyletter wall s | CPU s | peak MB | floor wall s | CPU s | peak MB "
        "| polyletter/floor CPU | CPU per size, vs 1x |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for size, n, source_tokens, decoded, p, f in rows:
        growth = (p.cpu / first[4].cpu) / (size / first[0])
        lines.append(
            f"| {size}x | {n} | {source_tokens} | {decoded} | {p.wall:.1f} | {p.cpu:.1f} | {p.rss:.0f} "
            f"| {f.wall:.1f} | {f.cpu:.1f} | {f.rss:.0f} | {p.cpu / f.cpu:.2f}x | {growth:.2f} |"
        )
    return lines


# --------------------------------------------------------------------------
# 2. Apertium at 1x, 10x and one 170 KB paragraph
# --------------------------------------------------------------------------


def apertium_mode() -> tuple[str, Path] | None:
    """The en->es mode and its data directory, as polyletter finds them; None without the pair."""
    from polyletter.mt.engines.apertium import default_datadirs, discover_modes

    modes = discover_modes(default_datadirs())
    mode = modes.get(("en", "es"))
    if mode is None or shutil.which("apertium") is None:
        return None
    return mode.name, mode.datadir


def apertium_at_size(tmp: Path, startup: float, repeat: int = 3) -> list[str]:
    """The Apertium table, as Markdown lines (a note instead when en->es is not installed).

    Every process runs ``repeat`` times, raw Apertium and polyletter taking
    turns, and the table gives medians: one run of each flipped the verdict
    with the machine's load (1.32x one minute, 1.62x the next, same code).
    """
    found = apertium_mode()
    if found is None:
        return ["(Apertium en->es is not installed: `apt-get install apertium apertium-eng-spa`)"]
    mode, datadir = found
    poly = tb.polyletter_command()
    ws = tmp / "scaling-apertium"
    tb.run([*poly, "init", str(ws), "--example", "--to", "es", "--engine", "apertium"], tmp)
    tb.run(["git", "add", "-A"], ws)
    tb.run(["git", "commit", "-q", "-m", "bench: apertium", "--allow-empty"], ws)
    base = tb.run(["git", "rev-parse", "HEAD"], ws).stdout.strip()
    master_text = tb.MASTER.read_text("utf-8")
    masters = {
        "1x": master_text,
        "10x": scaled_master(master_text, 10),
        f"{PARAGRAPH_KB} KB paragraph": one_paragraph_master(master_text, PARAGRAPH_KB),
    }
    lines = [
        f"(medians of {repeat} runs each, raw and polyletter taking turns; wall range in brackets)",
        "",
        "| letter | sentences | text KB | raw apertium wall s | CPU s | polyletter wall s | CPU s "
        "| polyletter/raw wall | CPU | (polyletter - fixed)/raw wall | CPU | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    fixed: list[Run] = []
    for label, text in masters.items():
        tb.reset(ws, base)
        commit_master(ws, tb.LETTER, text)
        head = tb.run(["git", "rev-parse", "HEAD"], ws).stdout.strip()
        sentences, piped = engine_input(ws, tb.LETTER, "es", "apertium")
        joined = tmp / "apertium-input.txt"
        joined.write_text(piped, "utf-8")  # exactly what polyletter pipes into its one apertium process
        raws: list[Run] = []
        mine: list[Run] = []
        for _ in range(repeat):
            raws.append(probe(["apertium", "-d", str(datadir), "-f", "txt", mode], tmp, stdin=joined))
            tb.reset(ws, head)
            mine.append(probe([*poly, "translate", tb.LETTER, "--to", "es"], ws))
        if not fixed:  # the sample letter again, every sentence in the MT cache: no engine at all
            snapshot = tmp / "apertium-cache"
            shutil.rmtree(snapshot, ignore_errors=True)
            # Only the translations: the register analyser's answers stay out, so the fixed run loads
            # lt-proc's dictionary as every measured run does (a cost per run, not per sentence).
            shutil.copytree(
                ws / ".polyletter" / "cache", snapshot, ignore=shutil.ignore_patterns("register-*")
            )
            for _ in range(repeat):
                tb.reset(ws, head, cache_from=snapshot)
                fixed.append(probe([*poly, "translate", tb.LETTER, "--to", "es"], ws))
        raw, me, base_cost = _median_run(raws), _median_run(mine), _median_run(fixed)
        net_wall = (me.wall - base_cost.wall) / raw.wall
        net_cpu = (me.cpu - base_cost.cpu) / raw.cpu
        lines.append(
            f"| {label} | {len(sentences)} | {joined.stat().st_size / 1024:.0f} "
            f"| {raw.wall:.2f} [{_wall_range(raws)}] | {raw.cpu:.2f} "
            f"| {me.wall:.2f} [{_wall_range(mine)}] | {me.cpu:.2f} | {me.wall / raw.wall:.2f}x "
            f"| {me.cpu / raw.cpu:.2f}x | {net_wall:.2f}x | {net_cpu:.2f}x "
            f"| <= 1.3x {tb.verdict(net_cpu, net_wall, lambda r: r <= 1.3)} |"
        )
    base_cost = _median_run(fixed)
    lines.append(
        f"\nfixed cost of a run (the sample letter, every sentence cached: start-up, reading, glossary, "
        f"QA, commit): {base_cost.wall:.2f} s wall [{_wall_range(fixed)}], {base_cost.cpu:.2f} s CPU; "
        f"start-up alone {startup:.2f} s"
    )
    return lines


def _median_run(runs: Sequence[Run]) -> Run:
    """Each measure's median over the runs (not one run's: wall and CPU peak at different runs)."""
    return Run(*(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "rss")))


def _wall_range(runs: Sequence[Run]) -> str:
    return f"{min(r.wall for r in runs):.2f}-{max(r.wall for r in runs):.2f}"


def startup_seconds(tmp: Path) -> float:
    """``polyletter status`` on an empty workspace, median of 5: the start-up every command pays."""
    empty = tmp / "startup-empty"
    if not empty.exists():
        tb.run([*tb.polyletter_command(), "init", str(empty), "--to", "fr"], tmp)
    times = tb.Times()
    for _ in range(5):
        tb.timed([*tb.polyletter_command(), "status"], empty, times)
    return times.median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,5,10", help="Argos letter sizes (default 1,2,5,10)")
    parser.add_argument("--cache-dir", type=Path, help="keep the built fixture model here between runs")
    parser.add_argument("--max-decoding-length", type=int, default=128)
    parser.add_argument("--no-argos", action="store_true", help="only the Apertium table")
    parser.add_argument("--repeat", type=int, default=3, help="runs per process in the Apertium table")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tmp = Path(tempfile.mkdtemp(prefix="polyletter-scaling-"))
    try:
        tb.isolate(tmp / "env")
        for note in tb.machine_notes():
            print(note)
        print(f"load average at start: {tb.load_average()}")
        startup = startup_seconds(tmp)
        if not args.no_argos:
            model_file, _ = tb.fixture_model((args.cache_dir or tmp / "model-cache").absolute())
            from polyletter.mt.engines.argos_packages import install_from_file

            model_dir = install_from_file(model_file).path / "model"
            print("\n".join(["", *argos_scaling(tmp, sizes, args.max_decoding_length, model_dir)]))
        print(
            "\n".join(
                [
                    "",
                    f"start-up (status, empty workspace): {startup:.2f} s",
                    *apertium_at_size(tmp, startup, args.repeat),
                ]
            )
        )
        print(f"load average at end: {tb.load_average()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
