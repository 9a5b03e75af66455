"""Human corrections survive every re-run: folded into the PO, never sent to the engine again."""

from __future__ import annotations

import subprocess
import sys

import polib
import pytest

from polyletter.commands.translate import translate_letter
from polyletter.errors import WorkspaceStateError
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.store.lock import workspace_lock
from polyletter.store.workspace import Workspace

from .conftest import git

JANE = "Jane Translator <jane@example.org>"




def _entry(ws: Workspace, block_id: str) -> polib.POEntry:
    po = polib.pofile(str(ws.root / "translations/fr/r2p-2012.po"))
    return next(e for e in po if e.msgctxt == block_id)


def _trailers(ws: Workspace) -> dict[str, str]:
    out = git(ws.root, "log", "-1", "--format=%(trailers:only,unfold)")
    return dict(line.split(": ", 1) for line in out.splitlines() if line)


def _edit_md(ws: Workspace, old: str, new: str) -> None:
    md = ws.root / "translations/fr/r2p-2012.md"
    text = md.read_text(encoding="utf-8")
    assert old in text
    md.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_in_the_markdown_is_folded_into_the_po(translated: Workspace) -> None:
    ws = translated
    paragraph = _entry(ws, "paragraph-1").msgstr
    _edit_md(ws, paragraph, "Nous, organisations soussignées, saluons ce dialogue.")

    engine = ArgosEngine()
    result = translate_letter(translated, "r2p-2012", ["fr"], engine=engine)

    assert engine.calls == []
    entry = _entry(ws, "paragraph-1")
    assert entry.msgstr == "Nous, organisations soussignées, saluons ce dialogue."
    assert "origin: human" in entry.tcomment and f"by: {JANE}" in entry.tcomment
    assert result.languages[0].human_edits == ["paragraph-1"]
    assert git(ws.root, "log", "-1", "--format=%s") == "polyletter: fold human edits into r2p-2012 (fr)\n"
    assert _trailers(ws)["Polyletter-Kind"] == "human"
    assert _trailers(ws)["Polyletter-Human-fr"] == "paragraph-1"
    assert git(ws.root, "status", "--porcelain") == ""

    again = ArgosEngine()
    assert translate_letter(translated, "r2p-2012", ["fr"], engine=again).commit is None
    assert again.calls == []


def test_an_edit_in_the_po_is_recorded_as_human(translated: Workspace) -> None:
    ws = translated
    po_path = ws.root / "translations/fr/r2p-2012.po"
    po = polib.pofile(str(po_path))
    next(e for e in po if e.msgctxt == "salutation-1").msgstr = "Votre Excellence,"
    po.save(str(po_path))

    engine = ArgosEngine()
    translate_letter(translated, "r2p-2012", ["fr"], engine=engine)

    assert engine.calls == []
    entry = _entry(ws, "salutation-1")
    assert entry.msgstr == "Votre Excellence,"
    assert "origin: human" in entry.tcomment
    assert "\n\nVotre Excellence,\n\n" in (ws.root / "translations/fr/r2p-2012.md").read_text("utf-8")


def test_a_committed_edit_is_credited_to_its_author(translated: Workspace) -> None:
    ws = translated
    _edit_md(ws, _entry(ws, "closing-1").msgstr, "Veuillez agréer, Excellence, nos salutations.")
    git(ws.root, "-c", "user.name=Ana Partner", "-c", "user.email=ana@example.org", "commit", "-qam", "fix")

    translate_letter(translated, "r2p-2012", ["fr"], engine=ArgosEngine())

    assert "by: Ana Partner <ana@example.org>" in _entry(ws, "closing-1").tcomment


def test_a_changed_master_under_a_human_translation_needs_review(translated: Workspace) -> None:
    ws = translated
    human = "Nous, organisations soussignées, saluons ce dialogue."
    _edit_md(ws, _entry(ws, "paragraph-1").msgstr, human)
    translate_letter(translated, "r2p-2012", ["fr"], engine=ArgosEngine())
    master = ws.master_path("r2p-2012")
    old_source = _entry(ws, "paragraph-1").msgid
    master.write_text(
        master.read_text("utf-8").replace("during the General Assembly dialogue this summer", "this autumn"),
        encoding="utf-8",
    )

    engine = ArgosEngine()
    result = translate_letter(translated, "r2p-2012", ["fr"], engine=engine)

    assert engine.calls == [("en", "fr", 1)]  # the one changed sentence
    entry = _entry(ws, "paragraph-1")
    assert entry.fuzzy
    assert entry.previous_msgid == old_source
    assert f"previous: {human}" in entry.tcomment
    assert entry.msgstr != human
    assert result.languages[0].needs_review == ["paragraph-1"]
    assert _trailers(ws)["Polyletter-Review-fr"] == "paragraph-1"

    again = ArgosEngine()
    assert translate_letter(translated, "r2p-2012", ["fr"], engine=again).commit is None
    assert again.calls == [] and _entry(ws, "paragraph-1").fuzzy

    po_path = ws.root / "translations/fr/r2p-2012.po"
    po = polib.pofile(str(po_path))
    reviewed = next(e for e in po if e.msgctxt == "paragraph-1")
    reviewed.flags.remove("fuzzy")
    reviewed.msgstr = "Nous saluons ce dialogue cet automne."
    po.save(str(po_path))
    translate_letter(translated, "r2p-2012", ["fr"], engine=ArgosEngine())
    entry = _entry(ws, "paragraph-1")
    assert not entry.fuzzy and "origin: human" in entry.tcomment and "previous" not in entry.tcomment


def test_a_block_added_by_hand_stops_the_run_and_writes_nothing(translated: Workspace) -> None:
    ws = translated
    salutation = _entry(ws, "salutation-1").msgstr
    _edit_md(ws, f"\n\n{salutation}\n\n", f"\n\n{salutation}\n\nUn paragraphe ajouté.\n\n")
    po_before = (ws.root / "translations/fr/r2p-2012.po").read_bytes()
    head = git(ws.root, "rev-parse", "HEAD")

    with pytest.raises(WorkspaceStateError) as caught:
        translate_letter(translated, "r2p-2012", ["fr"], engine=ArgosEngine())

    message = str(caught.value)
    assert "translations/fr/r2p-2012.md: has 12 blocks where the master has 11" in message
    assert "block 5 (line 11) is not in the master" in message
    assert (ws.root / "translations/fr/r2p-2012.po").read_bytes() == po_before
    assert git(ws.root, "rev-parse", "HEAD") == head


def test_a_second_process_is_refused_while_one_runs(translated: Workspace) -> None:
    with workspace_lock(translated):
        result = subprocess.run(
            [sys.executable, "-m", "polyletter", "translate", "r2p-2012", "--to", "fr"],
            cwd=translated.root,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 3
    assert "another polyletter process (pid" in result.stderr
    assert "Traceback" not in result.stderr
