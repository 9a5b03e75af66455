"""The real command line, run as a subprocess the way a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from .conftest import git, needs_apertium
from .test_models import publish


def polyletter(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "polyletter", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """A failure is one line on stderr, a non-zero exit, and no traceback."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in lines[0]


def test_help_starts_without_heavy_imports(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "polyletter", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0
    assert "translate" in result.stdout and "models" in result.stdout
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    heavy = {"ctranslate2", "argostranslate", "docx", "git", "sentencepiece", "babel", "polib"}
    assert not heavy & {name.split(".")[0] for name in imported}


def test_status_imports_only_what_it_uses(translated) -> None:
    """A cold ``status`` on hundreds of letters pays for every import at start-up: it loads the
    glossary, and needs none of the term matching, protection, import or QA machinery."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "polyletter", "status"],
        capture_output=True,
        text=True,
        cwd=translated.root,
    )
    assert result.returncode == 0, result.stderr
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "polyletter.glossary.loading" in imported  # the measurement sees the glossary being loaded
    unused = {"checking", "protection", "importing", "writing", "agreement"}
    assert not {f"polyletter.glossary.{name}" for name in unused} & imported
    assert not {name for name in imported if name.startswith(("polyletter.qa", "polyletter.mt.translator"))}


def test_a_run_builds_only_its_command_and_leaves_the_app_whole(translated, monkeypatch, capsys) -> None:
    """``main`` hands typer only the command named (start-up), and puts the others back after."""
    import typer.main

    from polyletter import cli

    whole = [c.callback for c in cli.app.registered_commands], [g.name for g in cli.app.registered_groups]
    built: list[list[str]] = []
    real = typer.main.get_command

    def spy(app):
        command = real(app)
        built.append(sorted(command.commands))  # type: ignore[attr-defined]
        return command

    monkeypatch.setattr(typer.main, "get_command", spy)
    for argv in (["status"], ["glossary", "--help"], ["nope"]):
        monkeypatch.setattr(sys, "argv", ["polyletter", *argv])
        with pytest.raises(SystemExit):
            cli.main()
        assert (
            [c.callback for c in cli.app.registered_commands],
            [g.name for g in cli.app.registered_groups],
        ) == whole
    assert built[0] == ["status"] and built[1] == ["glossary"]
    assert len(built[2]) == len(whole[0]) + len(whole[1])  # an unknown name: the whole app, as ever
    assert "No such command 'nope'" in capsys.readouterr().err


def test_the_glossary_package_still_offers_every_name_it_lists() -> None:
    import polyletter.glossary as glossary

    for name in glossary.__all__:
        assert getattr(glossary, name).__module__.startswith("polyletter.")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        glossary.nope  # noqa: B018


def test_the_users_day_from_init_to_export(tmp_path: Path, argos_package_factory) -> None:
    assert polyletter("init", "letters-2012", "--example", cwd=tmp_path).returncode == 0
    root = tmp_path / "letters-2012"
    for target in ("fr", "es"):
        installed = polyletter(
            "models", "install", "--file", str(argos_package_factory("en", target)), cwd=root
        )
        assert installed.returncode == 0, installed.stderr
        assert f"installed en->{target} 1.0" in installed.stdout
    listing = polyletter("models", "list", cwd=root)
    assert "en" in listing.stdout and "fr" in listing.stdout and "es" in listing.stdout

    first = polyletter("translate", "r2p-2012", "--to", "fr,es", cwd=root)
    assert first.returncode == 0, first.stderr
    assert "r2p-2012 (fr) updated" in first.stdout
    assert "commit " in first.stdout
    again = polyletter("translate", "translations/en/r2p-2012.md", cwd=root)
    assert again.returncode == 0, again.stderr
    assert "nothing changed; no commit" in again.stdout
    assert "0 sent to the engine" in again.stdout

    exported = polyletter("export", "r2p-2012", "--lang", "es", cwd=root)
    assert exported.returncode == 0, exported.stderr
    document = docx.Document(str(root / "exports" / "r2p-2012.es.docx"))
    assert document.paragraphs[0].text == "23 de marzo de 2012"
    assert git(root, "log", "--format=%s").splitlines() == [
        "polyletter: translate r2p-2012 into fr, es",
        "polyletter: new workspace",
    ]

    removed = polyletter("models", "remove", "en", "es", cwd=root)
    assert removed.returncode == 0 and "removed en->es" in removed.stdout
    assert_clean_error(polyletter("translate", "r2p-2012", cwd=root), "polyletter models install en es")


def test_models_install_from_a_local_index_with_progress(
    tmp_path: Path, argos_package_factory, package_index_server, package_index_dir, monkeypatch
) -> None:
    packages = {(s, t): argos_package_factory(s, t) for s, t in [("en", "fr"), ("en", "es")]}
    publish(package_index_dir, package_index_server, packages)
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_index_server)

    offered = polyletter("models", "list", "--available", cwd=tmp_path)
    assert offered.returncode == 0, offered.stderr
    assert "fr" in offered.stdout and "es" in offered.stdout

    result = polyletter("models", "install", "en", "fr", "es", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "installed en->fr 1.0" in result.stdout and "installed en->es 1.0" in result.stdout
    assert "en->fr 1.0" in result.stdout  # the progress bar's label


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["translate", "r2p-2012"], ["not inside a polyletter workspace", "polyletter init"]),
        (["models", "install", "--file", "missing.argosmodel"], ["missing.argosmodel"]),
        (["models", "remove", "en", "xx"], ["en->xx"]),
    ],
)
def test_errors_outside_a_workspace(tmp_path: Path, args: list[str], needles: list[str]) -> None:
    assert_clean_error(polyletter(*args, cwd=tmp_path), *needles)


def test_a_file_that_is_not_a_model(tmp_path: Path) -> None:
    fake = tmp_path / "fake.argosmodel"
    fake.write_text("not a zip", encoding="utf-8")
    assert_clean_error(polyletter("models", "install", "--file", str(fake), cwd=tmp_path), str(fake))


def test_unreachable_index_says_how_to_install_from_a_file(tmp_path: Path, monkeypatch) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", f"http://127.0.0.1:{port}/")
    result = polyletter("models", "install", "en", "fr", cwd=tmp_path)
    assert_clean_error(result, "--file")


def test_errors_inside_a_workspace_leave_it_clean(tmp_path: Path) -> None:
    assert polyletter("init", "ws", "--example", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    head = git(root, "rev-parse", "HEAD")
    assert_clean_error(polyletter("translate", "nope", cwd=root), "unknown letter 'nope'", "r2p-2012")
    assert_clean_error(polyletter("translate", "r2p-2012", "--to", "fr", cwd=root), "models install en fr")
    assert_clean_error(
        polyletter("translate", "r2p-2012", "--to", "xx-YY", cwd=root), "unknown language code"
    )
    assert_clean_error(
        polyletter("export", "r2p-2012", "--lang", "fr", cwd=root), "translate r2p-2012 --to fr"
    )
    assert_clean_error(polyletter("init", ".", cwd=root), "already a polyletter workspace")
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""


@needs_apertium
@pytest.mark.apertium
def test_a_day_with_apertium_check_status_diff_compare_release(tmp_path: Path) -> None:
    assert polyletter("init", "ws", "--example", "--to", "es", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    translated = polyletter("translate", "r2p-2012", "--engine", "apertium", cwd=root)
    assert translated.returncode == 0, translated.stderr
    # eng-spa does not know "diplomats" nor "fostering" (issue 12), and it addresses the
    # Secretary-General as tu and vosotros: ten informal forms in a formal letter (issue 16).
    assert "check r2p-2012 (es): 12 findings (register 10, unknown 2)" in translated.stdout

    fixed = polyletter("check", "r2p-2012", "--fix", cwd=root)
    assert fixed.returncode == 1 and "--fix repaired 4 blocks" in fixed.stdout, fixed.stdout
    po = (root / "translations/es/r2p-2012.po").read_text("utf-8")
    assert "vuestro" not in po and "obrar con usted" in po and "origin: qa-fix" in po
    assert git(root, "status", "--porcelain") == ""
    checked = polyletter("check", "r2p-2012", "--json", cwd=root)
    assert checked.returncode == 1, checked.stdout
    # The verbs (obrarás, finalizas, instáis) and the clitic "Te" are flagged for a person, not rewritten.
    assert json.loads(checked.stdout)["counts"] == {"register": 4, "unknown": 2}

    released = polyletter("release", "r2p-2012", "v1", cwd=root)
    assert released.returncode == 0 and "polyletter/r2p-2012/v1" in released.stdout

    md = root / "translations/es/r2p-2012.md"
    md.write_text(md.read_text("utf-8").replace("Atentamente,", "Muy atentamente,"), encoding="utf-8")
    state = json.loads(polyletter("status", "--json", cwd=root).stdout)
    assert [(s["lang"], s["state"]) for s in state] == [("es", "edited")]

    folded = polyletter("translate", "r2p-2012", "--engine", "apertium", cwd=root)
    assert folded.returncode == 0 and "0 sent to the engine" in folded.stdout
    diffed = polyletter("diff", "r2p-2012", "--lang", "es", "--since", "v1", cwd=root)
    assert diffed.returncode == 0
    assert "1 block changed" in diffed.stdout and "human edit" in diffed.stdout
    assert "[-Atentamente-]{+Muy atentamente+}," in diffed.stdout  # plain when piped
    history = polyletter("log", "r2p-2012", "--lang", "es", cwd=root).stdout
    assert "human" in history and "machine" in history

    page = tmp_path / "compare.html"
    compared = polyletter("compare", "r2p-2012", "en", "es", "--html", str(page), cwd=root)
    assert compared.returncode == 0, compared.stderr
    html = page.read_text("utf-8")
    assert '<mark class="term">Estados Miembros</mark>' in html and "http" not in html.split("<body")[1]


def test_check_exits_one_on_findings_and_glossary_commands(tmp_path: Path, argos_package_factory) -> None:
    assert polyletter("init", "ws", "--example", "--to", "fr", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    polyletter("models", "install", "--file", str(argos_package_factory("en", "fr")), cwd=root)
    assert polyletter("translate", "r2p-2012", cwd=root).returncode == 0

    checked = polyletter("check", "r2p-2012", "--lang", "fr", cwd=root)
    assert checked.returncode == 1
    assert "glossary" in checked.stdout and "findings" in checked.stdout

    added = polyletter(
        "glossary", "add", "early-warning mechanism", "--fr", "mécanisme d'alerte rapide", cwd=root
    )
    assert added.returncode == 0, added.stderr
    # Like every other writing command, glossary add commits exactly its file, with trailers.
    assert git(root, "status", "--porcelain") == ""
    made = git(root, "log", "-1", "--format=%s%n%(trailers:key=Polyletter-Kind,valueonly)")
    subject, kind = made.split("\n")[:2]
    assert (subject, kind) == ("polyletter: glossary: add 'early-warning mechanism'", "glossary")
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == ["glossary/rtop.yaml"]
    listed = polyletter("glossary", "list", "--lang", "fr", "--json", cwd=root)
    assert {"term": "early-warning mechanism", "fr": "mécanisme d'alerte rapide"} in [
        {"term": row["term"], "fr": row["forms"].get("fr")} for row in json.loads(listed.stdout)
    ]
    conflict = polyletter("glossary", "add", "Member States", "--fr", "Pays membres", cwd=root)
    assert_clean_error(conflict, "already in the glossary")
    assert polyletter("glossary", "check", cwd=root).returncode == 0

    csv = tmp_path / "terms.csv"
    csv.write_text(
        "en,fr,es\nearly warning system,système d'alerte rapide,sistema de alerta temprana\n", "utf-8"
    )
    imported = polyletter("glossary", "import", str(csv), cwd=root)
    assert imported.returncode == 0, imported.stderr
    assert (root / "glossary" / "terms.yaml").exists()
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == ["glossary/terms.yaml"]
    elsewhere = str(tmp_path / "elsewhere.yaml")
    outside = polyletter("glossary", "add", "peace", "--fr", "paix", "--file", elsewhere, cwd=root)
    assert_clean_error(outside, "elsewhere.yaml: is outside the workspace")
    assert not (tmp_path / "elsewhere.yaml").exists()
    (root / "glossary" / "bad.yaml").write_text("terms: [\n", encoding="utf-8")
    bad = polyletter("glossary", "check", cwd=root)
    assert bad.returncode == 1 and "bad.yaml:" in bad.stderr


def test_review_round_trip_and_word_import_from_the_command_line(
    tmp_path: Path, argos_package_factory
) -> None:
    assert polyletter("init", "ws", "--example", "--to", "fr", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    polyletter("models", "install", "--file", str(argos_package_factory("en", "fr")), cwd=root)
    assert polyletter("translate", "r2p-2012", cwd=root).returncode == 0

    exported = polyletter("review", "export", "r2p-2012", "--lang", "fr", cwd=root)
    assert exported.returncode == 0, exported.stderr
    review = root / "exports" / "r2p-2012.fr.review.docx"
    document = docx.Document(str(review))
    table = document.tables[0]
    row = next(r for r in table.rows if r.cells[0].text == "salutation-1")
    row.cells[2].paragraphs[0].runs[0].text = "Votre Excellence,"
    for extra in row.cells[2].paragraphs[0].runs[1:]:
        extra.text = ""
    edited = tmp_path / "back-from-dakar.docx"
    document.save(str(edited))

    imported = polyletter("review", "import", str(edited), "--reviewer", "Awa Ndiaye", cwd=root)
    assert imported.returncode == 0, imported.stderr
    assert "1 block changed by Awa Ndiaye" in imported.stdout
    po = (root / "translations/fr/r2p-2012.po").read_text("utf-8")
    assert 'msgstr "Votre Excellence,"' in po and "origin: review" in po and "by: Awa Ndiaye" in po
    again = polyletter("review", "import", str(edited), "--reviewer", "Awa Ndiaye", cwd=root)
    assert again.returncode == 0 and "nothing changed; no commit" in again.stdout
    assert_clean_error(
        polyletter("review", "import", str(root / "polyletter.toml"), "--reviewer", "X", cwd=root)
    )
    assert git(root, "status", "--porcelain") == ""

    letter = tmp_path / "draft.docx"
    draft = docx.Document()
    for text in (
        "1 June 2013",
        "Dear colleagues,",
        "We write about the " + "dialogue " * 20 + ".",
        "Sincerely,",
    ):
        draft.add_paragraph(text)
    draft.save(str(letter))
    result = polyletter("import", str(letter), "--name", "r2p-2013", cwd=root)
    assert result.returncode == 0, result.stderr
    master = (root / "translations/en/r2p-2013.md").read_text("utf-8")
    assert master.startswith("1 June 2013\n\nDear colleagues,")
    assert git(root, "log", "-1", "--format=%s").strip().startswith("polyletter:")


def test_version(tmp_path: Path) -> None:
    from polyletter import __version__

    result = polyletter("--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"polyletter {__version__}"


def test_an_error_is_one_sentence_then_its_hint(tmp_path: Path) -> None:
    assert polyletter("init", "ws", "--example", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    result = polyletter("translate", "nope", cwd=root)
    assert_clean_error(result, "unknown letter 'nope'. Masters in ")
    import fcntl

    lock = root / ".polyletter" / "lock"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("w") as held:
        fcntl.lockf(held, fcntl.LOCK_EX)
        busy = polyletter("translate", "r2p-2012", "--to", "fr", cwd=root)
    assert_clean_error(busy, "is working in this workspace. Wait for it")


@pytest.mark.parametrize(
    ("message", "hint", "expected"),
    [
        ("unknown letter 'x'", "Masters in a/.", "unknown letter 'x'. Masters in a/."),
        ("is it a model?", "Check it.", "is it a model? Check it."),
        ("done.", "Next.", "done. Next."),
        ("no hint", "", "no hint"),
    ],
)
def test_join_hint(message: str, hint: str, expected: str) -> None:
    from polyletter.errors import PolyletterError

    assert str(PolyletterError(message, hint=hint)) == expected


def test_counts_of_one_are_singular(translated) -> None:
    """'1 blocks stale', '1 findings': every count printed goes through wording.count."""
    from polyletter.qa.checks import CheckReport, QAFinding
    from polyletter.wording import count

    assert [count(n, "block") for n in (0, 1, 2)] == ["0 blocks", "1 block", "2 blocks"]
    root = translated.root
    master = translated.master_path("r2p-2012")
    master.write_text(master.read_text("utf-8").replace("this summer", "this autumn"), "utf-8")
    shown = polyletter("status", cwd=root)
    assert "1 block stale" in shown.stdout, shown.stdout
    report = CheckReport("r2p-2012", ["fr"], [QAFinding("fr", "body-1", "numbers", "a number is missing")])
    assert "1 finding (numbers 1)" in report.summary()


def test_export_into_a_folder_writes_the_usual_name_there(translated, tmp_path: Path) -> None:
    root = translated.root
    folder = tmp_path / "for-partners"
    folder.mkdir()
    exported = polyletter("export", "r2p-2012", "--lang", "fr", "-o", str(folder), cwd=root)
    assert exported.returncode == 0, exported.stderr
    assert docx.Document(str(folder / "r2p-2012.fr.docx")).paragraphs
    reviewed = polyletter("review", "export", "r2p-2012", "--lang", "fr", "-o", str(folder), cwd=root)
    assert reviewed.returncode == 0, reviewed.stderr
    assert docx.Document(str(folder / "r2p-2012.fr.review.docx")).tables
    named = polyletter("export", "r2p-2012", "--lang", "fr", "-o", str(tmp_path / "Lettre.DOCX"), cwd=root)
    assert named.returncode == 0 and (tmp_path / "Lettre.DOCX").is_file()


def test_json_and_quiet(tmp_path: Path, argos_package_factory) -> None:
    """translate/log/diff --json print what the library returns; --quiet prints nothing on success."""
    assert polyletter("init", "ws", "--example", "--to", "fr", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    model = str(argos_package_factory("en", "fr"))
    installed = polyletter("models", "install", "--file", model, "--quiet", cwd=root)
    assert installed.returncode == 0 and installed.stdout == "", installed.stdout

    first = polyletter("translate", "r2p-2012", "--json", cwd=root)
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert data["commit"] == git(root, "rev-parse", "HEAD").strip()
    [fr] = data["languages"]
    assert fr["lang"] == "fr" and fr["engine"].startswith("argos en>fr") and fr["updated"]
    assert fr["blocks_translated"] > 0
    assert set(fr["files_written"]) == {"translations/fr/r2p-2012.po", "translations/fr/r2p-2012.md"}
    assert data["sentences"]["pairs"]["en-fr"]["sent"] == data["sentences"]["sent"] > 0
    assert data["check"]["letter"] == "r2p-2012"

    master = root / "translations/en/r2p-2012.md"
    master.write_text(master.read_text("utf-8").replace("this summer", "this autumn"), "utf-8")
    git(root, "commit", "-qam", "autumn")
    quiet = polyletter("translate", "r2p-2012", "--quiet", cwd=root)
    assert quiet.returncode == 0 and quiet.stdout == "", quiet.stdout
    again = json.loads(polyletter("translate", "r2p-2012", "--json", cwd=root).stdout)
    assert again["commit"] is None and again["sentences"]["sent"] == 0
    assert again["languages"][0]["blocks_reused"] > 0 and not again["languages"][0]["updated"]

    history = json.loads(polyletter("log", "r2p-2012", "--lang", "fr", "--json", cwd=root).stdout)
    assert [entry["kind"] for entry in history] == ["machine", "manual", "machine", "setup"]
    assert history[0]["engines"]["fr"].startswith("argos")
    first_sha = history[2]["sha"]
    changed = json.loads(
        polyletter("diff", "r2p-2012", "--lang", "fr", "--since", first_sha, "--json", cwd=root).stdout
    )
    assert changed["since"]["commit"] == first_sha
    assert [c["cause"] for c in changed["changes"]] == ["master change"]
    assert "autumn" in changed["changes"][0]["master_new"]

    exported = polyletter("export", "r2p-2012", "--lang", "fr", "--quiet", cwd=root)
    assert exported.returncode == 0 and exported.stdout == "" and (root / "exports/r2p-2012.fr.docx").exists()
    review = polyletter("review", "export", "r2p-2012", "--lang", "fr", "-q", cwd=root)
    assert review.returncode == 0 and review.stdout == ""


def test_init_engine_and_the_next_step(tmp_path: Path) -> None:
    made = polyletter("init", "ws", "--example", "--to", "es", "--engine", "apertium", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Next: polyletter translate <letter>" in made.stdout and "models install" not in made.stdout
    from polyletter.store.config import load_config

    assert load_config(tmp_path / "ws" / "polyletter.toml").engine == "apertium"
    plain = polyletter("init", "plain", "--to", "es", cwd=tmp_path)
    assert "Next: polyletter models install en es, then" in plain.stdout
    assert_clean_error(polyletter("init", "bad", "--engine", "deepl", cwd=tmp_path), "unknown engine 'deepl'")
    assert not (tmp_path / "bad").exists()


@needs_apertium
@pytest.mark.apertium
def test_a_missing_model_names_the_engine_that_has_the_pair(tmp_path: Path) -> None:
    assert polyletter("init", "ws", "--example", "--to", "es", cwd=tmp_path).returncode == 0
    failed = polyletter("translate", "r2p-2012", cwd=tmp_path / "ws")
    assert_clean_error(failed, "no argos model for en->es.", "models install en es", "--engine apertium")


@needs_apertium
@pytest.mark.apertium
def test_without_a_git_identity_polyletter_says_so_once_and_how_to_set_it(tmp_path: Path) -> None:
    assert polyletter("init", "ws", "--example", "--to", "es", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    done = polyletter("translate", "r2p-2012", "--engine", "apertium", cwd=root)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "git has no user.name" in line]
    assert len(warnings) == 1 and "git config --global user.name" in warnings[0]
    author = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%an <%ae>"], capture_output=True, text=True
    ).stdout.strip()
    assert author == "polyletter <polyletter@localhost>"

    subprocess.run(["git", "-C", str(root), "config", "user.name", "Awa Ndiaye"], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.email", "awa@example.org"], check=True)
    (root / "translations/es/r2p-2012.po").unlink()
    again = polyletter("translate", "r2p-2012", "--engine", "apertium", cwd=root)
    assert again.returncode == 0 and "git has no user.name" not in again.stderr


@needs_apertium
@pytest.mark.apertium
def test_a_po_editors_header_fields_survive_a_rewrite(tmp_path: Path) -> None:
    assert polyletter("init", "ws", "--example", "--to", "es", cwd=tmp_path).returncode == 0
    root = tmp_path / "ws"
    assert polyletter("translate", "r2p-2012", "--engine", "apertium", cwd=root).returncode == 0
    po = root / "translations/es/r2p-2012.po"
    text = po.read_text(encoding="utf-8")
    fields = (
        '"Last-Translator: Ana Pérez <ana@example.org>\\n"\n"PO-Revision-Date: 2026-11-30 10:00+0100\\n"\n'
    )
    text = text.replace('"Language: es\\n"\n', fields + '"Language: es\\n"\n', 1)
    po.write_text(text.replace('msgstr "Atentamente,"', 'msgstr "Muy atentamente,"'), encoding="utf-8")
    folded = polyletter("translate", "r2p-2012", "--engine", "apertium", cwd=root)
    assert folded.returncode == 0, folded.stderr
    after = po.read_text(encoding="utf-8")
    assert "Last-Translator: Ana Pérez <ana@example.org>" in after
    assert "PO-Revision-Date: 2026-11-30 10:00+0100" in after
    assert 'msgstr "Muy atentamente,"' in after and "origin: human" in after
    assert polyletter("translate", "r2p-2012", "--engine", "apertium", cwd=root).returncode == 0
    assert po.read_text(encoding="utf-8") == after  # a re-run rewrites nothing
