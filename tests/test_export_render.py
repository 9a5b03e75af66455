"""Evidence that the exported letters look like letters: LibreOffice renders them, poppler reads the page.

python-docx reading back its own XML proves the markup, not the page. Here
the French and Arabic letters go through LibreOffice headless (the Debian
package ``libreoffice-writer``) to PDF and through ``pdftoppm`` to PNG pages,
and the words' positions on the page (``pdftotext -bbox``) are checked: the
date at the right of a French page and at the left of an Arabic one, the
signatories' header row repeated on each page, the organisation column on
the reading side.

Set POLYLETTER_RENDER_DIR to keep the PDFs and PNGs for a human to look at.
LibreOffice is too heavy for CI, so these tests skip without it.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from polyletter.commands.export import export_letter
from polyletter.commands.translate import translate_letter
from polyletter.mt.engines.argos import ArgosEngine
from polyletter.store.workspace import Workspace

from .test_export import write_arabic_version

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")

pytestmark = [
    pytest.mark.skipif(
        SOFFICE is None,
        reason="needs LibreOffice to render DOCX (apt-get install libreoffice-writer); too heavy for CI",
    ),
    pytest.mark.skipif(not POPPLER, reason="needs pdftoppm and pdftotext (apt-get install poppler-utils)"),
]

MARGIN_PT = 25 / 25.4 * 72  # the export's 25 mm margins, in PDF points


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    x_max: float
    y_min: float

    def is_(self, text: str) -> bool:
        """Whether this word reads ``text``: PDF text of Arabic comes out in visual order and shaped."""
        shown = unicodedata.normalize("NFKC", self.text)
        return text in (shown, shown[::-1])


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    pages: list[Path]
    width: float
    words: list[Word]

    def on(self, page: int) -> list[Word]:
        return [w for w in self.words if w.page == page]

    def pages_with(self, text: str) -> list[int]:
        return sorted({w.page for w in self.words if w.is_(text)})


def render(document: Path, out: Path, profile: Path) -> Rendered:
    """DOCX -> PDF (LibreOffice headless, private profile) -> PNG pages and word boxes."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = out / f"{document.stem}.pdf"
    assert pdf.is_file(), f"LibreOffice wrote no PDF for {document.name}"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(out / document.stem)], check=True, timeout=120
    )
    pages = sorted(out.glob(f"{document.stem}-*.png"))
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    words, width, page = [], 0.0, 0
    for line in bbox.splitlines():
        started = re.search(r'<page width="([\d.]+)"', line)
        if started:
            page, width = page + 1, float(started[1])
            continue
        found = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line
        )
        if found:
            x_min, y_min, x_max = float(found[1]), float(found[2]), float(found[3])
            words.append(Word(page, html.unescape(found[4]), x_min, x_max, y_min))
    return Rendered(pdf, pages, width, words)


@pytest.fixture
def render_dir(tmp_path: Path) -> Path:
    """Where the PDFs and PNGs go: POLYLETTER_RENDER_DIR to keep them, else the test's temp dir."""
    kept = os.environ.get("POLYLETTER_RENDER_DIR")
    return Path(kept) if kept else tmp_path / "rendered"


def _date_year(rendered: Rendered) -> Word:
    """The "2012" of the date: the first line of the first page."""
    return min((w for w in rendered.on(1) if w.text == "2012"), key=lambda w: w.y_min)


def _line_after(rendered: Rendered, word: Word) -> list[Word]:
    """The words of the first line below ``word`` on its page."""
    below = [w for w in rendered.on(word.page) if w.y_min > word.y_min + 5]
    top = min(w.y_min for w in below)
    return [w for w in below if abs(w.y_min - top) < 1]


def test_the_french_letter_on_the_page(
    workspace: Workspace, fr_es_models: list, render_dir: Path, tmp_path: Path
) -> None:
    translate_letter(workspace, "r2p-2012", ["fr"], engine=ArgosEngine())
    rendered = render(export_letter(workspace, "r2p-2012", "fr"), render_dir, tmp_path / "lo-profile")

    assert len(rendered.pages) >= 2 and all(p.stat().st_size > 1000 for p in rendered.pages)
    year = _date_year(rendered)
    assert abs((rendered.width - year.x_max) - MARGIN_PT) < 3  # flush with the right margin
    header_pages = rendered.pages_with("Pays")
    table_pages = sorted({w.page for w in rendered.words if w.text in ("Watch", "Associations")})
    assert header_pages == list(range(header_pages[0], len(rendered.pages) + 1))  # on every page of the table
    assert set(table_pages) <= set(header_pages)
    aegis = next(w for w in rendered.words if w.text == "Aegis")  # Aegis Trust (Royaume-Uni)
    assert abs(aegis.x_min - MARGIN_PT) < 8  # organisations on the left
    kingdom = next(w for w in rendered.words if w.text == "Royaume-Uni")
    assert kingdom.x_min > rendered.width / 2 and kingdom.y_min == aegis.y_min


def test_the_arabic_letter_on_the_page(workspace: Workspace, render_dir: Path, tmp_path: Path) -> None:
    write_arabic_version(workspace)
    rendered = render(export_letter(workspace, "r2p-2012", "ar"), render_dir, tmp_path / "lo-profile")

    assert len(rendered.pages) >= 2 and all(p.stat().st_size > 1000 for p in rendered.pages)
    year = _date_year(rendered)
    assert abs(year.x_min - MARGIN_PT) < 3  # the end of an Arabic line: the left margin
    address = _line_after(rendered, year)  # "الأمين العام بان كي مون"
    assert abs(rendered.width - max(w.x_max for w in address) - MARGIN_PT) < 3  # starts at the right
    header_pages = rendered.pages_with("البلد")
    assert header_pages == list(range(header_pages[0], len(rendered.pages) + 1))
    aegis = next(w for w in rendered.words if w.text == "Aegis")
    assert aegis.x_min > rendered.width / 2  # the organisation column is on the right (w:bidiVisual)
    kingdom = next(
        w for w in rendered.words if w.is_("المتحدة") and w.y_min == aegis.y_min
    )  # المملكة المتحدة
    assert kingdom.x_max < rendered.width / 2
