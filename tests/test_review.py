"""Bilingual review files: exported, corrected in Word (python-docx here), imported into Git.

Every DOCX is a real file read back with python-docx; every import runs on a
real git workspace translated by the tiny genuine Argos models.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import polib
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from polyletter.commands.review import export_review, import_review
from polyletter.commands.translate import translate_letter
from polyletter.errors import InputFormatError, PolyletterError, ReviewFileError, WorkspaceStateError
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.readers import read_letter
from polyletter.store.workspace import Workspace

from .conftest import git

ANA = "Ana Partner <ana@example.org>"
CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"




# -- helpers: what a partner's Word does to the file ------------------------


def _rows(document) -> list:
    return list(document.tables[0].rows)


def _row(document, block_id: str):
    return next(r for r in _rows(document)[1:] if r.cells[0].text == block_id)


def _set_cell(cell, lines: list[str]) -> None:
    """Replace a cell's text the way a user retypes it: one paragraph, Shift+Enter between lines."""
    paragraph = cell.paragraphs[0]
    for run in list(paragraph.runs):
        paragraph._p.remove(run._r)
    for extra in cell.paragraphs[1:]:
        cell._tc.remove(extra._p)
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        if number < len(lines) - 1:
            run.add_break()


def _entry(ws: Workspace, lang: str, block_id: str) -> polib.POEntry:
    po = polib.pofile(str(ws.root / f"translations/{lang}/r2p-2012.po"))
    return next(e for e in po if e.msgctxt == block_id)


def _trailers(ws: Workspace) -> dict[str, str]:
    out = git(ws.root, "log", "-1", "--format=%(trailers:only,unfold)")
    return dict(line.split(": ", 1) for line in out.splitlines() if line)


def _snapshot(ws: Workspace) -> tuple[str, str, bytes, bytes]:
    """HEAD, git status and the fr files: what "nothing written" must leave equal."""
    return (
        git(ws.root, "rev-parse", "HEAD"),
        git(ws.root, "status", "--porcelain"),
        (ws.root / "translations/fr/r2p-2012.po").read_bytes(),
        (ws.root / "translations/fr/r2p-2012.md").read_bytes(),
    )


def _rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes], *, stored: bool = False) -> Path:
    """Copy a DOCX, replacing (or adding) parts: how a tampered or hostile file is made."""
    compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w", compression) as new:
        for info in old.infolist():
            if info.filename not in replace:
                new.writestr(info.filename, old.read(info))
        for name, data in replace.items():
            new.writestr(name, data)
    return dst


def _set_custom(document, **values: str) -> None:
    """Rewrite custom properties in place (what a tamperer, or another tool, might do)."""
    for rel in document.part.package.rels.values():
        if rel.reltype == CUSTOM_RT:
            blob = rel.target_part.blob.decode()
            for key, value in values.items():
                old = f'name="{key}"><vt:lpwstr>'
                start = blob.index(old) + len(old)
                blob = blob[:start] + value + blob[blob.index("<", start) :]
            rel.target_part._blob = blob.encode()


# -- export -----------------------------------------------------------------


