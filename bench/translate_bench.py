"""How fast is ``polyletter translate``, against Argos Translate's own path and the bare-CTranslate2 floor?

One run, one table. Everything happens in a temporary directory that HOME,
XDG_* and ARGOS_PACKAGES_DIR point at (set before argostranslate is
imported), with a base-sized fixture model (6+6 layers, d_model 512, ffn 2048,
8000 SentencePiece pieces, int8) built once and installed as en->fr:

1. Full translation of the sample letter into French. ``polyletter translate
   r2p-2012 --to fr`` as a whole process (translations, MT cache and status
   cache wiped before each repeat), against
   (a) ``argostranslate.translate.apply_packaged_translation`` called per
       paragraph with its defaults (beam 4, 4 hypotheses, ARGOS_BATCH_SIZE
       tokens per batch), in-process, model loaded once beforehand (only the
       translation calls are timed), its sentence splitter fed with the same
       sentencex splitter polyletter uses; and
   (b) the floor: one bare ``ctranslate2.Translator.translate_batch`` over the
       sentences polyletter sends (glossary forms injected), pre-tokenised,
       with polyletter's decoding settings (beam and max_batch_tokens from
       ArgosSettings), with and without ``return_attention`` (what
       polyletter's glossary repair asks for).
   Every path decodes with the same ``--max-decoding-length`` (written into
   the workspace's polyletter.toml and passed to (a) and (b); refused above
   polyletter's own length bound for the longest sentence, which would cut
   polyletter's batch shorter than the anchors'). The floor is also run as a
   process of its own (interpreter, import, model load, one call),
   polyletter's like-for-like anchor. Ratios are medians of the ratios of
   runs made side by side, so that drifts in the machine's load cancel out;
   every verdict is judged by CPU time and by median wall, and says which.
1c. Like with like: Argos at beam 2 (polyletter's default; 2 hypotheses)
   against polyletter, and polyletter at beam 4 (a second workspace) against
   Argos's default beam 4 and the floor at beam 4. A random-weight model does
   emit end-of-sentence, at different steps on different paths, so the paths
   decode different amounts: the tokens each decoded (best hypotheses, counted
   by wrapping the translator; polyletter's in-process with its real engine)
   are reported with CPU and wall time per decoded token.
2. Incremental: the same letter after one paragraph of the master changed
   (MT cache and commit of the full run kept), twice: one sentence of the
   longest paragraph edited, then every sentence of it; at most 15% of the
   full run. Each is shown next to the floor for the same sentences.
3. ``polyletter status`` on 200 letters x 6 languages (bench/status_bench.py's
   generator), whole process, first run (no status cache) and warm: under 1 s.
4. Start-up: ``polyletter --help`` and ``polyletter status`` on an empty
   workspace, against ``python -c pass``.
5. Peak memory (max RSS) of a full ``polyletter translate`` process.
6. Scaling (``bench/scaling_bench.py``): letters of 1x, 2x, 5x and 10x the
   sample's body, every sentence distinct: time, tokens and peak memory of
   polyletter and of the floor as processes; and Apertium at 1x, 10x and one
   170 KB paragraph against raw ``apertium`` on the exact text polyletter
   pipes into it.

Run as ``python bench/translate_bench.py [--repeat N] [--quick] [--cache-dir DIR] [--sizes 1,2,5,10]
[--no-scaling]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
MASTER = REPO / "translations" / "en" / "r2p-2012.md"
LETTER = "r2p-2012"

MODEL_SHAPE = {
    "num_layers": (6, 6),
    "d_model": 512,
    "num_heads": 8,
    "ffn_dim": 2048,
    "vocab_size": 8000,
    "quantization": "int8",
}


# --------------------------------------------------------------------------
# environment: isolated before anything argos-related is imported
# --------------------------------------------------------------------------


def isolate(root: Path) -> None:
    """Point HOME, XDG_* and ARGOS_PACKAGES_DIR at ``root``; give git an identity."""
    from polyletter.testing.isolation import isolated_environment

    os.environ.update(isolated_environment(root))
    os.environ.pop("ARGOS_PACKAGE_INDEX", None)
    for name in ("GIT_AUTHOR", "GIT_COMMITTER"):
        os.environ[f"{name}_NAME"] = "bench"
        os.environ[f"{name}_EMAIL"] = "bench@localhost"
    os.environ["GIT_CONFIG_NOSYSTEM"] = "1"


def polyletter_command() -> list[str]:
    """The console script next to this interpreter (what a user types), else ``python -m polyletter``."""
    script = Path(sys.executable).with_name("polyletter")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "polyletter"]


# --------------------------------------------------------------------------
# timing: wall seconds (what the targets are about) and CPU seconds (steadier
# on a shared machine: other processes inflate wall time, much less CPU time)
# --------------------------------------------------------------------------


class Times:
    """Wall and CPU seconds of repeated runs of one measurement."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, wall: float, cpu: float) -> None:
        self.wall.append(wall)
        self.cpu.append(cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def run(command: Sequence[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(command), cwd=cwd, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: Sequence[str], cwd: Path, into: Times | None = None) -> subprocess.CompletedProcess[str]:
    """Run a whole process; add its wall and CPU seconds (its own children included) to ``into``."""
    cpu, start = _children_cpu(), time.perf_counter()
    result = run(command, cwd)
    if into is not None:
        into.add(time.perf_counter() - start, _children_cpu() - cpu)
    return result


def clock(fn: Callable[[], object], into: Times) -> None:
    """Call ``fn`` in this process; add its wall and CPU seconds (all threads) to ``into``."""
    cpu, start = time.process_time(), time.perf_counter()
    fn()
    into.add(time.perf_counter() - start, time.process_time() - cpu)


def peak_rss_mb(command: Sequence[str], cwd: Path) -> float:
    """Max RSS of ``command`` alone: a fresh parent reports its only child's RUSAGE_CHILDREN."""
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True)\n"
        "assert r.returncode == 0, r.stderr\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = run([sys.executable, "-c", probe, *command], cwd).stdout
    return int(out.strip()) / 1024  # Linux reports KiB


# --------------------------------------------------------------------------
# fixture model and workspaces
# --------------------------------------------------------------------------


def fixture_model(cache_dir: Path) -> tuple[Path, float]:
    """The base-sized ``.argosmodel`` (built once per cache dir) and seconds spent building it."""
    from polyletter.testing.argos_model import build_argos_package, package_filename

    tag = "-".join(str(v).replace(", ", "x").strip("()") for v in MODEL_SHAPE.values())
    folder = cache_dir / f"argos-en-fr-{tag}"
    path = folder / package_filename("en", "fr")
    if path.is_file():
        return path, 0.0
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    try:
        built = build_argos_package(building, "en", "fr", **MODEL_SHAPE)
        built.replace(path)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return path, time.perf_counter() - start


def make_letter_workspace(root: Path, max_len: int, beam: int | None = None) -> str:
    """``polyletter init --example --to fr``, the repository's master, max_decoding_length (and beam
    size, when given); the commit."""
    run([*polyletter_command(), "init", str(root), "--example", "--to", "fr"], root.parent)
    shutil.copyfile(MASTER, root / "translations" / "en" / f"{LETTER}.md")
    config = root / "polyletter.toml"
    text, count = re.subn(
        r"(?m)^max_decoding_length = \d+", f"max_decoding_length = {max_len}", config.read_text("utf-8")
    )
    if count != 1:
        raise SystemExit("polyletter.toml has no [engine.argos] max_decoding_length line to set")
    if beam is not None:
        text, count = re.subn(r"(?m)^beam_size = \d+", f"beam_size = {beam}", text)
        if count != 1:
            raise SystemExit("polyletter.toml has no [engine.argos] beam_size line to set")
    config.write_text(text, "utf-8")
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-q", "-m", "bench: master and decoding length", "--allow-empty"], root)
    return run(["git", "rev-parse", "HEAD"], root).stdout.strip()


def reset(root: Path, commit: str, cache_from: Path | None = None) -> None:
    """Back to ``commit`` with no untracked or ignored files (MT and status caches gone)."""
    run(["git", "reset", "-q", "--hard", commit], root)
    run(["git", "clean", "-q", "-f", "-d", "-x"], root)
    if cache_from is not None:
        shutil.copytree(cache_from, root / ".polyletter" / "cache")


def sent_count(stdout: str) -> tuple[int, int]:
    """(sent to the engine, from cache or memory) from translate's summary line."""
    match = re.search(r"sentences: (\d+) from memory, (\d+) from cache, (\d+) sent to the engine", stdout)
    if not match:
        raise SystemExit(f"unexpected translate output:\n{stdout}")
    return int(match.group(3)), int(match.group(1)) + int(match.group(2))


# --------------------------------------------------------------------------
# what polyletter sends, and the two anchors
# --------------------------------------------------------------------------


def capture_engine_input(root: Path, commit: str) -> tuple[list[str], bool, list[str]]:
    """The exact sentences polyletter hands the engine, whether it asks for attention, and the paragraphs.

    Runs the real pipeline in-process with an engine that records its input
    and decodes nothing, then resets the workspace. The paragraphs are the
    master's lines that go to the engine (not dates, signatories or formulas), as
    Argos's ``split_into_paragraphs`` would cut a block.
    """
    from polyletter.commands.translate import translate_letter
    from polyletter.document.letter import BlockKind
    from polyletter.mt.engines.argos import ArgosEngine
    from polyletter.readers import read_letter
    from polyletter.store.workspace import Workspace

    seen: list[tuple[list[str], object]] = []

    class Recorder(ArgosEngine):
        def translate(self, source, target, sentences, terms=None):  # type: ignore[override]
            seen.append((list(sentences), terms))
            return list(sentences)

    ws = Workspace.find(root)
    translate_letter(ws, LETTER, ["fr"], engine=Recorder(ws.config.argos))
    reset(root, commit)
    if len(seen) != 1:
        raise SystemExit(f"expected one engine call for en->fr, got {len(seen)}")
    sentences, terms = seen[0]
    attention = bool(terms) and any(terms)
    master = read_letter(root / "translations" / "en" / f"{LETTER}.md", "en")
    paragraphs = [
        line
        for block in master.blocks
        # dates and signatories are rendered by polyletter, salutation and closing come from its formula
        # lexicon: none reaches an engine, so none is given to Argos either
        if block.kind not in (BlockKind.DATE, BlockKind.SIGNATORIES, BlockKind.SALUTATION, BlockKind.CLOSING)
        for line in block.lines
    ]
    return sentences, attention, paragraphs


def polyletter_decoded(root: Path, commit: str) -> tuple[int, int]:
    """Tokens polyletter's Argos engine decodes for the letter, and its translate_batch calls.

    The real pipeline and model in-process, the engine's translator wrapped to
    count what comes back; then the workspace is reset.
    """
    from polyletter.commands.translate import translate_letter
    from polyletter.mt.engines.argos import ArgosEngine
    from polyletter.store.workspace import Workspace

    reset(root, commit)
    ws = Workspace.find(root)
    engine = ArgosEngine(ws.config.argos)
    translator, tokenizer, prefix = engine._load("en", "fr")
    counting = BoundedTranslator(translator, None)
    engine._loaded["en", "fr"] = (counting, tokenizer, prefix)
    translate_letter(ws, LETTER, ["fr"], engine=engine)
    reset(root, commit)
    return counting.decoded, counting.batches


def verdict(cpu: float, wall: float, ok: Callable[[float], bool]) -> str:
    """Met or missed, judged by CPU time and by median wall (a loaded machine inflates wall time)."""
    if ok(cpu) and ok(wall):
        return "met (CPU and wall)"
    if ok(cpu) or ok(wall):
        return f"{'CPU' if ok(cpu) else 'wall'} met, {'wall' if ok(cpu) else 'CPU'} MISSED"
    return "MISSED (CPU and wall)"


class SentencexSentencizer:
    """Argos's ``ISentenceBoundaryDetectionModel``, backed by the splitter polyletter uses (sentencex)."""

    def split_sentences(self, text: str) -> list[str]:
        from polyletter.document.segment import split_sentences

        return [s.text for s in split_sentences(text, "en")]

    def __str__(self) -> str:
        return "SentencexSentencizer"


class BoundedTranslator:
    """A ctranslate2.Translator whose ``translate_batch`` gets the benchmark's max_decoding_length.

    ``apply_packaged_translation`` has no such parameter (CTranslate2's
    default is 256); everything else it passes is left as it is.
    """

    def __init__(self, translator: object, max_len: int | None) -> None:
        self.translator = translator
        self.max_len = max_len
        self.batches = 0
        self.decoded = 0
        """Tokens of the best hypotheses returned: the work the decoder did, per beam."""

    def translate_batch(self, *args: object, **kwargs: object) -> object:
        if self.max_len is not None:
            kwargs.setdefault("max_decoding_length", self.max_len)
        self.batches += 1
        results = self.translator.translate_batch(*args, **kwargs)  # type: ignore[attr-defined]
        self.decoded += decoded_tokens(results)
        return results


def decoded_tokens(results: object) -> int:
    """Tokens of the best hypothesis of each result (a target prefix counts: it is decoded too)."""
    return sum(len(r.hypotheses[0]) for r in results)  # type: ignore[attr-defined]


class ArgosPath:
    """Argos Translate's own translation path for one package, model loaded once."""

    def __init__(self, max_len: int) -> None:
        import ctranslate2
        from argostranslate import package, settings
        from argostranslate import translate as argos_translate

        self.settings = settings
        self.apply = argos_translate.apply_packaged_translation
        packages = package.get_installed_packages()
        self.pkg = next(p for p in packages if (p.from_code, p.to_code) == ("en", "fr"))
        start = time.perf_counter()
        # exactly the parameters PackageTranslation.hypotheses gives CTranslate2
        params = {
            "model_path": str(self.pkg.package_path / "model"),
            "device": settings.device,
            "inter_threads": settings.inter_threads,
            "intra_threads": settings.intra_threads,
        }
        if settings.compute_type != "auto":
            params["compute_type"] = settings.compute_type
        self.translator = BoundedTranslator(ctranslate2.Translator(**params), max_len)
        self.pkg.tokenizer.encode("warm")  # its SentencePiece processor loads lazily
        self.load_seconds = time.perf_counter() - start
        self.sentencizer = SentencexSentencizer()

    def translate(self, paragraphs: Sequence[str], beam: int | None = None) -> list[str]:
        """Argos's defaults (beam max(4, ARGOS_BEAM_SIZE), 4 hypotheses), or ``beam`` for both.

        ``apply_packaged_translation`` decodes with beam ``max(num_hypotheses,
        settings.beam_size)``: a beam of 2 takes 2 hypotheses and the setting at 2.
        """
        if beam is None:
            return [self.apply(self.pkg, p, self.translator, self.sentencizer)[0].value for p in paragraphs]
        saved = self.settings.beam_size
        self.settings.beam_size = beam
        try:
            return [
                self.apply(self.pkg, p, self.translator, self.sentencizer, num_hypotheses=min(4, beam))[
                    0
                ].value
                for p in paragraphs
            ]
        finally:
            self.settings.beam_size = saved


class Floor:
    """One bare translate_batch with polyletter's decoding settings over pre-tokenised sentences."""

    def __init__(self, sentences: Sequence[str], max_len: int, config: Path) -> None:
        import ctranslate2
        import sentencepiece

        from polyletter.mt.engines.argos_packages import installed_models
        from polyletter.store.config import load_config

        model = next(m for m in installed_models() if (m.from_code, m.to_code) == ("en", "fr"))
        self.settings = load_config(config).argos
        start = time.perf_counter()
        self.translator = ctranslate2.Translator(
            str(model.path / "model"),
            device="cpu",
            compute_type=self.settings.compute_type,
            inter_threads=1,
            intra_threads=self.settings.intra_threads,
        )
        tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
        self.load_seconds = time.perf_counter() - start
        self.tokens = [tokenizer.encode(s, out_type=str) for s in sentences]
        self.max_len = max_len

    def translate(self, attention: bool = False) -> object:
        results = self.translate_tokens(self.tokens, attention)
        self.decoded = decoded_tokens(results)
        return results

    def translate_tokens(self, tokens: Sequence[Sequence[str]], attention: bool = False) -> object:
        return self.translator.translate_batch(
            list(tokens),
            beam_size=self.settings.beam_size,
            max_decoding_length=self.max_len,
            max_batch_size=self.settings.max_batch_tokens,
            batch_type="tokens",
            replace_unknowns=True,
            return_attention=attention,
        )


def change_paragraph(master: Path, paragraph: str, whole: bool) -> int:
    """Edit the first sentence (or every sentence) of ``paragraph`` in the master; return how many changed."""
    from polyletter.document.segment import split_sentences

    sentences = split_sentences(paragraph, "en")
    edited = [
        (s.text[:-1] + ", as agreed." if s.text.endswith(".") else s.text + " (as agreed)") + s.trailing
        if whole or number == 0
        else s.text + s.trailing
        for number, s in enumerate(sentences)
    ]
    text = master.read_text("utf-8")
    if paragraph not in text:
        raise SystemExit("the paragraph to edit is not in the master")
    master.write_text(text.replace(paragraph, "".join(edited).rstrip(), 1), "utf-8")
    return len(sentences) if whole else 1


def floor_child(model_dir: str, job: str) -> None:
    """``--floor-child``: load the model and run the floor batch, for its peak RSS (item 5)."""
    import ctranslate2

    spec = json.loads(Path(job).read_text("utf-8"))
    translator = ctranslate2.Translator(
        model_dir,
        device="cpu",
        compute_type=spec["compute_type"],
        inter_threads=1,
        intra_threads=spec["intra_threads"],
    )
    results = translator.translate_batch(
        spec["tokens"],
        beam_size=spec["beam_size"],
        max_decoding_length=spec["max_len"],
        max_batch_size=spec["max_batch_tokens"],
        batch_type="tokens",
        replace_unknowns=True,
        return_attention=spec["attention"],
    )
    if spec.get("report"):
        Path(spec["report"]).write_text(json.dumps({"decoded": decoded_tokens(results)}), "utf-8")


# --------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------


def machine_notes() -> list[str]:
    import ctranslate2

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    names = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")
    blas = {k: os.environ[k] for k in names if k in os.environ}
    types = ", ".join(sorted(ctranslate2.get_supported_compute_types("cpu")))
    return [
        f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"ctranslate2 {ctranslate2.__version__} (CPU compute types: {types})",
        "environment: "
        + (", ".join(f"{k}={v}" for k, v in blas.items()) or f"{', '.join(names)} not set")
        + " (left as found)",
    ]


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def paired(a: Sequence[float], b: Sequence[float], ratio: Callable[[float, float], float]) -> float:
    """Median of the ratios of runs made side by side: drifts in the machine's load cancel out."""
    return statistics.median(ratio(x, y) for x, y in zip(a, b, strict=True))


class Table:
    HEADER = ("measurement", "median s", "range s", "CPU s", "ratio", "target")

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def add(
        self,
        what: str,
        times: Times | float | str,
        ratio: str = "",
        target: str = "",
        met: bool | None = None,
    ) -> None:
        verdict = "" if met is None else (" met" if met else " MISSED")
        if isinstance(times, Times):
            low, high = min(times.wall), max(times.wall)
            span = f"{low:.2f}-{high:.2f}" if len(times.wall) > 1 else ""
            cells = (f"{times.median:.2f}", span, f"{times.cpu_median:.2f}")
        elif isinstance(times, float):
            cells = (f"{times:.2f}", "", "")
        else:
            cells = (times, "", "")
        self.rows.append((what, *cells, ratio, target + verdict))

    def render(self) -> str:
        widths = [max(len(r[i]) for r in [self.HEADER, *self.rows]) for i in range(len(self.HEADER))]
        lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(self.HEADER, widths, strict=True)) + " |"]
        lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        lines += [
            "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in self.rows
        ]
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=None, help="timed repeats (default 5, --quick 3)")
    parser.add_argument("--quick", action="store_true", help="3 repeats and a 50-letter status workspace")
    parser.add_argument("--cache-dir", type=Path, help="keep the built fixture model here between runs")
    parser.add_argument("--max-decoding-length", type=int, default=128, help="for all three (default 128)")
    parser.add_argument(
        "--letters", type=int, default=None, help="status workspace (default 200, --quick 50)"
    )
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it")
    parser.add_argument("--sizes", default="1,2,5,10", help="letter sizes of the scaling table (1,2,5,10)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling and Apertium tables")
    parser.add_argument("--floor-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_child:
        floor_child(*args.floor_child)
        return
    repeat = args.repeat or (3 if args.quick else 5)
    letters = args.letters or (50 if args.quick else 200)
    max_len = args.max_decoding_length

    tmp = Path(tempfile.mkdtemp(prefix="polyletter-tbench-")) if args.keep is None else args.keep.absolute()
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        isolate(tmp / "env")  # before argostranslate (or anything reading these) is imported
        sys.path.insert(0, str(BENCH))
        poly = polyletter_command()
        for note in machine_notes():
            print(note)
        print(f"polyletter command: {' '.join(poly)}; work dir {tmp}; {repeat} repeats")
        print(f"load average at start: {load_average()}")

        cache_dir = (args.cache_dir or tmp / "model-cache").absolute()
        model_file, build_seconds = fixture_model(cache_dir)
        print(
            f"fixture model: {model_file.name} ({model_file.stat().st_size / 2**20:.0f} MiB, "
            + (f"built in {build_seconds:.1f} s" if build_seconds else "from cache")
            + f"; {MODEL_SHAPE})"
        )
        from polyletter.mt.engines.argos_packages import install_from_file

        installed = install_from_file(model_file)
        model_dir = installed.path / "model"

        ws = tmp / "letters"
        base = make_letter_workspace(ws, max_len)
        master = ws / "translations" / "en" / f"{LETTER}.md"
        sentences, attention, paragraphs = capture_engine_input(ws, base)
        argos = ArgosPath(max_len)
        floor = Floor(sentences, max_len, ws / "polyletter.toml")
        ws4 = tmp / "letters-beam4"  # the same letter with polyletter at Argos's beam
        base4 = make_letter_workspace(ws4, max_len, beam=4)
        floor4 = Floor(sentences, max_len, ws4 / "polyletter.toml")
        per_paragraph = [argos.sentencizer.split_sentences(p) for p in paragraphs]
        argos_sentences = [s for group in per_paragraph for s in group]
        argos_tokens = sum(len(argos.pkg.tokenizer.encode(s)) for s in argos_sentences)
        poly_tokens = sum(len(t) for t in floor.tokens)
        if len(argos_sentences) != len(sentences):
            raise SystemExit(f"Argos got {len(argos_sentences)} sentences, polyletter sent {len(sentences)}")
        st, ps = argos.settings, floor.settings
        bound = int(ps.length_ratio * max(len(t) for t in floor.tokens)) + ps.length_slack
        if max_len > bound:  # polyletter would stop its batch earlier than the anchors
            raise SystemExit(
                f"--max-decoding-length {max_len} is above polyletter's length bound for this letter "
                f"({ps.length_ratio} x longest sentence + {ps.length_slack} = {bound}); use at most {bound}"
            )
        print(
            f"letter: {len(paragraphs)} paragraphs go to the engine; "
            f"polyletter sends {len(sentences)} sentences "
            f"({poly_tokens} tokens, glossary forms injected; attention requested: {attention}); "
            f"Argos gets the same {len(argos_sentences)} sentences of the master's text "
            f"({argos_tokens} tokens)"
        )
        print(
            f"decoding: max_decoding_length {max_len} for all three; "
            f"polyletter beam {ps.beam_size}, max_batch_tokens {ps.max_batch_tokens}, "
            f"compute_type {ps.compute_type}, intra_threads {ps.intra_threads}; "
            f"Argos beam max(4, ARGOS_BEAM_SIZE={st.beam_size}), "
            f"4 hypotheses, ARGOS_BATCH_SIZE={st.batch_size} tokens, length_penalty 0.2, "
            f"intra_threads {st.intra_threads}, compute_type {st.compute_type}"
        )

        # -- warm-up: page cache, first-call allocations, each path once ----------
        reset(ws, base)
        first = timed([*poly, "translate", LETTER, "--to", "fr"], ws)
        if sent_count(first.stdout)[0] != len(sentences):
            sent = sent_count(first.stdout)[0]
            raise SystemExit(f"the process sent {sent} sentences, the capture saw {len(sentences)}")
        argos.translator.batches = argos.translator.decoded = 0
        argos.translate(paragraphs)
        argos_batches, argos_decoded = argos.translator.batches, argos.translator.decoded
        argos.translator.decoded = 0
        argos.translate(paragraphs, beam=2)
        argos2_decoded = argos.translator.decoded
        floor.translate(attention)
        floor4.translate(attention)
        reset(ws4, base4)
        timed([*poly, "translate", LETTER, "--to", "fr"], ws4)
        poly_decoded, poly_batches = polyletter_decoded(ws, base)
        poly4_decoded, _ = polyletter_decoded(ws4, base4)

        job = tmp / "floor-job.json"
        job.write_text(
            json.dumps(
                {
                    "tokens": floor.tokens,
                    "max_len": max_len,
                    "beam_size": floor.settings.beam_size,
                    "max_batch_tokens": floor.settings.max_batch_tokens,
                    "compute_type": floor.settings.compute_type,
                    "intra_threads": floor.settings.intra_threads,
                    "attention": attention,
                }
            ),
            "utf-8",
        )
        child = [sys.executable, str(Path(__file__).resolve()), "--floor-child", str(model_dir), str(job)]

        # -- 1. full translation, the anchors interleaved with it -----------------
        full, t_argos, t_floor, t_floor_att, t_floor_proc = Times(), Times(), Times(), Times(), Times()
        full4, t_argos2, t_floor4 = Times(), Times(), Times()
        for _ in range(repeat):
            reset(ws, base)
            timed([*poly, "translate", LETTER, "--to", "fr"], ws, full)
            clock(lambda: argos.translate(paragraphs), t_argos)
            clock(lambda: floor.translate(False), t_floor)
            clock(lambda: floor.translate(True), t_floor_att)
            timed(child, tmp, t_floor_proc)
            reset(ws4, base4)
            timed([*poly, "translate", LETTER, "--to", "fr"], ws4, full4)
            clock(lambda: argos.translate(paragraphs, beam=2), t_argos2)
            clock(lambda: floor4.translate(attention), t_floor4)
        full_commit = run(["git", "rev-parse", "HEAD"], ws).stdout.strip()
        snapshot = tmp / "mt-cache-after-full"
        shutil.rmtree(snapshot, ignore_errors=True)
        shutil.copytree(ws / ".polyletter" / "cache", snapshot)
        (snapshot / "status.json").unlink(missing_ok=True)

        # everything but model load and decoding: the same run with every sentence in the MT cache
        cached = Times()
        for _ in range(repeat):
            reset(ws, base, cache_from=snapshot)
            result = timed([*poly, "translate", LETTER, "--to", "fr"], ws, cached)
            if sent_count(result.stdout)[0] != 0:
                raise SystemExit("the all-cached run still sent sentences to the engine")
        load = Times()
        for _ in range(repeat):
            clock(lambda: Floor(sentences[:1], max_len, ws / "polyletter.toml"), load)

        # -- 2. incremental: one paragraph of the master changed ----------------
        longest = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
        offset = sum(len(group) for group in per_paragraph[:longest])
        incremental: dict[bool, tuple[Times, Times, int, tuple[int, int]]] = {}
        for whole in (False, True):
            times, floor_part = Times(), Times()
            changed, counts = 0, (0, 0)
            k = len(per_paragraph[longest]) if whole else 1
            subset = floor.tokens[offset : offset + k]
            for _ in range(repeat):
                reset(ws, full_commit, cache_from=snapshot)
                changed = change_paragraph(master, paragraphs[longest], whole)
                counts = sent_count(timed([*poly, "translate", LETTER, "--to", "fr"], ws, times).stdout)
                clock(lambda part=subset: floor.translate_tokens(part, attention), floor_part)
            incremental[whole] = (times, floor_part, changed, counts)

        # -- 5. peak memory --------------------------------------------------------
        reset(ws, base)
        rss_translate = peak_rss_mb([*poly, "translate", LETTER, "--to", "fr"], ws)
        rss_floor = peak_rss_mb(child, tmp)

        # -- 4. start-up -------------------------------------------------------------
        empty = tmp / "empty"
        run([*poly, "init", str(empty), "--to", "fr"], tmp)
        t_pass, t_help, t_empty = Times(), Times(), Times()
        for _ in range(max(repeat, 10)):
            timed([sys.executable, "-c", "pass"], tmp, t_pass)
            timed([*poly, "--help"], tmp, t_help)
            timed([*poly, "status"], empty, t_empty)
        rss_empty = peak_rss_mb([*poly, "status"], empty)
        t_argos_import = Times()  # what a process using Argos's path pays before 1a, besides the model load
        for _ in range(repeat):
            timed([sys.executable, "-c", "import argostranslate.translate"], tmp, t_argos_import)

        # -- 3. status on a big workspace ----------------------------------------------
        from status_bench import LANGS, build_workspace, make_realistic

        big = tmp / "status-ws"
        start = time.perf_counter()
        build_workspace(big, letters)
        make_realistic(big)
        built = time.perf_counter() - start
        status_cold, status_warm = Times(), Times()
        for _ in range(repeat):
            shutil.rmtree(big / ".polyletter" / "cache", ignore_errors=True)
            timed([*poly, "status"], big, status_cold)
            timed([*poly, "status"], big, status_warm)

        # -- the table -------------------------------------------------------------------
        startup = t_empty.median
        m_full = full.median
        table = Table()
        table.add("1  polyletter translate (whole process)", full)
        ratio = paired(t_argos.wall, full.wall, lambda a, p: a / p)
        cpu_ratio = paired(t_argos.cpu, full.cpu, lambda a, p: a / p)
        table.add(
            "1a Argos apply_packaged_translation, per paragraph",
            t_argos,
            f"{ratio:.2f}x polyletter (CPU {cpu_ratio:.2f}x)",
            ">= 3x " + verdict(cpu_ratio, ratio, lambda r: r >= 3),
        )
        with_load = t_argos.median + t_argos_import.median + argos.load_seconds
        table.add(
            "1a + import argostranslate.translate + model load",
            with_load,
            f"{with_load / m_full:.2f}x polyletter",
        )
        table.add("1b floor: one bare translate_batch", t_floor)
        table.add(
            "1b floor, return_attention=True (polyletter's call)",
            t_floor_att,
            f"{t_floor_att.median / t_floor.median:.2f}x floor "
            f"(CPU {t_floor_att.cpu_median / t_floor.cpu_median:.2f}x)",
        )
        ratio = paired(full.wall, t_floor.wall, lambda p, f: (p - startup) / f)
        table.add(
            "1  polyletter minus start-up (4, status on empty)",
            m_full - startup,
            f"{ratio:.2f}x floor",
            "<= 1.2x",
            ratio <= 1.2,
        )
        table.add(
            "1b as a process: python, import, load, 1b",
            t_floor_proc,
            f"polyletter {paired(full.wall, t_floor_proc.wall, lambda p, f: p / f):.2f}x this "
            f"(CPU {full.cpu_median / t_floor_proc.cpu_median:.2f}x)",
        )
        # like with like: both at polyletter's beam (2), both at Argos's (4)
        ratio2 = paired(t_argos2.wall, full.wall, lambda a, p: a / p)
        cpu2 = paired(t_argos2.cpu, full.cpu, lambda a, p: a / p)
        table.add(
            "1c Argos at beam 2 (2 hypotheses) vs polyletter beam 2",
            t_argos2,
            f"{ratio2:.2f}x polyletter (CPU {cpu2:.2f}x)",
        )
        table.add("1c polyletter translate at beam 4 (whole process)", full4)
        ratio4 = paired(t_argos.wall, full4.wall, lambda a, p: a / p)
        cpu4 = paired(t_argos.cpu, full4.cpu, lambda a, p: a / p)
        table.add(
            "1c Argos at beam 4 (its default) vs polyletter beam 4",
            t_argos,
            f"{ratio4:.2f}x polyletter (CPU {cpu4:.2f}x)",
        )
        table.add("1c floor at beam 4, return_attention=True", t_floor4)
        floor_ratio4 = paired(full4.wall, t_floor4.wall, lambda p, f: (p - startup) / f)
        table.add(
            "1c polyletter beam 4 minus start-up vs floor beam 4",
            full4.median - startup,
            f"{floor_ratio4:.2f}x floor",
        )
        table.add("   model load (Translator + SentencePiece)", load)
        table.add("   translate, every sentence cached", cached, f"{cached.median / m_full:.0%} of 1")
        for whole, (times, floor_part, changed, (sent, hits)) in incremental.items():
            label = f"all {changed} sentences" if whole else "1 sentence"
            table.add(
                f"2  incremental: {label} of a paragraph edited",
                times,
                f"{times.median / m_full:.0%} of 1 ({sent} sent, {hits} cached)",
                "<= 15%",
                times.median / m_full <= 0.15,
            )
            table.add(
                f"   floor for those {changed} sentence(s)",
                floor_part,
                f"{floor_part.median / t_floor.median:.0%} of 1b",
            )
        size = f"{letters} x {len(LANGS)}"
        # A cold status parses in one worker per core: its CPU time is the sum over cores, and what
        # stands for its latency on an idle machine is that sum shared out over the cores.
        cores = min(os.cpu_count() or 1, 8)
        table.add(
            f"3  status, {size}, first run (no cache)",
            status_cold,
            f"CPU/{cores} cores {status_cold.cpu_median / cores:.2f} s",
            "< 1 s " + verdict(status_cold.cpu_median / cores, status_cold.median, lambda t: t < 1),
        )
        table.add(
            f"3  status, {size}, warm cache",
            status_warm,
            "",
            "< 1 s " + verdict(status_warm.cpu_median, status_warm.median, lambda t: t < 1),
        )
        table.add("4  python -c pass", t_pass)
        table.add("4  polyletter --help", t_help, f"+{t_help.median - t_pass.median:.2f} s over python")
        table.add(
            "4  polyletter status, empty workspace",
            t_empty,
            f"+{startup - t_pass.median:.2f} s over python",
            "< 1 s",
            startup < 1,
        )
        table.add("5  peak RSS, polyletter translate", f"{rss_translate:.0f} MB")
        table.add("5  peak RSS, floor process (1b alone)", f"{rss_floor:.0f} MB")
        table.add("5  peak RSS, polyletter status (empty)", f"{rss_empty:.0f} MB")

        print()
        print(
            f"{len(sentences)} sentences, {poly_tokens} tokens, each decoded to at most {max_len} tokens; "
            f"Argos made {argos_batches} translate_batch calls for the letter, polyletter 1; "
            f"status workspace built in {built:.0f} s; load average at end: {load_average()}"
        )
        print(table.render())

        # -- work done: tokens decoded by each path, and time per token -------------------
        print()
        print("| path | beam | tokens decoded | calls | CPU s | CPU ms per token | wall ms per token |")
        print("|---|---|---|---|---|---|---|")
        paths = [
            ("polyletter translate (whole process)", 2, poly_decoded, poly_batches, full),
            ("polyletter translate (whole process)", 4, poly4_decoded, poly_batches, full4),
            ("Argos apply_packaged_translation", 4, argos_decoded, argos_batches, t_argos),
            ("Argos apply_packaged_translation", 2, argos2_decoded, argos_batches, t_argos2),
            ("floor, return_attention=True", 2, floor.decoded, 1, t_floor_att),
            ("floor, return_attention=True", 4, floor4.decoded, 1, t_floor4),
        ]
        for what, beam, decoded, calls, times in paths:
            print(
                f"| {what} | {beam} | {decoded} | {calls} | {times.cpu_median:.2f} "
                f"| {1000 * times.cpu_median / decoded:.1f} | {1000 * times.median / decoded:.1f} |"
            )
        limit = sum(1 for t in floor.tokens) * max_len
        print(
            f"(each sentence may decode up to {max_len} tokens: {limit} for the letter; a random-weight "
            "model does emit end-of-sentence, at different steps on each path, so tokens differ)"
        )

        # -- scaling: time and peak memory with the letter's length; Apertium at size ------
        if not args.no_scaling:
            import scaling_bench

            print()
            print(f"scaling, sizes {args.sizes}; load average: {load_average()}")
            sizes = [int(x) for x in args.sizes.split(",")]
            print("\n".join(scaling_bench.argos_scaling(tmp, sizes, max_len, model_dir)))
            print()
            print(f"Apertium at size (start-up: {startup:.2f} s); load average: {load_average()}")
            print("\n".join(scaling_bench.apertium_at_size(tmp, startup, repeat)))
        print(f"load average at end: {load_average()}")
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
