"""LibreTranslate, the self-hosted server for Argos models, as an engine (``--engine libretranslate``).

The same models polyletter runs locally, on a server the team shares. How it
is used, and why:

* ``q`` takes a list: a run's sentences for a pair go in as few requests as
  the server allows. Its ``charLimit`` (``/frontend/settings``; -1 for none)
  bounds the characters of each request, so sentences are packed in order
  into chunks under it; a sentence longer than the limit alone stops the run
  with a message, since cutting it would change its translation. At most
  ``in_flight`` requests run at once over one keep-alive pool; results are
  put back in order.
* Pairs come from ``/languages`` (each language with its targets). The
  server pivots through English itself, so every listed target is a pair.
* The glossary goes in by injection (the target form written into the source
  sentence, as for local Argos models) and is verified afterwards; the server
  gives no attention to repair a lost form, so a lost term is recorded as
  ``terms-lost`` in the PO and reported by ``check``.
* The API key is read from the environment variable named by ``api_key_env``
  when the engine is created, sent in the request body only, and appears in
  no message, provenance, cache key or file. A 403 names the variable.
* Provenance and cache key: ``LibreTranslate 1.9.6 at http://host:5000`` --
  the version from the server's ``/spec``, the URL without credentials.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from polyletter.errors import ConfigError, ServerError
from polyletter.mt.engines.base import TermSpan
from polyletter.mt.engines.server import ServerClient
from polyletter.store.config import Config, LibreTranslateSettings, check_server_url

PLACEHOLDER_RE = None
"""LibreTranslate is given the glossary's target forms themselves (injection), never a placeholder."""

UNLIMITED_CHUNK = 4000
"""Characters per request when the server sets no limit: keeps each request short enough to time well."""


def create(config: Config) -> LibreTranslateEngine:
    return LibreTranslateEngine(config.libretranslate)


