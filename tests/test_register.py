"""The register check: a letter to the Secretary-General addresses him as usted, vous, o senhor.

Every rule has a sentence it must flag and one it must not (false positives
matter as much as misses: "la ciudad de Madrid", "le ton de la lettre",
"Vossa Excelência"). Most cases run twice, with Apertium's morphological
analyser and with the word lists alone, since the check falls back to the
lists where no analyser is installed; cases only the analyser can judge
(finalizas, ayúdanos, dis-moi) say so. The evidence is the sample letter
through real Apertium: every informal form in its Spanish is flagged, and
nothing else.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from polyletter.document.formulas import load_lexicon
from polyletter.document.letter import Block, BlockKind
from polyletter.qa import register
from polyletter.qa.base import Context, Issue, Letterwide
from polyletter.qa.register import Register, find_analyser
from polyletter.store.catalog import Entry

from .conftest import LETTER, needs_apertium

LEXICON = load_lexicon()
MODES = ["analyser", "lists"]


def require_analyser(lang: str) -> None:
    """Skip without the language's analyser, except where CI says Apertium must be there."""
    if find_analyser(lang) is not None:
        return
    if os.environ.get("POLYLETTER_REQUIRE_APERTIUM"):
        pytest.fail(f"POLYLETTER_REQUIRE_APERTIUM is set but no Apertium analyser for {lang} is installed")
    package = {"es": "apertium-eng-spa", "fr": "apertium-fr-es"}.get(lang, "a pair")
    pytest.skip(f"needs lt-proc and the {lang} analyser (apt-get install apertium {package})")


def context(
    lang: str,
    translation: str,
    source: str = "We write to you.",
    register_: str = "formal",
    entries: dict[str, Entry] | None = None,
    block_id: str = "paragraph-1",
) -> Context:
    block = Block(block_id, BlockKind.PARAGRAPH, (source,))
    entry = Entry(block_id, source, translation)
    letter = Letterwide(entries=entries if entries is not None else {block_id: entry})
    return Context(block, entry, "en", lang, None, LEXICON, register=register_, letter=letter)


def issues(lang: str, translation: str, mode: str = "analyser", **kwargs: object) -> list[Issue]:
    """What the check says of one block (with the analyser, or with the word lists only)."""
    if mode == "analyser" and lang in ("es", "fr"):
        require_analyser(lang)
    ctx = context(lang, translation, **kwargs)  # type: ignore[arg-type]
    check = Register(use_analyser=mode == "analyser")
    return list(check.check(ctx)) if check.applies(ctx) else []


def words(found: list[Issue]) -> list[str]:
    """The quoted word of each finding (``informal "vuestro" (...)`` -> ``vuestro``)."""
    return [issue.message.split('"')[1] for issue in found]


