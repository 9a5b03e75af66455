"""DOCX export, read back with python-docx."""

from __future__ import annotations

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from polyletter.engines.argos import ArgosEngine
from polyletter.errors import LetterNotFoundError
from polyletter.export import export_letter
from polyletter.translate import translate_letter
from polyletter.workspace import Workspace

from .conftest import git


def test_export_french_letter(workspace: Workspace, fr_es_models: list) -> None:
    translate_letter("r2p-2012", ["fr"], engine=ArgosEngine())
    head = git(workspace.root, "rev-parse", "HEAD").strip()

    path = export_letter("r2p-2012", "fr")

    assert path == workspace.root / "exports" / "r2p-2012.fr.docx"
    document = docx.Document(str(path))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text == "23 mars 2012"
    assert paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    body = [p for p in paragraphs if p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY]
    assert len(body) == 4
    texts = [p.text for p in paragraphs]
    assert "Human Rights Watch (États-Unis)" in texts
    assert "Aegis Trust (Royaume-Uni)" in texts
    first = texts.index("A Billion Little Stones (Australie)")
    signatories = texts[first : first + 38]
    assert signatories[4] == "Asia-Pacific Solidarity Coalition"
    assert signatories[-1] == "World Federation of United Nations Associations (États-Unis et Suisse)"
    address = paragraphs[1]
    assert address.text.count("\n") == 1  # two lines, one break
    props = document.core_properties
    assert props.language == "fr"
    assert props.title == "r2p-2012"
    assert props.identifier == head
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "fr"
    assert git(workspace.root, "status", "--porcelain") == ""  # exports/ is git-ignored


def test_export_to_a_chosen_path_and_the_master_itself(workspace: Workspace, tmp_path) -> None:
    target = tmp_path / "out" / "master.docx"
    export_letter("r2p-2012", "en", output=target)
    document = docx.Document(str(target))
    assert document.paragraphs[0].text == "23 March 2012"
    assert document.core_properties.language == "en"


def test_export_of_a_language_never_translated(workspace: Workspace) -> None:
    with pytest.raises(LetterNotFoundError, match="polyletter translate r2p-2012 --to pt"):
        export_letter("r2p-2012", "pt")
    assert not (workspace.root / "exports").exists()
