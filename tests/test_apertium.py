"""The Apertium engine against Debian's real ``apertium`` and ``apertium-eng-spa``.

Nothing here mocks the engine. Failure paths (a crashing, hanging or
misbehaving pipeline) and discovery corner cases use small data directories
whose ``modes/*.mode`` files are ordinary shell pipelines (``cat``, ``sleep``,
...), run by the real ``apertium`` script through ``-d``, exactly as a pair
built from source would be.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyletter.errors import EngineError
from polyletter.mt.engines import get_engine
from polyletter.mt.engines.apertium import PLACEHOLDER_RE, ApertiumEngine, discover_modes
from polyletter.mt.engines.base import Engine
from polyletter.mt.routing import plan_route
from polyletter.store.config import Config

from .conftest import needs_apertium

pytestmark = [pytest.mark.apertium, needs_apertium]

MARKS = re.compile(r"[*#@]")


@pytest.fixture(scope="module")
def engine() -> ApertiumEngine:
    """The engine on the system's data directories (eng-spa installed)."""
    return ApertiumEngine()


@pytest.fixture
def fresh() -> ApertiumEngine:
    """A new engine, for tests that look at ``calls`` or at cached state."""
    return ApertiumEngine()


def make_datadir(root: Path, modes: dict[str, str]) -> Path:
    """A data directory whose ``modes/NAME.mode`` files hold the given pipelines."""
    (root / "modes").mkdir(parents=True, exist_ok=True)
    for name, pipeline in modes.items():
        (root / "modes" / f"{name}.mode").write_text(pipeline + "\n", encoding="utf-8")
    return root


def clean(sentence: str) -> str:
    """What the engine sends for a sentence: one line, no NUL, no outer whitespace."""
    return re.sub(r"[\r\n]+", " ", sentence).replace("\0", "").strip()


TRICKY = [
    "The cat is black.",
    'He said "hello" (twice) to me.',
    "It's [bracketed] {braced} <angled> text.",
    "Stars * hashes # at @ signs",
    "Back\\slash ^caret$ dollar / slash",
    "Café, naïve — “quoted” 日本語 ✓ مرحبا.",
    "",
    "Ends without punctuation",
    "   ",
    "A sentence\nwith a\r\nline break.",
    "e-mail: info@example.org #hashtag *starred*",
    "Mr. Smith met Dr. Luck in 2012.",
    "...",
    "[",
    "\\",
    "<p>html</p> &amp;",
]


# ---------------------------------------------------------------- pairs


def test_pairs_include_english_spanish_both_ways(engine: ApertiumEngine) -> None:
    assert {("en", "es"), ("es", "en")} <= engine.pairs()
    assert engine.modes()[("en", "es")].name == "eng-spa"
    # spa-eng and spa-eng_US are both installed: the plain mode wins.
    assert engine.modes()[("es", "en")].name == "spa-eng"


def test_get_engine_gives_an_apertium_engine_behind_the_protocol() -> None:
    engine = get_engine("apertium", Config())
    assert isinstance(engine, ApertiumEngine)
    assert isinstance(engine, Engine)
    assert engine.name == "apertium"
    assert plan_route(engine, "en", "es").legs == (("en", "es"),)


def test_discovery_maps_codes_prefers_plain_modes_and_skips_debug_modes(tmp_path: Path) -> None:
    first = make_datadir(
        tmp_path / "first",
        {
            "spa-eng_US": "cat",
            "spa-eng": "cat",
            "cat-ita_x": "cat",
            "cat-ita_a": "cat",
            "eng-spa-morph": "cat",  # a debug mode of a source checkout
            "en-gl": "cat",  # older pairs use two-letter codes
            "spa-ast": "cat",  # no ISO 639-1 code: kept as it is
            "fra-oci": "cat",
        },
    )
    second = make_datadir(tmp_path / "second", {"fra-oci": "cat", "ron-nld": "cat"})
    modes = discover_modes([first, second])
    assert set(modes) == {("es", "en"), ("ca", "it"), ("en", "gl"), ("es", "ast"), ("fr", "oc"), ("ro", "nl")}
    assert modes[("es", "en")].name == "spa-eng"
    assert modes[("ca", "it")].name == "cat-ita_a"
    assert modes[("fr", "oc")].datadir == first
    assert modes[("ro", "nl")].datadir == second


def test_discovery_tolerates_missing_directories(tmp_path: Path) -> None:
    assert ApertiumEngine(datadirs=[tmp_path / "nowhere"]).pairs() == frozenset()


# ------------------------------------------------------------ translate


def test_batch_translates_in_one_call(fresh: ApertiumEngine) -> None:
    sentences = ["The cat is black.", "The dogs are big.", "We welcome the opportunity."]
    out = fresh.translate("en", "es", sentences)
    assert fresh.calls == [("en", "es", 3)]
    assert len(out) == 3
    assert "gato" in out[0] and "negro" in out[0]
    assert "perros" in out[1]