def test_review_export_is_one_table_with_the_agreed_columns(translated: Workspace) -> None:
    ws = translated
    path = export_review(translated, "r2p-2012", "fr")

    assert path == ws.root / "exports" / "r2p-2012.fr.review.docx"
    document = docx.Document(str(path))
    assert len(document.tables) == 1
    rows = _rows(document)
    master = read_letter(ws.master_path("r2p-2012"), "en")
    assert len(rows) == 1 + len(master.blocks)
    header = [c.text for c in rows[0].cells]
    assert header[0].startswith("Id") and "read-only" in header[0]
    assert header[1].startswith("Source (en") and "read-only" in header[1]
    assert header[2].startswith("Translation (fr)")
    assert header[3].startswith("Status / notes")
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    assert [r.cells[0].text for r in rows[1:]] == master.ids()
    assert [r.cells[1].text for r in rows[1:]] == [b.text for b in master.blocks]
    assert _row(document, "address-1").cells[1].text == (
        "Secretary-General Ban Ki-moon\nOffice of the United Nations Secretary-General"
    )
    signatories = _row(document, "signatories-2").cells[2].text.split("\n")
    assert len(signatories) == 30 and signatories[10] == "Human Rights Watch (États-Unis)"
    assert _row(document, "date-1").cells[2].text == "23 mars 2012"
    for row in rows[1:]:
        fills = [_fill(cell) for cell in row.cells]
        assert fills[0] == fills[1] == "E7E6E6"  # id and source shaded
        assert fills[2] is None and fills[3] is None  # translation left white
        assert len(row.cells) == 4
    runs = [r for p in _row(document, "paragraph-1").cells[2].paragraphs for r in p.runs]
    assert runs and all(r._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "fr-FR" for r in runs)
    source_runs = _row(document, "paragraph-1").cells[1].paragraphs[0].runs
    assert source_runs[0]._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-US"
    notes = _row(document, "paragraph-1").cells[3].text
    assert notes.startswith("machine (argos")
    assert "locale" in _row(document, "date-1").cells[3].text

    text = "\n".join(p.text for p in document.paragraphs)
    assert "Edit only the Translation column" in text
    assert "do not add, delete, merge or split rows" in text
    assert "Save the file as a Word document (.docx)" in text and "send it back" in text
    assert document.paragraphs[0].text.startswith("Review of")  # instructions above the table
    body = list(document.element.body)
    assert body.index(document.tables[0]._tbl) > body.index(document.paragraphs[-1]._p)

    blob = git(ws.root, "rev-parse", "HEAD:translations/en/r2p-2012.md").strip()
    props = document.core_properties
    assert props.identifier == "polyletter-review:r2p-2012:fr"
    assert props.language == "fr"
    assert blob in props.keywords and blob in props.comments
    assert git(ws.root, "status", "--porcelain") == ""  # exports/ is git-ignored


def _fill(cell) -> str | None:
    tcpr = cell._tc.tcPr
    shd = tcpr.find(qn("w:shd")) if tcpr is not None else None
    return shd.get(qn("w:fill")) if shd is not None else None


def test_review_export_of_an_arabic_version_is_right_to_left(
    translated: Workspace, argos_package_factory
) -> None:
    from polyletter.mt.engines.argos_packages import install_from_file

    install_from_file(argos_package_factory("en", "ar"))
    translate_letter(translated, "r2p-2012", ["ar"], engine=ArgosEngine())

    path = export_review(translated, "r2p-2012", "ar", output=translated.root / "out" / "ar.docx")

    document = docx.Document(str(path))
    cell = _row(document, "paragraph-1").cells[2]
    paragraph = cell.paragraphs[0]
    assert paragraph._p.pPr.find(qn("w:bidi")) is not None
    for run in paragraph.runs:
        assert run._r.rPr.find(qn("w:rtl")) is not None
        assert run._r.rPr.find(qn("w:lang")).get(qn("w:bidi")) == "ar-EG"
    source = _row(document, "paragraph-1").cells[1].paragraphs[0]
    assert source._p.pPr.find(qn("w:bidi")) is None  # the English column stays left to right
    assert _rows(document)[0].cells[2].text.startswith("Translation (ar)")


def test_review_export_refuses_the_master_language_and_an_untranslated_one(translated: Workspace) -> None:
    with pytest.raises(PolyletterError, match="language of the master"):
        export_review(translated, "r2p-2012", "en")
    with pytest.raises(PolyletterError, match="polyletter translate r2p-2012 --to pt"):
        export_review(translated, "r2p-2012", "pt")
    assert not (translated.root / "exports").exists()


# -- round trip ---------------------------------------------------------------


