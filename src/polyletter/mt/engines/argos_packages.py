"""Argos Translate model management: the library behind ``polyletter models ...``.

Installed models live where ``argostranslate`` looks for them, so a model
installed by polyletter is visible to Argos tools and vice versa. Three things
argostranslate does not do for us, and this module does:

* **Follow the environment at call time.** ``argostranslate.settings`` reads
  ``ARGOS_PACKAGES_DIR``/``XDG_*`` once, at import. Tests, and any long-lived
  process that changes workspace, need the *current* values, so the paths are
  computed here on every call and pushed into ``argostranslate.settings`` right
  before argostranslate is asked to act.
* **Refuse hostile or broken packages before touching the install.**
  ``install_from_path`` calls ``ZipFile.extractall`` on whatever it is given;
  :func:`validate_package` checks member paths, symlinks, sizes and metadata
  first.
* **Install atomically.** The package is extracted into a staging directory
  next to the packages directory, checked (metadata, SentencePiece model,
  CTranslate2 model actually load), and only then renamed into place, replacing
  an older version of the same pair. A failure at any step leaves the packages
  directory exactly as it was.

Nothing heavy is imported at module import time: listing installed models reads
``metadata.json`` files directly, and argostranslate/ctranslate2 are imported
only by the functions that install.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
import urllib.parse
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from polyletter.errors import ModelError, PackageIndexError

__all__ = [
    "DEFAULT_INDEX",
    "MAX_COMPRESSION_RATIO",
    "MAX_TOTAL_SIZE",
    "AvailableModel",
    "InstalledModel",
    "ProgressCallback",
    "available_models",
    "cache_dir",
    "find_installed",
    "index_url",
    "install_from_file",
    "install_from_index",
    "installed_models",
    "packages_dir",
    "remove_model",
    "validate_package",
]

#: The index argostranslate uses when ``ARGOS_PACKAGE_INDEX`` is not set.
DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"

#: Largest total uncompressed size accepted for one package. Real Argos models
#: are 60-300 MB unpacked; 2 GiB leaves room for large ones and still stops a
#: package from filling the disk.
MAX_TOTAL_SIZE = 2 * 1024**3

#: Largest compression ratio accepted for a member bigger than
#: :data:`RATIO_CHECK_MIN_SIZE`. Model weights barely compress (ratio ~1.1) and
#: vocabularies ~5; a ratio of 100+ on a large member is what zip bombs look like.
MAX_COMPRESSION_RATIO = 100.0

#: Members smaller than this are not ratio-checked: tiny text files can compress
#: very well and cannot do harm.
RATIO_CHECK_MIN_SIZE = 1024**2

#: Sanity cap on the number of members (a real package has fewer than 20).
MAX_MEMBERS = 10_000

#: Largest ``metadata.json`` read into memory.
MAX_METADATA_SIZE = 1024**2

#: The hint every network failure carries: the offline way to get a model.
FILE_HINT = "To install without the index, run: polyletter models install --file X.argosmodel"

_DOWNLOAD_CHUNK = 256 * 1024
_USER_AGENT = "polyletter (ArgosTranslate-compatible)"
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_TOP_RE = re.compile(r"^\w[\w.\-]{0,127}$")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")

#: Serialises installs and removals within this process. argostranslate has its
#: own ``package_lock``, but it only covers the extraction, not our staging and
#: swap, and we temporarily repoint its settings while installing.
_INSTALL_LOCK = threading.RLock()

ProgressCallback = Callable[[str, int, "int | None"], None]


@dataclass(frozen=True)
class InstalledModel:
    """A translate package unpacked in :func:`packages_dir`."""

    from_code: str
    to_code: str
    version: str
    path: Path


@dataclass(frozen=True)
class AvailableModel:
    """A translate package offered by the package index."""

    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]
    size: int | None


# --------------------------------------------------------------------------- paths


def _env(name: str) -> str | None:
    """Return a non-empty environment variable, treating "" as unset (XDG rule)."""
    value = os.environ.get(name)
    return value if value else None


def _home() -> Path:
    """Home directory as argostranslate sees it (snap packages use SNAP_USER_DATA)."""
    if "SNAP" in os.environ and _env("SNAP_USER_DATA"):
        return Path(os.environ["SNAP_USER_DATA"])
    return Path.home()


def _data_dir() -> Path:
    """``$XDG_DATA_HOME/argos-translate`` (default ``~/.local/share/argos-translate``)."""
    base = _env("XDG_DATA_HOME")
    return (Path(base) if base else _home() / ".local" / "share") / "argos-translate"


def _config_dir() -> Path:
    base = _env("XDG_CONFIG_HOME")
    return (Path(base) if base else _home() / ".config") / "argos-translate"


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/argos-translate``; note argos defaults to ``~/.local/cache``, not
    ``~/.cache``, and we follow it so downloads land where argos puts them."""
    base = _env("XDG_CACHE_HOME")
    return (Path(base) if base else _home() / ".local" / "cache") / "argos-translate"