# One sentence flagged and one not, per language and per kind, in both modes.
CASES: list[tuple[str, str, str, list[str]]] = [
    # Spanish: possessives
    ("es", "possessive vuestro", "Respetuosamente pedimos vuestro liderazgo.", ["vuestro"]),
    ("es", "possessive su", "Respetuosamente pedimos su liderazgo.", []),
    ("es", "Vuestra Excelencia is formal", "Vuestra Excelencia: le escribimos con respeto.", []),
    ("es", "tu / tus", "Tu informe y tus esfuerzos son cruciales.", ["Tu", "tus"]),
    ("es", "tuyo", "Nuestro compromiso y el tuyo.", ["tuyo"]),
    # Spanish: subject, object and prepositional pronouns
    ("es", "subject tú and its verb", "Sabemos que tú puedes ayudar.", ["tú", "puedes"]),
    ("es", "usted", "Sabemos que usted puede ayudar.", []),
    ("es", "clitic Te at sentence start", "Te pedimos que actúe.", ["Te"]),
    ("es", "clitic Le", "Le pedimos que actúe.", []),
    ("es", "te the (misspelt) noun té", "Servimos una taza de te caliente.", []),
    ("es", "ti after a preposition", "Esta carta es para ti.", ["ti"]),
    ("es", "contigo", "Esperamos obrar contigo.", ["contigo"]),
    ("es", "con usted", "Esperamos obrar con usted.", []),
    ("es", "vosotros and its verb", "Vosotros sabéis lo que está en juego.", ["Vosotros", "sabéis"]),
    ("es", "con vosotros", "Contamos con vosotros.", ["vosotros"]),
    ("es", "ustedes", "Ustedes saben lo que está en juego.", []),
    ("es", "clitic os", "Os instamos a actuar.", ["Os"]),
    ("es", "OS is an acronym", "El sistema OS de la oficina funciona.", []),
    ("es", "voseo", "Sabemos que vos podés ayudar.", ["vos"]),
    # Spanish: verbs
    ("es", "2nd plural -áis", "Sabemos que actuáis con prudencia.", ["actuáis"]),
    ("es", "país is not a verb", "El país necesita ayuda.", []),
    ("es", "a name at the start of a line", "Adís Abeba, Etiopía\nParís, Francia", []),
    ("es", "2nd singular future", "Confiamos en que obrarás con el Presidente.", ["obrarás"]),
    ("es", "atrás is not a verb", "Dejamos atrás los años pasados.", []),
    ("es", "imperative -ad", "Actuad ya, por favor.", ["Actuad"]),
    ("es", "imperative -ed", "Proteged a las poblaciones.", ["Proteged"]),
    (
        "es",
        "nouns in -ad/-ed/-id",
        "La ciudad de Madrid: sed de justicia, verdad, la red y la pared; usted lo sabe.",
        [],
    ),
    ("es", "infinitive + te", "Queremos pedirte una reunión.", ["pedirte"]),
    ("es", "infinitive + le, and -arte nouns", "Queremos pedirle una reunión aparte, con arte.", []),
    ("es", "plural nouns and adjectives in -as/-es", "Las medidas reactivas y los niveles regionales.", []),
    ("es", "continúa is also usted's", "Como continúa preparando el diálogo.", []),
    # French
    (
        "fr",
        "possessives",
        "Nous saluons ton engagement, ta détermination et tes efforts.",
        ["ton", "ta", "tes"],
    ),
    ("fr", "votre / vos", "Nous saluons votre engagement et vos efforts.", []),
    ("fr", "ton the noun", "Le ton de la lettre est ferme ; un changement de ton.", []),
    ("fr", "subject tu and its verb", "Nous savons que tu peux agir.", ["tu", "peux"]),
    ("fr", "inversion", "Peux-tu agir ?", ["Peux", "tu"]),
    ("fr", "tu the participle of taire", "Il a tu la vérité.", []),
    ("fr", "vous and its verb", "Nous savons que vous pouvez agir.", []),
    ("fr", "clitic te", "Nous te remercions.", ["te"]),
    ("fr", "elided t'", "Nous t'écrivons au sujet du dialogue.", ["t'"]),
    ("fr", "clitic vous", "Nous vous écrivons au sujet du dialogue.", []),
    ("fr", "toi after a preposition", "Nous travaillerons avec toi.", ["toi"]),
    ("fr", "le tien", "Notre engagement et le tien.", ["tien"]),
    ("fr", "tiens the verb", "Je tiens à vous remercier.", []),
    ("fr", "2nd singular future", "Tu pourras compter sur nous.", ["Tu", "pourras"]),
    ("fr", "formal closing", "Veuillez agréer, Monsieur le Secrétaire général, nos salutations.", []),
    ("fr", "mesures is a noun", "Les mesures prises par les États.", []),
    # Portuguese (no analyser: the lists in both modes)
    ("pt", "possessives", "Agradecemos o teu apoio e a tua liderança.", ["teu", "tua"]),
    ("pt", "seu / sua", "Agradecemos o seu apoio e a sua liderança.", []),
    ("pt", "vosso", "Agradecemos o vosso apoio.", ["vosso"]),
    ("pt", "Vossa Excelência is formal", "Vossa Excelência sabe que a sua liderança conta.", []),
    ("pt", "você", "Sabemos que você pode ajudar.", ["você"]),
    ("pt", "o senhor", "Sabemos que o senhor pode ajudar.", []),
    ("pt", "tu, te, contigo", "Tu sabes que contamos contigo e pedimos-te ajuda.", ["Tu", "contigo", "te"]),
    ("pt", "os is the article", "Os Estados Membros e os seus parceiros.", []),
    ("pt", "vós", "Vós sabeis o que está em jogo.", ["Vós"]),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("lang", "kind", "text", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_informal_forms_are_flagged_and_formal_ones_are_not(
    mode: str, lang: str, kind: str, text: str, expected: list[str]
) -> None:
    assert words(issues(lang, text, mode)) == expected, kind


ANALYSER_ONLY: list[tuple[str, str, list[str], list[str]]] = [
    # (lang, text, with the analyser, with the lists)
    ("es", "Esperamos obrar como finalizas vuestro informe.", ["finalizas", "vuestro"], ["vuestro"]),
    ("es", "Ayúdanos a proteger a las poblaciones.", ["Ayúdanos"], []),
    (
        "es",
        "Queremos agradeceros el apoyo e informaros del diálogo.",
        ["agradeceros", "informaros"],
        [
            "agradeceros",
            "informaros",
        ],
    ),
    ("es", "Ayudad a las víctimas.", ["Ayudad"], []),
    ("fr", "Dis-moi ce que tu penses.", ["Dis-moi", "tu", "penses"], ["tu", "penses"]),
    ("fr", "Nous espérons que travailleras avec le Président.", ["travailleras"], []),
]


@pytest.mark.parametrize(("lang", "text", "analysed", "listed"), ANALYSER_ONLY)
def test_the_analyser_finds_verbs_the_lists_cannot_and_the_lists_stay_conservative(
    lang: str, text: str, analysed: list[str], listed: list[str]
) -> None:
    assert words(issues(lang, text, "lists")) == listed
    assert words(issues(lang, text, "analyser")) == analysed


def test_a_word_the_source_has_too_is_a_name_not_a_pronoun() -> None:
    found = issues("es", "Visitamos el museo Te Papa.", "lists", source="We visited the Te Papa museum.")
    assert found == []


def test_messages_name_the_word_the_person_and_what_is_due() -> None:
    (vuestro,) = issues("es", "Respetuosamente pedimos vuestro liderazgo.", "lists")
    assert vuestro.message == 'informal "vuestro" (vosotros) in a formal letter: use "su" (usted)'
    (voce,) = issues("pt", "Sabemos que você pode ajudar.", "lists")
    assert '"o senhor" / "Vossa Excelência"' in voce.message
    (te,) = issues("es", "Te pedimos que actúe.", "lists")
    assert "not fixed automatically" in te.message and te.fix is None


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("lang", "text", "fixed"),
    [
        (
            "es",
            "Pedimos vuestro liderazgo y esperamos obrar contigo.",
            "Pedimos su liderazgo y esperamos obrar con usted.",
        ),
        (
            "es",
            "Vuestro informe es crucial. Contigo, todo es posible.",
            "Su informe es crucial. Con usted, todo es posible.",
        ),
        ("es", "Tu informe y tus esfuerzos.", "Su informe y sus esfuerzos."),
        ("es", "Nuestro compromiso y el vuestro.", "Nuestro compromiso y el suyo."),
        ("es", "Esta carta es para ti.", "Esta carta es para usted."),
        ("es", "Contamos con vosotros.", "Contamos con ustedes."),
        (
            "fr",
            "Nous saluons ton engagement, ta détermination et tes efforts.",
            "Nous saluons votre engagement, votre détermination et vos efforts.",
        ),
        ("fr", "Nous travaillerons avec toi.", "Nous travaillerons avec vous."),
        ("fr", "Notre engagement et le tien.", "Notre engagement et le vôtre."),
        ("pt", "Agradecemos o teu apoio e a Tua liderança.", "Agradecemos o seu apoio e a Sua liderança."),
        ("pt", "Agradecemos o vosso apoio.", "Agradecemos o seu apoio."),
    ],
)
def test_safe_repairs_are_offered_as_the_whole_block_repaired(
    mode: str, lang: str, text: str, fixed: str
) -> None:
    found = issues(lang, text, mode)
    assert found and all(issue.fix == fixed for issue in found)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "Te instamos a actuar."),  # clitic: le, lo or la, depending on the verb
        ("es", "Confiamos en que obrarás con el Presidente."),  # the verb
        ("es", "Sabemos que tú puedes ayudar."),  # the subject and its verb
        ("es", "Es un amigo vuestro."),  # not clearly before its noun: su or suyo?
        ("es", "Ti, ni nadie más."),  # not after a preposition
        ("fr", "Nous te remercions."),
        ("fr", "Un changement de ton radical."),  # after "de": maybe the noun
        ("fr", "Toi seul peux agir."),
        ("pt", "Contamos contigo."),  # com o senhor, or com Vossa Excelência: the letter's choice
    ],
)
def test_verbs_clitics_and_unclear_cases_are_flagged_without_a_fix(mode: str, lang: str, text: str) -> None:
    found = issues(lang, text, mode)
    assert found and all(issue.fix is None for issue in found)
    assert all("not fixed automatically" in issue.message for issue in found)


