"""``log`` and ``diff``: the history of a language version, and each block's change with its cause."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from polyletter.commands.diff import (
    ENGINE_CHANGE,
    HUMAN_EDIT,
    MASTER_CHANGE,
    diff_base,
    letter_diff,
    render_diff_text,
    render_ops,
    word_diff,
)
from polyletter.commands.log import letter_log
from polyletter.commands.release import release_letter
from polyletter.commands.translate import translate_letter
from polyletter.errors import LetterNotFoundError, RevisionNotFoundError
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.readers import read_letter
from polyletter.store.catalog import load_catalog
from polyletter.store.versions import render_version, stamp
from polyletter.store.workspace import Workspace

from .conftest import git
from .test_status import LETTER, change_master, edit_md, po_entry

JANE = "Jane Translator <jane@example.org>"
HUMAN_FR = "Nous, organisations soussignées, saluons ce dialogue."




@pytest.fixture
def history(translated: Workspace, fr_es_models) -> Workspace:
    """Machine run (template), then a human fold, then a manual commit of a hand edit in fr."""
    ws = translated
    edit_md(ws, "fr", "paragraph-1", HUMAN_FR)
    translate_letter(translated, LETTER, ["fr"], engine=ArgosEngine())
    edit_md(ws, "fr", "closing-1", "Bien à vous,")
    git(
        ws.root,
        "-c",
        "user.name=Ana Partner",
        "-c",
        "user.email=ana@example.org",
        "commit",
        "-qam",
        "Closing",
    )
    return ws


# --------------------------------------------------------------------------
# log
# --------------------------------------------------------------------------


def test_log_tells_machine_human_and_manual_commits_apart(history: Workspace) -> None:
    log = letter_log(history, LETTER, "fr")
    assert [(e.kind, e.subject) for e in log] == [
        ("manual", "Closing"),
        ("human", "polyletter: fold human edits into r2p-2012 (fr)"),
        ("machine", "polyletter: translate r2p-2012 into fr, es"),
        ("setup", "polyletter: new workspace"),
    ]
    manual, human, machine, init = log
    assert manual.author == "Ana Partner <ana@example.org>" and manual.languages == ["fr"]
    assert manual.files == ["translations/fr/r2p-2012.md"]
    assert human.author == JANE and human.human_blocks == {"fr": ["paragraph-1"]}
    assert machine.kinds == ["machine"] and machine.languages == ["fr"]
    assert machine.engines["fr"].startswith("argos") and "es" not in machine.engines
    assert init.languages == ["en"] and init.files == ["translations/en/r2p-2012.md"]
    assert all(len(e.sha) == 40 and e.date[:4].isdigit() for e in log)


def test_log_of_all_languages_and_of_one(history: Workspace) -> None:
    everything = letter_log(history, LETTER)
    assert everything[2].languages == ["es", "fr"]
    assert set(everything[2].engines) == {"es", "fr"}
    es = letter_log(history, LETTER, "es")
    assert [e.kind for e in es] == ["machine", "setup"]


def test_log_records_blocks_sent_for_review(history: Workspace) -> None:
    change_master(history)
    translate_letter(history, LETTER, ["fr"], engine=ArgosEngine())
    newest = letter_log(history, LETTER, "fr")[0]
    assert newest.kind == "machine, human"  # Ana's committed closing was folded in the same run
    assert newest.kinds == ["machine", "human"]
    assert newest.review_blocks == {"fr": ["paragraph-1"]}
    assert newest.human_blocks == {"fr": ["closing-1"]}
    assert sorted(newest.languages) == ["en", "fr"]  # the master change was committed with it


def test_log_of_an_unknown_letter_is_an_error(translated: Workspace) -> None:
    with pytest.raises(LetterNotFoundError):
        letter_log(translated, "nope")


# --------------------------------------------------------------------------
# diff
# --------------------------------------------------------------------------


def test_diff_shows_the_master_change_that_caused_a_retranslation(
    translated: Workspace, fr_es_models
) -> None:
    ws = translated
    before = po_entry(ws, "fr", "paragraph-1").msgstr
    change_master(ws)
    translate_letter(translated, LETTER, ["fr"], engine=ArgosEngine())

    changes = letter_diff(ws, LETTER, "fr")
    assert [c.block_id for c in changes] == ["paragraph-1"]
    change = changes[0]
    assert change.cause == MASTER_CHANGE and change.kind == "paragraph"
    assert change.old == before and change.new == po_entry(ws, "fr", "paragraph-1").msgstr
    assert change.master_ops[1:5] == [
        ("delete", "during the General Assembly dialogue "),
        ("equal", "this "),
        ("delete", "summer"),
        ("insert", "autumn"),
    ]
    assert "".join(t for op, t in change.ops if op != "insert") == change.old
    assert "".join(t for op, t in change.ops if op != "delete") == change.new


def test_diff_shows_a_hand_edit_even_before_it_is_folded(translated: Workspace) -> None:
    ws = translated
    old = edit_md(ws, "fr", "paragraph-1", HUMAN_FR)
    [change] = letter_diff(ws, LETTER, "fr")
    assert change.cause == HUMAN_EDIT and change.by == JANE
    assert (change.old, change.new) == (old, HUMAN_FR)
    assert po_entry(ws, "fr", "paragraph-1").msgstr == old  # nothing was written


def test_diff_after_a_folded_human_edit_and_a_review(history: Workspace) -> None:
    ws = history
    change_master(ws)
    translate_letter(history, LETTER, ["fr"], engine=ArgosEngine())
    changes = {c.block_id: c for c in letter_diff(ws, LETTER, "fr")}
    assert set(changes) == {"paragraph-1", "closing-1"}
    assert changes["closing-1"].cause == HUMAN_EDIT
    assert changes["closing-1"].by == "Ana Partner <ana@example.org>"
    review = changes["paragraph-1"]
    assert review.cause == MASTER_CHANGE and review.needs_review
    assert "needs review" in review.detail and JANE in review.detail


def test_diff_since_a_release_and_since_a_revision(history: Workspace) -> None:
    ws = history
    release_letter(ws, LETTER, "v1")
    assert diff_base(ws, LETTER, "fr").label == "release v1"
    assert letter_diff(ws, LETTER, "fr") == []

    edit_md(ws, "fr", "paragraph-3", "La société civile joue un rôle essentiel.")
    since_release = letter_diff(ws, LETTER, "fr", since="v1")
    assert [(c.block_id, c.cause) for c in since_release] == [("paragraph-3", HUMAN_EDIT)]
    assert letter_diff(ws, LETTER, "fr") == since_release  # the last release is the default

    first_commit = letter_log(ws, LETTER, "fr")[2].sha  # the machine translation
    since_rev = {c.block_id for c in letter_diff(ws, LETTER, "fr", since=first_commit[:10])}
    assert since_rev == {"paragraph-1", "closing-1", "paragraph-3"}
    assert {c.block_id for c in letter_diff(ws, LETTER, "fr", since="HEAD~1")} == {"closing-1", "paragraph-3"}


def test_an_unknown_since_is_a_one_line_error(history: Workspace) -> None:
    release_letter(history, LETTER, "v1")
    with pytest.raises(RevisionNotFoundError) as caught:
        letter_diff(history, LETTER, "fr", since="v9")
    message = str(caught.value)
    assert "'v9' is neither a release of r2p-2012 nor a git revision" in message
    assert "Releases of r2p-2012: v1." in message and "\n" not in message


def test_a_changed_engine_is_the_cause_when_nothing_else_changed(translated: Workspace) -> None:
    ws = translated
    entries = load_catalog(ws.po_path(LETTER, "fr"))
    text = "Une autre traduction automatique."
    provenance = stamp({"origin": "machine", "engine": "apertium 3.8", "glossary": "0123456789ab"}, text)
    entries["paragraph-2"] = replace(entries["paragraph-2"], translation=text, provenance=provenance)
    master = read_letter(ws.master_path(LETTER), "en")
    for path, rendered in render_version(ws, master, LETTER, "fr", entries):
        path.write_text(rendered, encoding="utf-8")
    git(ws.root, "commit", "-qam", "apertium run")

    [change] = letter_diff(ws, LETTER, "fr")
    assert (change.block_id, change.cause, change.new) == ("paragraph-2", ENGINE_CHANGE, text)
    engine, glossary = change.detail.split("; ")
    assert engine.startswith("argos") and engine.endswith(" -> apertium 3.8")
    assert glossary.startswith("glossary ") and glossary.endswith(" -> 0123456789ab")


def test_diff_of_a_language_never_translated(translated: Workspace) -> None:
    with pytest.raises(LetterNotFoundError, match="r2p-2012 has no pt version"):
        letter_diff(translated, LETTER, "pt")


def test_plain_and_coloured_rendering(translated: Workspace, fr_es_models) -> None:
    ws = translated
    change_master(ws)
    translate_letter(translated, LETTER, ["fr"], engine=ArgosEngine())
    changes = letter_diff(ws, LETTER, "fr")

    plain = render_diff_text(changes, color=False)
    assert "\x1b[" not in plain
    assert plain.startswith(
        "paragraph-1  master change\n  master: … pillar of the Responsibility to Protect (RtoP, R2P) [-during"
    )
    assert "R2P) [-during the General Assembly dialogue -]this [-summer-]{+autumn+}. We" in plain
    assert "this [-summer-]{+autumn+}. We respectfully request your leadership to ensure …\n" in plain
    assert f"\n  fr: {render_ops(changes[0].ops, False)}\n" in plain  # the translation is shown whole
    whole = render_diff_text(changes, color=False, master_context=None)
    assert "\n  master: We, the undersigned civil society organizations" in whole

    coloured = render_diff_text(changes, color=True)
    assert "this \x1b[31msummer\x1b[m\x1b[32mautumn\x1b[m." in coloured
    assert "[-" not in coloured
    assert render_diff_text([], color=True) == ""


@given(st.text(alphabet="ab .,\n", max_size=30), st.text(alphabet="ab .,\n", max_size=30))
def test_word_diff_ops_rebuild_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert "".join(t for op, t in ops if op != "insert") == old
    assert "".join(t for op, t in ops if op != "delete") == new
    assert all(text for _, text in ops)
