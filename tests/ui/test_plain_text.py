"""Names as typed (issue #16): a project called 鑫<b>&</b>阳光花园, an owner 𠀀<i>王</i>&amp;, a
2,000-character description — every label of every page and record window shows them literally
(Qt.PlainText), and the window's fonts draw 𠀀 instead of an empty box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QApplication, QLabel

from warranty_desk.models import Project, Staff, Subcontractor, Ticket, Unit, Visit

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "鑫<b>&</b>阳光花园𠀀"
OWNER = "𠀀<i>王</i>&amp;"
REPORTER = "<b>报修</b>&人"
STAFF = "<u>刘洋</u>"
FIRM = "<s>东方</s>防水&公司"
MARKERS = (PROJECT, "鑫<b>&</b>阳光花园", OWNER, REPORTER, STAFF, FIRM)
DESCRIPTION = ("顶层卧室<b>渗水</b>&" + "渗" * 990 + "a" * 1000)[:2000]


@pytest.fixture
def hostile_window(demo_db, show_main_window):
    project = (Project.select().join(Unit, on=(Unit.project == Project.id)).join(Ticket, on=(Ticket.project == Project.id))
               .where(Project.handed_over_on.is_null(False)).first())
    Project.update(name=PROJECT).where(Project.id == project.id).execute()
    unit = Unit.select().where(Unit.project == project).order_by(Unit.id).first()
    Unit.update(owner_name=OWNER).where(Unit.id == unit.id).execute()
    ticket = Ticket.select().where(Ticket.project == project).order_by(Ticket.id).first()
    Ticket.update(description=DESCRIPTION, reporter=REPORTER, unit=unit).where(Ticket.id == ticket.id).execute()
    staff = Staff.select().where(Staff.id.in_(Visit.select(Visit.staff).where(Visit.project == project))).first()
    if staff is not None:
        Staff.update(name=STAFF).where(Staff.id == staff.id).execute()
    Subcontractor.update(name=FIRM).where(Subcontractor.id == Subcontractor.select(Subcontractor.id).first().id).execute()
    window = show_main_window()
    return window, project, unit, ticket


def _data_labels(root) -> list[QLabel]:
    labels = [root] if isinstance(root, QLabel) else []
    labels += root.findChildren(QLabel)
    return [label for label in labels if any(m in label.text() for m in MARKERS) or "渗" * 50 in label.text()]


def _check(root, seen: list) -> None:
    for label in _data_labels(root):
        assert label.textFormat() == Qt.TextFormat.PlainText, (type(root).__name__, label.objectName(), label.text()[:60])
        seen.append(label.text())


def test_every_label_shows_a_hostile_name_literally(hostile_window, qtbot):
    from ui.pages.deposits import DepositDialog
    from ui.pages.tickets import TicketDialog, TicketView
    from ui.visit_form import VisitDialog

    window, project, unit, ticket = hostile_window
    seen: list[str] = []
    for index in range(8):
        window.go(index)
        window.pages[index].refresh()
        _check(window, seen)
    projects = window.page("工程项目")
    window.go(2)
    projects.open_project(project.id)
    for tab in range(projects.detail.tabs.count()):
        projects.detail.tabs.setCurrentIndex(tab)
        _check(window, seen)
    assert projects.detail.title.text().endswith(PROJECT)  # the header: not "鑫&阳光花园" in bold

    view = TicketView(ticket.id, window)
    qtbot.addWidget(view)
    view.show()
    for tab in range(view.tabs.count()):
        view.tabs.setCurrentIndex(tab)
        _check(view, seen)
    assert any(DESCRIPTION[:40] in text for text in seen) or DESCRIPTION in view.description_text()

    intake = TicketDialog(window, project_id=project.id)
    qtbot.addWidget(intake)
    intake.show()
    intake.choose_unit(unit.id)
    _check(intake, seen)

    visit = Visit.select().where(Visit.project == project).first()
    form = VisitDialog(visit.id, window)
    qtbot.addWidget(form)
    _check(form, seen)
    form.form.dirty = False

    dialog = DepositDialog(window, project_id=project.id)
    qtbot.addWidget(dialog)
    _check(dialog, seen)
    joined = "\n".join(seen)
    assert "鑫<b>&</b>阳光花园𠀀" in joined and OWNER in joined  # the labels were there to check


def test_no_label_is_built_outside_the_plain_label():
    """Static guard: ui/ makes labels only through ui.labels.PlainLabel (Qt's QLabel reads a name that
    looks like HTML as HTML)."""
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        if path.name == "labels.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(?<![A-Za-z_])QLabel\(", line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert not found, found


def test_the_window_draws_rare_characters(qtbot):
    """𠀀 (Ext-B) comes from the bundled Ming fallback, not the empty box of the main font."""
    from ui.app import fallback_family, setup_application

    app = QApplication.instance()
    setup_application(app)
    assert fallback_family() == "HanaMinA"
    for text in ("𠀀", "王𠀀𠀁明"):
        layout = QTextLayout(text, app.font())
        layout.beginLayout()
        layout.createLine()
        layout.endLayout()
        rare = [run for run in layout.glyphRuns() if run.rawFont().familyName() == "HanaMinA"]
        assert rare, [run.rawFont().familyName() for run in layout.glyphRuns()]
        assert all(0 not in run.glyphIndexes() for run in rare)
