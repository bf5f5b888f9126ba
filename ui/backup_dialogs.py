"""Data safety in the desktop program: opening the database at start (one window per file, integrity
check, offer of the latest good backup), automatic backups, the 数据安全 tab of 设置 (备份到…,
从备份恢复…, backup folder) and the per-record change history (修改记录)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warranty_desk import db_check, instance_lock, passwords
from warranty_desk.db import is_url
from warranty_desk.db_check import mask_password
from warranty_desk.errors import ValidationError, explain
from warranty_desk.i18n import _
from warranty_desk.paths import data_dir, default_database
from warranty_desk.services import audit, backup, integrity, session
from warranty_desk.services import settings as settings_service
from warranty_desk.services import verify as verify_service

from . import operations
from .labels import PlainLabel
from .operations import is_read_only, perform, show_error
from .signals import announce

log = logging.getLogger(__name__)

FILTER = _("保修台备份 (*.wdbak)")
ACTIONS = {"create": _("新建"), "update": _("修改"), "delete": _("删除"), "import": _("导入"),
           "transition": _("状态变更"), "handover": _("交付"), "signoff": _("验收签字")}

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


# --- start-up -------------------------------------------------------------------------------------

def _busy(fn, *args, **kwargs):
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return fn(*args, **kwargs)
    finally:
        QGuiApplication.restoreOverrideCursor()


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
                                                      FILTER + ";;" + _("所有文件 (*)"))
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
    `early`: the quick check `early_check.start` began for this file (main.py). Nothing queries the file
    before that check has answered; a damaged, empty, cut-short or unreadable file is never opened for
    writing, and one that cannot be read at all is not opened."""
    _state["target"] = target
    if not is_url(target) and not _take_window_lock(target):
        return False
    while True:
        try:
            # quick_check at start (pages, records, keys); the full check follows in the background
            check = _busy(integrity.open_checked, target, quick=True, early=early, stamp=False)
            break
        except Exception as exc:  # noqa: BLE001 - a server that is down, a newer database: told, never a crash
            if is_url(target) and needs_password(exc) and ask_password(target, exc):
                continue  # typed: try again with it
            QMessageBox.critical(None, _("保修台"), explain(exc, target) or str(exc))
            return False
    log.info("database opened and checked in %.1f ms", check.elapsed_ms)
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


# --- 设置 → 数据安全 -------------------------------------------------------------------------------

