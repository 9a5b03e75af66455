"""One polyletter process per workspace at a time.

A POSIX record lock (``lockf``) on ``.polyletter/lock``. The kernel drops it
when the process ends, however it ends (``kill -9`` included), so a crash
never leaves a stale lock behind for the next run to trip over.

Why ``lockf`` and not ``flock``: a ``flock`` belongs to the open file, and a
child forked while it is held shares it. A subprocess a background thread
starts (lt-proc for the register check, git) holds the lock from its fork
until its exec closes the descriptor, so on a loaded machine the lock could
outlive its ``with`` and refuse the very next run of the same process. A
record lock belongs to the process: no child inherits it. Two costs, both
handled here: the kernel does not exclude the lock's own process (threads and
nested calls are excluded by ``_held``), and closing *any* descriptor of the
file releases it, so nothing else in polyletter opens this file, and a busy
lock is detected before a second descriptor is opened.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from polyletter.errors import WorkspaceBusyError, WriteError
from polyletter.store.workspace import Workspace

_held: dict[str, int] = {}
"""Lock files this process holds (resolved path -> pid): the kernel would grant them to it again.
A forked child inherits this dict but not the locks, hence the pid."""
_held_guard = threading.Lock()


@contextlib.contextmanager
def workspace_lock(ws: Workspace) -> Iterator[None]:
    path = ws.root / ".polyletter" / "lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = str(path.resolve())
    except OSError as err:
        raise _unwritable(path, err) from None
    with _held_guard:
        if _held.get(key) == os.getpid():
            raise _busy(ws, f"another polyletter run in this process (pid {os.getpid()})")
        _held[key] = os.getpid()
    try:
        with _locked(ws, path):
            yield
    finally:
        with _held_guard:
            if _held.get(key) == os.getpid():
                del _held[key]


@contextlib.contextmanager
def _locked(ws: Workspace, path: Path) -> Iterator[None]:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise _unwritable(path, err) from None
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EACCES, errno.EAGAIN):
                raise _unwritable(path, err) from None
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise _busy(ws, f"another polyletter process (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _busy(ws: Workspace, who: str) -> WorkspaceBusyError:
    return WorkspaceBusyError(
        f"{who} is working in this workspace",
        path=ws.root,
        hint="Wait for it to finish, then run again.",
    )


def _unwritable(path: Path, err: OSError) -> WriteError:
    return WriteError(
        f"cannot create the workspace lock ({err.strerror or err})",
        path=path,
        hint="Check the workspace's permissions: polyletter needs to write in it.",
    )
