"""Register: a formal letter must address its reader formally.

A letter to the Secretary-General addresses him as *usted* in Spanish, *vous*
in French, *o senhor* / *Vossa Excelência* in Portuguese. Engines often get
this wrong -- Apertium's Spanish of the sample letter says "confiamos en que
obrarás", "Te instáis", "vuestro liderazgo": the familiar *tú* and *vosotros*,
the most embarrassing fault a partner could find in the letter. This check
flags every informal second-person form when the workspace's register is
``formal`` (the default) and does nothing when it is ``informal``.

What is flagged, and how precisely:

* **Closed classes** (pronouns, clitics, possessives) are found by their
  form, with the contexts that make a form something else: Spanish "te"
  after an article is the misspelt noun *té*; French "tu" after *a* / *est*
  is the participle of *taire*, and "ton" after a determiner or before
  punctuation is the noun (*le ton de la lettre*); "Vuestra Excelencia",
  "Vossa Excelência" are the formal address itself.
* **Verbs** (obrarás, finalizas, instáis, haced, pedirte, tu pourras) are
  only reliable with a morphological analyser: "-as" and "-es" are as often
  plural nouns and adjectives (*reactivas*, *niveles*, *mesures*) as second
  persons, and "-ad" / "-ed" / "-id" are mostly nouns (*ciudad*, *red*,
  *Madrid*). When Apertium's analyser for the language is installed
  (``lt-proc`` on the ``automorf.bin`` of an installed pair), a word is
  flagged when *every* analysis of it is a second person (Spanish singular
  or plural, French singular: *vous* is formal): "continúa" (also usted's
  3rd person), "para" (also a preposition) and "sed" (also the noun) are
  not. Without the analyser, only forms no other word has are flagged: a
  closed list of common second persons (eres, puedes, tienes...), the
  endings "-áis" / "-éis" / "-ís" / "-rás" with their nouns excepted (país,
  atrás), infinitive + te/os of the verbs letters use (pedirte,
  agradeceros), and "-ad" / "-ed" / "-id" only at the start of a clause,
  outside the noun suffixes "-dad" / "-tad". A word after the subject
  "tú" / "tu" (or before "-tu") is its verb in both modes.
* Words that the source text has too (a name, an untranslated word) and
  acronyms in running text ("TU Delft") are not flagged.

**Fixes** (``Issue.fix``) only where nothing else in the sentence has to
change: possessives (vuestro -> su, tu/tus -> su/sus, tuyo -> suyo; French
ton/ta/tes -> votre/vos, le tien -> le vôtre; Portuguese teu/vosso -> seu)
and pronouns after a preposition (contigo -> con usted, para ti -> para
usted, con vosotros -> con ustedes; avec toi -> avec vous), keeping a
capital. Subjects, clitics (te, os, t') and verbs are flagged only: the verb
must agree, and Spanish "te" becomes "le", "lo" or "la" depending on the
verb. Every fixable issue of a block carries the same fix, the block with all
of them repaired, so applying any one of them gives the same text.

**The analyser is run once per language version, not once per block, and on
word forms, not on running text.** The check API is per block, so analyses
live in a process-wide cache keyed by (analyser, word form). The first block
of a version analyses every distinct word of the version's translations
(``ctx.letter.entries``) in one ``lt-proc -z`` process (words separated by
NUL, answers likewise), and the other blocks find theirs in the cache. A
letter of 170 KB has a few hundred distinct words, not thirty thousand, so
the analysis grows with the letter's vocabulary, not its length; what is
given up is lt-proc's multiword units ("confiamos en", "sin embargo"), which
the rules do not need: a word is flagged by its own readings. :func:`prepare`
starts that process in the background without waiting for it, so a caller
that knows the versions up front (``check``, ``translate``) overlaps the
~50 ms the analyser takes to load its dictionary with its own work, and,
given the workspace's cache folder, keeps the readings on disk, so that a
letter whose words the workspace has seen costs no process at all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from polyletter.document.letter import BlockKind
from polyletter.qa.base import Check, Context, Issue

FORMAL = "formal"
ANALYSER_TIMEOUT = 60.0
"""Seconds for one analyser batch; a letter takes well under a second, so this only catches a hang."""
CACHE_LIMIT = 20_000
"""Texts kept analysed per process; past it the cache starts afresh (a workspace's letters fit)."""

# ---------------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_COMPOUND = re.compile(r"(?<![^\W\d_])[^\W\d_]++(?:[-'’][^\W\d_]++)+")
"""Words joined by hyphens or apostrophes, which the analyser may know as one ("dis-moi", "peux-tu")."""
_APOSTROPHES = "'’"
_CLAUSE_PUNCTUATION = set(".!?¡¿;:,()—–\n")
_ANALYSER_SPECIALS = str.maketrans(dict.fromkeys("^$[]{}<>@*#/\\\0", " "))
"""Characters lt-proc reads as stream syntax: blanked out (offsets stay put; no word has them)."""


class Token(NamedTuple):
    """A word of a translation and where it is (a tuple: a long paragraph has tens of thousands)."""

    text: str
    start: int
    end: int
    lower: str


class Words:
    """A translation's words, with the neighbourhood the rules look at."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [Token(w := m.group(), m.start(), m.end(), w.lower()) for m in _WORD.finditer(text)]
        self.has_lowercase = any(t.text.islower() for t in self.tokens)

    def gap_before(self, i: int) -> str:
        start = self.tokens[i - 1].end if i > 0 else 0
        return self.text[start : self.tokens[i].start]

    def prev(self, i: int) -> Token | None:
        """The word right before token ``i`` with only spaces between (not across punctuation)."""
        if i == 0 or self.gap_before(i).strip():
            return None
        return self.tokens[i - 1]

    def next(self, i: int) -> Token | None:
        """The word right after token ``i`` with only spaces between."""
        if i + 1 >= len(self.tokens) or self.gap_before(i + 1).strip():
            return None
        return self.tokens[i + 1]

    def elided(self, i: int) -> bool:
        """Whether token ``i`` is elided (French "t'"): an apostrophe right after it."""
        end = self.tokens[i].end
        return end < len(self.text) and self.text[end] in _APOSTROPHES

    def clause_start(self, i: int) -> bool:
        """Whether token ``i`` opens a sentence or clause (where an imperative stands)."""
        return i == 0 or bool(set(self.gap_before(i)) & _CLAUSE_PUNCTUATION)

    def acronym(self, i: int) -> bool:
        """An all-capital word in running text ("TU Delft", "OS"): not a pronoun."""
        word = self.tokens[i].text
        return len(word) > 1 and word.isupper() and self.has_lowercase

    def proper_noun(self, i: int) -> bool:
        """A capitalised word inside a clause: a name ("Eres", "Red de ..."), not a verb."""
        return self.tokens[i].text[0].isupper() and not self.clause_start(i)


def matching_case(replacement: str, original: str) -> str:
    """``replacement`` with ``original``'s capitalisation ("Vuestro" -> "Su", "TU" -> "SU")."""
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# ---------------------------------------------------------------------------------------------------
# The analyser: Apertium's morphological analyser, batched and cached per process
# ---------------------------------------------------------------------------------------------------


class Unit(NamedTuple):
    """A word (or a compound the analyser knows as one) of a text, where it is, and its readings."""

    start: int
    end: int
    surface: str
    readings: tuple[str, ...]


Readings = tuple[str, ...]
"""Every analysis lt-proc gives a word form (``obrar<vblex><fti><p2><sg>``); empty for a word it does not
know."""
Analysis = Mapping[str, Readings]
"""The readings of a text's words, by word form."""

_lock = threading.Lock()
_analysers: dict[str, Path | None] = {}
_cache: dict[tuple[Path, str], Readings | None] = {}
"""By (analyser, word form); None where the analyser failed on the batch that held the word."""
_pending: dict[tuple[Path, str], threading.Thread] = {}
_AUTOMORF = re.compile(r"(/[^\s'\"|;<>]+?\.automorf\.bin)")


def find_analyser(lang: str) -> Path | None:
    """The ``automorf.bin`` that analyses ``lang``, from the installed pairs' modes; None without one.

    The analyser is the first program of a pair's mode whose source is ``lang``
    (``spa-eng.mode`` starts with ``lt-proc .../spa-eng.automorf.bin``). Pairs
    named with the ISO 639-3 code (``spa-eng``, the maintained ones) are
    preferred over older ones (``es-fr``). Looked up once per process.
    """
    with _lock:
        if lang in _analysers:
            return _analysers[lang]
    found: Path | None = None
    if shutil.which("lt-proc") is not None:
        from polyletter.mt.engines.apertium import default_datadirs, discover_modes, iso3

        modes = [mode for (source, _), mode in discover_modes(default_datadirs()).items() if source == lang]
        modes.sort(key=lambda mode: (not mode.name.startswith(iso3(lang)), mode.name))
        for mode in modes:
            try:
                pipeline = mode.path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            match = _AUTOMORF.search(pipeline)
            if match and Path(match.group(1)).is_file():
                found = Path(match.group(1))
                break
    with _lock:
        _analysers[lang] = found
    return found


def word_forms(texts: Iterable[str]) -> list[str]:
    """What the analyser is asked about: the distinct words of ``texts`` as :class:`Words` cuts them, and
    their compounds (an imperative with its clitic is one word to the analyser: "Dis-moi")."""
    forms: dict[str, None] = {}
    for text in texts:
        forms.update(dict.fromkeys(_WORD.findall(text)))
        if "-" in text or "'" in text or "’" in text:
            forms.update(dict.fromkeys(_COMPOUND.findall(text)))
    return list(forms)


def _run_analyser(analyser: Path, words: Sequence[str]) -> list[Readings | None]:
    """Every word form through one ``lt-proc -z`` process; None for each when the analyser fails.

    Each word is a stream of its own (``-z`` flushes the output at every NUL,
    so words joined with NULs come back as as many answers, in order), so no
    multiword unit joins two of them and a word's readings do not depend on
    the text it came from. Each word ends with a space: lt-proc drops the last
    character before a NUL.
    """
    stream = "".join(word + " \0" for word in words)
    try:
        done = subprocess.run(
            ["lt-proc", "-z", str(analyser)],
            input=stream,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=ANALYSER_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return [None] * len(words)
    answers = done.stdout.split("\0")
    if done.returncode != 0 or len(answers) < len(words):
        return [None] * len(words)
    return [_readings(word, answer) for word, answer in zip(words, answers, strict=False)]


_UNIT = re.compile(r"\^([^$]*)\$")


def _readings(word: str, answer: str) -> Readings:
    """The known readings in lt-proc's ``^surface/reading/...$`` answer for ``word`` alone.

    A word the analyser cuts in pieces (letters outside its alphabet) is one it does not know.
    """
    units = _UNIT.findall(answer)
    if len(units) != 1:
        return ()
    surface, *readings = units[0].split("/")
    if surface != word:
        return ()
    return tuple(r for r in readings if not r.startswith("*"))


def _analyse_in_background(
    analyser: Path, words: list[str], cache_dir: Path | None = None
) -> threading.Thread:
    def work() -> None:
        results: list[Readings | None] = [None] * len(words)
        try:
            results = _run_analyser(analyser, words)
        finally:
            _store(analyser, words, results)
        if cache_dir is not None:
            _save_disk(analyser, cache_dir, words, results)

    thread = threading.Thread(target=work, name="register-analyser", daemon=True)
    with _lock:
        for word in words:
            _pending[(analyser, word)] = thread
    thread.start()
    return thread


def _store(analyser: Path, words: list[str], results: list[Readings | None]) -> None:
    with _lock:
        if len(_cache) > CACHE_LIMIT:
            _cache.clear()
        for word, result in zip(words, results, strict=True):
            _cache[(analyser, word)] = result
            _pending.pop((analyser, word), None)


def prepare(lang: str, texts: Iterable[str], cache_dir: Path | None = None) -> None:
    """Start analysing the words of ``texts`` (one language version's translations) without waiting.

    For a caller that knows every version it will check before it checks
    them: one call per version, and the analyser loads while the caller goes
    on. :meth:`Register.check` does the same on its own at a version's first
    block, so this is an optimisation, never a requirement. A no-op for a
    language without an installed analyser.

    With ``cache_dir`` (the workspace's ``.polyletter/cache``), analyses are
    also kept on disk, keyed by the analyser file (path, size, mtime) and
    the word form: lt-proc spends ~50 ms loading its dictionary, as long as
    the rest of ``check`` on a short letter, and a letter whose words the
    workspace has seen (checked again, or the next letter on the same
    subject) then costs no process at all.
    """
    analyser = find_analyser(_base(lang))
    if analyser is None:
        return
    wanted = word_forms(texts)
    if cache_dir is not None:
        stored = _load_disk(analyser, cache_dir)
        with _lock:
            for word in wanted:
                readings = stored.get(word)
                if readings is not None and (analyser, word) not in _cache:
                    _cache[(analyser, word)] = readings
    with _lock:
        todo = [w for w in wanted if (analyser, w) not in _cache and (analyser, w) not in _pending]
    if todo:
        _analyse_in_background(analyser, todo, cache_dir)


DISK_LIMIT = 20_000
"""Word forms kept in a workspace's analysis cache file; the oldest go first (a few MB at most)."""


def _disk_path(analyser: Path, cache_dir: Path) -> Path | None:
    """The analyses' file; None when it is a link (a cache is never read or written through one)."""
    from polyletter.store.fileio import usable_cache_file

    return usable_cache_file(cache_dir / f"register-{analyser.stem}.json")


def _identity(analyser: Path) -> str:
    """What the analyses depend on: the analyser file, as it is now."""
    try:
        stat = analyser.stat()
    except OSError:
        return ""
    return f"{analyser}:{stat.st_size}:{stat.st_mtime_ns}"


def _read_disk(analyser: Path, path: Path) -> dict[str, list[str]]:
    """The file's readings by word form; empty when missing, unreadable, of another analyser or format."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        words = data["words"] if data.get("analyser") == _identity(analyser) else {}
        if not isinstance(words, dict):
            return {}
        return {w: r for w, r in words.items() if isinstance(r, list) and all(isinstance(x, str) for x in r)}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _load_disk(analyser: Path, cache_dir: Path) -> dict[str, Readings]:
    """The stored readings by word form (see :func:`_read_disk`)."""
    path = _disk_path(analyser, cache_dir)
    if path is None:
        return {}
    return {word: tuple(readings) for word, readings in _read_disk(analyser, path).items()}


def _save_disk(analyser: Path, cache_dir: Path, words: list[str], results: list[Readings | None]) -> None:
    """Add new analyses to the cache file (written whole, then renamed: a reader sees old or new)."""
    new = {w: r for w, r in zip(words, results, strict=True) if r is not None}
    path = _disk_path(analyser, cache_dir) if new else None
    if path is None:
        return
    stored = _read_disk(analyser, path)
    for word, readings in new.items():
        stored.pop(word, None)
        stored[word] = list(readings)
    kept = dict(list(stored.items())[-DISK_LIMIT:])
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        temporary.write_text(
            json.dumps({"analyser": _identity(analyser), "words": kept}, ensure_ascii=False), encoding="utf-8"
        )
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # a cache: the next run analyses again


def analysis(lang: str, text: str, batch: Iterable[str] = ()) -> Analysis | None:
    """lt-proc's readings of the words of ``text``; None without an analyser (or when it failed).

    Words not analysed yet are analysed with those of ``batch`` (the other
    translations of its version) in one process, so that the version's other
    blocks find theirs in the cache.
    """
    analyser = find_analyser(_base(lang))
    if analyser is None:
        return None
    words = word_forms([text])
    with _lock:
        missing = any((analyser, w) not in _cache and (analyser, w) not in _pending for w in words)
    if missing:
        wanted = list(dict.fromkeys([*words, *word_forms(batch)]))
        with _lock:
            todo = [w for w in wanted if (analyser, w) not in _cache and (analyser, w) not in _pending]
        if todo:
            _analyse_in_background(analyser, todo)
    with _lock:
        waiting = {_pending[(analyser, w)] for w in words if (analyser, w) in _pending}
    for thread in waiting:
        thread.join()
    with _lock:
        found = {w: _cache.get((analyser, w)) for w in words}
    if any(readings is None for readings in found.values()):
        return None
    return found  # type: ignore[return-value]  (no None left)


def clear_cache() -> None:
    """Forget every analysis and every analyser found (tests, or after installing a pair)."""
    with _lock:
        _cache.clear()
        _analysers.clear()


def _base(lang: str) -> str:
    """``es`` for ``es``, ``es-MX`` or ``es_419``."""
    return re.split(r"[-_]", lang, maxsplit=1)[0].lower()


def _tags(component: str) -> list[str]:
    return re.findall(r"<([^>]+)>", component)


def _informal_part(lang: str, component: str) -> bool:
    """Whether one morpheme of a reading (``obrar<vblex><fti><p2><sg>``) is informal address.

    Spanish second persons are all informal (usted is a 3rd person); French
    second plurals are *vous*, which is formal.
    """
    tags = _tags(component)
    if "p2" not in tags:
        return False
    return lang == "es" or "sg" in tags


def _informal_reading(lang: str, reading: str) -> bool:
    return any(_informal_part(lang, part) for part in reading.split("+"))


VERB_TAGS = frozenset({"vblex", "vbser", "vbhaver", "vbmod", "vaux"})


def _informal_verb(lang: str, reading: str) -> bool:
    """A verb reading in the 2nd person, or with a 2nd-person clitic (pedirte): what the analyser judges.

    Pronouns and possessives are the closed lists' business (with the contexts
    that the analyser does not see: "Vuestra Excelencia", "le ton").
    """
    if "<p2>" not in reading:
        return False  # most readings of a letter: no second person in them at all
    return bool(VERB_TAGS.intersection(_tags(reading.split("+", 1)[0]))) and _informal_reading(lang, reading)


def _lemma(reading: str) -> str:
    return reading.split("<", 1)[0].split("#", 1)[0]


# ---------------------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One informal form in a block, before it becomes an :class:`Issue`."""

    start: int
    end: int
    message: str
    replacement: str | None = None
    """The formal form to put in its place, when that is safe."""


def _message(word: str, person: str, due: str, fixed: bool, why: str = "") -> str:
    message = f'informal "{word}" ({person}) in a formal letter: use {due}'
    if not fixed:
        message += f"; not fixed automatically{f' ({why})' if why else ''}"
    return message


AGREE = "the verb must agree"
CLITIC = "which one depends on the verb"


@dataclass(frozen=True)
class Form:
    """A closed-class informal form and what a formal letter says instead."""

    person: str
    due: str
    """What to use instead, as the message words it."""
    replacement: str | None = None
    """The formal form, when the rule for its kind says it is safe here."""
    kind: str = "flag"
    """When the replacement is safe: ``fixed`` always, ``prepositional`` after a preposition, ``vuestro``
    (and vosso) when not "Vuestra Excelencia" and clearly before its noun, ``ton`` when not the noun
    and not after "de", ``tien`` after an article; ``flag``: never (subjects, clitics)."""
    why: str = AGREE


# Spanish ----------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """A word list written as one string (the lists below are long)."""
    return frozenset(text.split())


ES_PREPOSITIONS = _words(
    "a ante bajo con contra de desde durante en entre hacia hasta mediante para por según sin sobre tras "
    "excepto salvo incluso menos"
)
ES_ARTICLES = _words("el la los las lo")
ES_NOT_A_NOUN = _words(
    "y e o u ni que de del a al en con por para es son fue será sea como pero sino muy más también "
    "tampoco ya no"
)
"""Words after a possessive that show it is not prenominal ("un amigo vuestro y ..."): no su/sus fix."""
ES_HONORIFICS = _words(
    "excelencia excelencias majestad majestades alteza altezas santidad señoría señorías eminencia "
    "merced ilustrísima reverencia paternidad beatitud magnificencia"
)
"""After "Vuestra": the formal address itself (Vuestra Excelencia), not vosotros."""

ES_FORMS: dict[str, Form] = {
    "tú": Form("tú", '"usted" with the verb in the 3rd person', why=AGREE),
    "vos": Form("vos", '"usted" with the verb in the 3rd person', why=AGREE),
    "te": Form("tú", '"le" / "lo" / "la" (usted)', why=CLITIC),
    "os": Form("vosotros", '"les" / "los" (ustedes), or "le" / "lo" (usted)', why=CLITIC),
    "ti": Form("tú", '"usted"', "usted", kind="prepositional"),
    "contigo": Form("tú", '"con usted"', "con usted", kind="fixed"),
    "vosotros": Form("vosotros", '"ustedes" (or "usted" for one reader)', "ustedes", kind="prepositional"),
    "vosotras": Form("vosotros", '"ustedes" (or "usted" for one reader)', "ustedes", kind="prepositional"),
    "tu": Form("tú", '"su" (usted)', "su", kind="fixed"),
    "tus": Form("tú", '"sus" (usted)', "sus", kind="fixed"),
    "tuyo": Form("tú", '"suyo" (usted)', "suyo", kind="fixed"),
    "tuya": Form("tú", '"suya" (usted)', "suya", kind="fixed"),
    "tuyos": Form("tú", '"suyos" (usted)', "suyos", kind="fixed"),
    "tuyas": Form("tú", '"suyas" (usted)', "suyas", kind="fixed"),
    "vuestro": Form("vosotros", '"su" (usted)', "su", kind="vuestro"),
    "vuestra": Form("vosotros", '"su" (usted)', "su", kind="vuestro"),
    "vuestros": Form("vosotros", '"sus" (usted)', "sus", kind="vuestro"),
    "vuestras": Form("vosotros", '"sus" (usted)', "sus", kind="vuestro"),
}
ES_SUYO = {"vuestro": "suyo", "vuestra": "suya", "vuestros": "suyos", "vuestras": "suyas"}
""""el vuestro" is a pronoun: "el suyo"."""
ES_CLITICS = _words("no me te nos lo la le los las les se os")
"""What may stand between a subject "tú" and its verb."""

ES_SECOND_PERSONS = _words(
    "eres estás has vas das tienes puedes debes sabes quieres sigues dices pones vienes haces seas estés "
    "tengas puedas hagas vayas digas sepas quieras debas tenías podías querías sabías estabas fuiste "
    "hiciste estuviste tuviste dijiste pudiste quisiste diste deberías podrías querrías tendrías harías "
    "serías estarías sois vais veis"
) - {"haces", "eras", "hayas", "viste"}
"""Second persons no other Spanish word is spelt like (not "haces", "eras", "hayas", "viste": nouns, or
other verbs' forms); for the fallback without the analyser."""
ES_LETTER_VERBS = _words(
    "agradecer pedir solicitar instar rogar informar invitar felicitar recordar decir escribir animar "
    "alentar exhortar apoyar ayudar saludar transmitir expresar hacer dar enviar trasladar reiterar "
    "asegurar comunicar conocer ver acompañar reconocer ofrecer urgir"
)
ES_ENCLITICS = frozenset(verb + clitic for verb in ES_LETTER_VERBS for clitic in ("te", "os"))
"""Infinitive + te/os of the verbs letters use (pedirte, agradeceros): "-arte" alone is too often a noun
(parte, arte, estandarte) to flag by ending."""
_ES_GERUND_CLITIC = re.compile(r"(?:ándo|iéndo|yéndo)(?:te|os)$")
_ES_SECOND_PLURAL = re.compile(r"(?:áis|éis|ís)$")
_ES_FUTURE = re.compile(r"rás$")
ES_ENDING_EXCEPTIONS = _words(
    "país anís maís parís tunís mentís chasís cutís lis adís atrás detrás trás arrás"
)
_ES_IMPERATIVE = re.compile(r"[aei]d$")
ES_IMPERATIVE_EXCEPTIONS = _words(
    "red sed pared usted huésped césped merced áspid ardid adalid lid vid madrid david valladolid cid "
    "abad bagdad chad riad asad assad yihad jihad mossad ahmad muhammad mohammad mohamad islamabad "
    "hyderabad ahmed mohamed mohammed hamed said rashid hamid majid farid walid khalid apartheid id"
)
"""Nouns and names in -ad/-ed/-id, which the fallback must not take for vosotros imperatives."""


# French -----------------------------------------------------------------------------------------------

FR_PREPOSITIONS = _words(
    "à avec pour de chez sans sur par contre envers vers près auprès derrière devant entre selon sauf comme"
)
FR_DETERMINERS = _words("le l un ce cet du au son mon ton notre votre leur même quel bon sur")
"""Before "ton", the noun (le ton, un ton, sur ce ton), not the possessive."""
FR_AFTER_NOUN_TON = _words(
    "de du des et ou qui que dans sur à au pour avec est était ferme juste grave neutre sec poli amical "
    "courtois diplomatique conciliant respectueux solennel plus très trop si aussi"
)
"""After "ton", the noun (changement de ton dans la lettre, un ton ferme)."""
FR_AUXILIARIES = _words(
    "a ont avait avaient aura auront aurait auraient est sont était étaient sera seront serait seraient "
    "être avoir été ayant étant eu ai avons avez suis sommes êtes fut"
)
"""Before "tu", the participle of *taire* (il a tu la vérité), not the pronoun."""
FR_ARTICLES = _words("le la les")
FR_CLITICS = _words("ne n me m te t nous le la les l lui leur y en se s")
"""What may stand between a subject "tu" and its verb."""
FR_SECOND_PERSONS = _words("es seras auras pourras devras feras iras voudras sauras viendras prendras")
"""French second singulars no other word is spelt like; for the fallback without the analyser."""

FR_FORMS: dict[str, Form] = {
    "tu": Form("tu", '"vous" with the verb\'s vous form'),
    "te": Form("tu", '"vous"', why="a clitic: its verb and participle must be checked"),
    "toi": Form("tu", '"vous"', "vous", kind="prepositional"),
    "ton": Form("tu", '"votre" (vous)', "votre", kind="ton"),
    "ta": Form("tu", '"votre" (vous)', "votre", kind="fixed"),
    "tes": Form("tu", '"vos" (vous)', "vos", kind="fixed"),
    "tien": Form("tu", '"vôtre" (vous)', "vôtre", kind="tien"),
    "tienne": Form("tu", '"vôtre" (vous)', "vôtre", kind="tien"),
    "tiens": Form("tu", '"vôtres" (vous)', "vôtres", kind="tien"),
    "tiennes": Form("tu", '"vôtres" (vous)', "vôtres", kind="tien"),
}


# Portuguese -------------------------------------------------------------------------------------------

PT_HONORIFICS = _words(
    "excelência excelências senhoria senhorias majestade majestades alteza altezas santidade eminência "
    "magnificência reverendíssima ex exa exas exª"
)
"""After "Vossa": the formal address itself (Vossa Excelência), not vós."""
PT_DIGNITARY = '"o senhor" / "Vossa Excelência"'
PT_DIGNITARIES = '"os senhores" / "Vossas Excelências"'
PT_ADDRESS = "o senhor / Vossa Excelência"
PT_ADDRESSES = "os senhores / Vossas Excelências"
PT_CHOICE = "which form of address is the letter's choice"
PT_FORMS: dict[str, Form] = {
    "tu": Form("tu", f"{PT_DIGNITARY} with the verb in the 3rd person"),
    "te": Form("tu", f'"lhe" / "o" / "a" ({PT_ADDRESS})', why=CLITIC),
    "ti": Form("tu", PT_DIGNITARY, why=PT_CHOICE),
    "contigo": Form("tu", '"com o senhor" / "com Vossa Excelência"', why=PT_CHOICE),
    "você": Form("você", f"{PT_DIGNITARY} with the verb in the 3rd person"),
    "vocês": Form("vocês", f"{PT_DIGNITARIES} with the verb in the 3rd person"),
    "vós": Form("vós", f"{PT_DIGNITARIES} with the verb in the 3rd person"),
    "vos": Form("vós", f'"lhes" / "os" ({PT_ADDRESSES})', why=CLITIC),
    "convosco": Form("vós", '"com os senhores" / "com Vossas Excelências"', why=PT_CHOICE),
    "teu": Form("tu", f'"seu" ({PT_ADDRESS})', "seu", kind="fixed"),
    "tua": Form("tu", f'"sua" ({PT_ADDRESS})', "sua", kind="fixed"),
    "teus": Form("tu", f'"seus" ({PT_ADDRESS})', "seus", kind="fixed"),
    "tuas": Form("tu", f'"suas" ({PT_ADDRESS})', "suas", kind="fixed"),
    "vosso": Form("vós", f'"seu" ({PT_ADDRESS})', "seu", kind="vuestro"),
    "vossa": Form("vós", f'"sua" ({PT_ADDRESS})', "sua", kind="vuestro"),
    "vossos": Form("vós", f'"seus" ({PT_ADDRESS})', "seus", kind="vuestro"),
    "vossas": Form("vós", f'"suas" ({PT_ADDRESS})', "suas", kind="vuestro"),
}

FORMS = {"es": ES_FORMS, "fr": FR_FORMS, "pt": PT_FORMS}
VERB_DUE = {"es": "the usted form (3rd person)", "fr": "the vous form", "pt": "the 3rd person"}
SUBJECTS = {"es": ("tú", ES_CLITICS), "fr": ("tu", FR_CLITICS)}


class _Scan:
    """The rules over one block's translation."""

    def __init__(
        self, lang: str, text: str, source: str, analysis: Analysis | None, addressees: str | None = None
    ) -> None:
        self.lang = lang
        self.addressees = addressees
        self.words = Words(text)
        self.source_words = set(_WORD.findall(source))
        self.analysis = analysis or {}
        self._verdicts: dict[str, bool] = {}
        self._compounds: dict[int, Unit] = {}
        """The compounds the analyser knows, by the start of each of their words (rare: a dict, not a
        unit per word)."""
        if analysis and ("-" in text or "'" in text or "’" in text):
            for match in _COMPOUND.finditer(text):
                readings = analysis.get(match.group())
                if readings:
                    unit = Unit(match.start(), match.end(), match.group(), readings)
                    for word in _WORD.finditer(match.group()):
                        self._compounds[match.start() + word.start()] = unit
        self.findings: list[Finding] = []
        self._covered = bytearray(len(text) + 1)
        """Characters a finding already covers: overlap is one slice, however many findings (a long
        paragraph has thousands)."""

    # -- helpers

    def skipped(self, i: int) -> bool:
        """A word the source has too (a name, an untranslated word), or an acronym."""
        return self.words.tokens[i].text in self.source_words or self.words.acronym(i)

    def unit(self, i: int) -> Unit | None:
        """What the analyser read token ``i`` as: the token, or the known compound that holds it; None
        for a word it does not know (or without an analysis)."""
        token = self.words.tokens[i]
        if self._compounds:
            compound = self._compounds.get(token.start)
            if compound is not None:
                return compound
        readings = self.analysis.get(token.text)
        return Unit(token.start, token.end, token.text, readings) if readings else None

    def informal_verb(self, word: str, readings: Readings) -> bool:
        """Whether every reading of ``word`` is an informal verb; worked out once per word form."""
        verdict = self._verdicts.get(word)
        if verdict is None:
            verdict = self._verdicts[word] = all(_informal_verb(self.lang, r) for r in readings)
        return verdict

    def joined(self, j: int) -> bool:
        """Whether token ``j`` follows the previous one with only spaces or an elision between."""
        return not self.words.gap_before(j).strip(" " + _APOSTROPHES)

    def taken(self, start: int, end: int) -> bool:
        return 1 in self._covered[start:end]

    def add(self, start: int, end: int, message: str, replacement: str | None = None) -> None:
        if not self.taken(start, end):
            self.findings.append(Finding(start, end, message, replacement))
            self._covered[start:end] = b"\x01" * (end - start)

    # -- the rules

    def run(self) -> list[Finding]:
        forms = FORMS[self.lang]
        for i, token in enumerate(self.words.tokens):
            key = token.lower
            if self.lang == "fr" and key == "t" and self.words.elided(i):
                key = "te"  # t'informer, je t'en prie
            form = forms.get(key)
            if form is not None and not self.skipped(i):
                self.closed_form(i, form)
        self.subject_verbs()
        for i in range(len(self.words.tokens)):
            self.verb(i)
        return sorted(self.findings, key=lambda f: f.start)

    def closed_form(self, i: int, form: Form) -> None:
        """A pronoun, clitic or possessive: flagged unless its context makes it another word."""
        words, token = self.words, self.words.tokens[i]
        prev, nxt = words.prev(i), words.next(i)
        lower = token.lower
        if self.lang == "es" and lower == "te" and prev and prev.lower in {"el", "un", "del", "de"}:
            return  # "una taza de te": the noun té, misspelt
        if lower == "te" and nxt and nxt.lower == "deum":
            return
        if self.lang == "fr" and lower == "tu" and prev and prev.lower in FR_AUXILIARIES:
            return  # "il a tu la vérité": taire
        honorifics = ES_HONORIFICS if self.lang == "es" else PT_HONORIFICS
        if form.kind == "vuestro" and nxt and nxt.lower in honorifics:
            return  # Vuestra Excelencia, Vossa Excelência: the formal address itself
        if form.kind == "ton" and (
            (prev and prev.lower in FR_DETERMINERS) or nxt is None or nxt.lower in FR_AFTER_NOUN_TON
        ):
            return  # le ton de la lettre, changement de ton.
        if form.kind == "tien" and not (prev and prev.lower in FR_ARTICLES):
            return  # "tiens", "tienne" alone are forms of tenir

        replacement, due, why = None, form.due, form.why
        by_number = ES_BY_ADDRESSEES.get(self.addressees or "", {}) if self.lang == "es" else {}
        if lower in by_number:
            form = replace(form, replacement=by_number[lower])
            readers = "several readers" if self.addressees == "several" else "one reader"
            due = f'"{by_number[lower]}" (the letter addresses {readers})'
        if self.lang == "es" and lower in ("te", "os") and self.addressees:
            due = ES_CLITIC_DUE[self.addressees]
        if form.kind in ("fixed", "tien"):
            replacement = form.replacement
        elif form.kind == "prepositional":
            prepositions = ES_PREPOSITIONS if self.lang == "es" else FR_PREPOSITIONS
            if prev and prev.lower in prepositions:
                replacement = form.replacement
            else:
                why = "safe only after a preposition"
        elif form.kind == "ton":
            if prev and prev.lower == "de":
                why = 'after "de" it may be the noun ton'
            else:
                replacement = form.replacement
        elif form.kind == "vuestro" and self.lang == "es":
            pronoun = ES_SUYO[lower]
            if prev and prev.lower in ES_ARTICLES:
                replacement, due = pronoun, f'"{pronoun}" (usted)'  # el vuestro: el suyo
            elif nxt is not None and nxt.lower not in ES_NOT_A_NOUN:
                replacement = form.replacement
            else:
                due, why = f'"{form.replacement}" / "{pronoun}" (usted)', "it is not clearly before its noun"
        elif form.kind == "vuestro":
            replacement = form.replacement  # Portuguese: o vosso apoio, o seu apoio
        word = token.text
        end = token.end
        if words.elided(i):
            word, end = word + "'", end + 1
        message = _message(word, form.person, due, replacement is not None, why)
        self.add(
            token.start, end, message, None if replacement is None else matching_case(replacement, token.text)
        )

    def subject_verbs(self) -> None:
        """The verb of a subject "tú" / "tu", and the verb before "-tu" (peux-tu)."""
        if self.lang not in SUBJECTS:
            return
        subject, clitics = SUBJECTS[self.lang]
        tokens = self.words.tokens
        for i, token in enumerate(tokens):
            if token.lower != subject or self.skipped(i) or not self.taken(token.start, token.end):
                continue
            if self.lang == "fr" and i > 0 and self.words.gap_before(i) == "-":
                self.subject_verb(i - 1)
            j = i + 1
            while j < len(tokens) and tokens[j].lower in clitics and self.joined(j):
                j += 1
            if j < len(tokens) and self.joined(j):
                self.subject_verb(j)

    def subject_verb(self, j: int) -> None:
        token = self.words.tokens[j]
        if self.skipped(j) or (token.text[0].isupper() and j > 0 and not self.words.clause_start(j)):
            return
        unit = self.unit(j)
        if unit is not None:
            verbs = [r for r in unit.readings if _informal_verb(self.lang, r)]
            if not verbs:
                return  # "tu ne", "tú y yo", "tu réactives" read as an adjective only
            lemma = _lemma(verbs[0])
        elif token.lower.endswith(("s", "x", "ste")):
            lemma = ""
        else:
            return
        self.add(token.start, token.end, self.verb_message(token.text, lemma, singular=True))

    def es_clitic(self) -> str:
        """What replaces a te / os joined to a verb, for the letter's readers."""
        if self.addressees == "several":
            return "the ustedes clitic (les / los)"
        return "the usted clitic (le / lo / la)"

    def verb_message(self, word: str, lemma: str, singular: bool) -> str:
        person = {"es": "tú" if singular else "vosotros", "fr": "tu"}.get(self.lang, "tu")
        about = f"{lemma}, {person}" if lemma else person
        due = VERB_DUE[self.lang]
        ours = _we_form(word) if self.lang == "es" and not singular else None
        if ours and self.source_words & _WE:
            # "We urge you" -> "instáis": the engine gave "you" the verb; the subject is "we".
            due += f', or "{ours}" if its subject is "we" as in the source'
        return f'informal verb "{word}" ({about}) in a formal letter: use {due}; ' + (
            "not fixed automatically (the sentence must agree)"
        )

    def verb(self, i: int) -> None:
        """A second-person verb form: by the analyser when it knows the word, else by its ending."""
        token, words = self.words.tokens[i], self.words
        unit = self.unit(i)
        if unit is not None:
            # The analysis first: nearly every word has one with no informal verb in it, and the
            # other tests (a word of the source, taken, a name) are only needed for the words that do.
            if unit.start != token.start or not self.informal_verb(unit.surface, unit.readings):
                return
            if not self.skipped(i) and not self.taken(token.start, token.end) and not words.proper_noun(i):
                self.analysed(unit)
            return
        if self.skipped(i) or self.taken(token.start, token.end) or words.proper_noun(i):
            return
        if self.lang == "es":
            self.spanish_fallback(i)
        elif self.lang == "fr" and token.lower in FR_SECOND_PERSONS:
            self.add(token.start, token.end, self.verb_message(token.text, "", singular=True))

    def analysed(self, unit: Unit) -> None:
        """A word every analysis of which is informal: a 2nd-person verb, or a verb with te/os."""
        verb, *clitics = unit.readings[0].split("+")
        if _informal_part(self.lang, verb):
            singular = "sg" in _tags(verb)
            self.add(unit.start, unit.end, self.verb_message(unit.surface, _lemma(verb), singular))
            return
        person = "vosotros" if any("pl" in _tags(c) for c in clitics) else "tú"
        if self.lang == "fr":
            person = "tu"
        due = {"es": self.es_clitic(), "fr": '"vous"'}.get(self.lang, "the 3rd person")
        message = _message(unit.surface, f"{_lemma(verb)} + {person}", due, False, CLITIC)
        self.add(unit.start, unit.end, message)

    def spanish_fallback(self, i: int) -> None:
        """Without the analyser: only endings and forms that nothing but a 2nd person has."""
        token, words = self.words.tokens[i], self.words
        lower = token.lower
        following = words.next(i)
        if lower in ES_ENDING_EXCEPTIONS or (
            token.text[0].isupper() and following and following.text[0].isupper()
        ):
            return  # país, atrás; "Adís Abeba" at the start of a line is a name
        singular: bool | None = None
        if lower in ES_SECOND_PERSONS:
            singular = lower not in {"sois", "vais", "veis"}
        elif _ES_SECOND_PLURAL.search(lower) and len(lower) > 3:
            singular = False
        elif _ES_FUTURE.search(lower) and len(lower) > 4:
            singular = True
        elif lower in ES_ENCLITICS or _ES_GERUND_CLITIC.search(lower):
            person = "vosotros" if lower.endswith("os") else "tú"
            due = self.es_clitic()
            message = _message(token.text, f"clitic, {person}", due, False, CLITIC)
            self.add(token.start, token.end, message)
            return
        elif (
            _ES_IMPERATIVE.search(lower)
            and words.clause_start(i)
            and not lower.endswith(("dad", "tad"))
            and lower not in ES_IMPERATIVE_EXCEPTIONS
            and len(lower) > 2
        ):
            singular = False
        if singular is not None:
            self.add(token.start, token.end, self.verb_message(token.text, "", singular))


def scan(
    lang: str, text: str, source: str = "", analysis: Analysis | None = None, addressees: str | None = None
) -> list[Finding]:
    """Every informal second-person form in ``text`` (a ``lang`` translation of ``source``).

    ``addressees`` (``one``, ``several``, None when the salutation does not
    say) picks the number of a repaired pronoun: "a ti" is "a usted" to the
    Secretary-General, "a ustedes" to "Dear Ministers".
    """
    lang = _base(lang)
    if lang not in FORMS or not text.strip():
        return []
    return _Scan(lang, text, source, analysis, addressees).run()


ES_CLITIC_DUE = {
    "several": '"les" / "los" (ustedes: the letter addresses several readers)',
    "one": '"le" / "lo" / "la" (usted)',
}
"""What a Spanish te / os stands for once the letter's readers are known (never a fix: the verb decides)."""

ES_BY_ADDRESSEES = {
    "several": {"ti": "ustedes", "contigo": "con ustedes"},
    "one": {"vosotros": "usted", "vosotras": "usted"},
}
"""Spanish repairs that depend on how many readers the letter addresses (see :func:`scan`)."""

_ES_WE_ENDINGS = (("áis", "amos"), ("éis", "emos"), ("ís", "imos"), ("ais", "amos"), ("eis", "emos"))
_WE = frozenset({"we", "We", "WE", "nous", "Nous", "nosotros", "Nosotros"})


def _we_form(word: str) -> str | None:
    """The nosotros form of a vosotros verb (instáis -> instamos, pedís -> pedimos), or None."""
    lower = word.lower()
    for ending, ours in _ES_WE_ENDINGS:
        if lower.endswith(ending) and len(lower) > len(ending) + 1:
            return matching_case(lower[: -len(ending)] + ours, word)
    return None


def repaired(text: str, findings: Sequence[Finding]) -> str | None:
    """``text`` with every safe repair among ``findings`` made; None when none is safe."""
    fixes = [f for f in findings if f.replacement is not None]
    if not fixes:
        return None
    out, last = [], 0
    for finding in sorted(fixes, key=lambda f: f.start):
        out += [text[last : finding.start], finding.replacement or ""]
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def addressees(ctx: Context) -> str | None:
    """How many readers the letter's salutation addresses (``one``, ``several``), None if unknown.

    Read from the master's salutation as the formula lexicon knows it ("Excellencies," is
    ``several``); once per language version.
    """
    master = ctx.letter.master

    def find() -> str | None:
        for block in master.blocks if master else ():
            if block.kind == BlockKind.SALUTATION:
                formula = ctx.lexicon.match(block.text, ctx.source_lang, "salutation")
                return formula.addressees if formula else None
        return None

    return ctx.letter.memo("addressees", find)


class Register(Check):
    """Informal second person (tú, vosotros, tu, você...) in a letter whose register is formal."""

    check_id = "register"
    name = "Register"
    description = "informal second person (tú, vosotros, tu, você) in a formal letter"

    def __init__(self, use_analyser: bool | None = None) -> None:
        """``use_analyser=False`` checks with the word lists only, even where Apertium is installed.

        The default (None) uses the analyser where one is installed, unless
        ``POLYLETTER_REGISTER_ANALYSER=0`` is set.
        """
        if use_analyser is None:
            use_analyser = os.environ.get("POLYLETTER_REGISTER_ANALYSER", "1") != "0"
        self.use_analyser = use_analyser

    def applies(self, ctx: Context) -> bool:
        return ctx.register == FORMAL and _base(ctx.target_lang) in FORMS and super().applies(ctx)

    def check(self, ctx: Context) -> Iterator[Issue]:
        if ctx.register != FORMAL:
            return
        text = ctx.translation
        found = None
        if self.use_analyser:
            others = (entry.translation for entry in ctx.letter.entries.values())
            found = analysis(ctx.target_lang, text, others)
        findings = scan(ctx.target_lang, text, ctx.source, found, addressees(ctx))
        fix = repaired(text, findings)
        for finding in findings:
            yield Issue(finding.message, fix=fix if finding.replacement is not None else None)
