"""Every page and the record windows, filled from the demo office, read through the services: the
run-time guard of tests/ui/conftest.py (no query whose nearest caller is in ui/) watches each one."""

from __future__ import annotations

from warranty_desk.models import Deposit, Project, Ticket, Unit, Visit


def test_every_page_and_record_window_on_the_demo_office(demo_window, qtbot, ui_does_not_query):
    from ui.pages.deposits import DeductionDialog, DepositDialog
    from ui.pages.tickets import TicketDialog, TicketView
    from ui.visit_form import VisitDialog

    window = demo_window
    for index in range(8):
        assert window.go(index)
        page = window.pages[index]
        page.refresh()
        assert window.stack.currentWidget() is page
    # a residential project with units, visits and tickets: every tab of its page
    unit = Unit.select().join(Project).where(Project.handed_over_on.is_null(False)).first()
    projects = window.page("工程项目")
    window.go(2)
    projects.open_project(unit.project_id)
    detail = projects.detail
    for tab in range(detail.tabs.count()):
        detail.tabs.setCurrentIndex(tab)
    assert detail.unit_model.rowCount() > 0 and detail.visit_model.rowCount() > 0
    assert detail.item_model.rowCount() > 0
    [detail.item_model.data(detail.item_model.index(r, c)) for r in range(detail.item_model.rowCount())
     for c in range(detail.item_model.columnCount())]
    [detail.visit_model.data(detail.visit_model.index(r, c)) for r in range(detail.visit_model.rowCount())
     for c in range(detail.visit_model.columnCount())]
    # the intake form with the project and a unit chosen (owner prefilled), a ticket, a visit, a deposit
    intake = TicketDialog(window, project_id=unit.project_id)
    qtbot.addWidget(intake)
    box = intake.form.widgets["unit"]
    box.setCurrentIndex(box.findData(unit.id))
    assert intake.form.value("reporter") == unit.owner_name
    view = TicketView(Ticket.select().first().id, window)
    qtbot.addWidget(view)
    visit = VisitDialog(Visit.select().first().id, window)
    qtbot.addWidget(visit)
    deposit = Deposit.select().first()
    dialog = DepositDialog(window, deposit.project_id)
    qtbot.addWidget(dialog)
    assert dialog.version == deposit.version
    rows = window.page("质保金").model.rows
    deduction = DeductionDialog(window, next(r for r in rows if r["project_id"] == deposit.project_id))
    qtbot.addWidget(deduction)
    assert ui_does_not_query == []
