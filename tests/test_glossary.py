"""The glossary: loading and validation, matching, protect/restore, QA, import and export."""

from __future__ import annotations

import itertools
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyletter.errors import (
    GlossaryConflictError,
    GlossaryError,
    GlossaryImportError,
    PolyletterError,
)
from polyletter.glossary import (
    Glossary,
    Match,
    TargetForms,
    Term,
    add_term,
    bracket_placeholder,
    check_glossary,
    check_terms,
    dump_terms,
    find_terms,
    import_csv,
    import_tbx,
    inject,
    load_glossary,
    protect,
    resolve_glossary_paths,
    restore,
    target_form,
)
from polyletter.glossary.matching import get_matcher

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED = REPO_ROOT / "src" / "polyletter" / "data" / "glossary" / "rtop.yaml"
SAMPLE_LETTER = REPO_ROOT / "translations" / "en" / "r2p-2012.md"
UN_LANGUAGES = ("fr", "es", "ar", "pt", "ru")

SMALL = """\
version: 1
terms:
  - term: Responsibility to Protect
    variants: [responsibility to protect]
    targets: {fr: responsabilité de protéger, es: responsabilidad de proteger}
    source: A/RES/60/1
  - term: Special Adviser on the Responsibility to Protect
    targets:
      fr: Conseiller spécial pour la responsabilité de protéger
      es: Asesor Especial sobre la Responsabilidad de Proteger
  - term: RtoP
    keep: true
  - term: R2P
    keep: true
  - term: genocide
    targets: {fr: génocide, es: genocidio, ar: الإبادة الجماعية}
  - term: war crimes
    targets: {fr: crimes de guerre, es: crímenes de guerra}
  - term: crimes against humanity
    targets: {fr: "crimes contre l'humanité", es: crímenes de lesa humanidad}
  - term: General Assembly
    targets: {fr: Assemblée générale, es: Asamblea General}
  - term: Secretary-General
    targets: {fr: Secrétaire général, es: Secretario General}
  - term: Member States
    targets: {fr: États Membres, es: [Estados Miembros, Estados miembros]}
  - term: Excellency
    targets: {fr: Excellence}
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> Glossary:
    return load_glossary([write(tmp_path, "small.yaml", SMALL)])


_SHIPPED_GLOSSARY: Glossary | None = None


def shipped() -> Glossary:
    """The shipped glossary, loaded once per session (hypothesis tests cannot take fixtures)."""
    global _SHIPPED_GLOSSARY
    if _SHIPPED_GLOSSARY is None:
        _SHIPPED_GLOSSARY = load_glossary([SHIPPED])
    return _SHIPPED_GLOSSARY


def by_term(glossary: Glossary, name: str) -> Term:
    return next(t for t in glossary.terms if t.term == name)


def texts(matches: list[Match]) -> list[str]:
    return [m.text for m in matches]


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def test_small_glossary_loads_with_forms_and_origins(small: Glossary, tmp_path: Path) -> None:
    assert len(small) == 11
    r2p = by_term(small, "Responsibility to Protect")
    assert r2p.variants == ("responsibility to protect",)
    assert r2p.targets["fr"] == TargetForms("responsabilité de protéger")
    assert r2p.source == "A/RES/60/1"
    assert str(r2p.origin) == f"{tmp_path / 'small.yaml'}:3"
    states = by_term(small, "Member States")
    assert states.targets["es"] == TargetForms("Estados Miembros", ("Estados miembros",))
    assert by_term(small, "RtoP").keep
    assert small.languages == ["ar", "es", "fr"]
    assert small.files == (tmp_path / "small.yaml",)


def test_shipped_glossary_validates_and_covers_the_un_languages() -> None:
    assert check_glossary([SHIPPED]) == []
    glossary = shipped()
    assert len(glossary) >= 50
    for term in glossary.terms:
        if term.keep:
            assert not term.targets, term.term
            continue
        missing = [lang for lang in UN_LANGUAGES if term.target(lang) is None]
        assert not missing, f"{term.term} has no {missing}"
        assert term.source, f"{term.term} does not say where its forms come from"
    for name in ("RtoP", "R2P"):
        assert by_term(glossary, name).keep
    for name in (
        "first pillar",
        "second pillar",
        "third pillar",
        "mass atrocity crimes",
        "genocide",
        "war crimes",
        "ethnic cleansing",
        "crimes against humanity",
        "early warning",
        "atrocity prevention",
        "United Nations",
        "Secretary-General",
        "General Assembly",
        "President of the General Assembly",
        "Security Council",
        "Human Rights Council",
        "Office of the United Nations High Commissioner for Human Rights",
        "OHCHR",
        "United Nations High Commissioner for Human Rights",
        "International Criminal Court",
        "Special Adviser on the Prevention of Genocide",
        "Special Adviser on the Responsibility to Protect",
        "Member States",
        "regional organizations",
        "regional and subregional arrangements",
        "European Union",
        "African Union",
        "Excellency",
        "H.E.",
    ):
        by_term(glossary, name)
    ethnic = by_term(glossary, "ethnic cleansing").targets["es"]
    assert ethnic.forms[:2] == ("depuración étnica", "limpieza étnica")
    assert "regional organisations" in by_term(glossary, "regional organizations").variants


def test_repository_symlink_is_the_shipped_glossary() -> None:
    link = REPO_ROOT / "glossary" / "rtop.yaml"
    assert link.resolve() == SHIPPED.resolve()
    assert load_glossary([link]).content_hash == shipped().content_hash


def test_content_hash_ignores_layout_order_and_notes(tmp_path: Path) -> None:
    a = write(
        tmp_path,
        "a.yaml",
        "version: 1\nterms:\n  - term: genocide\n    targets: {fr: génocide, es: genocidio}\n"
        "  - term: R2P\n    keep: true\n",
    )
    b = write(
        tmp_path,
        "b.yaml",
        "# reordered, reformatted, annotated\nversion: 1\nterms:\n- term: R2P\n  keep: true\n"
        "  note: an abbreviation\n- term: genocide\n  targets:\n    es: genocidio\n    fr: génocide\n"
        "  source: somewhere\n",
    )
    c = write(
        tmp_path,
        "c.yaml",
        "version: 1\nterms:\n  - term: genocide\n    targets: {fr: Génocide, es: genocidio}\n"
        "  - term: R2P\n    keep: true\n",
    )
    hash_a = load_glossary([a]).content_hash
    assert len(hash_a) == 64
    assert hash_a == load_glossary([a]).content_hash
    assert hash_a == load_glossary([b]).content_hash
    assert hash_a != load_glossary([c]).content_hash
    assert hash_a != load_glossary([a, write(tmp_path, "d.yaml", SMALL)]).content_hash


def test_resolve_glossary_paths(tmp_path: Path) -> None:
    b = write(tmp_path, "glossary/b.yaml", SMALL)
    a = write(tmp_path, "glossary/a.yaml", SMALL)
    (tmp_path / "glossary" / "notes.txt").write_text("x")
    extra = write(tmp_path, "extra/partner.yaml", SMALL)
    found = resolve_glossary_paths(tmp_path, ["glossary/*.yaml", "extra/partner.yaml", "glossary/a.yaml"])
    assert found == [a, b, extra]
    assert resolve_glossary_paths(tmp_path, ["nothing/*.yaml"]) == []
    assert resolve_glossary_paths(tmp_path, [str(tmp_path / "glossary" / "*.yaml")]) == [a, b]
    with pytest.raises(GlossaryError, match=r"missing\.yaml: glossary file not found"):
        resolve_glossary_paths(tmp_path, ["glossary/missing.yaml"])


def test_empty_file_has_no_terms_and_missing_file_is_named(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.yaml", "# nothing yet\n")
    assert len(load_glossary([empty])) == 0
    with pytest.raises(PolyletterError, match="gone.yaml"):
        load_glossary([tmp_path / "gone.yaml"])


ENTRY = "version: 1\nterms:\n  - term: genocide\n"

INVALID = [
    pytest.param(
        ENTRY + "    targets: {fr: génocide\n  - term: war crimes\n",
        5,
        "not valid YAML",
        id="malformed-yaml",
    ),
    pytest.param("version: 1\nterms:\n  - term: [genocide\n", 4, "not valid YAML", id="unclosed-list"),
    pytest.param(
        ENTRY + "    targets: {fr: génocide}\n    translation: genocidio\n",
        5,
        "unknown key 'translation'",
        id="unknown-key",
    ),
    pytest.param(
        ENTRY + "    note: a crime\n", 3, "'genocide' has neither targets nor keep", id="no-targets"
    ),
    pytest.param(ENTRY + "    targets: {}\n", 4, "empty targets of 'genocide'", id="empty-targets"),
    pytest.param(ENTRY + "    targets:\n", 4, "empty targets of 'genocide'", id="null-targets"),
    pytest.param(
        ENTRY + "    targets:\n      fr: génocide\n      es: ''\n",
        6,
        "empty es target of 'genocide'",
        id="empty-target-form",
    ),
    pytest.param(
        ENTRY + "    targets:\n      fr: génocide\n      xx: genocidio\n",
        6,
        "unknown language code 'xx'",
        id="unknown-language",
    ),
    pytest.param(
        ENTRY + "    targets:\n      no: folkemord\n",
        5,
        "a language code of 'genocide' was read as false",
        id="norwegian-no",
    ),
    pytest.param(
        ENTRY + "    keep: true\n    targets: {fr: génocide}\n",
        4,
        "'genocide' has both keep: true and targets",
        id="keep-and-targets",
    ),
    pytest.param(
        "version: 1\nterms:\n  - term: 2012\n    keep: true\n", 3, "term must be text", id="number-term"
    ),
    pytest.param(
        ENTRY + "    targets: {fr: génocide}\n    targets: {es: genocidio}\n",
        5,
        "key 'targets' appears twice",
        id="duplicate-key",
    ),
    pytest.param(ENTRY + "    keep: yes please\n", 4, "keep of 'genocide' must be true or false", id="keep"),
    pytest.param("version: 2\nterms:\n  - term: R2P\n    keep: true\n", 1, "version must be 1", id="version"),
    pytest.param(
        "version: 1\nlanguage: en\nterms: []\n", 2, "unknown top-level key 'language'", id="top-key"
    ),
    pytest.param("version: 1\nterms: {genocide: génocide}\n", 2, "`terms:` must be a list", id="not-list"),
    pytest.param("version: 1\nterms:\n  - genocide\n", 3, "must be a mapping", id="entry-not-mapping"),
    pytest.param("- term: genocide\n", 1, "must be a mapping with `version: 1`", id="no-top-mapping"),
    pytest.param("version: 1\nsource_lang: klingon\nterms: []\n", 2, "unknown language code", id="src"),
]


@pytest.mark.parametrize(("text", "line", "message"), INVALID)
def test_every_validation_error_names_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(GlossaryError) as caught:
        load_glossary([path])
    error = caught.value
    assert f"{path}:{line}: " in str(error)
    assert message in str(error)
    assert "\n" not in str(error)
    assert error.line == line and error.path == path
    problems = check_glossary([path])
    assert problems and all("\n" not in str(p) for p in problems)


def test_check_glossary_reports_every_problem_and_load_raises_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.yaml",
        "version: 1\nterms:\n  - term: genocide\n    targets: {xx: a}\n  - term: war crimes\n"
        "    targets: {}\n  - term: RtoP\n    keep: true\n",
    )
    problems = check_glossary([path])
    assert [p.line for p in problems] == [4, 6]
    with pytest.raises(GlossaryError, match=r"bad\.yaml:4: .*\(1 more: run `polyletter glossary check`"):
        load_glossary([path])


def test_conflicting_entries_in_two_files_name_both(tmp_path: Path) -> None:
    a = write(
        tmp_path, "a.yaml", "version: 1\nterms:\n  - term: Member States\n    targets: {fr: États Membres}\n"
    )
    b = write(
        tmp_path,
        "b.yaml",
        "version: 1\nterms:\n  - term: R2P\n    keep: true\n  - term: member states\n"
        "    targets: {fr: Etats membres}\n",
    )
    with pytest.raises(GlossaryConflictError) as caught:
        load_glossary([a, b])
    message = str(caught.value)
    assert f"{b}:5: " in message and f"{a}:3" in message
    assert "'États Membres'" in message and "'Etats membres'" in message
    assert "\n" not in message


def test_a_variant_can_conflict_and_keep_conflicts_with_a_translation(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "g.yaml",
        "version: 1\nterms:\n  - term: Secretary-General\n    variants: [Secretary General]\n"
        "    targets: {fr: Secrétaire général}\n  - term: secretary general\n"
        "    targets: {fr: secrétaire général}\n  - term: NGO\n    keep: true\n  - term: NGO\n"
        "    targets: {fr: ONG}\n",
    )
    problems = check_glossary([path])
    assert [type(p) for p in problems] == [GlossaryConflictError, GlossaryConflictError]
    assert f"{path}:6: 'secretary general' conflicts with 'Secretary-General' at {path}:3" in str(problems[0])
    assert "'NGO' is kept unchanged but 'NGO' is translated" in str(problems[1])


def test_consistent_duplicates_are_merged(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "version: 1\nterms:\n  - term: genocide\n    targets: {fr: génocide}\n")
    b = write(
        tmp_path,
        "b.yaml",
        "version: 1\nterms:\n  - term: Genocide\n    targets: {fr: [génocide, génocides], ru: геноцид}\n",
    )
    glossary = load_glossary([a, b])
    assert len(glossary) == 1
    term = glossary.terms[0]
    assert term.variants == ("Genocide",)
    assert term.targets["fr"] == TargetForms("génocide", ("génocides",))
    assert term.targets["ru"].preferred == "геноцид"


def test_all_files_must_share_a_source_language(tmp_path: Path) -> None:
    en = write(tmp_path, "en.yaml", "version: 1\nterms:\n  - term: R2P\n    keep: true\n")
    fr = write(tmp_path, "fr.yaml", "version: 1\nsource_lang: fr\nterms:\n  - term: RdP\n    keep: true\n")
    assert load_glossary([fr]).source_lang == "fr"
    with pytest.raises(GlossaryError, match="source_lang is fr but the other glossaries are in en"):
        load_glossary([en, fr])


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def test_word_boundaries_are_unicode_aware(small: Glossary) -> None:
    assert texts(find_terms(small, "R2PX and XR2P and R2P_1 are not R2P.")) == ["R2P"]
    assert texts(find_terms(small, "R2P-related, (R2P) and «R2P»")) == ["R2P", "R2P", "R2P"]
    assert texts(find_terms(small, "éR2P R2Pé R2P2 2R2P")) == []
    assert texts(find_terms(small, "genocides and the genocidal, but genocide.")) == ["genocide"]


def test_variants_are_matched(tmp_path: Path) -> None:
    glossary = load_glossary(
        [
            write(
                tmp_path,
                "g.yaml",
                "version: 1\nterms:\n  - term: genocide\n    variants: [genocides]\n"
                "    targets: {fr: génocide}\n",
            )
        ]
    )
    found = find_terms(glossary, "Genocides, genocide and GENOCIDES.")
    assert texts(found) == ["Genocides", "genocide", "GENOCIDES"]
    assert {m.term.term for m in found} == {"genocide"}


def test_case_rule(small: Glossary) -> None:
    # Capitalised forms and keep-terms: exactly as written.
    assert texts(find_terms(small, "the General Assembly, a general assembly, the GENERAL ASSEMBLY")) == [
        "General Assembly"
    ]
    assert texts(find_terms(small, "RtoP, rtop, RTOP, Rtop")) == ["RtoP"]
    # Lower-case forms: any case.
    assert texts(find_terms(small, "Genocide. GENOCIDE! War Crimes and war crimes")) == [
        "Genocide",
        "GENOCIDE",
        "War Crimes",
        "war crimes",
    ]
    # A lower-case variant makes the capitalised term match in any case.
    assert texts(find_terms(small, "the Responsibility To Protect")) == ["Responsibility To Protect"]


def test_longest_match_wins_overlaps(small: Glossary) -> None:
    text = "our Special Adviser on the Responsibility to Protect and the Responsibility to Protect"
    found = find_terms(small, text)
    assert [m.term.term for m in found] == [
        "Special Adviser on the Responsibility to Protect",
        "Responsibility to Protect",
    ]
    # Longest first even when the shorter candidate starts earlier.
    found = find_terms(small, "war crimes against humanity")
    assert [m.term.term for m in found] == ["crimes against humanity"]
    assert found[0].start == 4


def test_matches_are_sorted_non_overlapping_and_point_into_the_text(small: Glossary) -> None:
    text = "R2P: genocide, war crimes,\nMember\n  States and the General\tAssembly; Secretary‑General."
    found = find_terms(small, text)
    assert texts(found) == [
        "R2P",
        "genocide",
        "war crimes",
        "Member\n  States",
        "General\tAssembly",
        "Secretary‑General",
    ]
    for m in found:
        assert text[m.start : m.end] == m.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_target_lang_limits_matches_to_terms_the_glossary_can_render(small: Glossary) -> None:
    text = "Excellency, genocide."
    assert texts(find_terms(small, text)) == ["Excellency", "genocide"]
    assert texts(find_terms(small, text, target_lang="fr")) == ["Excellency", "genocide"]
    assert texts(find_terms(small, text, target_lang="es")) == ["genocide"]
    assert texts(find_terms(small, "R2P", target_lang="ar")) == ["R2P"]


def test_matching_a_target_language_text(small: Glossary) -> None:
    found = find_terms(small, "Le génocide et l’Assemblée générale, RtoP.", "fr")
    assert [m.term.term for m in found] == ["genocide", "General Assembly", "RtoP"]


def test_matchers_are_compiled_once_per_language(small: Glossary) -> None:
    assert get_matcher(small, "en") is get_matcher(small, "en")
    assert get_matcher(small, "en") is not get_matcher(small, "fr")
    assert get_matcher(small, "en", "es") is get_matcher(small, "en", "es")


def test_matching_is_fast_on_long_text() -> None:
    glossary = shipped()
    text = SAMPLE_LETTER.read_text(encoding="utf-8") * 40  # about 200 KB
    find_terms(glossary, "warm up")
    started = time.perf_counter()
    found = find_terms(glossary, text)
    assert time.perf_counter() - started < 3
    assert len(found) > 1000


def test_sample_letter_matches() -> None:
    glossary = shipped()
    text = SAMPLE_LETTER.read_text(encoding="utf-8")
    found = find_terms(glossary, text)
    names = [m.term.term for m in found]
    for m in found:
        assert text[m.start : m.end] == m.text
    special = [m for m in found if m.term.term == "Special Adviser on the Responsibility to Protect"]
    assert len(special) == 2
    # "Responsibility to Protect" inside the Special Adviser's title is not matched on its own.
    for outer in special:
        assert not any(
            outer.start <= m.start < outer.end for m in found if m.term.term == "Responsibility to Protect"
        )
    assert (
        names.count("Responsibility to Protect") == 1
    )  # "the third pillar of the Responsibility to Protect"
    assert names.count("RtoP") == 3
    assert names.count("R2P") == 2  # "(RtoP, R2P)" and the R2P Student Coalition
    assert names.count("President of the General Assembly") == 2
    assert names.count("General Assembly") == 1  # "prepare remarks for the General Assembly"
    assert names.count("General Assembly dialogue") == 1  # a compound: the longest match wins
    assert names.count("Office of the United Nations Secretary-General") == 1
    assert names.count("Member States") == 4
    assert names.count("third pillar") == 4
    assert names.count("regional organizations") == 3
    assert names.count("Excellency") == 2
    for name in (
        "Secretary-General",
        "H.E.",
        "civil society organizations",
        "civil society",
        "UN",
        "NGOs",
        "mass atrocity crimes",
        "mass atrocities",
        "international community",
        "genocide",
        "war crimes",
        "crimes against humanity",
        "ethnic cleansing",
        "Asia-Pacific Centre for the Responsibility to Protect",
        "Human Rights Watch",
    ):
        assert name in names, name
    body = text[: text.index("Sincerely")]
    last = [m.term.term for m in find_terms(glossary, body.rsplit("\n\n", 2)[-2])]
    assert last[-5:] == [
        "international community",
        "genocide",
        "war crimes",
        "crimes against humanity",
        "ethnic cleansing",
    ]


# --------------------------------------------------------------------------
# Protect, restore, inject
# --------------------------------------------------------------------------

SENTENCE = "We urge Member States to prevent genocide and war crimes under RtoP."


def test_protect_and_restore_with_a_well_behaved_engine(small: Glossary) -> None:
    found = find_terms(small, SENTENCE, target_lang="es")
    protected = protect(SENTENCE, found)
    assert protected.text == "We urge ⟦0⟧ to prevent ⟦1⟧ and ⟦2⟧ under ⟦3⟧."
    assert [s.source_text for s in protected.slots] == ["Member States", "genocide", "war crimes", "RtoP"]
    assert [s.placeholder for s in protected.slots] == ["⟦0⟧", "⟦1⟧", "⟦2⟧", "⟦3⟧"]
    engine = "Instamos a los ⟦0⟧ a prevenir el ⟦1⟧ y los ⟦2⟧ en el marco de la ⟦3⟧."
    restored = restore(engine, protected, "es")
    assert restored.text == (
        "Instamos a los Estados Miembros a prevenir el genocidio y los crímenes de guerra "
        "en el marco de la RtoP."
    )
    assert [r.status for r in restored.records] == ["restored"] * 4
    assert restored.clean and restored.removed == []


def test_restore_records_missing_and_duplicated_terms(small: Glossary) -> None:
    protected = protect(SENTENCE, find_terms(small, SENTENCE))
    restored = restore("Los ⟦0⟧ deben prevenir ⟦1⟧, ⟦1⟧ y la ⟦3⟧.", protected, "es")
    assert restored.text == "Los Estados Miembros deben prevenir genocidio, genocidio y la RtoP."
    statuses = {r.source_text: (r.status, r.count) for r in restored.records}
    assert statuses == {
        "Member States": ("restored", 1),
        "genocide": ("duplicated", 2),
        "war crimes": ("missing", 0),
        "RtoP": ("restored", 1),
    }
    assert not restored.clean


def test_restore_accepts_mangled_placeholders_and_removes_debris(small: Glossary) -> None:
    protected = protect(SENTENCE, find_terms(small, SENTENCE))
    engine = "Les ⟦ 0 ⟧ doivent prévenir ⟦1 et ⟦2⟧ (⟦7⟧) selon ⟦3⟧⟧ ⟦ ."
    restored = restore(engine, protected, "fr")
    assert restored.text == "Les États Membres doivent prévenir et crimes de guerre () selon RtoP."
    assert [r.status for r in restored.records] == ["restored", "missing", "restored", "restored"]
    assert restored.removed == ["⟦1", "⟦7⟧", "⟧ ⟦"]
    assert "⟦" not in restored.text and "⟧" not in restored.text


def test_restore_with_a_custom_placeholder(small: Glossary) -> None:
    protected = protect(SENTENCE, find_terms(small, SENTENCE), lambda i: f"__T{i}__")
    assert protected.text == "We urge __T0__ to prevent __T1__ and __T2__ under __T3__."
    restored = restore("Nous __t0__, __ T1 __ et __T2_ __T12__ __T3__.", protected, "fr")
    assert restored.text == "Nous États Membres, génocide et RtoP."
    assert [r.status for r in restored.records] == ["restored", "restored", "missing", "restored"]


def test_restore_capitalises_a_term_opening_a_sentence(small: Glossary) -> None:
    text = "Genocide is a crime. Prevent genocide!"
    protected = protect(text, find_terms(small, text))
    engine = "⟦0⟧ est un crime. ⟦1⟧ : il faut le prévenir !"
    assert restore(engine, protected, "fr").text == "Génocide est un crime. Génocide : il faut le prévenir !"
    assert restore(engine, protected, "fr", capitalize=False).text.startswith("génocide est")
    keep = protect("RtoP matters.", find_terms(small, "RtoP matters."))
    assert restore("¿⟦0⟧ importa?", keep, "es").text == "¿RtoP importa?"


def test_protect_refuses_overlaps_and_placeholders_already_in_the_text(small: Glossary) -> None:
    term = by_term(small, "genocide")
    with pytest.raises(ValueError, match="overlaps"):
        protect("genocide", [Match(0, 8, term, "genocide"), Match(2, 8, term, "nocide")])
    text = "genocide ⟦0⟧"
    with pytest.raises(ValueError, match="already in the text"):
        protect(text, find_terms(small, text))
    assert protect("no terms", []).text == "no terms"
    assert restore("rien", protect("no terms", []), "fr").text == "rien"


def test_target_form_and_inject(small: Glossary) -> None:
    assert target_form(by_term(small, "Member States"), "es") == "Estados Miembros"
    assert target_form(by_term(small, "Member States"), "es-419") == "Estados Miembros"
    assert target_form(by_term(small, "RtoP"), "fr") == "RtoP"
    assert target_form(by_term(small, "genocide"), "en") == "genocide"
    with pytest.raises(LookupError, match="no ru form"):
        target_form(by_term(small, "genocide"), "ru")
    found = find_terms(small, SENTENCE, target_lang="fr")
    assert inject(SENTENCE, found, "fr") == (
        "We urge États Membres to prevent génocide and crimes de guerre under RtoP."
    )
    assert inject("Genocide is forbidden.", find_terms(small, "Genocide is forbidden."), "fr") == (
        "Génocide is forbidden."
    )


# --------------------------------------------------------------------------
# QA
# --------------------------------------------------------------------------


def test_check_terms_clean_translation(small: Glossary) -> None:
    translation = "Nous exhortons les États Membres à prévenir le génocide et les crimes de guerre (RtoP)."
    assert check_terms(SENTENCE, translation, small, "en", "fr") == []


def test_check_terms_reports_missing_terms_and_altered_keep_terms(small: Glossary) -> None:
    translation = "Nous exhortons les États membres à prévenir le génocide, le génocide et RTOP."
    findings = check_terms(SENTENCE, translation, small, "en", "fr")
    assert [(f.kind, f.term.term, f.source_count, f.target_count) for f in findings] == [
        ("missing", "Member States", 1, 0),
        ("missing", "war crimes", 1, 0),
        ("altered", "RtoP", 1, 0),
    ]
    assert findings[0].expected == ("États Membres",)
    message = findings[0].message
    assert "'Member States' is not rendered as fr 'États Membres'" in message
    assert "\n" not in message and "small.yaml:" in message
    assert findings[2].message.startswith("keep-term 'RtoP' was altered")


def test_check_terms_counts_occurrences(small: Glossary) -> None:
    source = "Genocide is genocide."
    findings = check_terms(source, "El genocidio es un crimen.", small, "en", "es")
    assert [(f.source_count, f.target_count) for f in findings] == [(2, 1)]
    assert "rendered as es 'genocidio' (2 in source, 1 in translation" in findings[0].message


def test_check_terms_accepts_variants_normalisation_and_apostrophes(small: Glossary) -> None:
    source = "Member States condemn crimes against humanity."
    assert (
        check_terms(
            source, "Los Estados miembros condenan los crímenes de lesa humanidad.", small, "en", "es"
        )
        == []
    )
    decomposed = unicodedata.normalize("NFD", "Les États Membres condamnent les crimes contre l’humanité.")
    assert check_terms(source, decomposed, small, "en", "fr") == []


def test_check_terms_does_not_count_a_term_inside_a_longer_one(small: Glossary) -> None:
    source = "The Special Adviser on the Responsibility to Protect explained the Responsibility to Protect."
    translation = "Le Conseiller spécial pour la responsabilité de protéger a expliqué le concept."
    findings = check_terms(source, translation, small, "en", "fr")
    assert [(f.term.term, f.target_count) for f in findings] == [("Responsibility to Protect", 0)]


def test_a_longer_term_the_source_does_not_have_cannot_swallow_one_it_has() -> None:
    """ "prevention of atrocity crimes" is "atrocity crimes" only: its Spanish "la prevención de
    crímenes atroces" is also a variant of "atrocity prevention", which must not take those words."""
    glossary = shipped()
    assert find_terms(glossary, "the prevention of atrocity crimes", target_lang="es")
    assert (
        check_terms(
            "the prevention of atrocity crimes", "la prevención de crímenes atroces", glossary, "en", "es"
        )
        == []
    )
    # Both terms in the source: one phrase cannot be both of them.
    both = check_terms(
        "atrocity prevention and atrocity crimes", "la prevención de crímenes atroces", glossary, "en", "es"
    )
    assert [(f.term.term, f.target_count) for f in both] == [("atrocity crimes", 0)]
    # The French side of the same pair, and a miss that stays a miss.
    assert (
        check_terms(
            "the prevention of atrocity crimes",
            "la prévention des atrocités criminelles",
            glossary,
            "en",
            "fr",
        )
        == []
    )
    missed = check_terms(
        "the prevention of atrocity crimes", "la prevención de atrocidades", glossary, "en", "es"
    )
    assert [f.term.term for f in missed] == ["atrocity crimes"]


