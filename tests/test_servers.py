"""The server engines against real servers on 127.0.0.1: Debian's Apertium APy and PyPI's LibreTranslate.

APy binds every interface, so it runs in a network namespace of its own,
bridged to 127.0.0.1 (polyletter.testing.netns). LibreTranslate runs from its
own virtualenv (.venv-lt; its pins clash with polyletter's) with the tiny
fixture Argos models, offline (polyletter.testing.libretranslate_server).
Nothing here mocks a server: faults are made by killing, limiting or
replacing real ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from polyletter.errors import ServerError
from polyletter.testing.netns import IsolatedServer, unshare_available

from .conftest import REPO_ROOT, git

REQUIRE = bool(os.environ.get("POLYLETTER_REQUIRE_SERVERS"))
LETTER = "r2p-2012"
MARKS = re.compile(r"(?<![\w])[*@#]\w|ZXQ[A-Z]{4}")


def _skip_or_fail(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"POLYLETTER_REQUIRE_SERVERS is set, but: {reason}")
    pytest.skip(reason)


# --------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------


def _start_apy(listen_port: int = 0) -> IsolatedServer:
    return IsolatedServer(
        ["apertium-apy", "-p", "2737", "/usr/share/apertium/modes"],
        2737,
        "/listPairs",
        listen_port=listen_port,
    )


@pytest.fixture(scope="module")
def apy() -> IsolatedServer:
    if shutil.which("apertium-apy") is None or not Path("/usr/share/apertium/modes/eng-spa.mode").exists():
        _skip_or_fail("needs Debian's apertium-apy and apertium-eng-spa (apt-get install apertium-apy)")
    reason = unshare_available()
    if reason:
        _skip_or_fail(f"APy binds every interface and {reason}")
    server = _start_apy()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def lt_packages(argos_package_factory) -> list[Path]:
    return [argos_package_factory("en", "fr"), argos_package_factory("en", "es")]


def _lt_executable() -> str:
    from polyletter.testing.libretranslate_server import find_libretranslate

    found = find_libretranslate(REPO_ROOT)
    if found is None:
        _skip_or_fail(
            "needs LibreTranslate in .venv-lt (python3 -m venv .venv-lt && "
            ".venv-lt/bin/pip install -r tests/servers/requirements-libretranslate.txt) "
            "or POLYLETTER_LIBRETRANSLATE=/path/to/libretranslate"
        )
    return str(found)


def _start_lt(tmp: Path, packages: list[Path], args: tuple[str, ...] = (), **prepare: bool):
    from polyletter.testing.libretranslate_server import LibreTranslateServer, prepare_data

    env = prepare_data(tmp, packages, **prepare)
    return LibreTranslateServer(_lt_executable(), env, tmp / "server.log", args=args)


@pytest.fixture(scope="module")
def lt(lt_packages, tmp_path_factory):
    server = _start_lt(tmp_path_factory.mktemp("lt"), lt_packages)
    yield server
    server.stop()


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _configure(root: Path, name: str, url: str, extra: str = "") -> None:
    path = root / "polyletter.toml"
    path.write_text(
        path.read_text(encoding="utf-8") + f'\n[engine.{name}]\nurl = "{url}"\n{extra}', encoding="utf-8"
    )
    git(root, "commit", "-qam", f"use {name}")


def _cli(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "polyletter", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def _state(root: Path) -> tuple[str, str]:
    """HEAD and the working tree's status: both unchanged means nothing was written or committed."""
    return git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain", "--untracked-files=all")


