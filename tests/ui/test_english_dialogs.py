"""The window in English (issue #15), beyond its pages: every dialog and window a clerk reaches — the
ticket window, the intake, the visit form, the import window, every tab of 设置 (backup and restore,
phones, …), the change history, the deposit and its deduction, the handover and the agreed period,
the new project, the storm call, the annual plan and its calendar file, the reminder, the operator,
About, the safety report's dialogs, an import's list of errors — opened on the demo office, every
visible text walked, and no Chinese allowed but the office's own data. Also: a document printed
from the window tells the clerk in English, and the list pages' English headings are not cut."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractItemView, QDialog, QHeaderView, QTabWidget, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
import test_english_window as walk  # noqa: E402
from foreign_text import foreign_cjk, office_data  # noqa: E402

from warranty_desk import i18n  # noqa: E402

english = walk.english  # the window in English on a copy of the demo office (fixtures)
demo_window = walk.demo_window
visible_texts = walk.visible_texts

TODAY = dt.date(2026, 11, 29)


def _walk(widget: QWidget, name: str, data, problems: list[str]) -> None:
    """Every visible text of `widget`, each tab of each tab widget in turn."""
    seen = set()

    def collect():
        for where, text in visible_texts(widget):
            foreign = foreign_cjk(text, data)
            if foreign:
                seen.add(f"{name} / {where}: {' '.join(foreign)[:80]}")

    collect()
    for tabs in widget.findChildren(QTabWidget):
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            collect()
    problems.extend(sorted(seen))


def _dialogs(window):
    """(name, a function that builds the dialog) for every dialog and window the clerk reaches."""
    from ui.about_dialog import AboutDialog
    from ui.annual_plan_dialog import AnnualPlanDialog, IcsDialog
    from ui.dialogs import ImportErrorsDialog
    from ui.import_window import ImportWindow
    from ui.operator_dialog import OperatorDialog
    from ui.pages.deposits import DeductionDialog, DepositDialog
    from ui.pages.handover_dialogs import AgreedPeriodDialog, HandoverDialog
    from ui.pages.settings import PersonDialog, RegionDialog
    from ui.pages.tickets import TicketDialog
    from ui.project_form import ProjectDialog
    from ui.record_history import HistoryDialog
    from ui.reminder_dialog import ReminderDialog
    from ui.safety_panel import DetailsDialog, MarkDialog, SentDialog
    from ui.storm_dialog import StormDialog
    from ui.ticket_window import TicketView
    from ui.visit_form import VisitDialog
    from warranty_desk.errors import ImportFailed, RowError
    from warranty_desk.models import Deposit, Project, Ticket, Visit, WarrantyItem
    from warranty_desk.rules import ticket_states as st
    from warranty_desk.rules import visit_states as vs
    from warranty_desk.services import deposits, projects, safety, visit_reminders

    closed = Ticket.select().where(Ticket.state == st.CLOSED, Ticket.cause_class != "").order_by(Ticket.id).first()
    working = Ticket.select().where(Ticket.state.in_((st.DISPATCHED, st.ONSITE, st.REPAIRING))).order_by(Ticket.id).first()
    done = Visit.select().where(Visit.status == vs.DONE).order_by(Visit.id.desc()).first()
    planned = Visit.select().where(Visit.status == vs.PLANNED).order_by(Visit.planned_on).first()
    project = Project.select().join(Deposit).order_by(Project.id).first()
    item = WarrantyItem.select().where(WarrantyItem.project == project).order_by(WarrantyItem.id).first()
    if safety.info(working.id) is None:
        safety.mark(working.id, "墙体开裂")  # i18n: data (typed by the clerk)
    info = safety.info(working.id)
    deposit_row = next(r for r in deposits.deposit_rows(today=TODAY) if r["project_id"] == project.id)
    failure = ImportFailed([RowError(3, "type", i18n._("请填写报修人"), sheet="Sheet1", letter="E")])
    return [
        ("ticket window (closed)", lambda: TicketView(closed.id, window)),
        ("ticket window (under repair)", lambda: TicketView(working.id, window)),
        ("intake", lambda: TicketDialog(window)),
        ("visit form (done)", lambda: VisitDialog(done.id, window)),
        ("visit form (planned)", lambda: VisitDialog(planned.id, window)),
        ("import window", lambda: ImportWindow(window)),
        ("import window (past repairs)", lambda: ImportWindow(window, kind="tickets")),
        ("change history (ticket)", lambda: HistoryDialog("ticket", closed.id, closed.number, window)),
        ("change history (visit)", lambda: HistoryDialog("visit", done.id, "", window)),
        ("change history (project)", lambda: HistoryDialog("project", project.id, project.code, window)),
        ("deposit", lambda: DepositDialog(window, project.id)),
        ("deduction", lambda: DeductionDialog(window, deposit_row)),
        ("handover", lambda: HandoverDialog(projects.project_view(project.id), window)),
        ("agreed period", lambda: AgreedPeriodDialog(item, project.design_life_years, window)),
        ("new project", lambda: ProjectDialog(window)),
        ("storm call", lambda: StormDialog(window, today=TODAY)),
        ("annual plan", lambda: AnnualPlanDialog(TODAY.year, window, today=TODAY)),
        ("calendar file", lambda: IcsDialog(window, today=TODAY)),
        ("reminder", lambda: ReminderDialog(visit_reminders.reminders(TODAY), window, TODAY)),
        ("operator", lambda: OperatorDialog(window, at_start=False)),
        ("about", lambda: AboutDialog(window)),
        ("region", lambda: RegionDialog(None, window)),
        ("staff member", lambda: PersonDialog("staff", None, window)),
        ("subcontractor", lambda: PersonDialog("subcontractor", None, window)),
        ("safety: mark", lambda: MarkDialog(working.id, working.description, window)),
        ("safety: details", lambda: DetailsDialog(working.id, info, window)),
        ("safety: sent", lambda: SentDialog(working.id, info, window)),
        ("import errors", lambda: ImportErrorsDialog(failure, window)),
    ]


def _typed_reasons() -> list[str]:
    """The reasons the demo's clerks typed for a ticket's steps (not the program's own sentences)."""
    from warranty_desk.models import TicketEvent
    from warranty_desk.services.tickets import event_reason_text

    with i18n.override("en"):
        return [r for (r,) in TicketEvent.select(TicketEvent.reason).distinct().tuples() if r and event_reason_text(r) == r]


def test_every_dialog_in_english_has_no_chinese_but_the_offices_data(demo_window, qtbot):
    data = office_data(extra=["王芳", "中文", "墙体开裂", *_typed_reasons()])
    problems: list[str] = []
    opened = []
    for name, build in _dialogs(demo_window):
        dialog = build()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.wait(30)
        _walk(dialog, name, data, problems)
        opened.append(name)
        dialog.close()
    assert len(opened) >= 25
    assert not problems, f"{len(problems)} Chinese texts in the English dialogs:\n" + "\n".join(problems[:80])


def test_every_tab_of_the_settings_page_in_english(demo_window, qtbot):
    """设置 holds backup and restore, phones, regions, staff, the questionnaire …: each tab walked."""
    from ui.main_window import PAGE_NAMES

    demo_window.go(PAGE_NAMES.index("设置"))
    qtbot.wait(50)
    problems: list[str] = []
    _walk(demo_window, "settings", office_data(extra=["王芳", "中文"]), problems)
    assert not problems, "\n".join(problems[:60])


@pytest.mark.parametrize("page_name", ["工程项目", "维修工单", "回访记录", "质保金", "工作台"])
def test_list_headings_are_not_cut_in_english(demo_window, qtbot, page_name):
    """Every heading of every list on the page is as wide as its English words ("Nor…", "Urg…" no more)."""
    from ui.main_window import PAGE_NAMES

    demo_window.go(PAGE_NAMES.index(page_name))
    qtbot.wait(80)
    cut = []
    for view in demo_window.findChildren(QAbstractItemView):
        if not view.isVisibleTo(demo_window) or not hasattr(view, "horizontalHeader"):
            continue
        header: QHeaderView = view.horizontalHeader()
        model = view.model()
        if model is None or header.isHidden():
            continue
        metrics = header.fontMetrics()
        for column in range(model.columnCount()):
            if header.isSectionHidden(column) or header.sectionResizeMode(column) in (
                    QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents):  # Qt sizes these to fit
                continue
            if column == model.columnCount() - 1 and header.stretchLastSection():
                continue
            text = model.headerData(column, header.orientation())
            if not isinstance(text, str) or not text:
                continue
            # a heading may wrap at its spaces when the header is tall enough; else it must fit on one line
            needed = metrics.horizontalAdvance(text) + 8
            if header.sectionSize(column) < needed:
                cut.append(f"{view.objectName() or type(view).__name__}: {text!r} {header.sectionSize(column)} < {needed}")
    assert not cut, "\n".join(cut)


def test_a_printed_paper_tells_the_clerk_in_english(demo_window, qtbot, answers, tmp_path, monkeypatch):
    """Printing from the window: the save dialog, the progress and the message afterwards speak English."""
    from PySide6.QtWidgets import QFileDialog

    from ui import documents
    from warranty_desk.models import Project

    project = Project.select().where(Project.accepted_on.is_null(False)).order_by(Project.id).first()
    target = tmp_path / "certificate.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "PDF (*.pdf)")))
    told = []
    monkeypatch.setattr(documents, "WARN", lambda parent, title, text, *a, **k: told.append((title, text)))
    from ui.signals import bus

    said = []
    bus().status.connect(said.append)
    doc = documents.available()[0]
    documents.print_project_document(demo_window, doc, project.id, project.code, ask=True)
    qtbot.waitUntil(lambda: bool(said) or bool(told), timeout=60000)
    assert target.exists() and target.stat().st_size > 1000
    texts = said + [t for pair in told for t in pair] + [t for _k, title, text in answers["shown"] for t in (title, text)]
    data = office_data(extra=["王芳"])
    assert not [t for t in texts if foreign_cjk(t, data)], texts


def test_dialog_classes_are_all_walked():
    """A dialog added later is added to the walk: every QDialog subclass of ui/ is opened above."""
    import importlib
    import inspect
    import pkgutil

    import ui
    import ui.pages

    walked = {"TicketView", "TicketDialog", "VisitDialog", "ImportWindow", "HistoryDialog", "DepositDialog",
              "DeductionDialog", "HandoverDialog", "AgreedPeriodDialog", "ProjectDialog", "StormDialog",
              "AnnualPlanDialog", "IcsDialog", "ReminderDialog", "OperatorDialog", "AboutDialog", "RegionDialog",
              "PersonDialog", "MarkDialog", "DetailsDialog", "SentDialog", "ImportErrorsDialog"}
    found = set()
    for package in (ui, ui.pages):
        for info in pkgutil.iter_modules(package.__path__):
            if info.name in ("app", "smoke", "bench_hook"):
                continue
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, QDialog) and name != "FormDialog":
                    found.add(name)
    assert found <= walked, f"dialogs not walked in English: {sorted(found - walked)}"


