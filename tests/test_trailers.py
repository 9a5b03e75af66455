"""Commit trailers: written and read by one module, by git's own rules."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyletter.store import trailers
from polyletter.store.workspace import Workspace

from .conftest import git

KEYS = st.from_regex(r"\APolyletter-[A-Za-z][A-Za-z0-9-]{0,20}\Z")
VALUES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    max_size=60,
)
PROSE = st.text(
    alphabet=st.characters(whitelist_categories=("L", "Zs"), whitelist_characters=".,"), max_size=80
)


def git_parse(message: str) -> dict[str, str]:
    """What git itself reads as the trailers of ``message`` (``interpret-trailers --parse``)."""
    done = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=message.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    found: dict[str, str] = {}
    for line in done.stdout.decode("utf-8").splitlines():
        key, _, value = line.partition(":")
        found.pop(key, None)
        found[key] = value.strip()
    return found


@settings(max_examples=60, deadline=None)
@given(
    subject=PROSE.filter(lambda s: s.strip()),
    body=st.lists(PROSE, max_size=3),
    marks=st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=6),
)
def test_what_compose_writes_parse_and_git_read_back(subject: str, body: list[str], marks) -> None:
    message = trailers.compose(subject, body, marks)
    expected: dict[str, str] = {}
    for key, value in marks:
        expected.pop(key, None)
        expected[key] = " ".join(value.split())
    assert trailers.parse(message) == expected
    assert git_parse(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "subject only\n",
        "subject\n\nNote: this is prose\nthat goes on after a colon line.\n",
        "subject\n\nPolyletter-Kind: machine\n\nA closing paragraph of prose.\n",
        "subject\n\nPolyletter-Kind: machine\nand a line that is not a trailer\n",
    ],
)
def test_a_last_paragraph_of_prose_holds_no_trailers(message: str) -> None:
    assert trailers.parse(message) == {} == git_parse(message)


def test_key_value_lines_in_the_body_are_not_trailers() -> None:
    """The old log reader took any ``Key: value`` line; a body saying "Polyletter-Kind: x" is prose."""
    message = trailers.compose(
        "polyletter: translate",
        ["Polyletter-Kind: review, says a sentence in the body.", "Second paragraph."],
        [(trailers.KIND, "machine")],
    )
    assert trailers.parse(message) == {trailers.KIND: "machine"} == git_parse(message)


def test_continuation_lines_unfold_like_git() -> None:
    message = "s\n\nPolyletter-Human-fr: paragraph-1,\n  paragraph-2\nPolyletter-Kind: human\n"
    assert trailers.parse(message) == git_parse(message)
    assert trailers.block_list(trailers.parse(message)["Polyletter-Human-fr"]) == [
        "paragraph-1",
        "paragraph-2",
    ]


def test_a_newline_in_a_value_cannot_forge_a_trailer() -> None:
    message = trailers.compose("s", "", [(trailers.REVIEWER, "Ana\nPolyletter-Kind: machine")])
    assert trailers.parse(message) == {trailers.REVIEWER: "Ana Polyletter-Kind: machine"}
    with pytest.raises(ValueError):
        trailers.compose("s", "", [("Bad Key", "x")])


def test_commits_polyletter_made_read_the_same_through_git_log(translated: Workspace) -> None:
    """Every commit of the translated workspace: git's %(trailers) and our parse agree."""
    shas = git(translated.root, "log", "--format=%H").split()
    assert len(shas) >= 2
    for sha in shas:
        body = git(translated.root, "log", "-1", "--format=%B", sha)
        ours = trailers.parse(body)
        assert ours == git_parse(body)
        assert trailers.KIND in ours
    newest = trailers.parse(git(translated.root, "log", "-1", "--format=%B"))
    assert trailers.per_language(newest, trailers.ENGINE_OF).keys() == {"fr", "es"}
