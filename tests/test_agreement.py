"""The words around the terms: determiners that agree with the glossary's forms, terms in target order.

Unit tests per language for the rules (contractions, French elision, the
capital of the position), property tests that the pass never touches text
away from glossary terms and leaves nothing for ``check`` to find, and the
glossary's grammar as it is written, validated, dumped and hashed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyletter.glossary import load_glossary
from polyletter.glossary.agreement import agree, agreement_findings, placed_forms, source_pairs
from polyletter.grammar import Grammar, infer, rules_for
from polyletter.grammar.base import disagreements

from .conftest import REPO_ROOT

SHIPPED = REPO_ROOT / "src" / "polyletter" / "data" / "glossary" / "rtop.yaml"


@pytest.fixture(scope="module")
def glossary():
    return load_glossary([SHIPPED])


def fixed(glossary, text: str, lang: str, pairs=frozenset()) -> str:
    return agree(glossary, text, lang, pairs).text


# --------------------------------------------------------------------------
# Spanish
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("la Oficina del Naciones Unidas", "la Oficina de las Naciones Unidas"),
        ("el tercer pilar del responsabilidad de proteger",
         "el tercer pilar de la responsabilidad de proteger"),
        ("durante el Asamblea General", "durante la Asamblea General"),
        ("el Oficina del Alto Comisionado de las Naciones Unidas para los Derechos Humanos",
         "la Oficina del Alto Comisionado de las Naciones Unidas para los Derechos Humanos"),
        ("el Estados Miembros del Naciones Unidas y el Unión Europea",
         "los Estados Miembros de las Naciones Unidas y la Unión Europea"),
        ("Al Corte Penal Internacional", "A la Corte Penal Internacional"),
        ("pedimos al Asamblea General", "pedimos a la Asamblea General"),
        ("el apoyo de el Consejo de Seguridad", "el apoyo del Consejo de Seguridad"),
        ("pedimos a el Consejo de Seguridad", "pedimos al Consejo de Seguridad"),
        ("de la genocidio", "del genocidio"),
        ("un Estado Miembro y una genocidio", "un Estado Miembro y un genocidio"),
        ("El comunidad internacional", "La comunidad internacional"),
        ("DEL NACIONES UNIDAS", "DEL NACIONES UNIDAS"),  # not a glossary form in capitals: left alone
        ("las organizaciones regionales", "las organizaciones regionales"),
        ("la Asamblea General de las Naciones Unidas", "la Asamblea General de las Naciones Unidas"),
    ],
)  # fmt: skip
def test_spanish_determiners_agree_with_the_glossary_form(glossary, before: str, after: str) -> None:
    assert fixed(glossary, before, "es") == after


def test_spanish_capital_of_the_position_is_kept(glossary) -> None:
    assert fixed(glossary, "Del Naciones Unidas.", "es") == "De las Naciones Unidas."
    assert fixed(glossary, "Es así. Al Unión Africana", "es") == "Es así. A la Unión Africana"


def test_the_pronoun_el_with_an_accent_is_not_an_article(glossary) -> None:
    assert fixed(glossary, "de él Naciones Unidas", "es") == "de él Naciones Unidas"


def test_a_word_ending_in_el_is_not_an_article(glossary) -> None:
    assert fixed(glossary, "su papel Asamblea General", "es") == "su papel Asamblea General"


# --------------------------------------------------------------------------
# French
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("le Assemblée générale", "l'Assemblée générale"),
        ("Le Assemblée générale", "L'Assemblée générale"),
        ("du Organisation des Nations Unies", "de l'Organisation des Nations Unies"),
        ("de le Conseil de sécurité", "du Conseil de sécurité"),
        ("l'Conseil de sécurité", "le Conseil de sécurité"),
        ("à le Conseil de sécurité", "au Conseil de sécurité"),
        ("à les États Membres", "aux États Membres"),
        ("de les États Membres", "des États Membres"),
        ("au Union africaine", "à l'Union africaine"),
        ("la ONU", "l'ONU"),
        ("le HCDH", "le HCDH"),  # an acronym read letter by letter: h is not a vowel
        ("le Haut-Commissariat des Nations Unies aux droits de l'homme",
         "le Haut-Commissariat des Nations Unies aux droits de l'homme"),  # aspirated h: no elision
        ("l'Haut-Commissariat des Nations Unies aux droits de l'homme",
         "le Haut-Commissariat des Nations Unies aux droits de l'homme"),
        ("des Nations Unies", "des Nations Unies"),
        ("une génocide", "un génocide"),
        ("le société civile", "la société civile"),
        ("la génocide", "le génocide"),
    ],
)  # fmt: skip
def test_french_determiners_agree_and_elide(glossary, before: str, after: str) -> None:
    assert fixed(glossary, before, "fr") == after


def test_french_keeps_a_typographic_apostrophe(glossary) -> None:
    assert fixed(glossary, "le Assemblée générale et l’Union européenne", "fr") == (
        "l'Assemblée générale et l’Union européenne"
    )
    assert fixed(glossary, "l’Conseil de sécurité", "fr") == "le Conseil de sécurité"
    assert fixed(glossary, "dans l’ Assemblée générale", "fr") == "dans l’Assemblée générale"  # no space


# --------------------------------------------------------------------------
# Portuguese
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("o Assembleia Geral", "a Assembleia Geral"),
        ("do Nações Unidas", "das Nações Unidas"),
        ("de o Conselho de Segurança", "do Conselho de Segurança"),
        ("em a União Europeia", "na União Europeia"),
        ("no União Africana", "na União Africana"),
        ("a Conselho de Segurança", "o Conselho de Segurança"),
        ("ao Assembleia Geral", "à Assembleia Geral"),
        ("aos Nações Unidas", "às Nações Unidas"),
        ("pelo comunidade internacional", "pela comunidade internacional"),
        ("um sociedade civil", "uma sociedade civil"),
        ("os Estados-Membros", "os Estados-Membros"),
        ("Do Tribunal Penal Internacional", "Do Tribunal Penal Internacional"),
    ],
)  # fmt: skip
def test_portuguese_determiners_agree_and_contract(glossary, before: str, after: str) -> None:
    assert fixed(glossary, before, "pt") == after


# --------------------------------------------------------------------------
# Inference, and languages without rules
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "form", "expected"),
    [
        ("es", "Naciones Unidas", Grammar("f", "pl")),
        ("es", "comunidad internacional", Grammar("f", "sg")),
        ("es", "Consejo de Seguridad", Grammar("m", "sg")),
        ("es", "crímenes de guerra", Grammar("m", "pl")),
        ("es", "programa regional", Grammar("m", "sg")),
        ("es", "Corte Penal Internacional", Grammar(None, "sg")),  # -e says nothing
        ("es", "ONU", Grammar()),  # acronyms say nothing
        ("es", "crisis", Grammar()),
        ("fr", "Nations Unies", Grammar("f", "pl")),
        ("fr", "Haut-Commissariat", Grammar("m", "sg")),
        ("fr", "société civile", Grammar("f", "sg")),
        ("fr", "Cour pénale internationale", Grammar(None, "sg")),
        ("fr", "pays membres", Grammar(None, "sg")),
        ("pt", "Nações Unidas", Grammar("f", "pl")),
        ("pt", "Estados-Membros", Grammar("m", "pl")),
        ("pt", "União Africana", Grammar(None, "sg")),  # -ão says nothing reliable
        ("pt", "alerta precoce", Grammar("m", "sg")),
        ("ar", "الأمم المتحدة", Grammar()),
    ],
)
def test_inference_trusts_only_reliable_endings(lang: str, form: str, expected: Grammar) -> None:
    assert infer(lang, form) == expected


def test_a_language_without_rules_is_left_alone(glossary) -> None:
    assert rules_for("ru") is None
    text = "Генеральная Ассамблея"
    assert fixed(glossary, text, "ru") == text


def test_an_unknown_gender_leaves_the_determiner_alone(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("version: 1\nterms:\n  - term: Court\n    targets: {es: Corte}\n", "utf-8")
    glossary = load_glossary([path])
    assert fixed(glossary, "del Corte", "es") == "del Corte"  # "Corte" ends in -e: not inferred
    path.write_text(
        "version: 1\nterms:\n  - term: Court\n    targets: {es: {text: Corte, gender: f}}\n", "utf-8"
    )
    assert fixed(load_glossary([path]), "del Corte", "es") == "de la Corte"  # number inferred (sg)


# --------------------------------------------------------------------------
# Terms side by side in English order
# --------------------------------------------------------------------------


def test_adjacent_terms_are_reordered_with_the_article_of_the_qualifier(glossary) -> None:
    pairs = frozenset({("United Nations", "Secretary-General")})
    assert fixed(glossary, "la Oficina del Naciones Unidas Secretario General", "es", pairs) == (
        "la Oficina del Secretario General de las Naciones Unidas"
    )
    pairs = frozenset({("African Union", "Security Council")})
    assert fixed(glossary, "le Union africaine Conseil de sécurité", "fr", pairs) == (
        "le Conseil de sécurité de l'Union africaine"
    )
    assert fixed(glossary, "o União Africana Conselho de Segurança", "pt", pairs) == (
        "o Conselho de Segurança da União Africana"
    )


def test_a_term_that_opened_the_sentence_loses_that_capital_when_it_moves(glossary) -> None:
    pairs = frozenset({("genocide", "Security Council")})
    assert fixed(glossary, "Genocidio Consejo de Seguridad.", "es", pairs) == (
        "Consejo de Seguridad del genocidio."
    )
    pairs = frozenset({("Security Council", "genocide")})
    assert fixed(glossary, "Consejo de Seguridad genocidio.", "es", pairs) == (
        "Genocidio del Consejo de Seguridad."
    )


def test_terms_not_side_by_side_in_the_source_are_not_moved(glossary) -> None:
    text = "las Naciones Unidas Secretario General"
    assert fixed(glossary, text, "es") == "las Naciones Unidas Secretario General"
    assert source_pairs(glossary, "the United Nations, the Secretary-General", "en", "es") == frozenset()
    assert source_pairs(glossary, "genocide Security Council", "en", "es") == {
        ("genocide", "Security Council")
    }


def test_kept_terms_and_names_never_move(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(
        "version: 1\nterms:\n"
        "  - term: Secretary-General\n    targets: {es: {text: Secretario General, gender: m, number: sg}}\n"
        "  - term: Ban Ki-moon\n    keep: true\n",
        "utf-8",
    )
    glossary = load_glossary([path])
    assert source_pairs(glossary, "Secretary-General Ban Ki-moon", "en", "es") == frozenset()
    pairs = frozenset({("Secretary-General", "Ban Ki-moon")})
    assert (
        fixed(glossary, "el Secretario General Ban Ki-moon", "es", pairs)
        == "el Secretario General Ban Ki-moon"
    )


def test_check_reports_what_the_pass_could_not_fix(glossary) -> None:
    source = "We met the genocide Security Council."
    findings = agreement_findings(glossary, source, "Vimos el genocidio Consejo de Seguridad.", "en", "ru")
    assert findings == []  # no such terms in ru: nothing matched
    findings = agreement_findings(glossary, source, "Vimos la genocidio Consejo de Seguridad.", "en", "es")
    assert [check for check, _ in findings] == ["agreement", "word-order"]
    assert "'la' before 'genocidio' (m sg) should be 'el'" in findings[0][1]
    assert "adjacent terms, word order to review" in findings[1][1]


# --------------------------------------------------------------------------
# Properties: nothing away from the terms changes, nothing is left for check
# --------------------------------------------------------------------------

FILLER = {
    "es": ["el", "la", "del", "al", "de", "a", "los", "las", "un", "apoyo", "papel", "y", ",", "él", "Él",
           "dice"],
    "fr": ["le", "la", "les", "l'", "du", "des", "au", "de", "à", "appui", "et", ",", "elle", "Le", "dit"],
    "pt": ["o", "a", "os", "as", "do", "da", "no", "ao", "à", "de", "em", "apoio", "e", ",", "diz"],
}  # fmt: skip
FORMS = {
    "es": ["Naciones Unidas", "Asamblea General", "Consejo de Seguridad", "genocidio", "Estados Miembros",
           "Corte Penal Internacional", "sociedad civil", "ONU", "ONG"],
    "fr": ["Nations Unies", "Assemblée générale", "Conseil de sécurité", "génocide", "États Membres",
           "Haut-Commissariat des Nations Unies aux droits de l'homme", "Union africaine", "ONU", "HCDH"],
    "pt": ["Nações Unidas", "Assembleia Geral", "Conselho de Segurança", "genocídio", "Estados-Membros",
           "Tribunal Penal Internacional", "União Europeia", "ONU", "ACNUDH"],
}  # fmt: skip


def texts(lang: str) -> st.SearchStrategy[str]:
    word = st.sampled_from(FILLER[lang] + FORMS[lang])
    return st.lists(word, min_size=1, max_size=14).map(" ".join)


def _outside_terms(glossary, text: str, lang: str, forms: list[str] | None = None) -> list[str]:
    """The text between glossary forms, each piece without the determiner that ends it.

    ``forms`` are the forms to cut at, in order (by default those placed in ``text``): the repaired
    text is cut where its input was, since a repaired article may join two terms into a longer one
    ("Assembleia Geral de Nações Unidas" -> "Assembleia Geral das Nações Unidas", one term).
    """
    rules = rules_for(lang)
    if forms is None:
        forms = [text[item.start : item.end] for item in placed_forms(glossary, text, lang)]
    pieces, pos = [], 0
    for form in forms:
        start = text.find(form, pos)
        assert start >= 0, (form, text)  # the pass never changes a form itself
        gap = text[pos:start]
        read = rules.read(gap)
        pieces.append(gap[: read[0]] if read else gap)
        pieces.append(form)
        pos = start + len(form)
    pieces.append(text[pos:])
    return pieces


@pytest.mark.parametrize("lang", ["es", "fr", "pt"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_pass_changes_only_determiners_right_before_terms(glossary, lang: str, data) -> None:
    text = data.draw(texts(lang))
    out = fixed(glossary, text, lang)
    forms = [text[item.start : item.end] for item in placed_forms(glossary, text, lang)]
    assert _outside_terms(glossary, out, lang, forms) == _outside_terms(glossary, text, lang, forms)


@pytest.mark.parametrize("lang", ["es", "fr", "pt"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_after_the_pass_check_finds_no_disagreement_and_a_second_pass_changes_nothing(
    glossary, lang: str, data
) -> None:
    out = fixed(glossary, data.draw(texts(lang)), lang)
    assert disagreements(out, placed_forms(glossary, out, lang), rules_for(lang)) == []
    assert fixed(glossary, out, lang) == out
    if lang == "es":
        for form in FORMS["es"]:  # whole words: "la el Consejo" holds "a el Consejo" but no preposition
            assert not re.search(rf"(?<!\w)(?:de|a) el {re.escape(form)}", out), out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from("abcdel ,.'AÉé"), max_size=40))
def test_text_without_glossary_forms_is_never_touched(glossary, text: str) -> None:
    for lang in ("es", "fr", "pt"):
        assert fixed(glossary, text, lang) == text


# --------------------------------------------------------------------------
# The glossary's grammar: written, validated, dumped, hashed
# --------------------------------------------------------------------------


def test_every_translated_term_of_the_shipped_glossary_states_its_grammar(glossary) -> None:
    """Every UN body and R2P term states gender and number in fr, es, pt (forms of address aside)."""
    unstated = []
    for term in glossary.terms:
        if term.keep or term.term in ("H.E.",):
            continue
        for lang in ("fr", "es", "pt"):
            forms = term.target(lang)
            stated = dict(forms.stated) if forms else {}
            grammar = stated.get(forms.preferred) if forms else None
            if grammar is None or not grammar.known:
                unstated.append(f"{term.term} ({lang})")
    assert unstated == []


def test_a_target_with_grammar_loads_and_dumps_back(tmp_path: Path) -> None:
    from polyletter.glossary import dump_terms

    path = tmp_path / "g.yaml"
    path.write_text(
        "version: 1\nterms:\n  - term: President\n    targets:\n"
        "      fr: {text: Président, variants: [{text: Présidente, gender: f}, Pdt],"
        " gender: m, number: sg}\n",
        "utf-8",
    )
    term = load_glossary([path]).terms[0]
    forms = term.targets["fr"]
    assert forms.forms == ("Président", "Présidente", "Pdt")
    assert forms.grammar_of("Président", "fr") == Grammar("m", "sg")
    assert forms.grammar_of("présidente", "fr") == Grammar("f", "sg")  # gender stated, number inferred
    again = tmp_path / "again.yaml"
    again.write_text(dump_terms([term]), "utf-8")
    assert load_glossary([again]).terms[0].targets["fr"] == forms


@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("{text: Corte, gender: x}", "gender of the es target of 'Court' must be m or f, not 'x'"),
        ("{text: Corte, number: 3}", "number of the es target of 'Court' must be sg or pl, not 3"),
        ("{text: Corte, genre: f}", "unknown key 'genre' in the es target of 'Court'"),
        ("{gender: f}", "the es target of 'Court' has no `text:`"),
    ],
)
def test_a_bad_grammar_is_a_one_line_error_with_file_and_line(
    tmp_path: Path, target: str, needle: str
) -> None:
    from polyletter.glossary import check_glossary

    path = tmp_path / "g.yaml"
    path.write_text(f"version: 1\nterms:\n  - term: Court\n    targets:\n      es: {target}\n", "utf-8")
    problems = [str(p) for p in check_glossary([path])]
    assert problems and needle in problems[0], problems
    assert f"{path}:5" in problems[0] and "\n" not in problems[0]


def test_stated_grammar_counts_in_the_hash_and_no_grammar_hashes_as_before(tmp_path: Path) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text("version: 1\nterms:\n  - term: Court\n    targets: {es: Corte}\n", "utf-8")
    mapped = tmp_path / "mapped.yaml"
    mapped.write_text("version: 1\nterms:\n  - term: Court\n    targets: {es: {text: Corte}}\n", "utf-8")
    stated = tmp_path / "stated.yaml"
    stated.write_text(
        "version: 1\nterms:\n  - term: Court\n    targets: {es: {text: Corte, gender: f}}\n", "utf-8"
    )
    hashes = [load_glossary([p]).content_hash for p in (plain, mapped, stated)]
    assert hashes[0] == hashes[1] != hashes[2]


def test_a_repaired_article_may_join_two_terms_into_the_longer_one(glossary) -> None:
    """Found by the property above: "do" before "Nações Unidas" becomes "das", and the letter then
    reads as the compound term "Assembleia Geral das Nações Unidas" -- right, and no word changed
    but the article."""
    text = "diz Assembleia Geral do Nações Unidas"
    out = fixed(glossary, text, "pt")
    assert out == "diz Assembleia Geral das Nações Unidas"
    forms = [text[item.start : item.end] for item in placed_forms(glossary, text, "pt")]
    assert _outside_terms(glossary, out, "pt", forms) == _outside_terms(glossary, text, "pt", forms)
