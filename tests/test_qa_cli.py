"""``polyletter check`` end to end: --json fields, exit codes, the silence flag, and --fix."""

from __future__ import annotations

import json
import re
import shutil

import polib
import pytest

from polyletter.commands.check import check_letter, fix_letter
from polyletter.commands.review import export_review, import_review
from polyletter.commands.translate import translate_letter
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.readers import read_letter
from polyletter.store.catalog import Entry, load_catalog
from polyletter.store.versions import render_version, stamp
from polyletter.store.workspace import Workspace

from .conftest import edited, git, needs_apertium
from .test_cli import polyletter
from .test_review import ANA, _row, _set_cell

LETTER = "r2p-2012"


def _set(ws: Workspace, lang: str, block_id: str, text: str, origin: str = "machine") -> None:
    """Give a block a translation as polyletter records one of ``origin``, and commit it."""
    entries = load_catalog(ws.po_path(LETTER, lang))
    old = entries[block_id]
    provenance = {"origin": origin, **({"engine": "test"} if origin == "machine" else {"by": "Ana"})}
    entries[block_id] = Entry(block_id, old.source, text, False, stamp(provenance, text), flags=old.flags)
    master = read_letter(ws.master_path(LETTER), ws.config.source)
    for path, content in render_version(ws, master, LETTER, lang, entries):
        path.write_text(content, "utf-8")
    git(ws.root, "commit", "-qam", f"set {block_id}")


def _flag(ws: Workspace, lang: str, block_id: str, flag: str) -> None:
    """Add a PO flag the way a translator does in a PO editor, and commit it."""
    path = ws.po_path(LETTER, lang)
    po = polib.pofile(str(path))
    next(e for e in po if e.msgctxt == block_id).flags.append(flag)
    po.save(str(path))
    git(ws.root, "commit", "-qam", f"{flag} on {block_id}")


def test_json_fields_glossary_origins_and_exit_one(translated: Workspace) -> None:
    done = polyletter("check", LETTER, "--lang", "fr", "--json", cwd=translated.root)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert data["silenced"] == 0 and not data["clean"]
    for finding in data["findings"]:
        assert {"check_id", "block", "language", "message", "glossary"} <= set(finding)
        assert finding["language"] == "fr"
    origins = [f["glossary"] for f in data["findings"] if f["glossary"]]
    assert origins and all(re.fullmatch(r"glossary/rtop\.yaml:\d+", o) for o in origins), origins
    assert str(translated.root) not in done.stdout  # no absolute path in any message
    table = polyletter("check", LETTER, "--lang", "fr", cwd=translated.root)
    assert table.returncode == 1 and "Glossary term (glossary)" in table.stdout


def test_the_flag_silences_and_survives_a_retranslation_and_a_review_import(translated: Workspace) -> None:
    ws = translated
    _set(ws, "fr", "paragraph-1", "Nous soutenons le le dialogue.")
    before = check_letter(ws, LETTER, ["fr"])
    assert ("paragraph-1", "doubled") in {(f.block_id, f.check) for f in before.findings}
    _flag(ws, "fr", "paragraph-1", "ignore-doubled")
    after = check_letter(ws, LETTER, ["fr"])
    assert ("paragraph-1", "doubled") not in {(f.block_id, f.check) for f in after.findings}
    assert after.silenced == 1 and "1 silenced" in after.summary()

    master = ws.master_path(LETTER)
    master.write_text(edited(master.read_text("utf-8"), "this summer", "this autumn"), "utf-8")
    git(ws.root, "commit", "-qam", "autumn")
    translate_letter(ws, LETTER, ["fr"], engine=ArgosEngine())
    retranslated = load_catalog(ws.po_path(LETTER, "fr"))["paragraph-1"]
    assert "autumn" in retranslated.source and retranslated.flags == ("ignore-doubled",)

    path = export_review(ws, LETTER, "fr")
    import docx

    document = docx.Document(str(path))
    _set_cell(_row(document, "paragraph-1").cells[2], ["Nous soutenons le le dialogue de cet automne."])
    document.save(str(path))
    result = import_review(ws, path, reviewer=ANA)
    assert result.changed == ["paragraph-1"]
    reviewed = load_catalog(ws.po_path(LETTER, "fr"))["paragraph-1"]
    assert reviewed.origin == "review" and reviewed.flags == ("ignore-doubled",)
    assert "#, ignore-doubled" in ws.po_path(LETTER, "fr").read_text("utf-8")
    assert check_letter(ws, LETTER, ["fr"]).silenced == 1


