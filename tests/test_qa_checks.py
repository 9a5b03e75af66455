"""Every QA check of the registry, each on a sentence it must flag and one it must not.

False positives matter as much as misses: an acronym is not a misplaced
capital, "Nous nous" is not a doubled word, a year is not a badly formatted
number. The checks run through the registry (``run_checks``), as ``check`` runs them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from polyletter.document.letter import Block, BlockKind, Letter
from polyletter.glossary import Glossary
from polyletter.glossary.loading import load_glossary
from polyletter.qa.base import RENDERED
from polyletter.qa.checks import CheckReport, run_checks
from polyletter.qa.registry import BY_ID, CHECKS
from polyletter.store.catalog import Entry

from .conftest import REPO_ROOT

P = BlockKind.PARAGRAPH


@pytest.fixture(scope="module")
def rtop() -> Glossary:
    return load_glossary([REPO_ROOT / "glossary" / "rtop.yaml"])


def found(
    check_id: str,
    source: str,
    translation: str,
    target: str = "es",
    *,
    kind: BlockKind = P,
    glossary: Glossary | None = None,
    flags: tuple[str, ...] = (),
    origin: str = "machine",
    source_lang: str = "en",
) -> list[str]:
    """The messages one check gives for a one-block letter."""
    block = Block(f"{kind.value}-1", kind, tuple(source.split("\n")))
    entry = Entry(block.id, block.text, translation, provenance={"origin": origin}, flags=flags)
    letter = Letter((block,), source_lang)
    result = run_checks(letter, {block.id: entry}, glossary, source_lang, target, checks=[BY_ID[check_id]])
    return [f.message for f in result.findings]


def fixed(
    check_id: str, source: str, translation: str, target: str = "es", source_lang: str = "en"
) -> str | None:
    block = Block("paragraph-1", P, (source,))
    entry = Entry(block.id, source, translation, provenance={"origin": "machine"})
    result = run_checks(
        Letter((block,), source_lang), {block.id: entry}, None, source_lang, target, checks=[BY_ID[check_id]]
    )
    return result.findings[0].fix if result.findings else None


# -- the registry ---------------------------------------------------------------


def test_every_check_has_a_unique_id_a_name_and_a_one_line_description() -> None:
    ids = [check.check_id for check in CHECKS]
    assert len(ids) == len(set(ids))
    names = [check.name for check in CHECKS]
    assert len(names) == len(set(names))
    for check in CHECKS:
        assert check.check_id == check.check_id.lower() and " " not in check.check_id
        assert check.name and check.description and "\n" not in check.description
        assert check.flag == f"ignore-{check.check_id}"
        assert type(check).check.__doc__ or type(check).__doc__ or check.description  # says why
    assert {
        "empty",
        "needs-review",
        "unknown",
        "placeholder",
        "numbers",
        "names",
        "formatting",
        "identical",
    } <= set(ids)
    assert {"formula", "glossary", "keep-term", "agreement", "word-order", "untranslated", "length"} <= set(
        ids
    )


def test_the_flag_silences_its_check_and_only_it() -> None:
    block = Block("paragraph-1", P, ("We support the the plan of 2 million people.",))
    text = "Apoyamos el el plan de 3 millones de personas."
    letter = Letter((block,), "en")
    loud = run_checks(letter, {block.id: Entry(block.id, block.text, text)}, None, "en", "es")
    assert {f.check for f in loud.findings} >= {"doubled", "numbers"} and loud.silenced == 0
    quiet_entry = Entry(block.id, block.text, text, flags=("ignore-doubled",))
    quiet = run_checks(letter, {block.id: quiet_entry}, None, "en", "es")
    assert "doubled" not in {f.check for f in quiet.findings} and "numbers" in {
        f.check for f in quiet.findings
    }
    assert quiet.silenced == 1
    report = CheckReport("x", ["es"])
    report.add(quiet)
    assert report.summary().endswith("; 1 silenced")


def test_rendered_blocks_get_only_their_own_checks() -> None:
    runs_there = {c.check_id for c in CHECKS if c.rendered_too}
    assert runs_there == {"needs-review", "unknown", "placeholder", "numbers"}
    block = Block("signatories-1", BlockKind.SIGNATORIES, ("Aegis Trust (United Kingdom)",))
    assert block.kind in RENDERED
    messages = found(
        "names", "Aegis Trust (United Kingdom)", "Aegis Fund (Reino Unido)", kind=BlockKind.SIGNATORIES
    )
    assert messages == ["signatory names changed: Aegis Trust"]
    assert not found(
        "doubled", "Aegis Trust (United Kingdom)", "Aegis Aegis (Reino Unido)", kind=BlockKind.SIGNATORIES
    )


# -- the checks polyletter always had (same ids, same messages) ---------------------


def test_empty_and_needs_review() -> None:
    assert found("empty", "We welcome it.", "") == ["no translation"]
    assert not found("empty", "We welcome it.", "Lo celebramos.")
    block = Block("paragraph-1", P, ("We welcome it.",))
    stale = Entry(block.id, "We welcomed it.", "Lo celebramos.")
    result = run_checks(
        Letter((block,), "en"), {block.id: stale}, None, "en", "es", checks=[BY_ID["needs-review"]]
    )
    assert "the master changed" in result.findings[0].message
    assert not found("needs-review", "We welcome it.", "Lo celebramos.")


def test_glossary_findings_name_the_entry_relative_to_the_workspace(tmp_path: Path) -> None:
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "mini.yaml").write_text(
        "version: 1\nterms:\n  - term: Member States\n    targets:\n      es: Estados Miembros\n", "utf-8"
    )
    glossary = load_glossary([tmp_path / "glossary" / "mini.yaml"], root=tmp_path)
    block = Block("paragraph-1", P, ("Member States agree.",))
    entry = Entry(block.id, block.text, "Los países están de acuerdo.")
    result = run_checks(
        Letter((block,), "en"), {block.id: entry}, glossary, "en", "es", checks=[BY_ID["glossary"]]
    )
    [finding] = result.findings
    assert finding.glossary == "glossary/mini.yaml:3"
    assert "glossary glossary/mini.yaml:3" in finding.message and str(tmp_path) not in finding.message
    assert finding.to_dict()["glossary"] == "glossary/mini.yaml:3"


# -- doubled words -----------------------------------------------------------------


def test_doubled_word() -> None:
    assert found("doubled", "the report of the dialogue", "el informe de de el diálogo") == [
        "doubled word 'de de'"
    ]
    assert (
        fixed("doubled", "the report of the dialogue", "el informe de de el diálogo")
        == "el informe de el diálogo"
    )


@pytest.mark.parametrize(
    ("target", "translation"),
    [
        ("fr", "Nous nous félicitons de ce dialogue."),
        ("fr", "Vous vous êtes engagé."),
        ("es", "Los puntos 1 1 y 2."),  # numbers are the numbers check's
        ("es", "Visitamos Bora Bora."),  # as the source has it
        ("es", "salad salad salad"),  # a loop: repetition's finding, not two doubles
    ],
)
def test_not_a_doubled_word(target: str, translation: str) -> None:
    assert not found("doubled", "We welcome this dialogue, points 1 1, Bora Bora.", translation, target)


# -- repetition loops --------------------------------------------------------------


def test_repetition_loop() -> None:
    [message] = found("repetition", "A salad.", "Una ensalada ensalada ensalada ensalada.")
    assert "'ensalada' repeated 4 times" in message
    [phrase] = found(
        "repetition",
        "The United Nations.",
        "Las Naciones Unidas de las Naciones Unidas de las Naciones Unidas de",
    )
    assert "repeated 3 times" in phrase
    assert fixed("repetition", "A salad.", "Una ensalada ensalada ensalada.") == "Una ensalada."


def test_not_a_repetition_loop() -> None:
    assert not found("repetition", "It is very, very, very urgent.", "Es muy, muy, muy urgente.")
    assert not found("repetition", "We, we said.", "Nosotros, nosotros dijimos.")  # twice is not a loop


# -- end punctuation ---------------------------------------------------------------


def test_end_punctuation_differs() -> None:
    assert found("end-punctuation", "Will you act?", "Actuará.") == [
        "the source ends with question mark, the translation with full stop"
    ]
    assert found("end-punctuation", "We recommend that the Council:", "Recomendamos que el Consejo.")
    assert found("end-punctuation", "We welcome it.", "Lo celebramos")


@pytest.mark.parametrize(
    ("source", "translation", "target", "kind"),
    [
        ("Will you act?", "هل ستتصرف؟", "ar", P),  # the Arabic question mark is a question mark
        ("We wait...", "Esperamos…", "es", P),
        ("He said “we act.”", "Dijo «actuamos».", "es", P),  # inside or outside the quote
        ("Sincerely,", "Atentamente:", "es", BlockKind.CLOSING),  # formulas follow their language
        ("Excellency,", "Excelencia:", "es", BlockKind.SALUTATION),
        ("Recommendations", "Recomendaciones:", "es", BlockKind.HEADING),
        ("Condemn the coup;", "Condenar el golpe,", "es", P),  # comma vs semicolon: the language's call
    ],
)
def test_end_punctuation_accepted(source: str, translation: str, target: str, kind: BlockKind) -> None:
    assert not found("end-punctuation", source, translation, target, kind=kind)


# -- unpaired quotes and brackets -------------------------------------------------


def test_unpaired() -> None:
    assert found("unpaired", "the (RtoP) norm", "la norma (RtoP") == [
        "( … ) opened and not closed (1 unpaired)"
    ]
    assert found("unpaired", "the “third pillar” report", "el informe «tercer pilar")
    assert found("unpaired", 'the "third pillar" report', 'el informe "tercer pilar')


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        ("the “third pillar” report", "le rapport « troisième pilier »", "fr"),  # quotes change style
        ("the role of the UN", "le rôle de l’ONU aujourd’hui", "fr"),  # apostrophes are not quotes
        ("a) first; b) second", "a) primero; b) segundo", "es"),  # the source's own list markers
        ("the “Third Pillar” report", "der „dritte Pfeiler“ Bericht", "de"),
    ],
)
def test_paired(source: str, translation: str, target: str) -> None:
    assert not found("unpaired", source, translation, target)


# -- URLs and e-mail addresses ----------------------------------------------------


def test_urls_and_emails_carried_over() -> None:
    source = "See https://www.globalr2p.org/resources/ or write to info@globalr2p.org."
    assert found(
        "urls", source, "Vea https://www.globalr2p.org/recursos/ o escriba a info@globalr2p.org."
    ) == ["the URL https://www.globalr2p.org/resources/ is not in the translation intact"]
    assert found(
        "urls", source, "Vea https://www.globalr2p.org/resources/ o escriba a info @ globalr2p.org."
    ) == ["the e-mail address info@globalr2p.org is not in the translation intact"]
    assert not found(
        "urls", source, "Vea https://www.globalr2p.org/resources/ o escriba a info@globalr2p.org."
    )
    linked = "See [our site](https://r2p.org/a)."  # a link's target is the formatting check's
    assert not found("urls", linked, "Vea [nuestro sitio](https://r2p.org/b).")


# -- misplaced capitals -----------------------------------------------------------


def test_misplaced_capitals() -> None:
    assert found("capitals", "the Member States", "los eStados Miembros") == [
        "misplaced capital in 'eStados'"
    ]
    assert found("capitals", "the Member States", "los EStados Miembros") == [
        "misplaced capital in 'EStados'"
    ]
    assert found("capitals", "Secretary-General Ban Ki-moon", "Secretario General ban Ki-moon") == [
        "ban Ki: the source writes 'Ban' with a capital"
    ]


def test_acronyms_and_known_casings_are_not_misplaced_capitals(rtop: Glossary) -> None:
    source = "RtoP, R2P and UNHCR, as the iPhone app of OHCHR says; NGOs"
    assert not found(
        "capitals", source, "RtoP, R2P y ACNUR, como dice la app de iPhone del ACNUDH; ONGs", glossary=rtop
    )
    assert not found("capitals", "the responsibility to protect", "la RdP", glossary=rtop)
    assert not found("capitals", "Secretary-General Ban Ki-moon", "Secretario General Ban Ki-moon")
    assert not found("capitals", "Staffan de Mistura", "Staffan de Mistura")


# -- numbers in the target's format -------------------------------------------------


def test_number_format() -> None:
    assert found("number-format", "700,000 people", "700,000 personnes", "fr") == [
        "'700,000' is not how fr writes the number: '700\\u202f000'"
    ]
    assert found("number-format", "700,000 people", "700 000 personnes", "fr")  # a plain space breaks
    assert found("number-format", "700,000 people", "700,000 personas", "es")
    assert found("number-format", "2.5 million", "2.5 millones", "es")
    assert fixed("number-format", "700,000 people", "700,000 personas", "es") == "700.000 personas"


def test_a_french_master_grouped_with_plain_spaces_is_read_as_grouped() -> None:
    """Cameroon's letter: "plus de 3 000 civils ... 700 000 personnes", typed with plain spaces."""
    source = "Depuis 2016, plus de 3 000 civils ont été tués et plus de 700 000 personnes déplacées."
    spanish = "Desde 2016, más de 3 000 civiles han sido matados y más de 700 000 personas desplazadas."
    assert found("number-format", source, spanish, "es", source_lang="fr") == [
        "'3 000' is not how es writes the number: '3.000'",
        "'700 000' is not how es writes the number: '700.000'",
    ]
    assert fixed("number-format", source, spanish, "es", source_lang="fr") == spanish.replace(
        "3 000", "3.000"
    ).replace("700 000", "700.000")
    good = "Desde 2016, más de 3000 civiles han sido matados y más de 700.000 personas desplazadas."
    assert not found("number-format", source, good, "es", source_lang="fr")
    # A comma-grouping source does not start reading spaces: "on the 12 300 people" is two numbers.
    assert not found("number-format", "on the 12 300 people came", "el 12 300 personas", "es")


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        ("700,000 people", "700\u202f000 personnes", "fr"),
        ("700,000 people", "700\u00a0000 personnes", "fr"),
        ("700,000 people", "700.000 personas", "es"),
        ("700,000 people", "700.000 Menschen", "de"),
        ("7,000 people", "7000 personas", "es"),  # CLDR's Spanish minimum grouping
        ("in 2012 and 1325", "en 2012 y 1325", "es"),  # years and resolutions carry no separator
        ("section 1.2 of the report", "sección 1.2 del informe", "es"),
        ("2 million people", "2 millones de personas", "es"),
        ("700,000 people", "٧٠٠٬٠٠٠ شخص", "ar"),
    ],
)
def test_number_format_accepted(source: str, translation: str, target: str) -> None:
    assert not found("number-format", source, translation, target)