def test_check_terms_accepts_arabic_proclitics() -> None:
    glossary = shipped()
    source = "They must prevent genocide and war crimes."
    assert check_terms(source, "يجب عليهم منع الإبادة الجماعية وجرائم الحرب.", glossary, "en", "ar") == []
    assert check_terms(source, "للإبادة الجماعية وجرائم الحرب", glossary, "en", "ar") == []
    findings = check_terms(source, "يجب منع الجرائم.", glossary, "en", "ar")
    assert {f.term.term for f in findings} == {"genocide", "war crimes"}


def test_check_terms_on_the_sample_letter_with_injected_terms() -> None:
    glossary = shipped()
    text = SAMPLE_LETTER.read_text(encoding="utf-8")
    body = text[: text.index("Sincerely")]
    for lang in UN_LANGUAGES:
        found = find_terms(glossary, body, target_lang=lang)
        assert check_terms(body, inject(body, found, lang), glossary, "en", lang) == [], lang


# --------------------------------------------------------------------------
# Import and export
# --------------------------------------------------------------------------


def test_import_csv(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "terms.csv",
        "\ufeffen,fr,es,pt-br,keep,note,source\n"
        "war crimes|War Crimes,crimes de guerre,crímenes de guerra,crimes de guerra,,,Rome Statute\n"
        "RtoP,,,,yes,The coalition's abbreviation,\n"
        '"Member States",États Membres,"Estados Miembros|Estados miembros",,no,,UNTERM\n'
        ",,,,,,\n",
    )
    terms = import_csv(path)
    assert [t.term for t in terms] == ["war crimes", "RtoP", "Member States"]
    war = terms[0]
    assert war.variants == ("War Crimes",)
    assert war.targets["pt-BR"].preferred == "crimes de guerra"
    assert war.target("pt") == war.targets["pt-BR"]
    assert war.source == "Rome Statute"
    assert terms[1].keep and terms[1].note == "The coalition's abbreviation"
    assert terms[2].targets["es"] == TargetForms("Estados Miembros", ("Estados miembros",))
    assert str(terms[2].origin) == f"{path}:4"


