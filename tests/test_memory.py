"""The translation memory (issue 14): people's translations reused across letters, offered when similar, TMX.

Real engines throughout: the Argos fixture models (counted on the engine
object itself), a real git repository per test, real TMX read back by
translate-toolkit's reader, real review DOCX read back with python-docx.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyletter.commands.memory import export_memory, import_memory, memory_stats
from polyletter.commands.translate import translate_letter
from polyletter.memory import TranslationMemory, Unit
from polyletter.memory.tmx import parse_tmx, write_tmx
from polyletter.store.versions import load_version
from polyletter.store.workspace import Workspace

from .conftest import git
from .test_cli import assert_clean_error, polyletter

PARAGRAPH_1 = (
    "Nous, organisations de la société civile soussignées, saluons la possibilité offerte aux États "
    "Membres de débattre du troisième pilier de la responsabilité de protéger (RtoP, R2P) lors du "
    "dialogue de l'Assemblée générale cet été. Nous vous demandons respectueusement de veiller à ce que "
    "le rapport de cette année sur les mesures relevant du troisième pilier soit publié au moins deux mois "
    "avant le dialogue, à l'issue d'un processus consultatif avec la société civile. Nous comptons en "
    "outre que vous travaillerez avec le Président de l'Assemblée générale pour fixer au plus vite la "
    "date du dialogue."
)
PARAGRAPH_2 = (
    "Publié suffisamment tôt, votre rapport sera une ressource essentielle pour les États Membres, les "
    "organisations régionales et les bureaux et départements de l'ONU. Les réunions régionales d'ONG et "
    "de diplomates avant le dialogue sont une occasion de réfléchir au rapport. La participation des "
    "États Membres et des organisations régionales en sera accrue, car ils ont manqué de temps pour "
    "préparer leurs interventions devant l'Assemblée générale."
)
"""A person's French for the sample's paragraphs 1 and 2: three sentences each, every glossary term."""


def _engine():
    from polyletter.mt.engines.argos import ArgosEngine

    return ArgosEngine()


def _sent(engine) -> int:
    return sum(n for _, _, n in engine.calls)


def _correct(ws: Workspace, letter: str, lang: str, fixes: dict[str, str]) -> None:
    """A translator corrects blocks in the PO (Poedit), commits; the next run folds them in."""
    path = ws.po_path(letter, lang)
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgctxt in fixes:
            entry.msgstr = fixes[entry.msgctxt]
    po.save()
    git(ws.root, "commit", "-qam", f"{lang}: corrections by hand")
    translate_letter(ws, letter, [lang], engine=_engine())


def _second_letter(ws: Workspace, *, edit_paragraph_1: bool = True) -> str:
    """r2p-2013: the sample again with paragraph-1 edited slightly (paragraph-2 as it was)."""
    text = ws.master_path("r2p-2012").read_text("utf-8")
    if edit_paragraph_1:
        text = text.replace("dialogue this summer", "dialogue this autumn")
    (ws.root / "translations/en/r2p-2013.md").write_text(text, "utf-8")
    git(ws.root, "add", "-A")
    git(ws.root, "commit", "-qm", "a second letter")
    return "r2p-2013"


def _forget_machine_cache(ws: Workspace) -> None:
    """The MT cache would answer the shared paragraphs too: without it, only memory can."""
    for path in ws.cache_dir.glob("mt.sqlite3*"):
        path.unlink()


@pytest.fixture
def corrected(workspace: Workspace, fr_es_models: list) -> Workspace:
    """The sample in French, with paragraphs 1 and 2 corrected by a person and committed."""
    translate_letter(workspace, "r2p-2012", ["fr"], engine=_engine())
    _correct(workspace, "r2p-2012", "fr", {"paragraph-1": PARAGRAPH_1, "paragraph-2": PARAGRAPH_2})
    entries = load_version(workspace, "r2p-2012", "fr").entries
    assert entries["paragraph-2"].origin == "human" and entries["paragraph-2"].translation == PARAGRAPH_2
    return workspace


def _source_of_paragraph_2(ws: Workspace) -> str:
    blocks = ws.master_path("r2p-2012").read_text("utf-8").split("\n\n")
    return next(b for b in blocks if b.startswith("Only if"))


def _sentences(text: str) -> int:
    from polyletter.document.segment import split_sentences

    return len(split_sentences(text, "en"))


def test_a_second_letter_reuses_the_first_letters_corrections_with_no_engine_call(
    corrected: Workspace, tmp_path: Path
) -> None:
    ws = corrected
    name = _second_letter(ws)
    control = tmp_path / "control"
    git(ws.root, "clone", "-q", str(ws.root), str(control))
    toml = control / "polyletter.toml"
    toml.write_text(toml.read_text("utf-8").replace("enabled = true", "enabled = false"), "utf-8")
    git(control, "commit", "-qam", "memory off")

    _forget_machine_cache(ws)
    engine = _engine()
    result = translate_letter(ws, name, ["fr"], engine=engine)
    without = _engine()
    translate_letter(Workspace.find(control), name, ["fr"], engine=without)

    shared = _source_of_paragraph_2(ws)
    # The exact paragraph came from memory: none of its sentences reached the engine; nor did the two
    # sentences of the edited paragraph that did not change.
    assert _sent(without) - _sent(engine) == _sentences(shared) + 2
    assert result.stats.from_memory == _sentences(shared) + 2
    assert result.languages[0].blocks_from_memory == 1
    entries = load_version(ws, name, "fr").entries
    reused = entries["paragraph-2"]
    assert reused.translation == PARAGRAPH_2
    assert reused.origin == "memory"
    commit = git(ws.root, "log", "-1", "--format=%H", "--", "translations/fr/r2p-2012.po").strip()
    assert reused.provenance["from"] == f"r2p-2012 paragraph-2 @ {commit[:12]}"
    assert reused.provenance["memory-origin"] == "human"
    # The edited one was machine-translated, and the person's similar translation offered.
    edited = entries["paragraph-1"]
    assert edited.origin == "machine" and edited.translation != PARAGRAPH_1
    assert edited.provenance["memory"].startswith("2 of 3 sentences from memory (r2p-2012 paragraph-1 @ ")
    offer = edited.provenance["memory-match"]
    assert re.match(r"9\d% similar, in r2p-2012 paragraph-1 @ [0-9a-f]{12} \(human, ", offer), offer
    assert PARAGRAPH_1 in offer
    po = ws.po_path(name, "fr").read_text("utf-8")
    assert "# memory-match: 9" in po and "# origin: memory" in po
    # The partner sees the offer in the review sheet's notes.
    from docx import Document

    from polyletter.commands.review import export_review

    document = Document(str(export_review(ws, name, "fr")))
    rows = {r.cells[0].text: r.cells[3].text for r in document.tables[0].rows[1:]}
    assert "a similar sentence was translated like this: 9" in rows["paragraph-1"]
    assert "r2p-2012 paragraph-1" in rows["paragraph-1"] and PARAGRAPH_1[:40] in rows["paragraph-1"]
    assert rows["paragraph-2"].startswith("from the translation memory: r2p-2012 paragraph-2")


def test_translate_says_how_many_sentences_came_from_memory(corrected: Workspace) -> None:
    name = _second_letter(corrected)
    _forget_machine_cache(corrected)
    done = polyletter("translate", name, "--to", "fr", cwd=corrected.root)
    assert done.returncode == 0, done.stderr
    assert re.search(r"sentences: 5 from memory, 0 from cache, \d+ sent to the engine", done.stdout), (
        done.stdout
    )


def test_single_sentences_are_reused_when_the_rest_of_the_block_changed(corrected: Workspace) -> None:
    ws = corrected
    text = ws.master_path("r2p-2012").read_text("utf-8")
    changed = text.replace(
        "This will result in increased participation", "This will also result in increased participation"
    )
    (ws.root / "translations/en/r2p-2014.md").write_text(changed, "utf-8")
    git(ws.root, "add", "-A")
    git(ws.root, "commit", "-qm", "third letter")
    _forget_machine_cache(ws)
    result = translate_letter(ws, "r2p-2014", ["fr"], engine=_engine())
    entry = load_version(ws, "r2p-2014", "fr").entries["paragraph-2"]
    assert entry.origin == "machine"
    assert entry.provenance["memory"].startswith("2 of 3 sentences from memory (r2p-2012 paragraph-2 @ ")
    first, second = (s for s in PARAGRAPH_2.split(". ")[:2])
    assert first in entry.translation and second in entry.translation
    assert result.stats.from_memory >= 2


def test_memory_never_overrides_a_newer_human_edit_of_the_same_block(corrected: Workspace) -> None:
    ws = corrected
    name = _second_letter(ws, edit_paragraph_1=False)
    translate_letter(ws, name, ["fr"], engine=_engine())
    newer = PARAGRAPH_2.replace("Publié suffisamment tôt", "Publié bien à l'avance")
    _correct(ws, name, "fr", {"paragraph-2": newer})
    # The first letter keeps its own person's words: its block is reused, never replaced.
    translate_letter(ws, "r2p-2012", ["fr"], engine=_engine())
    assert load_version(ws, "r2p-2012", "fr").entries["paragraph-2"].translation == PARAGRAPH_2
    # A hand edit not yet committed is folded in, not replaced by memory.
    md = ws.md_path(name, "fr")
    by_hand = newer.replace("une occasion", "l'occasion")
    md.write_text(md.read_text("utf-8").replace(newer, by_hand), "utf-8")
    translate_letter(ws, name, ["fr"], engine=_engine())
    mine = load_version(ws, name, "fr").entries["paragraph-2"]
    assert mine.translation == by_hand and mine.origin == "human"
    # A new letter gets the newest of two people's translations of the same source.
    (ws.root / "translations/en/r2p-2015.md").write_text(ws.master_path("r2p-2012").read_text("utf-8"))
    git(ws.root, "add", "-A")
    git(ws.root, "commit", "-qm", "fourth letter")
    translate_letter(ws, "r2p-2015", ["fr"], engine=_engine())
    assert load_version(ws, "r2p-2015", "fr").entries["paragraph-2"].translation == by_hand


def test_a_master_change_under_a_memory_match_makes_it_stale(corrected: Workspace) -> None:
    from polyletter.commands.status import workspace_status

    ws = corrected
    name = _second_letter(ws)
    translate_letter(ws, name, ["fr"], engine=_engine())
    master = ws.master_path(name)
    master.write_text(master.read_text("utf-8").replace("Only if published", "Only when published"), "utf-8")
    git(ws.root, "commit", "-qam", "master changed")
    status = next(s for s in workspace_status(ws, name) if s.lang == "fr")
    assert status.state == "stale" and "paragraph-2" in status.stale_blocks
    translate_letter(ws, name, ["fr"], engine=_engine())
    entry = load_version(ws, name, "fr").entries["paragraph-2"]
    assert entry.origin == "machine" and entry.translation != PARAGRAPH_2
    assert "memory-match" in entry.provenance  # the person's version is offered, not used


def test_the_glossary_wins_over_memory(corrected: Workspace) -> None:
    ws = corrected
    bad = PARAGRAPH_2.replace("États Membres", "pays membres")
    _correct(ws, "r2p-2012", "fr", {"paragraph-2": bad})
    name = _second_letter(ws)
    result = translate_letter(ws, name, ["fr"], engine=_engine())
    entry = load_version(ws, name, "fr").entries["paragraph-2"]
    assert entry.origin == "machine" and result.languages[0].blocks_from_memory == 0
    assert entry.provenance["memory-match"].startswith("100% similar, in r2p-2012 paragraph-2")


def test_the_memory_is_derived_rebuilt_when_missing_and_follows_head(corrected: Workspace) -> None:
    ws = corrected
    memory = TranslationMemory(ws)
    first = memory.refresh()
    assert first.read == 1  # translate built it before its own commit: only the PO it wrote is re-read
    again = memory.refresh()
    assert again.read == 0 and again.kept == first.kept + 1  # nothing changed since: nothing read
    memory.close()
    for path in ws.cache_dir.glob("tm.sqlite3*"):
        path.unlink()
    rebuilt = TranslationMemory(ws)
    assert rebuilt.refresh().read >= 1
    found = rebuilt.exact("en", "fr", [_source_of_paragraph_2(ws)])
    assert [u.target for u in found.values()] == [PARAGRAPH_2]
    rebuilt.close()
    stats = memory_stats(ws)
    assert ("en>fr", "human", "block", 2) in stats.rows
    assert any(row[:3] == ("en>fr", "human", "sentence") for row in stats.rows)
    assert any(row[:2] == ("en>fr", "machine") for row in stats.rows)


def test_tm_stats_from_the_command_line(corrected: Workspace) -> None:
    import json

    done = polyletter("tm", "stats", "--json", cwd=corrected.root)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (
        data["units"] > 0
        and {"pair": "en>fr", "origin": "human", "kind": "block", "units": 2} in data["by_pair"]
    )
    table = polyletter("tm", "stats", cwd=corrected.root)
    assert table.returncode == 0 and "en>fr" in table.stdout and "in the translation memory" in table.stdout


# --------------------------------------------------------------------------
# TMX
# --------------------------------------------------------------------------

SEGTYPES = {"block", "paragraph", "sentence", "phrase"}
HEADER_REQUIRED = {
    "creationtool",
    "creationtoolversion",
    "segtype",
    "o-tmf",
    "adminlang",
    "srclang",
    "datatype",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DATE = re.compile(r"^\d{8}T\d{6}Z$")


def assert_tmx_14b(data: bytes) -> ET.Element:
    """The TMX 1.4b content model, element by element (the specification's DTD, as checks)."""
    root = ET.fromstring(data)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert [child.tag for child in root] == ["header", "body"]
    header, body = root
    assert set(header.attrib) >= HEADER_REQUIRED, header.attrib
    assert header.get("segtype") in SEGTYPES
    assert all(child.tag in ("note", "prop", "ude") for child in header)
    for tu in body:
        assert tu.tag == "tu"
        tags = [child.tag for child in tu]
        first_tuv = tags.index("tuv")
        assert all(t in ("note", "prop") for t in tags[:first_tuv]) and all(
            t == "tuv" for t in tags[first_tuv:]
        )
        assert tu.get("segtype", "block") in SEGTYPES
        for name in ("creationdate", "changedate"):
            assert tu.get(name) is None or DATE.match(tu.get(name))
        for prop in tu.findall("prop"):
            assert prop.get("type") and len(prop) == 0
        for tuv in tu.findall("tuv"):
            assert tuv.get(XML_LANG)
            assert [c.tag for c in tuv][-1] == "seg" and all(
                c.tag in ("note", "prop") for c in list(tuv)[:-1]
            )
            assert all(c.tag in ("bpt", "ept", "ph", "it", "hi", "ut") for c in tuv.find("seg"))
    return root


def test_a_tmx_goes_out_and_comes_back_into_another_workspace(corrected: Workspace, tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    from polyletter.commands.init import init_workspace

    path, number = export_memory(corrected, tmp_path / "exports" / "coalition.tmx", lang="fr")
    data = path.read_bytes()
    root = assert_tmx_14b(data)
    assert number == len(root.find("body")) >= 2
    # A real reader: translate-toolkit's TMX storage (what Pootle and Weblate build on).
    store = tmxfile.parsefile(str(path))
    pairs = {(u.source, u.target) for u in store.units}
    assert (_source_of_paragraph_2(corrected), PARAGRAPH_2) in pairs

    other = tmp_path / "other"
    init_workspace(other, targets=["fr"], example=True)
    ws2 = Workspace.find(other)
    shutil.copyfile(corrected.root / "translations/en/r2p-2012.md", other / "translations/en/r2p-2013.md")
    git(other, "add", "-A")
    git(other, "commit", "-qm", "the same letter, elsewhere")
    done = polyletter("tm", "import", str(path), cwd=other)
    assert done.returncode == 0, done.stderr
    assert "imported" in done.stdout
    log = git(other, "log", "-1", "--format=%s%n%b", "--name-only")
    assert "translation memory: import coalition.tmx" in log and "memory/coalition.tmx" in log
    assert "Polyletter-Kind: memory" in log
    result = translate_letter(ws2, "r2p-2013", ["fr"], engine=_engine())
    entry = load_version(ws2, "r2p-2013", "fr").entries["paragraph-2"]
    assert entry.translation == PARAGRAPH_2 and entry.origin == "memory"
    assert entry.provenance["memory-origin"] == "tmx:coalition.tmx"
    assert entry.provenance["from"].startswith("r2p-2012 paragraph-2 @ ")  # where it first came from
    assert result.languages[0].blocks_from_memory == 2


def test_export_refuses_another_suffix(corrected: Workspace, tmp_path: Path) -> None:
    done = polyletter("tm", "export", "-o", str(tmp_path / "memory.xml"), cwd=corrected.root)
    assert_clean_error(done, "memory.xml", "TMX")


BAD_TMX = {
    "dtd": (
        b'<?xml version="1.0"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        b'<tmx version="1.4"><header/><body/></tmx>'
    ),
    "entities": (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n'
        b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&lol2;</seg></tuv>'
        b"</tu></body></tmx>"
    ),
    "external": (
        b'<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b'<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&x;</seg></tuv>'
        b"</tu></body></tmx>"
    ),
    "not-xml": b"this is not XML <tmx",
    "not-tmx": b'<?xml version="1.0"?><xliff version="1.2"><file/></xliff>',
    "bad-lang": (
        b'<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body><tu>'
        b'<tuv xml:lang="en"><seg>a</seg></tuv><tuv xml:lang="zz-??"><seg>b</seg></tuv></tu></body></tmx>'
    ),
    "other-source": (
        b'<?xml version="1.0"?><tmx version="1.4"><header srclang="de"/><body><tu>'
        b'<tuv xml:lang="de"><seg>a</seg></tuv><tuv xml:lang="fr"><seg>b</seg></tuv></tu></body></tmx>'
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_TMX))
def test_a_bad_tmx_is_one_line_and_changes_nothing(workspace: Workspace, tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.tmx"
    path.write_bytes(BAD_TMX[kind])
    head = git(workspace.root, "rev-parse", "HEAD")
    done = polyletter("tm", "import", str(path), cwd=workspace.root)
    assert_clean_error(done, f"{kind}.tmx")
    assert git(workspace.root, "rev-parse", "HEAD") == head
    assert git(workspace.root, "status", "--porcelain") == ""
    assert not (workspace.root / "memory").exists()
    assert "passwd" not in done.stderr and "root:" not in done.stderr


def test_a_tmx_over_the_size_limit_is_refused_before_it_is_read(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polyletter.memory.tmx as tmx
    from polyletter.errors import InputFormatError

    path = tmp_path / "big.tmx"
    path.write_bytes(write_tmx([Unit("a" * 2000, "b" * 2000, "en", "fr")], "en"))
    monkeypatch.setattr(tmx, "MAX_BYTES", 1000)
    with pytest.raises(InputFormatError, match="over the 1,000 a TMX may have"):
        import_memory(workspace, path)
    assert not (workspace.root / "memory").exists()


def test_importing_twice_under_one_name_is_refused(corrected: Workspace, tmp_path: Path) -> None:
    path, _ = export_memory(corrected, tmp_path / "m.tmx")
    import_memory(corrected, path)
    done = polyletter("tm", "import", str(path), cwd=corrected.root)
    assert_clean_error(done, "memory/m.tmx", "--name")
    done = polyletter("tm", "import", str(path), "--name", "second", cwd=corrected.root)
    assert done.returncode == 0 and (corrected.root / "memory/second.tmx").exists()


text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"), min_size=1
).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=text, target=text, kind=st.sampled_from(["block", "sentence"]))
def test_tmx_round_trips_any_text(tmp_path: Path, source: str, target: str, kind: str) -> None:
    unit = Unit(
        source, target, "en", "fr", "letter", "paragraph-1", "human", "Ana", "a" * 40, 1700000000, kind
    )
    data = write_tmx([unit], "en")
    assert_tmx_14b(data)
    assert parse_tmx(data, tmp_path / "x.tmx") == [unit]


def test_a_broken_memory_setting_is_a_one_line_error(workspace: Workspace) -> None:
    toml = workspace.root / "polyletter.toml"
    toml.write_text(toml.read_text("utf-8").replace("fuzzy_threshold = 75", "fuzzy_threshold = 175"), "utf-8")
    done = polyletter("status", cwd=workspace.root)
    assert_clean_error(done, "polyletter.toml", "[memory] fuzzy_threshold must be a number from 1 to 100")


def test_the_memory_reads_only_committed_files_of_the_workspace(workspace: Workspace) -> None:
    memory = TranslationMemory(workspace)
    memory.refresh()
    assert memory.units(people_only=False) == []  # nothing translated yet: nothing in memory
    outside = subprocess.run(["git", "-C", str(workspace.root), "ls-files"], capture_output=True, text=True)
    assert "memory/" not in outside.stdout


def test_a_tmx_written_by_another_tool_with_regional_codes_is_reused(
    workspace: Workspace, fr_es_models: list, tmp_path: Path
) -> None:
    """What OmegaT writes: EN-US / FR-FR, a <note>, no polyletter props, creationdate and changeid."""
    from xml.sax.saxutils import escape

    source = _source_of_paragraph_2(workspace)
    tmx = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="OmegaT" '
        'o-tmf="OmegaT TMX" adminlang="EN-US" datatype="plaintext" creationtoolversion="6.0.0" '
        'segtype="paragraph" srclang="EN-US"/><body>'
        '<tu changeid="Ana" changedate="20260301T101500Z"><note>checked by Dakar</note>'
        f'<tuv xml:lang="EN-US"><seg>{escape(source)}</seg></tuv>'
        f'<tuv xml:lang="FR-FR"><seg>{escape(PARAGRAPH_2)}</seg></tuv></tu></body></tmx>\n'
    )
    path = tmp_path / "omegat-project.tmx"
    path.write_text(tmx, "utf-8")
    target, number = import_memory(workspace, path)
    assert number == 1 and target == workspace.root / "memory" / "omegat-project.tmx"
    assert_tmx_14b(target.read_bytes())
    translate_letter(workspace, "r2p-2012", ["fr"], engine=_engine())
    entry = load_version(workspace, "r2p-2012", "fr").entries["paragraph-2"]
    assert entry.translation == PARAGRAPH_2 and entry.origin == "memory"
    assert entry.provenance["memory-origin"] == "tmx:omegat-project.tmx" and entry.provenance["by"] == "Ana"