def test_in_a_block_with_both_only_the_safe_repairs_are_made_and_verbs_keep_no_fix() -> None:
    found = issues("es", "Te instamos a presentar vuestro informe.", "lists")
    assert [(words([i])[0], i.fix) for i in found] == [
        ("Te", None),
        ("vuestro", "Te instamos a presentar su informe."),
    ]


def test_nothing_is_flagged_in_an_informal_letter() -> None:
    text = "Te pedimos que finalices vuestro informe, tú puedes."
    assert issues("es", text, "lists")
    assert issues("es", text, "lists", register_="informal") == []
    ctx = context("es", text, register_="informal")
    assert not Register(use_analyser=False).applies(ctx)
    assert list(Register(use_analyser=False).check(ctx)) == []


def test_languages_the_check_does_not_know_and_regional_codes() -> None:
    assert issues("de", "Wir danken dir für deine Führung.", "lists") == []
    assert words(issues("es-MX", "Pedimos vuestro liderazgo.", "lists")) == ["vuestro"]
    assert words(issues("pt_BR", "Sabemos que você pode ajudar.", "lists")) == ["você"]


def test_the_analyser_runs_once_for_a_whole_version(monkeypatch: pytest.MonkeyPatch) -> None:
    require_analyser("es")
    register.clear_cache()
    runs: list[int] = []
    real = register._run_analyser

    def counting(analyser, texts):  # type: ignore[no-untyped-def]
        runs.append(len(texts))
        return real(analyser, texts)

    monkeypatch.setattr(register, "_run_analyser", counting)
    texts = {f"paragraph-{n}": f"Confiamos en que obrarás con el Presidente {n}." for n in range(1, 30)}
    entries = {bid: Entry(bid, "We trust you.", text) for bid, text in texts.items()}
    check = Register(use_analyser=True)
    found = [
        issue
        for bid, text in texts.items()
        for issue in check.check(context("es", text, entries=entries, block_id=bid))
    ]
    # one lt-proc for the 29 blocks, asked about each of their 7 distinct words once
    assert runs == [len({"Confiamos", "en", "que", "obrarás", "con", "el", "Presidente"})]
    assert len(found) == 29
    register.prepare("es", ["Confiamos en que finalizas el informe."])  # in the background
    found = issues("es", "Confiamos en que finalizas el informe.")
    assert runs == [7, 2] and words(found) == ["finalizas"]  # only the words not seen yet