def test_import_csv_with_semicolons_and_language_names(tmp_path: Path) -> None:
    path = write(tmp_path, "terms.csv", "English;French;Russian\ngenocide;génocide;геноцид\n")
    (term,) = import_csv(path)
    assert term.targets["fr"].preferred == "génocide" and term.targets["ru"].preferred == "геноцид"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("en,fr,Klingon\na,b,c\n", r"terms\.csv:1: column 'Klingon' is not a language code"),
        ("fr,es\na,b\n", r"terms\.csv:1: no en column"),
        ("en,fr,keep\ngenocide,génocide,maybe\n", r"terms\.csv:2: keep must be yes or no"),
        ("en,fr\n,génocide\n", r"terms\.csv:2: row has no en term"),
        ("en,fr\ngenocide,\n", r"terms\.csv:2: 'genocide' has neither targets nor keep"),
        ("en,fr\ngenocide,génocide\nGenocide,génocides\n", r"terms\.csv:3: 'Genocide' conflicts with"),
        ("", r"the CSV file is empty"),
    ],
)
def test_import_csv_errors(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "terms.csv", text)
    with pytest.raises(GlossaryError, match=message) as caught:
        import_csv(path)
    assert "\n" not in str(caught.value)


TBX_BASIC = """\
<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en-US">
  <martifHeader><fileDesc><sourceDesc><p>test export</p></sourceDesc></fileDesc></martifHeader>
  <text><body>
    <termEntry id="c1">
      <descrip type="definition">Warning of a risk of atrocity crimes.</descrip>
      <langSet xml:lang="en-US">
        <tig><term>early warning</term><termNote type="partOfSpeech">noun</termNote></tig>
        <tig><term>early-warning</term></tig>
      </langSet>
      <langSet xml:lang="fr-FR">
        <tig><term>alerte rapide</term></tig><tig><term>alerte précoce</term></tig>
      </langSet>
      <langSet xml:lang="es"><ntig><termGrp><term>alerta temprana</term></termGrp></ntig></langSet>
    </termEntry>
    <termEntry id="c2">
      <langSet xml:lang="fr"><tig><term>seulement en français</term></tig></langSet>
    </termEntry>
    <termEntry id="c3">
      <langSet xml:lang="en"><tig><term>English only</term></tig></langSet>
    </termEntry>
  </body></text>
</martif>
"""

