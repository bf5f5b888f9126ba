"""Running a service call from the UI: show a ValidationError beside its field (or in a message
box), announce the change, and run long work off the UI thread with a progress dialog."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from warranty_desk.errors import ConflictError, ImportFailed, ValidationError
from warranty_desk.i18n import _
from warranty_desk.models import database_proxy

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


def perform(parent: QWidget | None, fn, *args, tables=(), form=None, **kwargs):
    """Run `fn(*args, **kwargs)`; on success announce `tables` and return (True, result)."""
    if form is not None:
        form.clear_errors()
    try:
        result = fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - every failure is shown to the clerk
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
            # peewee keeps one connection per thread: close this pool thread's own
            try:
                if not database_proxy.obj.is_closed():
                    database_proxy.obj.close()
            except Exception:  # noqa: BLE001 - a closed or in-memory database
                pass


_running: set = set()


def run_background(parent: QWidget | None, title: str, fn, *args, tables=(), on_done=None, on_failed=None,
                   with_progress: bool = False, **kwargs) -> Task:
    """Run `fn` off the UI thread with a progress dialog; the window stays responsive."""
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
