"""A file handed to the program (`warranty-desk-gui FILE`: the desktop's "open with", a file dropped
on the icon): a backup (.wdbak) opens the restore dialog, a sheet (.xlsx, .csv) the import. Nothing
is changed before the clerk confirms."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from warranty_desk.i18n import _

BACKUP_SUFFIXES = (".wdbak",)
SHEET_SUFFIXES = (".xlsx", ".csv")


def kind_of(path: str) -> str | None:
    """'backup', 'sheet', or None for a file the program does not open."""
    suffix = Path(path).suffix.lower()
    if suffix in BACKUP_SUFFIXES:
        return "backup"
    if suffix in SHEET_SUFFIXES:
        return "sheet"
    return None


def open_file(window: QWidget, path: str) -> bool:
    """Open `path` in the running window; says why when it cannot. Returns whether a dialog opened."""
    file = Path(path)
    kind = kind_of(path)
    if kind is None:
        QMessageBox.warning(window, _("无法打开文件"),
                            _("保修台只能打开备份文件（.wdbak）和导入表格（.xlsx、.csv）：\n{path}").format(path=path))
        return False
    if not file.is_file():
        QMessageBox.warning(window, _("无法打开文件"), _("找不到文件：\n{path}").format(path=path))
        return False
    if kind == "backup":
        from .backup_dialogs import restore_with_confirmation

        restore_with_confirmation(window, str(file))  # checks the file, then asks before replacing anything
        return True
    return open_import(window, str(file))


def open_import(window: QWidget, path: str) -> bool:
    """The import of a sheet: the clerk says what the sheet holds, then every row is checked and
    either all are imported or the problems are listed (the import window of issue 12 takes this
    place when it lands)."""
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("导入表格"))
    box.setText(_("导入“{name}”中的哪一种数据？").format(name=Path(path).name))
    box.setInformativeText(_("每一行都先检查；有任何错误时整张表都不导入，并列出出错的行。"))
    projects = box.addButton(_("工程"), QMessageBox.ButtonRole.AcceptRole)
    units = box.addButton(_("房屋和业主"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("取消"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    chosen = box.clickedButton()
    if chosen not in (projects, units):
        return False
    from .pages.projects import import_sheet

    import_sheet(window, "projects" if chosen is projects else "units", path)
    return True
