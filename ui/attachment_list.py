"""The photos, signatures and scans of a record, as thumbnails (the ticket window's 照片和签字 tab):
whatever was attached at the office or from a phone; double-click opens the file."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from warranty_desk.i18n import _
from warranty_desk.services import attachments

from .labels import PlainLabel
from .operations import show_error
from .signals import bus, touches

THUMB = 150


class AttachmentList(QWidget):
    def __init__(self, owner_table: str, owner_id: int, parent=None):
        super().__init__(parent)
        self.owner_table, self.owner_id = owner_table, owner_id
        layout = QVBoxLayout(self)
        self.summary = PlainLabel()
        layout.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setObjectName("attachmentList")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._open)
        layout.addWidget(self.list)
        bus().changed.connect(self._changed)
        self.load()

    def _changed(self, tables) -> None:
        if touches(tables, "attachment", self.owner_table):
            self.load()

    def load(self) -> None:
        self.list.clear()
        rows = attachments.list_for(self.owner_table, self.owner_id)
        for att in rows:
            kind = _(attachments.KINDS.get(att.kind, att.kind))
            text = f"{kind}\n{att.created_by}\n{att.created_at:%Y-%m-%d %H:%M}" if att.created_at else kind
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, att.id)
            item.setToolTip(att.filename)
            if att.mime.startswith("image/"):
                pixmap = QPixmap()
                try:
                    pixmap.loadFromData(attachments.read_bytes(att, verify=False))
                except Exception:  # noqa: BLE001 - a missing file shows as a plain entry
                    pixmap = QPixmap()
                if not pixmap.isNull():
                    item.setIcon(QIcon(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation)))
            self.list.addItem(item)
        self.summary.setText(_("共 {n} 个附件（双击打开）").format(n=len(rows)) if rows else _("还没有照片或签字"))

    def _open(self, item: QListWidgetItem) -> None:
        try:
            path = attachments.open_attachment(attachments.get_attachment(item.data(Qt.ItemDataRole.UserRole)))
        except Exception as exc:  # noqa: BLE001 - missing file: say so
            show_error(self, exc)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
