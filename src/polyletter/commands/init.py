"""``polyletter init``: a new workspace, committed, ready for its first letter."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from polyletter.document.languages import lang_code, lang_codes
from polyletter.errors import ConfigError, WorkspaceStateError
from polyletter.mt.engines import engine_names
from polyletter.store import history, trailers
from polyletter.store.config import CONFIG_NAME, default_config_text
from polyletter.store.fileio import refuse_outside_link, write_atomic

GITIGNORE = "# polyletter build output and caches\nexports/\n.polyletter/\n"
EXAMPLE_LETTER = "r2p-2012"


@dataclass(frozen=True)
class InitResult:
    root: Path
    created_repo: bool
    commit: str | None
    files: list[Path]
    source: str = "en"
    targets: tuple[str, ...] = ()
    engine: str = "argos"

    @property
    def next_step(self) -> str:
        """What to run next, for the engine and languages chosen (models only where Argos needs them)."""
        translate = "polyletter translate <letter>"
        if self.engine == "argos":
            return f"polyletter models install {' '.join((self.source, *self.targets))}, then {translate}"
        if self.engine == "apertium":
            pairs = ", ".join(f"{self.source}->{t}" for t in self.targets)
            return f"{translate} (Apertium needs its pairs installed: {pairs})"
        return f"set the url under [engine.{self.engine}] in polyletter.toml, then {translate}"


def init_workspace(
    directory: Path,
    *,
    source: str = "en",
    targets: Sequence[str] = ("fr", "es"),
    example: bool = False,
    engine: str = "argos",
) -> InitResult:
    """Create ``polyletter.toml``, ``glossary/``, ``translations/<source>/`` and ``.gitignore``.

    Refuses to touch a directory that already is a workspace; the repository
    is created only when ``directory`` is not inside one already.
    """
    source = lang_code(source, "--source")
    targets = lang_codes(targets, "--to")
    if engine not in engine_names():
        raise ConfigError(f"unknown engine {engine!r}", hint=f"Choose one of: {', '.join(engine_names())}.")
    if example and source != "en":
        raise WorkspaceStateError("the example letter is in English", hint="Use --source en with --example.")
    directory = Path(directory).absolute()
    config_path = directory / CONFIG_NAME
    if config_path.exists():
        raise WorkspaceStateError("already a polyletter workspace", path=config_path)
    directory.mkdir(parents=True, exist_ok=True)
    created = history.ensure_repo(directory)

    files = [config_path]
    kept = [t for t in targets if t != source]
    write_atomic(config_path, default_config_text(source, kept, engine))
    gitignore = directory / ".gitignore"
    refuse_outside_link(gitignore, directory, what=".gitignore")
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    if "exports/" not in existing:
        write_atomic(gitignore, (existing.rstrip("\n") + "\n\n" if existing else "") + GITIGNORE)
    files.append(gitignore)

    data = resources.files("polyletter") / "data"
    glossary_dir = directory / "glossary"
    glossary_dir.mkdir(exist_ok=True)
    for item in (data / "glossary").iterdir():
        target = glossary_dir / item.name
        if not target.exists():
            with resources.as_file(item) as path:
                shutil.copyfile(path, target)
        files.append(target)

    masters = directory / "translations" / source
    masters.mkdir(parents=True, exist_ok=True)
    keep = masters / ".gitkeep"
    if example:
        sample = masters / f"{EXAMPLE_LETTER}.md"
        with resources.as_file(data / "examples" / f"{EXAMPLE_LETTER}.md") as path:
            shutil.copyfile(path, sample)
        files.append(sample)
    else:
        keep.touch()
        files.append(keep)

    commit = history.commit_paths(
        directory,
        files,
        trailers.compose(
            "polyletter: new workspace",
            "Settings, glossary and the master folder.",
            [(trailers.KIND, "setup")],
        ),
    )
    return InitResult(directory, created, commit, files, source, tuple(kept), engine)