def _assert_one_line_failure(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def _msgstrs(root: Path, lang: str) -> dict[str, str]:
    import polib

    return {e.msgctxt: e.msgstr for e in polib.pofile(str(root / "translations" / lang / f"{LETTER}.po"))}


def _no_marks(root: Path, lang: str) -> None:
    for suffix in ("po", "md"):
        text = (root / "translations" / lang / f"{LETTER}.{suffix}").read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        assert not MARKS.search(body), MARKS.search(body)


# --------------------------------------------------------------------------
# Apertium APy
# --------------------------------------------------------------------------


@pytest.mark.apertium
def test_apy_translates_the_sample_letter_like_local_apertium_and_chains_to_french(
    apy, workspace, tmp_path, request
):
    from polyletter.commands.init import init_workspace
    from polyletter.commands.translate import translate_letter
    from polyletter.store.workspace import Workspace

    if not any(Path("/usr/share/apertium/modes").glob("*-fr*.mode")):
        _skip_or_fail("the en->fr chain needs apertium-fr-es (apt-get install apertium-fr-es)")
    root = workspace.root
    _configure(root, "apertium-apy", apy.url)
    started = time.perf_counter()
    result = translate_letter(Workspace.find(root), LETTER, ["es", "fr"], engine="apertium-apy")
    server_time = time.perf_counter() - started

    local_root = tmp_path / "local"
    init_workspace(local_root, example=True)
    started = time.perf_counter()
    translate_letter(Workspace.find(local_root), LETTER, ["es"], engine="apertium")
    local_time = time.perf_counter() - started
    request.node.user_properties.append(("apy_seconds", server_time))
    request.node.user_properties.append(("local_apertium_seconds", local_time))
    print(
        f"\nsample letter en->es,fr through APy: {server_time:.2f} s; "
        f"en->es with local apertium: {local_time:.2f} s"
    )

    server_es, local_es = _msgstrs(root, "es"), _msgstrs(local_root, "es")
    differing = sorted(k for k in local_es if server_es.get(k) != local_es[k])
    assert differing == [], differing  # the same text as the local engine, block for block
    assert "Estados Miembros" in (root / "translations" / "es" / f"{LETTER}.md").read_text(encoding="utf-8")
    for lang in ("es", "fr"):
        _no_marks(root, lang)
    message = git(root, "log", "-1", "--format=%B")
    public = apy.url
    assert f"Polyletter-Engine-es: apertium-apy en>es eng|spa at {public}" in message
    assert f"Polyletter-Engine-fr: apertium-apy en>fr eng|spa|fra at {public}" in message
    po = (root / "translations" / "fr" / f"{LETTER}.po").read_text(encoding="utf-8")
    assert f"engine: apertium-apy en>fr eng|spa|fra at {public}" in po
    assert result.commit


@pytest.mark.apertium
def test_apy_chains_leave_unknown_word_marks_and_the_engine_removes_every_one(apy):
    from polyletter.mt.engines.apertium_apy import ApyEngine
    from polyletter.store.config import ApySettings

    sentence = "ZXQAAAA is a duty of the Zorblax council."
    raw = httpx.post(
        f"{apy.url}/translateChain",
        data={"langpairs": "eng|spa|fra", "q": sentence, "markUnknown": "no", "format": "txt"},
        timeout=60,
    ).json()["responseData"]["translatedText"]
    assert re.search(r"[*@#]\w", raw), raw  # the reason the engine cleans chain output
    engine = ApyEngine(ApySettings(url=apy.url))
    out = engine.translate("en", "fr", [sentence, ""])
    assert not re.search(r"[*@#]\w", out[0]) and "ZXQAAAA" in out[0], out
    assert out[1] == ""
    assert engine.calls == [("en", "fr", 2)]


@pytest.mark.apertium
def test_models_list_shows_the_servers_pairs(apy, workspace):
    _configure(workspace.root, "apertium-apy", apy.url)
    result = _cli(workspace.root, "models", "list", "--engine", "apertium-apy")
    assert result.returncode == 0, result.stderr
    assert re.search(r"en\s*│\s*es\s*│\s*eng\|spa at", result.stdout), result.stdout
    assert re.search(r"en\s*│\s*fr\s*│\s*eng\|spa\|fra at", result.stdout), result.stdout


def _letters(root: Path, count: int) -> list[str]:
    """``count`` different letters in the workspace: the sample with its paragraphs rotated."""
    master = (root / "translations" / "en" / f"{LETTER}.md").read_text(encoding="utf-8")
    names = []
    for n in range(count):
        name = f"letter-{n}"
        text = master.replace("Secretary-General", f"Secretary-General (copy {n + 1})")
        (root / "translations" / "en" / f"{name}.md").write_text(text, encoding="utf-8")
        names.append(name)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "more letters")
    return names


