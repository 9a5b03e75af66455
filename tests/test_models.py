"""Model management against real (tiny) Argos packages and a real local HTTP index.

Nothing here is mocked: packages are genuine CTranslate2 + SentencePiece models
built by :mod:`polyletter.testing.argos_model`, installs go through
argostranslate, and downloads go over HTTP to a server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import zipfile
from pathlib import Path

import pytest

from polyletter.errors import ConfigError, ModelError, PackageIndexError
from polyletter.mt.engines import argos_packages as models
from polyletter.mt.engines.argos_packages import InstalledModel
from polyletter.testing.argos_model import build_argos_package

# ----------------------------------------------------------------- helpers


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with file contents, to prove nothing changed."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def leftovers() -> list[str]:
    """Staging/trash directories polyletter may have left next to or in packages_dir()."""
    root = models.packages_dir()
    places = [root.parent, root]
    return [
        p.name
        for place in places
        if place.exists()
        for p in place.iterdir()
        if p.name.startswith(".polyletter-")
    ]


def unpack(package: Path, dest: Path) -> Path:
    with zipfile.ZipFile(package) as archive:
        archive.extractall(dest)
    (top,) = list(dest.iterdir())
    return top


def rezip(source: Path, dest: Path, *, edit=None, extra=()) -> Path:
    """Copy ``source`` zip to ``dest``, optionally rewriting members and adding some.

    ``edit(name, data)`` returns new bytes, or ``None`` to drop the member.
    ``extra`` is a sequence of ``(ZipInfo or name, bytes)`` to append.
    """
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if edit is not None:
                data = edit(info.filename, data)
                if data is None:
                    continue
            out.writestr(info, data)
        for name, data in extra:
            out.writestr(name, data)
    return dest


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def en_fr(argos_package_factory) -> Path:
    return argos_package_factory("en", "fr")


# ----------------------------------------------------------------- the builder


def test_builder_makes_a_package_ctranslate2_and_sentencepiece_can_use(en_fr, tmp_path):
    import ctranslate2
    import sentencepiece as spm

    assert en_fr.name == "translate-en_fr-1_0.argosmodel"
    with zipfile.ZipFile(en_fr) as archive:
        names = set(archive.namelist())
    assert {
        "translate-en_fr-1_0/metadata.json",
        "translate-en_fr-1_0/README.md",
        "translate-en_fr-1_0/sentencepiece.model",
        "translate-en_fr-1_0/model/model.bin",
        "translate-en_fr-1_0/model/config.json",
        "translate-en_fr-1_0/model/shared_vocabulary.json",
    } <= names
    assert {name.split("/")[0] for name in names} == {"translate-en_fr-1_0"}

    top = unpack(en_fr, tmp_path / "x")
    metadata = json.loads((top / "metadata.json").read_text())
    assert metadata["from_code"] == "en" and metadata["to_code"] == "fr"
    assert metadata["package_version"] == "1.0" and metadata["type"] == "translate"
    assert metadata["links"] == [] and "target_prefix" not in metadata

    sp = spm.SentencePieceProcessor(model_file=str(top / "sentencepiece.model"))
    vocabulary = json.loads((top / "model" / "shared_vocabulary.json").read_text())
    assert vocabulary == [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    assert vocabulary[:3] == ["<unk>", "<s>", "</s>"]

    translator = ctranslate2.Translator(str(top / "model"))
    sources = ["We welcome the opportunity to discuss the third pillar.", "23 March 2012"]
    tokens = [sp.encode(text, out_type=str) for text in sources]
    assert all(t != "<unk>" for sentence in tokens for t in sentence)
    results = translator.translate_batch(tokens, max_decoding_length=20)
    assert len(results) == 2
    known = set(vocabulary)
    for result in results:
        hypothesis = result.hypotheses[0]
        assert 0 < len(hypothesis) <= 20
        assert set(hypothesis) <= known
        assert isinstance(sp.decode_pieces(hypothesis), str)


def test_builder_is_deterministic_and_honours_target_prefix(tmp_path):
    import ctranslate2

    first = build_argos_package(tmp_path / "a", "en", "es", target_prefix="__es__", seed=3)
    second = build_argos_package(tmp_path / "b", "en", "es", target_prefix="__es__", seed=3)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        for name in ("sentencepiece.model", "model/model.bin", "metadata.json"):
            member = f"translate-en_es-1_0/{name}"
            assert a.read(member) == b.read(member), name

    top = unpack(first, tmp_path / "x")
    assert json.loads((top / "metadata.json").read_text())["target_prefix"] == "__es__"
    assert "__es__" in json.loads((top / "model" / "shared_vocabulary.json").read_text())
    translator = ctranslate2.Translator(str(top / "model"))
    result = translator.translate_batch(
        [["▁the", "▁letter"]], target_prefix=[["__es__"]], max_decoding_length=8
    )
    assert result[0].hypotheses[0][0] == "__es__"


def test_builder_rejects_impossible_shapes(tmp_path):
    with pytest.raises(ValueError, match="divisible"):
        build_argos_package(tmp_path, "en", "fr", d_model=30, num_heads=4)


# ----------------------------------------------------------------- paths and listing


def test_packages_dir_follows_the_environment_at_call_time(monkeypatch, tmp_path):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "explicit"))
    assert models.packages_dir() == tmp_path / "explicit"
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert models.packages_dir() == tmp_path / "xdg" / "argos-translate" / "packages"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = tmp_path / "home" / ".local" / "share" / "argos-translate" / "packages"
    assert models.packages_dir() == expected


def test_installed_models_skips_what_is_not_a_translate_package():
    root = models.packages_dir()
    (root / "no-metadata").mkdir(parents=True)
    (root / "broken").mkdir()
    (root / "broken" / "metadata.json").write_text("{not json")
    (root / "sbd").mkdir()
    (root / "sbd" / "metadata.json").write_text(json.dumps({"type": "sbd", "from_code": "en"}))
    (root / "translate-de_en-1_0").mkdir()
    (root / "translate-de_en-1_0" / "metadata.json").write_text(
        json.dumps({"from_code": "de", "to_code": "en", "package_version": "1.0"})
    )
    assert models.installed_models() == [InstalledModel("de", "en", "1.0", root / "translate-de_en-1_0")]
    assert models.find_installed("de", "en") is not None
    assert models.find_installed("en", "de") is None


def test_index_url_normalisation(monkeypatch):
    assert models.index_url() == models.DEFAULT_INDEX + "index.json"
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://mirror.example/argos")
    assert models.index_url() == "http://mirror.example/argos/index.json"
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://mirror.example/argos/")
    assert models.index_url() == "http://mirror.example/argos/index.json"


# ----------------------------------------------------------------- install / remove


def test_install_from_file_then_list_and_argostranslate_sees_it(en_fr):
    installed = models.install_from_file(en_fr)
    expected = InstalledModel("en", "fr", "1.0", models.packages_dir() / "translate-en_fr-1_0")
    assert installed == expected
    assert models.installed_models() == [expected]
    assert models.find_installed("en", "fr") == expected
    assert leftovers() == []

    import argostranslate.package

    packages = argostranslate.package.get_installed_packages()
    assert [(p.from_code, p.to_code, p.package_version) for p in packages] == [("en", "fr", "1.0")]


def test_reinstalling_a_newer_version_replaces_the_old_one(argos_package_factory):
    models.install_from_file(argos_package_factory("en", "fr", "1.0"))
    models.install_from_file(argos_package_factory("en", "es", "1.0"))
    models.install_from_file(argos_package_factory("en", "fr", "2.0"))
    assert [(m.from_code, m.to_code, m.version) for m in models.installed_models()] == [
        ("en", "es", "1.0"),
        ("en", "fr", "2.0"),
    ]
    assert not (models.packages_dir() / "translate-en_fr-1_0").exists()
    # The same version again replaces in place.
    models.install_from_file(argos_package_factory("en", "fr", "2.0"))
    assert len(models.installed_models()) == 2
    assert leftovers() == []


def test_remove_model(en_fr):
    models.install_from_file(en_fr)
    removed = models.remove_model("en", "fr")
    assert (removed.from_code, removed.to_code, removed.version) == ("en", "fr", "1.0")
    assert models.installed_models() == []
    assert not removed.path.exists()
    assert leftovers() == []
    with pytest.raises(ModelError, match="no en->fr model is installed"):
        models.remove_model("en", "fr")


# ----------------------------------------------------------------- validation


def _not_a_zip(src: Path, dest: Path) -> Path:
    dest.write_text("this is not a zip archive\n")
    return dest


def _no_metadata(src: Path, dest: Path) -> Path:
    return rezip(src, dest, edit=lambda n, d: None if n.endswith("metadata.json") else d)


def _metadata_not_json(src: Path, dest: Path) -> Path:
    return rezip(src, dest, edit=lambda n, d: b"{oops" if n.endswith("metadata.json") else d)


def _metadata_without_to_code(src: Path, dest: Path) -> Path:
    def edit(name: str, data: bytes) -> bytes:
        if name.endswith("metadata.json"):
            meta = json.loads(data)
            del meta["to_code"]
            return json.dumps(meta).encode()
        return data

    return rezip(src, dest, edit=edit)


def _dotdot_member(src: Path, dest: Path) -> Path:
    return rezip(src, dest, extra=[("translate-en_fr-1_0/../evil", b"pwned")])


def _absolute_member(src: Path, dest: Path) -> Path:
    return rezip(src, dest, extra=[("/tmp/evil", b"pwned")])


def _drive_member(src: Path, dest: Path) -> Path:
    return rezip(src, dest, extra=[("C:/evil", b"pwned")])


def _backslash_member(src: Path, dest: Path) -> Path:
    return rezip(src, dest, extra=[("translate-en_fr-1_0\\..\\..\\evil", b"pwned")])


def _symlink_member(src: Path, dest: Path) -> Path:
    info = zipfile.ZipInfo("translate-en_fr-1_0/link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return rezip(src, dest, extra=[(info, b"/etc/passwd")])


def _two_top_folders(src: Path, dest: Path) -> Path:
    return rezip(src, dest, extra=[("other-folder/readme.txt", b"hi")])


def _zip_bomb(src: Path, dest: Path) -> Path:
    """A 64 MiB member of zeros; it deflates to ~64 KiB, a ratio of ~1000."""
    rezip(src, dest)
    with (
        zipfile.ZipFile(dest, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("translate-en_fr-1_0/model/padding.bin", "w") as member,
    ):
        zeros = bytes(1024 * 1024)
        for _ in range(64):
            member.write(zeros)
    assert dest.stat().st_size < 2 * 1024 * 1024
    return dest


BAD_PACKAGES = {
    "not-a-zip": (_not_a_zip, "not a zip archive"),
    "no-metadata": (_no_metadata, "no translate-en_fr-1_0/metadata.json"),
    "metadata-not-json": (_metadata_not_json, "not valid JSON"),
    "metadata-no-to-code": (_metadata_without_to_code, "'to_code'"),
    "dotdot": (_dotdot_member, "'..'"),
    "absolute": (_absolute_member, "absolute path"),
    "drive-letter": (_drive_member, "absolute path"),
    "backslash": (_backslash_member, "backslash"),
    "symlink": (_symlink_member, "symbolic link"),
    "two-top-folders": (_two_top_folders, "single top-level folder"),
    "zip-bomb": (_zip_bomb, "zip bomb"),
}


@pytest.mark.parametrize("case", sorted(BAD_PACKAGES))
def test_bad_packages_are_refused_and_change_nothing(case, argos_package_factory, tmp_path):
    make, expected = BAD_PACKAGES[case]
    models.install_from_file(argos_package_factory("en", "es"))
    before = tree(models.packages_dir())
    bad = make(argos_package_factory("en", "fr"), tmp_path / f"{case}.argosmodel")

    with pytest.raises(ModelError) as validated:
        models.validate_package(bad)
    message = str(validated.value)
    assert expected in message
    assert str(bad) in message and "\n" not in message

    with pytest.raises(ModelError) as installing:
        models.install_from_file(bad)
    assert str(installing.value) == message
    assert tree(models.packages_dir()) == before
    assert leftovers() == []
    assert not (tmp_path / "evil").exists()


def test_total_size_limit_is_a_parameter(en_fr):
    assert models.validate_package(en_fr)["to_code"] == "fr"
    with pytest.raises(ModelError, match="unpacks to more than 1000 bytes"):
        models.validate_package(en_fr, max_total_size=1000)


def test_damaged_model_is_refused_after_unpacking_and_old_version_survives(argos_package_factory, tmp_path):
    models.install_from_file(argos_package_factory("en", "fr", "1.0"))
    before = tree(models.packages_dir())
    damaged = rezip(
        argos_package_factory("en", "fr", "2.0"),
        tmp_path / "damaged.argosmodel",
        edit=lambda n, d: b"garbage" * 100 if n.endswith("model.bin") else d,
    )
    models.validate_package(damaged)  # structurally fine: the damage shows only on load
    with pytest.raises(ModelError, match="damaged") as err:
        models.install_from_file(damaged)
    assert str(damaged) in str(err.value)
    assert tree(models.packages_dir()) == before
    assert [m.version for m in models.installed_models()] == ["1.0"]
    assert leftovers() == []


# ----------------------------------------------------------------- the package index


def publish(directory: Path, base_url: str, packages: dict[tuple[str, str], Path]) -> None:
    """Copy packages into the served directory and write an index.json listing them."""
    entries = []
    for package in packages.values():
        (directory / package.name).write_bytes(package.read_bytes())
        meta = models.validate_package(package)
        entries.append({**meta, "links": [base_url + package.name]})
    (directory / "index.json").write_text(json.dumps(entries))


def test_install_from_index_downloads_with_progress(
    argos_package_factory, package_index_server, package_index_dir, monkeypatch
):
    packages = {
        ("en", "fr"): argos_package_factory("en", "fr"),
        ("en", "es"): argos_package_factory("en", "es"),
        ("fr", "en"): argos_package_factory("fr", "en"),
    }
    publish(package_index_dir, package_index_server, packages)
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_index_server)

    offered = models.available_models(timeout=5)
    assert [(m.from_code, m.to_code) for m in offered] == [("en", "es"), ("en", "fr"), ("fr", "en")]
    assert offered[1].links == (package_index_server + "translate-en_fr-1_0.argosmodel",)

    calls: list[tuple[str, int, int | None]] = []
    installed = models.install_from_index("en", ["fr", "es"], progress=lambda *args: calls.append(args))
    assert [(m.from_code, m.to_code) for m in installed] == [("en", "fr"), ("en", "es")]
    assert [(m.from_code, m.to_code) for m in models.installed_models()] == [
        ("en", "es"),
        ("en", "fr"),
    ]

    for (from_code, to_code), package in packages.items():
        if from_code != "en":
            continue
        label = f"en->{to_code} 1.0"
        done = [c[1] for c in calls if c[0] == label]
        assert done[0] == 0 and done[-1] == package.stat().st_size
        assert done == sorted(done) and len(set(done)) > 2  # streamed in several chunks
        assert {c[2] for c in calls if c[0] == label} == {package.stat().st_size}

    downloads = Path(os.environ["XDG_CACHE_HOME"]) / "argos-translate" / "downloads"
    assert list(downloads.iterdir()) == []
    assert leftovers() == []


def test_unreachable_index_suggests_installing_from_a_file(monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/"
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", url)
    before = tree(models.packages_dir())
    with pytest.raises(PackageIndexError) as err:
        models.install_from_index("en", ["fr"])
    message = str(err.value)
    assert url + "index.json" in message
    assert "polyletter models install --file" in message and "\n" not in message
    assert tree(models.packages_dir()) == before


def test_unknown_pair_names_it_and_lists_what_is_offered(
    argos_package_factory, package_index_server, package_index_dir, monkeypatch
):
    publish(package_index_dir, package_index_server, {("en", "fr"): argos_package_factory("en", "fr")})
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_index_server)
    calls = []
    with pytest.raises(ModelError) as err:
        models.install_from_index("en", ["fr", "xx"], progress=lambda *a: calls.append(a))
    assert not isinstance(err.value, PackageIndexError)
    assert "en->xx" in str(err.value) and "en->fr" in str(err.value)
    assert calls == [] and models.installed_models() == []  # checked before downloading

    with pytest.raises(ModelError, match="nothing from 'de'"):
        models.install_from_index("de", ["en"])


def test_index_that_is_not_json(package_index_server, package_index_dir, monkeypatch):
    (package_index_dir / "index.json").write_text("<html>not found</html>")
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_index_server)
    with pytest.raises(PackageIndexError, match="not valid JSON"):
        models.available_models()


def test_broken_download_link_is_a_package_index_error(
    argos_package_factory, package_index_server, package_index_dir, monkeypatch
):
    publish(package_index_dir, package_index_server, {("en", "fr"): argos_package_factory("en", "fr")})
    (package_index_dir / "translate-en_fr-1_0.argosmodel").unlink()
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_index_server)
    with pytest.raises(PackageIndexError) as err:
        models.install_from_index("en", ["fr"])
    assert "HTTP 404" in str(err.value) and "--file" in str(err.value)
    assert models.installed_models() == []
    downloads = Path(os.environ["XDG_CACHE_HOME"]) / "argos-translate" / "downloads"
    assert list(downloads.iterdir()) == []


def test_downloaded_package_for_the_wrong_pair_is_refused(
    argos_package_factory, package_index_server, package_index_dir, monkeypatch
):
    wrong = argos_package_factory("en", "es")
    (package_index_dir / wrong.name).write_bytes(wrong.read_bytes())
    entry = {
        "from_code": "en",
        "to_code": "fr",
        "package_version": "1.0",
        "links": [package_index_server + wrong.name],
    }
    (package_index_dir / "index.json").write_text(json.dumps([entry]))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_index_server)
    with pytest.raises(ModelError, match="en->es model, but en->fr was expected"):
        models.install_from_index("en", ["fr"])
    assert models.installed_models() == []


def test_install_takes_any_spelling_and_a_regional_code_gets_its_base_model(
    argos_package_factory, package_index_server, package_index_dir, monkeypatch
):
    """Issue 12, item 8: `models install EN es_MX` installs en->es (Argos models are per language)."""
    publish(package_index_dir, package_index_server, {("en", "es"): argos_package_factory("en", "es")})
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_index_server)
    installed = models.install_from_index("EN", ["es_MX", "ES"])
    assert [(m.from_code, m.to_code) for m in installed] == [("en", "es")]
    with pytest.raises(ConfigError, match="TO: empty language code"):
        models.install_from_index("en", [" "])
