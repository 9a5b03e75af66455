"""Shared pytest fixtures.

Fixtures are grouped by topic; add new groups below the existing ones.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# --------------------------------------------------------------------------
# Argos models: isolation, synthetic packages, a local package index
# --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_argos_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME, XDG_* and ARGOS_PACKAGES_DIR at a fresh temp tree for every test.

    No test may read or write the developer's real models or caches, and no
    test may reach the real Argos index: ARGOS_PACKAGE_INDEX is removed (tests
    that need an index set it to a local server). Returns the root of the tree.
    """
    from polyletter.testing.isolation import isolated_environment

    root = tmp_path / "argos-env"
    for name, value in isolated_environment(root).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ARGOS_PACKAGE_INDEX", raising=False)
    return root


ArgosPackageFactory = Callable[..., Path]


@pytest.fixture(scope="session")
def argos_package_factory(tmp_path_factory: pytest.TempPathFactory) -> ArgosPackageFactory:
    """Build tiny genuine ``.argosmodel`` files, each (from, to, version) once per session.

    Call as ``argos_package_factory("en", "fr")`` or with ``version="2.0"``;
    returns the path of the zip (treat it as read-only: it is shared).
    """
    from polyletter.testing.argos_model import build_argos_package

    built: dict[tuple[str, str, str], Path] = {}
    lock = threading.Lock()

    def factory(from_code: str, to_code: str, version: str = "1.0") -> Path:
        key = (from_code, to_code, version)
        with lock:
            if key not in built:
                dest = tmp_path_factory.mktemp(f"argos-{from_code}-{to_code}-{version}")
                built[key] = build_argos_package(dest, from_code, to_code, package_version=version)
            return built[key]

    return factory


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def package_index_dir(tmp_path: Path) -> Path:
    """The (initially empty) directory that :func:`package_index_server` serves.

    Tests write ``index.json`` and ``.argosmodel`` files here.
    """
    directory = tmp_path / "index-root"
    directory.mkdir()
    return directory


@pytest.fixture
def package_index_server(package_index_dir: Path) -> Iterator[str]:
    """Serve :func:`package_index_dir` over HTTP on 127.0.0.1 (random port) in a thread.

    Yields the base URL, ending with "/"; files are read at request time, so a
    test may write them before or after requesting this fixture. The server is
    shut down after the test.
    """
    handler = functools.partial(_QuietHandler, directory=str(package_index_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A short poll interval makes shutdown() return in ~50 ms instead of 0.5 s.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------
# Workspaces: a real git repository with the sample letter, models installed
# --------------------------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parent.parent

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None and not os.environ.get("POLYLETTER_REQUIRE_APERTIUM"),
    reason="needs Debian's apertium and apertium-eng-spa (apt-get install apertium apertium-eng-spa)",
)
"""Skip without Apertium, except where POLYLETTER_REQUIRE_APERTIUM is set (CI): there it must run."""
SAMPLE_LETTER = REPO_ROOT / "translations" / "en" / "r2p-2012.md"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh workspace (``polyletter init --example``) as the current directory."""
    from polyletter.commands.init import init_workspace
    from polyletter.store.workspace import Workspace

    root = tmp_path / "letters"
    init_workspace(root, example=True)
    monkeypatch.chdir(root)
    return Workspace.find(root)


@pytest.fixture
def fr_es_models(argos_package_factory: ArgosPackageFactory) -> list:
    """Tiny genuine en->fr and en->es Argos models installed in this test's ARGOS_PACKAGES_DIR."""
    from polyletter.mt.engines.argos_packages import install_from_file

    return [install_from_file(argos_package_factory("en", target)) for target in ("fr", "es")]


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` and return its stdout (tests read history the way users do)."""
    import subprocess

    identity = ["-c", "user.name=Test User", "-c", "user.email=test@example.org"]
    command = ["git", "-C", str(root), *identity, *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


# --------------------------------------------------------------------------
# A translated workspace, shared: the
# sample letter translated into fr and es by the tiny Argos models, built once
# per session and copied for each test, since every test changes it.
# --------------------------------------------------------------------------

_TEMPLATES: dict[str, Path] = {}


def translated_copy(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh copy of a workspace where ``r2p-2012`` was translated into fr and es (one commit).

    Git identity is Jane Translator. The tiny fr and es models are installed in
    the test's own ARGOS_PACKAGES_DIR, so a test may translate again.
    """
    from polyletter.commands.translate import translate_letter
    from polyletter.mt.engines.argos import ArgosEngine
    from polyletter.store.workspace import Workspace

    request.getfixturevalue("fr_es_models")
    if "fr-es" not in _TEMPLATES:
        from polyletter.commands.init import init_workspace

        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        template = factory.mktemp("translated-template") / "letters"
        init_workspace(template, example=True)
        git(template, "config", "user.name", "Jane Translator")
        git(template, "config", "user.email", "jane@example.org")
        translate_letter(Workspace.find(template), LETTER, ["fr", "es"], engine=ArgosEngine())
        _TEMPLATES["fr-es"] = template
    root = tmp_path / "letters"
    shutil.copytree(_TEMPLATES["fr-es"], root, symlinks=True)
    (root / ".polyletter" / "cache" / "status.json").unlink(missing_ok=True)
    monkeypatch.chdir(root)
    return Workspace.find(root)


LETTER = "r2p-2012"


@pytest.fixture
def translated(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of a workspace where r2p-2012 was translated into fr and es (see translated_copy).

    The one shared fixture for every test that starts from a translated letter:
    translating once per session instead of once per test.
    """
    return translated_copy(request, tmp_path, monkeypatch)


# --------------------------------------------------------------------------
# Editing fixture files in tests
# --------------------------------------------------------------------------


def edited(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced by ``new``; fails when ``old`` is not there (no silent no-op edit)."""
    assert old in text, f"{old!r} is not in the text any more: the test edits nothing"
    return text.replace(old, new)
