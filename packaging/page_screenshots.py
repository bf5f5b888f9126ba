#!/usr/bin/env python3
"""Screenshots of every page with the demo office, taken from a real X server (Xvfb) at 1366×768:

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 .venv/bin/python packaging/page_screenshots.py

writes docs/screenshots/NN-*.png. The demo office is built fresh in a temporary folder
(today = the real date, so the dashboard and calendar have something due). The app's own fonts are
used (resources/fonts), so the pictures do not depend on the machine's fonts.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    from x_app import x_application

    started = x_application("wd-shots-")
    if started is None:
        return 2
    app, work = started

    from ui import documents
    from warranty_desk.db import open_database
    from warranty_desk.models import Project, Visit
    from warranty_desk.services import settings
    from warranty_desk.services.demo import build_demo

    documents.OPEN_AFTER_PRINT = False
    screen = app.primaryScreen()

    def settle(rounds: int = 20) -> None:
        for _ in range(rounds):
            app.processEvents()

    def shoot(name: str) -> None:
        settle()
        screen.grabWindow(0).save(str(OUT / f"{name}.png"))
        print("wrote", name)

    from ui.main_window import MainWindow

    def window_on(path: Path) -> MainWindow:
        open_database(str(path))
        settings.ensure_defaults()
        window = MainWindow()
        window.setGeometry(0, 0, 1366, 768)
        window.show()
        settle(40)
        return window

    empty = window_on(work / "empty.db")
    shoot("00-welcome")
    empty.close()

    open_database(str(work / "demo.db"))
    settings.ensure_defaults()
    build_demo()
    from warranty_desk.services import operator

    operator.set_for_this_process("王芳")  # the operator chosen at the start, shown in the status bar
    window = window_on(work / "demo.db")
    settle(40)
    for w in app.topLevelWidgets():  # the start-up reminder
        if w is not window and w.isVisible():
            w.close()
    pages = ["01-dashboard", "02-calendar", "03-projects", "05-tickets", "07-visits", "08-deposits",
             "09-reports", "10-settings"]
    for index, name in enumerate(pages):
        window.go(index)
        shoot(name)
        if name == "02-calendar":
            page = window.current_page()
            page.set_mode("week")
            shoot("02b-calendar-week")
            page.set_mode("month")
        if name == "03-projects":
            project = Project.select().where(Project.type == "residential").order_by(Project.id.desc()).first()
            window.page("工程项目").open_project(project.id)
            window.page("工程项目").detail.tabs.setCurrentIndex(1)
            shoot("04-project-items")
            window.page("工程项目").leave_detail()

    from ui.pages.tickets import TicketDialog
    from ui.visit_form import VisitDialog

    def dialog_shot(dialog, name: str) -> None:
        dialog.move(253, 24)
        dialog.show()
        dialog.raise_()
        shoot(name)
        dialog.close()

    window.go(3)
    # the intake, caller first: the last four digits of an owner's mobile, the owner chosen
    from warranty_desk.models import Ticket, Unit

    owner = Unit.select().where(Unit.owner_phone != "").order_by(Unit.id).first()
    intake = TicketDialog(window)
    intake.caller_search.setText(owner.owner_phone[-4:])
    intake.find_callers()
    intake.move(140, 24)
    intake.show()
    intake.raise_()
    shoot("05b-ticket-intake-search")
    intake._caller_enter()
    category = intake.form.widgets["category"]
    category.setCurrentIndex(category.findData("exterior_wall_seepage"))
    intake.form.widgets["description"].setPlainText("客厅外墙内侧墙面潮湿、起皮，下雨后更明显")
    shoot("05b-ticket-intake")
    intake.form.dirty = False
    intake.close()
    # a ticket window: one under way, and one whose description runs to 2,000 characters
    from ui.ticket_window import TicketView

    def ticket_shot(ticket_id: int, name: str) -> None:
        view = TicketView(ticket_id, window)
        view.move(93, 24)
        view.show()
        view.raise_()
        shoot(name)
        view.close()

    busy = Ticket.select().where(Ticket.state == "维修中").order_by(Ticket.id).first()  # i18n: data
    ticket_shot(busy.id, "05c-ticket-window")
    long = Ticket.select().where(Ticket.state == "已关闭").order_by(Ticket.id).first()  # i18n: data
    text = "卫生间吊顶渗水，楼上业主称已自行检查无漏水；" * 90 + "WC-ceiling-leak-" * 40
    Ticket.update(description=text[:2000]).where(Ticket.id == long.id).execute()
    ticket_shot(long.id, "05d-ticket-window-long")
    visit = Visit.select().where((Visit.status == "done") & Visit.template.is_null(False)).order_by(Visit.id.desc()).first()
    dialog_shot(VisitDialog(visit.id, window), "06-visit-form")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
