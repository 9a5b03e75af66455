"""No file outside the workspace is read through a link: not to hash it, list it or cache in it.

Whatever polyletter reads from a workspace may end up committed or shown
(``translations/fr/x.po -> ~/.ssh/id_rsa``). Every command is watched with a
Python audit hook that logs where each opened path really leads (an ``open``
event names the link, so the hook resolves it) and each SQLite database
connected to. The tests link one workspace file at a time to a copy outside
and assert that nothing under the outside folder is ever opened, while the
command still ends the way the README promises: a clean one-line error, or
the file passed over (a cache only saves time).
"""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from polyletter.commands import status as status_module
from polyletter.commands.status import workspace_status
from polyletter.store.workspace import Workspace

from .conftest import LETTER

_LOG: list[int] = []
"""The descriptor the in-process hook logs to, while a test watches (forked status workers inherit
it, so the parallel path is watched too)."""


def _record(event: str, args: tuple) -> None:
    if _LOG and (where := _leads_to(event, args)):
        os.write(_LOG[0], where + b"\n")


def _leads_to(event: str, args: tuple) -> bytes | None:
    """Where an ``open`` or ``sqlite3.connect`` event's path really leads; None for other events and
    for an ``O_NOFOLLOW`` open of a link (it fails: nothing is read)."""
    if event not in ("open", "sqlite3.connect") or not isinstance(args[0], (str, bytes, os.PathLike)):
        return None
    flags = args[2] if event == "open" and len(args) > 2 and isinstance(args[2], int) else 0
    if flags & getattr(os, "O_NOFOLLOW", 0) and os.path.islink(args[0]):
        return None
    return os.fsencode(os.path.realpath(args[0]))


@pytest.fixture
def opened(tmp_path: Path) -> Callable[[], list[str]]:
    """Returns what was opened so far in this test (a hook cannot be removed: it idles outside tests)."""
    if not getattr(sys, "_polyletter_open_hook", False):
        sys.addaudithook(_record)
        sys._polyletter_open_hook = True  # type: ignore[attr-defined]
    log = tmp_path / "opened.log"
    _LOG.append(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND))
    try:
        yield lambda: log.read_text("utf-8", errors="replace").splitlines()
    finally:
        os.close(_LOG.pop())


RUNNER = (
    "from __future__ import annotations\nimport os, sys\n"
    + inspect.getsource(_leads_to)
    + """
log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
def hook(event, args):
    if where := _leads_to(event, args):
        os.write(log, where + b"\\n")
sys.addaudithook(hook)
sys.argv = ["polyletter", *sys.argv[2:]]
from polyletter.cli import main
main()
"""
)
"""The command line with the hook installed first; the same :func:`_leads_to` as in process."""