class DataSafetyTab(QWidget):
    """Backup folder, 立即备份到…, 从备份恢复…, the list of automatic backups."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.database_box = DatabaseBox()
        layout.addWidget(self.database_box)
        intro = PlainLabel(_("保修台每天自动备份一次，关闭程序时（有修改的话）再备份一次。每个备份是一个 .wdbak 文件，"
                         "包含全部数据和附件（照片、扫描件、签名）。保留最近 14 天每天一份、最近 12 个月每月一份。\n"
                         "建议定期“备份到…”U盘或网络文件夹，放在另一处保存。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        folder_row = QHBoxLayout()
        self.folder_label = PlainLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        change_folder = QPushButton(_("更改备份文件夹…"))
        change_folder.clicked.connect(self.choose_folder)
        folder_row.addWidget(PlainLabel(_("备份文件夹：")))
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(change_folder)
        layout.addLayout(folder_row)
        self.list = QListWidget()
        self.list.setObjectName("backupList")
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton(_("备份到…"))
        self.backup_button.setObjectName("backupTo")
        self.restore_button = QPushButton(_("从备份文件恢复…"))
        self.restore_selected_button = QPushButton(_("从选中的备份恢复"))
        self.backup_button.clicked.connect(self.backup_to)
        self.restore_button.clicked.connect(self.restore_file)
        self.restore_selected_button.clicked.connect(self.restore_selected)
        buttons.addWidget(self.backup_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_selected_button)
        buttons.addWidget(self.restore_button)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        try:
            folder = backup.backup_folder()
        except OSError as exc:
            self.folder_label.setText(_("无法使用：{e}").format(e=exc))
            return
        self.folder_label.setText(str(folder))
        self.list.clear()
        for path in backup.list_backups(folder):
            stamp = backup._stamp_of(path)
            kind = _("恢复前自动保存") if "before-restore" in path.name else (
                _("关闭时") if "-close" in path.name else _("每日"))
            item = QListWidgetItem(f"{stamp:%Y-%m-%d %H:%M}    {kind}    {path.stat().st_size / 1024 / 1024:.1f} MB")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.list.addItem(item)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("选择备份文件夹"), str(backup.backup_folder()))
        if folder:
            perform(self, settings_service.set, "backup_folder", folder)
            self.refresh()

    def backup_to(self, path: str | None = None) -> bool:
        if not path:
            suggested = str(Path.home() / backup._auto_name(dt.datetime.now()))
            path, _filter = QFileDialog.getSaveFileName(self, _("备份到…"), suggested, FILTER)
            if not path:
                return False
            if not path.lower().endswith(backup.SUFFIX):
                path += backup.SUFFIX
        ok, manifest = perform(self, _busy, backup.backup_to, path, writes=False)
        if ok:
            files = sum(1 for n in manifest.files if n.startswith("attachments/"))
            QMessageBox.information(self, _("备份完成"), _("已备份到 {path}\n{projects}个工程，{tickets}张工单，{files}个附件文件").format(
                path=path, projects=manifest.counts.get("project", 0), tickets=manifest.counts.get("ticket", 0),
                files=files))
        return ok

    def restore_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("选择备份文件"), str(backup.backup_folder()),
                                                    FILTER + ";;" + _("所有文件 (*)"))
        if path:
            restore_with_confirmation(self, path)
            self.refresh()

    def restore_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            QMessageBox.information(self, _("从备份恢复"), _("请先在列表中选中一个备份"))
            return
        restore_with_confirmation(self, item.data(Qt.ItemDataRole.UserRole))
        self.refresh()


class _CheckSignals(QObject):
    done = Signal(object, object)  # (TargetCheck or None, error message or None)


class DatabaseBox(QGroupBox):
    """Which database this PC opens: a file, or a PostgreSQL server shared by several clerks. Kept
    in this PC's config file (warranty_desk.config), used from the next start."""

    def __init__(self, parent=None):
        super().__init__(_("数据库"), parent)
        layout = QVBoxLayout(self)
        self.current_label = PlainLabel()
        self.current_label.setObjectName("currentDatabase")
        self.current_label.setWordWrap(True)
        self.current_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.current_label)
        row = QHBoxLayout()
        self.address = QLineEdit()
        self.address.setObjectName("databaseAddress")
        self.address.setMaxLength(1000)
        self.address.setPlaceholderText(_("留空：用本机默认的数据库文件。多人共用：postgresql://用户名:密码@服务器/数据库名"))
        self.address.textEdited.connect(self._edited)
        choose = QPushButton(_("选择文件…"))
        choose.clicked.connect(self.choose_file)
        self.test_button = QPushButton(_("测试连接"))
        self.test_button.setObjectName("testConnection")
        self.save_button = QPushButton(_("保存（重启后生效）"))
        self.save_button.setObjectName("saveDatabase")
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        row.addWidget(PlainLabel(_("数据库：")))
        row.addWidget(self.address, 1)
        row.addWidget(choose)
        row.addWidget(self.test_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.result = PlainLabel()
        self.result.setObjectName("connectionResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.result)
        self.signals = _CheckSignals()
        self.signals.done.connect(self._checked)  # queued: emitted on the worker thread
        self.thread: threading.Thread | None = None
        self.load()

    # the saved address: shown with its password masked, used as is while the text is untouched
    def load(self) -> None:
        from warranty_desk import config

        self.saved = str(config.load().get("database") or "")
        shown = self.saved
        if "://" in shown and passwords.password_in(shown) is None and passwords.password_for(shown):
            shown = passwords.with_password(shown, "-")  # the keyring holds one: shown as ••••
        self.shown = mask_password(shown)
        self.address.setText(self.shown)
        self.result.clear()
        target = _state.get("target") or default_database()
        self.current_label.setText(_("本次使用：{target}（{source}）").format(
            target=mask_password(str(target)), source=self._source(str(target))))

    def _source(self, target: str) -> str:
        if os.environ.get("WARRANTY_DESK_DB") == target:
            return _("环境变量 WARRANTY_DESK_DB")
        if self.saved and target == self.saved:
            return _("这里保存的设置")
        if target == str(data_dir() / "warranty_desk.db"):
            return _("本机默认位置")
        return _("启动参数 --db")

    def _edited(self, *_a) -> None:
        self.result.clear()

    def value(self) -> str:
        text = self.address.text().strip()
        return self.saved if self.saved and text == self.shown else text

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("选择数据库文件"), self.value() or str(data_dir()), _("保修台数据库 (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.address.setText(path)
            self.result.clear()

    def _show(self, text: str, ok: bool) -> None:
        self.result.setStyleSheet("color: #2e7d32;" if ok else "color: #c62828;")
        self.result.setText(text)

    # 测试连接: off the UI thread (a server that does not answer takes seconds)
    def test_connection(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        target = self.value()
        self.test_button.setEnabled(False)
        self._show(_("正在连接 {target}…").format(target=mask_password(target)), True)
        self.result.setStyleSheet("")
        self.thread = threading.Thread(target=self._run_check, args=(target,), name="db-check", daemon=True)
        self.thread.start()

    def _run_check(self, target: str) -> None:
        try:
            result = db_check.check_target(target or default_database_file())
        except ValidationError as exc:
            self.signals.done.emit(None, exc.message)
        except Exception as exc:  # noqa: BLE001 - any failure is told, never a crash
            log.warning("connection test failed", exc_info=True)
            self.signals.done.emit(None, _("连接失败：{error}").format(error=exc))
        else:
            self.signals.done.emit(result, None)

    def _checked(self, result, error) -> None:
        self.test_button.setEnabled(True)
        if error:
            self._show(error, False)
        else:
            self._show(result.message(), True)

    def save(self) -> bool:
        from warranty_desk import config

        target = self.value()
        try:
            target = db_check.normalize(target)
        except ValidationError as exc:
            self._show(exc.message, False)
            return False
        try:
            config.save({"database": target})
        except OSError as exc:
            self._show(_("无法保存设置：{error}").format(error=exc), False)
            return False
        shown = mask_password(target) if target else _("本机默认位置（{path}）").format(path=default_database_file())
        text = _("已保存。下次启动保修台时使用：{target}").format(target=shown)
        if passwords.password_in(target or ""):
            text += "\n" + (_("密码保存在系统的密码库中，不写在任何文件里。") if passwords.has_keyring() else
                            _("本机没有系统密码库：密码不会保存，每次启动时询问。"))
        if os.environ.get("WARRANTY_DESK_DB"):
            text += "\n" + _("注意：环境变量 WARRANTY_DESK_DB 已设置，它优先于这里的设置。")
        self.load()
        self._show(text, True)
        return True


def default_database_file() -> str:
    return str(data_dir() / "warranty_desk.db")


def restore_with_confirmation(parent: QWidget | None, path: str, confirm: bool = True) -> bool:
    """Check the file, ask the clerk, restore (the current data is backed up first), announce."""
    from .operations import busy

    if busy():  # an import or print run of this window is writing: the restore would wait for it
        QMessageBox.information(parent, _("从备份恢复"), _("正在进行的导入或打印还没有完成，请等它完成后再恢复"))
        return False
    try:
        manifest = _busy(backup.verify, path)
    except ValidationError as exc:
        show_error(parent, exc)
        return False
    if confirm:
        answer = QMessageBox.question(
            parent, _("从备份恢复"),
            _("用 {date} 的备份（{projects}个工程，{tickets}张工单，{visits}次回访，备份人：{who}）替换当前的全部数据？\n\n"
              "当前数据会先自动备份到备份文件夹，必要时可以再恢复回来。").format(
                date=manifest.created.strftime("%Y-%m-%d %H:%M"), projects=manifest.counts.get("project", 0),
                tickets=manifest.counts.get("ticket", 0), visits=manifest.counts.get("visit", 0),
                who=manifest.created_by or "—"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
    # on the UI thread on purpose: the database connection is closed and reopened
    ok, result = perform(parent, _busy, backup.restore_from, path, writes=False)
    if ok:
        set_read_only(False)
        announce()  # everything changed
        QMessageBox.information(parent, _("已恢复"), backup.restore_summary(result))
    return ok


# --- 修改记录 --------------------------------------------------------------------------------------

def _values(text: str) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


from warranty_desk.services.projects import MANUAL_FACTS  # noqa: E402 - the labels of the project form

FIELD_LABELS = {
    "code": _("工程编号"), "name": _("名称"), "type": _("工程类型"), "scale": _("工程规模"), "client": _("建设单位"),
    "contact": _("联系人"), "phone": _("联系电话"), "address": _("地址"), "region": _("所在地区"),
    "has_cooling": _("有供冷系统"), "accepted_on": _("竣工验收日期"), "handed_over_on": _("交付日期"),
    "contract_amount": _("合同金额"), "design_life_years": _("设计使用年限"), "manager": _("项目经理"),
    "developer": _("开发单位"), "designer": _("设计单位"), "supervisor": _("监理单位"), "notes": _("备注"),
    **{key: _(label) for key, label in MANUAL_FACTS.items()}, "layout": _("户型"), "area": _("建筑面积"),
    "created_at": _("建立时间"), "project": _("工程"), "unit": _("住户"), "state": _("状态"), "status": _("状态"),
    "urgency": _("紧急程度"), "description": _("内容"), "location": _("部位"), "reporter": _("报修人"),
    "channel": _("报修方式"), "reported_at": _("报修时间"), "category": _("保修项目"), "assignee": _("维修人"),
    "subcontractor": _("分包单位"), "cause_class": _("责任"), "quote_amount": _("报价"), "planned_on": _("计划日期"),
    "original_planned_on": _("原计划日期"), "done_at": _("回访时间"), "method": _("回访方式"), "visitor": _("回访人"),
    "met_person": _("被访人"), "opinion": _("业主意见"), "findings": _("发现的问题"), "score": _("满意度得分"),
    "grade": _("满意度等级"), "answers": _("问卷答案"), "amount": _("金额"), "settled_price": _("结算价"),
    "defect_months": _("缺陷责任期（月）"), "start_on": _("起始日"), "end_on": _("截止日"),
    "agreed_unit": _("约定期限单位"), "agreed_amount": _("约定期限"), "applied_on": _("申请返还日"),
    "returned_on": _("返还日"), "returned_amount": _("返还金额"), "reason": _("原因"),
}


def describe_change(row) -> str:
    """One audit row in words: field: old → new, one per line (the field's name in words)."""
    old, new = _values(row.old), _values(row.new)
    lines = []
    for key in sorted(set(old) | set(new)):
        if key in ("id", "version"):
            continue
        before, after = old.get(key), new.get(key)
        label = FIELD_LABELS.get(key, key)
        if row.action == "create":
            if after not in (None, "", False):
                lines.append(f"{label}：{after}")
        else:
            lines.append(f"{label}：{'' if before is None else before} → {'' if after is None else after}")
    return "\n".join(lines)


class HistoryDialog(QDialog):
    """修改记录 of one record: when, who, what, old → new. Read only: nobody edits the audit log.
    `related`: other records shown with it, as (table, id, label) — a project's warranty items."""

    def __init__(self, table: str, record_id: int, title: str = "", parent=None, related=()):
        super().__init__(parent)
        self.setWindowTitle(_("修改记录") + (f" — {title}" if title else ""))
        self.resize(880 if related else 820, 460)
        layout = QVBoxLayout(self)
        sources = [(table, record_id, title)] + list(related)
        rows = []
        for source_table, source_id, label in sources:
            rows += [(row, label) for row in audit.history(source_table, source_id)]
        rows.sort(key=lambda pair: (pair[0].at or dt.datetime.min, pair[0].id))
        headers = [_("时间"), _("操作人"), _("操作"), _("修改内容"), _("说明")]
        if related:
            headers.insert(2, _("记录"))
        self.table = QTableWidget(len(rows), len(headers))
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for i, (row, label) in enumerate(rows):
            cells = [row.at.strftime("%Y-%m-%d %H:%M") if row.at else "", row.user, ACTIONS.get(row.action, row.action),
                     describe_change(row), row.note]
            if related:
                cells.insert(2, label)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(i, j, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(headers.index(_("修改内容")), QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 130)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table if rows else PlainLabel(_("这条记录还没有修改记录")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def history_button(text: str | None = None) -> QPushButton:
    button = QPushButton(text or _("修改记录…"))
    button.setObjectName("historyButton")
    button.setToolTip(_("谁在什么时候改了什么（只能查看，不能修改或删除）"))
    return button


def show_history(parent: QWidget | None, table: str, record_id: int, title: str = "", related=()) -> HistoryDialog:
    """Open the 修改记录 window (window-modal, not blocking the caller)."""
    dialog = HistoryDialog(table, record_id, title, parent, related)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
