"""``status``: every state made the way users make it (hand edits, a master change, a deleted PO)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest

from polyletter.commands import status as status_module
from polyletter.commands.status import VersionStatus, workspace_status
from polyletter.commands.translate import translate_letter
from polyletter.errors import LetterNotFoundError
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.store.workspace import Workspace

from .conftest import LETTER, git

SUMMER = "during the General Assembly dialogue this summer"


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def po_entry(ws: Workspace, lang: str, block_id: str) -> polib.POEntry:
    po = polib.pofile(str(ws.po_path(LETTER, lang)))
    return next(e for e in po if e.msgctxt == block_id)


def edit_md(ws: Workspace, lang: str, block_id: str, new: str) -> str:
    """Replace a block's translation in the rendered Markdown, as a translator would; returns the old."""
    old = po_entry(ws, lang, block_id).msgstr
    replace_in(ws.md_path(LETTER, lang), old, new)
    return old


def change_master(ws: Workspace, old: str = SUMMER, new: str = "this autumn") -> None:
    replace_in(ws.master_path(LETTER), old, new)


def _by_lang(ws: Workspace, **kwargs) -> dict[str, VersionStatus]:
    return {item.lang: item for item in workspace_status(ws, **kwargs)}


# --------------------------------------------------------------------------
# States
# --------------------------------------------------------------------------


def test_a_fresh_translation_is_up_to_date(translated: Workspace) -> None:
    statuses = workspace_status(translated)
    assert [(s.letter, s.lang, s.state) for s in statuses] == [
        (LETTER, "fr", "up-to-date"),
        (LETTER, "es", "up-to-date"),
    ]
    assert statuses[0].flags == [] and statuses[0].blocks == 11


def test_a_changed_master_makes_every_version_stale(translated: Workspace) -> None:
    change_master(translated)
    statuses = _by_lang(translated)
    for lang in ("fr", "es"):
        assert statuses[lang].state == "stale"
        assert statuses[lang].stale_blocks == ["paragraph-1"]
        assert statuses[lang].master_uncommitted
        assert statuses[lang].uncommitted_files == []


def test_a_removed_master_block_counts_as_stale(translated: Workspace) -> None:
    ws = translated
    last_paragraph = po_entry(ws, "fr", "paragraph-4").msgid
    replace_in(ws.master_path(LETTER), f"{last_paragraph}\n\n", "")
    fr = _by_lang(ws)["fr"]
    assert fr.state == "stale"
    assert (fr.removed_blocks, fr.stale_blocks, fr.stale) == (["paragraph-4"], [], 1)


def test_a_hand_edit_in_the_markdown_is_edited_and_uncommitted(translated: Workspace) -> None:
    edit_md(translated, "fr", "paragraph-2", "Seulement si publié à temps.")
    fr = _by_lang(translated)["fr"]
    assert fr.state == "edited"
    assert fr.flags == ["edited", "uncommitted"]
    assert fr.edited_blocks == ["paragraph-2"] and fr.edited_in == ["md"]
    assert fr.uncommitted_files == ["translations/fr/r2p-2012.md"]
    assert _by_lang(translated)["es"].state == "up-to-date"


def test_a_committed_edit_in_the_po_is_still_edited_until_folded(translated: Workspace, fr_es_models) -> None:
    ws = translated
    po = polib.pofile(str(ws.po_path(LETTER, "fr")))
    next(e for e in po if e.msgctxt == "salutation-1").msgstr = "Votre Excellence,"
    po.save(str(ws.po_path(LETTER, "fr")))
    git(ws.root, "commit", "-qam", "Poedit fix")

    fr = _by_lang(ws)["fr"]
    assert (fr.state, fr.flags, fr.edited_blocks, fr.edited_in) == (
        "edited",
        ["edited"],
        ["salutation-1"],
        ["po"],
    )

    translate_letter(translated, LETTER, ["fr"], engine=ArgosEngine())
    assert _by_lang(ws)["fr"].state == "up-to-date"