TBX_V3 = """\
<?xml version="1.0"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Core" style="dct" xml:lang="en">
  <tbxHeader><fileDesc><sourceDesc><p>v3</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="w">
      <langSec xml:lang="en"><termSec><term>war crimes</term></termSec></langSec>
      <langSec xml:lang="ru"><termSec><term>военные преступления</term></termSec>
        <termSec><term>военных преступлений</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>
"""


def test_import_tbx_basic(tmp_path: Path) -> None:
    (term,) = import_tbx(write(tmp_path, "terms.tbx", TBX_BASIC))
    assert term.term == "early warning" and term.variants == ("early-warning",)
    assert term.targets["fr-FR"] == TargetForms("alerte rapide", ("alerte précoce",))
    assert term.target("fr") == term.targets["fr-FR"]
    assert term.targets["es"].preferred == "alerta temprana"
    assert term.note == "Warning of a risk of atrocity crimes."
    assert term.source == "terms.tbx c1"
    assert term.language == "en-US"


def test_import_tbx_v3_and_utf16(tmp_path: Path) -> None:
    (term,) = import_tbx(write(tmp_path, "v3.tbx", TBX_V3))
    assert term.term == "war crimes"
    assert term.targets["ru"] == TargetForms("военные преступления", ("военных преступлений",))
    utf16 = tmp_path / "utf16.tbx"
    utf16.write_bytes(TBX_V3.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"))
    (again,) = import_tbx(utf16)
    assert (again.term, again.targets) == (term.term, term.targets)


@pytest.mark.parametrize(
    ("prologue", "message"),
    [
        ('<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n', "DOCTYPE"),
        (
            '<!DOCTYPE martif [\n<!ENTITY lol "lol">\n<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">\n]>\n',
            "DOCTYPE",
        ),
        ('<!entity x SYSTEM "file:///etc/passwd">\n', "ENTITY"),
    ],
)
def test_import_tbx_refuses_dtds_and_entities(tmp_path: Path, prologue: str, message: str) -> None:
    text = TBX_BASIC.replace("<martif", prologue + "<martif", 1)
    path = write(tmp_path, "unsafe.tbx", text)
    with pytest.raises(GlossaryImportError, match=rf"unsafe\.tbx:2: refusing a TBX file with a <!{message}"):
        import_tbx(path)


def test_import_tbx_errors(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.tbx", TBX_BASIC.replace("</termEntry>", "", 1))
    with pytest.raises(GlossaryImportError, match=r"broken\.tbx:\d+: not well-formed XML"):
        import_tbx(broken)
    other = write(tmp_path, "other.tbx", "<root/>")
    with pytest.raises(GlossaryImportError, match="not a TBX file"):
        import_tbx(other)
    bad_lang = write(tmp_path, "lang.tbx", TBX_V3.replace('xml:lang="ru"', 'xml:lang="zz"'))
    with pytest.raises(GlossaryImportError, match="entry w: unknown language code 'zz'"):
        import_tbx(bad_lang)
    undefined = write(tmp_path, "undefined.tbx", TBX_V3.replace("war crimes", "&secret;"))
    with pytest.raises(GlossaryImportError, match="not well-formed XML"):
        import_tbx(undefined)


def test_dump_terms_round_trips(tmp_path: Path) -> None:
    glossary = shipped()
    text = dump_terms(glossary.terms)
    assert text.startswith("version: 1\nterms:\n  - term: ")
    again = load_glossary([write(tmp_path, "dumped.yaml", text)])
    assert again.content_hash == glossary.content_hash
    assert [t.note for t in again.terms] == [t.note for t in glossary.terms]
    imported = import_tbx(write(tmp_path, "v3.tbx", TBX_V3))
    assert load_glossary([write(tmp_path, "v3.yaml", dump_terms(imported))]).terms == tuple(imported)
    assert load_glossary([write(tmp_path, "none.yaml", dump_terms([]))]).terms == ()


def test_add_term_to_a_new_file_and_to_the_shipped_glossary(tmp_path: Path) -> None:
    new_term = Term(
        "Office on Genocide Prevention and the Responsibility to Protect",
        targets={
            "fr": TargetForms("Bureau de la prévention du génocide et de la responsabilité de protéger")
        },
        source="UNTERM",
    )
    fresh = tmp_path / "glossary" / "partner.yaml"
    add_term(fresh, new_term)
    assert load_glossary([fresh]).terms == (new_term,)

    copy = write(tmp_path, "rtop.yaml", SHIPPED.read_text(encoding="utf-8"))
    before = copy.read_text(encoding="utf-8")
    add_term(copy, new_term)
    after = copy.read_text(encoding="utf-8")
    assert after.startswith(before)  # comments and layout untouched
    glossary = load_glossary([copy])
    assert glossary.terms[-1] == new_term
    assert len(glossary) == len(shipped()) + 1
    add_term(copy, new_term)  # the same term again adds nothing
    assert copy.read_text(encoding="utf-8") == after


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nterms:\n",
        "version: 1\nterms: []\n",
        "# a partner's glossary\n",
        "version: 1\nterms:\n- term: R2P\n  keep: true\n# end\n",
        "terms:\n  - term: R2P\n    keep: true\nversion: 1\n",
    ],
)
def test_add_term_to_files_of_every_layout(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, "g.yaml", text)
    term = Term("early warning", targets={"fr": TargetForms("alerte rapide", ("alerte précoce",))})
    add_term(path, term)
    assert load_glossary([path]).terms[-1] == term