@pytest.mark.apertium
def test_four_workspaces_share_one_apy_then_a_killed_server_writes_nothing_and_the_rerun_uses_the_cache(
    apy, tmp_path
):
    from polyletter.commands.init import init_workspace

    roots = []
    for n in range(4):
        root = tmp_path / f"ws{n}"
        init_workspace(root, example=True)
        _configure(root, "apertium-apy", apy.url, "concurrency = 2\n")
        roots.append(root)
        (root / "translations" / "en" / f"{LETTER}.md").write_text(
            (root / "translations" / "en" / f"{LETTER}.md")
            .read_text(encoding="utf-8")
            .replace("Secretary-General", f"Secretary-General of office {n}"),
            encoding="utf-8",
        )
        git(root, "commit", "-qam", "a different letter")
    results: dict[int, subprocess.CompletedProcess[str]] = {}

    def run(n: int) -> None:
        results[n] = _cli(roots[n], "translate", LETTER, "--to", "es", "--engine", "apertium-apy")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, root in enumerate(roots):
        assert results[n].returncode == 0, results[n].stderr
        message = git(root, "log", "-1", "--format=%B")
        assert "Polyletter-Engine-es: apertium-apy en>es eng|spa" in message
        assert f"de oficina {n}" in (root / "translations" / "es" / f"{LETTER}.md").read_text(
            encoding="utf-8"
        )
        assert all(_msgstrs(root, "es").values())

    # A second server, killed in the middle of a run on a fresh letter.
    server = _start_apy()
    port = server.port
    root = roots[0]
    config = (root / "polyletter.toml").read_text(encoding="utf-8").replace(apy.url, server.url)
    config = config.replace("concurrency = 2", "concurrency = 1")
    (root / "polyletter.toml").write_text(config, encoding="utf-8")
    git(root, "commit", "-qam", "second server")
    before = _state(root)
    proc = subprocess.Popen(
        [sys.executable, "-m", "polyletter", "translate", LETTER, "--to", "fr", "--engine", "apertium-apy"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while server.posts < 6 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    server.kill_server()
    out, err = proc.communicate(timeout=120)
    server.stop()
    failed = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    _assert_one_line_failure(failed, "Apertium APy at http://127.0.0.1:", "dropped the connection")
    assert _state(root) == before
    assert not (root / "translations" / "fr").exists()

    again = _start_apy(listen_port=port)  # the same URL, so the same cache key
    try:
        rerun = _cli(root, "translate", LETTER, "--to", "fr", "--engine", "apertium-apy")
    finally:
        again.stop()
    assert rerun.returncode == 0, rerun.stderr
    cached, sent = map(
        int, re.search(r"(\d+) from cache, (\d+) sent to the engine", rerun.stdout).groups()
    )
    assert cached >= 4 and sent > 0, rerun.stdout
    _no_marks(root, "fr")


@pytest.mark.apertium
def test_apy_faults_are_one_line_and_write_nothing(apy, workspace):
    root = workspace.root
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    _configure(root, "apertium-apy", f"http://127.0.0.1:{closed}")
    before = _state(root)
    result = _cli(root, "translate", LETTER, "--to", "es", "--engine", "apertium-apy")
    _assert_one_line_failure(result, f"Apertium APy at http://127.0.0.1:{closed} is unreachable")
    assert _state(root) == before

    # A pair the server lacks: named, with the server.
    config = (
        (root / "polyletter.toml").read_text(encoding="utf-8").replace(f"127.0.0.1:{closed}", apy.url[7:])
    )
    (root / "polyletter.toml").write_text(config, encoding="utf-8")
    git(root, "commit", "-qam", "real server")
    before = _state(root)
    result = _cli(root, "translate", LETTER, "--to", "de", "--engine", "apertium-apy")
    _assert_one_line_failure(result, "no apertium-apy model for en->de", "apertium-eng-deu")
    assert _state(root) == before


# --------------------------------------------------------------------------
# Faults on any server: silence, malformed JSON
# --------------------------------------------------------------------------


def test_a_server_that_never_answers_times_out_with_one_line(workspace):
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    root = workspace.root
    _configure(root, "libretranslate", f"http://127.0.0.1:{listener.getsockname()[1]}", "timeout = 1\n")
    before = _state(root)
    result = _cli(root, "translate", LETTER, "--to", "fr", "--engine", "libretranslate")
    listener.close()
    _assert_one_line_failure(result, "LibreTranslate at http://127.0.0.1:", "did not answer", "within 1 s")
    assert _state(root) == before


def test_a_200_that_is_not_json_is_one_line(workspace, package_index_dir, package_index_server):
    (package_index_dir / "languages").write_text("<html>proxy login</html>", encoding="utf-8")
    root = workspace.root
    _configure(root, "libretranslate", package_index_server.rstrip("/"))
    before = _state(root)
    result = _cli(root, "translate", LETTER, "--to", "fr", "--engine", "libretranslate")
    _assert_one_line_failure(result, "something that is not JSON", "proxy login")
    assert _state(root) == before


# --------------------------------------------------------------------------
# Bad settings
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ('[engine.libretranslate]\nurl = "ftp://127.0.0.1:5000"\n', "url must be an http:// or https:// URL"),
        ('[engine.apertium-apy]\nurl = "127.0.0.1:2737"\n', "[engine.apertium-apy] url must be an http://"),
        ('[engine.libretranslat]\nurl = "http://127.0.0.1:5000"\n', "[engine.libretranslat]: unknown engine"),
        ("[engine.libretranslate]\ntimeout = -1\n", "timeout must be a positive number"),
    ],
)
def test_bad_server_settings_stop_every_command_naming_the_file(workspace, extra, needle):
    root = workspace.root
    path = root / "polyletter.toml"
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = _cli(root, "translate", LETTER, "--to", "fr")
    _assert_one_line_failure(result, "polyletter.toml", needle)


