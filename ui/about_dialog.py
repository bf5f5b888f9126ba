"""关于保修台: the version (one number, pyproject's), where the data lives, and a button that copies
these facts for whoever helps the clerk over the phone."""

from __future__ import annotations

import platform
from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QVBoxLayout

from warranty_desk import i18n
from warranty_desk.i18n import _
from warranty_desk.paths import data_dir, resources_dir
from warranty_desk.services import session
from warranty_desk.version import app_version

from .labels import PlainLabel


def about_facts() -> list[tuple[str, str]]:
    """(label, value) pairs shown in the box and copied by its button."""
    target = session.location(with_server=True)
    schema = session.schema_version()
    language = {"zh_CN": _("中文"), "en": _("英文")}.get(i18n.current_locale(), i18n.current_locale())
    return [
        (_("版本"), app_version()),
        (_("数据库"), str(target)),
        (_("数据库结构版本"), schema),
        (_("数据文件夹"), str(data_dir())),
        (_("界面语言"), language),
        (_("运行环境"), f"Python {platform.python_version()}, Qt {pyside_version}, {platform.system()} {platform.release()}"),
    ]


class AboutDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("关于保修台"))
        self.facts = about_facts()

        icon = PlainLabel()
        icon.setPixmap(QPixmap(str(resources_dir() / "icons" / "warranty_desk_128.png")))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        name, version = _("保修台"), _("版本 {version}").format(version=app_version())  # (not inside an f-string: extracted)
        title = PlainLabel(f"<h2>{escape(name)}</h2><p>{escape(version)}</p>")
        title.setObjectName("aboutTitle")
        title.setTextFormat(Qt.TextFormat.RichText)  # markup of our own, every value in it escaped
        blurb = PlainLabel(_("工程回访、保修工单、质保金台账与保修书、保修卡、用户手册的打印。"))
        blurb.setWordWrap(True)
        rows = "".join(
            f"<tr><td style='padding-right:12px; color:#555'>{escape(label)}</td><td>{escape(value)}</td></tr>"
            for label, value in self.facts
        )
        details = PlainLabel(f"<table>{rows}</table>")
        details.setObjectName("aboutDetails")
        details.setTextFormat(Qt.TextFormat.RichText)  # a table of escaped values
        details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details.setWordWrap(True)
        fonts = PlainLabel(_("文档字体：WD Serif SC（思源宋体 Noto Serif CJK 的子集，SIL OFL 1.1）、花園明朝 A（Hanazono Font License）；界面字体：文泉驿微米黑（Apache 2.0）。"))
        fonts.setWordWrap(True)
        fonts.setStyleSheet("color:#666")

        text = QVBoxLayout()
        for widget in (title, blurb, details, fonts):
            text.addWidget(widget)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.copy_button = QPushButton(_("复制以上信息"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_facts)
        buttons.accepted.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def facts_text(self) -> str:
        return "\n".join([_("保修台"), *(f"{label}: {value}" for label, value in self.facts)])

    def copy_facts(self) -> None:
        QGuiApplication.clipboard().setText(self.facts_text())
        self.copy_button.setText(_("已复制"))