def _setting(key: str) -> str | None:
    """An argostranslate setting: the environment first, then ``settings.json``.

    Same precedence as ``argostranslate.settings.get_setting``, so polyletter and
    Argos tools agree on where models live even when the user configured Argos
    through its JSON file.
    """
    value = _env(key)
    if value is not None:
        return value
    settings_file = _config_dir() / "settings.json"
    try:
        data = json.loads(settings_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = data.get(key) if isinstance(data, dict) else None
    return str(found) if found else None


def packages_dir() -> Path:
    """Where Argos packages are installed, computed from the environment *now*.

    ``ARGOS_PACKAGES_DIR`` (environment, then Argos's ``settings.json``), else
    ``$XDG_DATA_HOME/argos-translate/packages``, else
    ``~/.local/share/argos-translate/packages``: the rules of
    ``argostranslate.settings``, re-evaluated on each call.
    """
    configured = _setting("ARGOS_PACKAGES_DIR")
    return Path(configured) if configured else _data_dir() / "packages"


def _downloads_dir() -> Path:
    return cache_dir() / "downloads"


def _sync_argos_settings(package_dir: Path | None = None) -> Any:
    """Point the already-imported ``argostranslate.settings`` at the current dirs.

    argostranslate computes its paths once, at import; re-syncing before every
    use keeps it consistent with :func:`packages_dir` even after the
    environment changed (tests, long-lived processes). ``package_dir`` overrides
    where ``install_from_path`` extracts to (the staging directory).
    """
    from argostranslate import settings

    data_dir = _data_dir()
    downloads = _downloads_dir()
    target = package_dir if package_dir is not None else packages_dir()
    for directory in (data_dir, downloads, target):
        directory.mkdir(parents=True, exist_ok=True)
    settings.home_dir = _home()
    settings.data_dir = data_dir
    settings.config_dir = _config_dir()
    settings.settings_file = settings.config_dir / "settings.json"
    settings.cache_dir = cache_dir()
    settings.downloads_dir = downloads
    settings.package_data_dir = target
    settings.package_dirs = [target]
    settings.local_package_index = data_dir / "index.json"
    base = _index_base()
    settings.package_index = base
    settings.remote_repo = base.rstrip("/")
    settings.remote_package_index = index_url()
    return settings


# ---------------------------------------------------------------- installed models


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order versions like "1.9" < "1.10" < "2.0" without importing ``packaging``."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"[.\-_+]", version))


def _read_metadata(directory: Path) -> dict[str, Any] | None:
    """Parse ``directory/metadata.json``; ``None`` when missing or unreadable."""
    try:
        data = json.loads((directory / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _as_installed(directory: Path, metadata: dict[str, Any]) -> InstalledModel | None:
    if metadata.get("type", "translate") != "translate":
        return None
    from_code, to_code = metadata.get("from_code"), metadata.get("to_code")
    if not isinstance(from_code, str) or not isinstance(to_code, str):
        return None
    return InstalledModel(
        from_code=from_code,
        to_code=to_code,
        version=str(metadata.get("package_version", "")),
        path=directory,
    )


def installed_models() -> list[InstalledModel]:
    """List the translate packages in :func:`packages_dir`, sorted by pair and version.

    Reads each ``*/metadata.json`` directly instead of asking argostranslate,
    which is faster (no import of ctranslate2) and tolerant: directories without
    usable metadata, hidden directories and non-translate packages are skipped
    rather than raising.
    """
    root = packages_dir()
    try:
        children = [child for child in root.iterdir() if child.is_dir()]
    except OSError:
        return []
    found = []
    for child in children:
        if child.name.startswith("."):
            continue
        metadata = _read_metadata(child)
        if metadata is None:
            continue
        model = _as_installed(child, metadata)
        if model is not None:
            found.append(model)
    return sorted(found, key=lambda m: (m.from_code, m.to_code, _version_key(m.version), str(m.path)))


def find_installed(from_code: str, to_code: str) -> InstalledModel | None:
    """Return the installed model for a pair (the newest, if several), else ``None``."""
    matches = [m for m in installed_models() if (m.from_code, m.to_code) == (from_code, to_code)]
    return matches[-1] if matches else None


# ---------------------------------------------------------------- package index


def _index_base() -> str:
    base = _setting("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    return base if base.endswith("/") else base + "/"


def index_url() -> str:
    """URL of the package index's ``index.json``.

    ``ARGOS_PACKAGE_INDEX`` (environment, then Argos's ``settings.json``) names
    the index *directory*, as in argostranslate; it is normalised to end with
    "/" before ``index.json`` is appended. A value that already ends in
    ``.json`` is taken as the index file itself, a common slip that
    argostranslate would turn into ``.../index.jsonindex.json``.
    """
    configured = _setting("ARGOS_PACKAGE_INDEX")
    if configured and configured.lower().endswith(".json"):
        return configured
    return _index_base() + "index.json"


def _open_url(url: str, timeout: float) -> Any:
    """Open ``url``; urllib is imported here because it costs ~30 ms at CLI start-up."""
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    return urllib.request.urlopen(request, timeout=timeout)


def _network_errors() -> tuple[type[BaseException], ...]:
    """Exceptions a fetch can raise: URLError/HTTPError/timeouts are OSError;
    http.client adds protocol errors (IncompleteRead, BadStatusLine)."""
    import http.client

    return (OSError, ValueError, http.client.HTTPException)


def _one_line(err: BaseException) -> str:
    """``str(err)`` squeezed onto one line (CTranslate2 errors can span several)."""
    return " ".join(str(err).split()) or type(err).__name__


def _reason(err: BaseException) -> str:
    """One-line reason for a network error (urllib's are often nested)."""
    import urllib.error

    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code} {err.reason}"
    if isinstance(err, urllib.error.URLError):
        return " ".join(str(err.reason).split())
    return _one_line(err)


def _parse_index_entry(entry: Any) -> AvailableModel | None:
    if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
        return None
    from_code, to_code = entry.get("from_code"), entry.get("to_code")
    if not isinstance(from_code, str) or not isinstance(to_code, str):
        return None
    links = entry.get("links") or []
    if not isinstance(links, list):
        links = []
    size = entry.get("size")
    return AvailableModel(
        from_code=from_code,
        to_code=to_code,
        version=str(entry.get("package_version", "")),
        links=tuple(link for link in links if isinstance(link, str)),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
    )


def available_models(timeout: float = 30) -> list[AvailableModel]:
    """Fetch :func:`index_url` and return the translate packages it offers, sorted.

    Raises :class:`PackageIndexError` when the index cannot be reached (the
    message names the URL and how to install from a file instead) or is not the
    JSON list of package entries an Argos index is.
    """
    url = index_url()
    try:
        with _open_url(url, timeout) as response:
            raw = response.read()
    except _network_errors() as err:
        raise PackageIndexError(
            f"cannot reach the Argos package index at {url} ({_reason(err)}).", hint=FILE_HINT
        ) from err
    try:
        entries = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise PackageIndexError(
            f"the Argos package index at {url} is not valid JSON ({err}).",
            hint="Check ARGOS_PACKAGE_INDEX. " + FILE_HINT,
        ) from err
    if not isinstance(entries, list):
        raise PackageIndexError(
            f"the Argos package index at {url} is not a JSON list of packages.",
            hint="Check ARGOS_PACKAGE_INDEX. " + FILE_HINT,
        )
    models = [m for m in (_parse_index_entry(e) for e in entries) if m is not None]
    return sorted(models, key=lambda m: (m.from_code, m.to_code, _version_key(m.version)))


# ---------------------------------------------------------------- validation


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member must not be extracted, or ``None`` if it is safe."""
    name = info.filename
    if "\\" in name:
        return f"member {name!r} contains a backslash"
    if name.startswith("/") or _DRIVE_RE.match(name):
        return f"member {name!r} has an absolute path"
    if any(ord(char) < 32 for char in name):
        return f"member {name!r} has a control character in its name"
    if ".." in PurePosixPath(name).parts:
        return f"member {name!r} escapes the package folder with '..'"
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return f"member {name!r} is a symbolic link"
    return None


def _inspect_package(path: Path, *, max_total_size: int, max_ratio: float) -> tuple[dict[str, Any], str]:
    """Validate a package and return ``(metadata, top_level_folder_name)``."""
    path = Path(path)

    def fail(message: str) -> ModelError:
        return ModelError(message, path=path, hint="Use an .argosmodel file from the Argos index.")

    if not path.is_file():
        raise ModelError("no such file.", path=path, hint="Check the path given to --file.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise fail("is not an Argos model: not a zip archive.") from err
    with archive:
        members = archive.infolist()
        if not members:
            raise fail("is an empty zip archive, not an Argos model.")
        if len(members) > MAX_MEMBERS:
            raise fail(f"has {len(members)} members; an Argos model has a handful.")
        names: set[str] = set()
        tops: set[str] = set()
        total = 0
        for info in members:
            problem = _member_problem(info)
            if problem:
                raise fail(f"refusing to install: {problem}.")
            if info.filename in names:
                raise fail(f"refusing to install: member {info.filename!r} appears twice.")
            names.add(info.filename)
            parts = [p for p in PurePosixPath(info.filename).parts if p != "."]
            if not parts:
                raise fail(f"refusing to install: member {info.filename!r} has an empty name.")
            tops.add(parts[0])
            if len(parts) == 1 and not info.is_dir():
                raise fail(
                    f"file {info.filename!r} is outside the package folder; an Argos "
                    "model holds a single top-level folder."
                )
            total += info.file_size
            if total > max_total_size:
                raise fail(
                    f"unpacks to more than {max_total_size} bytes; refusing to install (possible zip bomb)."
                )
            if info.file_size >= min(
                RATIO_CHECK_MIN_SIZE, max_total_size
            ) and info.file_size > max_ratio * max(info.compress_size, 1):
                raise fail(
                    f"member {info.filename!r} compresses {info.file_size} bytes into "
                    f"{info.compress_size}; refusing to install (possible zip bomb)."
                )
        if len(tops) != 1:
            shown = ", ".join(sorted(tops)[:5])
            raise fail(
                f"has {len(tops)} top-level entries ({shown}); an Argos model holds a "
                "single top-level folder."
            )
        top = tops.pop()
        if not _TOP_RE.match(top):
            raise fail(f"has an unusual top-level folder name {top!r}.")
        metadata_name = f"{top}/metadata.json"
        if metadata_name not in names:
            raise fail(f"has no {metadata_name}; it is not an Argos model.")
        meta_info = archive.getinfo(metadata_name)
        if meta_info.file_size > MAX_METADATA_SIZE:
            raise fail(f"{metadata_name} is {meta_info.file_size} bytes; too large.")
        try:
            metadata = json.loads(archive.read(metadata_name).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, zipfile.BadZipFile, OSError) as err:
            raise fail(f"{metadata_name} is not valid JSON ({err}).") from err
        if not isinstance(metadata, dict):
            raise fail(f"{metadata_name} is not a JSON object.")
        for key in ("from_code", "to_code"):
            value = metadata.get(key)
            if not isinstance(value, str) or not _CODE_RE.match(value):
                raise fail(f"{metadata_name} lacks a valid {key!r}.")
        kind = metadata.get("type", "translate")
        if kind != "translate":
            raise fail(f"is a {kind!r} package; polyletter installs translate packages only.")
        if f"{top}/model/model.bin" not in names:
            raise fail(f"has no {top}/model/model.bin (the CTranslate2 model).")
        if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & names:
            raise fail(f"has no {top}/sentencepiece.model (the tokenizer).")
    return metadata, top


def validate_package(
    path: Path,
    *,
    max_total_size: int = MAX_TOTAL_SIZE,
    max_ratio: float = MAX_COMPRESSION_RATIO,
) -> dict[str, Any]:
    """Check that ``path`` is a safe, well-formed Argos translate package; return its metadata.

    Nothing is extracted. Raises :class:`ModelError` naming the file when it is
    not a zip; does not hold exactly one top-level folder; lacks
    ``<top>/metadata.json`` or that is not a JSON object with ``from_code`` and
    ``to_code``; is not a translate package or lacks ``model/model.bin`` or a
    tokenizer; has a member with an absolute path, a drive letter, a backslash,
    a ``..`` component, a control character, a duplicate name, or that is a
    symlink; or unpacks to more than ``max_total_size`` bytes or has a large
    member compressed more than ``max_ratio`` times (a zip bomb). The declared
    sizes checked here are also what ``zipfile`` enforces while extracting, so a
    lying header fails extraction instead of filling the disk.
    """
    metadata, _top = _inspect_package(path, max_total_size=max_total_size, max_ratio=max_ratio)
    return metadata


# ---------------------------------------------------------------- install / remove


def _staging_parent(root: Path) -> Path:
    """A writable directory on the same filesystem as ``root`` (so renames are atomic).

    The parent of the packages directory is preferred: a staging folder *inside*
    the packages directory would be seen (and choked on) by
    ``argostranslate.package.get_installed_packages`` while it exists.
    """
    for candidate in (root.parent, root):
        if os.access(candidate, os.W_OK):
            return candidate
    return root


def _check_unpacked(directory: Path, metadata: dict[str, Any]) -> None:
    """Load what was unpacked the way translation will: SentencePiece and CTranslate2."""
    import ctranslate2
    import sentencepiece

    sp_model = directory / "sentencepiece.model"
    if sp_model.exists():
        sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
    ctranslate2.Translator(str(directory / "model"), device="cpu", inter_threads=1, intra_threads=1)
    from argostranslate.package import Package

    package = Package(directory)
    if (package.from_code, package.to_code) != (metadata["from_code"], metadata["to_code"]):
        raise ValueError("argostranslate reads different language codes")


def _install(path: Path, expect_pair: tuple[str, str] | None = None) -> InstalledModel:
    path = Path(path)
    metadata, top = _inspect_package(path, max_total_size=MAX_TOTAL_SIZE, max_ratio=MAX_COMPRESSION_RATIO)
    pair = (metadata["from_code"], metadata["to_code"])
    if expect_pair is not None and pair != expect_pair:
        raise ModelError(
            f"holds a {pair[0]}->{pair[1]} model, but {expect_pair[0]}->{expect_pair[1]} was expected.",
            path=path,
            hint="The package index entry is wrong; report it.",
        )
    root = packages_dir()
    root.mkdir(parents=True, exist_ok=True)
    with _INSTALL_LOCK:
        staging = Path(tempfile.mkdtemp(prefix=".polyletter-install-", dir=_staging_parent(root)))
        try:
            import argostranslate.package

            _sync_argos_settings(package_dir=staging)
            try:
                argostranslate.package.install_from_path(path)
            except Exception as err:  # argostranslate raises bare Exception
                raise ModelError(
                    f"could not be unpacked ({_one_line(err)}).",
                    path=path,
                    hint="Download the package again.",
                ) from err
            unpacked = staging / top
            try:
                _check_unpacked(unpacked, metadata)
            except Exception as err:  # ctranslate2/sentencepiece raise RuntimeError & co
                raise ModelError(
                    f"is damaged: its model does not load ({_one_line(err)}).",
                    path=path,
                    hint="Download the package again.",
                ) from err
            final = root / top
            installed = _as_installed(final, metadata)
            assert installed is not None  # validated as a translate package above
            replaced = [m.path for m in installed_models() if (m.from_code, m.to_code) == pair]
            if final.exists() and final not in replaced:
                replaced.append(final)
            backups: list[tuple[Path, Path]] = []
            try:
                for old in replaced:
                    backup = staging / f".old-{len(backups)}"
                    old.rename(backup)
                    backups.append((old, backup))
                unpacked.rename(final)
            except OSError as err:
                for old, backup in reversed(backups):
                    if not old.exists():
                        backup.rename(old)
                raise ModelError(
                    f"could not be moved into {root} ({_one_line(err)}).",
                    path=path,
                    hint="Check that the directory is writable.",
                ) from err
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            _sync_argos_settings()
    return installed


def install_from_file(path: Path) -> InstalledModel:
    """Install an ``.argosmodel`` file, replacing any installed model of the same pair.

    The package is validated (:func:`validate_package`), unpacked by
    ``argostranslate.package.install_from_path`` into a staging directory, and
    its SentencePiece and CTranslate2 models are loaded once; only then is the
    old version of the pair moved aside and the new one renamed into
    :func:`packages_dir`. Any failure raises :class:`ModelError` naming the file
    and leaves the packages directory as it was.
    """
    return _install(Path(path))


def _choose(available: list[AvailableModel], from_code: str, to_code: str) -> AvailableModel:
    """The newest model for the pair; for a regional code (es-MX), its base language's (es)."""
    from polyletter.document.languages import base_lang

    for wanted in dict.fromkeys([(from_code, to_code), (base_lang(from_code), base_lang(to_code))]):
        matches = [m for m in available if (m.from_code, m.to_code) == wanted]
        if matches:
            return matches[-1]  # sorted by version: the newest
    offered = sorted({m.to_code for m in available if m.from_code == from_code})
    if offered:
        what = "it offers " + ", ".join(f"{from_code}->{code}" for code in offered)
        hint = "Pick one of those, or install a model you have with: "
    else:
        what = f"it offers nothing from {from_code!r}"
        hint = "Install a model you have with: "
    raise ModelError(
        f"the package index at {index_url()} has no {from_code}->{to_code} model; {what}.",
        hint=hint + "polyletter models install --file X.argosmodel",
    )


def _allowed_link(link: str, index: str) -> bool:
    """http(s) links always; ``file:`` links only from a ``file:`` index (a local mirror)."""
    scheme = urllib.parse.urlsplit(link).scheme.lower()
    if scheme in ("http", "https"):
        return True
    return scheme == "file" and urllib.parse.urlsplit(index).scheme.lower() == "file"


def _download(
    model: AvailableModel,
    target: Path,
    label: str,
    progress: ProgressCallback | None,
    timeout: float,
) -> str:
    """Stream the first working link of ``model`` into ``target``; return the URL used."""
    index = index_url()
    links = [link for link in model.links if _allowed_link(link, index)]
    if not links:
        raise PackageIndexError(
            f"the package index at {index} lists no usable download link for "
            f"{model.from_code}->{model.to_code}.",
            hint=FILE_HINT,
        )
    errors = []
    for link in links:
        done = 0
        try:
            with _open_url(link, timeout) as response, open(target, "wb") as out:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else model.size
                if progress:
                    progress(label, 0, total)
                while chunk := response.read(_DOWNLOAD_CHUNK):
                    done += len(chunk)
                    if done > MAX_TOTAL_SIZE:
                        raise ValueError(f"download exceeds {MAX_TOTAL_SIZE} bytes")
                    out.write(chunk)
                    if progress:
                        progress(label, done, total)
            if total is not None and done != total and length:
                raise ValueError(f"got {done} of {total} bytes")
            return link
        except _network_errors() as err:
            errors.append(f"{link}: {_reason(err)}")
    raise PackageIndexError(
        f"cannot download {model.from_code}->{model.to_code} ({'; '.join(errors)}).", hint=FILE_HINT
    )


def install_from_index(
    from_code: str,
    to_codes: Sequence[str],
    *,
    progress: ProgressCallback | None = None,
    timeout: float = 30,
) -> list[InstalledModel]:
    """Download and install ``from_code -> to`` for each of ``to_codes`` from the index.

    Every pair is looked up before anything is downloaded, so a typo fails fast
    (:class:`ModelError` naming the pair and what the index offers for
    ``from_code``). Each package is streamed in chunks into a temporary file in
    the Argos downloads directory, reporting ``progress(label, bytes_done,
    total_or_None)`` with ``label`` like ``"en->fr 1.9"``, then installed with
    :func:`install_from_file`; the temporary file is always removed. Network
    failures raise :class:`PackageIndexError` with the ``--file`` hint.
    """
    from polyletter.document.languages import lang_code, normalise_lang

    for what, code in [("FROM", from_code), *(("TO", c) for c in to_codes)]:
        if not code.strip():
            lang_code(code, what)  # refused before the index is fetched
    available = available_models(timeout=timeout)
    offered = {m.from_code for m in available} | {m.to_code for m in available}

    def code_of(code: str) -> str:
        # The index's own codes (Argos spells some its own way: pb, zt) are taken as they are;
        # a code neither it nor CLDR knows goes on to _choose, whose error lists what is offered.
        try:
            return code if code in offered else normalise_lang(code)
        except ValueError:
            return code.strip()

    source = code_of(from_code)
    targets = dict.fromkeys(code_of(code) for code in to_codes)
    picked = (_choose(available, source, to_code) for to_code in targets)
    chosen = list({(m.from_code, m.to_code): m for m in picked}.values())  # es-MX and es: one en->es
    downloads = _downloads_dir()
    downloads.mkdir(parents=True, exist_ok=True)
    results = []
    for model in chosen:
        label = f"{model.from_code}->{model.to_code} {model.version}".strip()
        handle, name = tempfile.mkstemp(
            prefix=f".translate-{model.from_code}_{model.to_code}-", suffix=".argosmodel.part", dir=downloads
        )
        os.close(handle)
        temp = Path(name)
        try:
            url = _download(model, temp, label, progress, timeout)
            try:
                results.append(_install(temp, expect_pair=(model.from_code, model.to_code)))
            except PackageIndexError:
                raise
            except ModelError as err:
                raise ModelError(
                    f"the package downloaded from {url} is unusable: {err}", hint=FILE_HINT
                ) from err
        finally:
            temp.unlink(missing_ok=True)
    return results


def remove_model(from_code: str, to_code: str) -> InstalledModel:
    """Uninstall the ``from_code -> to_code`` model (every installed version of it).

    Each directory is first renamed to a hidden name and then deleted, so an
    interrupted removal never leaves a half-deleted package that looks
    installed. Returns the newest removed model; raises :class:`ModelError` if
    the pair is not installed.
    """
    with _INSTALL_LOCK:
        pair = (from_code, to_code)
        matches = [m for m in installed_models() if (m.from_code, m.to_code) == pair]
        if not matches:
            have = ", ".join(f"{m.from_code}->{m.to_code}" for m in installed_models()) or "none"
            raise ModelError(
                f"no {from_code}->{to_code} model is installed in {packages_dir()} (installed: {have}).",
                hint="See: polyletter models list",
            )
        root = packages_dir()
        trash = Path(tempfile.mkdtemp(prefix=".polyletter-remove-", dir=_staging_parent(root)))
        try:
            for number, model in enumerate(matches):
                model.path.rename(trash / str(number))
        except OSError as err:
            raise ModelError(
                f"could not remove {from_code}->{to_code} ({err}).",
                path=root,
                hint="Check that the directory is writable.",
            ) from err
        finally:
            shutil.rmtree(trash, ignore_errors=True)
        _clear_argos_language_cache()
    return matches[-1]


def _clear_argos_language_cache() -> None:
    """Forget argostranslate's cached language list, if argostranslate.translate is loaded.

    Importing it just to clear a cache would pull in ctranslate2 and minisbd.
    """
    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:
        translate.get_installed_languages.cache_clear()