def test_a_corrected_cell_is_committed_as_reviewed(translated: Workspace) -> None:
    ws = translated
    path = export_review(translated, "r2p-2012", "fr")
    document = docx.Document(str(path))
    corrected = "Seul un rapport publié bien à l’avance peut être une ressource cruciale."
    _set_cell(_row(document, "paragraph-2").cells[2], [corrected])
    _set_cell(_row(document, "address-1").cells[2], ["Secrétaire général Ban Ki-moon", "Cabinet du SG"])
    cc = _row(document, "address-2").cells[2]  # Enter instead of Shift+Enter: two paragraphs, two lines
    _set_cell(cc, ["CC : S. E. M. Nassir Abdulaziz Al-Nasser ;"])
    cc.add_paragraph("M. Edward C. Luck, Conseiller spécial   ")
    document.save(str(path))
    before = git(ws.root, "rev-parse", "HEAD").strip()

    result = import_review(translated, path, reviewer=ANA)

    assert result.changed == ["address-1", "address-2", "paragraph-2"]
    assert _entry(ws, "fr", "address-2").msgstr == (
        "CC : S. E. M. Nassir Abdulaziz Al-Nasser ;\nM. Edward C. Luck, Conseiller spécial"
    )
    assert result.commit and result.overridden == [] and result.emptied == []
    entry = _entry(ws, "fr", "paragraph-2")
    assert entry.msgstr == corrected
    assert "origin: review" in entry.tcomment and f"by: {ANA}" in entry.tcomment
    assert "date: " in entry.tcomment and "digest: " in entry.tcomment
    assert "fuzzy" not in entry.flags
    assert _entry(ws, "fr", "address-1").msgstr == "Secrétaire général Ban Ki-moon\nCabinet du SG"
    md = (ws.root / "translations/fr/r2p-2012.md").read_text("utf-8")
    assert f"\n\n{corrected}\n\n" in md
    assert "\n\nSecrétaire général Ban Ki-moon  \nCabinet du SG\n\n" in md
    assert "origin: machine" in _entry(ws, "fr", "paragraph-1").tcomment  # untouched rows stay machine

    subject = git(ws.root, "log", "-1", "--format=%s").strip()
    assert subject == f"polyletter: review of r2p-2012 (fr) by {ANA}: 3 blocks changed"
    trailers = _trailers(ws)
    assert trailers["Polyletter-Letter"] == "r2p-2012"
    assert trailers["Polyletter-Kind"] == "review"
    assert trailers["Polyletter-Languages"] == "fr"
    assert trailers["Polyletter-Reviewer"] == ANA
    assert trailers["Polyletter-Reviewed-fr"] == "address-1, address-2, paragraph-2"
    assert git(ws.root, "log", "-1", "--format=%an <%ae>").strip() == ANA
    changed = git(ws.root, "diff", "--name-only", before, "HEAD").split()
    assert changed == ["translations/fr/r2p-2012.md", "translations/fr/r2p-2012.po"]
    assert git(ws.root, "status", "--porcelain") == ""

    again = import_review(translated, path, reviewer=ANA)
    assert again.commit is None and again.changed == []
    assert git(ws.root, "rev-parse", "HEAD").strip() == result.commit


def test_an_untouched_file_changes_nothing(translated: Workspace) -> None:
    ws = translated
    path = export_review(translated, "r2p-2012", "fr")
    before = _snapshot(ws)

    result = import_review(translated, path, reviewer="Ana Partner")

    assert result.changed == [] and result.commit is None
    assert _snapshot(ws) == before


def test_tracked_changes_are_read_as_accepted(translated: Workspace) -> None:
    ws = translated
    path = export_review(translated, "r2p-2012", "fr")
    document = docx.Document(str(path))
    paragraph = _row(document, "salutation-1").cells[2].paragraphs[0]
    for run in list(paragraph.runs):
        deletion = OxmlElement("w:del")
        deletion.set(qn("w:id"), "1")
        deletion.set(qn("w:author"), "Ana")
        run._r.addprevious(deletion)
        deletion.append(run._r)
        for text in run._r.findall(qn("w:t")):
            text.tag = qn("w:delText")
    insertion = OxmlElement("w:ins")
    insertion.set(qn("w:id"), "2")
    insertion.set(qn("w:author"), "Ana")
    new_run = OxmlElement("w:r")
    new_text = OxmlElement("w:t")
    new_text.text = "Votre Excellence,"
    new_run.append(new_text)
    insertion.append(new_run)
    paragraph._p.append(insertion)
    document.save(str(path))

    result = import_review(translated, path, reviewer="Ana Partner")

    assert result.changed == ["salutation-1"]
    assert _entry(ws, "fr", "salutation-1").msgstr == "Votre Excellence,"
    assert _trailers(ws)["Polyletter-Reviewer"] == "Ana Partner"
    assert git(ws.root, "log", "-1", "--format=%an").strip() == "Jane Translator"  # no email: runner commits


