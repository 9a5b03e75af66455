"""Apertium APy, the Apertium project's HTTP server, as an engine (``--engine apertium-apy``).

A team runs one APy with every pair installed; each workspace points at it
(``[engine.apertium-apy] url``). What differs from the local ``apertium``
engine, and why:

* APy translates one text per request (``/translate?q=...``), with the
  pipelines kept running on the server. Sending the whole batch as one text
  would let its sentence splitter and the transfer rules work across our
  sentences, so each sentence is its own request; the requests share a
  keep-alive pool and at most ``concurrency`` are in flight (APy's own
  ``-u``/``-i`` options decide how many pipelines serve them).
* Pairs come from ``/listPairs`` (ISO 639-3, mapped to polyletter's codes as
  the local engine maps mode names). Where no direct pair exists but a chain
  of them does (en->fr through es), :meth:`pairs` lists the pair too and
  :meth:`translate` sends it to ``/translateChain`` with the explicit path,
  shortest first, so the provenance names every hop.
* ``markUnknown=no`` strips APy's ``*`` marks on a direct pair only: a chain
  feeds the first hop's marked output into the second, so ``*``, ``@`` and
  ``#`` can come back glued to words (the glossary's placeholders are unknown
  words by design). Every mark that was not in the source sentence is removed
  here, before the placeholder is restored, so none can reach a file.
* APy reports no version over HTTP, so the provenance and the cache key carry
  the server's URL (without credentials) and the pair or chain it ran.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Sequence

from polyletter.errors import ServerError
from polyletter.mt.engines import apertium
from polyletter.mt.engines.base import TermSpan
from polyletter.mt.engines.server import ServerClient
from polyletter.store.config import ApySettings, Config, check_server_url

PLACEHOLDER_RE = apertium.PLACEHOLDER_RE
"""The same stand-ins as the local Apertium engine: APy runs the same pipelines."""

MAX_CHAIN = 3
"""At most this many pairs in a chain (each hop costs quality)."""

_MARK = re.compile(r"(?<![\w*@#])[*@#]+(\w+)")
_SPACES = re.compile(r" {2,}")


def create(config: Config) -> ApyEngine:
    return ApyEngine(config.apertium_apy)


class ApyEngine:
    name = "apertium-apy"
    glossary_strategy = "placeholder"

    def __init__(self, settings: ApySettings | None = None) -> None:
        self.settings = settings or ApySettings()
        check_server_url(self.settings.url, "[engine.apertium-apy] url")
        self.server = ServerClient(
            "Apertium APy", self.settings.url, self.settings.timeout, self.settings.concurrency
        )
        self.calls: list[tuple[str, str, int]] = []
        self._direct: dict[tuple[str, str], tuple[str, str]] | None = None
        self._chains: dict[tuple[str, str], list[str]] = {}

    # ------------------------------------------------------------------ pairs

    def _pairs_iso3(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Our (source, target) -> APy's codes for it, from ``/listPairs`` (asked once)."""
        if self._direct is None:
            data = self.server.call("GET", "/listPairs", what="the list of pairs")
            rows = data.get("responseData") if isinstance(data, dict) else None
            if not isinstance(rows, list):
                raise ServerError(
                    f"Apertium APy at {self.server.public} sent a pair list without responseData",
                    hint="Is the URL an APy server?",
                )
            direct: dict[tuple[str, str], tuple[str, str]] = {}
            # Plain codes before variants (eng_US), as the local engine prefers the plain mode.
            for row in sorted(rows, key=lambda r: ("_" in str(r.get("targetLanguage", "")), str(r))):
                src, tgt = str(row.get("sourceLanguage", "")), str(row.get("targetLanguage", ""))
                if "_" in src or "_" in tgt or not src or not tgt:
                    continue
                direct.setdefault((apertium.iso1(src), apertium.iso1(tgt)), (src, tgt))
            self._direct = direct
        return self._direct

    def chain(self, source: str, target: str) -> list[str]:
        """APy's language codes from ``source`` to ``target``: two for a direct pair, more for a chain."""
        direct = self._pairs_iso3()
        if (source, target) in direct:
            return list(direct[(source, target)])
        if (source, target) not in self._chains:
            self._chains[(source, target)] = _shortest_chain(direct, source, target)
        found = self._chains[(source, target)]
        if not found:
            raise ServerError(
                f"Apertium APy at {self.server.public} has no {source}->{target} pair nor a chain to it",
                hint=f"Install it on the server: {self.install_hint(source, target)}",
            )
        return found

    def pairs(self) -> frozenset[tuple[str, str]]:
        """Direct pairs and every pair a chain of up to :data:`MAX_CHAIN` reaches."""
        direct = self._pairs_iso3()
        langs = {lang for pair in direct for lang in pair}
        reachable = set(direct)
        for source in langs:
            for target in langs:
                pair = (source, target)
                if source != target and pair not in reachable and _shortest_chain(direct, source, target):
                    reachable.add(pair)
        return frozenset(reachable)

    def version(self, source: str, target: str) -> str:
        """The server and the path it runs (APy reports no version of its own)."""
        return f"{'|'.join(self.chain(source, target))} at {self.server.public}"

    def install_hint(self, source: str, target: str) -> str:
        return (
            f"`apt-get install apertium-{apertium.iso3(source)}-{apertium.iso3(target)}` on the server "
            f"at {self.server.public} and restart APy (`polyletter models list --engine apertium-apy` "
            "shows what it has)."
        )

    def placeholder(self, n: int) -> str:
        return apertium.ApertiumEngine.placeholder(self, n)  # type: ignore[arg-type]

    # -------------------------------------------------------------- translate

    def translate(
        self,
        source: str,
        target: str,
        sentences: Sequence[str],
        terms: Sequence[Sequence[TermSpan]] | None = None,
    ) -> list[str]:
        """One request per sentence, ``concurrency`` in flight, in order; marks removed."""
        del terms  # glossary terms reach APy as placeholders
        if not sentences:
            return []
        path = self.chain(source, target)
        cleaned = [re.sub(r"[\r\n]+", " ", s).replace("\0", "").strip() for s in sentences]
        what = f"{source}>{target} ({'|'.join(path)})"

        def one(text: str) -> str:
            if not text:
                return ""
            if len(path) == 2:
                endpoint, params = "/translate", {"langpair": "|".join(path)}
            else:
                endpoint, params = "/translateChain", {"langpairs": "|".join(path)}
            data = self.server.call(
                "POST",
                endpoint,
                what=what,
                data={**params, "q": text, "markUnknown": "no", "format": "txt"},
                explain=lambda status, message: self._explain(status, message, source, target, path),
            )
            translated = (
                (data.get("responseData") or {}).get("translatedText") if isinstance(data, dict) else None
            )
            if not isinstance(translated, str):
                raise ServerError(
                    f"Apertium APy at {self.server.public} answered {what} without a translatedText",
                    hint="Is the URL an APy server? Nothing was written.",
                )
            return _finish(text, translated)

        out = self.server.map_ordered(one, cleaned, [1] * len(cleaned))
        self.calls.append((source, target, len(sentences)))
        return out

    def _explain(
        self, status: int, message: str, source: str, target: str, path: list[str]
    ) -> ServerError | None:
        if status == 400:
            return ServerError(
                f"Apertium APy at {self.server.public} cannot translate {source}->{target} "
                f"({'|'.join(path)}): {message or 'bad request'}",
                hint=f"Install the pair on the server: {self.install_hint(source, target)}",
            )
        if status in (401, 403):
            return ServerError(
                f"Apertium APy at {self.server.public} refused the request ({status}: {message})",
                hint="The server restricts access; ask its operator.",
            )
        return None

    def close(self) -> None:
        self.server.close()


def _shortest_chain(direct: dict[tuple[str, str], tuple[str, str]], source: str, target: str) -> list[str]:
    """APy codes along the shortest chain of direct pairs (breadth first), or [] if none."""
    queue: deque[list[str]] = deque([[source]])
    seen = {source}
    while queue:
        path = queue.popleft()
        if len(path) > MAX_CHAIN:
            break
        for a, b in sorted(direct):
            if a != path[-1] or b in seen:
                continue
            if b == target:
                langs = [*path, b]
                return [
                    direct[(langs[0], langs[1])][0],
                    *(direct[(x, y)][1] for x, y in itertools.pairwise(langs)),
                ]
            seen.add(b)
            queue.append([*path, b])
    return []


def _finish(source: str, translated: str) -> str:
    """Remove marks the source did not have (chains keep them), tidy blanks, undo the start capital."""
    translated = _MARK.sub(lambda m: m[0] if m[0] in source else m[1], translated)
    translated = translated.strip()
    if "  " not in source:
        translated = _SPACES.sub(" ", translated)
    return apertium.undo_start_capital(source, translated)