def test_batch_equals_sentence_by_sentence(engine: ApertiumEngine) -> None:
    """The paragraph break is a hard boundary: no word moves or agrees across it."""
    sentences = [
        "The third pillar of the Responsibility to Protect",
        "measures are debated by Member States",
        "Civil society plays a critical role.",
        "he said",
        "This year's report is necessary for constructive participation.",
    ]
    batch = engine.translate("en", "es", sentences)
    alone = [engine.translate("en", "es", [s])[0] for s in sentences]
    assert batch == alone


def test_n_sentences_in_n_out_in_order_with_tricky_characters(fresh: ApertiumEngine) -> None:
    sentences = [f"Item {n}: {text}" if text.strip() else text for n, text in enumerate(TRICKY, 100)]
    out = fresh.translate("en", "es", sentences)
    assert len(out) == len(sentences)
    assert fresh.calls == [("en", "es", len(sentences))]
    for n, (source, target) in enumerate(zip(sentences, out, strict=True), 100):
        if source.strip():
            assert str(n) in target, (source, target)
            assert "\n" not in target
        else:
            assert target == ""
    assert "日本語" in out[5] and "مرحبا" in out[5]


def test_empty_and_blank_batches() -> None:
    engine = ApertiumEngine()
    assert engine.translate("en", "es", []) == []
    assert engine.calls == []
    assert engine.translate("en", "es", ["", "  ", "\n"]) == ["", "", ""]


def test_no_unknown_word_marks_remain(engine: ApertiumEngine) -> None:
    sentences = [
        "Secretary-General Ban Ki-moon",
        "CC: H.E. Mr. Nassir Abdulaziz Al-Nasser",
        "Regional meetings of NGOs and diplomats",
        "The Peaceweavers and the Federalist Movement",
    ]
    # Without -u, Apertium marks these with * (unknown) and # (no surface form) ...
    raw = subprocess.run(
        ["apertium", "eng-spa"],
        input="\n\n".join(sentences),
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
        check=True,
    ).stdout
    assert "*" in raw and "#" in raw
    # ... the engine's output has none.
    for target in engine.translate("en", "es", sentences):
        assert not MARKS.search(target), target


def test_marks_in_the_source_are_kept(engine: ApertiumEngine) -> None:
    out = engine.translate("en", "es", ["Write to info@example.org about #RtoP and *urgent* cases."])
    assert "info@example.org" in out[0] and "#RtoP" in out[0] and "*" in out[0]


def test_blanks_of_dropped_words_are_collapsed(engine: ApertiumEngine) -> None:
    sentences = ["This year's report on third pillar measures.", "It is a duty of all States.", "The  cat."]
    out = engine.translate("en", "es", sentences)
    assert out[0].startswith("Este año informe") and "  " not in out[0]
    assert out[1] == "Es un deber de todos los Estados."
    assert out[2] == "El  gato."  # the source had two spaces: left alone


def test_spanish_to_english(engine: ApertiumEngine) -> None:
    assert engine.translate("es", "en", ["El gato es negro."]) == ["The cat is black."]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), min_size=1, max_size=12))
def test_real_pair_keeps_the_count_for_any_text(sentences: list[str]) -> None:
    engine = ApertiumEngine()
    out = engine.translate("en", "es", sentences)
    assert len(out) == len(sentences)
    assert all(t == "" for s, t in zip(sentences, out, strict=True) if not clean(s))
    assert all("\n" not in t for t in out)


@pytest.fixture(scope="module")
def identity_engine(tmp_path_factory: pytest.TempPathFactory) -> ApertiumEngine:
    """en->fr through a ``cat`` mode: the real deformatter, separators and reformatter, no linguistics."""
    root = make_datadir(tmp_path_factory.mktemp("identity"), {"eng-fra": "cat"})
    return ApertiumEngine(datadirs=[root])


def test_identity_mode_round_trips_tricky_text(identity_engine: ApertiumEngine) -> None:
    assert identity_engine.translate("en", "fr", TRICKY) == [clean(s) for s in TRICKY]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=40), min_size=1, max_size=10))
def test_identity_mode_round_trips_any_text(identity_engine: ApertiumEngine, sentences: list[str]) -> None:
    """Whatever a sentence holds, the separator survives and the text comes back byte for byte."""
    assert identity_engine.translate("en", "fr", sentences) == [clean(s) for s in sentences]


# ---------------------------------------------------------- placeholders


