"""Apertium, the rule-based engine that Debian packages (``apertium`` + ``apertium-eng-spa`` ...).

How a batch is run, and why:

* One ``apertium -f txt -u`` process per :meth:`ApertiumEngine.translate`
  call: the script starts a dozen pipeline programs that each load their
  compiled dictionaries, so per-sentence processes cost ~0.15 s each (2 s for
  the 13 sentences of the sample letter's paragraphs, against 0.2 s for one
  batch).
* Sentences are joined with a blank line. The txt deformatter turns an empty
  line into a paragraph break: it puts a sentence end (``.[]``) before it and
  wraps the newlines in a *superblank* (``[\\n\\n]``), which the pipeline
  copies through untouched and the reformatter writes back as the same blank
  line while dropping the inserted full stop. The sentence end keeps the
  tagger and the transfer rules from reordering words across sentences, so a
  sentence translates exactly as it does on its own, and splitting the output
  on ``"\\n\\n"`` gives the sentences back in order. Newlines inside a
  sentence are turned into spaces first (a lone newline is a superblank that
  words may move around), empty or blank sentences never reach Apertium, and
  the count is checked. Everything else -- quotes, brackets, ``^$@*#\\/<>``,
  control characters, any Unicode -- is escaped by the deformatter and comes
  back as it went in (``tests/test_apertium.py`` round-trips it through an
  identity mode and fuzzes the real pair).
* No ``-u``: the output keeps Apertium's marks, ``*`` (unknown word), ``@``
  (missing from the bilingual dictionary) and ``#`` (no surface form), so
  that what the engine did not know is not lost: :meth:`ApertiumEngine.unmark`
  strips them and names the words (``check`` reports them per block). The
  cache keeps the marked output (``cache_tag``).
* Each sentence is stripped, and runs of spaces are collapsed unless the
  source had some: a dropped word (pro-drop "he", the genitive ``'s``)
  leaves its blank behind (" Dijo", "este año  informe").

Pairs come from the ``*.mode`` files in each data directory's ``modes/``
folder (what ``apertium -l`` lists), read without starting any process; the
directory is passed back to ``apertium -d`` so that pairs in
``/usr/local/share/apertium`` or a source checkout run too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from polyletter.errors import EngineError
from polyletter.mt.engines.base import TermSpan
from polyletter.store.config import Config
from polyletter.wording import count

DEFAULT_DATADIR = "/usr/share/apertium"
"""Where Debian's apertium looks (``APERTIUM_DATADIR`` overrides it, as in the script)."""

EXTRA_DATADIRS = ("/usr/local/share/apertium",)
"""Also scanned by default: where ``make install`` of a pair from source puts it."""

DEFAULT_TIMEOUT = 120.0
"""Seconds for one batch; the sample letter takes about 0.2 s, so this only catches a hung pipeline."""

PLACEHOLDER_PREFIX = "ZXQ"
PLACEHOLDER_WIDTH = 4
PLACEHOLDER_RE = re.compile(rf"{PLACEHOLDER_PREFIX}[A-Z]{{{PLACEHOLDER_WIDTH}}}")
"""Matches every token :meth:`ApertiumEngine.placeholder` makes (to find any left unrestored)."""
DEBRIS_RE = re.compile(rf"(?<!\w)(?i:\w*{PLACEHOLDER_PREFIX}\w*)")
r"""Any word holding what is left of a placeholder: split (``AAde ZXQAA``), inflected, lower-cased.

Tried at word starts only (where any such word's match begins): from inside every word, ``\w*``
read the rest of the word again, and QA over a long paragraph spent its time there."""

