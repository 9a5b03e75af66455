"""The pipeline on a real workspace: real git, real (tiny) Argos models, real CTranslate2."""

from __future__ import annotations

import os
from pathlib import Path

import polib
import pytest

from polyletter.commands.init import init_workspace
from polyletter.commands.translate import translate_letter
from polyletter.errors import (
    EngineError,
    InputFormatError,
    LetterNotFoundError,
    NotAWorkspaceError,
)
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.mt.engines.argos_packages import install_from_file
from polyletter.readers.markdown import split_blocks
from polyletter.store.workspace import Workspace

from .conftest import git


def _trailers(root: Path, rev: str = "HEAD") -> dict[str, str]:
    """The commit's trailers as git itself parses them."""
    out = git(root, "log", "-1", "--format=%(trailers:only,unfold)", rev)
    return dict(line.split(": ", 1) for line in out.splitlines() if line)


def _snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    files = sorted((root / "translations").rglob("*"))
    return {str(p): (p.stat().st_mtime_ns, p.read_bytes()) for p in files if p.is_file()}


def test_full_translation_to_french_and_spanish(workspace: Workspace, fr_es_models: list) -> None:
    root = workspace.root
    init_commit = git(root, "rev-parse", "HEAD").strip()
    engine = ArgosEngine()

    result = translate_letter(workspace, "r2p-2012", engine=engine)

    # One engine call per language pair for the whole run, all sentences in it.
    assert [(s, t) for s, t, _ in engine.calls] == [("en", "fr"), ("en", "es")]
    assert engine.calls[0][2] == engine.calls[1][2] == result.stats.sent / 2
    assert result.stats.sent > 20

    for lang, date, usa, uk, nl, drc in [
        ("fr", "23 mars 2012", "États-Unis", "Royaume-Uni", "Pays-Bas", "République démocratique du Congo"),
        (
            "es",
            "23 de marzo de 2012",
            "Estados Unidos",
            "Reino Unido",
            "Países Bajos",
            "República Democrática del Congo",
        ),
    ]:
        po = polib.pofile(str(root / f"translations/{lang}/r2p-2012.po"))
        assert po.metadata["Language"] == lang
        assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
        entries = {e.msgctxt: e for e in po}
        assert list(entries) == [b.id for b in _master_blocks(workspace)]
        assert entries["date-1"].msgstr == date
        signatories = entries["signatories-2"].msgstr.split("\n")
        assert f"Human Rights Watch ({usa})" in signatories
        assert f"Global Partnership for the Prevention of Armed Conflict ({nl})" in signatories
        assert f"Droits Humains Sans Frontières ({drc})" in signatories
        assert "Asia-Pacific Solidarity Coalition" in entries["signatories-1"].msgstr.split("\n")
        assert entries["signatories-1"].msgstr.split("\n")[2] == f"Aegis Trust ({uk})"
        paragraph = entries["paragraph-1"]
        assert paragraph.msgstr and paragraph.msgstr != paragraph.msgid
        assert "origin: machine" in paragraph.tcomment
        assert f"engine: argos en>{lang} 1.0+" in paragraph.tcomment
        assert "translations/en/r2p-2012.md" in paragraph.occurrences[0][0]

        md = (root / f"translations/{lang}/r2p-2012.md").read_text(encoding="utf-8")
        blocks = split_blocks(md)
        assert [len(b.lines) for b in blocks] == [len(b.lines) for b in _master_blocks(workspace)]
        assert blocks[0].lines == (date,)
        assert "\n\n" in md and "  \n" in md

    trailers = _trailers(root)
    assert trailers["Polyletter-Letter"] == "r2p-2012"
    assert trailers["Polyletter-Languages"] == "fr, es"
    assert trailers["Polyletter-Master-Commit"] == init_commit
    assert trailers["Polyletter-Engine-fr"].startswith("argos en>fr 1.0+")
    assert trailers["Polyletter-Engine-es"].startswith("argos en>es 1.0+")
    assert result.commit == git(root, "rev-parse", "HEAD").strip()
    changed = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == sorted(
        f"translations/{lang}/r2p-2012.{ext}" for lang in ("fr", "es") for ext in ("po", "md")
    )
    assert git(root, "status", "--porcelain") == ""