def test_a_row_the_partner_left_alone_does_not_undo_a_later_fix(translated: Workspace) -> None:
    """Fingerprints of the exported text, not today's PO, say what the partner changed."""
    ws = translated
    path = export_review(translated, "r2p-2012", "fr")
    po_path = ws.root / "translations/fr/r2p-2012.po"
    po = polib.pofile(str(po_path))
    next(e for e in po if e.msgctxt == "closing-1").msgstr = "Veuillez agréer nos salutations."
    next(e for e in po if e.msgctxt == "paragraph-3").msgstr = "Correction faite au secrétariat."
    po.save(str(po_path))
    git(ws.root, "commit", "-qam", "secretariat fixes")  # a hand edit, committed after the export

    document = docx.Document(str(path))
    _set_cell(_row(document, "paragraph-3").cells[2], ["La société civile joue un rôle essentiel."])
    _set_cell(_row(document, "paragraph-4").cells[2], ["Excellence, vu le thème du dialogue."])
    _set_cell(_row(document, "salutation-1").cells[2], [])
    document.save(str(path))

    result = import_review(translated, path, reviewer=ANA)

    assert result.changed == ["paragraph-3", "paragraph-4"]
    assert result.overridden == ["paragraph-3"]  # both sides changed it: the reviewer wins, and it is said
    assert result.emptied == ["salutation-1"]
    assert _entry(ws, "fr", "closing-1").msgstr == "Veuillez agréer nos salutations."
    assert "origin: human" in _entry(ws, "fr", "closing-1").tcomment
    assert _entry(ws, "fr", "paragraph-3").msgstr == "La société civile joue un rôle essentiel."
    assert _entry(ws, "fr", "salutation-1").msgstr  # an emptied cell empties nothing
    body = git(ws.root, "log", "-1", "--format=%b")
    assert "replaces that change: paragraph-3" in body
    assert "Emptied cells, left as they were: salutation-1" in body
    assert _trailers(ws)["Polyletter-Human-fr"] == "closing-1"  # folded with the review, not lost
    assert git(ws.root, "status", "--porcelain") == ""


def test_a_review_waits_for_a_version_behind_its_master(translated: Workspace) -> None:
    ws = translated
    master = ws.master_path("r2p-2012")
    master.write_text(master.read_text("utf-8").replace("this summer", "this autumn"), encoding="utf-8")
    git(ws.root, "commit", "-qam", "master: autumn")
    path = export_review(translated, "r2p-2012", "fr")  # source cells show the new master; the PO is behind
    document = docx.Document(str(path))
    assert "NEEDS REVIEW: the master changed" in _row(document, "paragraph-1").cells[3].text
    _set_cell(_row(document, "closing-1").cells[2], ["Veuillez agréer, Excellence, nos salutations."])
    document.save(str(path))
    before = _snapshot(ws)

    with pytest.raises(WorkspaceStateError, match="behind its master") as caught:
        import_review(translated, path, reviewer=ANA)

    assert "polyletter translate r2p-2012 --to fr" in str(caught.value)
    assert _snapshot(ws) == before
    translate_letter(translated, "r2p-2012", ["fr"], engine=ArgosEngine())
    result = import_review(translated, path, reviewer=ANA)
    assert result.changed == ["closing-1"]


# -- refusals: nothing written, one line naming the file --------------------