def test_a_human_translation_under_a_changed_master_needs_review(translated: Workspace, fr_es_models) -> None:
    ws = translated
    edit_md(ws, "fr", "paragraph-1", "Nous saluons ce dialogue.")
    translate_letter(translated, LETTER, ["fr"], engine=ArgosEngine())
    change_master(ws)
    translate_letter(translated, LETTER, ["fr"], engine=ArgosEngine())

    statuses = _by_lang(ws)
    assert statuses["fr"].state == "needs-review"
    assert statuses["fr"].review_blocks == ["paragraph-1"]
    assert statuses["fr"].stale_blocks == []
    assert statuses["es"].state == "stale"  # es was not re-run


def test_a_deleted_po_is_missing(translated: Workspace) -> None:
    ws = translated
    ws.po_path(LETTER, "es").unlink()
    es = _by_lang(ws)["es"]
    assert es.state == "missing" and es.missing
    assert es.flags == ["missing", "uncommitted"]
    assert es.uncommitted_files == ["translations/es/r2p-2012.po"]


def test_a_configured_language_never_translated_is_missing(translated: Workspace) -> None:
    ws = translated
    replace_in(ws.root / "polyletter.toml", 'targets = ["fr", "es"]', 'targets = ["fr", "es", "pt"]')
    pt = _by_lang(Workspace.find(ws.root))["pt"]
    assert (pt.state, pt.flags, pt.uncommitted_files) == ("missing", ["missing"], [])


def test_a_language_folder_outside_the_targets_is_listed(translated: Workspace) -> None:
    ws = translated
    replace_in(ws.root / "polyletter.toml", 'targets = ["fr", "es"]', 'targets = ["es"]')
    assert [s.lang for s in workspace_status(Workspace.find(ws.root))] == ["es", "fr"]


def test_a_version_written_but_not_committed_is_uncommitted(translated: Workspace, fr_es_models) -> None:
    ws = translated
    change_master(ws)
    translate_letter(translated, LETTER, ["fr", "es"], engine=ArgosEngine())
    git(ws.root, "reset", "-q", "--soft", "HEAD~1")  # as if the run died before its commit

    fr = _by_lang(ws)["fr"]
    assert (fr.state, fr.flags) == ("uncommitted", ["uncommitted"])
    assert fr.uncommitted_files == ["translations/fr/r2p-2012.po", "translations/fr/r2p-2012.md"]
    assert fr.master_uncommitted


def test_a_markdown_that_lost_its_structure_is_invalid(translated: Workspace) -> None:
    ws = translated
    salutation = po_entry(ws, "fr", "salutation-1").msgstr
    replace_in(ws.md_path(LETTER, "fr"), f"\n\n{salutation}\n\n", f"\n\n{salutation}\n\nAjouté.\n\n")
    fr = _by_lang(ws)["fr"]
    assert fr.state == "invalid"
    assert "translations/fr/r2p-2012.md: has 12 blocks where the master has 11" in (fr.problem or "")
    assert fr.flags == ["invalid", "uncommitted"]


def test_several_flags_keep_their_details_and_the_most_urgent_wins(translated: Workspace) -> None:
    ws = translated
    change_master(ws)
    edit_md(ws, "fr", "closing-1", "Bien à vous,")
    fr = _by_lang(ws)["fr"]
    assert fr.flags == ["edited", "stale", "uncommitted"]
    assert fr.state == "edited"
    assert fr.edited_blocks == ["closing-1"] and fr.stale_blocks == ["paragraph-1"]


# --------------------------------------------------------------------------
# Output, scope, speed machinery
# --------------------------------------------------------------------------


def test_to_dict_is_json_ready(translated: Workspace) -> None:
    edit_md(translated, "fr", "paragraph-2", "Texte corrigé.")
    data = json.loads(json.dumps([s.to_dict() for s in workspace_status(translated)]))
    assert data[0]["state"] == "edited"
    assert data[0]["counts"] == {"stale": 0, "edited": 1, "needs_review": 0, "uncommitted": 1}