def _master_blocks(ws: Workspace):
    from polyletter.readers import read_letter

    return read_letter(ws.master_path("r2p-2012"), "en").blocks


def test_rerun_with_nothing_changed_sends_nothing_writes_nothing_commits_nothing(
    workspace: Workspace, fr_es_models: list
) -> None:
    translate_letter(workspace, "r2p-2012", engine=ArgosEngine())
    head = git(workspace.root, "rev-parse", "HEAD")
    before = _snapshot(workspace.root)

    engine = ArgosEngine()
    result = translate_letter(workspace, "r2p-2012", engine=engine)

    assert engine.calls == []
    assert result.commit is None
    assert _snapshot(workspace.root) == before
    assert git(workspace.root, "rev-parse", "HEAD") == head


def test_cache_serves_sentences_already_translated(workspace: Workspace, fr_es_models: list) -> None:
    translate_letter(workspace, "r2p-2012", engine=ArgosEngine())
    po = workspace.root / "translations/fr/r2p-2012.po"
    original = po.read_bytes()
    for lang in ("fr", "es"):
        for ext in ("po", "md"):
            (workspace.root / f"translations/{lang}/r2p-2012.{ext}").unlink()

    engine = ArgosEngine()
    result = translate_letter(workspace, "r2p-2012", engine=engine)

    assert engine.calls == []
    assert result.stats.from_cache == result.stats.requested > 0
    assert po.read_bytes() == original
    assert result.commit is None  # the files are back exactly as committed


def test_a_new_model_version_misses_the_cache(
    workspace: Workspace, fr_es_models: list, argos_package_factory
) -> None:
    translate_letter(workspace, "r2p-2012", ["fr"], engine=ArgosEngine())
    (workspace.root / "translations/fr/r2p-2012.po").unlink()
    (workspace.root / "translations/fr/r2p-2012.md").unlink()
    install_from_file(argos_package_factory("en", "fr", version="2.0"))

    engine = ArgosEngine()
    translate_letter(workspace, "r2p-2012", ["fr"], engine=engine)

    assert [(s, t) for s, t, _ in engine.calls] == [("en", "fr")]
    assert _trailers(workspace.root)["Polyletter-Engine-fr"].startswith("argos en>fr 2.0+")


def test_only_a_changed_paragraph_goes_to_the_engine(workspace: Workspace, fr_es_models: list) -> None:
    translate_letter(workspace, "r2p-2012", engine=ArgosEngine())
    master = workspace.master_path("r2p-2012")
    text = master.read_text(encoding="utf-8")
    changed = "Only if published well in advance, can your report be a crucial resource"
    master.write_text(
        text.replace(changed, "Only if published early, can your report be a resource"), encoding="utf-8"
    )

    engine = ArgosEngine()
    result = translate_letter(workspace, "r2p-2012", engine=engine)

    # paragraph-2 has three sentences; only its first changed and is not cached.
    assert engine.calls == [("en", "fr", 1), ("en", "es", 1)]
    assert [lang.blocks_translated for lang in result.languages] == [1, 1]
    trailers = _trailers(workspace.root)
    assert trailers["Polyletter-Master-Commit"] == "this commit"
    assert "translations/en/r2p-2012.md" in git(workspace.root, "show", "--name-only", "--format=", "HEAD")


