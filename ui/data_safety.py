"""设置 → 数据安全: the database this PC opens (a file or an office server, tested before it is saved),
the backup folder, 立即备份到…, 从备份恢复… (checked, confirmed, the current data backed up first),
the list of automatic backups."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from warranty_desk import db_check, passwords
from warranty_desk.db_check import mask_password
from warranty_desk.errors import ValidationError
from warranty_desk.i18n import _, join_list
from warranty_desk.paths import data_dir, default_database
from warranty_desk.services import backup
from warranty_desk.services import settings as settings_service

from .backup_dialogs import FILTER, _busy, opened_target, set_read_only
from .labels import PlainLabel
from .operations import perform, run_background, show_error
from .signals import announce

log = logging.getLogger(__name__)


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

    def backup_to(self, path: str | None = None):
        """Back up to a file the clerk chooses (a USB stick, a network folder), off the UI thread: a
        large office with its photos takes a while. Returns the running task (None: nothing started)."""
        if not path:
            suggested = str(Path.home() / backup._auto_name(dt.datetime.now()))
            path, _filter = QFileDialog.getSaveFileName(self, _("备份到…"), suggested, _(FILTER))
            if not path:
                return None
            if not path.lower().endswith(backup.SUFFIX):
                path += backup.SUFFIX

        def done(manifest):
            files = sum(1 for n in manifest.files if n.startswith("attachments/"))
            QMessageBox.information(self, _("备份完成"), _("已备份到 {path}\n{projects}个工程，{tickets}张工单，{files}个附件文件").format(
                path=path, projects=manifest.counts.get("project", 0), tickets=manifest.counts.get("ticket", 0),
                files=files))

        return run_background(self, _("备份到…"), backup.backup_to, path, on_done=done, what=_("备份"))

    def restore_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("选择备份文件"), str(backup.backup_folder()),
                                                    _(FILTER) + ";;" + _("所有文件 (*)"))
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
        target = opened_target() or default_database()
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
    from .operations import running_work

    running = running_work()
    if running:  # a backup, an import, a print run is using the database: the restore would pull it away
        QMessageBox.information(parent, _("从备份恢复"), _("{work}还没有完成，请等它完成后再恢复").format(
            work=join_list(running)))
        return False
    try:
        manifest = _busy(backup.verify, path)
    except ValidationError as exc:
        show_error(parent, exc)
        return False
    if confirm:
        kept = (_("当前的数据库文件会原样保留在它旁边（改名为“…-before-restore-时间”，恢复后会告诉您它在哪里），"
                  "必要时可以在 设置 → 数据安全 → 数据库 中打开它。") if backup.keeps_replaced_file()
                else _("当前数据会先自动备份到备份文件夹，必要时可以再恢复回来。"))
        answer = QMessageBox.question(
            parent, _("从备份恢复"),
            _("用 {date} 的备份（{projects}个工程，{tickets}张工单，{visits}次回访，备份人：{who}）替换当前的全部数据？").format(
                date=manifest.created.strftime("%Y-%m-%d %H:%M"), projects=manifest.counts.get("project", 0),
                tickets=manifest.counts.get("ticket", 0), visits=manifest.counts.get("visit", 0),
                who=manifest.created_by or "—") + "\n\n" + kept,
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