class LibreTranslateEngine:
    name = "libretranslate"
    glossary_strategy = "inject"

    def __init__(self, settings: LibreTranslateSettings | None = None) -> None:
        self.settings = settings or LibreTranslateSettings()
        check_server_url(self.settings.url, "[engine.libretranslate] url")
        self.api_key = _api_key(self.settings.api_key_env)
        self.server = ServerClient(
            "LibreTranslate", self.settings.url, self.settings.timeout, self.settings.in_flight
        )
        self.calls: list[tuple[str, str, int]] = []
        self.requests: list[int] = []
        """Sentences per ``/translate`` request, for tests and stats."""
        self._pairs: frozenset[tuple[str, str]] | None = None
        self._char_limit: int | None = None
        self._version: str | None = None

    # ------------------------------------------------------------- the server

    def pairs(self) -> frozenset[tuple[str, str]]:
        if self._pairs is None:
            data = self.server.call("GET", "/languages", what="the list of languages")
            if not isinstance(data, list):
                raise ServerError(
                    f"LibreTranslate at {self.server.public} sent a language list that is not a list",
                    hint="Is the URL a LibreTranslate server?",
                )
            self._pairs = frozenset(
                (str(lang["code"]), str(target))
                for lang in data
                if isinstance(lang, dict) and "code" in lang
                for target in lang.get("targets") or []
                if str(target) != str(lang["code"])
            )
        return self._pairs

    def server_version(self) -> str:
        """``LibreTranslate 1.9.6`` from ``/spec`` (its OpenAPI info), or without a number if absent."""
        if self._version is None:
            try:
                data = self.server.call("GET", "/spec", what="its version")
                number = data.get("info", {}).get("version") if isinstance(data, dict) else None
            except ServerError:
                number = None
            self._version = f"LibreTranslate {number}" if number else "LibreTranslate (version not reported)"
        return self._version

    def char_limit(self) -> int:
        if self._char_limit is None:
            data = self.server.call("GET", "/frontend/settings", what="its settings")
            limit = data.get("charLimit", -1) if isinstance(data, dict) else -1
            self._char_limit = int(limit) if isinstance(limit, int) and limit > 0 else -1
        return self._char_limit

    def version(self, source: str, target: str) -> str:
        del source, target  # the server reports no per-pair model version
        return f"{self.server_version()} at {self.server.public}"

    def install_hint(self, source: str, target: str) -> str:
        return (
            f"install the {source}->{target} Argos model on the server at {self.server.public} "
            "(its --load-only and models folder), then restart it; "
            "`polyletter models list --engine libretranslate` shows what it has."
        )

    def placeholder(self, index: int) -> str:
        raise NotImplementedError("the libretranslate engine injects glossary forms instead of placeholders")

    # -------------------------------------------------------------- translate

    def chunks(self, sentences: Sequence[str]) -> list[list[str]]:
        """Sentences packed in order into requests of at most the server's character limit."""
        limit = self.char_limit()
        budget = limit if limit > 0 else UNLIMITED_CHUNK
        out: list[list[str]] = []
        size = 0
        for sentence in sentences:
            if limit > 0 and len(sentence) > limit:
                raise ServerError(
                    f"LibreTranslate at {self.server.public} accepts at most {limit} characters per "
                    f"request, and one sentence has {len(sentence)} ({sentence[:40]!r}...)",
                    hint="Raise the server's --char-limit, or split that sentence in the master.",
                )
            if out and size + len(sentence) <= budget:
                out[-1].append(sentence)
                size += len(sentence)
            else:
                out.append([sentence])
                size = len(sentence)
        return out

    def translate(
        self,
        source: str,
        target: str,
        sentences: Sequence[str],
        terms: Sequence[Sequence[TermSpan]] | None = None,
    ) -> list[str]:
        """All sentences, chunked under the char limit, ``in_flight`` requests at once, in order.

        ``terms`` is not needed: the injected forms are verified by the caller
        (:mod:`polyletter.mt.enforce`), and the server cannot repair them.
        """
        del terms
        if not sentences:
            return []
        what = f"{source}>{target}"
        cleaned = [" ".join(s.split()) for s in sentences]
        todo = [i for i, s in enumerate(cleaned) if s]
        chunks = self.chunks([cleaned[i] for i in todo])

        def one(chunk: list[str]) -> list[str]:
            body: dict[str, object] = {"q": chunk, "source": source, "target": target, "format": "text"}
            if self.api_key:
                body["api_key"] = self.api_key
            data = self.server.call(
                "POST",
                "/translate",
                what=what,
                json=body,
                explain=lambda status, message: self._explain(status, message, source, target),
            )
            translated = data.get("translatedText") if isinstance(data, dict) else None
            if not (
                isinstance(translated, list)
                and len(translated) == len(chunk)
                and all(isinstance(t, str) for t in translated)
            ):
                raise ServerError(
                    f"LibreTranslate at {self.server.public} answered {what} without one translatedText "
                    f"per sentence ({len(chunk)} sent)",
                    hint="Is the URL a LibreTranslate server, and a recent one (1.3 or later)? "
                    "Nothing was written.",
                )
            self.requests.append(len(chunk))
            return [t.strip() for t in translated]

        done = self.server.map_ordered(one, chunks, [len(c) for c in chunks])
        out = [""] * len(sentences)
        for i, text in zip(todo, done, strict=True):
            out[i] = text
        self.calls.append((source, target, len(sentences)))
        return out

    def _explain(self, status: int, message: str, source: str, target: str) -> ServerError | None:
        where = f"LibreTranslate at {self.server.public}"
        variable = self.settings.api_key_env
        if status == 403 or (status == 400 and "api key" in message.lower()):
            if variable:
                return ServerError(
                    f"{where} refused the API key in ${variable} ({status}: {message})",
                    hint=f"Set {variable} to a key the server knows (ask its operator); nothing was written.",
                )
            return ServerError(
                f"{where} needs an API key ({status}: {message})",
                hint='Put the key in an environment variable and name it in polyletter.toml: '
                '[engine.libretranslate] api_key_env = "LT_API_KEY".',
            )
        if status == 400:
            return ServerError(
                f"{where} cannot translate {source}->{target}: {message or 'bad request'}",
                hint=f"To get the pair: {self.install_hint(source, target)}",
            )
        return None

    def close(self) -> None:
        self.server.close()


def _api_key(variable: str) -> str:
    """The key from the named environment variable; a named but unset variable stops the run."""
    if not variable:
        return ""
    value = os.environ.get(variable, "").strip()
    if not value:
        raise ConfigError(
            f"[engine.libretranslate] api_key_env names {variable}, but that environment variable is not set",
            hint=f"Run `export {variable}=<your key>` (the key is never written to polyletter.toml), "
            "or remove api_key_env if the server needs no key.",
        )
    return value
