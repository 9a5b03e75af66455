"""``release``: an annotated tag recording what was sent, and the refusals that keep it honest."""

from __future__ import annotations

import pytest

from polyletter.commands.release import release_letter
from polyletter.errors import RevisionNotFoundError, WorkspaceStateError
from polyletter.store.releases import list_releases, resolve_since
from polyletter.store.workspace import Workspace

from .conftest import git
from .test_status import LETTER, change_master, edit_md


def _blob(ws: Workspace, rel: str) -> str:
    return git(ws.root, "rev-parse", f"HEAD:{rel}").strip()


def test_the_tag_records_the_master_and_every_version(translated: Workspace) -> None:
    ws = translated
    release = release_letter(ws, LETTER, "v1")

    assert release.tag == "polyletter/r2p-2012/v1" and release.name == "v1"
    assert release.commit == git(ws.root, "rev-parse", "HEAD").strip()
    assert release.tagger == "Jane Translator <jane@example.org>"
    assert release.warnings == [  # nothing imperfect but the Word files never exported (issue 12, item 5)
        f"{lang}: no export (exports/r2p-2012.{lang}.docx); run `polyletter export r2p-2012 --all`"
        for lang in ("en", "es", "fr")
    ]
    assert git(ws.root, "cat-file", "-t", release.tag).strip() == "tag"  # annotated

    message = git(ws.root, "tag", "-l", "--format=%(contents)", release.tag)
    assert message.startswith("polyletter release r2p-2012 v1\n")
    assert "Polyletter-Letter: r2p-2012\n" in message
    assert f"Polyletter-Master-Blob: {_blob(ws, 'translations/en/r2p-2012.md')}\n" in message
    master_commit = git(ws.root, "log", "-1", "--format=%H", "--", "translations/en/r2p-2012.md").strip()
    assert f"Polyletter-Master-Commit: {master_commit}\n" in message

    assert release.master_blob == _blob(ws, "translations/en/r2p-2012.md")
    assert [v.lang for v in release.versions] == ["es", "fr"]
    fr = next(v for v in release.versions if v.lang == "fr")
    assert fr.po_blob == _blob(ws, "translations/fr/r2p-2012.po")
    assert fr.md_blob == _blob(ws, "translations/fr/r2p-2012.md")
    assert fr.entries == 11 and fr.human == 0 and fr.needs_review == 0 and fr.stale == 0
    assert fr.machine + fr.locale == 11 and fr.locale >= 1  # the date comes from CLDR
    assert (
        f"Polyletter-Version-fr: po={fr.po_blob} md={fr.md_blob} entries=11 machine={fr.machine}" in message
    )


def test_human_entries_are_counted_and_listed_newest_first(translated: Workspace, fr_es_models) -> None:
    from polyletter.commands.translate import translate_letter
    from polyletter.mt.engines.argos import ArgosEngine

    ws = translated
    release_letter(ws, LETTER, "v1")
    edit_md(ws, "fr", "paragraph-2", "Publié à temps, le rapport sera utile.")
    translate_letter(translated, LETTER, ["fr"], engine=ArgosEngine())
    release_letter(ws, LETTER, "2012-03-sent")

    releases = list_releases(ws, LETTER)
    assert [r.name for r in releases] == ["2012-03-sent", "v1"]
    assert {v.lang: v.human for v in releases[0].versions} == {"es": 0, "fr": 1}
    assert releases[1].versions[1].human == 0
    assert releases[0].commit != releases[1].commit
    assert list_releases(ws, "other-letter") == []


def test_bad_names_are_refused(translated: Workspace) -> None:
    for bad in ("v 1", "a..b", "-x", "v1.lock", "", "x:y", "x~1", "x/"):
        with pytest.raises(WorkspaceStateError, match="cannot name a release"):
            release_letter(translated, LETTER, bad)
    assert git(translated.root, "tag", "-l") == ""


def test_an_existing_release_is_never_moved(translated: Workspace) -> None:
    ws = translated
    first = release_letter(ws, LETTER, "v1")
    git(ws.root, "commit", "-q", "--allow-empty", "-m", "later")
    with pytest.raises(WorkspaceStateError, match="release 'v1' of r2p-2012 already exists"):
        release_letter(ws, LETTER, "v1")
    assert list_releases(ws, LETTER)[0].commit == first.commit


def test_uncommitted_changes_to_the_letter_are_refused(translated: Workspace) -> None:
    ws = translated
    edit_md(ws, "fr", "closing-1", "Bien à vous,")
    change_master(ws)
    (ws.root / "unrelated.txt").write_text("not the letter's business\n", encoding="utf-8")
    with pytest.raises(WorkspaceStateError) as caught:
        release_letter(ws, LETTER, "v1")
    message = str(caught.value)
    assert (
        "r2p-2012 has uncommitted changes: translations/en/r2p-2012.md, translations/fr/r2p-2012.md"
        in message
    )
    assert "polyletter translate r2p-2012" in message and "commit" in message
    assert "unrelated" not in message
    assert git(ws.root, "tag", "-l") == ""


def test_an_imperfect_version_is_released_with_a_warning(translated: Workspace) -> None:
    ws = translated
    change_master(ws)
    git(ws.root, "commit", "-qam", "master: this autumn")
    release = release_letter(ws, LETTER, "v1")
    versions = [w for w in release.warnings if "export" not in w]
    assert versions == ["fr: 1 block behind the master", "es: 1 block behind the master"]
    assert {v.lang: v.stale for v in release.versions} == {"es": 1, "fr": 1}


def test_resolve_since_prefers_the_release_then_any_revision(translated: Workspace) -> None:
    ws = translated
    release = release_letter(ws, LETTER, "v1")
    git(ws.root, "commit", "-q", "--allow-empty", "-m", "later")
    git(ws.root, "branch", "v1")  # a branch of the same name: the release wins

    since = resolve_since(ws, LETTER, "v1")
    assert (since.commit, since.tag, since.label) == (release.commit, release.tag, "release v1")
    head = resolve_since(ws, LETTER, "HEAD")
    assert head.commit == git(ws.root, "rev-parse", "HEAD").strip() and head.tag is None
    for unknown in ("v2", "--all", "no such thing"):
        with pytest.raises(RevisionNotFoundError, match="neither a release of r2p-2012 nor a git revision"):
            resolve_since(ws, LETTER, unknown)
