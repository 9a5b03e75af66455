"""Work on a long paragraph is bounded per position: what a bounded look-ahead reads is what reading
the whole rest of the line would read.

``status_bench``/``scaling_bench`` measure the speed; these tests hold the bounded shortcuts to the
plain definitions they replace, on generated text (names after cues, words of any length).
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from polyletter.document import names
from polyletter.document.names import name_after, names_after_cues


def unbounded_name_after(text: str, start: int) -> str | None:
    """``name_after`` as first written: the whole rest of the line split into words."""
    line = text[start:].split("\n", 1)[0]
    words: list[str] = []
    for raw in re.split(r"[ \t\u00a0]", line):
        word = re.sub(r"(?:['\u2019]s)?[,;:)\].!?\u2026]*$", "", raw)
        if names._is_initial(raw):
            word = raw
        if not word or raw[:1] in '(["\u201c':
            break
        if not (names._is_name_word(word) or names._is_initial(word) or (words and word in names._PARTICLES)):
            break
        words.append(word)
        if (word != raw and not names._is_initial(raw)) or len(words) >= names._MAX_WORDS:
            break
    while words and (words[-1] in names._PARTICLES or names._is_initial(words[-1])):
        words.pop()
    return " ".join(words) if words else None


word = st.one_of(
    st.sampled_from(["Ban", "Ki-moon", "de", "van", "C.", "Dr.", "Mr.", "Ms", "O'Neil", "the", "UN,"]),
    st.text(alphabet="AbcdeXYZ-.", min_size=1, max_size=90),  # words longer than the look-ahead too
)
separator = st.sampled_from([" ", " ", "\t", "\u00a0", "\n", ", "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(word, separator), max_size=40), st.integers(0, 600))
def test_the_bounded_look_ahead_reads_what_the_whole_line_would(parts, start) -> None:
    text = "".join(w + s for w, s in parts)
    start = min(start, len(text))
    assert name_after(text, start) == unbounded_name_after(text, start)


def test_a_long_paragraph_with_many_cues_finds_every_name() -> None:
    sentence = "We thank Secretary-General Ban Ki-moon and Special Adviser Dr. Edward Luck. "
    text = sentence * 2000  # 150 KB, 4,000 cues
    found = list(names_after_cues(text))
    assert len(found) == 4000
    assert {name for name, _ in found} == {"Ban Ki-moon", "Edward Luck"}