def test_placeholders_are_fixed_width_distinct_letters(engine: ApertiumEngine) -> None:
    tokens = [engine.placeholder(n) for n in range(2000)]
    assert len(set(tokens)) == 2000
    assert all(PLACEHOLDER_RE.fullmatch(t) and t.isalpha() and t.isupper() for t in tokens)
    assert tokens[:3] == ["ZXQAAAA", "ZXQAAAB", "ZXQAAAC"]
    # Same length, so none is a prefix of another and str.replace is safe.
    assert len({len(t) for t in tokens}) == 1
    with pytest.raises(ValueError):
        engine.placeholder(-1)
    with pytest.raises(ValueError):
        engine.placeholder(26**4)


PLACEHOLDER_TEMPLATES_EN = [
    "{0} is a duty of all States.",  # sentence start
    "We discuss {0} today.",  # middle
    "States must uphold {0}",  # end, no full stop
    "Support for {0}.",  # before a full stop
    "The third pillar of {0} ({1}, {2}) matters.",  # brackets and commas, several
    "We welcome {0}, {1} and {2}.",
    '"{0}" and “{1}” in quotes; {2}!',
    "The {0} are important.",  # plural contexts
    "Both {0} were adopted by the new {1}.",
    "Three {0} were discussed at the meeting.",
    "The {0}'s third pillar matters.",  # possessive
    "This year's report on {0} measures.",  # noun modifier
    "{0}-related tools are useful.",  # hyphen
    "{0} {1} {2}.",  # side by side
    "We ask: {0}?",
    "[{0}]",
    "{0}",  # alone
    "Implementing {0} is a big task for the United Nations.",
]

PLACEHOLDER_TEMPLATES_ES = [
    "{0} es un deber de los Estados.",
    "Apoyamos la {0} y el {1}.",
    "Los {0} son importantes.",
    "El tercer pilar de la {0} ({1}, {2}).",
    "¿Qué es {0}?",
    "{0}",
]


@pytest.mark.parametrize(
    ("source", "target", "templates"),
    [("en", "es", PLACEHOLDER_TEMPLATES_EN), ("es", "en", PLACEHOLDER_TEMPLATES_ES)],
)
def test_placeholders_survive_in_every_position(
    engine: ApertiumEngine, source: str, target: str, templates: list[str]
) -> None:
    tokens = [engine.placeholder(n) for n in (0, 1, 27)]
    sentences = [t.format(*tokens) for t in templates]
    out = engine.translate(source, target, sentences)
    for sentence, translated in zip(sentences, out, strict=True):
        assert Counter(PLACEHOLDER_RE.findall(translated)) == Counter(PLACEHOLDER_RE.findall(sentence)), (
            sentence,
            translated,
        )
        for token in tokens:
            assert translated.count(token) == sentence.count(token)
    # The words around them are still translated.
    # (and the word after a sentence-opening placeholder keeps its lower case: "is", not "Is").
    expected = {"en": "Implementando ZXQAAAA es una tarea", "es": "ZXQAAAA is a duty"}[source]
    assert any(t.startswith(expected) for t in out), out


# -------------------------------------------------------------- version


def test_version_names_the_debian_package_version(fresh: ApertiumEngine) -> None:
    if shutil.which("dpkg-query") is None:
        pytest.skip("dpkg-query is not available")
    expected = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", "apertium-eng-spa"], capture_output=True, text=True
    ).stdout
    version = fresh.version("en", "es")
    assert version.startswith(f"apertium-eng-spa {expected} (eng-spa; apertium ")
    assert fresh.version("es", "en").startswith(f"apertium-eng-spa {expected} (spa-eng; ")


