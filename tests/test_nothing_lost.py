"""Issue 12: nothing lost, nothing leaked, nothing stale -- each fault tested through the CLI."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from polyletter.store.workspace import Workspace

from .conftest import git
from .test_cli import assert_clean_error, polyletter

HUMAN = "Atentamente, con todo respeto,"


def _entry(root: Path, lang: str, block_id: str) -> polib.POEntry:
    po = polib.pofile(str(root / f"translations/{lang}/r2p-2012.po"))
    return next(e for e in po if e.msgctxt == block_id)


def _fold_human_closing(root: Path) -> None:
    """A hand edit of the es closing in the Markdown, folded in and committed by `translate`."""
    machine = _entry(root, "es", "closing-1").msgstr
    md = root / "translations/es/r2p-2012.md"
    text = md.read_text("utf-8")
    assert machine in text
    md.write_text(text.replace(machine, HUMAN, 1), "utf-8")
    done = polyletter("translate", "r2p-2012", "--to", "es", cwd=root)
    assert done.returncode == 0, done.stderr
    assert _entry(root, "es", "closing-1").msgstr == HUMAN


# ---------------------------------------------------------------- 1. human text never lost


@pytest.mark.parametrize("committed", [False, True], ids=["deleted", "deletion-committed"])
def test_a_deleted_po_keeps_its_human_translation(translated: Workspace, committed: bool) -> None:
    root = translated.root
    _fold_human_closing(root)
    po = root / "translations/es/r2p-2012.po"
    if committed:
        git(root, "rm", "-q", str(po))
        git(root, "commit", "-qm", "remove the es PO")
    else:
        po.unlink()

    done = polyletter("translate", "r2p-2012", "--to", "es", cwd=root)

    assert done.returncode == 0, done.stderr
    assert "recovered" in done.stdout
    entry = _entry(root, "es", "closing-1")
    assert entry.msgstr == HUMAN and "origin: human" in entry.tcomment
    assert HUMAN in (root / "translations/es/r2p-2012.md").read_text("utf-8")
    if committed:  # else the restored PO is the committed one: nothing to commit
        assert "recovered from Git history" in git(root, "log", "-1", "--format=%B")
    assert git(root, "status", "--porcelain") == ""


def test_a_deleted_po_and_md_still_keep_the_human_translation(translated: Workspace) -> None:
    root = translated.root
    _fold_human_closing(root)
    git(root, "rm", "-q", "translations/es/r2p-2012.po", "translations/es/r2p-2012.md")
    git(root, "commit", "-qm", "start es over")

    done = polyletter("translate", "r2p-2012", "--to", "es", cwd=root)

    assert done.returncode == 0, done.stderr
    assert _entry(root, "es", "closing-1").msgstr == HUMAN


def test_a_markdown_without_any_po_is_refused(translated: Workspace) -> None:
    root = translated.root
    master = (root / "translations/en/r2p-2012.md").read_text("utf-8")
    (root / "translations/en/other.md").write_text(master, "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "another letter")
    (root / "translations/es").mkdir(exist_ok=True)
    # Block for block the master's shape, so it cannot be mistaken for a broken rendering.
    (root / "translations/es/other.md").write_text(master.replace("Sincerely,", HUMAN), "utf-8")
    before = git(root, "rev-parse", "HEAD")

    done = polyletter("translate", "other", "--to", "es", cwd=root)

    assert_clean_error(done, "translations/es/other.md: has no PO", "git checkout")
    assert git(root, "rev-parse", "HEAD") == before
    assert not (root / "translations/es/other.po").exists()