# Apertium names languages with ISO 639-3 codes (older pairs with 639-1); polyletter uses
# 639-1 where one exists. Codes without a 639-1 twin (ast, frp, szl, ...) are kept as they are.
ISO3_TO_ISO1: dict[str, str] = {
    "afr": "af", "amh": "am", "ara": "ar", "arg": "an", "aze": "az", "bak": "ba", "bel": "be",
    "ben": "bn", "bos": "bs", "bre": "br", "bul": "bg", "cat": "ca", "ces": "cs", "chv": "cv",
    "cor": "kw", "cos": "co", "cym": "cy", "dan": "da", "deu": "de", "ell": "el", "eng": "en",
    "epo": "eo", "est": "et", "eus": "eu", "fao": "fo", "fas": "fa", "fin": "fi", "fra": "fr",
    "fry": "fy", "gla": "gd", "gle": "ga", "glg": "gl", "glv": "gv", "grn": "gn", "guj": "gu",
    "hat": "ht", "hau": "ha", "hbs": "sh", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu",
    "hye": "hy", "ibo": "ig", "ina": "ia", "ind": "id", "isl": "is", "ita": "it", "jpn": "ja",
    "kat": "ka", "kaz": "kk", "kir": "ky", "kmr": "ku", "kor": "ko", "lat": "la", "lav": "lv",
    "lit": "lt", "ltz": "lb", "mar": "mr", "mkd": "mk", "mlt": "mt", "mon": "mn", "msa": "ms",
    "nep": "ne", "nld": "nl", "nno": "nn", "nob": "nb", "nor": "no", "oci": "oc", "pan": "pa",
    "pol": "pl", "por": "pt", "que": "qu", "ron": "ro", "rus": "ru", "sme": "se",
    "slk": "sk", "slv": "sl", "som": "so", "spa": "es", "sqi": "sq", "srd": "sc", "srp": "sr",
    "swa": "sw", "swe": "sv", "tat": "tt", "tgk": "tg", "tha": "th", "tuk": "tk", "tur": "tr",
    "uig": "ug", "ukr": "uk", "urd": "ur", "uzb": "uz", "vie": "vi", "wol": "wo", "yid": "yi",
    "zho": "zh", "zlm": "ms",
}  # fmt: skip
ISO1_TO_ISO3: dict[str, str] = {}
for _iso3, _iso1 in ISO3_TO_ISO1.items():
    ISO1_TO_ISO3.setdefault(_iso1, _iso3)  # first wins: ms -> msa, not zlm

# "eng-spa", "spa-eng_US", "oci_aran-cat", "en-gl"; not debug modes such as "eng-spa-morph".
_MODE_NAME = re.compile(r"^([a-z]{2,3})(_[A-Za-z0-9]+)?-([a-z]{2,3})(_[A-Za-z0-9]+)?$")
# The data directory a mode runs from: /usr/share/apertium/apertium-eng-spa/eng-spa.automorf.bin
_PAIR_DIR = re.compile(r"/(apertium-[a-z]{2,3}(?:_[A-Za-z0-9]+)?-[a-z]{2,3}(?:_[A-Za-z0-9]+)?)/")
# Files a mode runs from, quoted ('/usr/share/...') as Debian writes them or bare as in a checkout.
_MODE_FILE = re.compile(r"'(/[^']+)'|(?<![\w/.])(/[^\s'\"|;<>]+)")
_DPKG_TOOLS = ("apertium", "lttoolbox", "apertium-lex-tools")
_LINE_BREAKS = re.compile(r"[\r\n]+")
_SPACES = re.compile(r" {2,}")


def create(config: Config) -> ApertiumEngine:
    """polyletter.toml has no ``[engine.apertium]`` table yet: data dirs come from ``APERTIUM_DATADIR``."""
    del config
    return ApertiumEngine()


def iso1(code: str) -> str:
    """polyletter's code for an Apertium language code (``spa`` -> ``es``; ``ast`` stays)."""
    return ISO3_TO_ISO1.get(code, code)


def iso3(code: str) -> str:
    """Apertium's usual code for one of ours (``es`` -> ``spa``), for package names in hints."""
    return ISO1_TO_ISO3.get(code, code)


@dataclass(frozen=True)
class Mode:
    """One installed translation direction: ``apertium -d datadir name`` runs it."""

    name: str
    datadir: Path
    path: Path

    @property
    def variant(self) -> bool:
        return "_" in self.name

    def package(self) -> str | None:
        """The pair's data directory name (``apertium-eng-spa``), which is also its Debian package."""
        found = _PAIR_DIR.search(_read(self.path))
        return found.group(1) if found else None


def discover_modes(datadirs: Sequence[Path]) -> dict[tuple[str, str], Mode]:
    """Translation modes by (source, target), from the ``modes/`` folders; no process is started.

    A pair with several modes (``spa-eng`` and ``spa-eng_US``) keeps the plain
    one, else the first variant by name; an earlier data directory wins over a
    later one for the same mode.
    """
    candidates: list[tuple[bool, int, str, tuple[str, str], Mode]] = []
    for rank, datadir in enumerate(datadirs):
        try:
            entries = sorted((datadir / "modes").glob("*.mode"))
        except OSError:
            continue
        for path in entries:
            match = _MODE_NAME.match(path.stem)
            if not match or not path.is_file():
                continue
            pair = (iso1(match.group(1)), iso1(match.group(3)))
            mode = Mode(path.stem, datadir, path)
            candidates.append((mode.variant, rank, mode.name, pair, mode))
    modes: dict[tuple[str, str], Mode] = {}
    for *_, pair, mode in sorted(candidates, key=lambda c: c[:3]):
        modes.setdefault(pair, mode)
    return modes


