"""The command line on a damaged file (#13 findings 2 and 6): it checks before it writes, answers in one
line with exit 2, writes nothing into the file, and a 0-byte or foreign file is refused, never reused as
a new office. `restore` replaces such a file (keeping the damaged one aside) — but never another
program's database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from damage import KINDS

from warranty_desk import cli
from warranty_desk.db import open_database
from warranty_desk.models import Project, database_proxy
from warranty_desk.services import backup, integrity

ROOT = Path(__file__).resolve().parents[2]
ADD = ["ticket", "add", "--project", "GC-2021-001", "--category", "plumbing", "--description", "卫生间漏水",
       "--reporter", "张先生"]


@pytest.fixture
def office(demo_file, tmp_path, monkeypatch):
    """A copy of the demo office and a good backup of it in the default backup folder."""
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    target = tmp_path / "office.db"
    shutil.copy(demo_file, target)
    if (demo_file.parent / "data").exists():  # the demo's signatures and scans
        shutil.copytree(demo_file.parent / "data", tmp_path / "data", dirs_exist_ok=True)
    database = open_database(str(target))
    good = backup.backup_to(tmp_path / "data" / "backups" / "warranty-desk-20261128-170000.wdbak")
    database.close()
    return target, good


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name.startswith("office.db")}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_command_line_writes_nothing_into_a_damaged_file(office, kind, capsys):
    target, _good = office
    KINDS[kind](target)
    before = _files(target.parent)
    assert cli.main(["--db", str(target), *ADD]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "office.db" in err
    expected = {"truncated": "不完整", "header": "文件头已损坏", "empty": "是空的", "pages": "已损坏",
                "foreign": "不是保修台的数据库"}[kind]
    assert expected in err
    if kind != "foreign":
        assert "warranty-desk restore" in err and "warranty-desk-20261128-170000.wdbak" in err
    after = _files(target.parent)
    assert after.keys() - before.keys() <= {"office.db-shm", "office.db-wal"}  # SQLite's read of it, at most
    assert {k: v for k, v in after.items() if k in before} == before  # not one byte written
    assert target.stat().st_size == len(before["office.db"])


def test_a_zero_byte_file_never_becomes_a_new_empty_office(office, capsys):
    target, _good = office
    KINDS["empty"](target)
    for command in (ADD, ["demo"], ["visits", "due", "--from", "2026-01-01", "--to", "2026-12-31"]):
        assert cli.main(["--db", str(target), *command]) == 2
    assert target.stat().st_size == 0
    capsys.readouterr()
    # a file that does not exist yet is a new office, as before
    fresh = target.with_name("new-office.db")
    assert cli.main(["--db", str(fresh), "visits", "due", "--from", "2026-01-01", "--to", "2026-01-02"]) == 0
    assert integrity.check_file(fresh) == []


@pytest.mark.parametrize("kind", ["truncated", "header"])
def test_no_traceback_in_a_real_process(office, kind):
    target, _good = office
    KINDS[kind](target)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "warranty_desk.cli", "--db", str(target), "project", "show",
                             "GC-2021-001"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["truncated", "header", "empty", "pages"])
def test_restore_replaces_a_damaged_file_and_keeps_it_aside(office, kind, capsys):
    target, good = office
    KINDS[kind](target)
    damaged = target.read_bytes()
    archive = target.parent / "data" / "backups" / "warranty-desk-20261128-170000.wdbak"
    assert cli.main(["--db", str(target), "restore", str(archive)]) == 0
    out = capsys.readouterr().out
    assert f"{good.counts['project']}个工程" in out and "2个附件文件" in out
    kept = sorted(target.parent.glob("office.db.damaged-*"))
    if kind == "empty":
        assert not kept  # nothing to keep
    else:
        assert kept[0].read_bytes() == damaged and "恢复前的数据已另存为" in out
    database_proxy.obj.close()
    assert integrity.check_file(target) == []
    reopened = open_database(str(target))
    assert Project.select().count() == good.counts["project"]
    reopened.close()


def test_restore_never_overwrites_another_programs_database(office, capsys):
    target, _good = office
    KINDS["foreign"](target)
    before = target.read_bytes()
    archive = target.parent / "data" / "backups" / "warranty-desk-20261128-170000.wdbak"
    assert cli.main(["--db", str(target), "restore", str(archive)]) == 2
    assert "不是保修台的数据库" in capsys.readouterr().err
    assert target.read_bytes() == before
