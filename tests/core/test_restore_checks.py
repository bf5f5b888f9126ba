"""Restore checks the database inside a backup before anything is replaced (#13 finding 3) and refuses a
hostile backup file whole before extracting anything (#13 finding 7). On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest
from db_helpers import database_is_postgres

from warranty_desk import audit_guard, migrations
from warranty_desk.models import Project, database_proxy
from warranty_desk.services import attachments, backup


@pytest.fixture
def office(db, make_project, tmp_path):
    """Three projects and an attachment; a good backup of them."""
    for n in range(3):
        make_project(code=f"R-{n}")
    attachments.attach("project", Project.get(Project.code == "R-0").id, b"%PDF-1.4 scan", kind="scan",
                       filename="合同.pdf")
    archive = tmp_path / "good.wdbak"
    backup.backup_to(archive)
    return archive


def _unpack(archive: Path, folder: Path) -> tuple[dict, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(folder)
        manifest = json.loads(zf.read("manifest.json"))
    return manifest, folder / "database.sqlite3"


def _pack(archive: Path, folder: Path, manifest: dict, *, rehash: bool = True) -> Path:
    """A backup file from an unpacked folder, the manifest's hashes and sizes made to match (a valid
    manifest around whatever the folder holds)."""
    if rehash:
        for name in list(manifest["files"]):
            data = (folder / name).read_bytes()
            manifest["files"][name] = hashlib.sha256(data).hexdigest()
            manifest.setdefault("sizes", {})[name] = len(data)
    with zipfile.ZipFile(archive, "w") as zf:
        for name in manifest["files"]:
            zf.write(folder / name, name)
        zf.writestr("manifest.json", json.dumps(manifest))
    return archive


def _office_unchanged(projects_before: int) -> None:
    assert Project.select().count() == projects_before


def _tamper(office: Path, tmp_path: Path, sql: list[str]) -> Path:
    manifest, snapshot = _unpack(office, tmp_path / "x")
    con = sqlite3.connect(snapshot)
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()
    return _pack(tmp_path / "tampered.wdbak", tmp_path / "x", manifest)


# --- 3: the database inside --------------------------------------------------------------------------

def test_a_database_of_schema_version_99_is_refused_before_anything_is_replaced(office, db, tmp_path):
    archive = _tamper(office, tmp_path, ["INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01')"])
    backup.verify(archive)  # the manifest and hashes are valid: only the database inside tells
    before = Project.select().count()
    with pytest.raises(backup.NotABackup, match="更新版本|版本 99"):
        backup.restore_from(archive)
    _office_unchanged(before)
    assert not list(backup.backup_folder().glob("*before-restore*"))  # refused before the safety backup too


def test_a_database_that_is_not_ours_is_refused(office, db, tmp_path):
    manifest, snapshot = _unpack(office, tmp_path / "x")
    snapshot.unlink()
    con = sqlite3.connect(snapshot)
    con.execute("CREATE TABLE foo (x)")
    con.commit()
    con.close()
    archive = _pack(tmp_path / "foo.wdbak", tmp_path / "x", manifest)
    before = Project.select().count()
    with pytest.raises(backup.NotABackup, match="不是保修台的数据库"):
        backup.restore_from(archive)
    _office_unchanged(before)


def test_a_database_missing_a_column_is_refused(office, db, tmp_path):
    archive = _tamper(office, tmp_path, ['ALTER TABLE project DROP COLUMN "manager"'])
    with pytest.raises(backup.NotABackup, match="project.manager"):
        backup.restore_from(archive)


def test_counts_are_counted_in_the_restored_database_not_taken_from_the_manifest(office, db, tmp_path):
    manifest, _snapshot = _unpack(office, tmp_path / "x")
    manifest["counts"]["project"] = 29  # the manifest says 29, the database holds 3
    archive = _pack(tmp_path / "lying.wdbak", tmp_path / "x", manifest)
    result = backup.restore_from(archive)
    assert result.counts["project"] == 3
    assert "3个工程" in backup.restore_summary(result) and "29个工程" not in backup.restore_summary(result)


def test_a_backup_whose_guards_were_dropped_is_guarded_again_after_restore(office, db, tmp_path):
    names = list(audit_guard.SQLITE)
    archive = _tamper(office, tmp_path, [f"DROP TRIGGER {n}" for n in names])
    result = backup.restore_from(archive)
    restored = database_proxy.obj
    if not database_is_postgres():
        assert sorted(result.guards_restored) == sorted(names)
        assert "重新加上" in backup.restore_summary(result)
    assert audit_guard.missing(restored) == []
    with pytest.raises(Exception, match="审计日志"):
        with restored.atomic():
            restored.execute_sql("DELETE FROM audit_log")


# --- 7: hostile archives ---------------------------------------------------------------------------

def _hostile(tmp_path: Path, office: Path, name: str, data: bytes = b"x", *, info: zipfile.ZipInfo | None = None,
             list_it: bool = True, declare: bool = True) -> Path:
    """The good backup plus one more entry (listed in the manifest with its true hash)."""
    manifest, _snapshot = _unpack(office, tmp_path / "h")
    if not declare:
        manifest.pop("sizes", None)
    archive = tmp_path / "hostile.wdbak"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry in manifest["files"]:
            zf.write(tmp_path / "h" / entry, entry)
        zf.writestr(info or zipfile.ZipInfo(name), data)
        if list_it:
            manifest["files"][name] = hashlib.sha256(data).hexdigest()
            if declare:
                manifest["sizes"][name] = len(data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return archive


def _nothing_written(tmp_path: Path) -> None:
    for bad in ("evil.txt", "etc-evil"):
        assert not (tmp_path / bad).exists() and not Path("/tmp", bad).exists()


@pytest.mark.parametrize("name", ["../evil.txt", "attachments/../../evil.txt", "/tmp/etc-evil", "attachments\\..\\evil.txt",
                                  "C:/evil.txt", "notes.txt", "attachments/ab/" + "cd" * 32])
def test_entries_outside_their_folder_or_unknown_refuse_the_whole_file(office, db, tmp_path, name):
    archive = _hostile(tmp_path, office, name)
    before = Project.select().count()
    with pytest.raises(backup.NotABackup, match="整个文件都不使用"):
        backup.verify(archive)
    with pytest.raises(backup.NotABackup):
        backup.restore_from(archive)
    _office_unchanged(before)
    _nothing_written(tmp_path)


def test_a_symlink_entry_refuses_the_whole_file(office, db, tmp_path):
    sha = "ab" * 32
    info = zipfile.ZipInfo(f"attachments/ab/{sha}")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _hostile(tmp_path, office, info.filename, b"/etc/passwd", info=info)
    with pytest.raises(backup.NotABackup, match="不是普通文件"):
        backup.verify(archive)


def test_an_entry_not_in_the_manifest_refuses_the_whole_file(office, db, tmp_path):
    archive = _hostile(tmp_path, office, "attachments/ab/" + "ab" * 32, b"extra", list_it=False)
    with pytest.raises(backup.NotABackup, match="不在它的清单中"):
        backup.verify(archive)


@pytest.mark.parametrize("declare", [True, False])
def test_a_huge_entry_in_a_small_file_is_refused_before_it_is_written_out(office, db, tmp_path, declare):
    """256 MiB of zeros packed into a few hundred kB: more than the manifest declares (or, in a backup of
    an older version that declared no sizes, than an attachment may be) — refused, nothing unpacked."""
    manifest, _snapshot = _unpack(office, tmp_path / "h")
    name = next(n for n in manifest["files"] if n.startswith("attachments/"))
    archive = tmp_path / "bomb.wdbak"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry in manifest["files"]:
            if entry != name:
                zf.write(tmp_path / "h" / entry, entry)
        with zf.open(name, "w", force_zip64=True) as out:
            chunk = bytes(1 << 20)
            for _ in range(256):
                out.write(chunk)
        if not declare:
            manifest.pop("sizes", None)
        zf.writestr("manifest.json", json.dumps(manifest))
    assert archive.stat().st_size < 2 * 1024 * 1024
    attachments_before = sorted(p.name for p in attachments.attachments_dir().rglob("*") if p.is_file())
    with pytest.raises(backup.NotABackup, match="超过清单所写的"):
        backup.restore_from(archive)
    assert sorted(p.name for p in attachments.attachments_dir().rglob("*") if p.is_file()) == attachments_before
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.stat().st_size > 100 * 1024 * 1024]


def test_a_newer_format_is_refused_for_that_reason(office, db, tmp_path):
    manifest, _snapshot = _unpack(office, tmp_path / "x")
    manifest["format"] = 2
    archive = _pack(tmp_path / "format2.wdbak", tmp_path / "x", manifest)
    with pytest.raises(backup.NotABackup) as caught:
        backup.verify(archive)
    assert "格式（第 2 版）" in caught.value.message and "数据版本" not in caught.value.message


def test_the_manifest_may_not_disagree_with_the_database_inside(office, db, tmp_path):
    manifest, _snapshot = _unpack(office, tmp_path / "x")
    manifest["schema_version"] = migrations.latest_version() - 1
    archive = _pack(tmp_path / "disagree.wdbak", tmp_path / "x", manifest)
    with pytest.raises(backup.NotABackup, match="改动过"):
        backup.restore_from(archive)


def test_no_work_files_are_left_after_a_refused_restore(office, db, tmp_path):
    archive = _tamper(office, tmp_path, ["INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01')"])
    with pytest.raises(backup.NotABackup):
        backup.restore_from(archive)
    if not database_is_postgres():
        folder = Path(backup.db_path(database_proxy.obj)).parent
        assert not [p for p in folder.iterdir() if ".restoring." in p.name]
    shutil.rmtree(tmp_path / "x", ignore_errors=True)