def test_unknown_engine_name_in_config(workspace):
    path = workspace.root / "polyletter.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('name = "argos"', 'name = "deepl"'), "utf-8")
    result = _cli(workspace.root, "status")
    _assert_one_line_failure(
        result, "polyletter.toml", "[engine] name: unknown engine 'deepl'", "libretranslate"
    )


def test_a_key_variable_that_is_not_set_stops_before_any_request(workspace, monkeypatch):
    monkeypatch.delenv("POLYLETTER_TEST_LT_KEY", raising=False)
    root = workspace.root
    _configure(root, "libretranslate", "http://127.0.0.1:9", 'api_key_env = "POLYLETTER_TEST_LT_KEY"\n')
    before = _state(root)
    result = _cli(root, "translate", LETTER, "--to", "fr", "--engine", "libretranslate")
    _assert_one_line_failure(result, "POLYLETTER_TEST_LT_KEY", "not set")
    assert _state(root) == before


def test_url_credentials_never_reach_provenance():
    from polyletter.mt.engines.server import public_url

    assert (
        public_url("https://user:secret@lt.example.org:8443/api/?key=k#x")
        == "https://lt.example.org:8443/api"
    )
    assert public_url("http://[::1]:5000/") == "http://[::1]:5000"


# --------------------------------------------------------------------------
# LibreTranslate
# --------------------------------------------------------------------------


def test_libretranslate_translates_the_sample_letter_with_provenance_and_terms(lt, workspace, request):
    from polyletter.commands.translate import translate_letter
    from polyletter.store.workspace import Workspace

    root = workspace.root
    _configure(root, "libretranslate", lt.url)
    started = time.perf_counter()
    result = translate_letter(Workspace.find(root), LETTER, ["fr", "es"], engine="libretranslate")
    elapsed = time.perf_counter() - started
    request.node.user_properties.append(("libretranslate_seconds", elapsed))
    print(f"\nsample letter en->fr,es through LibreTranslate: {elapsed:.2f} s")
    message = git(root, "log", "-1", "--format=%B")
    assert f"Polyletter-Engine-fr: libretranslate en>fr LibreTranslate 1.9.6 at {lt.url}" in message
    assert all(_msgstrs(root, "fr").values())
    # The tiny models lose injected terms; each loss is recorded, as on Argos.
    po = (root / "translations" / "fr" / f"{LETTER}.po").read_text(encoding="utf-8")
    assert "terms:" in po
    lost = [o for lang in result.languages for o in lang.term_outcomes if o.status == "missing"]
    if lost:
        assert "terms-lost:" in po or "terms-lost:" in (
            root / "translations" / "es" / f"{LETTER}.po"
        ).read_text(encoding="utf-8")
    assert result.stats.sent > 0


def test_libretranslate_batches_under_the_char_limit_in_order(lt_packages, tmp_path):
    from polyletter.mt.engines.libretranslate import LibreTranslateEngine
    from polyletter.store.config import LibreTranslateSettings

    server = _start_lt(tmp_path, lt_packages, args=("--char-limit", "60"))
    try:
        engine = LibreTranslateEngine(LibreTranslateSettings(url=server.url, in_flight=2))
        sentences = [f"We call on the Council {n}." for n in range(10)]  # 26-27 characters each
        out = engine.translate("en", "fr", sentences)
        assert len(out) == 10 and all(out)
        assert engine.requests == [2] * 5
        # Order: each sentence alone gives the same translation as in the batch.
        assert [engine.translate("en", "fr", [s])[0] for s in sentences[:3]] == out[:3]
        with pytest.raises(ServerError, match="at most 60 characters per request, and one sentence has 61"):
            engine.translate("en", "fr", ["x" * 61])
    finally:
        server.stop()