def test_fix_repairs_machine_text_only_and_commits_and_dry_run_writes_nothing(translated: Workspace) -> None:
    ws = translated
    _set(ws, "fr", "paragraph-1", "Nous nous félicitons du du dialogue: merci!")
    _set(ws, "fr", "paragraph-2", "Seul un rapport publié à l'avance sera utile: merci.", origin="human")
    head = git(ws.root, "rev-parse", "HEAD")

    dry = polyletter("check", LETTER, "--lang", "fr", "--fix", "--dry-run", cwd=ws.root)
    assert dry.returncode == 1
    assert "would repair" in dry.stdout and "paragraph-1" in dry.stdout and "nothing written" in dry.stdout
    assert git(ws.root, "rev-parse", "HEAD") == head and git(ws.root, "status", "--porcelain") == ""

    result = fix_letter(ws, LETTER, ["fr"], apply=True)
    # The tiny model's gibberish has repairs of its own elsewhere; paragraph-1 is the one we know.
    assert result.fixed["fr"]["paragraph-1"] == ["doubled", "french-spacing"]
    assert ("paragraph-2", "french-spacing") in {(f.block_id, f.check) for f in result.skipped}
    entries = load_catalog(ws.po_path(LETTER, "fr"))
    assert entries["paragraph-1"].translation == "Nous nous félicitons du dialogue\u00a0: merci\u202f!"
    assert entries["paragraph-1"].origin == "qa-fix"
    assert entries["paragraph-1"].provenance["fixed"] == "doubled, french-spacing"
    assert entries["paragraph-2"].translation.endswith("utile: merci.")  # a person's words stay theirs
    md = ws.md_path(LETTER, "fr").read_text("utf-8")
    assert "Nous nous félicitons du dialogue\u00a0: merci\u202f!" in md
    subject = git(ws.root, "log", "-1", "--format=%s").strip()
    assert subject == f"polyletter: check --fix r2p-2012 (fr): {result.blocks} blocks repaired"
    assert "paragraph-1 (doubled, french-spacing)" in git(ws.root, "log", "-1", "--format=%b")
    assert "Polyletter-Kind: qa-fix" in git(ws.root, "log", "-1", "--format=%B")
    assert git(ws.root, "status", "--porcelain") == ""
    found = {(f.block_id, f.check) for f in check_letter(ws, LETTER, ["fr"]).findings}
    assert not {("paragraph-1", "doubled"), ("paragraph-1", "french-spacing")} & found
    again = polyletter("check", LETTER, "--lang", "fr", "--fix", cwd=ws.root)
    assert "nothing changed; no commit" in again.stdout
    assert git(ws.root, "status", "--porcelain") == ""


@needs_apertium
@pytest.mark.apertium
def test_check_exits_zero_when_every_finding_is_silenced(tmp_path) -> None:
    assert shutil.which("apertium")
    assert polyletter("init", "ws", "--example", "--to", "es", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    assert polyletter("translate", LETTER, "--engine", "apertium", cwd=root).returncode == 0
    ws = Workspace.find(root)
    loud = json.loads(polyletter("check", LETTER, "--json", cwd=root).stdout)
    for block in {f["block"] for f in loud["findings"]}:
        for check_id in {f["check_id"] for f in loud["findings"] if f["block"] == block}:
            _flag(ws, "es", block, f"ignore-{check_id}")
    quiet = polyletter("check", LETTER, cwd=root)
    assert quiet.returncode == 0, quiet.stdout
    assert f"clean; {len(loud['findings'])} silenced" in quiet.stdout


def test_the_workspace_states_its_register_and_check_holds_letters_to_it(translated: Workspace) -> None:
    ws = translated
    _set(ws, "fr", "paragraph-1", "Nous comptons sur ton rapport et sur toi.")
    formal = {(f.block_id, f.check) for f in check_letter(ws, LETTER, ["fr"]).findings}
    assert ("paragraph-1", "register") in formal  # formal is the default: a letter to a dignitary

    config = ws.root / "polyletter.toml"
    config.write_text(config.read_text("utf-8").replace('register = "formal"', 'register = "informal"'))
    informal = {(f.block_id, f.check) for f in check_letter(Workspace.find(ws.root), LETTER, ["fr"]).findings}
    assert ("paragraph-1", "register") not in informal and informal == formal - {("paragraph-1", "register")}

    config.write_text(config.read_text("utf-8").replace('register = "informal"', 'register = "casual"'))
    done = polyletter("check", LETTER, "--lang", "fr", cwd=ws.root)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "polyletter.toml" in done.stderr and "register must be formal or informal" in done.stderr