# -- glossary: forbidden forms -------------------------------------------------------


def test_avoid_reports_a_forbidden_form_with_its_origin(tmp_path: Path) -> None:
    (tmp_path / "glossary").mkdir()
    path = tmp_path / "glossary" / "avoid.yaml"
    path.write_text(
        "version: 1\nterms:\n  - term: Member States\n    targets:\n"
        "      es: {text: Estados Miembros, gender: m, number: pl, avoid: [Estados de Miembro]}\n",
        "utf-8",
    )
    glossary = load_glossary([path], root=tmp_path)
    assert glossary.terms[0].targets["es"].avoid == ("Estados de Miembro",)
    messages = found("avoid", "Member States", "Representantes de los Estados de miembro", glossary=glossary)
    assert messages == [
        "'Estados de miembro' is ruled out for 'Member States': write 'Estados Miembros';"
        " glossary glossary/avoid.yaml:3"
    ]
    assert not found("avoid", "Member States", "los Estados Miembros", glossary=glossary)


def test_avoid_cannot_also_be_accepted(tmp_path: Path) -> None:
    from polyletter.glossary.loading import check_glossary

    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\nterms:\n  - term: Member States\n    targets:\n"
        "      es: {text: Estados Miembros, avoid: [estados miembros]}\n",
        "utf-8",
    )
    [problem] = check_glossary([path])
    assert "both accepts and avoids" in str(problem)


