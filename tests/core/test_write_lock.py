"""One office-wide write lock (#13 finding 1): a restore while an import runs loses nothing the import
reported as saved; a restore waits for running writers or refuses naming them; writers refuse while a
restore runs. On SQLite and PostgreSQL, with real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from db_helpers import database_is_postgres
from test_cli_errors import write_sheet

from warranty_desk import write_lock
from warranty_desk.db import open_database
from warranty_desk.models import Project, database_proxy
from warranty_desk.services import backup

WORKER = Path(__file__).with_name("lock_worker.py")
ROOT = Path(__file__).resolve().parents[2]


def _start(*args) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)


def _wait_for(proc: subprocess.Popen, prefix: str) -> list[str]:
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if line.startswith(prefix):
            return seen
    raise AssertionError(f"{prefix} never came: {seen[-5:]} {proc.stderr.read()[-3000:]}")


def _projects_in(target: str, prefix: str) -> int:
    database_proxy.obj and database_proxy.obj.close()
    db = open_database(target)
    try:
        return Project.select().where(Project.code.startswith(prefix)).count()
    finally:
        db.close()


def _projects_in_file(path: Path, prefix: str) -> int:
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT COUNT(*) FROM project WHERE code LIKE ?", (prefix + "%",)).fetchone()[0]
    finally:
        con.close()


def _projects_in_backup(path: Path, prefix: str, tmp_path: Path) -> int:
    import sqlite3
    import zipfile

    with zipfile.ZipFile(path) as zf:
        zf.extract("database.sqlite3", tmp_path / "safety")
    con = sqlite3.connect(tmp_path / "safety" / "database.sqlite3")
    try:
        return con.execute("SELECT COUNT(*) FROM project WHERE code LIKE ?", (prefix + "%",)).fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def office(db, make_project, tmp_path):
    for n in range(3):
        make_project(code=f"OLD-{n}")
    archive = tmp_path / "older.wdbak"
    backup.backup_to(archive)
    if not database_is_postgres():
        db.close()
    return archive


def test_restore_during_an_import_loses_nothing_the_import_reported_saved(office, db_target, tmp_path):
    """The import is inside its transaction when the restore starts: the restore waits for it (or, on
    a very slow machine, gives up after 30 s naming it); either way the imported rows are somewhere."""
    sheet = write_sheet(tmp_path / "big.csv", "IMP", 1500)
    importer = _start(str(WORKER), "import", db_target, str(sheet))
    _wait_for(importer, "PROGRESS")  # inside its transaction now
    restore = subprocess.run([sys.executable, "-m", "warranty_desk.cli", "--db", db_target, "restore", str(office)],
                             capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT,
                             timeout=300)
    out, err = importer.communicate(timeout=300)
    assert "Traceback" not in err + restore.stderr, (err + restore.stderr)[-3000:]
    assert importer.returncode == 0 and "DONE 1500" in out  # the import was not disturbed
    if restore.returncode == 0:
        # the data was replaced by the older backup, after a backup of the data with the import
        if database_is_postgres():
            safety = sorted(backup.backup_folder().glob("*before-restore*"))
            assert safety, restore.stdout
            assert _projects_in_backup(safety[-1], "IMP-", tmp_path) == 1500
        else:  # the file itself is kept, renamed beside the database (test_restore_keeps_file.py)
            kept = sorted(Path(db_target).parent.glob("office-before-restore-*.db"))
            assert kept and str(kept[-1]) in restore.stdout, restore.stdout
            assert _projects_in_file(kept[-1], "IMP-") == 1500
        assert _projects_in(db_target, "OLD-") == 3 and _projects_in(db_target, "IMP-") == 0
    else:
        assert restore.returncode == 2 and "正在写入" in restore.stderr and "import" in restore.stderr
        assert _projects_in(db_target, "IMP-") == 1500  # refused: nothing replaced


def test_a_writer_is_refused_while_a_restore_runs(office, db_target, tmp_path):
    restorer = _start(str(WORKER), "restore", db_target, str(office))
    _wait_for(restorer, "LOCKED")
    sheet = write_sheet(tmp_path / "one.csv", "NEW", 1)
    add = subprocess.run([sys.executable, "-m", "warranty_desk.cli", "--db", db_target, "import", "projects",
                          str(sheet)], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                         cwd=ROOT, timeout=120)
    out, err = restorer.communicate(timeout=120)
    assert restorer.returncode == 0, out + err
    assert add.returncode == 2 and "正在从备份恢复" in add.stderr and len(add.stderr.strip().splitlines()) == 1, \
        add.stderr
    assert _projects_in(db_target, "NEW-") == 0 and _projects_in(db_target, "OLD-") == 3


def test_a_restore_gives_up_on_a_long_writer_and_names_it(office, db_target, tmp_path):
    holder = _start(str(WORKER), "hold", db_target, "20")
    _wait_for(holder, "HOLDING")
    if database_is_postgres():
        open_database(db_target)
    try:
        with pytest.raises(write_lock.WritersBusy) as caught:
            backup.restore_from(office, target=db_target, wait_s=1.5)
        assert "hold" in caught.value.message and str(holder.pid) in caught.value.message
    finally:
        holder.kill()
        holder.wait()
    assert _projects_in(db_target, "OLD-") == 3  # nothing replaced


def test_the_lock_is_free_again_after_a_killed_writer(office, db_target, tmp_path):
    holder = _start(str(WORKER), "hold", db_target, "60")
    _wait_for(holder, "HOLDING")
    holder.kill()  # the OS drops its locks
    holder.wait()
    if database_is_postgres():
        open_database(db_target)
    result = backup.restore_from(office, target=db_target, wait_s=10)
    assert result.counts["project"] == 3
