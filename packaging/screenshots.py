#!/usr/bin/env python3
"""Screenshots of the dashboard and a ticket in Chinese and in English, taken offscreen from the
demo office (built fresh in a temporary folder, today = 2026-11-29):

    .venv/bin/python packaging/screenshots.py

writes docs/screenshots/{dashboard,ticket,ticket_intake}_{zh_CN,en}.png, and every page of the window
and the dialogs a clerk opens (the ticket window, the intake, the visit form, the import window, each
tab of the settings, the change history, the deposit, the handover, the storm call …) in English in
docs/screenshots/en/. Each language runs in its
own process, so nothing translated at import time leaks from one language into the other.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
TODAY = dt.date(2026, 11, 29)


def _settle(app, rounds: int = 8) -> None:
    for _ in range(rounds):
        app.processEvents()


def shoot(lang: str, db_path: str) -> None:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(Path(db_path).parent / f"qs-{lang}"))

    from peewee import fn

    from ui import qt_i18n
    from ui.app import setup_application
    from warranty_desk import i18n
    from warranty_desk.db import open_database
    from warranty_desk.models import Ticket, TicketEvent
    from warranty_desk.services import settings

    setup_application(app)
    open_database(db_path)
    settings.ensure_defaults()
    i18n.set_locale(lang)
    qt_i18n.install(app, lang)

    import ui.main_window as main_window
    from warranty_desk.services import operator

    operator.set_for_this_process("王芳")  # the operator chosen at the start, shown in the status bar
    main_window.today = lambda: TODAY
    window = main_window.MainWindow()
    window.resize(1366, 768)
    window.show()
    _settle(app)
    reminder = getattr(window, "reminder", None)
    if reminder is not None:
        reminder.close()
    window.go(0)
    _settle(app)
    OUT.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(OUT / f"dashboard_{lang}.png"))
    if lang == "en":  # every page of the window in English: docs/screenshots/en/
        pages = OUT / "en"
        pages.mkdir(exist_ok=True)
        for old in pages.glob("*.png"):
            old.unlink()
        for index, page in enumerate(main_window.PAGES):
            window.go(index)
            _settle(app)
            slug = i18n._(page.name).lower().replace(" ", "-")
            window.grab().save(str(pages / f"{index + 1:02d}-{slug}.png"))
        _dialogs(app, window, pages)
        window.go(0)
        _settle(app)

    # the ticket with the longest history
    ticket_id = (TicketEvent.select(TicketEvent.ticket, fn.COUNT(TicketEvent.id).alias("n"))
                 .group_by(TicketEvent.ticket).order_by(fn.COUNT(TicketEvent.id).desc()).first().ticket_id)
    from ui.pages.tickets import TicketDialog, TicketView

    view = TicketView(ticket_id, window)
    view.resize(900, 680)
    view.show()
    _settle(app)
    view.grab().save(str(OUT / f"ticket_{lang}.png"))
    view.close()

    intake = TicketDialog(window, project_id=Ticket.get_by_id(ticket_id).project_id)
    intake.resize(720, 620)
    intake.show()
    _settle(app)
    intake.grab().save(str(OUT / f"ticket_intake_{lang}.png"))
    intake.close()
    window.close()


def _dialogs(app, window, out: Path) -> None:
    """The dialogs and windows a clerk opens, each as the clerk first sees it."""
    from PySide6.QtWidgets import QTabWidget

    from ui.import_window import ImportWindow
    from ui.main_window import PAGE_NAMES
    from ui.pages.deposits import DepositDialog
    from ui.pages.handover_dialogs import HandoverDialog
    from ui.pages.tickets import TicketDialog
    from ui.record_history import HistoryDialog
    from ui.storm_dialog import StormDialog
    from ui.ticket_window import TicketView
    from ui.visit_form import VisitDialog
    from warranty_desk.models import Deposit, Project, Ticket, Visit
    from warranty_desk.rules import ticket_states as st
    from warranty_desk.rules import visit_states as vs
    from warranty_desk.services import projects

    closed = Ticket.select().where(Ticket.state == st.CLOSED, Ticket.cause_class != "").order_by(Ticket.id.desc()).first()
    done = Visit.select().where(Visit.status == vs.DONE, Visit.score.is_null(False)).order_by(Visit.id.desc()).first()
    project = Project.select().join(Deposit).order_by(Project.id).first()
    shots = [
        ("20-ticket-window", lambda: TicketView(closed.id, window), (960, 700)),
        ("21-ticket-intake", lambda: TicketDialog(window, project_id=closed.project_id), (760, 660)),
        ("22-visit-form", lambda: VisitDialog(done.id, window), (900, 760)),
        ("23-import-window", lambda: ImportWindow(window), (900, 640)),
        ("24-change-history", lambda: HistoryDialog("ticket", closed.id, closed.number, window), (960, 520)),
        ("25-deposit", lambda: DepositDialog(window, project.id), (640, 560)),
        ("26-handover", lambda: HandoverDialog(projects.project_view(project.id), window), (560, 320)),
        ("27-storm-call", lambda: StormDialog(window, today=TODAY), (640, 520)),
    ]
    for name, build, size in shots:
        dialog = build()
        dialog.resize(*size)
        dialog.show()
        _settle(app)
        dialog.grab().save(str(out / f"{name}.png"))
        dialog.hide()  # not close(): a form that changed would ask whether to discard
        dialog.deleteLater()
    # every tab of 设置 (backup and restore, phones, regions, staff …)
    window.go(PAGE_NAMES.index("设置"))
    _settle(app)
    tabs = window.page("设置").findChild(QTabWidget)
    for index in range(tabs.count() if tabs is not None else 0):
        tabs.setCurrentIndex(index)
        _settle(app)
        window.grab().save(str(out / f"30-settings-{index + 1:02d}.png"))


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--shoot":
        shoot(sys.argv[2], sys.argv[3])
        return 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory(prefix="wd-shots-") as folder:
        env["WARRANTY_DESK_DATA"] = str(Path(folder) / "data")
        demo = Path(folder) / "demo.db"
        sys.path.insert(0, str(ROOT))
        from warranty_desk.db import open_database
        from warranty_desk.services import settings
        from warranty_desk.services.demo import build_demo

        database = open_database(str(demo))
        settings.ensure_defaults()
        build_demo(today=TODAY)
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        database.close()
        for lang in ("zh_CN", "en"):
            copy = Path(folder) / f"{lang}.db"
            copy.write_bytes(demo.read_bytes())
            subprocess.run([sys.executable, str(Path(__file__).resolve()), "--shoot", lang, str(copy)], env=env,
                           check=True)
            print(f"{lang}: " + ", ".join(sorted(p.name for p in OUT.glob(f"*_{lang}.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
