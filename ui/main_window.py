"""The main window: sidebar, stacked pages, global search, status bar, shortcuts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import N_, _
from warranty_desk.services import operator, session
from warranty_desk.services import search as search_service
from warranty_desk.services.projects import count_projects

from .labels import PlainLabel, tooltip
from .signals import bus

SIDEBAR_STYLE = """
QListWidget#sidebar { background: #263238; color: #eceff1; border: none; font-size: 15px; outline: 0; }
QListWidget#sidebar::item { padding: 11px 16px; }
QListWidget#sidebar::item:selected { background: #1565c0; color: white; }
QListWidget#sidebar::item:hover:!selected { background: #37474f; }
"""



@dataclass(frozen=True)
class Page:
    """A sidebar entry: its name (the key of `page()` and `go_to()`, shown through _()) and its class,
    whose module is imported when the page is first built (so the start imports only 工作台's)."""

    name: str
    page_class: Callable[[], type[QWidget]]


def _dashboard():
    from .pages.dashboard import DashboardPage

    return DashboardPage


def _calendar():
    from .pages.calendar import CalendarPage

    return CalendarPage


def _projects():
    from .pages.projects import ProjectsPage

    return ProjectsPage


def _tickets():
    from .pages.tickets import TicketsPage

    return TicketsPage


def _visits():
    from .pages.visits import VisitsPage

    return VisitsPage


def _deposits():
    from .pages.deposits import DepositsPage

    return DepositsPage


def _reports():
    from .pages.reports import ReportsPage

    return ReportsPage


def _settings():
    from .pages.settings import SettingsPage

    return SettingsPage


# the sidebar, top to bottom (Ctrl+1 … Ctrl+8)
PAGES = (
    Page(N_("工作台"), _dashboard),
    Page(N_("回访日历"), _calendar),
    Page(N_("工程项目"), _projects),
    Page(N_("维修工单"), _tickets),
    Page(N_("回访记录"), _visits),
    Page(N_("质保金"), _deposits),
    Page(N_("报表"), _reports),
    Page(N_("设置"), _settings),
)
PAGE_NAMES = [p.name for p in PAGES]


def today() -> dt.date:
    return dt.date.today()


class SearchPopup(QListWidget):
    """The result list under the search box (a child widget, so typing keeps the focus)."""

    def __init__(self, parent):
        super().__init__(parent)
        self.setObjectName("searchPopup")
        self.setStyleSheet("QListWidget#searchPopup { border: 1px solid #90a4ae; background: white; }"
                           "QListWidget#searchPopup::item { padding: 4px; }")
        self.hide()


class _Pages:
    """The pages by sidebar position, each built the first time it is asked for (shown, opened by a
    shortcut, a search hit or a link), so the start builds only 工作台. Pages not built yet do not
    listen to data changes; they load fresh when built."""

    def __init__(self, window: MainWindow, count: int):
        self._window = window
        self._built: list[QWidget | None] = [None] * count

    def __len__(self) -> int:
        return len(self._built)

    def __getitem__(self, index: int) -> QWidget:
        return self.build(index)

    def build(self, index: int) -> QWidget:
        page = self._built[index]
        if page is None:
            page = PAGES[index].page_class()()
            self._built[index] = page
            stack = self._window.stack
            placeholder = stack.widget(index)
            stack.insertWidget(index, page)
            stack.removeWidget(placeholder)
            placeholder.deleteLater()
        return page

    def __iter__(self):
        return (self[i] for i in range(len(self._built)))

    def __contains__(self, widget) -> bool:
        return widget is not None and any(p is widget for p in self._built)

    def index(self, widget) -> int:
        for i, page in enumerate(self._built):
            if page is not None and page is widget:
                return i
        raise ValueError("not a page")

    def built(self) -> list[QWidget]:
        return [p for p in self._built if p is not None]


class MainWindow(QMainWindow):
    def __init__(self):
        super().__init__()
        self.setWindowTitle(_("保修台"))
        self.resize(1366, 768)
        self._build()
        geometry = QSettings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        bus().open_record.connect(self.open_record)
        bus().status.connect(self.show_status)
        bus().changed.connect(self._data_changed)
        QTimer.singleShot(0, self._after_show)

    # building -----------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget()
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setStyleSheet(SIDEBAR_STYLE)
        self.sidebar.setFixedWidth(150)
        title = PlainLabel(_("保修台"))
        title.setStyleSheet("background: #263238; color: white; font-size: 20px; font-weight: bold; padding: 14px 16px;")
        side = QVBoxLayout()
        side.setSpacing(0)
        side.addWidget(title)
        side.addWidget(self.sidebar)
        outer.addLayout(side)

        right = QVBoxLayout()
        right.setContentsMargins(10, 8, 10, 4)
        top = QHBoxLayout()
        self.page_title = PlainLabel()
        self.page_title.setStyleSheet("font-size: 18px; font-weight: bold;")
        top.addWidget(self.page_title)
        top.addStretch(1)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("globalSearch")
        self.search_box.setPlaceholderText(_("搜索 工程编号/名称、业主、电话、工单号…（Ctrl+F）"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMinimumWidth(380)
        top.addWidget(self.search_box)
        right.addLayout(top)
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        outer.addLayout(right, 1)
        self.setCentralWidget(central)

        self._painted = False
        self._reminder_due = False
        self.reminder = None
        self.pages = _Pages(self, len(PAGE_NAMES))
        for index, name in enumerate(PAGE_NAMES):
            self.stack.addWidget(QWidget())  # a placeholder until the page is first shown
            item = QListWidgetItem(_(name))
            item.setToolTip(f"Ctrl+{index + 1}")
            self.sidebar.addItem(item)
            QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self, activated=lambda i=index: self.go(i))
        self.pages.build(0)  # 工作台: the page shown at start
        self._welcome = None  # the first-start page, built only for an empty database (see `welcome`)
        self.sidebar.currentRowChanged.connect(self._sidebar_clicked)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)

        self.popup = SearchPopup(central)
        self.popup.itemActivated.connect(self._open_hit)
        self.popup.itemClicked.connect(self._open_hit)
        self.search_timer = QTimer(self, singleShot=True, interval=150)
        self.search_timer.timeout.connect(self._run_search)
        self.search_box.textEdited.connect(lambda _t: self.search_timer.start())
        self.search_box.returnPressed.connect(self._search_enter)
        self.search_box.installEventFilter(self)
        self.popup.installEventFilter(self)

        self.operator_button = QPushButton()
        self.operator_button.setObjectName("operatorButton")
        self.operator_button.setFlat(True)
        self.operator_button.setToolTip(_("写进处理记录、修改记录和打印单据的姓名；点击更换操作员"))
        self.operator_button.clicked.connect(self.change_operator)
        self.statusBar().addPermanentWidget(self.operator_button)
        self.db_label = PlainLabel()
        self.statusBar().addPermanentWidget(self.db_label)
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(0)
        self.sidebar.blockSignals(False)
        self.page_title.setText(_(PAGE_NAMES[0]))
        self.stack.setCurrentIndex(0)

    def show_at_start(self) -> None:
        """Show the window at the program's start: on screen first, then 工作台 reads its lists (an
        instant later, before the clerk can act on them) — the time to a visible window is then the
        program's loading, not the office's data."""
        page = self.pages[0]
        if hasattr(page, "load_after_show"):
            page.load_after_show()
        self.show()

    def start_page_loaded(self) -> bool:
        """Whether the page shown has its data (the benchmarks' first usable paint waits for it)."""
        page = self.stack.currentWidget()
        return not hasattr(page, "loaded") or page.loaded()

    @property
    def welcome(self):
        """The first-start page (demo office / import), built when first needed."""
        if self._welcome is None:
            from .pages.welcome import WelcomePage

            self._welcome = WelcomePage()
            self.stack.addWidget(self._welcome)
        return self._welcome

    def _after_show(self) -> None:
        """Cheap checks once the window is up: the welcome for an empty database, the status bar."""
        if count_projects() == 0:
            self.stack.setCurrentWidget(self.welcome)
            self.page_title.setText(_("欢迎使用保修台"))
        elif self._painted:
            QTimer.singleShot(0, self._show_reminder)
        else:
            self._reminder_due = True  # once the window has painted: the clerk sees it first
        self._update_status()

    def paintEvent(self, event):  # noqa: N802 - Qt
        super().paintEvent(event)
        self._painted = True
        if self._reminder_due:
            self._reminder_due = False
            QTimer.singleShot(0, self._show_reminder)

    def _show_reminder(self) -> None:
        from .reminder_dialog import show_startup_reminder

        self.reminder = show_startup_reminder(self)  # visits due today, overdue, next 7 days

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _data_changed(self, _tables) -> None:
        self._update_status()

    def _update_status(self) -> None:
        self.db_label.setText(_("数据库：{path}").format(path=session.location()))
        self.operator_button.setText(_("操作员：{name}").format(name=operator.current()))

    def change_operator(self) -> None:
        from .operator_dialog import change_operator

        name = change_operator(self)
        if name:
            self._update_status()
            self.show_status(_("现在的操作员：{name}").format(name=name))

    # navigation ---------------------------------------------------------------------------
    def current_page(self):
        return self.stack.currentWidget()

    def can_leave(self) -> bool:
        page = self.current_page()
        if hasattr(page, "is_dirty") and page.is_dirty():
            from . import forms

            if not forms.ask_discard(self):
                return False
            page.discard()
        return True

    def go(self, index: int) -> bool:
        if self.stack.currentIndex() == index and self.stack.currentWidget() in self.pages:
            return True
        if not self.can_leave():
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(self.pages.index(self.current_page()) if self.current_page() in self.pages else 0)
            self.sidebar.blockSignals(False)
            return False
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(index)
        self.sidebar.blockSignals(False)
        self.stack.setCurrentWidget(self.pages[index])  # built on first show
        self.page_title.setText(_(PAGE_NAMES[index]))
        return True

    def _sidebar_clicked(self, row: int) -> None:
        if row >= 0:
            self.go(row)

    def page(self, name: str):
        return self.pages[PAGE_NAMES.index(name)]

    def go_to(self, name: str) -> bool:
        """Show the page called `name` (one of PAGE_NAMES)."""
        return self.go(PAGE_NAMES.index(name))

    def leave_welcome(self) -> None:
        self.stack.setCurrentIndex(0)
        self.page_title.setText(_(PAGE_NAMES[0]))
        self.sidebar.setCurrentRow(0)

    def open_record(self, kind: str, record_id: int) -> None:
        if kind in ("project", "unit"):
            if self.go_to(N_("工程项目")):
                self.page(N_("工程项目")).open_project(record_id, tab="units" if kind == "unit" else None)
        elif kind == "ticket":
            from .pages.tickets import open_ticket

            open_ticket(self, record_id)
        elif kind == "visit":
            from .visit_form import open_visit

            open_visit(self, record_id)
        elif kind == "deposit":
            self.go_to(N_("质保金"))
            self.page(N_("质保金")).select_deposit(record_id)

    # search -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _run_search(self) -> None:
        hits = search_service.search(self.search_box.text(), limit=12)
        self.popup.clear()
        if not self.search_box.text().strip():
            self.popup.hide()
            return
        kinds = {"project": _("工程"), "unit": _("业主"), "ticket": _("工单")}
        for hit in hits:
            item = QListWidgetItem(f"[{kinds[hit.kind]}] {hit.title}    {hit.detail}")
            item.setToolTip(tooltip(f"{hit.title}\n{hit.detail}"))
            item.setData(Qt.ItemDataRole.UserRole, (hit.kind, hit.id, hit.project_id))
            self.popup.addItem(item)
        if not hits:
            item = QListWidgetItem(_("没有找到“{text}”").format(text=self.search_box.text().strip()))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.popup.addItem(item)
        self._place_popup()
        self.popup.show()
        self.popup.raise_()

    def _place_popup(self) -> None:
        """Under the search box, right-aligned with it and kept inside the window (the box sits at the
        window's right edge: a wider list grows to the left, never past the edge)."""
        box = self.search_box
        area = self.centralWidget().rect()
        right = box.mapTo(self.centralWidget(), box.rect().bottomRight())
        width = min(max(box.width(), 560), area.width() - 8)
        rows = min(self.popup.count(), 12)
        height = min(rows * 28 + 6, area.height() - right.y() - 8)
        x = max(4, min(right.x() - width + 1, area.width() - width - 4))
        self.popup.setGeometry(x, right.y() + 2, width, max(height, 34))

    def _search_enter(self) -> None:
        self.search_timer.stop()
        self._run_search()
        if self.popup.count() and self.popup.item(0).flags() & Qt.ItemFlag.ItemIsEnabled:
            self._open_hit(self.popup.item(0))

    def _open_hit(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        kind, record_id, project_id = data
        self.popup.hide()
        if kind == "unit":  # the owner's project, on its 住户 tab with the owner's row marked
            if self.go_to(N_("工程项目")):
                self.page(N_("工程项目")).open_project(project_id, tab="units", unit_id=record_id)
        else:
            self.open_record(kind, record_id)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt
        if event.type() == QEvent.Type.KeyPress:
            if obj is self.search_box and event.key() == Qt.Key.Key_Down and self.popup.isVisible():
                self.popup.setFocus()
                self.popup.setCurrentRow(0)
                return True
            if event.key() == Qt.Key.Key_Escape and self.popup.isVisible():
                self.popup.hide()
                self.search_box.setFocus()
                return True
        if obj is self.search_box and event.type() == QEvent.Type.FocusOut and not self.popup.hasFocus():
            QTimer.singleShot(150, lambda: None if (self.popup.hasFocus() or self.search_box.hasFocus()) else self.popup.hide())
        return super().eventFilter(obj, event)

    # closing ------------------------------------------------------------------------------
    def closeEvent(self, event):  # noqa: N802 - Qt
        if not self.can_leave():
            event.ignore()
            return
        QSettings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