def test_pivot_through_english_with_one_call_per_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argos_package_factory
) -> None:
    root = tmp_path / "ws"
    init_workspace(root, source="fr", targets=["es", "pt"])
    (root / "translations/fr/appel.md").write_text(
        "Madame la Présidente,\n\nNous vous écrivons. Merci de votre attention.\n\nCordialement,\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    for source, target in [("fr", "en"), ("en", "es"), ("en", "pt")]:
        install_from_file(argos_package_factory(source, target))

    engine = ArgosEngine()
    translate_letter(Workspace.find(), "appel", engine=engine)

    assert [(s, t) for s, t, _ in engine.calls] == [("fr", "en"), ("en", "es"), ("en", "pt")]
    trailer = _trailers(root)["Polyletter-Engine-pt"]
    assert trailer.startswith("argos fr>en 1.0+") and ", en>pt 1.0+" in trailer


def _assert_untouched(root: Path, head: str) -> None:
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""


def test_missing_model_names_the_install_command_and_writes_nothing(
    workspace: Workspace, fr_es_models: list
) -> None:
    head = git(workspace.root, "rev-parse", "HEAD")
    with pytest.raises(EngineError) as caught:
        translate_letter(workspace, "r2p-2012", ["fr", "de"], engine=ArgosEngine())
    assert "polyletter models install en de" in str(caught.value)
    _assert_untouched(workspace.root, head)


def test_unknown_letter_and_empty_source_folder(workspace: Workspace) -> None:
    with pytest.raises(LetterNotFoundError, match="unknown letter 'nope'.*r2p-2012"):
        translate_letter(workspace, "nope")
    with pytest.raises(LetterNotFoundError, match="not a master letter"):
        translate_letter(workspace, "../../etc/passwd.md")
    with pytest.raises(LetterNotFoundError, match="not a letter name"):
        translate_letter(workspace, "r2p; rm -rf ~")
    workspace.master_path("r2p-2012").unlink()
    with pytest.raises(LetterNotFoundError, match="no master letters"):
        translate_letter(workspace, "r2p-2012")


def test_outside_a_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotAWorkspaceError, match="polyletter init"):
        translate_letter(Workspace.find(), "r2p-2012")


def test_master_that_is_not_utf8(workspace: Workspace, fr_es_models: list) -> None:
    bad = workspace.root / "translations/en/latin1.md"
    bad.write_bytes("Très chère Excellence,\n".encode("latin-1"))
    with pytest.raises(InputFormatError, match="latin1.md: letter is not UTF-8"):
        translate_letter(workspace, "latin1", engine=ArgosEngine())
    assert not (workspace.root / "translations/fr").exists()


def test_edits_made_in_the_po_are_kept(workspace: Workspace, fr_es_models: list) -> None:
    translate_letter(workspace, "r2p-2012", ["fr"], engine=ArgosEngine())
    po_path = workspace.root / "translations/fr/r2p-2012.po"
    po = polib.pofile(str(po_path))
    po.find("Excellency,", msgctxt="salutation-1").msgstr = "Votre Excellence,"
    po.save(str(po_path))
    (workspace.root / "translations/fr/r2p-2012.md").unlink()

    engine = ArgosEngine()
    translate_letter(workspace, "r2p-2012", ["fr"], engine=engine)

    assert engine.calls == []
    assert "\n\nVotre Excellence,\n\n" in (workspace.root / "translations/fr/r2p-2012.md").read_text("utf-8")


def test_commit_never_sweeps_up_the_users_other_changes(workspace: Workspace, fr_es_models: list) -> None:
    root = workspace.root
    (root / "notes.txt").write_text("staged by the user\n", encoding="utf-8")
    git(root, "add", "notes.txt")
    (root / "draft.md").write_text("not staged\n", encoding="utf-8")

    translate_letter(workspace, "r2p-2012", engine=ArgosEngine())

    committed = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert all(name.startswith("translations/") for name in committed)
    assert git(root, "diff", "--cached", "--name-only").split() == ["notes.txt"]
    assert "?? draft.md" in git(root, "status", "--porcelain")


def test_targets_default_to_the_workspace_settings(workspace: Workspace, fr_es_models: list) -> None:
    config = workspace.root / "polyletter.toml"
    config.write_text(config.read_text("utf-8").replace('["fr", "es"]', '["es"]'), encoding="utf-8")
    git(workspace.root, "commit", "-qam", "only Spanish")
    ws = Workspace.find(workspace.root)  # a Workspace holds its settings as they were when found
    result = translate_letter(ws, "r2p-2012", engine=ArgosEngine())
    assert [lang.lang for lang in result.languages] == ["es"]
    assert not (workspace.root / "translations/fr").exists()
    assert os.path.exists(workspace.root / "translations/es/r2p-2012.po")


def test_written_files_get_ordinary_permissions(workspace: Workspace, fr_es_models: list) -> None:
    umask = os.umask(0o022)
    try:
        translate_letter(workspace, "r2p-2012", ["fr"], engine=ArgosEngine())
    finally:
        os.umask(umask)
    po = workspace.root / "translations/fr/r2p-2012.po"
    assert po.stat().st_mode & 0o777 == 0o644
