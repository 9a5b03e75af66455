"""Portuguese: o/a/os/as, fused with de (do), em (no), a (ao, à) and por (pelo); um/uma.

A bare "a" before a masculine term is read as the article (an engine's
"a Conselho" becomes "o Conselho"). Inference trusts -ção/-são, -dade,
-tude, -gem and -a (feminine, but the Greek -ma nouns and "dia") and -o,
-or (masculine); -e, -ão and -al words (Tribunal, União, alerta is
masculine) say nothing reliable and must be stated.
"""

from __future__ import annotations

from polyletter.grammar.base import UNKNOWN, Grammar, Rules, head_word

_MASCULINE_A = frozenset({
    "dia", "mapa", "programa", "problema", "sistema", "tema", "clima", "idioma", "planeta",
    "poema", "dilema", "esquema", "lema", "drama", "panorama", "alerta",
})  # fmt: skip
_FEMININE_O = frozenset({"tribo", "foto", "moto", "libido"})


def _singular(word: str) -> tuple[str, str | None]:
    if len(word) < 3 or not word.endswith("s") or word.endswith(("ás", "ês", "ís", "ós", "ús", "us")):
        return word, "sg" if not word.endswith("s") else None
    if word.endswith(("ões", "ães", "ãos")):
        return word[:-3] + "ão", "pl"
    if word.endswith("ns"):
        return word[:-2] + "m", "pl"
    if word.endswith("es") and word[-3] in "rzsl":
        return word[:-2], "pl"
    return word[:-1], "pl"


def infer(form: str) -> Grammar:
    head = head_word(form)
    if head is None:
        return UNKNOWN  # an acronym, an abbreviation (Excmo.), a number
    word, number = _singular(head)
    gender = None
    if word.endswith(("ção", "são", "dade", "tude", "gem")):
        gender = "f"
    elif word.endswith("ão"):
        gender = None  # União and razão, but coração and irmão: the glossary says it
    elif word.endswith("a"):
        gender = "m" if word in _MASCULINE_A else "f"
    elif word.endswith("o"):
        gender = "f" if word in _FEMININE_O else "m"
    elif word.endswith("or"):
        gender = "m"
    return Grammar(gender, number)  # type: ignore[arg-type]


RULES = Rules(
    lang="pt",
    articles={
        ("def", "m", "sg"): "o", ("def", "f", "sg"): "a",
        ("def", "m", "pl"): "os", ("def", "f", "pl"): "as",
        ("indef", "m", "sg"): "um", ("indef", "f", "sg"): "uma",
        ("indef", "m", "pl"): "uns", ("indef", "f", "pl"): "umas",
    },
    prepositions=("de", "em", "a", "por"),
    fused={
        ("de", "o"): "do", ("de", "a"): "da", ("de", "os"): "dos", ("de", "as"): "das",
        ("em", "o"): "no", ("em", "a"): "na", ("em", "os"): "nos", ("em", "as"): "nas",
        ("a", "o"): "ao", ("a", "a"): "à", ("a", "os"): "aos", ("a", "as"): "às",
        ("por", "o"): "pelo", ("por", "a"): "pela", ("por", "os"): "pelos", ("por", "as"): "pelas",
    },
    infer=infer,
    reorders=True,
)  # fmt: skip
