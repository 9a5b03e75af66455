"""The command line: parse options, call one library function, print the result.

Nothing here does the work; every command has a Python twin (named in its
docstring) that tests and scripts call directly. Library errors become one
line on stderr and an exit code here, and nowhere else. Heavy libraries
(ctranslate2, argostranslate, python-docx, gitpython) are imported inside the
commands, so ``polyletter --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from polyletter.errors import PolyletterError
from polyletter.wording import count

if TYPE_CHECKING:
    from rich.table import Table

    from polyletter.qa.checks import QAFinding
    from polyletter.store.workspace import Workspace

app = typer.Typer(
    help="One sign-on letter, many languages: offline translation with a glossary, "
    "QA, Git history and Word files for partners.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
models_app = typer.Typer(help="Translation models (Argos Translate packages).", no_args_is_help=True)
app.add_typer(models_app, name="models")
review_app = typer.Typer(
    help="Bilingual review files for partners, and their corrections back.", no_args_is_help=True
)
app.add_typer(review_app, name="review")
glossary_app = typer.Typer(help="The coalition's term bases (glossary/*.yaml).", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")
tm_app = typer.Typer(
    help="The translation memory: people's translations reused before any engine; TMX in and out.",
    no_args_is_help=True,
)
app.add_typer(tm_app, name="tm")


def _print_version(value: bool) -> None:
    if value:
        from polyletter import __version__

        typer.echo(f"polyletter {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=_print_version),
    ] = False,
) -> None:
    """One sign-on letter, many languages: offline translation with a glossary,
    QA, Git history and Word files for partners."""


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Turn a library error into its one-line message and exit code; say the library's notices once."""
    from polyletter.store.history import take_notices

    try:
        yield
        for notice in take_notices():
            typer.echo(f"warning: {notice}", err=True)
    except PolyletterError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(err.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was committed", err=True)
        raise typer.Exit(130) from None


@contextlib.contextmanager
def _in_workspace() -> Iterator[Workspace]:
    """The workspace around the current directory, for every command that works in one.

    Every library twin takes its workspace first (``translate_letter(ws, ...)``);
    this is the one place the CLI finds it, with errors turned into messages.
    """
    from polyletter.store.workspace import Workspace

    with _errors():
        yield Workspace.find()


def _split_langs(value: str | None) -> list[str] | None:
    # Empty items are kept: the library refuses `--to ""` and `--to ","` instead of using the defaults.
    return None if value is None else value.split(",")


def _console(quiet: bool = False):
    """Standard output for a command's report; ``quiet`` silences it (errors, warnings: stderr)."""
    from rich.console import Console

    return Console(highlight=False, markup=False, soft_wrap=True, quiet=quiet)


def _warn(message: str) -> None:
    """A warning: on stderr, so ``--quiet`` and ``--json`` output stay clean."""
    typer.echo(f"warning: {message}", err=True)


def _print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors and warnings.")]
Json = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the workspace.")] = Path("."),
    source: Annotated[str, typer.Option(help="Language of the master letters.")] = "en",
    to: Annotated[str, typer.Option("--to", help="Target languages, comma-separated.")] = "fr,es",
    example: Annotated[bool, typer.Option(help="Add the sample R2P letter as a master.")] = False,
    engine: Annotated[
        str, typer.Option(help="Engine: argos, apertium, or a server (libretranslate, apertium-apy).")
    ] = "argos",
) -> None:
    """Create a workspace: git repository, polyletter.toml, glossary/, translations/.

    Python: polyletter.commands.init.init_workspace
    """
    from polyletter.commands.init import init_workspace

    with _errors():
        result = init_workspace(
            directory, source=source, targets=_split_langs(to) or [], example=example, engine=engine
        )
    console = _console()
    console.print(
        f"Created workspace in {result.root}" + (" (new git repository)" if result.created_repo else "")
    )
    if example:
        console.print(f"Sample master: translations/{source}/r2p-2012.md")
    console.print(f"Next: {result.next_step}")


