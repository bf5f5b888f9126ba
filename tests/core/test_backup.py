"""Backups and restore: one file brings back every record and every attachment, byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from datasafety_helpers import jpeg, png, sha, ticket_awaiting_check
from db_helpers import PG_URL, _fresh_pg_database, database_is_postgres

from warranty_desk import migrations
from warranty_desk.cli import main as cli
from warranty_desk.db import current_version, open_database
from warranty_desk.models import ALL_MODELS, Attachment, AttachmentBlob, Project, Ticket, Visit, database_proxy
from warranty_desk.services import attachments, backup, projects, settings, tickets


def everything() -> dict:
    """Every row of every table, in id order, as plain tuples — but the audit entries of the restores
    themselves (a restore writes one, after the backup's own rows: checked in test_audit_chain)."""
    rows = {m._meta.table_name: list(m.select().order_by(m._meta.primary_key).tuples()) for m in ALL_MODELS}
    rows["audit_log"] = [r for r in rows["audit_log"] if r[3] != "restore"]
    return rows


def stored_files() -> dict[str, str]:
    return {a.sha256: sha(attachments.path_of(a).read_bytes()) for a in Attachment.select()}


@pytest.fixture
def office(db, make_project):
    """Three projects, a closed ticket with the owner's signature, photos on a ticket and a project."""
    make_project(code="BK-1", name="<b>鑫苑</b> & 𠀀 小区")
    make_project(code="BK-2", type="公共建筑")
    make_project(code="BK-3")
    ticket = ticket_awaiting_check("BK-1")
    signature = png((0, 0, 0), (300, 100))
    photo = jpeg()
    tickets.attach_file(ticket.id, photo, kind="photo", filename="渗水照片.jpg")
    tickets.sign_off(ticket.id, "screen", "李业主", signature_png=signature, close=True,
                     at=dt.datetime(2026, 11, 5, 10, 0))
    attachments.attach("project", Project.get(Project.code == "BK-2").id, png((1, 2, 3)), kind="photo",
                       filename="外墙.png")
    return {"signature": signature, "photo": photo}


def test_backup_delete_restore_gives_back_everything_byte_for_byte(office, db, tmp_path):
    before = everything()
    files_before = stored_files()
    assert sha(office["signature"]) in files_before and sha(office["photo"]) in files_before
    assert len(before["visit"]) > 0 and len(before["ticket"]) == 1 and len(before["audit_log"]) > 5

    archive = tmp_path / "usb" / "保修台备份.wdbak"
    manifest = backup.backup_to(archive)
    assert manifest.counts["project"] == 3 and manifest.schema_version == migrations.latest_version()
    assert manifest.source == ("postgresql" if database_is_postgres() else "sqlite")
    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
    assert {"manifest.json", "database.sqlite3"} <= names
    assert f"attachments/{sha(office['signature'])[:2]}/{sha(office['signature'])}" in names

    # the disaster: database and attachments gone
    for path in attachments.attachments_dir().rglob("*"):
        if path.is_file():
            path.unlink()
    if database_is_postgres():
        target = _fresh_pg_database()
    else:
        target = db.database
        db.close()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(target + suffix):
                os.unlink(target + suffix)
    restored_db = open_database(target)
    assert Project.select().count() == 0

    result = backup.restore_from(archive)
    assert result.safety_backup is None  # an empty database has nothing to keep
    assert everything() == before
    assert stored_files() == files_before
    signature_row = Attachment.get(Attachment.kind == "signature")
    assert attachments.read_bytes(signature_row) == office["signature"]
    assert Ticket.get().state == "closed"
    assert "3个工程" in backup.restore_summary(result)
    # the restored database keeps working: new ids do not collide with restored ones
    project = projects.create_project({"code": "BK-4", "name": "新工程", "type": "住宅", "scale": "小型"})
    assert project.id > max(r[0] for r in before["project"])
    restored_db.close()


def test_restore_backs_up_current_data_first(office, db, tmp_path):
    archive = tmp_path / "a.wdbak"
    backup.backup_to(archive)
    projects.create_project({"code": "AFTER", "name": "备份之后新增", "type": "住宅", "scale": "小型"})
    result = backup.restore_from(archive)
    assert not Project.select().where(Project.code == "AFTER").exists()
    assert result.safety_backup is not None and str(result.safety_backup) in backup.restore_summary(result)
    if not database_is_postgres():
        # an SQLite file is kept as it was, renamed beside the database (tests/core/test_restore_keeps_file.py)
        assert result.safety_backup.name.startswith("office-before-restore-")
        assert result.safety_backup.parent == Path(db.database).parent
        con = sqlite3.connect(f"file:{result.safety_backup}?mode=ro", uri=True)
        assert con.execute("SELECT COUNT(*) FROM project WHERE code = 'AFTER'").fetchone()[0] == 1
        con.close()
        return
    assert result.safety_backup.name.endswith("-before-restore.wdbak")
    safety = backup.verify(result.safety_backup)
    assert safety.counts["project"] == 4
    # and the safety copy brings the newer data back
    backup.restore_from(result.safety_backup)
    assert Project.select().where(Project.code == "AFTER").exists()


@pytest.mark.parametrize("content", [b"", b"hello", b"PK\x03\x04 broken zip"])
def test_a_file_that_is_not_a_backup_is_refused_in_chinese(db, make_project, tmp_path, content):
    make_project(code="KEEP")
    bad = tmp_path / "照片.wdbak"
    bad.write_bytes(content)
    with pytest.raises(backup.NotABackup, match="不是保修台的备份文件"):
        backup.restore_from(bad)
    assert Project.select().where(Project.code == "KEEP").exists()


def test_a_zip_of_someone_else_is_refused(db, tmp_path):
    other = tmp_path / "other.wdbak"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"app": "OtherApp", "files": {"database.sqlite3": "x"}}))
        zf.writestr("database.sqlite3", b"x")
    with pytest.raises(backup.NotABackup, match="不是保修台的备份文件"):
        backup.read_manifest(other)
    with pytest.raises(backup.NotABackup, match="找不到备份文件"):
        backup.read_manifest(tmp_path / "none.wdbak")


