"""``kill -9`` at any moment of a run: the next run completes it, nothing lost, nothing half-written."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from polyletter.commands.translate import translate_letter
from polyletter.errors import EngineError
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.store.workspace import Workspace

from .conftest import git

HUMAN = "Nous, organisations soussignées, saluons ce dialogue."


def _start(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "polyletter", "translate", "r2p-2012"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted((root / "translations").rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def pending_work(workspace: Workspace, fr_es_models: list) -> Workspace:
    """A translated workspace with a changed master and an uncommitted hand edit: a run has work to do."""
    root = workspace.root
    translate_letter(workspace, "r2p-2012", engine=ArgosEngine())
    po = polib.pofile(str(root / "translations/fr/r2p-2012.po"))
    machine = next(e for e in po if e.msgctxt == "paragraph-1").msgstr
    md = root / "translations/fr/r2p-2012.md"
    md.write_text(md.read_text("utf-8").replace(machine, HUMAN), encoding="utf-8")
    master = workspace.master_path("r2p-2012")
    master.write_text(
        master.read_text("utf-8").replace("Regional meetings of NGOs", "Regional meetings of partners"),
        encoding="utf-8",
    )
    shutil.rmtree(root / ".polyletter" / "cache")  # the engine has real work
    return workspace


def test_kill_9_at_many_points_then_a_clean_follow_up_run(pending_work: Workspace, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(pending_work.root, reference, symlinks=True)
    started = time.monotonic()
    done = _start(reference)
    assert done.wait(timeout=120) == 0, done.stderr.read() if done.stderr else ""
    duration = time.monotonic() - started
    expected = _files(reference)

    for number, fraction in enumerate((0.2, 0.4, 0.55, 0.7, 0.8, 0.87, 0.93, 0.97, 1.0)):
        root = tmp_path / f"killed-{number}"
        shutil.copytree(pending_work.root, root, symlinks=True)
        head = git(root, "rev-parse", "HEAD")
        process = _start(root)
        time.sleep(duration * fraction)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert int(git(root, "rev-list", "--count", f"{head.strip()}..HEAD")) <= 1  # no half commits
        for po_file in (root / "translations").rglob("*.po"):
            polib.pofile(str(po_file))  # never truncated: every PO still parses

        follow_up = subprocess.run(
            [sys.executable, "-m", "polyletter", "translate", "r2p-2012"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert follow_up.returncode == 0, (fraction, follow_up.stderr)
        assert _files(root) == expected, fraction
        assert git(root, "status", "--porcelain") == ""
        assert int(git(root, "rev-list", "--count", f"{head.strip()}..HEAD")) == 1
        fsck = subprocess.run(["git", "-C", str(root), "fsck", "--strict"], capture_output=True, text=True)
        assert fsck.returncode == 0, fsck.stdout + fsck.stderr
        entry = next(
            e for e in polib.pofile(str(root / "translations/fr/r2p-2012.po")) if e.msgctxt == "paragraph-1"
        )
        assert entry.msgstr == HUMAN and "origin: human" in entry.tcomment
    # The narrow window between writing files and committing is rarely hit by a timer;
    # the next test puts a crash exactly there.


def test_a_run_interrupted_between_the_po_and_the_markdown_is_completed(
    pending_work: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exact worst moment, made deterministic: the PO is new, the Markdown still old."""
    import polyletter.commands.translate as pipeline

    real = pipeline.write_if_changed
    written: list[Path] = []

    def crash_after_first_po(path: Path, text: str) -> bool:
        if path.suffix == ".md" and written:
            raise KeyboardInterrupt  # as good as kill -9 for the files: nothing more is written
        changed = real(path, text)
        written.append(path)
        return changed

    monkeypatch.setattr(pipeline, "write_if_changed", crash_after_first_po)
    with pytest.raises(KeyboardInterrupt):
        translate_letter(pending_work, "r2p-2012", engine=ArgosEngine())
    monkeypatch.setattr(pipeline, "write_if_changed", real)

    result = translate_letter(pending_work, "r2p-2012", engine=ArgosEngine())

    assert result.commit is not None
    root = pending_work.root
    assert git(root, "status", "--porcelain") == ""
    entry = next(
        e for e in polib.pofile(str(root / "translations/fr/r2p-2012.po")) if e.msgctxt == "paragraph-1"
    )
    assert entry.msgstr == HUMAN and "origin: human" in entry.tcomment
    es = polib.pofile(str(root / "translations/es/r2p-2012.po"))
    assert all("origin: human" not in e.tcomment for e in es)  # the stale Markdown was not taken for edits


