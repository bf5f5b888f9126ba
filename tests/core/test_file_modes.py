"""Who can read what the program writes (POSIX): the papers the office hands on (PDF, .xlsx, .ics,
import templates) follow the umask like any saved file, so a colleague can open them from a shared
folder; what holds the office's data (database and its -wal/-shm, backups, attachments, this PC's
config) is owner-only whatever the umask."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path

import pytest

from warranty_desk.cli import main
from warranty_desk.models import Project

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


@pytest.fixture
def umask():
    """Run with a chosen umask, restored afterwards."""
    old = os.umask(0o022)
    try:
        yield lambda value: os.umask(value)
    finally:
        os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _readable_by_others(path) -> bool:
    return bool(_mode(path) & stat.S_IROTH)


def _shared_outputs(target: Path, out: Path) -> list[Path]:
    code = Project.select().order_by(Project.id).first().code
    files = {
        "certificate": out / "保修书.pdf", "cards": out / "保修卡.pdf", "ledger": out / "台账.xlsx",
        "ics": out / "回访.ics", "template": out / "导入模板.xlsx",
    }
    runs = [
        ["print", "certificate", code, "-o", str(files["certificate"])],
        ["print", "cards", code, "-o", str(files["cards"])],
        ["export", "ledger", "-o", str(files["ledger"])],
        ["visits", "ics", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(files["ics"])],
        ["import", "template", str(files["template"])],
    ]
    for args in runs:
        assert main(["--db", str(target), *args]) == 0, args
    from warranty_desk.services.annual_plan import export_xlsx

    files["plan"] = out / "年度回访计划.xlsx"
    export_xlsx(2026, files["plan"])
    return list(files.values())


def test_exports_follow_the_umask_and_office_data_is_owner_only(demo_file, tmp_path, monkeypatch, umask):
    import shutil

    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "config"))
    target = tmp_path / "office.db"
    shutil.copy(demo_file, target)
    os.chmod(target, 0o644)  # as an earlier version left it: world-readable
    out = tmp_path / "shared"
    out.mkdir()

    for path in _shared_outputs(target, out):
        assert path.stat().st_size > 0
        assert _mode(path) == 0o644, path.name  # a colleague can open it

    # the database and its companions: owner-only, however it was before
    from warranty_desk.db import open_database
    from warranty_desk.services import attachments, backup
    from warranty_desk.services.tickets import create_ticket

    db = open_database(str(target))
    code = Project.select().order_by(Project.id).first().code
    intake = create_ticket({"project": code, "reporter": "李业主", "phone": "13911112222", "channel": "电话",
                            "location": "卫生间", "category": "wet_room_waterproofing", "description": "渗水",
                            "urgency": "一般", "reported_at": dt.datetime(2026, 11, 2, 9, 0)})
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{target}{suffix}")
        assert path.exists() and _mode(path) == 0o600, suffix
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    png = buf.getvalue()
    att = attachments.attach("ticket", intake.ticket.id, png, kind="photo", filename="照片.png")
    assert not _readable_by_others(attachments.path_of(att))

    wdbak = tmp_path / "shared" / "备份.wdbak"
    backup.backup_to(wdbak)
    assert _mode(wdbak) == 0o600
    assert main(["--db", str(target), "backup", "-o", str(out / "cli.wdbak")]) == 0
    assert _mode(out / "cli.wdbak") == 0o600
    db.close()

    from warranty_desk import config

    assert _mode(config.save({"language": "zh_CN"})) == 0o600

    # a new database file, made under the usual umask
    fresh = tmp_path / "new" / "fresh.db"
    db = open_database(str(fresh))
    db.execute_sql("CREATE TABLE t (x)")
    assert _mode(fresh) == 0o600
    assert not any(_readable_by_others(p) for p in fresh.parent.glob("fresh.db*"))
    db.close()


def test_shared_files_follow_a_strict_umask(demo_db, tmp_path, umask):
    umask(0o077)  # an office that shares nothing: the exports are the user's own too
    out = tmp_path / "out"
    out.mkdir()
    for path in _shared_outputs(Path(demo_db.database), out):
        assert _mode(path) == 0o600, path.name


def test_a_read_only_database_stays_read_only(tmp_path, monkeypatch, umask):
    """Owner-only takes rights away from others; it never gives the owner a right it did not have."""
    from warranty_desk.fileio import make_private

    path = tmp_path / "archived.db"
    path.write_bytes(b"x")
    os.chmod(path, 0o444)
    make_private(path)
    assert _mode(path) == 0o400


def test_a_failed_write_leaves_nothing(tmp_path, umask):
    from warranty_desk.fileio import private_file, shared_file

    for helper in (shared_file, private_file):
        target = tmp_path / f"{helper.__name__}.txt"
        target.write_text("old")
        with pytest.raises(RuntimeError), helper(target) as part:
            part.write_text("half")
            raise RuntimeError("disk full")
        assert target.read_text() == "old"
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_every_output_uses_one_of_the_two_helpers():
    """No module writes an output file with its own temp-file-and-chmod code (the bug this issue
    found: exports made -rw------- by mkstemp); the two helpers of warranty_desk.fileio serve all."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for folder in ("warranty_desk", "ui"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name == "fileio.py":
                continue
            for needle in ("atomic_path", "os.umask(", "os.chmod("):
                if needle in text:
                    offenders.append(f"{path.relative_to(root)}: {needle}")
    assert offenders == []