def test_the_analysis_grows_with_the_vocabulary_not_the_length(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 170 KB paragraph has a few hundred distinct words: lt-proc reads those, not the paragraph."""
    require_analyser("es")
    register.clear_cache()
    asked: list[str] = []
    real = register._run_analyser
    monkeypatch.setattr(register, "_run_analyser", lambda a, w: asked.extend(w) or real(a, w))
    sentence = "En el punto {n}, confiamos en que obrarás y finalizas vuestro informe."
    paragraph = " ".join(sentence.format(n=n) for n in range(2000))
    found = issues("es", paragraph)
    assert sorted(asked) == sorted(set(register.word_forms([paragraph])))
    assert len(asked) == 11 and len(paragraph) > 100_000
    assert len(found) == 3 * 2000  # every sentence's obrarás, finalizas and vuestro, none missed
    register.clear_cache()


def test_analyses_kept_in_the_workspace_cache_spare_the_next_run_its_process(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    require_analyser("es")
    register.clear_cache()
    texts = ["Confiamos en que obrarás con el Presidente.", "Como finalizas vuestro informe."]
    register.prepare("es", texts, cache_dir=tmp_path)
    first = [words(issues("es", text)) for text in texts]
    assert first == [["obrarás"], ["finalizas", "vuestro"]]
    (stored,) = tmp_path.glob("register-*.json")

    register.clear_cache()  # a new run
    runs: list[int] = []
    real = register._run_analyser
    monkeypatch.setattr(register, "_run_analyser", lambda a, t: runs.append(len(t)) or real(a, t))
    register.prepare("es", texts, cache_dir=tmp_path)
    assert [words(issues("es", text)) for text in texts] == first
    assert runs == []

    register.clear_cache()  # another analyser (a new version of the pair): the file is not trusted
    stored.write_text(stored.read_text(encoding="utf-8").replace('"analyser": "/', '"analyser": "/old'))
    register.prepare("es", texts, cache_dir=tmp_path)
    assert [words(issues("es", text)) for text in texts] == first
    assert runs == [len(register.word_forms(texts))]

    register.clear_cache()  # the next letter: only the words the workspace has not seen go to lt-proc
    runs.clear()
    later = ["Confiamos en que finalizas el dictamen con el Presidente."]
    register.prepare("es", later, cache_dir=tmp_path)
    assert words(issues("es", later[0])) == ["finalizas"]
    assert runs == [1]  # "dictamen"
    register.clear_cache()


def test_stream_syntax_in_a_translation_does_not_shift_the_analysis() -> None:
    text = "Confiamos [en] que obrarás / <b>finalizas</b> con $5 ^ y \\ @*# vuestro informe."
    assert words(issues("es", text)) == ["obrarás", "finalizas", "vuestro"]


def test_an_analyser_that_fails_leaves_the_word_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    require_analyser("es")
    register.clear_cache()
    monkeypatch.setattr(register, "_run_analyser", lambda analyser, texts: [None] * len(texts))
    assert words(issues("es", "Confiamos en que obrarás y finalizas.")) == ["obrarás"]
    register.clear_cache()


# --------------------------------------------------------------------------
# Evidence: the sample letter through real Apertium
# --------------------------------------------------------------------------

APERTIUM_SPANISH_INFORMAL = {
    "paragraph-1": ["vuestro", "obrarás"],  # pedimos vuestro liderazgo; confiamos en que obrarás
    "paragraph-2": ["vuestro"],  # puede vuestro informe
    "paragraph-3": ["contigo", "vuestro", "finalizas", "vuestro"],  # obrar contigo; vuestro Asesor...
    "paragraph-4": ["vuestro", "Te", "instáis"],  # de vuestro informe; Te instáis
}
"""Every informal second person in Apertium's Spanish of the sample letter, found by reading it."""


@pytest.fixture
def spanish_by_apertium(workspace):  # type: ignore[no-untyped-def]
    """The sample letter's master blocks and its Spanish PO entries, translated by real Apertium."""
    from polyletter.commands.translate import translate_letter
    from polyletter.mt.engines.apertium import ApertiumEngine
    from polyletter.readers import read_letter
    from polyletter.store.versions import load_version

    translate_letter(workspace, LETTER, ["es"], engine=ApertiumEngine())
    master = read_letter(workspace.master_path(LETTER), workspace.config.source)
    return master, load_version(workspace, LETTER, "es").entries


def _check_letter(master, entries, lang: str, mode: str) -> dict[str, list[Issue]]:  # type: ignore[no-untyped-def]
    check = Register(use_analyser=mode == "analyser")
    found: dict[str, list[Issue]] = {}
    for block in master.blocks:
        entry = entries[block.id]
        ctx = Context(block, entry, "en", lang, None, LEXICON, letter=Letterwide(entries=entries))
        if check.applies(ctx) and (issues_ := list(check.check(ctx))):
            found[block.id] = issues_
    return found


@pytest.mark.apertium
@needs_apertium
def test_every_informal_form_in_apertiums_spanish_of_the_sample_letter_is_flagged(
    spanish_by_apertium,
) -> None:  # type: ignore[no-untyped-def]
    require_analyser("es")
    master, entries = spanish_by_apertium
    spanish = "\n".join(entry.translation for entry in entries.values())
    for phrase in (
        "vuestro liderazgo",
        "obrarás",
        "obrar contigo",
        "finalizas vuestro informe",
        "Te instáis",
    ):
        assert phrase in spanish, f"Apertium's Spanish changed ({phrase!r} is gone): read it again"

    found = _check_letter(master, entries, "es", "analyser")
    assert {bid: words(issues_) for bid, issues_ in found.items()} == APERTIUM_SPANISH_INFORMAL

    # The safe repairs, made: what is left is what a person must rewrite (verbs and the clitic).
    repaired = dict(entries)
    for bid, issues_ in found.items():
        fixes = {issue.fix for issue in issues_ if issue.fix}
        assert len(fixes) == 1
        repaired[bid] = Entry(bid, entries[bid].source, fixes.pop())
    assert "pedimos su liderazgo" in repaired["paragraph-1"].translation
    assert (
        "obrar con usted y continuar nuestro compromiso con su Asesor" in repaired["paragraph-3"].translation
    )
    left = _check_letter(master, repaired, "es", "analyser")
    assert {bid: words(issues_) for bid, issues_ in left.items()} == {
        "paragraph-1": ["obrarás"],
        "paragraph-3": ["finalizas"],
        "paragraph-4": ["Te", "instáis"],
    }


@pytest.mark.apertium
@needs_apertium
def test_without_the_analyser_the_sample_letter_loses_one_verb_and_gains_no_false_positive(
    spanish_by_apertium,
) -> None:  # type: ignore[no-untyped-def]
    master, entries = spanish_by_apertium
    found = _check_letter(master, entries, "es", "lists")
    expected = {bid: [w for w in ws if w != "finalizas"] for bid, ws in APERTIUM_SPANISH_INFORMAL.items()}
    assert {bid: words(issues_) for bid, issues_ in found.items()} == expected


@pytest.mark.apertium
@needs_apertium
def test_apertiums_french_of_that_spanish_has_its_tu_forms_flagged(spanish_by_apertium) -> None:  # type: ignore[no-untyped-def]
    """No en-fr pair is packaged: es-fr (apertium-fr-es) carries the Spanish tú/vosotros into French."""
    from polyletter.mt.engines.apertium import ApertiumEngine

    engine = ApertiumEngine()
    if ("es", "fr") not in engine.pairs():
        if os.environ.get("POLYLETTER_REQUIRE_APERTIUM"):
            pytest.fail("POLYLETTER_REQUIRE_APERTIUM is set but apertium-fr-es is not installed")
        pytest.skip("needs Debian's apertium-fr-es (apt-get install apertium-fr-es)")
    require_analyser("fr")
    master, entries = spanish_by_apertium
    ids = [bid for bid in APERTIUM_SPANISH_INFORMAL]
    french = engine.translate("es", "fr", [entries[bid].translation for bid in ids])
    french_entries = {
        bid: Entry(bid, entries[bid].source, text) for bid, text in zip(ids, french, strict=True)
    }
    blocks = [block for block in master.blocks if block.id in french_entries]
    found = {}
    for mode in MODES:
        found[mode] = Counter(
            word
            for block in blocks
            for word in words(
                list(
                    Register(use_analyser=mode == "analyser").check(
                        Context(
                            block,
                            french_entries[block.id],
                            "en",
                            "fr",
                            None,
                            LEXICON,
                            letter=Letterwide(entries=french_entries),
                        )
                    )
                )
            )
        )
    expected = Counter({"tu": 3, "réactives": 1, "oeuvreras": 1, "toi": 1, "termines": 1, "t'": 1})
    assert found["analyser"] == expected
    assert found["lists"] == expected


def _to(salutation: str | None, translation: str, source: str) -> list[Issue]:
    """The check on one paragraph of a letter that opens with ``salutation`` (word lists only)."""
    from polyletter.document.letter import Letter

    blocks = [Block("salutation-1", BlockKind.SALUTATION, (salutation,))] if salutation else []
    paragraph = Block("paragraph-1", BlockKind.PARAGRAPH, (source,))
    entry = Entry("paragraph-1", source, translation)
    letter = Letterwide(entries={"paragraph-1": entry}, master=Letter((*blocks, paragraph), "en"))
    ctx = Context(paragraph, entry, "en", "es", None, LEXICON, letter=letter)
    return list(Register(use_analyser=False).check(ctx))


@pytest.mark.parametrize(
    ("salutation", "fixed"),
    [
        ("Dear Ministers,", "Escribimos a ustedes y contamos con ustedes."),
        ("Dear Members of the Security Council,", "Escribimos a ustedes y contamos con ustedes."),
        ("Excellencies,", "Escribimos a ustedes y contamos con ustedes."),
        ("Excellency,", "Escribimos a usted y contamos con usted."),
        ("Dear Secretary-General,", "Escribimos a usted y contamos con usted."),
        ("Dear Ms. Alvarez,", "Escribimos a usted y contamos con usted."),  # no formula: one reader
        (None, "Escribimos a usted y contamos con usted."),
    ],
)
def test_a_repaired_pronoun_has_the_number_of_the_readers_the_salutation_addresses(
    salutation: str | None, fixed: str
) -> None:
    found = _to(salutation, "Escribimos a ti y contamos contigo.", "We write to you and count on you.")
    assert [words([i])[0] for i in found] == ["ti", "contigo"]
    assert all(issue.fix == fixed for issue in found)


def test_vosotros_to_one_reader_becomes_usted_and_to_several_ustedes() -> None:
    source = "We count on you."
    one = _to("Excellency,", "Contamos con vosotros.", source)
    several = _to("Excellencies,", "Contamos con vosotros.", source)
    assert [i.fix for i in one] == ["Contamos con usted."]
    assert [i.fix for i in several] == ["Contamos con ustedes."]


def test_a_vosotros_verb_for_our_we_suggests_the_we_form_and_only_then() -> None:
    ours = _to("Excellency,", "Os instáis a garantizar la paz.", "We urge you to ensure peace.")
    verb = next(i for i in ours if "instáis" in i.message)
    assert '"instamos" if its subject is "we"' in verb.message and verb.fix is None
    theirs = _to("Excellencies,", "Sabemos que pedís la paz.", "We know that you ask for peace.")
    assert '"pedimos"' in next(i.message for i in theirs if "pedís" in i.message)
    no_we = _to("Excellencies,", "Ustedes saben que pedís la paz.", "You know that they ask for peace.")
    assert all("subject is" not in i.message for i in no_we)
    assert any("pedís" in i.message for i in no_we)


def test_the_lexicon_refuses_an_unknown_number_of_addressees(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from polyletter.errors import InputFormatError

    text = "salutations:\n  all:\n    addressees: many\n    en: ['Dear all,']\n"
    (tmp_path / "formulas.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputFormatError, match="addressees is one or several, not 'many'"):
        load_lexicon(tmp_path)
    (tmp_path / "formulas.yaml").write_text(text.replace("many", "several"), encoding="utf-8")
    formula = load_lexicon(tmp_path).match("Dear all,", "en", "salutation")
    assert formula is not None and formula.addressees == "several" and formula.forms == {"en": ("Dear all,",)}


def test_a_clitic_to_several_readers_asks_for_les_and_stays_unfixed() -> None:
    several = _to("Dear Ministers,", "Te pedimos la paz.", "We ask you for peace.")
    one = _to("Excellency,", "Os pedimos la paz.", "We ask you for peace.")
    assert [(words([i])[0], i.fix) for i in several] == [("Te", None)]
    assert '"les" / "los" (ustedes' in several[0].message
    assert [(words([i])[0], i.fix) for i in one] == [("Os", None)]
    assert '"le" / "lo" / "la" (usted)' in one[0].message


@pytest.mark.parametrize(
    "script",
    [
        "exit 3",  # fails at once
        "read -r line; exit 0",  # reads, answers nothing
        "exec sleep 30",  # hangs: the timeout ends it
    ],
)
def test_an_analyser_that_fails_or_hangs_half_way_gives_no_analysis_and_no_hang(
    tmp_path, monkeypatch: pytest.MonkeyPatch, script: str
) -> None:  # type: ignore[no-untyped-def]
    import time

    fake = tmp_path / "bin" / "lt-proc"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    monkeypatch.setattr(register, "ANALYSER_TIMEOUT", 1.0)
    started = time.monotonic()
    result = register._run_analyser(
        tmp_path / "spa-eng.automorf.bin", ["Confiamos en que obrarás.", "Gracias."]
    )
    assert result == [None, None]
    assert time.monotonic() - started < 10
