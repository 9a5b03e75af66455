"""One polyletter process per workspace at a time.

An advisory ``flock`` on ``.polyletter/lock``: the kernel drops it when the
process ends, however it ends (``kill -9`` included), so a crash never leaves a
stale lock behind for the next run to trip over.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from polyletter.errors import WorkspaceBusyError, WriteError
from polyletter.store.workspace import Workspace


@contextlib.contextmanager
def workspace_lock(ws: Workspace) -> Iterator[None]:
    path = ws.root / ".polyletter" / "lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise WriteError(
            f"cannot create the workspace lock ({err.strerror or err})",
            path=path,
            hint="Check the workspace's permissions: polyletter needs to write in it.",
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise WorkspaceBusyError(
                f"another polyletter process (pid {holder}) is working in this workspace",
                path=ws.root,
                hint="Wait for it to finish, then run again.",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)
