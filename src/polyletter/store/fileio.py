"""Reading text safely and writing files so that a crash never leaves half a file.

Every file polyletter writes goes through :func:`write_atomic`: the bytes land
in a temporary file beside the target, are flushed to disk, and replace the
target in one ``os.replace``. A ``kill -9`` at any moment leaves either the old
file or the new one, never a truncated mix.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import tempfile
from pathlib import Path

from polyletter.errors import InputFormatError, OutputPathError, WriteError

MAX_TEXT_BYTES = 2 * 1024 * 1024
"""A letter is a few pages; anything larger is almost certainly the wrong file."""


def refuse_outside_link(path: Path, root: Path, *, what: str = "file") -> Path:
    """``path``, unless it is a symbolic link (itself or a folder on the way) leading outside ``root``.

    Whatever polyletter reads from the workspace may end up committed (a master,
    a PO, a Markdown version) or written into a letter (a glossary, a template,
    a review file): ``translations/en/pw.md -> /etc/passwd`` must not put the
    password file into Git. A file outside the workspace named directly (a
    template in ``~/Documents``) is the user's choice, unless it is a link too.
    """
    text, top = os.path.abspath(path), os.path.abspath(root)
    inside = text.startswith(top + os.sep)
    if inside and not _link_below(top, text[len(top) + 1 :]):
        return path  # no link between the workspace and the file: nothing to resolve
    absolute = Path(text)
    real_root = _resolved(top)
    if not inside and not absolute.is_symlink():
        return path
    target = absolute.resolve()
    if target == real_root or real_root in target.parents:
        return path
    shown = absolute.relative_to(os.path.abspath(root)).as_posix() if inside else str(path)
    raise InputFormatError(
        f"{what} is a symbolic link to {target}, outside the workspace",
        path=shown,
        hint="Copy the file into the workspace instead of linking to it.",
    )


def leads_outside(path: Path, root: Path) -> bool:
    """Whether :func:`refuse_outside_link` would refuse ``path``: for a caller that passes over such a
    file (a cache, an export's state) instead of stopping."""
    try:
        refuse_outside_link(path, root)
    except InputFormatError:
        return True
    return False


def _link_below(top: str, relative: str) -> bool:
    """Whether any folder or the file itself on the way from ``top`` down ``relative`` is a symbolic link.

    A few ``lstat`` calls, where resolving the whole path costs one per component from ``/``.
    """
    current = top
    for part in relative.split(os.sep):
        current = os.path.join(current, part)
        if os.path.islink(current):
            return True
    return False


class InsideReader:
    """Bytes of files in a workspace, read without ever following a link out of it.

    For a reader that touches every version's files and must stay fast (``status`` hashes them
    all for its cache): :func:`refuse_outside_link` costs a few ``lstat`` calls per file, so here
    each folder is checked once per reader and the file itself is opened with ``O_NOFOLLOW``.
    A file behind a link that leads outside is not read: its bytes are a mark naming where the
    link leads, so a cache keyed by them changes when the link does, and whoever then reads the
    file properly (``load_version``) refuses it with a message. A reader lives for one run: a
    folder replaced by a link afterwards is checked by the next one.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))
        self._folders: dict[str, bool] = {}

    def __call__(self, path: Path) -> bytes | None:
        """The file's bytes; None when there is no file (absent, or a folder)."""
        text = os.fspath(path)
        if not os.path.isabs(text) or "/." in text or "//" in text:
            text = os.path.abspath(text)  # workspace paths are absolute and clean: rarely needed
        folder = os.path.dirname(text)
        inside = self._folders.get(folder)
        if inside is None:
            inside = self._folders[folder] = self._inside(folder)
        if inside:
            try:
                fd = os.open(text, os.O_RDONLY | _NOFOLLOW)
            except (FileNotFoundError, NotADirectoryError):
                return None
            except OSError as err:
                if err.errno != errno.ELOOP:
                    raise
                inside = self._inside(text)  # the file itself is a link: followed if it stays inside
            else:
                if not _NOFOLLOW and os.path.islink(text):
                    os.close(fd)
                    inside = self._inside(text)
                else:
                    return _read_fd(fd)
        if not inside:
            return b"\0outside the workspace: " + os.fsencode(os.path.realpath(text))
        try:
            return _read_fd(os.open(text, os.O_RDONLY))
        except (FileNotFoundError, NotADirectoryError):
            return None

    def _inside(self, path: str) -> bool:
        return not leads_outside(Path(path), self.root)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


LINKED_CACHE = "the cache is a symbolic link leading elsewhere; it is not used (remove the link)"


def usable_cache_file(path: Path | None) -> Path | None:
    """``path`` unless it is a symbolic link (None stays None).

    polyletter makes its cache files itself and never as links: a link there is someone else's
    doing, and since a cache only saves time, the file is simply not used rather than read or
    written through the link. Its folder is checked by ``Workspace.cache_folder``.
    """
    if path is None or os.path.islink(path):
        return None
    return path


def _read_fd(fd: int) -> bytes | None:
    with os.fdopen(fd, "rb") as handle:
        try:
            return handle.read()
        except IsADirectoryError:
            return None


@functools.lru_cache(maxsize=64)
def _resolved(root: str) -> Path:
    """A workspace root with its links resolved: asked for every file read, the same few roots."""
    return Path(root).resolve()


def read_text(path: Path, *, limit: int = MAX_TEXT_BYTES, what: str = "file") -> str:
    """Read a UTF-8 text file, refusing binaries, other encodings and huge files.

    The message names the file and what to do, because the user usually picked
    the wrong file or saved it from a word processor in a legacy encoding.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFormatError(f"{what} not found", path=path) from None
    if size > limit:
        raise InputFormatError(
            f"{what} is {size / 1_048_576:.1f} MB, over the {limit / 1_048_576:.0f} MB limit",
            path=path,
            hint="Is this the right file? A letter is a few pages of text.",
        )
    return decode_text(path.read_bytes(), path, limit=limit, what=what)


def decode_text(data: bytes, path: Path, *, limit: int = MAX_TEXT_BYTES, what: str = "file") -> str:
    """Bytes already read from ``path`` as :func:`read_text` gives them back, with its refusals.

    For a caller that needed the bytes themselves first (``status`` hashes them), so a file is
    read once.
    """
    if len(data) > limit:
        raise InputFormatError(
            f"{what} is {len(data) / 1_048_576:.1f} MB, over the {limit / 1_048_576:.0f} MB limit",
            path=path,
            hint="Is this the right file? A letter is a few pages of text.",
        )
    if b"\x00" in data:
        raise InputFormatError(
            f"{what} is binary, not text", path=path, hint="Save it as UTF-8 plain text or Markdown."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputFormatError(
            f"{what} is not UTF-8 text (bad byte at offset {err.start})",
            path=path,
            hint="Re-save it as UTF-8.",
        ) from None
    return as_read(text)


def as_read(text: str) -> str:
    """``text`` as :func:`read_text` gives a file back: one BOM gone, every line ending ``\\n``.

    What a file polyletter wrote is compared by (the rendering digest, a committed rendering).
    """
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def text_convention(path: Path) -> tuple[str, bool]:
    """How a text file writes itself: its line ending (``"\n"`` or ``"\r\n"``) and whether it has a BOM.

    :func:`read_text` hides both (a master reads the same either way); a file
    written for that master follows them, so its author's editor sees no change.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return "\n", False
    return ("\r\n" if b"\r\n" in head else "\n"), head.startswith(b"\xef\xbb\xbf")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` in one step (temp file, fsync, rename)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise _write_error(path, err) from None
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise _write_error(path, err) from None
        raise


_TEMP_FILE = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def sweep_temp_files(folder: Path) -> list[Path]:
    """Remove what :func:`write_atomic` leaves behind when it is killed mid-write.

    Only call it while holding the workspace lock: then no write is in flight.
    """
    removed = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for path in folder.iterdir():
            if _TEMP_FILE.match(path.name) and path.is_file():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return removed


def _write_error(path: Path, err: OSError) -> WriteError:
    return WriteError(
        f"cannot write ({err.strerror or err})",
        path=path,
        hint="Free some disk space or fix the folder's permissions; the file was left as it was.",
    )


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or what a plain ``open`` would give (not mkstemp's 0600)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` atomically unless the file already holds exactly it; say if it wrote."""
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, text)
    return True


def docx_output(output: Path, default_name: str) -> Path:
    """Where ``-o OUTPUT`` puts a DOCX (see :func:`output_file`)."""
    return output_file(output, default_name, ".docx", "Word files")


def output_file(output: Path | str, default_name: str, suffix: str, kind: str) -> Path:
    """Where ``-o OUTPUT`` puts a file: into a folder under its usual name, or a file with ``suffix``.

    A folder (one that exists, or a path written with a trailing slash) gets
    ``<folder>/<default_name>``; writing the file over the folder itself would
    fail with a misleading disk error. Any other suffix is refused: a Word file
    saved as ``x.pdf`` opens nowhere, nor does a TMX saved as ``x.xml`` in a CAT tool.
    """
    text = str(output)
    path = Path(output)
    if path.is_dir() or text.endswith(("/", "\\")):
        return path / default_name
    if path.suffix.lower() != suffix:
        raise OutputPathError(
            f"polyletter writes {kind}, not {path.suffix or 'files without a suffix'}",
            path=path,
            hint=f"Name it {path.stem or 'file'}{suffix}, or give a folder.",
        )
    return path
