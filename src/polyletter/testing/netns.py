"""Run a server that binds every interface (Apertium APy) where only this machine's tests can reach it.

APy has no option to listen on loopback only: it binds ``0.0.0.0`` and ``::``.
A test must not open a translation server to the network, so the server is
started inside a network namespace of its own (``unshare -n``, which needs
root or user namespaces), where the only interface is a private loopback. A
relay bridges it to the test process through a Unix socket in a temporary
directory (a path, so it crosses network namespaces), and the test side
listens on ``127.0.0.1`` only. Nothing outside this machine can connect.

Run as ``python -m polyletter.testing.netns SOCKET PORT -- COMMAND...`` inside
the namespace: brings ``lo`` up, starts COMMAND, prints its pid, and relays
SOCKET to ``127.0.0.1:PORT`` until COMMAND exits.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def _pump(src: socket.socket, dst: socket.socket, seen: Callable[[bytes], None] | None = None) -> None:
    """Copy bytes until EOF or an error, then close both sides so the peer sees it at once."""
    try:
        while data := src.recv(65536):
            if seen is not None:
                seen(data)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _relay(
    listener: socket.socket,
    connect: Callable[[], socket.socket],
    stop: threading.Event,
    seen: Callable[[bytes], None] | None = None,
) -> None:
    listener.settimeout(0.2)
    while not stop.is_set():
        try:
            client, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        client.settimeout(None)
        try:
            upstream = connect()
            upstream.settimeout(None)
        except OSError:
            client.close()  # the server is gone: the client sees the connection dropped
            continue
        threading.Thread(target=_pump, args=(client, upstream, seen), daemon=True).start()
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()


def unshare_available() -> str | None:
    """None when ``unshare -n`` works here, else why not (for a skip reason)."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "needs unshare (util-linux) and ip (iproute2) to isolate the server's network"
    result = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if result.returncode != 0:
        why = result.stderr.strip() or "failed"
        return f"cannot create a network namespace (unshare -n: {why}); run as root"
    return None


def _listen(port: int, patience: float = 10.0) -> socket.socket:
    """A loopback listener on ``port`` (0: any); a port just given up by a stopped relay may take a
    moment to be free again, so EADDRINUSE is retried for a while rather than failing the test."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return socket.create_server(("127.0.0.1", port))
        except OSError as err:
            if err.errno != errno.EADDRINUSE or port == 0 or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class IsolatedServer:
    """A server process in its own network namespace, reachable at :attr:`url` on 127.0.0.1 only."""

    def __init__(
        self,
        command: Sequence[str],
        port: int,
        ready_path: str = "/",
        timeout: float = 60,
        listen_port: int = 0,
    ) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="polyletter-netns-"))
        self.sock_path = str(self.tmp / "relay.sock")
        self.log = self.tmp / "server.log"
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    "unshare",
                    "-n",
                    sys.executable,
                    "-m",
                    "polyletter.testing.netns",
                    self.sock_path,
                    str(port),
                    "--",
                    *command,
                ],
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().decode().strip()
        if not line.isdigit():
            self.stop()
            raise RuntimeError(f"the isolated server did not start: {self.log.read_text()[-2000:]}")
        self.server_pid = int(line)
        self.listener = _listen(listen_port)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()

        def connect() -> socket.socket:
            unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            unix.connect(self.sock_path)
            return unix

        self.posts = 0
        """POST requests relayed to the server (translation requests), for tests that kill it mid-run."""

        def seen(data: bytes) -> None:
            self.posts += data.count(b"POST /")

        threading.Thread(target=_relay, args=(self.listener, connect, self._stop, seen), daemon=True).start()
        self._wait_ready(ready_path, timeout)

    def _wait_ready(self, path: str, timeout: float) -> None:
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            except http.client.HTTPException:
                pass
            time.sleep(0.2)
        log = self.log.read_text(errors="replace")[-2000:]
        self.stop()
        raise RuntimeError(f"the isolated server did not answer {path} in {timeout:g} s: {log}")

    def kill_server(self) -> None:
        """SIGKILL the server itself (not the relay): what a crash or an OOM kill looks like."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.server_pid, 9)

    def stop(self) -> None:
        if hasattr(self, "_stop"):
            self._stop.set()
            self.listener.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, 9)
        self.proc.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _inside(sock_path: str, port: int, command: list[str]) -> int:
    """The namespace side: loopback up, the server started, the Unix socket relayed to it."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    server = subprocess.Popen(command, stdout=sys.stderr, stderr=sys.stderr)
    print(server.pid, flush=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(64)
    stop = threading.Event()
    threading.Thread(
        target=_relay,
        args=(listener, lambda: socket.create_connection(("127.0.0.1", port), timeout=10), stop),
        daemon=True,
    ).start()
    code = server.wait()
    time.sleep(3600)  # keep relaying "connection dropped" until the test stops us
    return code


if __name__ == "__main__":
    args = sys.argv[1:]
    split = args.index("--")
    sys.exit(_inside(args[0], int(args[1]), args[split + 1 :]))
