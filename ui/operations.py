"""Running a service call from the UI: show a ValidationError beside its field (or in a message
box), announce the change, and run long work off the UI thread with a progress dialog."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from warranty_desk.errors import ConflictError, ImportFailed, ValidationError
from warranty_desk.i18n import _
from warranty_desk.services import session

from .signals import announce

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: Exception, form=None) -> None:
    """A ValidationError goes beside its field when the form has it; anything else in a box."""
    if isinstance(exc, ImportFailed):
        from .dialogs import ImportErrorsDialog

        ImportErrorsDialog(exc, parent).exec()
        return
    if isinstance(exc, ValidationError):
        if form is not None and not isinstance(exc, ConflictError) and form.show_error(exc.field, exc.message):
            return
        QMessageBox.warning(parent, _("无法保存"), exc.message)
        return
    log.error("unexpected error", exc_info=exc)
    QMessageBox.critical(parent, _("出错了"), _("操作没有完成：{error}").format(error=exc))


READ_ONLY_MESSAGE = _("数据库已损坏，当前为只读模式，请从备份恢复")


def is_read_only() -> bool:
    """The database was found damaged and is open read-only (ui.backup_dialogs decides)."""
    module = sys.modules.get("ui.backup_dialogs")
    return bool(module is not None and module.read_only())


def refuse_when_read_only(parent: QWidget | None) -> bool:
    """True (after telling the clerk) when nothing may be written now."""
    if not is_read_only():
        return False
    QMessageBox.warning(parent, _("只读模式"), READ_ONLY_MESSAGE + "\n" + _("（设置 → 数据安全 → 从备份恢复）"))
    return True


WRITES_PROPERTY = "wdWrites"


def mark_write(*buttons) -> None:
    """Buttons that save, create or change a record: disabled while the database is read-only."""
    read_only = is_read_only()
    for button in buttons:
        button.setProperty(WRITES_PROPERTY, True)
        if read_only:
            _disable(button)


def _disable(button) -> None:
    button.setEnabled(False)
    button.setToolTip(READ_ONLY_MESSAGE)


def update_write_buttons() -> None:
    """After switching to (or out of) read-only: every marked button of every open window."""
    read_only = is_read_only()
    for widget in QApplication.allWidgets():
        if widget.property(WRITES_PROPERTY):
            if read_only:
                _disable(widget)
            elif widget.toolTip() == READ_ONLY_MESSAGE:
                widget.setEnabled(True)
                widget.setToolTip("")


def perform(parent: QWidget | None, fn, *args, tables=(), form=None, writes: bool = True, on_conflict=None,
            **kwargs):
    """Run `fn(*args, **kwargs)`; on success announce `tables` and return (True, result).
    Every change to the database goes through here: while the database is read-only (found damaged)
    it is refused before the core is called. `writes=False`: a call that only reads the database
    (an export to a file, a backup, a restore from a backup). `on_conflict(exc)`: the form's own
    answer to a ConflictError (someone else saved the record meanwhile) instead of a message box."""
    if writes and refuse_when_read_only(parent):
        return False, None
    if form is not None:
        form.clear_errors()
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - every failure is shown to the clerk
        if on_conflict is not None and isinstance(exc, ConflictError):
            on_conflict(exc)
        else:
            show_error(parent, exc, form)
        return False, None
    if tables:
        announce(*tables)
    return True, result


class _TaskSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    """A service call on a pool thread. `fn` may take a `progress(done, total)` keyword."""

    def __init__(self, fn, *args, with_progress: bool = False, **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = _TaskSignals()
        if with_progress:
            self.kwargs["progress"] = lambda done, total: self.signals.progress.emit(done, total)

    def run(self):
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # noqa: BLE001 - reported on the UI thread
            exc.trace = traceback.format_exc()
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        finally:
            session.close_thread_connection()  # this pool thread's own


_running: set = set()


def run_background(parent: QWidget | None, title: str, fn, *args, tables=(), on_done=None, on_failed=None,
                   with_progress: bool = False, writes: bool = False, **kwargs) -> Task | None:
    """Run `fn` off the UI thread with a progress dialog; the window stays responsive.
    `writes=True` (an import, the demo office): refused while the database is read-only."""
    if writes and refuse_when_read_only(parent):
        return None
    dialog = QProgressDialog(title, None, 0, 0, parent)
    dialog.setWindowTitle(_("请稍候"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    task = Task(fn, *args, with_progress=with_progress, **kwargs)
    _running.add(task)

    def progress(done, total):
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)

    def finished(result):
        _running.discard(task)
        dialog.close()
        if tables:
            announce(*tables)
        if on_done:
            on_done(result)

    def failed(exc):
        _running.discard(task)
        dialog.close()
        if on_failed:
            on_failed(exc)
        else:
            show_error(parent, exc)

    task.signals.progress.connect(progress)
    task.signals.finished.connect(finished)
    task.signals.failed.connect(failed)
    task.setAutoDelete(False)
    QThreadPool.globalInstance().start(task)
    return task


def busy() -> bool:
    return bool(_running)
