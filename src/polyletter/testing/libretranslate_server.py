"""Start a real LibreTranslate server offline, on 127.0.0.1, with the tiny fixture Argos packages.

LibreTranslate (PyPI ``libretranslate``) pins numpy<2, polib 1.1.1 and
packaging 23.1, which conflict with polyletter's own dependencies, so it lives
in a virtualenv of its own (``.venv-lt``, made by ``.ci/run``; or the
executable named by ``POLYLETTER_LIBRETRANSLATE``). The tests need only its
process, never its import.

Offline, three things stop it, each handled here and proved by a test:

1. With fewer than two installed packages it fetches the package index at
   start-up, and with no ``index.json`` that fetch recurses until it gives up.
   :func:`prepare_data` writes an empty ``index.json`` (``[]``) where
   argostranslate looks (``$XDG_DATA_HOME/argos-translate/index.json``), and
   points ``ARGOS_PACKAGE_INDEX`` at a closed loopback port, so nothing can
   ever leave the machine.
2. Its sentence splitter (MiniSBD) downloads a model on the first translate
   unless the Argos package carries one under ``minisbd/``: each fixture
   package gets :mod:`polyletter.testing.minisbd_model`'s.
3. ``--update-models`` would fetch the index and models: never passed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Sequence
from pathlib import Path

from polyletter.testing.minisbd_model import add_minisbd_model

CLOSED_INDEX = "http://127.0.0.1:9/"
"""Where the package index "is": the discard port on loopback, so a fetch fails at once, locally."""


def find_libretranslate(repo_root: Path) -> str | None:
    """The ``libretranslate`` executable: ``$POLYLETTER_LIBRETRANSLATE``, else ``.venv-lt/bin``, else PATH."""
    named = os.environ.get("POLYLETTER_LIBRETRANSLATE")
    if named:
        return named if Path(named).is_file() else None
    local = repo_root / ".venv-lt" / "bin" / "libretranslate"
    if local.is_file():
        return str(local)
    return shutil.which("libretranslate")


def prepare_data(
    root: Path, packages: Sequence[Path], *, empty_index: bool = True, splitter: bool = True
) -> dict[str, str]:
    """A HOME/XDG tree with the ``.argosmodel`` zips unpacked; the environment to start the server in."""
    data = root / "data"
    packages_dir = data / "argos-translate" / "packages"
    packages_dir.mkdir(parents=True, exist_ok=True)
    for package in packages:
        with zipfile.ZipFile(package) as archive:
            top = archive.namelist()[0].split("/")[0]
            archive.extractall(packages_dir)
        if splitter:
            meta = json.loads((packages_dir / top / "metadata.json").read_text(encoding="utf-8"))
            add_minisbd_model(packages_dir / top, meta["from_code"])
    if empty_index:
        (data / "argos-translate" / "index.json").write_text("[]", encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root / "home"),
        "XDG_DATA_HOME": str(data),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "ARGOS_PACKAGES_DIR": str(packages_dir),
        "ARGOS_PACKAGE_INDEX": CLOSED_INDEX,
        "ARGOS_DEVICE_TYPE": "cpu",
        "LT_DISABLE_WEB_UI": "true",
        "LANG": "C.UTF-8",
    }
    (root / "home").mkdir(exist_ok=True)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LibreTranslateServer:
    """``libretranslate --host 127.0.0.1`` in its own process group; :attr:`url` once it answers."""

    def __init__(
        self, executable: str, env: dict[str, str], log: Path, args: Sequence[str] = (), timeout: float = 120
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [executable, "--host", "127.0.0.1", "--port", str(self.port), "--threads", "4", *args]
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._wait(timeout)

    def _wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            probe = f"{self.url}/languages"
            with contextlib.suppress(OSError), urllib.request.urlopen(probe, timeout=5) as r:
                if r.status == 200:
                    return
            time.sleep(0.3)
        self.stop()
        tail = self.log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"LibreTranslate did not start within {timeout:g} s:\n{tail}")

    def kill(self) -> None:
        """SIGKILL the server: a crash in the middle of a run."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