def test_add_term_refuses_conflicts_and_invalid_terms(tmp_path: Path) -> None:
    path = write(tmp_path, "g.yaml", SMALL)
    before = path.read_bytes()
    with pytest.raises(
        GlossaryConflictError,
        match=r"'member states' is already in the glossary as 'Member States' at .*g\.yaml:\d+ \(fr",
    ):
        add_term(path, Term("member states", targets={"fr": TargetForms("Etats membres")}))
    with pytest.raises(GlossaryConflictError, match="with other forms"):
        add_term(path, Term("genocide", targets={"ru": TargetForms("геноцид")}))
    with pytest.raises(GlossaryError, match="unknown language code 'xx'"):
        add_term(path, Term("early warning", targets={"xx": TargetForms("?")}))
    with pytest.raises(GlossaryError, match="has neither targets nor keep"):
        add_term(path, Term("early warning"))
    other = write(tmp_path, "other.yaml", "version: 1\nterms:\n  - term: early warning\n    keep: true\n")
    with pytest.raises(GlossaryConflictError, match="other.yaml:3"):
        add_term(path, Term("Early warning", targets={"fr": TargetForms("alerte rapide")}), others=[other])
    assert path.read_bytes() == before


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

_FILLER = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Co", "Cn"),
        blacklist_characters="⟦⟧",
    ),
    max_size=12,
)
_FORMS = sorted({form for term in shipped().terms for form in term.forms})
_PIECES = st.lists(st.tuples(_FILLER, st.sampled_from(_FORMS)), min_size=1, max_size=6)


