"""Sentences: the unit of machine translation and of the cache.

sentencex is rule-based (abbreviation lists for ~300 languages) and needs no
model download. Each sentence keeps the whitespace that followed it so a
translated line is put back together with the same spacing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    text: str
    trailing: str


def split_sentences(line: str, lang: str) -> list[Sentence]:
    """Sentences of one line of text, with their trailing whitespace."""
    from sentencex import segment

    out: list[Sentence] = []
    for piece in segment(lang, line):
        text = piece.rstrip()
        if not text.strip():
            if out:
                out[-1] = Sentence(out[-1].text, out[-1].trailing + piece)
            continue
        out.append(Sentence(text.lstrip(), piece[len(text) :]))
    return out


def join_sentences(sentences: list[Sentence], translations: list[str]) -> str:
    """Put translated sentences back together with the source's spacing."""
    return "".join(t + s.trailing for s, t in zip(sentences, translations, strict=True)).strip()