def test_one_letter_or_an_unknown_letter(translated: Workspace) -> None:
    ws = translated
    other = ws.translations / "en" / "second.md"
    other.write_text("Excellency,\n\nA second letter.\n\nSincerely,\n\nSomeone (Chile)\n", encoding="utf-8")
    assert {s.letter for s in workspace_status(ws)} == {LETTER, "second"}
    assert {(s.letter, s.state) for s in workspace_status(ws, "second")} == {("second", "missing")}
    with pytest.raises(LetterNotFoundError, match="unknown letter 'nope'"):
        workspace_status(ws, "nope")


def test_the_cache_answers_only_for_unchanged_bytes(translated: Workspace) -> None:
    ws = translated
    assert _by_lang(ws)["fr"].state == "up-to-date"
    assert (ws.cache_dir / "status.json").is_file()
    edit_md(ws, "fr", "paragraph-2", "Texte corrigé.")
    assert _by_lang(ws)["fr"].edited_blocks == ["paragraph-2"]
    git(ws.root, "checkout", "--", "translations/fr/r2p-2012.md")
    assert _by_lang(ws)["fr"].state == "up-to-date"
    (ws.cache_dir / "status.json").write_text("{not json", encoding="utf-8")
    assert _by_lang(ws)["fr"].state == "up-to-date"


def test_parallel_and_serial_parsing_agree(translated: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = translated
    change_master(ws)
    edit_md(ws, "fr", "closing-1", "Bien à vous,")
    serial = [s.to_dict() for s in workspace_status(ws, use_cache=False)]
    monkeypatch.setattr(status_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(status_module, "PER_WORKER", 1)
    monkeypatch.setattr(status_module.os, "cpu_count", lambda: 2)
    assert [s.to_dict() for s in workspace_status(ws, use_cache=False)] == serial


def test_parallel_workers_judge_a_glossary_change_as_the_parent_does(
    translated: Workspace, monkeypatch
) -> None:
    """Parallel workers load the glossary themselves (forked before the parent reads it): a glossary
    change must make the same blocks stale as the serial path, which loads it in the parent."""
    ws = translated
    po = {e.msgctxt: e.msgstr for e in polib.pofile(str(ws.po_path(LETTER, "es")))}
    affected = sorted(k for k, v in po.items() if "Estados Miembros" in v)
    assert affected, "the fixture's Spanish has no glossary form to change"
    path = ws.root / "glossary" / "rtop.yaml"
    replace_in(path, "es: {text: Estados Miembros,", "es: {text: Estados miembros,")
    serial = [s.to_dict() for s in workspace_status(ws, use_cache=False)]
    assert set(affected) <= set(next(s for s in serial if s["lang"] == "es")["glossary_blocks"])
    monkeypatch.setattr(status_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(status_module, "PER_WORKER", 1)
    monkeypatch.setattr(status_module.os, "cpu_count", lambda: 2)
    assert [s.to_dict() for s in workspace_status(ws, use_cache=False)] == serial
    replace_in(path, "es: {text: Estados miembros,", "es: {text: Estados Miembros,")  # and back
    assert {s.state for s in workspace_status(ws, use_cache=False)} == {"up-to-date"}


def test_a_workspace_inside_a_larger_repository(translated: Workspace, tmp_path: Path) -> None:
    outer = tmp_path / "coalition"
    outer.mkdir()
    git(outer, "init", "-q")
    inner = outer / "letters"
    shutil.copytree(translated.root, inner, ignore=shutil.ignore_patterns(".git"))
    git(outer, "add", "-A")
    git(outer, "commit", "-qm", "import letters")
    ws = Workspace.find(inner)
    assert {s.state for s in workspace_status(ws)} == {"up-to-date"}
    edit_md(ws, "es", "paragraph-3", "Texto corregido.")
    es = _by_lang(ws)["es"]
    assert es.uncommitted_files == ["translations/es/r2p-2012.md"]
