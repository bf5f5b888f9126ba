"""Writing files: never half-written, and readable by the right people.

Two kinds of file, one helper each:

- `shared_file(target)`: what the office hands on — printed PDFs, exported .xlsx, the .ics calendar,
  import templates. Created like any file the user saves (0666 less the umask: -rw-r--r-- under the
  usual umask 022), so a colleague can open it from a shared folder.
- `private_file(target)`: what holds the office's data — backups, this PC's config file. Owner only
  (0600) whatever the umask.

Files another program writes (the SQLite database and its -wal/-shm, written by SQLite itself) are
made owner-only with `make_private`; the folder the office's data lives in is created owner-only by
`private_folder`. On Windows the modes mean nothing (the user's profile folder is private already);
there the helpers only write atomically.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from pathlib import Path

SHARED_MODE = 0o666  # less the umask, by the operating system, as for any file the user saves
PRIVATE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700


def _new_part(target: Path, mode: int) -> Path:
    """A new, empty temporary file beside `target` (same folder: the final rename is atomic), created
    with `mode` (the umask applies, as to any new file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(100):
        part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            os.close(os.open(part, flags, mode))
        except FileExistsError:
            continue
        return part
    raise FileExistsError(target)


@contextlib.contextmanager
def _atomic(target: str | Path, mode: int, exact: bool):
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = _new_part(target, mode)
    held = None
    if os.name != "nt":  # held while written: one a killed process left is known as such (workfiles)
        from .workfiles import hold

        held = os.open(part, os.O_RDONLY)
        hold(held)
    try:
        yield part
        if exact and os.name != "nt":
            os.chmod(part, mode)  # whatever the umask (and a writer that re-created the file)
        os.replace(part, target)
    finally:
        if held is not None:
            os.close(held)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part)


def shared_file(target: str | Path):
    """Yield a temporary path beside `target`; on success it replaces `target` in one step. The file
    is readable as the umask allows (a document the office hands on)."""
    return _atomic(target, SHARED_MODE, exact=False)


def private_file(target: str | Path):
    """Yield a temporary path beside `target`; on success it replaces `target` in one step. The file
    is readable and writable by its owner only (the office's data)."""
    return _atomic(target, PRIVATE_MODE, exact=True)


def make_private(*paths: str | Path) -> None:
    """Take every right of group and others away from the files that exist among `paths` (the owner
    keeps what it has: a read-only file stays read-only). Missing files are skipped; a file this user
    may not change, e.g. on a network share, is left as it is."""
    if os.name == "nt":
        return
    for path in paths:
        with contextlib.suppress(FileNotFoundError, PermissionError):
            mode = stat.S_IMODE(os.stat(path).st_mode)
            if mode & 0o077:
                os.chmod(path, mode & 0o700)


def private_folder(path: str | Path) -> Path:
    """Create the folder (and its parents) if missing; a folder this creates is owner-only. An
    existing folder is left as it is (the office may have chosen who shares it)."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    return path


def sha256_of(path: str | Path) -> str:
    """The file's SHA-256 (hex), read in 1 MB pieces: backups and `verify` compare files by it."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
