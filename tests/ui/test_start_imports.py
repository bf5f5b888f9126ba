"""What the desktop program imports before its window shows (issue 20: start to a visible window within
2× a bare PySide6 window). The first paint needs Qt, peewee, SQLite and the modules of 工作台; the
PostgreSQL driver (which peewee imports as it is imported), babel's date and number tables, the PDF,
spreadsheet and holiday libraries come when something asks for them. Started as a clerk starts it
(main.py, a fresh process, offscreen), on an office file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# run main.py and write the modules loaded at the moment the main window is about to show (the
# benchmark hook is installed right before window.show_at_start()), then at its first usable paint
HARNESS = """
import json, runpy, sys
out, db = sys.argv[1], sys.argv[2]
sys.argv = ["main.py", "--db", db]
import ui.bench_hook as hook
install = hook.install
def at_show(app, window):
    with open(out, "w") as fh:
        json.dump(sorted(sys.modules), fh)
    install(app, window)
hook.install = at_show
runpy.run_path(sys.argv[0] if False else {main!r}, run_name="__main__")
"""

NOT_BEFORE_THE_WINDOW = ("psycopg2", "psycopg", "pymysql", "babel.dates", "babel.numbers", "reportlab", "openpyxl",
                         "holidays", "importlib.metadata", "warranty_desk.services.backup",
                         "warranty_desk.services.importing", "warranty_desk.documents", "ui.pages.reports")


def _modules_at_show(db: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "modules.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WARRANTY_DESK_BENCH_EXIT="1",
               WARRANTY_DESK_DATA=str(tmp_path / "data"), WARRANTY_DESK_CONFIG=str(tmp_path / "config"),
               XDG_CONFIG_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(ROOT))
    env.pop("WARRANTY_DESK_DB", None)
    done = subprocess.run([sys.executable, "-c", HARNESS.format(main=str(ROOT / "main.py")), str(out), str(db)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "WARRANTY_DESK_BENCH" in done.stdout, done.stderr[-3000:]
    return json.loads(out.read_text())


def _office(tmp_path: Path) -> Path:
    """An office file with a project, made in its own process (this one must not count)."""
    db = tmp_path / "office.db"
    code = ("import sys; from warranty_desk.db import open_database; from warranty_desk.services import projects, "
            "settings; open_database(sys.argv[1]); settings.ensure_defaults(); projects.create_project("
            "{'code': 'S-1', 'name': '启动测试', 'type': '住宅', 'scale': '小型'})")
    subprocess.run([sys.executable, "-c", code, str(db)], check=True, cwd=ROOT, timeout=120,
                   env=dict(os.environ, WARRANTY_DESK_DATA=str(tmp_path / "data"), PYTHONPATH=str(ROOT)))
    return db


def test_the_window_shows_before_the_server_driver_babel_and_the_papers_are_imported(tmp_path):
    modules = _modules_at_show(_office(tmp_path), tmp_path)
    assert "peewee" in modules and "ui.main_window" in modules  # the harness saw the real start
    loaded = [m for m in modules if any(m == d or m.startswith(d + ".") for d in NOT_BEFORE_THE_WINDOW)]
    assert loaded == []
