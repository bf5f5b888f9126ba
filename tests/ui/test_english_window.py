"""The window in English (issue #15): every page of the demo office, every widget's visible text —
labels, buttons, tabs, group titles, combo items, table headers and cells, placeholders, the window
title — holds no Chinese but the office's own data (names, addresses, what the clerk typed).
Also: stored states, urgencies and causes are shown by name, holidays in the window's language,
and the columns that used to cut ("Nor…", "Urg…") are wide enough for their words."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
from foreign_text import foreign_cjk, office_data  # noqa: E402

from warranty_desk import i18n  # noqa: E402


@pytest.fixture
def english(qapp):
    from ui import qt_i18n

    before = i18n.current_locale()
    i18n.set_locale("en")
    qt_i18n.install(qapp, "en")
    yield
    i18n.set_locale(before)
    qt_i18n.install(qapp, before)


@pytest.fixture
def demo_window(demo_db, monkeypatch, english, show_main_window):
    """The demo office's window in English, at a laptop's size, with an operator from the office."""
    from warranty_desk.services import settings

    monkeypatch.setenv("WARRANTY_DESK_USER", "王芳")
    settings.ensure_defaults()
    return show_main_window(size=(1366, 768))


def _columns(model, parent=None) -> int:
    try:
        return model.columnCount(parent or QModelIndex())
    except TypeError:  # a list model: one column, its count not public
        return 1


def _children(model, index) -> bool:
    try:
        return model.hasChildren(index)
    except TypeError:  # a list or table model: no children
        return False


def _model_texts(view: QAbstractItemView, rows: int = 60) -> list[str]:
    model = view.model()
    if model is None:
        return []
    texts = []
    for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
        count = _columns(model) if orientation == Qt.Orientation.Horizontal else min(model.rowCount(QModelIndex()), rows)
        for section in range(count):
            header = model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole)
            if isinstance(header, str):
                texts.append(header)

    def walk(parent: QModelIndex, depth: int) -> None:
        for row in range(min(model.rowCount(parent), rows)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                value = model.data(index, Qt.ItemDataRole.DisplayRole)
                if isinstance(value, str):
                    texts.append(value)
                if depth < 2 and column == 0 and _children(model, index):
                    walk(index, depth + 1)

    walk(QModelIndex(), 0)
    return texts


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text a clerk can see in `root` and its visible children."""
    found: list[tuple[str, str]] = [("title", root.windowTitle())]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        name = f"{type(widget).__name__}:{widget.objectName()}"
        if isinstance(widget, QLabel):
            found.append((name, widget.text()))
        elif isinstance(widget, QAbstractButton):
            found.append((name, widget.text()))
        elif isinstance(widget, QLineEdit):
            found += [(name, widget.placeholderText()), (name, widget.text())]
        elif isinstance(widget, QComboBox):
            found += [(name, widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        elif isinstance(widget, QTabWidget):
            found += [(name, widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView):
            found += [(name, text) for text in _model_texts(widget)]
    return [(where, text) for where, text in found if text]


def test_every_page_of_the_window_in_english_has_no_chinese_but_the_offices_data(demo_window, qtbot):
    from ui.main_window import PAGES

    # the operator, and the language list (each language by its own name, as every program lists them)
    data = office_data(extra=["王芳", "中文"])
    problems = []
    for index, page in enumerate(PAGES):
        assert demo_window.go(index)
        qtbot.wait(50)
        for where, text in visible_texts(demo_window):
            foreign = foreign_cjk(text, data)
            if foreign:
                problems.append(f"{i18n._(page.name)} / {where}: {' '.join(foreign)[:80]}")
    problems = sorted(set(problems))
    assert not problems, f"{len(problems)} Chinese texts in the English window:\n" + "\n".join(problems[:60])


def test_stored_states_urgencies_and_causes_are_shown_by_name(demo_window, qtbot):
    """The ticket list shows Closed / Urgent, not the keys and not the Chinese names."""
    from ui.main_window import PAGE_NAMES

    demo_window.go(PAGE_NAMES.index("维修工单"))
    qtbot.wait(50)
    texts = " ".join(text for _w, text in visible_texts(demo_window))
    assert "Closed" in texts or "Dispatched" in texts or "Received" in texts
    for key in ("awaiting_check", "closed", "dispatched", "urgent"):
        assert f" {key} " not in f" {texts} "


def test_holidays_in_the_window_language(english):
    from warranty_desk.rules.workdays import holiday_name

    name = holiday_name(dt.date(2027, 1, 1))
    assert name and not any("\u4e00" <= ch <= "\u9fff" for ch in name)
    i18n.set_locale("zh_CN")
    assert holiday_name(dt.date(2027, 1, 1)) == "元旦"


def test_ticket_list_columns_fit_their_english_names(demo_window, qtbot):
    """"Nor…", "Urg…" no more: the urgency and state columns are as wide as their longest name."""
    from ui.main_window import PAGE_NAMES
    from ui.pages.tickets import TicketListModel
    from warranty_desk.rules import sla
    from warranty_desk.rules import ticket_states as st

    demo_window.go(PAGE_NAMES.index("维修工单"))
    page = demo_window.page("维修工单")
    qtbot.wait(50)
    view = page.view
    metrics = view.fontMetrics()
    keys = [key for _h, key, _w in TicketListModel.COLUMNS]
    for key, names in (("urgency", [sla.urgency_name(u) for u in sla.URGENCIES]),
                       ("state", [st.state_name(s) for s in st.STATES])):
        width = view.columnWidth(keys.index(key))
        for name in names:
            assert metrics.horizontalAdvance(name) + 8 <= width, (key, name, width)
