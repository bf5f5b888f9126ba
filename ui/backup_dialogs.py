"""Opening the database at start: one window per file, the integrity check and the offer of the latest
good backup, the password of an office server, the read-only state, the full check and the clean-up
after the window shows, and the automatic backups. (设置 → 数据安全 is ui/data_safety.py, the
per-record 修改记录 ui/record_history.py.)"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from warranty_desk import instance_lock, passwords
from warranty_desk.db import is_url
from warranty_desk.errors import ValidationError, explain
from warranty_desk.i18n import N_, _
from warranty_desk.services import integrity, session
from warranty_desk.services import settings as settings_service

from . import operations
from .operations import is_read_only, show_error
from .signals import announce

log = logging.getLogger(__name__)

FILTER = N_("保修台备份 (*.wdbak)")  # said where it is shown (_() at use)

_state = {"lock": None, "full_check": None, "target": None}


def read_only() -> bool:
    """True when the database was found damaged (or the file is read-only) and opened read-only."""
    return is_read_only()


def read_only_reason() -> str | None:
    """"damaged" (found damaged: restore from a backup) or "file" (the file may not be written)."""
    return operations.read_only_reason()


def set_read_only(value: bool, reason: str = "damaged") -> None:
    """Switch read-only on or off; every save/create button of the open windows follows."""
    operations.set_read_only(value, reason=reason)


def opened_target() -> str | None:
    """The database the start opened (a file path or a server address)."""
    return _state.get("target")


# --- start-up -------------------------------------------------------------------------------------

def _busy(fn, *args, **kwargs):
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return fn(*args, **kwargs)
    finally:
        QGuiApplication.restoreOverrideCursor()


def release_window_lock() -> None:
    """Let a new start of the program open the file (the program is closing, or starting again)."""
    lock = _state.get("lock")
    if lock is not None:
        lock.release()
        _state["lock"] = None


def _take_window_lock(target: str) -> bool:
    """One window per SQLite file; a second start is told so (and may still open, at its own choice)."""
    try:
        _state["lock"] = instance_lock.acquire(target)
        return True
    except instance_lock.AlreadyRunning as exc:
        box = QMessageBox(QMessageBox.Icon.Information, _("保修台已在运行"), str(exc))
        box.setInformativeText(_("同一台电脑上同时开两个保修台窗口，两边看不到对方刚做的修改。建议关闭本窗口。"))
        quit_button = box.addButton(_("退出"), QMessageBox.ButtonRole.RejectRole)
        box.addButton(_("仍然打开"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(quit_button)
        box.exec()
        return box.clickedButton() is not quit_button
    except OSError as exc:  # a read-only folder: no lock, but the program still works (WAL, busy timeout)
        log.warning("no window lock for %s: %s", target, exc)
        return True


RESTORED, VIEW, QUIT = "restored", "view", "quit"


def offer_restore_when_damaged(check: integrity.StartupCheck, target: str) -> str:
    """Tell the clerk what is wrong with the database and offer the newest good backup, found in the
    backup folder itself (never from the damaged file's settings). Returns RESTORED (the database is the
    restored one now), VIEW (look at the damaged file read-only; only when it can be read) or QUIT."""
    from warranty_desk.services import backup  # the backups' module: only when a backup is needed

    offer = _busy(backup.latest_good_backup, backup.offer_folders(target))
    title = _("数据库已损坏") if check.kind in ("damaged", "truncated", "not_sqlite") else _("数据库不能使用")
    box = QMessageBox(QMessageBox.Icon.Critical, title, check.message())
    box.setObjectName("damagedDatabase")
    restore_button = None
    if offer is not None:
        path, manifest = offer
        box.setInformativeText(_("最近一次完好的备份：{date}（{projects}个工程，{tickets}张工单）\n{path}\n\n"
                                 "恢复时，现在这个文件会先原样另存一份，不会丢。").format(
            date=manifest.created.strftime("%Y-%m-%d %H:%M"), projects=manifest.counts.get("project", 0),
            tickets=manifest.counts.get("ticket", 0), path=path))
        restore_button = box.addButton(_("从这个备份恢复"), QMessageBox.ButtonRole.AcceptRole)
    else:
        box.setInformativeText(_("备份文件夹中没有可用的备份。可以选择其他位置（U盘、网络文件夹）的备份文件恢复。"))
    choose_button = box.addButton(_("选择备份文件…"), QMessageBox.ButtonRole.ActionRole)
    view_button = box.addButton(_("只读查看"), QMessageBox.ButtonRole.NoRole) if check.viewable else None
    quit_button = box.addButton(_("退出"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore_button or choose_button)
    box.exec()
    clicked = box.clickedButton()
    chosen = None
    if restore_button is not None and clicked is restore_button:
        chosen = str(offer[0])
    elif clicked is choose_button:
        chosen, _filter = QFileDialog.getOpenFileName(None, _("选择备份文件"), str(Path.home()),
                                                      _(FILTER) + ";;" + _("所有文件 (*)"))
    if chosen:
        try:
            result = _busy(backup.restore_from, chosen, target=target)
        except Exception as exc:  # noqa: BLE001 - told in words; the clerk may try another backup
            show_error(None, exc)
            return offer_restore_when_damaged(check, target)
        set_read_only(False)
        QMessageBox.information(None, _("已恢复"), backup.restore_summary(result))
        return RESTORED
    if view_button is not None and clicked is view_button:
        return VIEW
    if clicked is quit_button or not check.viewable:
        return QUIT
    return VIEW


def open_at_start(target: str, early=None) -> bool:
    """Open the database for the program. False: the clerk chose not to continue (or it failed).
    `early`: the check `early_check.start` began for this file (main.py). A damaged, empty, cut-short or
    unreadable file is never opened for writing, and one that cannot be read at all is not opened.

    The start does not wait for the pages of the file to be checked (that takes time in proportion to
    the office's size): when the header, tables and version are well, the file is opened read-only and
    the window shows at once; `settle_start_check` (after the window shows) swaps in the writable
    connection when the check says sound, and every write waits for that answer (operations.hold_writes).
    Without `early` the check is made here, before anything is opened for writing."""
    _state["target"] = target
    _state["start_check"] = None
    if not is_url(target) and not _take_window_lock(target):
        return False
    while True:
        try:
            check = _busy(integrity.open_for_start, target, early)
            break
        except Exception as exc:  # noqa: BLE001 - a server that is down, a newer database: told, never a crash
            if is_url(target) and needs_password(exc) and ask_password(target, exc):
                continue  # typed: try again with it
            QMessageBox.critical(None, _("保修台"), explain(exc, target) or str(exc))
            return False
    if check.pending is not None:
        _state["start_check"] = StartCheck(check, target)
        operations.hold_writes(_state["start_check"].wait)
        operations.set_read_only(False, update_buttons=False)
        return True
    log.info("database opened and checked in %.1f ms", check.elapsed_ms)
    return _take_checked(check, target)


def _take_checked(check: integrity.StartupCheck, target: str) -> bool:
    """Act on the check's answer: refuse a foreign file, offer the backup for a damaged one, say a
    read-only file is read-only, write the defaults into a sound one. False: the clerk chose to quit."""
    if check.kind == "foreign":  # another program's database: not ours to restore over either
        QMessageBox.critical(None, _("数据库不能使用"), "\n".join(check.problems))
        return False
    operations.set_read_only(check.read_only, update_buttons=False)
    if check.read_only:
        outcome = offer_restore_when_damaged(check, target)
        if outcome == QUIT:
            return False
    elif check.file_read_only:
        operations.set_read_only(True, update_buttons=False, reason="file")
        QMessageBox.information(None, _("只读"), _(
            "数据库文件“{path}”是只读的（文件或所在文件夹不允许写入）。\n"
            "保修台以只读方式打开：可以查看、搜索和打印，不能保存修改。\n"
            "要保存修改，请管理员开放写入权限，或把数据库放到可以写入的文件夹。").format(path=target))
    if not read_only():
        settings_service.ensure_defaults()
        # after the window shows (a write only when the version changed)
        db = session.current()
        QTimer.singleShot(500, lambda db=db: _stamp_version(db))
    return True


class StartCheck(QObject):
    """The check of the database file that the start did not wait for (`integrity.open_for_start`):
    a thread waits for its answer, then on the UI thread the writable connection is opened (sound) or
    the clerk is told and offered the latest good backup (damaged; the file stays read-only). Until
    then the database is open read-only and every write waits (`wait`)."""

    answered = Signal()
    settled = Signal()

    def __init__(self, check: integrity.StartupCheck, target: str):
        super().__init__()
        self.check = check
        self.target = target
        self.done = False
        self.outcome: bool | None = None  # True: go on; False: the clerk chose to quit
        self._then: list = []
        self.answered.connect(self.settle, Qt.ConnectionType.QueuedConnection)
        threading.Thread(target=self._wait, name="start-check-wait", daemon=True).start()

    def _wait(self) -> None:
        try:
            self.check.pending.wait()
        finally:
            self.answered.emit()

    def when_settled(self, fn) -> None:
        """Run `fn()` once the answer has been acted on (at once when it has)."""
        if self.done:
            fn()
        else:
            self._then.append(fn)

    def settle(self) -> None:
        if self.done:
            return
        self.done = True
        operations.hold_writes(None)
        try:
            result = integrity.finish_start(self.check)
        except Exception as exc:  # noqa: BLE001 - told in words; the program stays read-only
            log.warning("could not open the database for writing after its check", exc_info=True)
            set_read_only(True, reason="file")
            show_error(None, exc)
            result = None
        log.info("database check at start answered: %s", "sound" if result is not None and result.ok else "not sound")
        if result is not None:
            was_damaged = result.read_only
            self.outcome = _take_checked(result, self.target)
            if self.outcome is False:
                QApplication.instance().quit()
            elif was_damaged:
                operations.update_write_buttons()  # every save button follows
                announce()  # the pages reload (read-only, or the restored office)
        self.settled.emit()
        for fn in self._then:
            fn()
        self._then.clear()

    def wait(self) -> None:
        """Until the answer has been acted on; the window keeps painting meanwhile (busy cursor)."""
        if self.done:
            return
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        self.settled.connect(loop.quit)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if not self.done:
                loop.exec()
        finally:
            QGuiApplication.restoreOverrideCursor()
            self.settled.disconnect(loop.quit)


def start_check() -> StartCheck | None:
    """The check at start still to be (or already) acted on; None when the start waited for it."""
    return _state.get("start_check")


def after_start_check(fn) -> None:
    """Run `fn()` once the database is known sound (or found damaged and handled): at once when the
    start already waited for the check."""
    check = start_check()
    if check is None:
        fn()
    else:
        check.when_settled(fn)


def needs_password(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "password authentication failed" in text or "no password supplied" in text


def ask_password(target: str, exc: BaseException) -> bool:
    """The server wants a password this PC does not have (no keyring, or a wrong one): ask the clerk.
    Kept for this session (and in the keyring when there is one); never written to a file."""
    from PySide6.QtWidgets import QInputDialog

    parts = passwords.account(target)
    wrong = "password authentication failed" in str(exc).lower() and passwords.password_for(target)
    prompt = (_("密码不对，请重新输入数据库 {account} 的密码：") if wrong else
              _("请输入数据库 {account} 的密码：")).format(account=parts)
    secret, ok = QInputDialog.getText(None, _("数据库密码"), prompt, QLineEdit.EchoMode.Password)
    if not ok or not secret:
        return False
    passwords.remember_for_session(target, secret)
    if passwords.has_keyring():
        passwords.store(passwords.with_password(target, secret))
    return True


def _stamp_version(db) -> None:
    """Record the program version in the database (meta.app_version), unless it was found damaged
    or another database was opened meanwhile."""
    from warranty_desk.db import stamp_app_version

    if read_only() or not session.is_current(db):
        return
    try:
        stamp_app_version()
    except Exception:  # noqa: BLE001 - a busy or read-only file: the stamp waits for the next start
        log.warning("could not record the program version", exc_info=True)


class FullCheck(QObject):
    """The checks after start, on a worker thread (connections of their own), started once the window
    shows: the full ``integrity_check`` of an SQLite file, then the audit log's hash chain, the heads the
    backups recorded and the attachment files (services.verify). Damage the quick check at start did not
    find (an index that no longer matches its table) switches the program to read-only at once: the
    database is reopened read-only, the clerk is told and offered the latest good backup. A chain or an
    attachment that no longer matches is told (which row, which file), and the work goes on."""

    finished = Signal(list)
    verified = Signal(object)

    def __init__(self, path: str, parent: QWidget | None = None):
        super().__init__()
        self.path = path
        self.parent_widget = parent
        self.problems: list[str] | None = None
        self.report = None
        self.thread: threading.Thread | None = None
        self.finished.connect(self._finished)  # queued: emitted on the worker thread
        self.verified.connect(self._verified)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="integrity-check", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        problems: list[str] = []
        if not is_url(self.path):
            try:
                problems = integrity.full_check_file(self.path)
            except Exception as exc:  # noqa: BLE001 - reported like any damage
                problems = [str(exc)]
            self.finished.emit(problems)
        if problems:
            return
        from warranty_desk.services import verify as verify_service

        try:
            report = verify_service.check_after_start(self.path)
        except Exception:  # noqa: BLE001 - the check must never disturb the work
            log.warning("the check after start failed", exc_info=True)
            return
        self.verified.emit(report)

    def _finished(self, problems: list) -> None:
        self.problems = problems
        log.info("full integrity check: %s", "ok" if not problems else problems[:3])
        if problems and not read_only():
            switch_to_read_only(self.path, problems, self.parent_widget)

    def _verified(self, report) -> None:
        self.report = report
        log.info("check after start: %s in %.1f s", "ok" if report.ok else report.problems[:3], report.elapsed_s)
        if report.ok:
            return
        shown = "\n".join(f"· {p.text}" for p in report.problems[:5])
        more = len(report.problems) - 5
        box = QMessageBox(QMessageBox.Icon.Warning, _("数据核验发现不符"), _(
            "保修台在后台核验了修改记录的校验链和附件文件，发现以下不符：\n{problems}{more}").format(
            problems=shown, more=_("\n……还有 {n} 处").format(n=more) if more > 0 else ""), parent=self.parent_widget)
        box.setObjectName("verifyProblems")
        box.setInformativeText(_("数据可以照常使用。被改动的记录或文件请与最近的备份核对；"
                                 "在命令行运行 warranty-desk verify 可列出全部。"))
        box.exec()


def switch_to_read_only(path: str, problems: list[str], parent: QWidget | None = None) -> None:
    """Damage found while the program runs: reopen the file read-only, tell the clerk, offer a backup."""
    session.close()
    db = integrity.open_read_only(path)
    set_read_only(True)
    check = integrity.StartupCheck(db, list(problems), True)
    if offer_restore_when_damaged(check, path) == QUIT:
        QApplication.instance().quit()
    announce()  # pages reload (read-only or restored)


def start_full_check(target: str, parent: QWidget | None = None, delay_ms: int = 1500) -> FullCheck | None:
    """Run the checks after start shortly after the window shows (not slowing the start): the full
    integrity check of an SQLite file, the audit chain and the attachments. Nothing for a database
    already opened read-only."""
    if read_only() or (not is_url(target) and not Path(target).expanduser().is_file()):
        return None
    check = FullCheck(target if is_url(target) else str(Path(target).expanduser()), parent)
    _state["full_check"] = check
    QTimer.singleShot(delay_ms, check.start)
    return check


def start_cleanup(target: str) -> threading.Thread:
    """Remove, off the UI thread, what interrupted backups and restores left behind (half-written
    .part backups, work folders holding whole copies of the database, half-copied attachments)."""

    def run():
        from warranty_desk.services import backup

        try:
            backup.remove_leftovers(target)
        except Exception:  # noqa: BLE001 - tidying up must never disturb the start
            log.warning("could not remove leftovers of interrupted backups", exc_info=True)

    thread = threading.Thread(target=run, name="leftovers", daemon=True)
    thread.start()
    return thread


def start_automatic_backups(app: QApplication, parent: QWidget | None = None) -> None:
    """The daily backup a few seconds after start (not slowing it) and one when the program closes."""
    if read_only():
        return
    from warranty_desk.services import backup

    def daily():
        if read_only():  # damage found by the full check after start: no backup of a damaged file
            return
        try:
            backup.auto_backup("daily")
        except (ValidationError, OSError) as exc:
            message = exc.message if isinstance(exc, ValidationError) else str(exc)
            log.warning("automatic backup failed: %s", message)
            QMessageBox.warning(parent, _("自动备份失败"), _("今天的自动备份没有完成：{m}\n请在 设置 → 数据安全 中检查备份文件夹。").format(
                m=message))

    def on_close():
        try:
            if not read_only():
                backup.auto_backup("close")
        except Exception:  # noqa: BLE001 - closing must never fail because of a backup
            log.exception("backup on close failed")
        lock = _state.get("lock")
        if lock is not None:
            lock.release()

    QTimer.singleShot(3000, daily)
    app.aboutToQuit.connect(on_close)