def test_two_concurrent_runs_one_waits_its_turn(pending_work: Workspace) -> None:
    root = pending_work.root
    head = git(root, "rev-parse", "HEAD").strip()
    first, second = _start(root), _start(root)
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in (first, second)]

    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 3]), results
    for code, stderr in results:
        if code == 3:
            assert stderr.startswith("error: ") and "another polyletter process" in stderr
            assert len(stderr.strip().splitlines()) == 1
    assert int(git(root, "rev-list", "--count", f"{head}..HEAD")) == 1
    assert git(root, "status", "--porcelain") == ""
    assert subprocess.run(["git", "-C", str(root), "fsck", "--strict"], capture_output=True).returncode == 0


class _FailsOnSecondPair(ArgosEngine):
    """A real Argos engine that breaks down in the middle of a run (its second language pair)."""

    def translate(self, source, target, sentences, terms=None):  # type: ignore[no-untyped-def]
        if self.calls:
            raise RuntimeError("CUDA error: an illegal memory access was encountered")
        return super().translate(source, target, sentences, terms)


def test_an_engine_that_fails_mid_run_writes_nothing(pending_work: Workspace) -> None:
    root = pending_work.root
    before = _files(root)
    head = git(root, "rev-parse", "HEAD")

    with pytest.raises(EngineError, match="argos failed on en->es: RuntimeError: CUDA error"):
        translate_letter(pending_work, "r2p-2012", engine=_FailsOnSecondPair())

    assert _files(root) == before
    assert git(root, "rev-parse", "HEAD") == head
    result = translate_letter(pending_work, "r2p-2012", engine=ArgosEngine())  # and the next run is whole
    assert result.commit is not None and git(root, "status", "--porcelain") == ""


def test_a_temp_file_left_by_a_killed_write_is_swept(pending_work: Workspace) -> None:
    debris = pending_work.root / "translations/fr/.r2p-2012.po.k3x9_q1z.tmp"
    debris.write_text("half a PO", encoding="utf-8")
    translate_letter(pending_work, "r2p-2012", engine=ArgosEngine())
    assert not debris.exists()
    assert git(pending_work.root, "status", "--porcelain", "--untracked-files=all") == ""


def _kill_loop(root_template: Path, tmp_path: Path, args: list[str], check) -> None:  # type: ignore[no-untyped-def]
    """Run ``polyletter *args`` in fresh copies, kill -9 at spread-out moments, then check each copy."""
    reference = tmp_path / "reference"
    shutil.copytree(root_template, reference, symlinks=True)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "polyletter", *args], cwd=reference, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    duration = time.monotonic() - started
    for number, fraction in enumerate((0.3, 0.6, 0.8, 0.9, 0.95, 1.0)):
        root = tmp_path / f"killed-{number}"
        shutil.copytree(root_template, root, symlinks=True)
        process = subprocess.Popen([sys.executable, "-m", "polyletter", *args], cwd=root)
        time.sleep(duration * fraction)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        fsck = subprocess.run(["git", "-C", str(root), "fsck", "--strict"], capture_output=True, text=True)
        assert fsck.returncode == 0, fsck.stdout + fsck.stderr
        check(root)


def test_kill_9_during_review_import_and_release(translated: Workspace, tmp_path: Path) -> None:
    import docx

    from polyletter.commands.review import export_review

    root = translated.root
    review = export_review(translated, "r2p-2012", "fr", output=tmp_path / "review.docx")
    document = docx.Document(str(review))
    row = next(r for r in document.tables[0].rows if r.cells[0].text == "closing-1")
    paragraph = row.cells[2].paragraphs[0]
    paragraph.runs[0].text = "Veuillez agréer, Excellence, nos salutations."
    for run in paragraph.runs[1:]:
        run.text = ""
    document.save(str(review))

    def imported_once_whatever_happened(copy: Path) -> None:
        again = subprocess.run(
            [sys.executable, "-m", "polyletter", "review", "import", str(review), "--reviewer", "Awa"],
            cwd=copy,
            capture_output=True,
            text=True,
        )
        assert again.returncode == 0, again.stderr
        assert git(copy, "status", "--porcelain", "--untracked-files=all") == ""
        po = (copy / "translations/fr/r2p-2012.po").read_text("utf-8")
        assert 'msgstr "Veuillez agréer, Excellence, nos salutations."' in po
        assert int(git(copy, "rev-list", "--count", "HEAD")) == 3  # init, translate, one review

    _kill_loop(
        root,
        tmp_path / "review",
        ["review", "import", str(review), "--reviewer", "Awa"],
        imported_once_whatever_happened,
    )

    def released_once_whatever_happened(copy: Path) -> None:
        tags = git(copy, "tag", "-l").split()
        if not tags:
            again = subprocess.run(
                [sys.executable, "-m", "polyletter", "release", "r2p-2012", "v1"], cwd=copy
            )
            assert again.returncode == 0
        assert git(copy, "tag", "-l").split() == ["polyletter/r2p-2012/v1"]
        assert "Polyletter-Letter: r2p-2012" in git(copy, "tag", "-l", "--format=%(contents)")

    _kill_loop(root, tmp_path / "release", ["release", "r2p-2012", "v1"], released_once_whatever_happened)