def default_datadirs() -> list[Path]:
    """``APERTIUM_DATADIR`` (or Debian's directory), then ``/usr/local/share/apertium``."""
    dirs = [os.environ.get("APERTIUM_DATADIR") or DEFAULT_DATADIR, *EXTRA_DATADIRS]
    return [Path(d) for d in dict.fromkeys(dirs)]


class ApertiumEngine:
    """Debian's ``apertium`` script, one process per batch (see the module docstring)."""

    name = "apertium"
    glossary_strategy = "placeholder"
    cache_tag = " +marks"
    """Cached answers keep the unknown-word marks (older cache entries, made with ``-u``, do not)."""

    def __init__(
        self, datadirs: Sequence[Path | str] | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.datadirs = [Path(d) for d in datadirs] if datadirs is not None else default_datadirs()
        self.timeout = timeout
        self.calls: list[tuple[str, str, int]] = []
        self._modes: dict[tuple[str, str], Mode] | None = None
        self._versions: dict[tuple[str, str], str] = {}

    # ------------------------------------------------------------------ pairs

    def modes(self) -> dict[tuple[str, str], Mode]:
        """Installed modes by pair, scanned once per engine."""
        if self._modes is None:
            self._modes = discover_modes(self.datadirs)
        return self._modes

    def pairs(self) -> frozenset[tuple[str, str]]:
        """Pairs that can run now: none while the ``apertium`` command itself is missing."""
        if shutil.which("apertium") is None:
            return frozenset()
        return frozenset(self.modes())

    def _package(self, source: str, target: str) -> str:
        mode = self.modes().get((source, target))
        package = mode.package() if mode else None
        return package or f"apertium-{iso3(source)}-{iso3(target)}"

    def install_hint(self, source: str, target: str) -> str:
        package = self._package(source, target)
        if shutil.which("apertium") is None:
            return f"`apt-get install apertium {package}`."
        if (source, target) in self.modes():
            return f"`apt-get install --reinstall {package}`."
        other = f"apertium-{iso3(target)}-{iso3(source)}"
        return (
            f"`apt-get install {package}` (Debian names some pairs the other way round, "
            f"e.g. {other}; `apt-cache search apertium` lists them)."
        )

    def _mode(self, source: str, target: str) -> Mode:
        mode = self.modes().get((source, target))
        if mode is None:
            raise EngineError(
                f"Apertium has no {source}->{target} pair installed",
                hint=f"Install it: {self.install_hint(source, target)}",
            )
        return mode

    # ---------------------------------------------------------------- version

    def version(self, source: str, target: str) -> str:
        """Debian versions of the pair and of the tools that run it; else a fingerprint of the files.

        ``apertium-eng-spa 0.8.1-2 (eng-spa; apertium 3.8.3-1+b2, lttoolbox 3.7.1-1+b2,
        apertium-lex-tools 0.4.2-2)``. Debian versions are used only when the mode
        runs the files Debian installed (``/usr/share/apertium/<package>/``); a pair
        built from source gets ``<package> local+<hash>``, hashing the mode file and
        the size and mtime of every file it names, so a rebuild changes the key.
        """
        key = (source, target)
        if key not in self._versions:
            mode = self._mode(source, target)
            package = mode.package()
            debian = package is not None and f"{DEFAULT_DATADIR}/{package}/" in _read(mode.path)
            found = _dpkg_versions([package, *_DPKG_TOOLS] if debian and package else list(_DPKG_TOOLS))
            if debian and package in found:
                pair_version = f"{package} {found[package]}"
            else:
                pair_version = f"{package or mode.name} local+{_fingerprint(mode.path)}"
            tools = [f"{tool} {found[tool]}" for tool in _DPKG_TOOLS if tool in found]
            if not tools:
                tools = [_apertium_self_version()]
            self._versions[key] = f"{pair_version} ({mode.name}; {', '.join(tools)})"
        return self._versions[key]

    # ------------------------------------------------------------ placeholder

    def placeholder(self, n: int) -> str:
        """A token Apertium copies through byte for byte, to stand in for glossary term ``n``.

        ``ZXQ`` plus ``n`` in four base-26 capital letters: ``ZXQAAAA``,
        ``ZXQAAAB``, ... Letters only, so every pair's tokenizer keeps it one
        word (digits may be split off by a number rule, and punctuation or tags
        would become blanks that the transfer leaves in place while the words
        around them move); in no dictionary, so it is an unknown word, which
        every stage passes through verbatim -- no case change, no inflection --
        and the transfer moves with the phrase it belongs to, like any unknown
        proper noun (``RtoP``). Fixed width, so no placeholder is a prefix of
        another and plain ``str.replace`` restores them safely.

        As with any unknown word, Apertium capitalizes the word that follows
        one at the start of a sentence (``ZXQAAAA Es un deber``) and drops an
        English ``'s`` right after one; the glossary step should mask such
        terms with their possessive, and may lower-case that next word.
        """
        if not 0 <= n < 26**PLACEHOLDER_WIDTH:
            raise ValueError(f"placeholder number out of range: {n}")
        letters = ""
        for _ in range(PLACEHOLDER_WIDTH):
            n, digit = divmod(n, 26)
            letters = chr(ord("A") + digit) + letters
        return PLACEHOLDER_PREFIX + letters

    # ------------------------------------------------------------ unknown words

    def unmark(self, sentence: str, translated: str) -> tuple[str, list[str]]:
        """``translated`` without Apertium's ``*``/``@``/``#`` marks, and the words marked ``*`` or ``@``.

        A mark is one of those characters right before a word, where the sentence
        sent did not have that same character before that same word (a literal
        ``#R2P`` or ``*note`` passes through Apertium as it is). Placeholders are
        unknown words on purpose and are not reported; nor are words that are
        capitalised in the sentence other than at its start (names, which are
        copied on purpose).
        """
        words: list[str] = []

        def strip(m: re.Match[str]) -> str:
            mark, word = m.group(1), m.group(2)
            if mark + word in sentence:
                return m.group()
            if mark in "*@" and _reportable(word, sentence):
                words.append(word)
            return word

        return _MARKED.sub(strip, translated), list(dict.fromkeys(words))

    # -------------------------------------------------------------- translate

    def translate(
        self,
        source: str,
        target: str,
        sentences: Sequence[str],
        terms: Sequence[Sequence[TermSpan]] | None = None,
    ) -> list[str]:
        """All sentences through one ``apertium`` process, one paragraph each (see the module docstring).

        ``terms`` is unused: glossary terms reach Apertium as placeholders. The
        translations come without marks; :meth:`translate_marked` keeps them.
        """
        marked = self.translate_marked(source, target, sentences, terms)
        return [self.unmark(s, t)[0] for s, t in zip(sentences, marked, strict=True)]

    def translate_marked(
        self,
        source: str,
        target: str,
        sentences: Sequence[str],
        terms: Sequence[Sequence[TermSpan]] | None = None,
    ) -> list[str]:
        """:meth:`translate`, with Apertium's unknown-word marks left in (:meth:`unmark` strips them)."""
        if not sentences:
            return []
        if shutil.which("apertium") is None:
            raise EngineError(
                "Apertium is not installed (no `apertium` command on PATH)",
                hint=f"Install it: {self.install_hint(source, target)}",
            )
        mode = self._mode(source, target)
        cleaned = [_LINE_BREAKS.sub(" ", s).replace("\0", "").strip() for s in sentences]
        todo = [i for i, s in enumerate(cleaned) if s]
        out = [""] * len(sentences)
        if todo:
            text = "\n\n".join(cleaned[i] for i in todo) + "\n"
            translated, stderr = self._run(mode, text)
            if len(translated) != len(todo):
                raise EngineError(
                    f"apertium {mode.name} returned {count(len(translated), 'sentence')} for {len(todo)}"
                    + _last_line(stderr),
                    hint="Please report this with the sentences that caused it.",
                )
            for i, sentence in zip(todo, translated, strict=True):
                # A dropped word leaves its blank behind ("this year's report" -> "este año  informe").
                sentence = sentence if "  " in cleaned[i] else _SPACES.sub(" ", sentence)
                out[i] = undo_start_capital(cleaned[i], sentence)
        self.calls.append((source, target, len(sentences)))
        return out

    def _run(self, mode: Mode, text: str) -> tuple[list[str], bytes]:
        """Run ``apertium`` once: the translated paragraphs and its stderr.

        It gets a process group of its own, so that a timeout kills the whole
        pipeline and not just the script.
        """
        command = ["apertium", "-d", str(mode.datadir), "-f", "txt", mode.name]
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except OSError as err:
            raise EngineError(
                f"cannot start apertium ({err.strerror or err})",
                hint="Reinstall it: `apt-get install --reinstall apertium`.",
            ) from None
        try:
            stdout, stderr = proc.communicate(text.encode("utf-8"), timeout=self.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            _, stderr = proc.communicate()
            raise EngineError(
                f"apertium {mode.name} timed out after {self.timeout:g} s{_last_line(stderr)}",
                hint="Try fewer sentences at once, or check the pair with `echo test | apertium "
                f"{mode.name}`.",
            ) from None
        # The script's exit status is not enough: the mode runs as a plain pipeline without
        # pipefail, so a stage that dies mid-way (a missing .bin file) still exits 0, with no
        # output at all. Ours always has some, since the input ends with a newline.
        if proc.returncode != 0 or not stdout:
            failure = f"exit {proc.returncode}" if proc.returncode != 0 else "no output"
            raise EngineError(
                f"apertium {mode.name} failed ({failure}){_last_line(stderr)}",
                hint=f"Check the pair with `echo test | apertium -d {mode.datadir} {mode.name}`, "
                f"or reinstall it: `apt-get install --reinstall {mode.package() or 'apertium'}`.",
            )
        try:
            output = stdout.decode("utf-8")
        except UnicodeDecodeError:
            raise EngineError(f"apertium {mode.name} wrote output that is not UTF-8") from None
        # Apertium may keep the blank of a dropped word ("He said" -> " Dijo"): strip each.
        return [part.strip() for part in output.rstrip("\n").split("\n\n")], stderr


_MARKED = re.compile(r"(?<!\w)([*@#])(\w[\w'\u2019-]*)")


def _reportable(word: str, sentence: str) -> bool:
    """An unknown word worth a reviewer's look: not a placeholder, not a name, not a single letter.

    A letter alone is a piece of an abbreviation Apertium splits at its dots
    ("P.S." comes back as "*P.*S.", "P" reported for a postscript the reader
    reads correctly) or a list label, never a word left in English.
    """
    if len(word) == 1 or DEBRIS_RE.fullmatch(word):
        return False
    capitalised = any(ch.isupper() for ch in word)
    return not capitalised or (sentence.startswith(word) and not any(ch.isupper() for ch in word[1:]))


_AFTER_PLACEHOLDERS = re.compile(
    rf"((?:[*@#]?{PLACEHOLDER_PREFIX}[A-Z]{{{PLACEHOLDER_WIDTH}}}[.,]? )+)([*@#]?)(\w)(\w*)"
)


def undo_start_capital(source: str, translated: str) -> str:
    """Apertium capitalises the word after unknown words as if a sentence began there; undo that.

    ``ZXQAAAA plays a role`` comes back as ``ZXQAAAA Toca una función``: the
    placeholder took the sentence's capital, so the verb must not have one.
    The same happens after two placeholders in a row ("Secretary-General
    António Guterres told" -> "... Dijo") and after an unknown abbreviation
    ("Prof. ZXQAAAD to address" -> "... Para dirigir"). A word is put back in
    lower case only where, in the source, the placeholder before it was
    followed by a lower-case word.
    """

    def lower(m: re.Match[str]) -> str:
        run, mark, first, rest = m.groups()
        last = PLACEHOLDER_RE.findall(run)[-1]
        at = source.find(last)
        following = source[at + len(last) :].lstrip(" .,") if at >= 0 else ""
        if not first.isupper() or not rest.islower() or not following[:1].islower():
            return m.group()
        return f"{run}{mark}{first.lower()}{rest}"

    return _AFTER_PLACEHOLDERS.sub(lower, translated)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group we created for this run (the script and its pipeline)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", errors="replace").splitlines() if line.strip()]
    return f": {lines[-1]}" if lines else ""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _dpkg_versions(packages: list[str]) -> dict[str, str]:
    """Installed Debian versions of the packages dpkg knows, in one ``dpkg-query`` call."""
    if shutil.which("dpkg-query") is None:
        return {}
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Version}\n", *packages],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, str] = {}
    # Exit status 1 only means some package is unknown; the known ones are still listed.
    for line in result.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[1].startswith("ii") and parts[2]:
            found[parts[0]] = parts[2]
    return found


def _apertium_self_version() -> str:
    """``Apertium 3.8.3`` from ``apertium -V``, when dpkg does not know the tools."""
    try:
        result = subprocess.run(["apertium", "-V"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return "apertium unknown"
    return result.stdout.strip() or "apertium unknown"


def _fingerprint(mode_path: Path) -> str:
    """Hash of the mode file and of the size and mtime of every file it names."""
    digest = hashlib.sha256()
    text = _read(mode_path)
    digest.update(text.encode("utf-8"))
    for name in sorted({quoted or bare for quoted, bare in _MODE_FILE.findall(text)}):
        try:
            stat = Path(name).stat()
        except OSError:
            continue
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]
