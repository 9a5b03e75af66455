"""The Markdown a PO records as written beside it is not compared block by block, and that never
changes what ``load_version`` finds: every edit the full comparison sees, the shortcut sees too."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from polyletter.errors import PolyletterError
from polyletter.store.catalog import RENDERING_FIELD, recorded_rendering
from polyletter.store.versions import load_version, rendering_digest
from polyletter.store.workspace import Workspace

from .conftest import LETTER, git


def _outcome(ws: Workspace) -> tuple:
    """What the next run would make of the fr version: its entries and folds, or the refusal."""
    try:
        version = load_version(ws, LETTER, "fr")
    except PolyletterError as err:
        return ("error", str(err))
    texts = {k: (e.translation, e.fuzzy, e.provenance.get("origin")) for k, e in version.entries.items()}
    return ("ok", texts, version.folded, sorted(version.folded_from))


def _without_field(po_text: str) -> str:
    stripped = re.sub(rf'^"{RENDERING_FIELD}: [0-9a-f]+\\n"\n', "", po_text, flags=re.MULTILINE)
    assert stripped != po_text
    return stripped


def test_polyletter_records_the_digest_of_the_markdown_it_wrote(translated: Workspace) -> None:
    po_text = (translated.root / f"translations/fr/{LETTER}.po").read_text("utf-8")
    md_text = (translated.root / f"translations/fr/{LETTER}.md").read_text("utf-8")
    assert recorded_rendering(po_text) == rendering_digest(md_text)
    assert recorded_rendering(_without_field(po_text)) is None


def test_an_entry_cannot_pose_as_the_header_field() -> None:
    po = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        'msgctxt "paragraph-1"\nmsgid "x"\nmsgstr ""\n"X-Polyletter-Rendering: 0123456789ab\\n"\n'
    )
    assert recorded_rendering(po) is None


_EDITS = st.sampled_from(
    [
        ("replace", "Excellence", "Excellence (modifié)"),
        ("replace", "\n\n", "\n\n\n"),
        ("replace", "\n\n", "\n\nUn bloc ajouté.\n\n"),
        ("replace", ".", ","),
        ("append", "", " "),
        ("append", "", "\nUne ligne de plus."),
        ("crlf", "", ""),
        ("bom", "", ""),
        ("truncate", "", ""),
        ("none", "", ""),
    ]
)


def _apply(text: str, edit: tuple[str, str, str], where: int) -> str:
    kind, old, new = edit
    if kind == "replace" and old in text:
        spots = [m.start() for m in re.finditer(re.escape(old), text)]
        at = spots[where % len(spots)]
        return text[:at] + new + text[at + len(old) :]
    if kind == "append":
        return text + new
    if kind == "crlf":
        return text.replace("\n", "\r\n")
    if kind == "bom":
        return "\ufeff" + text
    if kind == "truncate":
        return text[: len(text) * (where % 7 + 2) // 10]
    return text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(_EDITS, st.integers(0, 50)), max_size=3), po_too=st.booleans())
def test_the_shortcut_agrees_with_the_full_comparison(
    translated: Workspace, edits: list, po_too: bool
) -> None:
    ws = translated
    po_path, md_path = ws.po_path(LETTER, "fr"), ws.md_path(LETTER, "fr")
    git(ws.root, "checkout", "--", ".")
    md = md_path.read_text("utf-8")
    for edit, where in edits:
        md = _apply(md, edit, where)
    md_path.write_bytes(md.encode("utf-8"))
    if po_too:  # a PO edited too (in Poedit): the field then records a Markdown of another PO
        po_path.write_text(po_path.read_text("utf-8").replace('msgstr "Excellence', 'msgstr "Son Excellence'))
    po_text = po_path.read_text("utf-8")

    with_field = _outcome(ws)
    po_path.write_text(_without_field(po_text), encoding="utf-8")
    without_field = _outcome(ws)

    assert with_field == without_field
