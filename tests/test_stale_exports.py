"""Exports that no longer show their language version (issue 12, item 5).

After ``review import`` the Word export still held the old text, ``status``
said up-to-date and ``release`` tagged without a word. Each export records the
commit it was built from; a later commit to its master, PO or Markdown makes
it stale, in ``status`` (table and JSON) and as a ``release`` warning.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx

from polyletter.store.workspace import Workspace

from .conftest import git
from .test_cli import polyletter


def _status(root: Path) -> dict[str, dict]:
    result = polyletter("status", "--json", cwd=root)
    assert result.returncode == 0, result.stderr
    return {item["lang"]: item for item in json.loads(result.stdout)}


def _review_salutation(root: Path, lang: str, text: str, scratch: Path) -> None:
    """A partner's review of ``lang`` that corrects the salutation, imported through the CLI."""
    exported = polyletter("review", "export", "r2p-2012", "--lang", lang, cwd=root)
    assert exported.returncode == 0, exported.stderr
    document = docx.Document(str(root / "exports" / f"r2p-2012.{lang}.review.docx"))
    row = next(r for r in document.tables[0].rows if r.cells[0].text == "salutation-1")
    runs = row.cells[2].paragraphs[0].runs
    runs[0].text = text
    for extra in runs[1:]:
        extra.text = ""
    edited = scratch / f"back.{lang}.docx"
    document.save(str(edited))
    imported = polyletter("review", "import", str(edited), "--reviewer", "Awa Ndiaye", cwd=root)
    assert imported.returncode == 0, imported.stderr


def test_a_review_import_makes_the_export_stale_in_status_and_release(
    translated: Workspace, tmp_path: Path
) -> None:
    root = translated.root
    assert polyletter("export", "r2p-2012", "--all", cwd=root).returncode == 0
    before = _status(root)
    assert {lang: (v["state"], v["export"]) for lang, v in before.items()} == {
        "fr": ("up-to-date", "current"),
        "es": ("up-to-date", "current"),
    }

    _review_salutation(root, "es", "Estimada Excelencia,", tmp_path)
    after = _status(root)
    assert after["es"]["export"] == "stale" and after["es"]["state"] == "export-stale"
    assert "export-stale" in after["es"]["flags"]
    assert after["fr"]["export"] == "current" and after["fr"]["state"] == "up-to-date"
    table = polyletter("status", cwd=root).stdout
    es_line = next(line for line in table.splitlines() if line.startswith("r2p-2012") and " es " in line)
    assert "export stale" in es_line and "polyletter export r2p-2012 --lang es" in es_line

    released = polyletter("release", "r2p-2012", "v1", cwd=root)
    assert released.returncode == 0, released.stderr
    warnings = [line for line in released.stdout.splitlines() if line.startswith("warning:")]
    assert any("es: export exports/r2p-2012.es.docx is stale" in w for w in warnings), released.stdout
    assert not any("fr:" in w or "en:" in w for w in warnings), warnings

    assert polyletter("export", "r2p-2012", "--lang", "es", cwd=root).returncode == 0
    assert _status(root)["es"]["export"] == "current"
    again = polyletter("release", "r2p-2012", "v2", cwd=root)
    assert again.returncode == 0 and "warning:" not in again.stdout, again.stdout


def test_release_warns_about_a_missing_export_and_a_master_changed_since(translated: Workspace) -> None:
    root = translated.root
    assert polyletter("export", "r2p-2012", "--all", cwd=root).returncode == 0
    (root / "exports/r2p-2012.fr.docx").unlink()
    master = root / "translations/en/r2p-2012.md"
    master.write_text(master.read_text("utf-8").replace("Sincerely,", "Yours sincerely,"), "utf-8")
    git(root, "commit", "-qam", "master: closing")
    assert polyletter("translate", "r2p-2012", cwd=root).returncode == 0

    statuses = _status(root)
    assert statuses["fr"]["export"] == "none" and statuses["es"]["export"] == "stale"
    released = polyletter("release", "r2p-2012", "v1", cwd=root)
    assert released.returncode == 0, released.stderr
    assert "warning: fr: no export (exports/r2p-2012.fr.docx)" in released.stdout
    assert "warning: en: export exports/r2p-2012.en.docx is stale" in released.stdout
    assert "warning: es: export exports/r2p-2012.es.docx is stale" in released.stdout


def _set_core(path: Path, identifier: str, description: str = "Built by polyletter") -> None:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    core = parts["docProps/core.xml"].decode("utf-8")
    start, end = core.index("<dc:identifier>"), core.index("</dc:identifier>")
    core = core[: start + len("<dc:identifier>")] + identifier + core[end:]
    start, end = core.index("<dc:description>"), core.index("</dc:description>")
    parts["docProps/core.xml"] = (core[: start + len("<dc:description>")] + description + core[end:]).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_an_export_that_does_not_name_a_commit_of_this_history_is_stale(
    translated: Workspace, tmp_path: Path
) -> None:
    root = translated.root
    assert polyletter("export", "r2p-2012", "--all", cwd=root).returncode == 0
    head = git(root, "rev-parse", "HEAD").strip()
    trap = tmp_path / "written-by-git"
    cases = {
        "fr": f"--output={trap}",  # read from a file: must never reach git as an option
        "es": "0" * 40,
    }
    for lang, identifier in cases.items():
        _set_core(root / f"exports/r2p-2012.{lang}.docx", identifier)
    (root / "exports/r2p-2012.en.docx").write_bytes(b"not a zip")
    statuses = _status(root)
    assert {lang: v["export"] for lang, v in statuses.items()} == {"fr": "stale", "es": "stale"}
    assert "not a commit of this repository" in statuses["es"]["export_detail"]
    assert not trap.exists()

    _set_core(
        root / "exports/r2p-2012.fr.docx", head, f"Built by polyletter from commit {head} with uncommitted"
    )
    assert _status(root)["fr"]["export_detail"] == "built from files not committed"
    released = polyletter("release", "r2p-2012", "v1", cwd=root)
    assert "en: export exports/r2p-2012.en.docx is stale (not a polyletter export" in released.stdout
