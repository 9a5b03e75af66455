"""The workspace lock excludes other runs, and only while a run holds it.

CI once refused a run right after the previous one in the same process had
ended: a subprocess a background thread was starting had been forked while
the lock was held, and a ``flock`` is shared with a forked child until it
execs. These tests put a fork exactly there, so that class cannot come back.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from polyletter.errors import WorkspaceBusyError
from polyletter.store.lock import workspace_lock
from polyletter.store.workspace import Workspace

PROBE = """
import fcntl, os, sys
os.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    sys.exit(1)
"""


def _free_for_another_process(ws: Workspace) -> bool:
    """Whether a separate process could take the lock now (it would be a polyletter run's)."""
    lock = ws.root / ".polyletter" / "lock"
    return subprocess.run([sys.executable, "-c", PROBE, str(lock)], timeout=30).returncode == 0


def _fork_waiting_child() -> tuple[int, int]:
    """A forked child that lives, holding every descriptor it inherited, until told to go."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: wait, then leave without running any of pytest's clean-up
        try:
            os.close(write_end)
            os.read(read_end, 1)
        finally:
            os._exit(0)
    os.close(read_end)
    return pid, write_end


def _release(pid: int, write_end: int) -> None:
    os.close(write_end)
    os.waitpid(pid, 0)


def test_a_child_forked_while_the_lock_is_held_does_not_keep_it(workspace: Workspace) -> None:
    with workspace_lock(workspace):
        pid, write_end = _fork_waiting_child()
    try:
        with workspace_lock(workspace):  # the same process again, the child still alive
            pass
        assert _free_for_another_process(workspace)
    finally:
        _release(pid, write_end)


def test_the_lock_excludes_other_processes_while_held_and_not_after(workspace: Workspace) -> None:
    assert _free_for_another_process(workspace)
    with workspace_lock(workspace):
        assert not _free_for_another_process(workspace)
    assert _free_for_another_process(workspace)


def test_a_second_run_in_the_same_process_is_refused_and_the_first_keeps_its_lock(
    workspace: Workspace,
) -> None:
    """The kernel grants a record lock to its own process again: polyletter must not."""
    with workspace_lock(workspace):
        busy = pytest.raises(WorkspaceBusyError, match=r"in this process \(pid \d+\) is working")
        with busy, workspace_lock(workspace):
            pass
        refused: list[BaseException] = []

        def other_thread() -> None:
            try:
                with workspace_lock(workspace):
                    pass
            except WorkspaceBusyError as err:
                refused.append(err)

        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join(timeout=30)
        assert len(refused) == 1
        assert not _free_for_another_process(workspace)  # the refusals did not release it
    assert _free_for_another_process(workspace)


def test_the_same_workspace_by_another_path_is_the_same_lock(workspace: Workspace, tmp_path: Path) -> None:
    alias = tmp_path / "alias"
    alias.symlink_to(workspace.root, target_is_directory=True)
    other = dataclasses.replace(workspace, root=alias)
    with workspace_lock(workspace), pytest.raises(WorkspaceBusyError), workspace_lock(other):
        pass
    assert _free_for_another_process(workspace)


def test_an_exception_inside_releases_it(workspace: Workspace) -> None:
    with pytest.raises(KeyboardInterrupt), workspace_lock(workspace):
        raise KeyboardInterrupt
    assert _free_for_another_process(workspace)
    with workspace_lock(workspace):
        pass


def test_a_forked_child_is_told_the_parent_holds_the_workspace(workspace: Workspace) -> None:
    """A child inherits the registry of held locks but not the lock: the refusal names the parent."""
    with workspace_lock(workspace):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                with workspace_lock(workspace):
                    code = 2
            except WorkspaceBusyError as err:
                code = 0 if f"another polyletter process (pid {os.getppid()})" in str(err) else 3
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
