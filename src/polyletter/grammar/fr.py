"""French: le/la/les and l' before a vowel or a mute h, du/des/au/aux, un/une.

Elision follows the next word: a vowel or a mute h elides ("l'Assemblée",
"l'ONU", "de l'homme"), an aspirated h does not ("le Haut-Commissariat"), nor
an acronym read letter by letter from a consonant ("le HCDH"). Inference
trusts -tion/-sion/-ion, -ité, -ée, -ance/-ence and -ure (feminine) and
-ment, -age, -isme, -eau, -ier, -at, -eil (masculine); -e words (Cour,
Charte, génocide) say nothing and must be stated.
"""

from __future__ import annotations

import re

from polyletter.grammar.base import UNKNOWN, Grammar, Kind, Number, Rules, head_word, starts_with_vowel

_ASPIRATED = frozenset({
    "haut", "haute", "hauts", "hautes", "hauteur", "hausse", "hiérarchie", "hongrie", "honduras",
    "hollande", "héros", "hasard", "haine", "harcèlement", "handicap", "hameau", "hangar", "hareng",
    "hibou", "hockey", "homard", "honte", "hors", "huit", "huitième", "hutte", "halte",
})  # fmt: skip
_SINGULAR_S = frozenset({"pays", "cas", "bras", "corps", "temps", "fois", "mois", "poids", "discours"})
_SINGULAR_X = frozenset({"paix", "voix", "prix", "choix", "croix", "deux", "faux"})
_MASCULINE_ION = frozenset({"avion", "camion", "million", "milliard", "lion", "pion", "bastion", "espion"})
_FEMININE_AGE = frozenset({"page", "image", "cage", "plage", "rage", "nage"})


def elide(kind: Kind, number: Number, following: str) -> bool:
    if kind != "def" or number != "sg":
        return False
    word = re.split(r"[\s\-'\u2019]", following, maxsplit=1)[0]
    if word[:1] in "hH":
        return not word.isupper() and word.casefold() not in _ASPIRATED
    return starts_with_vowel(word)


def _singular(word: str) -> tuple[str, str | None]:
    if word in _SINGULAR_S or word in _SINGULAR_X:
        return word, "sg"
    if word.endswith(("aux", "eux", "oux")):
        return word[:-1], "pl"
    if word.endswith("s") and not word.endswith(("ès", "us", "is", "ys", "ss")):
        return word[:-1], "pl"
    if word.endswith(("s", "x")):
        return word, None
    return word, "sg"


def infer(form: str) -> Grammar:
    head = head_word(form, -1)
    if head is None:
        return UNKNOWN  # an acronym, an abbreviation (Excmo.), a number
    word, number = _singular(head)
    gender = None
    if word.endswith(("tion", "sion", "xion", "ion")):
        gender = "m" if word in _MASCULINE_ION else "f"
    elif word.endswith(("ité", "iété", "auté", "ée", "ance", "ence", "ure", "ière", "euse", "ette")):
        gender = "f"
    elif word.endswith("age"):
        gender = "f" if word in _FEMININE_AGE else "m"
    elif word.endswith(("ment", "isme", "eau", "ier", "at", "eil", "oir")):
        gender = "m"
    return Grammar(gender, number)  # type: ignore[arg-type]


RULES = Rules(
    lang="fr",
    articles={
        ("def", "m", "sg"): "le", ("def", "f", "sg"): "la",
        ("def", "m", "pl"): "les", ("def", "f", "pl"): "les",
        ("indef", "m", "sg"): "un", ("indef", "f", "sg"): "une",
    },
    prepositions=("de", "à"),
    fused={("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"},
    elide=elide,
    elided="l'",
    infer=infer,
    reorders=True,
)  # fmt: skip