@app.command()
def translate(
    letter: Annotated[str, typer.Argument(help="Letter name (e.g. r2p-2012) or path to its master.")],
    to: Annotated[str | None, typer.Option("--to", help="Target languages, comma-separated.")] = None,
    engine: Annotated[str | None, typer.Option(help="Engine (default from polyletter.toml).")] = None,
    quiet: Quiet = False,
    json_output: Json = False,
) -> None:
    """Translate a master letter; write PO + Markdown per language and commit once.

    Python: polyletter.commands.translate.translate_letter
    """
    from polyletter.commands.translate import translate_letter

    with _in_workspace() as ws:
        result = translate_letter(ws, letter, _split_langs(to), engine=engine)
    if result.stats.cache_unavailable:
        _warn(f"the translation cache could not be used ({result.stats.cache_unavailable})")
    if json_output:
        _print_json(result.to_dict(ws.root))
        return
    console = _console(quiet)
    for lang in result.languages:
        state = "updated" if lang.files_written else "unchanged"
        console.print(
            f"{result.letter} ({lang.lang}) {state}: {count(lang.blocks_translated, 'block')} translated, "
            f"{lang.blocks_reused} reused ({lang.provenance})"
        )
        if lang.recovered_from:
            console.print(f"note: the missing {lang.lang} PO was recovered from {lang.recovered_from[:12]}")
    stats = result.stats
    console.print(
        f"sentences: {stats.from_memory} from memory, {stats.from_cache} from cache, "
        f"{stats.sent} sent to the engine"
    )
    console.print(f"commit {result.commit[:12]}" if result.commit else "nothing changed; no commit")
    report = result.check
    console.print(report.summary() + ("" if report.clean else f"; see `polyletter check {result.letter}`"))