# -- French spacing ---------------------------------------------------------------


def test_french_spacing() -> None:
    [message] = found(
        "french-spacing", "Why? Because: we act!", "Pourquoi? Parce que : nous agissons !", "fr"
    )
    assert message.startswith("no space before '?'") and "2 more" in message
    assert fixed("french-spacing", "Why?", "Pourquoi ? « Oui »", "fr") == "Pourquoi\u202f? «\u00a0Oui\u00a0»"
    assert found("french-spacing", "the “pillar”", "le «pilier»", "fr")


def test_french_spacing_accepted() -> None:
    good = "Pourquoi\u202f? Parce que\u00a0: «\u00a0nous agissons\u00a0»\u202f!"
    assert not found("french-spacing", "Why? Because: “we act”!", good, "fr")
    assert not found("french-spacing", "See https://r2p.org at 10:30.", "Voir https://r2p.org à 10:30.", "fr")
    assert not found("french-spacing", "Why?", "¿Por qué?", "es")  # French only


# -- inconsistent translations ---------------------------------------------------


def _two_blocks(first: str, second: str) -> list[str]:
    a = Block("paragraph-1", P, ("We urge you to act.",))
    b = Block("paragraph-2", P, ("We urge you to act.",))
    entries = {a.id: Entry(a.id, a.text, first), b.id: Entry(b.id, b.text, second)}
    result = run_checks(Letter((a, b), "en"), entries, None, "en", "es", checks=[BY_ID["inconsistent"]])
    return [f"{f.block_id}: {f.message}" for f in result.findings]


def test_inconsistent_within_the_letter_and_elsewhere() -> None:
    assert _two_blocks("Le instamos a actuar.", "Os instamos a actuar.") == [
        "paragraph-2: 'We urge you to act.' is translated 'Le instamos a actuar.' in paragraph-1"
    ]
    block = Block("paragraph-1", P, ("We urge you to act. We thank you.",))
    entry = Entry(block.id, block.text, "Os instamos a actuar. Le damos las gracias.")
    elsewhere = {"We urge you to act.": ("Le instamos a actuar.", "darfur-2007 paragraph-3 @ 1a2b3c4d5e6f")}
    result = run_checks(
        Letter((block,), "en"),
        {block.id: entry},
        None,
        "en",
        "es",
        elsewhere=elsewhere,
        checks=[BY_ID["inconsistent"]],
    )
    assert [f.message for f in result.findings] == [
        "'We urge you to act.' is translated 'Le instamos a actuar.'"
        " in darfur-2007 paragraph-3 @ 1a2b3c4d5e6f"
    ]


def test_consistent() -> None:
    assert _two_blocks("Le instamos a actuar.", "Le  instamos a actuar.") == []  # spacing is not wording