def _compose(pieces: list[tuple[str, str]], tail: str) -> str:
    return "".join(f"{filler} {form} " for filler, form in pieces) + tail


def _replaced(text: str, matches: list[Match], lang: str) -> str:
    out, pos = [], 0
    for m in matches:
        out += [text[pos : m.start], m.text if m.term.keep else target_form(m.term, lang)]
        pos = m.end
    return "".join(out) + text[pos:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=_PIECES, tail=_FILLER, lang=st.sampled_from(UN_LANGUAGES))
def test_property_restoring_an_identity_translation_replaces_exactly_the_terms(
    pieces: list[tuple[str, str]], tail: str, lang: str
) -> None:
    glossary = shipped()
    text = _compose(pieces, tail)
    found = find_terms(glossary, text, target_lang=lang)
    assert found, "every embedded form is a term"
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    assert all(text[m.start : m.end] == m.text for m in found)
    protected = protect(text, found)
    restored = restore(protected.text, protected, lang, capitalize=False)
    assert restored.text == _replaced(text, found, lang)
    assert restored.clean
    assert restore(protected.text, protected, lang).text == inject(text, found, lang)


_MISCHIEF = st.sampled_from(
    ["keep", "drop", "twice", "spaces", "no-open", "no-close", "renumber", "glue", "bare-open", "upper"]
)


