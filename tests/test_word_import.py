"""Masters written in Word: read into the letter model by their layout, committed as Markdown."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from polyletter.commands.import_word import import_word
from polyletter.document.letter import BlockKind, Letter
from polyletter.errors import InputFormatError, LetterNotFoundError, WorkspaceStateError
from polyletter.readers import read_letter
from polyletter.store.workspace import Workspace
from polyletter.writers.docx import DocxInfo, render_docx

from .conftest import git

LONG_1 = (
    "We, the undersigned civil society organizations, welcome the opportunity for Member States "
    "to discuss the third pillar of the Responsibility to Protect during the dialogue this summer."
)
LONG_2 = (
    "Only if published well in advance can your report be a crucial resource for Member States, "
    "regional organizations, and UN offices and departments to prepare for a constructive dialogue."
)
SIGNATORIES = [
    ("Aegis Trust", "United Kingdom"),
    ("Asia-Pacific Solidarity Coalition", ""),
    ("Human Rights Watch", "United States"),
    ("World Federalist Movement – Institute for Global Policy", "United States, The Netherlands"),
]
SIGNATORY_LINES = [f"{org} ({country})" if country else org for org, country in SIGNATORIES]


def _letter(path: Path, *, signatories_as_table: bool) -> Path:
    """A sign-on letter laid out the way people do it in Word."""
    document = docx.Document()
    document.add_heading("Open letter on the third pillar", level=0)  # Title style
    document.add_paragraph("12 May 2024")
    address = document.add_paragraph()
    address.add_run("Secretary-General António Guterres").add_break()  # Shift+Enter
    address.add_run("United Nations Headquarters")
    document.add_paragraph("CC: Ms. Jane Doe, President of the General Assembly", style="No Spacing")
    document.add_paragraph(
        "Mr. John Roe, Special Adviser on the Responsibility to Protect", style="No Spacing"
    )
    document.add_paragraph()  # an empty paragraph ends the CC block
    document.add_paragraph("Excellency,")
    document.add_heading("Why the report matters", level=2)
    document.add_paragraph(LONG_1)
    document.add_paragraph("We respectfully ask you to take the following steps before the dialogue:")
    document.add_paragraph("publish the report two months ahead", style="List Bullet")
    document.add_paragraph("consult civil society on it", style="List Bullet")
    document.add_paragraph("set the date", style="List Number")
    document.add_paragraph("announce it", style="List Number")
    document.add_paragraph(LONG_2)
    document.add_paragraph("Sincerely,")
    if signatories_as_table:
        table = document.add_table(rows=1, cols=2)
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Organisation", "Country"
        for org, country in SIGNATORIES:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = org, country
    else:
        for line in SIGNATORY_LINES:
            document.add_paragraph(line).paragraph_format.space_after = Pt(0)
    document.save(str(path))
    return path


EXPECTED = [
    ("heading-1", BlockKind.HEADING, ("Open letter on the third pillar",), ("# ",)),
    ("date-1", BlockKind.DATE, ("12 May 2024",), ("",)),
    (
        "address-1",
        BlockKind.ADDRESS,
        ("Secretary-General António Guterres", "United Nations Headquarters"),
        ("", ""),
    ),
    (
        "address-2",
        BlockKind.ADDRESS,
        (
            "CC: Ms. Jane Doe, President of the General Assembly",
            "Mr. John Roe, Special Adviser on the Responsibility to Protect",
        ),
        ("", ""),
    ),
    ("salutation-1", BlockKind.SALUTATION, ("Excellency,",), ("",)),
    ("heading-2", BlockKind.HEADING, ("Why the report matters",), ("## ",)),
    ("paragraph-1", BlockKind.PARAGRAPH, (LONG_1,), ("",)),
    (
        "paragraph-2",
        BlockKind.PARAGRAPH,
        ("We respectfully ask you to take the following steps before the dialogue:",),
        ("",),
    ),
    (
        "list-1",
        BlockKind.LIST,
        ("publish the report two months ahead", "consult civil society on it"),
        ("- ", "- "),
    ),
    ("list-2", BlockKind.LIST, ("set the date", "announce it"), ("1. ", "2. ")),
    ("paragraph-3", BlockKind.PARAGRAPH, (LONG_2,), ("",)),
    ("closing-1", BlockKind.CLOSING, ("Sincerely,",), ("",)),
    ("signatories-1", BlockKind.SIGNATORIES, tuple(SIGNATORY_LINES), ("",) * len(SIGNATORY_LINES)),
]


def _shape(letter: Letter) -> list[tuple]:
    return [(b.id, b.kind, b.lines, b.markers) for b in letter.blocks]


def _trailers(ws: Workspace) -> dict[str, str]:
    out = git(ws.root, "log", "-1", "--format=%(trailers:only,unfold)")
    return dict(line.split(": ", 1) for line in out.splitlines() if line)


@pytest.mark.parametrize("as_table", [False, True], ids=["signatories-as-paragraphs", "signatories-as-table"])
def test_a_word_letter_becomes_a_committed_master(
    workspace: Workspace, tmp_path: Path, as_table: bool
) -> None:
    source = _letter(tmp_path / "Sign-on letter.docx", signatories_as_table=as_table)
    assert _shape(read_letter(source, "en")) == EXPECTED

    path = import_word(workspace, source, name="sign-on-2024")

    ws = workspace
    assert path == ws.root / "translations" / "en" / "sign-on-2024.md"
    assert _shape(read_letter(path, "en")) == EXPECTED
    text = path.read_text("utf-8")
    assert "Secretary-General António Guterres  \nUnited Nations Headquarters\n" in text
    assert "\n\n- publish the report two months ahead\n- consult civil society on it\n\n" in text
    assert "\n\n1. set the date\n2. announce it\n\n" in text
    assert (
        git(ws.root, "log", "-1", "--format=%s").strip() == "polyletter: import sign-on-2024 from Word (en)"
    )
    trailers = _trailers(ws)
    assert trailers["Polyletter-Kind"] == "import"
    assert trailers["Polyletter-Letter"] == "sign-on-2024"
    assert trailers["Polyletter-Master"] == "translations/en/sign-on-2024.md"
    assert trailers["Polyletter-Imported-From"] == "Sign-on letter.docx"
    assert git(ws.root, "show", "--name-only", "--format=", "HEAD").split() == [
        "translations/en/sign-on-2024.md"
    ]
    assert git(ws.root, "status", "--porcelain") == ""
    assert ws.master_path("sign-on-2024") == path  # a master like any other from now on


def test_the_sample_master_survives_a_trip_through_word(workspace: Workspace, tmp_path: Path) -> None:
    """Export the master with the letter writer, import it back: the same blocks.

    The letter writer sets consecutive signatory blocks as one table (one list
    for the reader), so the sample's two signatory blocks come back as one.
    """
    master = read_letter(workspace.master_path("r2p-2012"), "en")
    exported = tmp_path / "r2p-2012.en.docx"
    exported.write_bytes(render_docx(master, DocxInfo(title="r2p-2012")))

    path = import_word(workspace, exported, name="r2p-copy")

    back = read_letter(path, "en")
    assert _shape(back)[:-1] == _shape(master)[:-2]
    signatories = [b for b in master.blocks if b.kind is BlockKind.SIGNATORIES]
    assert back.blocks[-1].kind is BlockKind.SIGNATORIES
    assert back.blocks[-1].lines == signatories[0].lines + signatories[1].lines
    assert back.meta == {"title": "r2p-2012"}  # the document's title, kept as front matter


def test_a_letter_built_block_by_block_comes_back_identical(workspace: Workspace, tmp_path: Path) -> None:
    """Paragraphs with line breaks, tight signatory paragraphs, empty paragraphs between lists."""
    master = read_letter(workspace.master_path("r2p-2012"), "en")
    document = docx.Document()
    for block in master.blocks:
        if block.kind is BlockKind.SIGNATORIES:
            for line in block.lines:
                document.add_paragraph(line).paragraph_format.space_after = Pt(0)
            document.add_paragraph()
            continue
        paragraph = document.add_paragraph()
        for number, line in enumerate(block.lines):
            run = paragraph.add_run(line)
            if number < len(block.lines) - 1:
                run.add_break()
    source = tmp_path / "letter.docx"
    document.save(str(source))

    path = import_word(workspace, source, name="r2p-word")

    assert _shape(read_letter(path, "en")) == _shape(master)


def test_tracked_changes_count_as_accepted_and_hidden_text_is_skipped(
    workspace: Workspace, tmp_path: Path
) -> None:
    document = docx.Document()
    document.add_paragraph("23 March 2012")
    paragraph = document.add_paragraph("Dear ")
    deleted = OxmlElement("w:del")
    deleted.set(qn("w:id"), "1")
    deleted.set(qn("w:author"), "Editor")
    run = OxmlElement("w:r")
    text = OxmlElement("w:delText")
    text.text = "Sir"
    run.append(text)
    deleted.append(run)
    paragraph._p.append(deleted)
    inserted = OxmlElement("w:ins")
    inserted.set(qn("w:id"), "2")
    inserted.set(qn("w:author"), "Editor")
    inserted.append(OxmlElement("w:r"))
    inserted[0].append(OxmlElement("w:t"))
    inserted[0][0].text = "Secretary-General,"
    paragraph._p.append(inserted)
    body = document.add_paragraph(LONG_1)
    hidden = body.add_run(" (internal: check with legal)")
    hidden.font.hidden = True
    source = tmp_path / "tracked.docx"
    document.save(str(source))

    letter = read_letter(source, "en")

    assert [(b.kind, b.text) for b in letter.blocks] == [
        (BlockKind.DATE, "23 March 2012"),
        (BlockKind.SALUTATION, "Dear Secretary-General,"),
        (BlockKind.PARAGRAPH, LONG_1),
    ]


def test_a_signatory_table_with_a_bold_header_of_its_own(workspace: Workspace, tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Excellency,")
    document.add_paragraph(LONG_1)
    document.add_paragraph("Sincerely,")
    table = document.add_table(rows=3, cols=2)
    for cell, text in zip(table.rows[0].cells, ("Signing organisations", "Based in"), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "Aegis Trust", "United Kingdom"
    table.rows[2].cells[0].text = "Asia-Pacific Solidarity Coalition"
    source = tmp_path / "bold.docx"
    document.save(str(source))

    signatories = read_letter(source, "en").blocks[-1]

    assert signatories.kind is BlockKind.SIGNATORIES
    assert signatories.lines == ("Aegis Trust (United Kingdom)", "Asia-Pacific Solidarity Coalition")


def test_importing_over_an_existing_master(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    source = _letter(tmp_path / "letter.docx", signatories_as_table=True)
    import_word(workspace, source, name="sign-on-2024")
    head = git(ws.root, "rev-parse", "HEAD")

    assert import_word(workspace, source, name="sign-on-2024").name == "sign-on-2024.md"  # identical: a no-op
    assert git(ws.root, "rev-parse", "HEAD") == head

    with pytest.raises(WorkspaceStateError, match="a different master of this letter already exists"):
        import_word(workspace, source, name="r2p-2012")
    assert git(ws.root, "rev-parse", "HEAD") == head
    assert git(ws.root, "status", "--porcelain") == ""


def test_import_refuses_bad_names_and_a_translation_folder(workspace: Workspace, tmp_path: Path) -> None:
    ws = workspace
    source = _letter(tmp_path / "letter.docx", signatories_as_table=False)
    with pytest.raises(LetterNotFoundError, match="is not a letter name"):
        import_word(workspace, source, name="../escape")
    with pytest.raises(LetterNotFoundError, match="is not a letter name"):
        import_word(workspace, source, name="translations/en/x.md")
    po = ws.root / "translations/fr/r2p-2012.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    with pytest.raises(WorkspaceStateError, match="is the fr translation of r2p-2012"):
        import_word(workspace, source, name="r2p-2012", lang="fr")
    assert not (ws.root / "translations/fr/r2p-2012.md").exists()


def _entity_bomb(tmp_path: Path) -> Path:
    good = _letter(tmp_path / "good.docx", signatories_as_table=False)
    bad = tmp_path / "bomb.docx"
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>', 1)
            new.writestr(info, data)
    return bad


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    return path


def _text_file(tmp_path: Path) -> Path:
    path = tmp_path / "letter.docx"
    path.write_text("23 March 2012\n\nExcellency,\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (_entity_bomb, "word/document.xml declares a DOCTYPE"),
        (_empty, "letter is empty"),
        (_text_file, "not a zip archive"),
    ],
    ids=["entity-bomb", "empty", "text-file"],
)
def test_import_refuses_a_bad_file_and_writes_nothing(
    workspace: Workspace, tmp_path: Path, make, needle
) -> None:
    ws = workspace
    head = git(ws.root, "rev-parse", "HEAD")
    bad = make(tmp_path)

    with pytest.raises(InputFormatError) as caught:
        import_word(workspace, bad, name="from-word")

    assert str(caught.value).startswith(f"{bad}: ") and needle in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not (ws.root / "translations/en/from-word.md").exists()
    assert git(ws.root, "rev-parse", "HEAD") == head
    assert git(ws.root, "status", "--porcelain") == ""
