"""Temporary files and folders of a backup or a restore, and removing those an interrupted run left.

A backup or restore works in a folder of its own (`work_dir`) that holds an ``.owner`` file locked by
the process for as long as it works; an output file is written as ``.NAME.*.part`` beside its target
(`fileio.shared_file` and `private_file`), locked the same way on POSIX. A process killed half-way leaves them behind
unlocked: `remove_leftovers` (at the next start of the program, and before every backup and restore)
deletes exactly those — never a folder or file another process is still working in. Leftovers of
older versions, which had no owner lock (``wd-backup-*`` / ``wd-restore-*`` in the system's temporary
folder), are removed once they are an hour old.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from .instance_lock import _try_lock, _unlock, locked_elsewhere

log = logging.getLogger(__name__)

OWNER = ".owner"
WORK_PREFIXES = ("wd-backup-", "wd-restore-")
RESTORING = ".restoring."
PART_SUFFIX = ".part"
UNOWNED_AGE_S = 3600  # leftovers of versions without an owner lock
PART_AGE_S = 15 * 60  # Windows: a .part not written to for this long is stale (no lock to ask)


@contextlib.contextmanager
def work_dir(parent: str | Path | None, prefix: str):
    """A fresh folder under `parent` (None: the system's temporary folder) owned by this process until
    the block ends; then it is removed with everything in it."""
    base = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    fd = os.open(path / OWNER, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _try_lock(fd)
        os.write(fd, json.dumps({"pid": os.getpid()}).encode())
        yield path
    finally:
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)
        shutil.rmtree(path, ignore_errors=True)


def hold(fd: int) -> None:
    """Mark an open output file as being written (POSIX: a lock the OS drops when the process dies)."""
    if os.name != "nt":
        _try_lock(fd)


def _owner_alive(folder: Path) -> bool | None:
    """True: a live process owns the folder; False: nobody does; None: no owner file (old version)."""
    owner = folder / OWNER
    if not owner.exists():
        return None
    return locked_elsewhere(owner) is not False  # one that cannot even be opened is left alone


def _part_stale(path: Path) -> bool:
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return False
    if os.name == "nt":
        return age > PART_AGE_S
    return locked_elsewhere(path) is False


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        return True
    except OSError as exc:
        log.warning("could not remove the leftover %s: %s", path, exc)
        return False


def _leftover_dirs(folder: Path, prefixes) -> list[Path]:
    found: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return found
    for entry in entries:
        if not entry.name.startswith(prefixes) or not entry.is_dir() or entry.is_symlink():
            continue
        alive = _owner_alive(entry)
        if alive is False:
            found.append(entry)
        elif alive is None:
            with contextlib.suppress(OSError):
                if time.time() - entry.stat().st_mtime > UNOWNED_AGE_S:
                    found.append(entry)
    return found


def remove_leftovers(database: str | Path | None = None, backup_folders=(), attachments: Path | None = None) -> list[Path]:
    """Remove what interrupted backups and restores left behind: their work folders (system temporary
    folder, beside the database file), half-written ``.part`` backups in the backup folders, half-copied
    attachment files. Returns what was removed."""
    removed: list[Path] = []
    candidates = _leftover_dirs(Path(tempfile.gettempdir()), WORK_PREFIXES)
    if database is not None and "://" not in str(database):
        db_file = Path(database).expanduser()
        candidates += _leftover_dirs(db_file.parent, (f".{db_file.name}{RESTORING}", *WORK_PREFIXES))
    for folder in backup_folders:
        folder = Path(folder)
        candidates += _leftover_dirs(folder, WORK_PREFIXES)
        with contextlib.suppress(OSError):
            candidates += [p for p in folder.glob(f".*{PART_SUFFIX}") if p.is_file() and _part_stale(p)]
    if attachments is not None and attachments.is_dir():
        with contextlib.suppress(OSError):
            for sub in attachments.iterdir():
                if sub.is_dir():
                    candidates += [p for p in sub.glob(f"{RESTORING}*") if p.is_file() and _part_stale(p)]
    for path in candidates:
        if _remove(path):
            removed.append(path)
    if removed:
        log.info("removed %d leftovers of interrupted backups or restores", len(removed))
    return removed