def _misbehave(mark: str, how: str, index: int) -> str:
    return {
        "keep": mark,
        "drop": "",
        "twice": mark + " " + mark,
        "spaces": " ".join(mark),
        "no-open": mark[1:],
        "no-close": mark[:-1],
        "renumber": bracket_placeholder(index + 40),
        "glue": "x" + mark + "y",
        "bare-open": mark[0] + " ",
        "upper": mark.upper(),
    }[how]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=_PIECES, tail=_FILLER, lang=st.sampled_from(UN_LANGUAGES), data=st.data())
def test_property_no_placeholder_survives_a_misbehaving_engine(
    pieces: list[tuple[str, str]], tail: str, lang: str, data: st.DataObject
) -> None:
    glossary = shipped()
    text = _compose(pieces, tail)
    protected = protect(text, find_terms(glossary, text, target_lang=lang))
    output = protected.text
    behaviour = {}
    for slot in protected.slots:
        how = data.draw(_MISCHIEF)
        behaviour[slot.index] = how
        output = output.replace(slot.placeholder, _misbehave(slot.placeholder, how, slot.index), 1)
    restored = restore(output, protected, lang)
    assert "⟦" not in restored.text and "⟧" not in restored.text
    assert "\U000f0000" not in restored.text
    assert len(restored.records) == len(protected.slots)
    for record in restored.records:
        how = behaviour[record.index]
        if how in ("keep", "spaces", "glue", "upper"):
            assert record.status == "restored"
        elif how == "twice":
            assert record.status == "duplicated"
        else:
            # A damaged placeholder is missing -- unless a neighbour's debris completed it
            # ("⟦ " then "1⟧" reads as "⟦ 1⟧"), which restores the right term.
            assert record.status in ("missing", "restored")