def run_watched(root: Path, log: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line in its own process, every opened path logged to ``log``."""
    return subprocess.run(
        [sys.executable, "-c", RUNNER, str(log), *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def link_outside(ws: Workspace, rel: str, outside: Path) -> Path:
    """Move ``rel`` (a file or folder of the workspace) to ``outside`` and leave a link to it."""
    target = ws.root / rel
    outside.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(target, outside)
    target.symlink_to(outside, target_is_directory=outside.is_dir())
    return target


def read_below(paths: list[str], folder: Path) -> list[str]:
    top = os.path.realpath(folder)
    return [p for p in paths if p == top or p.startswith(top + os.sep)]


# --------------------------------------------------------------------------
# status, in process (serial and parallel)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("linked", ["fr/r2p-2012.po", "fr/r2p-2012.md", "es", "en/r2p-2012.md"])
def test_status_reads_no_version_through_a_link(
    translated: Workspace, tmp_path: Path, monkeypatch, opened, linked: str, parallel: bool
) -> None:
    """A version (or a language folder, or the master) linked outside is invalid, and nothing outside
    is opened: not to hash it for the cache, not to list its entries."""
    ws = translated
    outside = tmp_path / "outside" / "linked"
    link_outside(ws, f"translations/{linked}", outside)
    if parallel:
        monkeypatch.setattr(status_module, "PARALLEL_FROM", 1)
        monkeypatch.setattr(status_module, "PER_WORKER", 1)
        monkeypatch.setattr(status_module.os, "cpu_count", lambda: 2)
    statuses = workspace_status(ws, use_cache=False) + workspace_status(ws) + workspace_status(ws)
    linked_langs = {"es"} if linked == "es" else {"fr", "es"} if linked.startswith("en/") else {"fr"}
    for item in statuses:
        if item.lang in linked_langs:
            assert item.state == "invalid", item
            assert "outside the workspace" in (item.problem or "")
        else:
            assert item.state == "up-to-date", item
    seen = opened()
    assert any(p.startswith(os.path.realpath(ws.translations)) for p in seen)  # the hook does watch
    assert read_below(seen, outside.parent) == []


# --------------------------------------------------------------------------
# Every command, as a user runs it
# --------------------------------------------------------------------------

CASES = [
    # (what is linked outside, the command, how it must end, a word its one-line error must hold)
    (".polyletter/cache/status.json", ("status",), 0, ""),
    (".polyletter/cache", ("status",), 0, ""),
    (".polyletter/cache", ("check", LETTER, "--lang", "fr"), None, ""),
    (".polyletter/cache/tm.sqlite3", ("check", LETTER, "--lang", "fr"), None, ""),
    (".polyletter/cache/tm.sqlite3", ("tm", "stats"), 0, ""),
    ("formulas.yaml", ("check", LETTER, "--lang", "fr"), 2, "formulas.yaml"),
    ("formulas.yaml", ("status",), 0, ""),
    ("exports/r2p-2012.fr.docx", ("status",), 0, ""),
    ("translations/en/r2p-2012.md", ("inspect", "translations/en/r2p-2012.md"), 2, "r2p-2012.md"),
]


def _prepare(ws: Workspace, rel: str) -> None:
    """Make the file a real run would have made, so there is something to link."""
    target = ws.root / rel
    if rel == "formulas.yaml":
        target.write_text("salutations: []\n", encoding="utf-8")
    elif rel.startswith("exports/"):
        from polyletter.commands.export import export_letter

        export_letter(ws, LETTER, "fr")
    elif rel.endswith("tm.sqlite3"):
        from polyletter.memory import TranslationMemory

        memory = TranslationMemory(ws)
        memory.refresh()
        memory.close()
    elif rel.endswith("status.json") or rel == ".polyletter/cache":
        workspace_status(ws)


@pytest.mark.parametrize(("rel", "command", "exit_code", "named"), CASES, ids=lambda v: str(v))
def test_no_command_reads_through_a_link_out_of_the_workspace(
    translated: Workspace, tmp_path: Path, rel: str, command: tuple[str, ...], exit_code, named: str
) -> None:
    ws = translated
    _prepare(ws, rel)
    assert (ws.root / rel).exists(), f"the test did not make {rel}"
    outside = tmp_path / "outside" / Path(rel).name
    link_outside(ws, rel, outside)
    before = {p.name: p.read_bytes() for p in outside.parent.rglob("*") if p.is_file()}
    log = tmp_path / "opened.log"
    result = run_watched(ws.root, log, *command)
    assert "Traceback" not in result.stderr, result.stderr
    if exit_code is not None:
        assert result.returncode == exit_code, result.stdout + result.stderr
    else:
        assert result.returncode in (0, 1), result.stdout + result.stderr  # check: clean or findings
    if result.returncode == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and named in lines[0], result.stderr
        assert "outside the workspace" in lines[0]
    seen = log.read_text("utf-8").splitlines()
    assert any(p.startswith(os.path.realpath(ws.root)) for p in seen)  # the hook does watch
    assert read_below(seen, outside.parent) == []
    after = {p.name: p.read_bytes() for p in outside.parent.rglob("*") if p.is_file()}
    assert after == before  # nothing written there either


def test_tm_and_glossary_imports_refuse_a_linked_file(translated: Workspace, tmp_path: Path) -> None:
    ws = translated
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "terms.csv").write_text("en,fr\nsign-on letter,lettre collective\n", encoding="utf-8")
    (outside / "memory.tmx").write_text("<tmx version='1.4'><header/><body/></tmx>", encoding="utf-8")
    (ws.root / "terms.csv").symlink_to(outside / "terms.csv")
    (ws.root / "memory.tmx").symlink_to(outside / "memory.tmx")
    log = tmp_path / "opened.log"
    for command in (("glossary", "import", "terms.csv"), ("tm", "import", "memory.tmx")):
        result = run_watched(ws.root, log, *command)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        assert "outside the workspace" in lines[0] and command[2] in lines[0]
    assert read_below(log.read_text("utf-8").splitlines(), outside) == []
    assert not (ws.root / "glossary" / "terms.yaml").exists()


def test_init_refuses_a_gitignore_linked_outside(tmp_path: Path) -> None:
    """A folder made a workspace may hold a ``.gitignore`` someone linked: init would commit its text."""
    secret = tmp_path / "outside" / "ignored"
    secret.parent.mkdir()
    secret.write_text("SECRET\n", encoding="utf-8")
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(secret)
    log = tmp_path / "opened.log"
    result = run_watched(tmp_path, log, "init", "letters")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and ".gitignore" in lines[0], result.stderr
    assert read_below(log.read_text("utf-8").splitlines(), secret.parent) == []
    assert secret.read_text("utf-8") == "SECRET\n"