@app.command()
def check(
    letter: Annotated[str, typer.Argument(help="Letter name.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Languages to check, comma-separated.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Apply the safe repairs to machine text (origin qa-fix) and commit them."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --fix: show the repairs, write nothing.")
    ] = False,
) -> None:
    """QA before sending, per language and block: glossary terms and forbidden forms (avoid), kept
    terms, names, article agreement, English word order, formulas left in the source language, lost
    formatting, URLs and e-mail addresses, numbers and their format in the target language, doubled
    words, repetition loops, misplaced capitals, end punctuation, unpaired quotes and brackets, French
    spacing, inconsistent translations of one sentence, untranslated text and unknown words,
    placeholder debris, length ratios, entries waiting for review. `#, ignore-<check>` on a PO entry
    silences a check for it (counted as silenced). Exit 1 when anything is found that is not silenced.

    Python: polyletter.commands.check.check_letter, polyletter.commands.check.fix_letter
    """
    from polyletter.commands.check import check_letter, fix_letter

    if dry_run and not fix:
        raise typer.BadParameter("--dry-run goes with --fix", param_hint="--dry-run")
    apply = fix and not dry_run
    with _in_workspace() as ws:
        if fix:
            fixed = fix_letter(ws, letter, _split_langs(lang), apply=apply)
            report = fixed.report
            assert report is not None
            if json_output:
                _print_json(fixed.to_dict(ws.root))
                raise typer.Exit(0 if report.clean else 1)
        else:
            report = check_letter(ws, letter, _split_langs(lang))
    if json_output:
        _print_json(report.to_dict())
        raise typer.Exit(0 if report.clean else 1)
    console = _console()
    if report.findings:
        console.print(_findings_table(report.findings))
    if fix:
        verb = "repaired" if apply else "would repair"
        blocks = ", ".join(f"{code}: {', '.join(found)}" for code, found in fixed.fixed.items())
        console.print(f"--fix {verb} {count(fixed.blocks, 'block')}" + (f" ({blocks})" if blocks else ""))
        if fixed.skipped:
            console.print(
                f"left for people (a person wrote those blocks): {count(len(fixed.skipped), 'finding')}"
            )
        if apply:
            console.print(f"commit {fixed.commit[:12]}" if fixed.commit else "nothing changed; no commit")
        elif fixed.blocks:
            console.print("dry run: nothing written; run --fix without --dry-run to write and commit")
    console.print(report.summary())
    raise typer.Exit(0 if report.clean else 1)


def _findings_table(findings: Sequence[QAFinding]) -> Table:
    """Findings grouped by language and block (one section each), with each check's name and id."""
    from rich.table import Table
    from rich.text import Text

    table = Table("lang", "block", "check", "finding")
    previous: tuple[str, str] | None = None
    for finding in findings:
        where = (finding.lang, finding.block_id)
        if previous is not None and where != previous:
            table.add_section()
        first = where != previous
        label = Text(finding.name)
        if finding.name != finding.check:
            label.append(f" ({finding.check})", style="dim")
        table.add_row(
            finding.lang if first else "",
            finding.block_id if first else "",
            label,
            Text(finding.message),  # "[ … ] opened and not closed" is text, not markup
        )
        previous = where
    return table


@app.command()
def inspect(
    letter: Annotated[str, typer.Argument(help="Letter name, or a master's path in translations/<lang>/.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the reading as JSON.")] = False,
) -> None:
    """How a master was read: each block's number, id, kind and text, and the parsed signatories.

    Correct a wrong role with front matter in the master, e.g. `roles: {3: salutation}`.
    Python: polyletter.commands.inspect.inspect_letter
    """
    from polyletter.commands.inspect import inspect_letter

    with _in_workspace() as ws:
        reading = inspect_letter(ws, letter)
    data = reading.to_dict()
    if json_output:
        _print_json(data)
        return
    lines = [f"{data['letter']} ({data['lang']}): {count(len(data['blocks']), 'block')}"]
    for block in data["blocks"]:
        mark = "  (set by front matter)" if block.get("set_by") else ""
        lines.append(f"{block['number']:>3}  {block['id']:<16} {' / '.join(block['lines'])[:100]}{mark}")
        for signer in block.get("signatories", []):
            lines.append(f"{'':>5}- {signer['name']}  [{signer['country'] or 'no country'}]")
    typer.echo("\n".join(lines))


@app.command()
def export(
    letter: Annotated[str, typer.Argument(help="Letter name.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Language version to export.")] = None,
    all_languages: Annotated[bool, typer.Option("--all", help="Every language version.")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write the DOCX.")] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="A letterhead .docx to fill (header, footer, styles).")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Write a language version as a Word letter (exports/<letter>.<lang>.docx), laid out as a letter.

    Python: polyletter.commands.export.export_letter / export_all
    """
    from polyletter.commands.export import export_all, export_letter

    if all_languages == (lang is not None):
        typer.echo("error: give either --lang LANG or --all", err=True)
        raise typer.Exit(2)
    with _in_workspace() as ws:
        if all_languages:
            paths = export_all(ws, letter, template=template, output_dir=output)
        else:
            paths = [export_letter(ws, letter, lang, output=output, template=template)]
    for path in paths:
        _console(quiet).print(f"wrote {path}")


@models_app.command("list")
def models_list(
    available: Annotated[
        bool, typer.Option("--available", help="Show what the package index offers.")
    ] = False,
    engine: Annotated[
        str | None, typer.Option(help="Another engine's pairs, e.g. a server: libretranslate, apertium-apy.")
    ] = None,
) -> None:
    """Installed language pairs with their versions (or the index's offer, or another engine's pairs).

    Python: polyletter.mt.engines.argos_packages.installed_models / available_models;
    polyletter.mt.engines.engine_pairs
    """
    from rich.table import Table

    from polyletter.mt.engines import argos_packages as models

    if engine is not None and engine != "argos":
        _engine_pairs(engine)
        return

    with _errors():
        rows = models.available_models() if available else models.installed_models()
    table = Table("from", "to", "version", "size (MB)" if available else "path")
    for row in rows:
        if available:
            size = f"{row.size / 1_048_576:.0f}" if row.size else "?"
            table.add_row(row.from_code, row.to_code, row.version, size)
        else:
            table.add_row(row.from_code, row.to_code, row.version, str(row.path))
    console = _console()
    if not rows:
        console.print(
            "no models available"
            if available
            else "no models installed; try `polyletter models install en fr`"
        )
        return
    console.print(table)


def _engine_pairs(name: str) -> None:
    """``models list --engine NAME``: the pairs an engine (a shared server) offers, per the workspace."""
    from rich.table import Table

    from polyletter.errors import NotAWorkspaceError
    from polyletter.mt.engines import engine_pairs
    from polyletter.store.config import Config
    from polyletter.store.workspace import Workspace

    with _errors():
        try:
            config = Workspace.find().config
        except NotAWorkspaceError:
            config = Config()  # outside a workspace: the default URLs
        rows = engine_pairs(name, config)
    if not rows:
        _console().print(f"{name} offers no language pairs")
        return
    table = Table("from", "to", "version")
    for row in rows:
        table.add_row(*row)
    _console().print(table)


@models_app.command("install")
def models_install(
    from_code: Annotated[str | None, typer.Argument(metavar="FROM", help="Source language.")] = None,
    to_codes: Annotated[list[str] | None, typer.Argument(metavar="TO...", help="Target languages.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Install a .argosmodel file.")] = None,
    quiet: Quiet = False,
) -> None:
    """Download and install models from the Argos index, or install a local file.

    Python: polyletter.mt.engines.argos_packages.install_from_index / install_from_file
    """
    from polyletter.mt.engines import argos_packages as models

    console = _console(quiet)
    if file is not None:
        with _errors():
            installed = [models.install_from_file(file)]
    else:
        if not from_code or not to_codes:
            typer.echo("error: give FROM and TO languages (e.g. `en fr es`) or --file X.argosmodel", err=True)
            raise typer.Exit(2)
        with _errors(), _download_progress(console, quiet) as progress:
            installed = models.install_from_index(from_code, to_codes, progress=progress)
    for model in installed:
        console.print(f"installed {model.from_code}->{model.to_code} {model.version}")


@contextlib.contextmanager
def _download_progress(console, quiet: bool = False):
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TransferSpeedColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console, transient=False, disable=quiet) as bar:
        tasks: dict[str, object] = {}

        def report(label: str, done: int, total: int | None) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield report


@models_app.command("remove")
def models_remove(
    from_code: Annotated[str, typer.Argument(metavar="FROM")],
    to_code: Annotated[str, typer.Argument(metavar="TO")],
) -> None:
    """Uninstall the model of one language pair.

    Python: polyletter.mt.engines.argos_packages.remove_model
    """
    from polyletter.mt.engines import argos_packages as models

    with _errors():
        model = models.remove_model(from_code, to_code)
    _console().print(f"removed {model.from_code}->{model.to_code} {model.version}")


@app.command()
def status(
    letter: Annotated[str | None, typer.Argument(help="Only this letter.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Each letter x language: up to date, stale, edited, needs review, missing, uncommitted.

    Python: polyletter.commands.status.workspace_status
    """
    from polyletter.commands.status import summary, workspace_status

    with _in_workspace() as ws:
        statuses = workspace_status(ws, letter)
    if json_output:
        _print_json([s.to_dict() for s in statuses])
        return
    rows = [("letter", "lang", "state", "details")]
    rows += [(i.letter, i.lang, i.state, _status_details(i)) for i in statuses]
    typer.echo(_columns(rows) if statuses else "no letters")
    typer.echo(", ".join(f"{n} {state}" for state, n in summary(statuses).items()))


def _columns(rows: list[tuple[str, ...]]) -> str:
    """Plain aligned columns: a workspace of a thousand versions prints at once (a rich table does not)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]) for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)


def _status_details(item) -> str:
    parts = []
    if item.problem:
        parts.append(item.problem)
    if item.stale_blocks or item.removed_blocks:
        parts.append(f"{count(len(item.stale_blocks) + len(item.removed_blocks), 'block')} stale")
        if item.glossary_blocks:
            parts[-1] += f" (glossary: {', '.join(item.glossary_blocks)})"
    if item.edited_blocks:
        parts.append(f"edited by hand in {', '.join(item.edited_in)}: {', '.join(item.edited_blocks)}")
    if item.review_blocks:
        parts.append(f"needs review: {', '.join(item.review_blocks)}")
    if item.uncommitted_files:
        parts.append(f"uncommitted: {', '.join(item.uncommitted_files)}")
    if item.export == "stale":
        fix = f"polyletter export {item.letter} --lang {item.lang}"
        parts.append(f"export stale ({item.export_detail}); run `{fix}`")
    return "; ".join(parts)


@app.command()
def log(
    letter: Annotated[str, typer.Argument(help="Letter name.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language version.")] = None,
    json_output: Json = False,
) -> None:
    """The history of a letter (or one language version): commits, their kind, who.

    Python: polyletter.commands.log.letter_log
    """
    from polyletter.commands.log import letter_log

    with _in_workspace() as ws:
        entries = letter_log(ws, letter, lang)
    if json_output:
        _print_json([entry.to_dict() for entry in entries])
        return
    console = _console()
    for entry in entries:
        langs = ",".join(entry.languages) or "-"
        console.print(f"{entry.short}  {entry.date[:10]}  {entry.kind:<16} {langs:<10} {entry.author}")
        console.print(f"    {entry.subject}")
        for kind, blocks in (
            ("human", entry.human_blocks),
            ("needs review", entry.review_blocks),
            ("reviewed", entry.reviewed_blocks),
        ):
            for code, ids in blocks.items():
                console.print(f"    {kind} ({code}): {', '.join(ids)}")


@app.command()
def diff(
    letter: Annotated[str, typer.Argument(help="Letter name.")],
    lang: Annotated[str, typer.Option("--lang", help="Language version.")],
    since: Annotated[str | None, typer.Option(help="A release name or a git revision.")] = None,
    json_output: Json = False,
) -> None:
    """What changed in a language version, block by block, and why (master change or human edit).

    Python: polyletter.commands.diff.letter_diff
    """
    import sys

    from polyletter.commands.diff import diff_base, letter_diff, render_diff_text

    with _in_workspace() as ws:
        base = diff_base(ws, letter, lang, since)
        changes = letter_diff(ws, letter, lang, since)
    if json_output:
        import dataclasses

        since_data = dataclasses.asdict(base)
        _print_json(
            {
                "letter": ws.letter_name(letter),
                "lang": lang,
                "since": since_data,
                "changes": [change.to_dict() for change in changes],
            }
        )
        return
    typer.echo(f"{letter} ({lang}) since {base.label}: {count(len(changes), 'block')} changed")
    if changes:
        typer.echo(render_diff_text(changes, color=sys.stdout.isatty()))


@app.command()
def compare(
    letter: Annotated[str, typer.Argument(help="Letter name.")],
    langs: Annotated[list[str], typer.Argument(help="Languages, e.g. en fr es.")],
    html: Annotated[Path | None, typer.Option("--html", help="Write a static HTML page here.")] = None,
) -> None:
    """The language versions side by side, aligned by block.

    Python: polyletter.commands.compare.compare_letter / compare_page
    """
    from polyletter.commands.compare import compare_letter, compare_page, render_table_rows, table_header

    with _in_workspace() as ws:
        if html is not None:
            from polyletter.store.fileio import write_atomic

            write_atomic(html, compare_page(ws, letter, langs))
        comparison = compare_letter(ws, letter, langs)
    console = _console()
    if html is not None:
        console.print(f"wrote {html}")
        return
    from rich.table import Table

    table = Table(*table_header(comparison), show_lines=True)
    for row in render_table_rows(comparison):
        table.add_row(*row)
    console.print(table)


@app.command()
def release(
    letter: Annotated[str, typer.Argument(help="Letter name.")],
    name: Annotated[str, typer.Argument(help="Release name, e.g. v1.")],
) -> None:
    """Tag what was sent: the master and every language version, as an annotated git tag.

    Python: polyletter.commands.release.release_letter
    """
    from polyletter.commands.release import release_letter

    with _in_workspace() as ws:
        made = release_letter(ws, letter, name)
    console = _console()
    console.print(f"tagged {made.tag} at {made.commit[:12]}: {', '.join(v.lang for v in made.versions)}")
    for warning in made.warnings:
        console.print(f"warning: {warning}")


@review_app.command("export")
def review_export(
    letter: Annotated[str, typer.Argument(help="Letter name.")],
    lang: Annotated[str, typer.Option("--lang", help="Language version to review.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Where to write the DOCX.")] = None,
    quiet: Quiet = False,
) -> None:
    """A bilingual DOCX (id, source, translation, status) for a partner to correct in Word.

    Python: polyletter.commands.review.export_review
    """
    from polyletter.commands.review import export_review

    with _in_workspace() as ws:
        path = export_review(ws, letter, lang, output=output)
    _console(quiet).print(f"wrote {path}")


@review_app.command("import")
def review_import(
    file: Annotated[Path, typer.Argument(help="The review DOCX the partner sent back.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who reviewed it (Name or Name <email>).")],
    quiet: Quiet = False,
) -> None:
    """Apply a partner's corrected translations to the PO, as reviewed by them, in one commit.

    Python: polyletter.commands.review.import_review
    """
    from polyletter.commands.review import import_review

    with _in_workspace() as ws:
        result = import_review(ws, file, reviewer=reviewer)
    console = _console(quiet)
    console.print(
        f"{result.letter} ({result.lang}): {count(len(result.changed), 'block')} changed by {result.reviewer}"
    )
    for block_id in result.emptied:
        _warn(f"{block_id}: the translation cell was emptied; kept the current text")
    console.print(f"commit {result.commit[:12]}" if result.commit else "nothing changed; no commit")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A letter written in Word (.docx).")],
    name: Annotated[str, typer.Option("--name", help="The letter's name, e.g. r2p-2013.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Its language (default: the source).")] = None,
) -> None:
    """Import a master letter from Word into translations/<lang>/<name>.md, and commit it.

    Python: polyletter.commands.import_word.import_word
    """
    from polyletter.commands.import_word import import_word

    with _in_workspace() as ws:
        path = import_word(ws, file, name=name, lang=lang)
    _console().print(f"imported {path}")


@glossary_app.command("list")
def glossary_list(
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language's forms.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The workspace's terms and their forms.

    Python: polyletter.commands.glossary.list_terms
    """
    from polyletter.commands.glossary import list_terms

    with _in_workspace() as ws:
        rows = list_terms(ws, lang)
    if json_output:
        _print_json([r.to_dict() for r in rows])
        return
    from rich.table import Table

    table = Table("term", "forms", "source")
    for row in rows:
        forms = "(keep)" if row.keep else "; ".join(f"{k}: {v}" for k, v in row.forms.items())
        table.add_row(row.term, forms, row.source)
    _console().print(table)


@glossary_app.command("add", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def glossary_add(
    ctx: typer.Context,
    term: Annotated[str, typer.Argument(help="The source term.")],
    keep: Annotated[bool, typer.Option("--keep", help="Never translate it (acronyms, names).")] = False,
    note: Annotated[str, typer.Option(help="Why, or how to use it.")] = "",
    source: Annotated[str, typer.Option(help="Where the forms come from (e.g. UNTERM).")] = "",
    file: Annotated[Path | None, typer.Option(help="Glossary file to add to.")] = None,
) -> None:
    """Add a term: `polyletter glossary add "early warning" --fr "alerte rapide" --es "alerta temprana"`.

    Any `--<lang> FORM` option gives the form in that language.
    Python: polyletter.commands.glossary.add_workspace_term
    """
    from polyletter.commands.glossary import add_workspace_term

    forms = _language_options(ctx.args)
    with _in_workspace() as ws:
        path = add_workspace_term(ws, term, forms, keep=keep, note=note, source=source, file=file)
    _console().print(f"added {term!r} to {path}")


def _language_options(args: list[str]) -> dict[str, str]:
    """``--fr X --es=Y`` -> ``{"fr": "X", "es": "Y"}``; anything else is a usage error."""
    forms: dict[str, str] = {}
    items = iter(args)
    for arg in items:
        if not arg.startswith("--") or len(arg) < 4:
            raise typer.BadParameter(f"unexpected argument {arg!r}; give forms as --fr 'forme'")
        name, _, value = arg[2:].partition("=")
        if not value:
            value = next(items, "")
        if not value:
            raise typer.BadParameter(f"--{name} needs a form")
        forms[name] = value
    return forms


@glossary_app.command("check")
def glossary_check() -> None:
    """Validate the workspace's glossary files (syntax, conflicts, languages, empty targets).

    Python: polyletter.commands.glossary.check_workspace_glossary
    """
    from polyletter.commands.glossary import check_workspace_glossary

    with _in_workspace() as ws:
        paths, problems = check_workspace_glossary(ws)
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    _console().print(f"{count(len(paths), 'glossary file')} valid")


@glossary_app.command("names")
def glossary_names(
    letter: Annotated[str, typer.Argument(help="The letter's name (or the path to its master).")],
    json_output: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The names in a letter: kept from the engines (found by its structure or in the glossary) or suggested.

    A suggestion is protected in every letter with `polyletter glossary add "Name" --keep`.
    Python: polyletter.commands.glossary.letter_names
    """
    from polyletter.commands.glossary import letter_names

    with _in_workspace() as ws:
        rows = letter_names(ws, letter)
    if json_output:
        _print_json([r.to_dict() for r in rows])
        return
    from rich.table import Table

    table = Table("name", "block", "kept", "evidence")
    labels = {"letter": "yes (this letter)", "glossary": "yes (glossary)", "suggested": "no: suggested"}
    for row in rows:
        table.add_row(row.name, row.block, labels[row.status], row.evidence)
    _console().print(table)
    if any(row.status == "suggested" for row in rows):
        _console().print('To keep a suggested name in every letter: polyletter glossary add "NAME" --keep')


@glossary_app.command("import")
def glossary_import(
    file: Annotated[Path, typer.Argument(help="A CSV or TBX term base.")],
    into: Annotated[Path | None, typer.Option(help="The YAML file to create.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="csv or tbx (default: from the name).")] = None,
) -> None:
    """Import terms exported by a terminology database (CSV or TBX) as a new glossary file.

    Python: polyletter.commands.glossary.import_terms
    """
    from polyletter.commands.glossary import import_terms

    with _in_workspace() as ws:
        path, number = import_terms(ws, file, into=into, fmt=fmt)
    _console().print(f"imported {count(number, 'term')} into {path}")


@tm_app.command("stats")
def tm_stats(
    json_output: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Units in the translation memory per language pair, origin (human, review, machine, tmx) and kind.

    Python: polyletter.commands.memory.memory_stats
    """
    from polyletter.commands.memory import memory_stats

    with _in_workspace() as ws:
        stats = memory_stats(ws)
    if json_output:
        _print_json(stats.to_dict())
        return
    from rich.table import Table

    table = Table("pair", "origin", "kind", "units")
    for pair, origin, kind, units in stats.rows:
        table.add_row(pair, origin, kind, str(units))
    console = _console()
    console.print(table)
    console.print(f"{count(stats.total, 'unit')} in the translation memory")
    for path in stats.skipped:
        _warn(f"{path} could not be read and is left out of the memory")


@tm_app.command("export")
def tm_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="The .tmx file to write (or a folder).")],
    lang: Annotated[str | None, typer.Option("--lang", help="Only this target language.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Write people's translations (and imported units) as TMX 1.4b, for OmegaT, Trados or Weblate.

    Python: polyletter.commands.memory.export_memory
    """
    from polyletter.commands.memory import export_memory

    with _in_workspace() as ws:
        path, number = export_memory(ws, output, lang=lang)
    _console(quiet).print(f"wrote {count(number, 'translation unit')} to {path}")


@tm_app.command("import")
def tm_import(
    file: Annotated[Path, typer.Argument(help="A TMX file from another CAT tool or workspace.")],
    name: Annotated[str | None, typer.Option(help="Keep it as memory/NAME.tmx (default: its name).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Import a TMX: kept as memory/NAME.tmx, committed, its units reused like people's translations.

    Python: polyletter.commands.memory.import_memory
    """
    from polyletter.commands.memory import import_memory

    with _in_workspace() as ws:
        path, number = import_memory(ws, file, name=name)
    _console(quiet).print(f"imported {count(number, 'translation unit')} into {path}")


GC_THRESHOLD = (20_000, 20, 20)
"""The collector's thresholds for a command-line run (Python's are 700, 10, 10).

A run allocates its objects (tokens, findings, matches: hundreds of thousands on a long
letter) and keeps nearly all of them until it ends, so each young collection finds little to
free, and every tenth of a tenth rescans the whole heap: 8-10% of ``translate``'s own CPU on
a 170 KB letter. Fewer, larger collections free the same cycles (mypy does the same). Only
the process ``main`` starts: a library caller keeps its own settings."""


def main() -> None:
    gc.set_threshold(*GC_THRESHOLD)
    with _only_the_command_named(sys.argv[1:2]):
        app()


@contextlib.contextmanager
def _only_the_command_named(first: list[str]) -> Iterator[None]:
    """The app with only the command (or group) the first argument names, for this run.

    Typer turns every registered command into a click command at each start: about 45 ms here,
    as long as importing typer, and a run uses one of them. When the first argument names a
    command or group, the others are left out while it runs; anything else (``--help``,
    ``--version``, a typo) keeps them all, so help and "No such command" read as ever.
    """
    commands = [c for c in app.registered_commands if first and _command_name(c) == first[0]]
    groups = [g for g in app.registered_groups if first and g.name == first[0]]
    if not commands and not groups:
        yield
        return
    saved = app.registered_commands[:], app.registered_groups[:]
    app.registered_commands[:], app.registered_groups[:] = commands, groups
    try:
        yield
    finally:
        app.registered_commands[:], app.registered_groups[:] = saved


def _command_name(info: typer.models.CommandInfo) -> str:
    """The name typer gives a command: its own, or its function's with dashes."""
    return info.name or info.callback.__name__.replace("_", "-")  # type: ignore[union-attr]
