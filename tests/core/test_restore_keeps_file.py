"""A restore at the speed of copying the file (issue 20): the data it replaces is kept by renaming the
database file beside itself (nothing copied), a restore that fails half way puts it back, and a backup
this program made is not page-checked a second time — its bytes are proved by the hash recorded with
the check. An archive changed since, or one without that record, is refused or checked as before."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from damage import garbage_pages
from db_helpers import database_is_postgres

from warranty_desk import early_check
from warranty_desk.models import AuditLog, Project, database_proxy
from warranty_desk.services import backup, projects, verify


@pytest.fixture
def office(db, make_project, tmp_path):
    if database_is_postgres():
        pytest.skip("an SQLite file is renamed; a server keeps a backup of what it replaces (test_backup.py)")
    for n in range(30):
        make_project(code=f"K-{n:02d}", notes="回访记录" * 100)
    archive = tmp_path / "older.wdbak"
    backup.backup_to(archive)
    projects.create_project({"code": "AFTER", "name": "备份之后新增", "type": "住宅", "scale": "小型"})
    return archive


def _projects_in_file(path: Path, code: str) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT COUNT(*) FROM project WHERE code = ?", (code,)).fetchone()[0]
    finally:
        con.close()


def _beside(db) -> list[Path]:
    return sorted(Path(db.database).parent.glob("office-before-restore-*"))


def test_the_replaced_data_is_kept_beside_the_database_and_named_to_the_clerk(office, db, tmp_path):
    # the newest project is still in the -wal when the restore starts (nothing checkpointed by hand)
    result = backup.restore_from(office)
    assert not Project.select().where(Project.code == "AFTER").exists()  # the backup's data now
    kept = result.safety_backup
    assert kept is not None and kept.parent == Path(db.database).parent and kept.suffix == ".db"
    assert _beside(db) == [kept]  # one file, no -wal left beside it
    assert _projects_in_file(kept, "AFTER") == 1  # the data it replaced, whole, opened as a database
    assert str(kept) in backup.restore_summary(result)  # the clerk is told where it is
    # the restore's own entry in the (restored) audit log names it too
    entry = AuditLog.select().where(AuditLog.action == "restore").order_by(AuditLog.id.desc()).get()
    assert json.loads(entry.new)["safety_backup"] == str(kept)
    assert not list(backup.backup_folder().glob("*before-restore*"))  # no archive of it was written
    # the kept file is a sound office: the program opens it and its audit chain walks
    assert verify.chain_head_of_file(kept)[1] == []
    assert oct(os.stat(kept).st_mode & 0o777) == "0o600" or os.name == "nt"


def test_a_restore_that_fails_after_moving_the_file_puts_it_back(office, db, monkeypatch):
    path = Path(db.database)

    def fail(snapshot, file):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_replace", fail)
    with pytest.raises(OSError, match="No space"):
        backup.restore_from(office)
    assert _beside(db) == []  # put back under its own name
    reopened = database_proxy.obj
    assert reopened is not None and not reopened.is_closed() and Path(reopened.database) == path
    assert Project.select().where(Project.code == "AFTER").exists()  # nothing lost
    projects.create_project({"code": "LATER", "name": "恢复失败之后", "type": "住宅", "scale": "小型"})
    assert Project.select().where(Project.code == "LATER").exists()  # and it is writable again


def test_a_file_that_cannot_be_moved_is_left_in_place(office, db, monkeypatch):
    """Windows refuses to rename a file another program holds open: nothing is replaced, nothing lost."""
    path = Path(db.database)
    rename = os.rename

    def held_open(source, target, *args, **kwargs):
        if Path(source) == path:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return rename(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "rename", held_open)
    with pytest.raises(PermissionError):
        backup.restore_from(office)
    assert _beside(db) == []
    assert Project.select().where(Project.code == "AFTER").exists()


def test_a_backup_this_program_made_is_not_read_page_by_page_again(office, db, monkeypatch):
    checked = []
    inspect = early_check.inspect
    monkeypatch.setattr(early_check, "inspect", lambda path, quick=True: checked.append(Path(path)) or inspect(path, quick))
    manifest = backup.read_manifest(office)
    assert manifest.checked_sha256 == manifest.files["database.sqlite3"]
    backup.restore_from(office)
    assert not [p for p in checked if p.name == "database.sqlite3"]


def _repack(archive: Path, out: Path, change, *, rehash: bool, keep_record: bool = True) -> Path:
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        parts = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
    work = out.with_suffix(".sqlite3")
    work.write_bytes(parts["database.sqlite3"])
    change(work)
    parts["database.sqlite3"] = work.read_bytes()
    if rehash:  # a manifest made to match (by hand, or by another program)
        manifest["files"]["database.sqlite3"] = hashlib.sha256(parts["database.sqlite3"]).hexdigest()
        manifest["sizes"]["database.sqlite3"] = len(parts["database.sqlite3"])
    if not keep_record:  # an older release's backup: no record of a page check
        manifest.pop("checked_sha256")
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return out


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["bytes changed, hash not", "pages damaged, hash recomputed",
                                 "older release, pages damaged"])
def test_a_tampered_or_damaged_archive_is_refused_and_nothing_is_moved(office, db, tmp_path, how):
    if how == "bytes changed, hash not":
        archive = _repack(office, tmp_path / "t.wdbak", _flip_a_byte, rehash=False)
        match = "校验不符"
    else:
        archive = _repack(office, tmp_path / "t.wdbak", garbage_pages, rehash=True,
                          keep_record=how == "pages damaged, hash recomputed")
        match = "已损坏"
    with pytest.raises(backup.NotABackup, match=match):
        backup.restore_from(archive)
    assert _beside(db) == []
    assert Project.select().where(Project.code == "AFTER").exists()


def test_an_older_releases_compressed_backup_is_unpacked_checked_and_restored(office, db, tmp_path):
    """Backups before issue 20 deflated the database and recorded no page check: unpacked through zipfile
    and checked page by page, then restored as before."""
    older = tmp_path / "deflated.wdbak"
    with zipfile.ZipFile(office) as zf, zipfile.ZipFile(older, "w", zipfile.ZIP_DEFLATED) as out:
        manifest = json.loads(zf.read("manifest.json"))
        manifest.pop("checked_sha256")
        for name in zf.namelist():
            if name != "manifest.json":
                out.writestr(name, zf.read(name))
        out.writestr("manifest.json", json.dumps(manifest))
    checked = []
    inspect = early_check.inspect
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(early_check, "inspect", lambda path, quick=True: checked.append(Path(path)) or inspect(path, quick))
        result = backup.restore_from(older)
    assert [p for p in checked if p.name == "database.sqlite3"]  # its pages were read
    assert result.counts["project"] == 30 and not Project.select().where(Project.code == "AFTER").exists()