def test_version_is_cached_per_instance(
    fresh: ApertiumEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fresh.version("en", "es")
    monkeypatch.setenv("PATH", str(tmp_path))  # neither dpkg-query nor apertium can run now
    assert fresh.version("en", "es") == first
    # A new instance has to look again, and falls back to a fingerprint of the files.
    assert "local+" in ApertiumEngine().version("en", "es")


def test_version_of_a_pair_dpkg_does_not_know_fingerprints_its_files(tmp_path: Path) -> None:
    data = tmp_path / "apertium-eng-fra"
    data.mkdir()
    (data / "eng-fra.automorf.bin").write_bytes(b"one")
    root = make_datadir(tmp_path / "share", {"eng-fra": f"cat '{data}/eng-fra.automorf.bin' >/dev/null; cat"})
    first = ApertiumEngine(datadirs=[root]).version("en", "fr")
    assert re.match(r"apertium-eng-fra local\+[0-9a-f]{12} \(eng-fra; ", first)
    assert ApertiumEngine(datadirs=[root]).version("en", "fr") == first
    (data / "eng-fra.automorf.bin").write_bytes(b"rebuilt")
    assert ApertiumEngine(datadirs=[root]).version("en", "fr") != first


# --------------------------------------------------------------- errors


@pytest.fixture
def eng_spa_only(tmp_path: Path) -> ApertiumEngine:
    """An engine that sees only Debian's eng-spa modes, whatever other pairs this machine has.

    A machine with apertium-fr-es or apertium-eng-fra installed would otherwise
    translate (or pivot) en->fr, and the "missing pair" tests would test nothing.
    """
    modes = {}
    for name in ("eng-spa", "spa-eng"):
        real = Path(f"/usr/share/apertium/modes/{name}.mode")
        if not real.is_file():
            pytest.skip(f"needs Debian's apertium-eng-spa ({real} is missing)")
        modes[name] = real.read_text(encoding="utf-8").strip()
    return ApertiumEngine(datadirs=[make_datadir(tmp_path / "eng-spa-only", modes)])


def test_missing_pair_names_the_debian_package(eng_spa_only: ApertiumEngine) -> None:
    engine = eng_spa_only
    assert engine.pairs() == {("en", "es"), ("es", "en")}
    with pytest.raises(EngineError) as info:
        engine.translate("en", "fr", ["The cat is black."])
    message = str(info.value)
    assert "en->fr" in message and "apt-get install apertium-eng-fra" in message
    assert "\n" not in message
    with pytest.raises(EngineError, match="apt-get install apertium-eng-fra"):
        engine.version("en", "fr")
    with pytest.raises(EngineError, match="apt-get install apertium-eng-fra"):
        plan_route(engine, "en", "fr", pivot="es")


def test_missing_apertium_binary_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    engine = ApertiumEngine()
    assert engine.pairs() == frozenset()
    with pytest.raises(EngineError) as info:
        engine.translate("en", "es", ["The cat is black."])
    message = str(info.value)
    assert "not installed" in message
    assert "apt-get install apertium apertium-eng-spa" in message
    assert "\n" not in message
    assert engine.calls == []


def test_failing_pipeline_reports_the_last_stderr_line(tmp_path: Path) -> None:
    root = make_datadir(tmp_path, {"eng-deu": "lt-proc '/nonexistent/eng-deu.bin'"})
    engine = ApertiumEngine(datadirs=[root])
    with pytest.raises(EngineError) as info:
        engine.translate("en", "de", ["The cat is black."])
    message = str(info.value)
    assert "failed (exit 1): Error: Cannot open file '/nonexistent/eng-deu.bin'" in message
    assert "apertium -d" in message and "\n" not in message
    assert engine.calls == []


def test_pipeline_broken_midway_is_caught_despite_exit_status_zero(tmp_path: Path) -> None:
    """The real eng-spa mode with one transfer file missing: the script exits 0 and prints nothing."""
    real = Path("/usr/share/apertium/modes/eng-spa.mode")
    if not real.is_file():
        pytest.skip("needs Debian's apertium-eng-spa")
    text = real.read_text(encoding="utf-8")
    broken = re.sub(r"'[^']*eng-spa\.t1x\.bin'", "'/nonexistent/eng-spa.t1x.bin'", text)
    assert broken != text
    engine = ApertiumEngine(datadirs=[make_datadir(tmp_path, {"eng-spa": broken})])
    for batch in (["The cat is black."], ["The cat is black.", "The dog is white."]):
        with pytest.raises(EngineError, match=r"failed \(no output\): .*/nonexistent/eng-spa\.t1x\.bin"):
            engine.translate("en", "es", batch)


def test_hanging_pipeline_times_out(tmp_path: Path) -> None:
    root = make_datadir(tmp_path, {"eng-ita": "sleep 60"})
    engine = ApertiumEngine(datadirs=[root], timeout=0.5)
    start = time.monotonic()
    with pytest.raises(EngineError, match=r"timed out after 0\.5 s"):
        engine.translate("en", "it", ["The cat is black."])
    # The whole process group was killed: communicate() did not wait for sleep.
    assert time.monotonic() - start < 10


def test_output_count_mismatch_is_an_error(tmp_path: Path) -> None:
    root = make_datadir(tmp_path, {"eng-por": "sed G"})  # doubles every newline
    engine = ApertiumEngine(datadirs=[root])
    with pytest.raises(EngineError, match="returned 3 sentences for 2"):
        engine.translate("en", "pt", ["One.", "Two."])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["ZXQAAAA", "zxq", "AAde", "ZXQ", "de", " ", "-", "1", "é", "_", "ZX", "Q"]),
        max_size=12,
    )
)
def test_property_debris_is_found_from_word_starts_as_from_anywhere(pieces: list[str]) -> None:
    """The debris regex tries word starts only; it finds exactly what trying every position found."""
    from polyletter.mt.engines.apertium import DEBRIS_RE, PLACEHOLDER_PREFIX

    text = "".join(pieces)
    anywhere = re.compile(rf"(?i:\w*{PLACEHOLDER_PREFIX}\w*)")
    assert [m.span() for m in DEBRIS_RE.finditer(text)] == [m.span() for m in anywhere.finditer(text)]
