"""Spanish: el/la/los/las, del/al, un/una; "de el" and "a el" are always fused.

Inference reads the head (the first word) and only trusts endings that hold
for the nouns of letters: -ción/-sión/-ión, -dad/-tad/-tud, -umbre and -a are
feminine (but the Greek -ma nouns, "día" and "mapa"), -o, -or, -aje and -men
masculine; -e and acronyms (Corte, ONU) say nothing and must be stated.
The feminine nouns that take "el" (stressed a-: "el agua") do not occur in
the glossary's terms and are not handled.
"""

from __future__ import annotations

from polyletter.grammar.base import UNKNOWN, Grammar, Rules, head_word

_MASCULINE_A = frozenset({
    "día", "mapa", "programa", "problema", "sistema", "tema", "clima", "idioma", "planeta",
    "poema", "dilema", "esquema", "lema", "drama", "panorama", "síntoma", "trauma", "dogma",
})  # fmt: skip
_FEMININE_O = frozenset({"mano", "radio", "foto", "moto", "libido"})
_MASCULINE_ION = frozenset({"avión", "camión", "gorrión", "sarampión", "aluvión", "guion", "guión"})
_FEMININE_OR = frozenset({"flor", "labor", "coliflor"})


def _singular(word: str) -> tuple[str, str | None]:
    """The word's singular and its number, where the ending says so."""
    if len(word) < 3 or not word.endswith("s") or word.endswith(("is", "ís", "ás", "és", "ós", "ús", "us")):
        return word, "sg" if not word.endswith("s") else None
    if word.endswith("es") and word[-3] in "dnrlzjy":
        stem = word[:-2]
        return (stem[:-1] + "z" if stem.endswith("c") else stem), "pl"
    return word[:-1], "pl"


def infer(form: str) -> Grammar:
    head = head_word(form)
    if head is None:
        return UNKNOWN  # an acronym, an abbreviation (Excmo.), a number
    word, number = _singular(head)
    gender = None
    if word.endswith(("ción", "sión", "cion", "sion", "ión", "ion")):
        gender = "m" if word in _MASCULINE_ION else "f"
    elif word.endswith(("dad", "tad", "tud", "umbre")):
        gender = "f"
    elif word.endswith("a"):
        gender = "m" if word in _MASCULINE_A else "f"
    elif word.endswith("o"):
        gender = "f" if word in _FEMININE_O else "m"
    elif word.endswith(("or", "aje", "men")):
        gender = "f" if word in _FEMININE_OR else "m"
    return Grammar(gender, number)  # type: ignore[arg-type]


RULES = Rules(
    lang="es",
    articles={
        ("def", "m", "sg"): "el", ("def", "f", "sg"): "la",
        ("def", "m", "pl"): "los", ("def", "f", "pl"): "las",
        ("indef", "m", "sg"): "un", ("indef", "f", "sg"): "una",
        ("indef", "m", "pl"): "unos", ("indef", "f", "pl"): "unas",
    },
    prepositions=("de", "a"),
    fused={("de", "el"): "del", ("a", "el"): "al"},
    infer=infer,
    reorders=True,
)  # fmt: skip
