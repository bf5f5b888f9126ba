"""What a killed backup or restore leaves behind is removed at the next start (#13 finding 10): the
half-written .part backup, the work folders holding whole copies of the database, half-copied
attachments — and nothing another process is still working on. Killed with SIGKILL, on SQLite and
PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from db_helpers import database_is_postgres

from warranty_desk import workfiles
from warranty_desk.fileio import private_file
from warranty_desk.models import Project
from warranty_desk.services import attachments, backup

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")

WORKER = Path(__file__).with_name("litter_worker.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def office(db, make_project, tmp_path, monkeypatch):
    # the work folders of backups go to the system's temporary folder: one of this test's own
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", None)
    for n in range(3):
        make_project(code=f"L-{n}", notes="记录" * 2000)
    attachments.attach("project", Project.get(Project.code == "L-0").id, b"%PDF-1.4 scan", kind="scan",
                       filename="合同.pdf")
    return db


def _killed_half_way(mode: str, target: str, arg: str, tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(tmp_path / "tmp"))
    proc = subprocess.Popen([sys.executable, str(WORKER), mode, target, arg], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if line.strip() == "MID":
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, (seen, proc.stderr.read()[-2000:])


def _leftovers(tmp_path: Path, target: str) -> list[Path]:
    places = [tmp_path / "tmp", tmp_path / "data" / "backups", tmp_path / "usb"]
    if not database_is_postgres():
        places.append(Path(target).parent)
    found = []
    for place in places:
        if place.is_dir():
            found += [p for p in place.iterdir() if p.name.startswith(("wd-backup-", "wd-restore-", "."))
                      and (p.name.endswith(".part") or p.is_dir())]
    found += [p for p in attachments.attachments_dir().rglob(".restoring.*")]
    return found


def test_a_killed_backup_leaves_nothing_after_the_next_start(office, db_target, tmp_path):
    target = tmp_path / "usb" / "备份.wdbak"
    target.parent.mkdir()
    _killed_half_way("backup", db_target, str(target), tmp_path)
    left = _leftovers(tmp_path, db_target)
    assert any(p.name.endswith(".part") for p in left) and any(p.name.startswith("wd-backup-") for p in left)
    assert not target.exists()
    removed = workfiles.remove_leftovers(db_target, [target.parent], attachments.attachments_dir())
    assert set(removed) == set(left)
    assert _leftovers(tmp_path, db_target) == []


def test_a_killed_restore_leaves_nothing_after_the_next_start(office, db_target, tmp_path):
    archive = tmp_path / "good.wdbak"
    backup.backup_to(archive)
    if not database_is_postgres():
        office.close()
    _killed_half_way("restore", db_target, str(archive), tmp_path)
    left = _leftovers(tmp_path, db_target)
    assert left and any(".restoring." in p.name or p.name.startswith("wd-restore-") for p in left)
    backup.remove_leftovers(db_target)  # what the program runs at its next start
    assert _leftovers(tmp_path, db_target) == []


def test_work_in_progress_is_never_removed(tmp_path, monkeypatch):
    """A work folder or .part file that a running process holds stays, however old; an unowned work
    folder of an older version goes once it is an hour old."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with workfiles.work_dir(tmp_path, "wd-backup-") as live, private_file(tmp_path / "x.wdbak") as part:
        part.write_bytes(b"half")
        old = time.time() - 7200
        os.utime(live, (old, old))
        os.utime(part, (old, old))
        assert workfiles.remove_leftovers(None, [tmp_path]) == []
        assert live.is_dir() and part.exists()
    unowned = tmp_path / "wd-restore-abc"
    unowned.mkdir()
    (unowned / "database.sqlite3").write_bytes(b"x" * 1000)
    assert workfiles.remove_leftovers(None, [tmp_path]) == []  # young: it may be an old version's, still running
    old = time.time() - 7200
    os.utime(unowned, (old, old))
    assert workfiles.remove_leftovers(None, [tmp_path]) == [unowned]