def test_a_term_after_a_form_ending_in_a_full_stop_is_not_capitalised_by_any_strategy() -> None:
    """ "H. E." is "S. E." in French: its full stop ends no sentence, whichever strategy wrote it."""
    from polyletter.glossary.protection import reassemble

    glossary = shipped()
    text = " H. E.  General Assembly dialogue "
    found = find_terms(glossary, text, "en", target_lang="fr")
    protected = protect(text, found)
    expected = " S. E.  dialogue de l'Assemblée générale "
    assert restore(protected.text, protected, "fr").text == expected
    assert inject(text, found, "fr") == expected
    assert reassemble(protected, lambda piece: piece, "fr").text == expected


# --------------------------------------------------------------------------
# The matcher's trie finds what one alternation of every form, longest first, found
# --------------------------------------------------------------------------

_WORDS = st.sampled_from(
    ["war", "War", "crimes", "Crimes", "de", "l'ONU", "l’ONU", "R2P", "re-set", "a", "É"]
)


def _reference_find(glossary: Glossary, text: str) -> list[tuple[int, int, str]]:
    """What the matcher found before it was a trie: every form in one alternation, longest first."""
    import re

    from polyletter.glossary.matching import form_pattern, is_case_sensitive

    alternatives: dict[str, int] = {}
    for term in glossary.terms:
        for form in term.forms:
            pattern = form_pattern(form)
            alternatives.setdefault(
                pattern if is_case_sensitive(form, term) else f"(?i:{pattern})", len(form)
            )
    body = "|".join(sorted(alternatives, key=lambda p: (-alternatives[p], p)))
    regex = re.compile(rf"(?<!\w)(?=({body})(?!\w))")
    matcher = get_matcher(glossary, "en")
    candidates = []
    for m in regex.finditer(text):
        if matcher.terms_for(m.group(1)):
            candidates.append((m.start(1), m.end(1)))
    candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
    taken: set[int] = set()
    chosen = []
    for start, end in candidates:
        if taken & set(range(start, end)):
            continue
        taken |= set(range(start, end))
        chosen.append((start, end, text[start:end]))
    return sorted(chosen)


_SEPARATORS = st.sampled_from([" ", "  ", "\n", ", ", ". ", "x", "-", "’", " the "])


@settings(max_examples=400, deadline=None)
@given(words=st.lists(_WORDS, min_size=2, max_size=5), data=st.data())
def test_property_the_trie_matcher_finds_what_the_plain_alternation_found(
    words: list[str], data: st.DataObject
) -> None:
    """Forms are runs of the same few words, so they share beginnings, nest and overlap in the text."""
    runs = st.tuples(st.integers(0, len(words) - 1), st.integers(1, len(words))).map(
        lambda r: " ".join(words[r[0] : r[0] + r[1]])
    )
    forms = data.draw(st.lists(st.tuples(runs, st.booleans()), min_size=1, max_size=6))
    pieces = data.draw(st.lists(st.tuples(_SEPARATORS, runs), max_size=6))
    text = "".join(sep + run for sep, run in pieces) + data.draw(_SEPARATORS)
    terms = tuple(Term(form, keep=keep) for form, keep in dict(forms).items())
    glossary = Glossary(terms)
    found = [(m.start, m.end, m.text) for m in find_terms(glossary, text)]
    assert found == _reference_find(glossary, text)
    get_matcher(glossary, "en").find(text).clear()  # a caller's copy: the memory keeps its own
    again = [(m.start, m.end, m.text) for m in find_terms(glossary, text)]
    assert again == found  # the second answer comes from the matcher's memory: the same


def test_a_long_glossary_is_searched_as_a_trie_not_one_form_after_another() -> None:
    """Forms that begin alike are written once: the regex grows with the letters, not forms x words."""
    terms = tuple(Term(f"United Nations Office number {i}") for i in range(300))
    matcher = get_matcher(Glossary(terms), "en")
    assert matcher.regex is not None
    assert matcher.regex.pattern.count("United") == 1
    text = "the United Nations Office number 17 and United Nations Office number 170."
    assert [m.text for m in find_terms(Glossary(terms), text)] == [
        "United Nations Office number 17",
        "United Nations Office number 170",
    ]