def _rewrite(archive: Path, out: Path, change_db=None, change_manifest=None) -> None:
    """Copy a backup, changing its snapshot and/or manifest; hashes are kept honest unless told."""
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        parts = {n: zf.read(n) for n in zf.namelist() if n != "manifest.json"}
    if change_db:
        tmp = out.with_suffix(".sqlite3")
        tmp.write_bytes(parts["database.sqlite3"])
        con = sqlite3.connect(tmp)
        change_db(con)
        con.commit()
        con.close()
        parts["database.sqlite3"] = tmp.read_bytes()
        manifest["files"]["database.sqlite3"] = sha(parts["database.sqlite3"])
    if change_manifest:
        change_manifest(manifest)
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for name, data in parts.items():
            zf.writestr(name, data)


def test_a_damaged_backup_is_refused_and_skipped(office, db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    good = folder / "warranty-desk-20261127-180000.wdbak"
    backup.backup_to(good)
    bad = folder / "warranty-desk-20261128-180000.wdbak"
    _rewrite(good, bad, change_manifest=lambda m: m["files"].update({"database.sqlite3": "0" * 64}))
    with pytest.raises(backup.NotABackup, match="已损坏"):
        backup.verify(bad)
    with pytest.raises(backup.NotABackup):
        backup.restore_from(bad)
    path, manifest = backup.latest_good_backup(folder)
    assert path == good and manifest.counts["project"] == 3


def test_a_backup_from_a_newer_program_is_refused(office, db, tmp_path):
    archive = tmp_path / "a.wdbak"
    backup.backup_to(archive)
    newer = tmp_path / "newer.wdbak"
    _rewrite(archive, newer, change_manifest=lambda m: m.update(schema_version=99))
    with pytest.raises(backup.NotABackup, match="请先升级"):
        backup.restore_from(newer)


def test_a_backup_from_the_older_schema_is_migrated(office, db, tmp_path):
    archive = tmp_path / "a.wdbak"
    backup.backup_to(archive)

    def to_version_1(con):
        for table in ("unit", "ticket"):  # the read-indexes step (#20), first: its triggers read phone_digits
            for index in ("search", "name_gram"):
                for when in ("insert", "update", "delete"):
                    con.execute(f'DROP TRIGGER "{table}_{index}_{when}"')
                con.execute(f'DROP TABLE "{table}_{index}"')
        con.execute('DROP TABLE "search_position"')
        con.execute('DROP INDEX "visit_calendar"')
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("DROP TRIGGER audit_log_no_delete")
        con.execute("DROP TABLE attachment_blob")  # step 3
        for table in ("phone_submission", "pairing_code", "phone_device"):  # step 4
            con.execute(f"DROP TABLE {table}")
        from warranty_desk.migrations import m005_manual_facts as step5

        for column, _size in step5.PROJECT_TEXT:  # step 5
            con.execute(f'ALTER TABLE "project" DROP COLUMN "{column}"')
        con.execute('ALTER TABLE "unit" DROP COLUMN "layout"')
        con.execute('ALTER TABLE "unit" DROP COLUMN "area"')
        con.execute("DROP TABLE safety_report")  # step 6
        con.execute("DROP TRIGGER audit_log_no_replace")  # step 7
        for column in ("prev_hash", "chain_hash"):
            con.execute(f"ALTER TABLE audit_log DROP COLUMN {column}")
        for table in ("unit", "ticket"):  # step 8
            for when in ("insert", "update"):
                con.execute(f'DROP TRIGGER "{table}_phone_digits_{when}"')
            con.execute(f'DROP INDEX "{table}_phone_digits"')
            con.execute(f'ALTER TABLE "{table}" DROP COLUMN "phone_digits"')
        con.execute('DROP INDEX "unit_room"')
        con.execute('DROP INDEX "ticket_reporter"')
        con.execute("DELETE FROM schema_version WHERE version > 1")

    old = tmp_path / "v1.wdbak"
    _rewrite(archive, old, change_db=to_version_1, change_manifest=lambda m: m.update(schema_version=1))
    projects.create_project({"code": "GONE", "name": "恢复后应消失", "type": "住宅", "scale": "小型"})
    result = backup.restore_from(old)
    assert result.migrated_from == 1
    assert current_version(database_proxy.obj) == migrations.latest_version()
    assert Project.select().count() == 3
    assert "已升级" in backup.restore_summary(result)
    with pytest.raises(Exception, match="审计日志"):
        database_proxy.obj.execute_sql("DELETE FROM audit_log")


def test_backup_reports_missing_attachment_files(office, db, tmp_path):
    photo = Attachment.get(Attachment.kind == "photo", Attachment.owner_table == "project")
    attachments.path_of(photo).unlink()
    if database_is_postgres():  # the server still holds the bytes: lost only when they go there too
        AttachmentBlob.delete().where(AttachmentBlob.sha256 == photo.sha256).execute()
    manifest = backup.backup_to(tmp_path / "a.wdbak")
    assert manifest.missing_attachments == [photo.sha256]


def test_auto_backup_daily_once_close_only_after_changes_and_retention(office, db, tmp_path):
    folder = tmp_path / "auto"
    day = dt.datetime(2026, 11, 29, 9, 0)
    first = backup.auto_backup("daily", now=day, folder=folder)
    assert first is not None and first.exists()
    assert backup.auto_backup("daily", now=day.replace(hour=15), folder=folder) is None
    assert backup.auto_backup("close", now=day.replace(hour=17), folder=folder) is None  # nothing changed
    projects.create_project({"code": "NEW", "name": "新工程", "type": "住宅", "scale": "小型"})
    on_close = backup.auto_backup("close", now=day.replace(hour=18), folder=folder)
    assert on_close is not None and on_close.name.endswith("-close.wdbak")
    assert backup.verify(on_close).counts["project"] == 4
    assert backup.auto_backup("daily", now=day + dt.timedelta(days=1), folder=folder) is not None


def test_prune_keeps_14_daily_and_12_monthly(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    start = dt.datetime(2025, 1, 1, 8, 0)
    for n in range(700):  # two backups a day for almost a year
        stamp = start + dt.timedelta(hours=12 * n)
        (folder / backup._auto_name(stamp)).write_bytes(b"x")
    (folder / "my-own-file.wdbak").write_bytes(b"mine")
    now = start + dt.timedelta(hours=12 * 699)
    backup.prune(folder, now=now)
    left = backup.list_backups(folder)
    stamps = [backup._stamp_of(p) for p in left]
    days = {s.date() for s in stamps}
    newest_days = sorted(days)[-14:]
    assert len([d for d in days if d >= newest_days[0]]) == 14
    months = {(s.year, s.month) for s in stamps}
    assert len(months) == 12
    assert len(left) <= 14 + 12
    assert stamps[0] == now  # the newest is always kept
    assert (folder / "my-own-file.wdbak").exists()  # a file not named by us is never deleted


def test_backup_folder_setting(db, tmp_path):
    assert backup.backup_folder() == Path(os.environ["WARRANTY_DESK_DATA"]) / "backups"
    settings.set("backup_folder", str(tmp_path / "网络盘" / "备份"))
    assert backup.backup_folder() == tmp_path / "网络盘" / "备份"
    assert backup.backup_folder().is_dir()


def test_cli_backup_and_restore(office, db, db_target, tmp_path, capsys):
    archive = tmp_path / "cli.wdbak"
    assert cli(["--db", db_target, "backup", "-o", str(archive)]) == 0
    assert "3个工程" in capsys.readouterr().out
    assert cli(["--db", db_target, "backup", "-o", str(tmp_path / "x.txt")]) == 2
    assert ".wdbak" in capsys.readouterr().err
    nonsense = tmp_path / "nonsense.wdbak"
    nonsense.write_text("不是备份")
    assert cli(["--db", db_target, "restore", str(nonsense)]) == 2
    err = capsys.readouterr().err
    assert "不是保修台的备份文件" in err and err.count("\n") == 1
    projects.create_project({"code": "LATER", "name": "后加", "type": "住宅", "scale": "小型"})
    assert cli(["--db", db_target, "restore", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "恢复前的数据已另存为" in out
    assert not Project.select().where(Project.code == "LATER").exists()
    assert Project.select().count() == 3


@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server (WARRANTY_DESK_TEST_PG)")
def test_postgres_backup_restores_into_sqlite_and_back(office, db, tmp_path):
    before = everything()
    archive = tmp_path / "pg.wdbak"
    backup.backup_to(archive)
    lite = open_database(str(tmp_path / "lite.db"))
    backup.restore_from(archive)
    assert everything() == before
    assert Visit.select().count() == len(before["visit"])
    again = tmp_path / "lite.wdbak"
    backup.backup_to(again)
    lite.close()
    pg = open_database(_fresh_pg_database())
    backup.restore_from(again)
    assert everything() == before
    pg.close()
