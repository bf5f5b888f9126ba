"""Every error a user can cause or meet ends in one line in the clerk's language and exit 2, never a
traceback, never a password (#13 findings 5, 8 and the message half of 12); a contended save on SQLite
waits (BEGIN IMMEDIATE) and ends saved or "正在被占用，请稍后再试", never the driver's text."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from db_helpers import PG_URL, database_is_postgres

from warranty_desk import cli
from warranty_desk import db as db_module
from warranty_desk.errors import DatabaseBusy, ValidationError
from warranty_desk.models import Project, database_proxy

ROOT = Path(__file__).resolve().parents[2]
HEADERS = ["工程编号", "工程名称", "建设单位", "工程类型", "工程规模", "竣工验收日期", "交付日期", "采暖地区"]


def write_sheet(path: Path, prefix: str, rows: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for n in range(rows):
            w.writerow([f"{prefix}-{n:05d}", f"导入工程{n}", f"建设单位{n % 40}", "住宅", "中型", "2024-06-15",
                        "2024-07-01", "北京"])
    return path


def run_cli(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    environment = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    environment.pop("WARRANTY_DESK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "warranty_desk.cli", *args], capture_output=True, text=True,
                          env=environment, cwd=ROOT, timeout=300, **kwargs)


def assert_one_line(result, *words: str) -> str:
    """Exit 2, one line on stderr holding `words`, no traceback."""
    err = result.stderr.strip()
    assert result.returncode == 2, (result.returncode, err[-2000:])
    assert "Traceback" not in err and len(err.splitlines()) == 1, err[-2000:]
    for word in words:
        assert word in err, err
    return err


def count_projects(target: str, prefix: str) -> int:
    database_proxy.obj and database_proxy.obj.close()
    reopened = db_module.open_database(target)
    try:
        return Project.select().where(Project.code.startswith(prefix)).count()
    finally:
        reopened.close()


# --- 5: contended saves on SQLite --------------------------------------------------------------------

def test_transactions_begin_immediate_also_through_the_proxy(tmp_path):
    """`database_proxy.atomic()` (what every service uses) takes the write lock at BEGIN."""
    database = db_module.open_database(str(tmp_path / "a.db"))
    other = db_module._connect(str(tmp_path / "a.db"), busy_timeout_ms=50)
    other.connect()
    try:
        with database_proxy.atomic():
            Project.select().count()  # only a read so far: a deferred transaction would hold no lock yet
            with pytest.raises(DatabaseBusy, match="正在被占用"):
                with other.atomic():
                    pass
    finally:
        other.close()
        database.close()


def test_contended_saves_are_saved_or_told_busy_never_driver_text(tmp_path, monkeypatch):
    """Many clerks saving at once (a thread each, each its own connection): every save ends saved,
    "已被他人修改" or "正在被占用" — 208 saves, none with "database is locked"."""
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    target = str(tmp_path / "office.db")
    db_module.open_database(target)
    from warranty_desk.services import projects, settings

    settings.ensure_defaults()
    ids = [projects.create_project({"code": f"C-{n}", "name": f"工程{n}", "type": "住宅", "scale": "中型"}).id
           for n in range(4)]
    outcomes: list[str] = []
    lock = threading.Lock()

    def clerk(n: int) -> None:
        for round_ in range(26):
            project_id = ids[(n + round_) % len(ids)]
            try:
                with database_proxy.atomic():  # read, then write: the pattern that used to fail at once
                    current = Project.get_by_id(project_id)
                    projects.update_project(project_id, {"code": current.code, "name": f"改名{n}-{round_}",
                                                         "type": "住宅", "scale": "中型"},
                                            expected_version=current.version)
                result = "saved"
            except ValidationError as exc:
                result = "conflict" if "已被他人修改" in exc.message else ("busy" if "正在被占用" in exc.message
                                                                        else exc.message)
            except Exception as exc:  # noqa: BLE001 - what the clerk would have seen
                result = f"raw: {exc}"
            with lock:
                outcomes.append(result)
        database_proxy.obj.close()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 208
    assert set(outcomes) <= {"saved", "conflict", "busy"}, [o for o in outcomes if o.startswith("raw")][:3]
    assert outcomes.count("saved") > 150


# --- 8: disk full, read-only, busy, server down, wrong password -------------------------------------

def test_disk_full_during_import_is_one_line_and_nothing_half_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    target = str(tmp_path / "office.db")
    assert cli.main(["--db", target, "visits", "due", "--from", "2026-01-01", "--to", "2026-01-02"]) == 0
    pages = database_proxy.obj.execute_sql("PRAGMA page_count").fetchone()[0]
    database_proxy.obj.close()
    # the file may grow by 30 pages only: SQLite answers "database or disk is full" like a full disk
    monkeypatch.setattr(db_module, "SQLITE_PRAGMAS", dict(db_module.SQLITE_PRAGMAS, max_page_count=pages + 30))
    sheet = write_sheet(tmp_path / "big.csv", "F", 3000)
    capsys.readouterr()
    assert cli.main(["--db", target, "import", "projects", str(sheet)]) == 2
    err = capsys.readouterr().err.strip()
    assert "磁盘已满" in err and len(err.splitlines()) == 1 and "rollback" not in err
    monkeypatch.undo()
    assert count_projects(target, "F-") == 0


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX file size limit")
def test_disk_full_in_a_real_process(tmp_path):
    """The same in a separate process whose files may not grow (RLIMIT_FSIZE): exit 2, one line."""
    import resource

    target = tmp_path / "office.db"
    env = {"WARRANTY_DESK_DATA": str(tmp_path / "data")}
    assert run_cli("--db", str(target), "visits", "due", "--from", "2026-01-01", "--to", "2026-01-02",
                   env=env).returncode == 0
    sheet = write_sheet(tmp_path / "big.csv", "G", 3000)
    limit = target.stat().st_size + 64 * 1024

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = run_cli("--db", str(target), "import", "projects", str(sheet), env=env, preexec_fn=small_files)
    assert_one_line(result, "磁盘")
    assert count_projects(str(target), "G-") == 0


def test_two_imports_at_once_both_end_cleanly(db, db_target, tmp_path):
    """Two `import projects` of 2,000 rows started together: each is imported whole, or refused in one
    line as busy with none of its rows written (on PostgreSQL both are imported)."""
    if not database_is_postgres():
        db.close()
    sheets = [write_sheet(tmp_path / f"{p}.csv", p, 2000) for p in ("A", "B")]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-m", "warranty_desk.cli", "--db", db_target, "import", "projects",
                               str(sheet)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                              cwd=ROOT) for sheet in sheets]
    results = [(p, *p.communicate(timeout=300)) for p in procs]
    for prefix, (proc, out, err) in zip(("A", "B"), results):
        assert "Traceback" not in err, err[-2000:]
        if proc.returncode == 0:
            assert "已导入2000个工程" in out
            assert count_projects(db_target, prefix + "-") == 2000
        else:
            assert proc.returncode == 2 and "正在被占用" in err and len(err.strip().splitlines()) == 1, err
            assert count_projects(db_target, prefix + "-") == 0
    assert any(p.returncode == 0 for p, _o, _e in results)


def _unprivileged() -> dict:
    """Run a child without the right to write: as `nobody` when the tests run as root (root may write
    any file), as the user itself otherwise."""
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' to run as")
    return {"user": "nobody", "group": "nogroup" if _group_exists("nogroup") else "nobody"}


def _group_exists(name: str) -> bool:
    import grp

    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_read_only_file_and_folder_are_told_in_one_line(demo_file):
    folder = Path(tempfile.mkdtemp(prefix="wd-ro-"))
    try:
        os.chmod(folder, 0o755)
        office = folder / "office.db"
        shutil.copy(demo_file, office)
        data = folder / "data"
        data.mkdir()
        os.chmod(data, 0o777)
        os.chmod(office, 0o444)
        os.chmod(folder, 0o555)
        env = {"WARRANTY_DESK_DATA": str(data), "HOME": str(data), "WARRANTY_DESK_CONFIG": str(data)}
        result = run_cli("--db", str(office), "ticket", "add", "--project", "GC-2021-001", "--category", "plumbing",
                         "--description", "漏水", "--reporter", "张", env=env, **_unprivileged())
        assert_one_line(result, "只读")
        # a file in a folder that does not exist and cannot be made
        result = run_cli("--db", str(folder / "new" / "office.db"), "demo", env=env, **_unprivileged())
        assert_one_line(result)
        assert "权限" in result.stderr or "只读" in result.stderr
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_server_down_is_one_line_and_exit_2():
    result = run_cli("--db", "postgresql://clerk:Geheim-42@127.0.0.1:1/office", "visits", "due", "--from",
                     "2026-01-01", "--to", "2026-01-02")
    err = assert_one_line(result, "连不上服务器")
    assert "Geheim-42" not in err + result.stdout


@pytest.mark.skipif(not PG_URL, reason="needs the PostgreSQL server (WARRANTY_DESK_TEST_PG)")
def test_wrong_password_is_one_line_and_never_shows_the_password():
    from urllib.parse import urlsplit

    parts = urlsplit(PG_URL)
    url = f"postgresql://{parts.username}:Falsch-Passwort-7@{parts.hostname}:{parts.port or 5432}{parts.path}"
    result = run_cli("--db", url, "visits", "due", "--from", "2026-01-01", "--to", "2026-01-02")
    err = assert_one_line(result, "密码不对")
    assert "Falsch-Passwort-7" not in err + result.stdout


@pytest.mark.parametrize("address", [
    "postgressql://clerk:Geheim-42@server/office",  # a typo in the scheme
    "postgresql:/clerk:Geheim-42@server/office",  # one slash missing
    "mysql://clerk:Geheim-42@server/office",
])
def test_a_mistyped_address_never_prints_the_password(address, tmp_path):
    result = run_cli("--db", address, "visits", "due", "--from", "2026-01-01", "--to", "2026-01-02",
                     env={"WARRANTY_DESK_DATA": str(tmp_path)})
    err = assert_one_line(result, "不支持的数据库地址")
    assert "Geheim-42" not in err + result.stdout and "••••" in err


def test_a_program_error_is_one_line_too(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path))
    from warranty_desk.services import visits

    def broken(*_a, **_k):
        raise KeyError("oops")

    monkeypatch.setattr(visits, "due", broken)
    assert cli.main(["--db", str(tmp_path / "o.db"), "visits", "due", "--from", "2026-01-01", "--to",
                     "2026-01-02"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "内部错误" in err and "WARRANTY_DESK_DEBUG" in err