def test_the_intakes_warranty_items_are_not_cut_in_english(demo_window, qtbot):
    """The intake's panel of the caller's warranty items: each English item name ("Leak-proofing of
    bathrooms and other wet rooms") is shown whole — wrapped, or elided with the whole name in its
    tooltip — and the end date and the days left are never cut."""
    from ui.pages.tickets import TicketDialog
    from warranty_desk.models import Project, Unit

    project = (Project.select().join(Unit).where(Project.type == "residential", Project.accepted_on.is_null(False))
               .order_by(Project.accepted_on.desc()).first())  # the newest: most of its items still run
    dialog = TicketDialog(demo_window, project_id=project.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    table = dialog.caller_panel.items
    assert table.rowCount() >= 5
    names = [table.item(row, 0).text() for row in range(table.rowCount())]
    assert any(len(name) > 30 for name in names), names  # the long English names are there
    cut = []
    for row in range(table.rowCount()):
        table.scrollToItem(table.item(row, 0))  # as the clerk scrolls down the list
        qtbot.wait(20)
        for column in range(table.columnCount()):
            cell = table.item(row, column)
            text = cell.text()
            metrics = table.fontMetrics()
            room = table.columnWidth(column) - 8  # the cell's margins (as the headings' test counts them)
            lines = max(1, (table.rowHeight(row) - 4) // metrics.lineSpacing())
            if column == 0 and table.wordWrap():
                # wrapped at its spaces: every word fits the column's width, and the row is as tall as
                # Qt needs for the wrapped name at that width
                widest = max(metrics.horizontalAdvance(word) for word in text.split())
                fits = widest <= room and table.rowHeight(row) >= table.sizeHintForRow(row)
            elif column == 0:
                fits = metrics.horizontalAdvance(text) <= room * lines
            else:  # an end date, the days left: one line, as wide as Qt says the column's texts need
                fits = table.sizeHintForColumn(column) <= table.columnWidth(column)
            if not fits:
                cut.append(f"row {row} column {column}: {text!r} in {room}px × {lines} line(s)")
            if column == 0 and cell.toolTip() != text:
                cut.append(f"row {row}: {text!r} has not its whole name in its tooltip")
    assert not cut, "\n".join(cut)


def test_a_staff_members_role_is_chosen_by_its_english_name_and_stored_as_its_key(demo_window, qtbot):
    """The staff form offers the program's roles in the window's language; one chosen is stored as its
    key, one the clerk types stays as typed."""
    from ui.pages.settings import PersonDialog
    from warranty_desk.models import Staff
    from warranty_desk.rules import staff_roles

    for name, typed, stored in (("Li Lei", None, "visit_officer"), ("Han Mei", "外聘电工", "外聘电工")):
        dialog = PersonDialog("staff", None, demo_window)
        qtbot.addWidget(dialog)
        role = dialog.form.widgets["role"]
        offered = [role.itemText(i) for i in range(role.count())]
        assert "Visit officer" in offered and not any(walk_cjk(t) for t in offered), offered
        dialog.form.widgets["name"].setText(name)
        role.setEditText(typed or i18n._(staff_roles.ROLE_NAMES["visit_officer"]))
        assert dialog.save()
        assert Staff.get(Staff.name == name).role == stored
    assert staff_roles.role_name("visit_officer") == "Visit officer"


def walk_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)
