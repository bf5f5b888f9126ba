"""Running a service call from the UI (like Anki's operations): show a ValidationError beside its
field (or in a message box), announce exactly what the call changed — the database layer collects
it (warranty_desk/op_changes.py), no caller names tables — and run long work off the UI thread
with a progress dialog through the same machinery."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from warranty_desk import op_changes
from warranty_desk.errors import ConflictError, ImportFailed, ValidationError, explain, scrub
from warranty_desk.i18n import _
from warranty_desk.services import session

from .signals import announce_changes

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
    text = explain(exc, _database_target())
    if text is not None:  # the disk, the file or the server: said in words, never the driver's text
        log.warning("operation failed: %s", exc)
        QMessageBox.warning(parent, _("操作没有完成"), text)
        return
    log.error("unexpected error", exc_info=exc)
    QMessageBox.critical(parent, _("出错了"), _("操作没有完成：{error}").format(error=scrub(str(exc), _database_target())))


def _database_target() -> str | None:
    """The database address the program opened (to name the server and hide its password)."""
    db = session.current()
    return str(getattr(db, "database", "") or "") or None


READ_ONLY_MESSAGE = _("数据库已损坏，当前为只读模式，请从备份恢复")
FILE_READ_ONLY_MESSAGE = _("数据库文件是只读的，当前只能查看和打印，不能保存")


_read_only = {"on": False, "reason": None}


def is_read_only() -> bool:
    """The database was found damaged, or its file may not be written, and is open read-only (the
    start-up check decides, ui.backup_dialogs)."""
    return _read_only["on"]


def read_only_reason() -> str | None:
    """"damaged" (found damaged: restore from a backup) or "file" (the file may not be written)."""
    return _read_only["reason"] if _read_only["on"] else None


def set_read_only(value: bool, update_buttons: bool = True, reason: str = "damaged") -> None:
    """Switch read-only on or off; every save/create button of the open windows follows."""
    _read_only["on"] = bool(value)
    _read_only["reason"] = reason if value else None
    if update_buttons:
        update_write_buttons()


def read_only_message() -> str:
    return FILE_READ_ONLY_MESSAGE if read_only_reason() == "file" else READ_ONLY_MESSAGE


def refuse_when_read_only(parent: QWidget | None) -> bool:
    """True (after telling the clerk) when nothing may be written now."""
    if not is_read_only():
        return False
    if read_only_message() == READ_ONLY_MESSAGE:
        QMessageBox.warning(parent, _("只读模式"), READ_ONLY_MESSAGE + "\n" + _("（设置 → 数据安全 → 从备份恢复）"))
    else:
        QMessageBox.warning(parent, _("只读模式"), FILE_READ_ONLY_MESSAGE)
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
    button.setToolTip(read_only_message())


def update_write_buttons() -> None:
    """After switching to (or out of) read-only: every marked button of every open window."""
    read_only = is_read_only()
    for widget in QApplication.allWidgets():
        if widget.property(WRITES_PROPERTY):
            if read_only:
                _disable(widget)
            elif widget.toolTip() in (READ_ONLY_MESSAGE, FILE_READ_ONLY_MESSAGE):
                widget.setEnabled(True)
                widget.setToolTip("")


def call(fn, *args, **kwargs):
    """Run a service call and announce exactly what it changed (as the database saw it), also when it
    fails after committing part of its work; its errors reach the caller. `perform` below adds the
    read-only refusal and shows the errors; use `call` where the caller answers an error itself."""
    with op_changes.collect() as collected:
        try:
            return fn(*args, **kwargs)
        finally:
            changes = collected.changes()
            if changes:
                announce_changes(changes)


def _no_tables(kwargs: dict) -> None:
    if "tables" in kwargs:  # the changes are collected by the database layer now
        raise TypeError("perform()/run_background() no longer take tables=: what a call changed is announced by itself")


_write_gate: dict = {"wait": None}


def hold_writes(wait) -> None:
    """While the database's check at start is still running (backup_dialogs.StartCheck), `wait()` is
    called before any write: it returns once the check has answered, the window staying responsive
    (None: writes go ahead at once)."""
    _write_gate["wait"] = wait


def wait_until_writable() -> None:
    """Return once the database may be written (at once unless its check at start still runs)."""
    wait = _write_gate["wait"]
    if wait is not None:
        wait()


def perform(parent: QWidget | None, fn, *args, form=None, writes: bool = True, on_conflict=None, **kwargs):
    """Run `fn(*args, **kwargs)` on the UI thread; on success return (True, result), else show why
    and return (False, None). What the call changed is announced on the one "changed" signal.
    Every change to the database goes through here (or `run_background` for long work): while the
    database is read-only (found damaged) it is refused before the core is called. `writes=False`: a
    call that only reads the database (an export to a file, a backup, a restore from a backup).
    `on_conflict(exc)`: the form's own answer to a ConflictError (someone else saved the record
    meanwhile) instead of a message box."""
    _no_tables(kwargs)
    if writes:
        wait_until_writable()
    if writes and refuse_when_read_only(parent):
        return False, None
    if form is not None:
        form.clear_errors()
    try:
        result = call(fn, *args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - every failure is shown to the clerk
        if on_conflict is not None and isinstance(exc, ConflictError):
            on_conflict(exc)
        else:
            show_error(parent, exc, form)
        return False, None
    return True, result


class _TaskSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object, object)  # result, OpChanges
    failed = Signal(object, object)  # exception, OpChanges (what was committed before it failed)


class Task(QRunnable):
    """A service call on a pool thread, its changes collected there. `fn` may take a
    `progress(done, total)` keyword."""

    def __init__(self, fn, *args, with_progress: bool = False, **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = _TaskSignals()
        if with_progress:
            self.kwargs["progress"] = lambda done, total: self.signals.progress.emit(done, total)

    def run(self):
        with op_changes.collect() as collected:
            try:
                result = self.fn(*self.args, **self.kwargs)
            except Exception as exc:  # noqa: BLE001 - reported on the UI thread
                exc.trace = traceback.format_exc()
                self.signals.failed.emit(exc, collected.changes())
            else:
                self.signals.finished.emit(result, collected.changes())
            finally:
                session.close_thread_connection()  # this pool thread's own


_running: dict[QRunnable, str] = {}  # the work off the UI thread → what it is, in the clerk's words


def track(task: QRunnable, what: str) -> None:
    """Note work running off the UI thread (until `untrack`), named for messages that wait for it."""
    _running[task] = what


def untrack(task: QRunnable) -> None:
    _running.pop(task, None)


def running_work() -> list[str]:
    """What runs off the UI thread now (a backup, an import, a print run), each named once."""
    return list(dict.fromkeys(_running.values()))


def run_background(parent: QWidget | None, title: str, fn, *args, on_done=None, on_failed=None,
                   with_progress: bool = False, writes: bool = False, what: str | None = None,
                   **kwargs) -> Task | None:
    """`perform` for long work: `fn` runs off the UI thread with a progress dialog; the window stays
    responsive. What it changed is announced when it ends (before `on_done(result)`).
    `writes=True` (an import, the demo office): refused while the database is read-only.
    `what` names the work (备份, 导入…) where something must wait for it (a restore); else the title."""
    _no_tables(kwargs)
    if writes:
        wait_until_writable()
    if writes and refuse_when_read_only(parent):
        return None
    dialog = QProgressDialog(title, None, 0, 0, parent)
    dialog.setWindowTitle(_("请稍候"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    task = Task(fn, *args, with_progress=with_progress, **kwargs)
    track(task, what or title)

    def progress(done, total):
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)

    def finished(result, changes):
        untrack(task)
        dialog.close()
        if changes:
            announce_changes(changes)
        if on_done:
            on_done(result)

    def failed(exc, changes):
        untrack(task)
        dialog.close()
        if changes:
            announce_changes(changes)
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