def _refused(ws: Workspace, path: Path, error: type[Exception], *needles: str, **kwargs: str) -> str:
    before = _snapshot(ws)
    with pytest.raises(error) as caught:
        import_review(ws, path, reviewer=ANA, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for needle in needles:
        assert needle in message
    assert _snapshot(ws) == before
    assert git(ws.root, "status", "--porcelain") == ""
    return message


def _tamper_source(document) -> None:
    _set_cell(_row(document, "paragraph-2").cells[1], ["Only if published early, can your report help."])


def _reorder(document) -> None:
    rows = _rows(document)
    rows[5]._tr.addprevious(rows[6]._tr)  # paragraph-2 before paragraph-1


def _drop(document) -> None:
    row = _row(document, "closing-1")
    row._tr.getparent().remove(row._tr)


def _duplicate(document) -> None:
    _set_cell(_row(document, "paragraph-3").cells[0], ["paragraph-2"])


def _unknown(document) -> None:
    _set_cell(_row(document, "paragraph-3").cells[0], ["paragraph-9"])


def _merge(document) -> None:
    row = _row(document, "paragraph-1")
    row.cells[2].merge(row.cells[3])


def _other_letter(document) -> None:
    document.core_properties.identifier = "polyletter-review:other-letter:fr"
    _set_custom(document, **{"polyletter-letter": "other-letter"})


def _header_language(document) -> None:
    _set_cell(_rows(document)[0].cells[2], ["Translation (es): edit this column"])


def _no_identity(document) -> None:
    document.core_properties.identifier = ""
    _set_custom(document, **{"polyletter-letter": "", "polyletter-lang": ""})


def _header(document) -> None:
    _set_cell(_rows(document)[0].cells[2], ["Traduction"])


@pytest.mark.parametrize(
    ("tamper", "needles"),
    [
        (_tamper_source, ["table row 7 (paragraph-2): the source cell differs", "Source column was edited"]),
        (_reorder, ["rows are out of order: table row 6 holds paragraph-2 where the master has paragraph-1"]),
        (_drop, ["block closing-1 missing from its table"]),
        (_duplicate, ["id paragraph-2 appears twice (table rows 7 and 8)"]),
        (_unknown, ["table row 8: 'paragraph-9' is not a block of r2p-2012"]),
        (_merge, ["table row 6 has merged cells"]),
        (_other_letter, ["belongs to letter 'other-letter', which this workspace does not have"]),
        (_header_language, ["its properties say fr but its header row says es"]),
        (_no_identity, ["is not a polyletter review file"]),
        (_header, ["has no review table: the first row of its table should read Id | Source"]),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_a_tampered_review_file_is_refused(
    translated: Workspace, tamper: Callable[..., None], needles: list[str]
) -> None:
    path = export_review(translated, "r2p-2012", "fr")
    document = docx.Document(str(path))
    _set_cell(_row(document, "paragraph-4").cells[2], ["Une correction légitime."])
    tamper(document)
    document.save(str(path))

    _refused(translated, path, ReviewFileError, *needles)


def test_a_file_for_another_language_is_refused_when_one_is_expected(translated: Workspace) -> None:
    path = export_review(translated, "r2p-2012", "es")
    _refused(translated, path, ReviewFileError, "belongs to r2p-2012 (es), not r2p-2012 (fr)", lang="fr")
    _refused(translated, path, ReviewFileError, "not other (es)", letter="other")


def test_a_file_exported_before_the_master_changed_is_refused(translated: Workspace) -> None:
    ws = translated
    path = export_review(translated, "r2p-2012", "fr")
    master = ws.master_path("r2p-2012")
    master.write_text(master.read_text("utf-8").replace("Excellency,", "Dear Secretary-General,", 1), "utf-8")
    git(ws.root, "commit", "-qam", "master: new salutation")

    _refused(ws, path, ReviewFileError, "table row 5 (salutation-1)", "the master changed since the file")


def test_a_reviewer_name_must_be_one_line(translated: Workspace) -> None:
    path = export_review(translated, "r2p-2012", "fr")
    with pytest.raises(PolyletterError, match="not a reviewer name"):
        import_review(translated, path, reviewer="Ana\nPolyletter-Kind: machine")
    with pytest.raises(PolyletterError, match="not a reviewer name"):
        import_review(translated, path, reviewer="  ")


# -- files that are not review files at all ---------------------------------


def _random_bytes(good: Path, tmp: Path) -> Path:
    tmp.write_bytes(os.urandom(4096))
    return tmp


def _truncated(good: Path, tmp: Path) -> Path:
    data = good.read_bytes()
    tmp.write_bytes(data[: len(data) // 2])
    return tmp


def _old_doc(good: Path, tmp: Path) -> Path:
    tmp.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    return tmp


def _odt(good: Path, tmp: Path) -> Path:
    with zipfile.ZipFile(tmp, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return tmp


def _no_table(good: Path, tmp: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Dear colleagues, here are my corrections: all fine.")
    document.core_properties.identifier = "polyletter-review:r2p-2012:fr"
    document.save(str(tmp))
    return tmp


def _huge(good: Path, tmp: Path) -> Path:
    return _rewrite_zip(good, tmp, {"word/media/scan.bin": os.urandom(21 * 1024 * 1024)}, stored=True)


def _zip_bomb(good: Path, tmp: Path) -> Path:
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("word/document.xml")
    bloated = xml.replace(b"<w:body>", b"<w:body><!--" + b"A" * (17 * 1024 * 1024) + b"-->", 1)
    return _rewrite_zip(good, tmp, {"word/document.xml": bloated})


def _entity_bomb(good: Path, tmp: Path) -> Path:
    with zipfile.ZipFile(good) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    entities = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    declaration, _, rest = xml.partition("?>")
    bomb = f"{declaration}?><!DOCTYPE w:document [{entities}]>{rest}".replace("23 mars 2012", "&j;", 1)
    return _rewrite_zip(good, tmp, {"word/document.xml": bomb.encode("utf-8")})


def _utf16_dtd(good: Path, tmp: Path) -> Path:
    payload = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x/>'
    )
    return _rewrite_zip(good, tmp, {"docProps/custom.xml": payload.encode("utf-16")})


@pytest.mark.parametrize(
    ("make", "error", "needle"),
    [
        (_random_bytes, InputFormatError, "is not a Word document (.docx): not a zip archive"),
        (_truncated, InputFormatError, "not a zip archive"),
        (_old_doc, InputFormatError, "old Word 97-2003 (.doc) or password-protected file"),
        (_odt, InputFormatError, "an OpenDocument file without word/document.xml"),
        (_no_table, ReviewFileError, "has no table"),
        (_huge, InputFormatError, "over the 20 MB limit"),
        (_zip_bomb, InputFormatError, "word/document.xml unpacks to 17 MB, over the 16 MB limit"),
        (_entity_bomb, InputFormatError, "word/document.xml declares a DOCTYPE or XML entities"),
        (_utf16_dtd, InputFormatError, "docProps/custom.xml declares a DOCTYPE"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_a_file_that_is_not_a_sane_docx_is_refused(
    translated: Workspace, tmp_path: Path, make: Callable[[Path, Path], Path], error: type, needle: str
) -> None:
    good = export_review(translated, "r2p-2012", "fr")
    bad = make(good, tmp_path / "from-partner.docx")

    message = _refused(translated, bad, error, needle)

    assert len(message) < 400


def test_a_missing_file_is_refused(translated: Workspace, tmp_path: Path) -> None:
    _refused(translated, tmp_path / "nowhere.docx", InputFormatError, "review file not found")


# -- a partner on LibreOffice -------------------------------------------------

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="needs LibreOffice (Debian libreoffice-writer) to re-save the file as a partner would",
)


@needs_libreoffice
def test_a_file_saved_again_by_libreoffice_still_imports(translated: Workspace, tmp_path: Path) -> None:
    """LibreOffice rewrites the whole package; the properties and the table must survive it."""
    ws = translated
    path = export_review(translated, "r2p-2012", "fr")
    resaved = tmp_path / "resaved"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(resaved),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    partner = resaved / path.name
    assert import_review(translated, partner, reviewer=ANA).commit is None  # re-saved, not edited: no change

    document = docx.Document(str(partner))
    _set_cell(_row(document, "closing-1").cells[2], ["Veuillez agréer, Excellence, nos salutations."])
    buffer = io.BytesIO()
    document.save(buffer)
    partner.write_bytes(buffer.getvalue())
    result = import_review(translated, partner, reviewer=ANA)
    assert result.changed == ["closing-1"]
    assert git(ws.root, "status", "--porcelain") == ""


def test_an_import_interrupted_before_its_commit_is_finished_by_importing_again(
    translated: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The moment a kill -9 can leave behind: PO and Markdown written, no commit yet."""
    from polyletter.store import history

    ws = translated
    path = export_review(ws, "r2p-2012", "fr", output=tmp_path / "r.docx")
    document = docx.Document(str(path))
    _set_cell(_row(document, "closing-1").cells[2], ["Veuillez agréer nos salutations."])
    document.save(str(path))
    head = git(ws.root, "rev-parse", "HEAD")

    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(history, "commit_paths", killed)
    with pytest.raises(KeyboardInterrupt):
        import_review(ws, path, reviewer="Awa")
    monkeypatch.undo()
    assert git(ws.root, "rev-parse", "HEAD") == head and git(ws.root, "status", "--porcelain")

    result = import_review(ws, path, reviewer="Awa")

    assert result.changed == ["closing-1"] and result.commit is not None
    assert git(ws.root, "status", "--porcelain") == ""
