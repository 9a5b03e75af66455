"""What the two server engines (LibreTranslate, Apertium APy) share: one HTTP client and its faults.

The client is httpx, chosen over requests because it gives, without extra
code, what a shared server needs: a connection pool with an explicit bound
(``httpx.Limits``: at most N connections, kept alive between requests), one
timeout object covering connect, read and write, and a precise exception
hierarchy (``ConnectError`` vs ``RemoteProtocolError`` vs ``ReadTimeout``)
that maps one-to-one onto the messages the user must get. It is thread-safe,
so a small thread pool can keep N requests in flight over one pool.

Every fault becomes a :class:`~polyletter.errors.ServerError`: one line
naming the server (its URL without credentials) and what to do. A request
rate-limited with 429 is retried with exponential backoff (honouring
``Retry-After``) a few times, then the run stops. Whatever the server
translated before a fault travels in ``ServerError.done`` so that the cache
keeps it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from polyletter.errors import ServerError

if TYPE_CHECKING:
    import httpx  # imported when a client is made: 0.16 s that QA and local engines need not pay

RETRIES_429 = 4
"""Retries of a rate-limited request before the run stops (backoff 0.5, 1, 2, 4 s)."""
BACKOFF_START = 0.5
BACKOFF_MAX = 8.0

T = TypeVar("T")


def public_url(url: str) -> str:
    """The URL as it may be shown, stored, committed: no user, password, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


class ServerClient:
    """One server's base URL, a bounded keep-alive pool, and the fault messages.

    ``label`` is the product name used in messages (``LibreTranslate``).
    """

    def __init__(self, label: str, url: str, timeout: float, max_connections: int) -> None:
        self.label = label
        self.url = url.rstrip("/")
        self.public = public_url(url)
        self.max_connections = max(1, int(max_connections))
        self.timeout = float(timeout)
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()
        self.requests = 0
        """Requests sent (including retries), for tests and stats."""

    @property
    def client(self) -> httpx.Client:
        import httpx

        with self._lock:
            if self._client is None:
                limits = httpx.Limits(
                    max_connections=self.max_connections, max_keepalive_connections=self.max_connections
                )
                # trust_env=False: a proxy variable must not silently reroute a loopback server.
                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout), limits=limits, trust_env=False
                )
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # ------------------------------------------------------------------ calls

    def call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        explain: Callable[[int, str], ServerError | None] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Send one request and return its JSON; every failure as a one-line :class:`ServerError`.

        ``what`` says what was asked (``en>fr``) for the messages; ``explain``
        turns a status code and the server's message into the engine's own
        error (a 400 for a missing pair, a 403 for a key), or None for the
        generic one.
        """
        delay = BACKOFF_START
        for attempt in range(RETRIES_429 + 1):
            response = self._send(method, path, what, **kwargs)
            if response.status_code != 429:
                break
            if attempt == RETRIES_429:
                raise ServerError(
                    f"{self.label} at {self.public} kept refusing {what} with 429 Too Many Requests "
                    f"after {RETRIES_429} retries",
                    hint="The server's rate limit is lower than this run needs: raise it on the server "
                    "(or give polyletter an API key with a higher limit) and run again; what was "
                    "translated is cached.",
                )
            time.sleep(_retry_after(response, delay))
            delay = min(delay * 2, BACKOFF_MAX)
        message = _server_message(response)
        if response.status_code != 200:
            custom = explain(response.status_code, message) if explain else None
            if custom is not None:
                raise custom
            raise ServerError(
                f"{self.label} at {self.public} answered {response.status_code} "
                f"{response.reason_phrase} to {what}" + (f": {message}" if message else ""),
                hint="Check the server's log; nothing was written.",
            )
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ServerError(
                f"{self.label} at {self.public} answered {what} with something that is not JSON "
                f"({_excerpt(response.text)})",
                hint="Is the URL really a " + self.label + " server (not a proxy's error page)? "
                "Nothing was written.",
            ) from None

    def _send(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        import httpx

        self.requests += 1
        try:
            return self.client.request(method, self.url + path, **kwargs)
        except httpx.ConnectTimeout:
            problem = f"did not accept a connection within {self.timeout:g} s"
        except httpx.TimeoutException:
            problem = f"did not answer {what} within {self.timeout:g} s"
        except httpx.ConnectError as err:
            problem = f"is unreachable ({_reason(err)})"
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as err:
            problem = f"dropped the connection during {what} ({_reason(err)})"
        except httpx.HTTPError as err:
            problem = f"failed on {what} ({type(err).__name__}: {_reason(err)})"
        raise ServerError(
            f"{self.label} at {self.public} {problem}",
            hint="Check that the server runs and the url in polyletter.toml; nothing was written, and "
            "what was translated is cached for the re-run.",
        )

    def map_ordered(self, func: Callable[[T], str], items: Sequence[T], sizes: Sequence[int]) -> list[str]:
        """``func`` over ``items`` with at most ``max_connections`` in flight; results in order.

        ``sizes[i]`` is how many sentences item ``i`` stands for. On the first
        failure no new request starts, the ones in flight finish, and the error
        is raised with ``done`` holding every sentence already translated
        (indexes into the flattened sentence list).
        """
        results: list[list[str] | None] = [None] * len(items)
        starts = [sum(sizes[:i]) for i in range(len(items))]
        with ThreadPoolExecutor(max_workers=min(self.max_connections, max(1, len(items)))) as pool:
            futures: dict[Future[Any], int] = {}
            stop = threading.Event()

            def run(i: int) -> list[str]:
                if stop.is_set():
                    raise _Skipped
                out = func(items[i])
                return out if isinstance(out, list) else [out]

            for i in range(len(items)):
                futures[pool.submit(run, i)] = i
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            if any(f.exception() is not None for f in done):
                stop.set()
            wait(futures)
        failure: BaseException | None = None
        for future, i in futures.items():
            error = future.exception()
            if error is None:
                results[i] = future.result()
            elif not isinstance(error, _Skipped) and failure is None:
                failure = error
        if failure is not None:
            finished = {
                starts[i] + k: text
                for i, out in enumerate(results)
                if out is not None
                for k, text in enumerate(out)
            }
            if isinstance(failure, ServerError):
                failure.done.update(finished)
                raise failure
            raise failure
        return [text for out in results if out is not None for text in out]


class _Skipped(Exception):
    """A request not sent because an earlier one failed."""


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), BACKOFF_MAX)
    except ValueError:
        return default


def _server_message(response: httpx.Response) -> str:
    """The server's own error text: LibreTranslate's ``error``, APy's ``explanation``."""
    if response.status_code == 200:
        return ""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _excerpt(response.text)
    if isinstance(data, dict):
        for key in ("error", "explanation", "message"):
            if isinstance(data.get(key), str):
                return data[key]
    return _excerpt(response.text)


def _excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    if not flat:
        return "an empty body"
    return repr(flat if len(flat) <= limit else flat[:limit] + "...")


def _reason(err: Exception) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[-1][:160]