def test_libretranslate_400_names_the_pair_and_the_server(lt):
    from polyletter.mt.engines.libretranslate import LibreTranslateEngine
    from polyletter.store.config import LibreTranslateSettings

    engine = LibreTranslateEngine(LibreTranslateSettings(url=lt.url))
    assert ("en", "de") not in engine.pairs()
    with pytest.raises(ServerError, match=rf"LibreTranslate at {lt.url} cannot translate en->de: "):
        engine.translate("en", "de", ["Hello."])


def test_libretranslate_403_names_the_key_variable_and_never_shows_the_key(lt_packages, tmp_path, workspace):
    server = _start_lt(
        tmp_path / "srv", lt_packages, args=("--api-keys", "--api-keys-db-path", str(tmp_path / "k.db"))
    )
    try:
        root = workspace.root
        _configure(root, "libretranslate", server.url, 'api_key_env = "POLYLETTER_TEST_LT_KEY"\n')
        before = _state(root)
        result = _cli(
            root, "translate", LETTER, "--to", "fr", "--engine", "libretranslate",
            env={"POLYLETTER_TEST_LT_KEY": "sekrit-123"},
        )  # fmt: skip
        _assert_one_line_failure(result, "refused the API key in $POLYLETTER_TEST_LT_KEY", "403")
        assert "sekrit-123" not in result.stderr + result.stdout
        assert _state(root) == before
    finally:
        server.stop()


def test_429_is_retried_with_backoff_then_stops():
    """A server that rate-limits every request (LibreTranslate's --req-limit did not trigger on loopback)."""
    import http.server

    from polyletter.mt.engines import server as server_module
    from polyletter.mt.engines.libretranslate import LibreTranslateEngine
    from polyletter.store.config import LibreTranslateSettings

    class Limited(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._reply(200, b'{"charLimit": -1}')

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._reply(429, b'{"error": "Slowdown: 1 per 1 minute"}', {"Retry-After": "0.2"})

        def _reply(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Limited)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        engine = LibreTranslateEngine(LibreTranslateSettings(url=f"http://127.0.0.1:{httpd.server_address[1]}"))
        started = time.perf_counter()
        with pytest.raises(ServerError, match="kept refusing en>fr with 429 Too Many Requests after 4"):
            engine.translate("en", "fr", ["One.", "Two."])
        assert engine.server.requests == 1 + 1 + server_module.RETRIES_429  # settings + 5 tries
        assert time.perf_counter() - started >= 4 * 0.2
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_libretranslate_offline_workarounds(lt_packages, argos_package_factory, tmp_path):
    """Each obstacle's workaround, proved on a real server start and translate."""
    from polyletter.mt.engines.libretranslate import LibreTranslateEngine
    from polyletter.store.config import LibreTranslateSettings

    # 1. Two packages and an empty index.json: the start-up branch that fetches the index (and,
    #    with one package, every MiniSBD model, retrying for minutes) is never entered.
    one = _start_lt(tmp_path / "one", lt_packages, empty_index=True)
    try:
        engine = LibreTranslateEngine(LibreTranslateSettings(url=one.url))
        assert engine.pairs() == {("en", "fr"), ("en", "es")}
        # 2. The splitter model shipped in the package is the one used; nothing is downloaded.
        assert engine.translate("en", "fr", ["We call on the Council."])[0]
        log = one.log.read_text(errors="replace")
        assert "Updating language models" not in log and "Downloading" not in log
        assert not list((tmp_path / "one" / "cache").rglob("*.onnx"))
        packages = tmp_path / "one" / "data" / "argos-translate" / "packages"
        assert list(packages.glob("*/minisbd/en.onnx"))
        index = json.loads((tmp_path / "one" / "data" / "argos-translate" / "index.json").read_text())
        assert index == []
    finally:
        one.stop()
    # 3. The server is started without --update-models (which would fetch the index and models).
    assert "--update-models" not in " ".join(map(str, one.proc.args))
