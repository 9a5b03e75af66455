"""Git as the record of every version: commits that hold only polyletter's files.

Commits are built on a private index (``GIT_INDEX_FILE``) seeded from HEAD, so
whatever the user has staged or modified elsewhere is neither committed nor
disturbed. The branch moves with ``update-ref`` against the old HEAD, so a
concurrent change fails loudly instead of being overwritten.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from polyletter.errors import GitError

FALLBACK_IDENTITY = ("polyletter", "polyletter@localhost")

NO_IDENTITY = (
    "git has no user.name/user.email here, so commits are authored "
    f"'{FALLBACK_IDENTITY[0]} <{FALLBACK_IDENTITY[1]}>' and hand edits recorded as by 'unknown'; "
    'set yours with: git config --global user.name "Your Name" && '
    'git config --global user.email "you@example.org"'
)
_notices: list[str] = []
"""What this process should tell the user once, as git does (read and cleared by :func:`take_notices`)."""


def take_notices() -> list[str]:
    """The notices gathered so far (each once), cleared: the CLI prints them on stderr."""
    out = list(dict.fromkeys(_notices))
    _notices.clear()
    return out


def _repo(root: Path):
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(
            f"{root}: not inside a git repository", hint="Run `git init` or `polyletter init` there."
        ) from None


def ensure_repo(root: Path) -> bool:
    """Make ``root`` a git repository unless it is inside one; say whether one was created."""
    import git

    try:
        git.Repo(root, search_parent_directories=True)
        return False
    except git.InvalidGitRepositoryError:
        git.Repo.init(root, initial_branch="main")
        return True


def ensure_ready(root: Path) -> None:
    """Refuse to commit in a repository in the middle of something else.

    A commit made during a merge, rebase or cherry-pick, or on a detached
    HEAD, would land where the user does not expect it.
    """
    repo = _repo(root)
    git_dir = Path(repo.git_dir)
    for marker, what in (
        ("MERGE_HEAD", "a merge"),
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("REVERT_HEAD", "a revert"),
    ):
        if (git_dir / marker).exists():
            raise GitError(
                f"{what} is in progress in this repository",
                path=repo.working_tree_dir,
                hint="Finish or abort it (git status says how), then run again.",
            )
    if repo.head.is_detached:
        raise GitError(
            "HEAD is detached, so a commit would belong to no branch",
            path=repo.working_tree_dir,
            hint="Check out a branch (git switch main), then run again.",
        )


def head(root: Path) -> str | None:
    """The commit HEAD points at, or None in a repository with no commits yet."""
    repo = _repo(root)
    try:
        return repo.head.commit.hexsha
    except ValueError:
        return None


def last_commit_of(root: Path, path: Path) -> str | None:
    """The newest commit that touched ``path``, or None if it was never committed."""
    repo = _repo(root)
    if head(root) is None:
        return None
    sha = repo.git.log("-1", "--format=%H", "--", str(path))
    return sha or None


def blob_id(root: Path, path: Path) -> str:
    """Git's object id of a file's current bytes (what it would be if committed now)."""
    return _repo(root).git.hash_object(str(path))


def user_identity(root: Path) -> str | None:
    """``Name <email>`` of whoever runs polyletter, as git knows them."""
    repo = _repo(root)
    reader = repo.config_reader()
    name = os.environ.get("GIT_AUTHOR_NAME") or reader.get_value("user", "name", default="")
    email = os.environ.get("GIT_AUTHOR_EMAIL") or reader.get_value("user", "email", default="")
    if not name:
        return None
    return f"{name} <{email}>" if email else str(name)


def editor_of(root: Path, path: Path) -> str | None:
    """Who made the edits in ``path``: the user if they are uncommitted, else its last author."""
    repo = _repo(root)
    rel = Path(os.path.abspath(path)).relative_to(Path(repo.working_tree_dir)).as_posix()
    if head(root) is None or repo.git.status("--porcelain", "--", rel):
        return user_identity(root)
    author = repo.git.log("-1", "--format=%an <%ae>", "--", rel)
    return author or user_identity(root)


def committed_text(root: Path, path: Path) -> str | None:
    """A file's text as HEAD has it, or None when HEAD does not have it.

    One ``git cat-file`` (no GitPython: ``status`` asks this in worker processes, where importing
    it would cost more than the answer).
    """
    rel = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(root), "cat-file", "blob", f"HEAD:./{rel}"], capture_output=True, check=False
        )
    except FileNotFoundError:
        raise GitError("git is not installed", hint="Install git and run again.") from None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def last_committed_text(root: Path, path: Path) -> tuple[str, str] | None:
    """``(commit, text)`` of ``path`` in the newest commit that had it, even if it was deleted since.

    What a deleted PO is recovered from, so its human translations are not lost.
    """
    rel = Path(os.path.abspath(path)).relative_to(root).as_posix()
    if resolve(root, "HEAD") is None:
        return None
    newest = git_read(root, "log", "-1", "--format=%H", "--", rel).strip()
    if not newest:
        return None
    for commit in (newest, f"{newest}^"):  # the newest commit may be the one that deleted it
        if resolve(root, f"{commit}:./{rel}") is not None:
            return git_read(root, "rev-parse", commit).strip(), git_read(root, "show", f"{commit}:./{rel}")
    return None


def committed_blob(root: Path, path: Path) -> str | None:
    """The object id of ``path`` as HEAD has it, or None if HEAD does not have it."""
    import git

    repo = _repo(root)
    rel = Path(os.path.abspath(path)).relative_to(Path(repo.working_tree_dir)).as_posix()
    try:
        return repo.git.rev_parse(f"HEAD:{rel}")
    except git.GitCommandError:
        return None


def _identity_env(repo) -> dict[str, str]:
    """Author and committer for commit-tree; a fallback only where git has none configured."""
    env: dict[str, str] = {}
    reader = repo.config_reader()
    name = reader.get_value("user", "name", default="") or ""
    email = reader.get_value("user", "email", default="") or ""
    for role in ("AUTHOR", "COMMITTER"):
        if not (os.environ.get(f"GIT_{role}_NAME") or name):
            env[f"GIT_{role}_NAME"] = FALLBACK_IDENTITY[0]
        if not (os.environ.get(f"GIT_{role}_EMAIL") or email):
            env[f"GIT_{role}_EMAIL"] = FALLBACK_IDENTITY[1]
    if "GIT_AUTHOR_NAME" in env or "GIT_AUTHOR_EMAIL" in env:
        _notices.append(NO_IDENTITY)
    return env


@contextlib.contextmanager
def _private_index(repo) -> Iterator[dict[str, str]]:
    folder = tempfile.mkdtemp(prefix="polyletter-index-")
    try:
        yield {"GIT_INDEX_FILE": os.path.join(folder, "index")}
    finally:
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)


def refresh_index(root: Path, paths: Sequence[Path]) -> None:
    """Set the user's index to HEAD for ``paths``.

    A run killed between moving the branch and refreshing the index leaves
    the index behind HEAD; the next run puts it right even when it has
    nothing to commit.
    """
    repo = _repo(root)
    if head(root) is None:
        return
    top = Path(repo.working_tree_dir)
    rels = [Path(os.path.abspath(p)).relative_to(top).as_posix() for p in paths]
    repo.git.reset("-q", "--", *rels)


def commit_paths(
    root: Path,
    paths: Sequence[Path],
    message: str,
    *,
    author: str | None = None,
) -> str | None:
    """Commit exactly ``paths`` (as they are on disk) on top of HEAD; None if nothing differs.

    Deleted paths are removed from the commit. The user's own index is then
    refreshed for these paths only, so ``git status`` shows them clean.
    """
    import git

    repo = _repo(root)
    top = Path(repo.working_tree_dir)
    rels = [Path(os.path.abspath(p)).relative_to(top).as_posix() for p in paths]
    parent = head(root)
    try:
        with _private_index(repo) as env:
            if parent is not None:
                repo.git.read_tree(parent, env=env)
            present = [r for r in rels if (top / r).exists()]
            missing = [r for r in rels if not (top / r).exists()]
            if present:
                repo.git.add("--", *present, env=env)
            if missing:
                repo.git.rm("--cached", "--ignore-unmatch", "-q", "--", *missing, env=env)
            tree = repo.git.write_tree(env=env)
            if parent is not None and tree == repo.git.rev_parse(f"{parent}^{{tree}}"):
                refresh_index(root, paths)
                return None
            commit_env = {**env, **_identity_env(repo)}
            args = ["-p", parent] if parent else []
            if author:
                name, _, email = author.partition("<")
                commit_env["GIT_AUTHOR_NAME"] = name.strip()
                commit_env["GIT_AUTHOR_EMAIL"] = email.rstrip(">").strip() or FALLBACK_IDENTITY[1]
            message_file = Path(env["GIT_INDEX_FILE"]).with_name("message")
            message_file.write_text(message, encoding="utf-8")
            sha = repo.git.commit_tree(tree, *args, "-F", str(message_file), env=commit_env)
            ref = repo.head.ref.path if not repo.head.is_detached else "HEAD"
            repo.git.update_ref("-m", "polyletter: commit", ref, sha, parent or "0" * 40)
        repo.git.reset("-q", "--", *rels)
        return sha
    except git.GitCommandError as err:
        detail = (err.stderr or str(err)).strip().splitlines()
        raise GitError(f"git failed: {detail[-1] if detail else err}", path=top) from None


# --------------------------------------------------------------------------
# Read-only helpers for status, log, diff and release: plain ``git`` subprocesses,
# so a read-only command need not import gitpython (~70 ms) nor start one git per file.
# --------------------------------------------------------------------------


def git_read(root: Path, *args: str, ok_codes: tuple[int, ...] = (0,)) -> str:
    """Run a read-only git command in ``root``; its stdout as text (UTF-8, bad bytes replaced).

    A failure becomes a one-line :class:`GitError`; ``ok_codes`` lists the exit
    codes that are answers rather than failures (``rev-parse --verify -q`` says
    "no" with 1).
    """
    import subprocess

    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed", hint="Install git and run again.") from None
    if done.returncode not in ok_codes:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[-1] if detail else done.returncode}", path=root)
    return done.stdout.decode("utf-8", "replace")


def resolve(root: Path, rev: str) -> str | None:
    """The commit (or object) id ``rev`` names, or None when it names nothing (no commits yet)."""
    out = git_read(root, "rev-parse", "-q", "--verify", rev, ok_codes=(0, 1, 128))
    return out.strip() or None


def repo_prefix(root: Path) -> str:
    """Where ``root`` sits inside its repository ("" at the top, else ``sub/dir/``).

    Git prints paths relative to the repository's top in porcelain output; a
    workspace may be a sub-folder of a larger repository.
    """
    return git_read(root, "rev-parse", "--show-prefix").strip()


def identity_env(root: Path) -> dict[str, str]:
    """Environment that gives git an author, committer and tagger where none is configured."""
    return _identity_env(_repo(root))
