"""A corpus of bad inputs: each gets one line naming the file, a non-zero exit, no traceback,
and leaves the workspace exactly as it was."""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from polyletter.store.workspace import Workspace

from .conftest import git

Setup = Callable[[Path, Path], list[str]]
"""(workspace root, scratch dir) -> the polyletter arguments that must fail."""


def _snapshot(root: Path) -> dict[str, str]:
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith((".git/", ".polyletter/")):
            files[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    files["HEAD"] = git(root, "rev-parse", "HEAD")
    files["index"] = git(root, "diff", "--cached", "--name-status")
    return files


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def _master(name: str, data: str | bytes) -> Setup:
    def setup(root: Path, scratch: Path) -> list[str]:
        _write(root / "translations" / "en" / f"{name}.md", data)
        git(root, "add", "-A")
        git(root, "commit", "-qm", f"add {name}")
        return ["translate", name, "--to", "fr"]

    return setup


def _glossary(name: str, text: str) -> Setup:
    def setup(root: Path, scratch: Path) -> list[str]:
        _write(root / "glossary" / name, text)
        return ["translate", "r2p-2012", "--to", "fr"]

    return setup


def _model(build: Callable[[zipfile.ZipFile], None]) -> Setup:
    def setup(root: Path, scratch: Path) -> list[str]:
        path = scratch / "bad.argosmodel"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            build(archive)
        return ["models", "install", "--file", str(path)]

    return setup


def _metadata(archive: zipfile.ZipFile, top: str = "translate-en_de-1_0") -> None:
    archive.writestr(
        f"{top}/metadata.json", json.dumps({"from_code": "en", "to_code": "de", "type": "translate"})
    )


def _args(*args: str) -> Setup:
    return lambda root, scratch: list(args)


def _config(text: str) -> Setup:
    def setup(root: Path, scratch: Path) -> list[str]:
        (root / "polyletter.toml").write_text(text, encoding="utf-8")
        git(root, "commit", "-qam", "settings")
        return ["translate", "r2p-2012"]

    return setup


def _salutation(root: Path) -> str:
    """Give the French salutation a known one-line msgstr (committed), and return that line."""
    import polib

    path = root / "translations/fr/r2p-2012.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgctxt == "salutation-1").msgstr = "Son Excellence,"
    po.save(str(path))
    git(root, "commit", "-qam", "salutation")
    assert 'msgstr "Son Excellence,"' in path.read_text("utf-8")
    return 'msgstr "Son Excellence,"'


def _merge_in_progress(root: Path, scratch: Path) -> list[str]:
    po = root / "translations/fr/r2p-2012.po"
    salutation = _salutation(root)
    git(root, "switch", "-qc", "partner")
    po.write_text(po.read_text("utf-8").replace(salutation, 'msgstr "Votre Excellence,"'), "utf-8")
    git(root, "commit", "-qam", "partner's salutation")
    git(root, "switch", "-q", "main")
    po.write_text(po.read_text("utf-8").replace(salutation, 'msgstr "Monsieur,"'), "utf-8")
    git(root, "commit", "-qam", "our salutation")
    identity = ["-c", "user.name=Test User", "-c", "user.email=test@example.org"]
    subprocess.run(["git", "-C", str(root), *identity, "merge", "-q", "partner"], capture_output=True)
    assert (root / ".git" / "MERGE_HEAD").exists()
    return ["translate", "r2p-2012", "--to", "fr"]


def _conflict_markers_committed(root: Path, scratch: Path) -> list[str]:
    po = root / "translations/fr/r2p-2012.po"
    salutation = _salutation(root)
    conflict = f'<<<<<<< HEAD\n{salutation}\n=======\nmsgstr "Monsieur,"\n>>>>>>> partner'
    po.write_text(po.read_text("utf-8").replace(salutation, conflict), "utf-8")
    git(root, "commit", "-qam", "a careless merge")
    return ["translate", "r2p-2012", "--to", "fr"]


def _detached(root: Path, scratch: Path) -> list[str]:
    git(root, "checkout", "-q", "--detach")
    return ["translate", "r2p-2012", "--to", "fr"]


def _po_garbage(root: Path, scratch: Path) -> list[str]:
    _write(root / "translations/fr/r2p-2012.po", 'msgid "unterminated\nmsgstr x y z\n')
    git(root, "commit", "-qam", "broken po")
    return ["translate", "r2p-2012", "--to", "fr"]


def _block_added(root: Path, scratch: Path) -> list[str]:
    md = root / "translations/fr/r2p-2012.md"
    first, rest = md.read_text("utf-8").split("\n\n", 1)
    md.write_text(f"{first}\n\nUn bloc ajouté.\n\n{rest}", "utf-8")
    return ["translate", "r2p-2012", "--to", "fr"]


def _md_without_po(root: Path, scratch: Path) -> list[str]:
    """A language version's Markdown with no PO, here or in Git: it may hold human text."""
    _master("orphan", "Dear Excellency,\n\nWe write.\n")(root, scratch)
    _write(root / "translations/fr/orphan.md", "Excellence,\n\nNous écrivons.\n")
    return ["translate", "orphan", "--to", "fr"]


def _link(rel: str, content: str | bytes, args: list[str]) -> Setup:
    """``rel`` in the workspace made a symbolic link to a file outside it (``pw.md -> /etc/passwd``)."""

    def setup(root: Path, scratch: Path) -> list[str]:
        outside = scratch / "outside" / Path(rel).name
        _write(outside, content)
        link = root / rel
        if link.exists():
            link.unlink()
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(outside)
        return [a.replace("{root}", str(root)) for a in args]

    return setup


def _docx(build: Callable[[Path], None], command: str = "review") -> Setup:
    def setup(root: Path, scratch: Path) -> list[str]:
        path = scratch / "partner.docx"
        build(path)
        if command == "template":
            return ["export", "r2p-2012", "--lang", "fr", "--template", str(path)]
        if command == "import":
            return ["import", str(path), "--name", "from-word"]
        return ["review", "import", str(path), "--reviewer", "Awa Ndiaye"]

    return setup


def _corrupt_docx(path: Path) -> None:
    import docx

    docx.Document().save(str(path))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a truncated download


def _docx_without_table(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Thanks, all good!")
    document.core_properties.identifier = "polyletter-review:r2p-2012:fr"
    document.save(str(path))


def _entity_bomb(path: Path) -> None:
    import docx

    docx.Document().save(str(path))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["word/document.xml"] = bomb.encode("utf-8")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


CASES: dict[str, tuple[Setup, str]] = {
    "empty master": (_master("empty", ""), "translations/en/empty.md: letter is empty"),
    "blank master": (_master("blank", "\n  \n\n"), "letter is empty"),
    "binary master": (_master("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary, not text"),
    "latin-1 master": (_master("latin", "Très chère Excellence,\n".encode("latin-1")), "not UTF-8"),
    "20 MB master": (_master("huge", b"All work and no play. " * 950_000), "over the 2 MB limit"),
    "front matter not YAML": (
        _master("fm", "---\ntitle: [x\n---\n\nHello,\n"),
        "front matter is not valid YAML",
    ),
    "front matter not closed": (_master("fm2", "---\ntitle: x\n\nHello,\n"), "never ends"),
    "front matter a list": (_master("fm3", "---\n- a\n---\n\nHello,\n"), "front matter must be YAML"),
    "glossary syntax": (
        _glossary("bad.yaml", "terms:\n  - term: x\n    targets: {fr: [y\n"),
        "glossary/bad.yaml:",
    ),
    "glossary conflict": (
        _glossary(
            "partners.yaml", "version: 1\nterms:\n  - term: Member States\n    targets: {fr: Pays membres}\n"
        ),
        "partners.yaml",
    ),
    "glossary unknown language": (
        _glossary("x.yaml", "version: 1\nterms:\n  - term: early warning\n    targets: {xx: foo}\n"),
        "'xx'",
    ),
    "glossary empty target": (
        _glossary("e.yaml", "version: 1\nterms:\n  - term: early warning\n    targets: {fr: ''}\n"),
        "e.yaml:",
    ),
    "glossary unknown key": (
        _glossary("k.yaml", "version: 1\nterms:\n  - term: early warning\n    tragets: {fr: alerte}\n"),
        "k.yaml:",
    ),
    "model not a zip": (
        lambda root, scratch: ["models", "install", "--file", str(_notzip(scratch))],
        "bad.argosmodel",
    ),
    "model without metadata": (
        _model(lambda z: z.writestr("translate-en_de-1_0/model/model.bin", b"x")),
        "metadata",
    ),
    "model with ../ path": (
        _model(lambda z: (_metadata(z), z.writestr("translate-en_de-1_0/../../evil.txt", b"x"))),
        "bad.argosmodel",
    ),
    "model with absolute path": (
        _model(lambda z: (_metadata(z), z.writestr("/tmp/evil.txt", b"x"))),
        "bad.argosmodel",
    ),
    "model zip bomb": (
        _model(
            lambda z: (_metadata(z), z.writestr("translate-en_de-1_0/model/model.bin", b"\0" * 300_000_000))
        ),
        "bad.argosmodel",
    ),
    "letter name with ../": (_args("translate", "../../../etc/passwd.md"), "not a master letter"),
    "absolute letter path": (_args("translate", "/etc/passwd"), "not a master letter"),
    "shell metacharacters": (_args("translate", "r2p-2012; rm -rf ~"), "not a letter name"),
    "unknown letter": (_args("translate", "r2p-2013"), "unknown letter 'r2p-2013'"),
    "merge in progress": (_merge_in_progress, "a merge is in progress"),
    "conflict markers in a PO": (
        _conflict_markers_committed,
        "translations/fr/r2p-2012.po: has unresolved merge",
    ),
    "detached HEAD": (_detached, "HEAD is detached"),
    "PO that is not a PO": (_po_garbage, "translations/fr/r2p-2012.po: an entry has no msgctxt"),
    "block added by hand": (_block_added, "translations/fr/r2p-2012.md: has 12 blocks"),
    "Markdown without its PO": (_md_without_po, "translations/fr/orphan.md: has no PO next to it"),
    "master linked outside": (
        _link(
            "translations/en/pw.md", "root:x:0:0:root:/root:/bin/bash\n", ["translate", "pw", "--to", "fr"]
        ),
        "translations/en/pw.md: master letter is a symbolic link to",
    ),
    "glossary linked outside": (
        _link("glossary/shared.yaml", "version: 1\nterms: []\n", ["translate", "r2p-2012", "--to", "fr"]),
        "glossary/shared.yaml: glossary is a symbolic link to",
    ),
    "translation linked outside": (
        _link("translations/fr/r2p-2012.md", "Secret.\n", ["translate", "r2p-2012", "--to", "fr"]),
        "translations/fr/r2p-2012.md: translation is a symbolic link to",
    ),
    "PO linked outside": (
        _link("translations/fr/r2p-2012.po", "", ["export", "r2p-2012", "--lang", "fr"]),
        "translations/fr/r2p-2012.po: PO file is a symbolic link to",
    ),
    "template linked outside": (
        _link(
            "letterhead.docx", b"PK", ["export", "r2p-2012", "--lang", "fr", "--template", "letterhead.docx"]
        ),
        "letterhead.docx: template is a symbolic link to",
    ),
    "review file linked outside": (
        _link("partner.docx", b"PK", ["review", "import", "partner.docx", "--reviewer", "Awa Ndiaye"]),
        "partner.docx: review file is a symbolic link to",
    ),
    "settings not TOML": (_config("[project\nsource = 'en'\n"), "polyletter.toml: not valid TOML"),
    "bad page size": (_config("[export]\npage_size = 'A5'\n"), "page_size must be A4 or Letter"),
    "unknown engine": (_args("translate", "r2p-2012", "--engine", "deepl"), "unknown engine 'deepl'"),
    "unknown language": (
        _args("translate", "r2p-2012", "--to", "klingon"),
        "unknown language code 'klingon'",
    ),
    "target is the source": (_args("translate", "r2p-2012", "--to", "en"), "en is the source language"),
    "target is the source in capitals": (
        _args("translate", "r2p-2012", "--to", "EN"),
        "en is the source language",
    ),
    "empty --to": (_args("translate", "r2p-2012", "--to", ""), "--to: no language given"),
    "--to a lone comma": (_args("translate", "r2p-2012", "--to", ","), "--to: no language given"),
    "--to with an empty item": (_args("translate", "r2p-2012", "--to", "fr,"), "--to: empty language code"),
    "unknown region": (_args("translate", "r2p-2012", "--to", "es-ZZ"), "unknown language code 'es-ZZ'"),
    "empty check --lang": (_args("check", "r2p-2012", "--lang", ""), "--lang: no language given"),
    "empty export --lang": (_args("export", "r2p-2012", "--lang", ""), "--lang: empty language code"),
    "unknown log --lang": (_args("log", "r2p-2012", "--lang", "xx"), "--lang: unknown language code 'xx'"),
    "empty diff --lang": (_args("diff", "r2p-2012", "--lang", " "), "--lang: empty language code"),
    "empty review --lang": (_args("review", "export", "r2p-2012", "--lang", ""), "--lang: empty language"),
    "empty compare language": (_args("compare", "r2p-2012", "en", ""), "LANGS: empty language code"),
    "empty models install TO": (_args("models", "install", "en", ""), "TO: empty language code"),
    "empty settings source": (
        _config('[project]\nsource = ""\n'),
        "polyletter.toml: [project] source: empty language code",
    ),
    "unknown settings target": (
        _config('[project]\ntargets = ["fr", "fe"]\n'),
        "polyletter.toml: [project] targets: unknown language code 'fe'",
    ),
    "empty settings target": (
        _config('[project]\ntargets = ["fr", ""]\n'),
        "polyletter.toml: [project] targets: empty language code",
    ),
    "unknown settings pivot": (
        _config('[engine]\npivot = "enx"\n'),
        "polyletter.toml: [engine] pivot: unknown language code 'enx'",
    ),
    "export never translated": (_args("export", "r2p-2012", "--lang", "pt"), "no pt version of r2p-2012"),
    "export to a PDF name": (
        _args("export", "r2p-2012", "--lang", "fr", "-o", "letter.pdf"),
        "letter.pdf: polyletter writes Word files, not .pdf. Name it letter.docx",
    ),
    "review export without a suffix": (
        _args("review", "export", "r2p-2012", "--lang", "fr", "-o", "for-dakar"),
        "for-dakar: polyletter writes Word files, not files without a suffix",
    ),
    "missing model file": (_args("models", "install", "--file", "nowhere.argosmodel"), "nowhere.argosmodel"),
    "review file that is a text file": (
        _docx(lambda p: p.write_text("Corrections: see below", "utf-8")),
        "partner.docx: is not a Word document (.docx): not a zip",
    ),
    "review file truncated": (_docx(_corrupt_docx), "partner.docx"),
    "review file without a table": (_docx(_docx_without_table), "partner.docx"),
    "review file with an entity bomb": (_docx(_entity_bomb), "partner.docx"),
    "review file too large": (
        _docx(lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024))),
        "over the 20 MB limit",
    ),
    "template that is not a DOCX": (
        _docx(lambda p: p.write_text("letterhead", "utf-8"), "template"),
        "partner.docx: is not a Word document",
    ),
    "template with an entity bomb": (_docx(_entity_bomb, "template"), "partner.docx"),
    "Word master with an entity bomb": (_docx(_entity_bomb, "import"), "partner.docx"),
}


def _notzip(scratch: Path) -> Path:
    path = scratch / "bad.argosmodel"
    path.write_text("this is not a zip", encoding="utf-8")
    return path


@pytest.fixture
def french_workspace(translated: Workspace, argos_package_factory) -> Workspace:
    """The shared translated workspace with the en->fr model installed for this test."""
    from polyletter.mt.engines.argos_packages import install_from_file

    install_from_file(argos_package_factory("en", "fr"))
    return translated


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case: str, french_workspace: Workspace, tmp_path: Path) -> None:
    setup, needle = CASES[case]
    root = french_workspace.root
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    args = setup(root, scratch)
    before = _snapshot(root)
    from polyletter.mt.engines.argos_packages import packages_dir

    models_before = sorted(p.name for p in packages_dir().iterdir())

    result = subprocess.run(
        [sys.executable, "-m", "polyletter", *args], cwd=root, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and needle in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert _snapshot(root) == before
    assert sorted(p.name for p in packages_dir().iterdir()) == models_before


def test_a_full_disk_writes_nothing(french_workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from polyletter.cli import app
    from polyletter.store import fileio

    root = french_workspace.root
    master = french_workspace.master_path("r2p-2012")
    master.write_text(master.read_text("utf-8").replace("this summer", "this autumn"), "utf-8")
    git(root, "commit", "-qam", "autumn")
    before = _snapshot(root)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", no_space)
    result = CliRunner().invoke(app, ["translate", "r2p-2012", "--to", "fr"])

    assert result.exit_code == 2
    assert "No space left on device" in result.output and "translations/fr/r2p-2012.po" in result.output
    assert _snapshot(root) == before
    assert not list((root / "translations/fr").glob(".*.tmp"))


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare for a read-only folder")
def test_a_read_only_translations_folder(french_workspace: Workspace) -> None:
    """Root ignores permission bits, so the run happens as nobody in a user namespace."""
    root = french_workspace.root
    master = french_workspace.master_path("r2p-2012")
    master.write_text(master.read_text("utf-8").replace("this summer", "this autumn"), "utf-8")
    git(root, "commit", "-qam", "autumn")
    (root / ".polyletter").chmod(0o777)
    for path in [root, *root.rglob("*")]:
        if ".git" not in path.parts and path.is_dir() and path.name != ".polyletter":
            path.chmod(0o555)
    before = _snapshot(root)
    try:
        result = subprocess.run(
            ["unshare", "-U", sys.executable, "-m", "polyletter", "translate", "r2p-2012", "--to", "fr"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        for path in [root, *root.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
    if "unshare failed" in result.stderr or "Operation not permitted" in result.stderr:
        pytest.skip(f"user namespaces are not available here: {result.stderr.strip()}")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "cannot write" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _snapshot(root) == before
