"""设置 → 手机端: turn the phone service on and off (the address and its QR code), pair a staff
member's phone with a one-time QR code, and see and revoke the paired phones."""

from __future__ import annotations

import datetime as dt
import io

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from warranty_desk import config
from warranty_desk.cli.phone import pairing_link
from warranty_desk.i18n import _
from warranty_desk.services import phones
from warranty_desk.services import staff as staff_service
from warranty_desk.web.server import DEFAULT_PORT, ServeOptions, local_addresses

from . import phone_link
from .labels import PlainLabel
from .operations import call, mark_write, perform, show_error
from .signals import bus, touches
from .table_models import GREY, Column, RowsModel, make_table, selected_row

WARNING_STYLE = "color: #c62828; font-weight: bold;"


def qr_pixmap(text: str, scale: int = 5) -> QPixmap:
    """A QR code of `text` as a pixmap (segno writes the PNG; no Pillow needed)."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else ""


class PhoneTab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        scroll.setWidget(inner)
        outer.addWidget(scroll)

        # the service
        service = QGroupBox(_("手机端服务"))
        form = QFormLayout(service)
        saved = config.load()
        self.host = QComboBox()
        self.host.setObjectName("phoneHost")
        self.host.setEditable(True)  # an address this list does not know can be typed
        self.host.addItems(local_addresses())
        if saved.get("phone_host"):
            self.host.setCurrentText(saved["phone_host"])
        form.addRow(_("本机地址"), self.host)
        self.port = QSpinBox()
        self.port.setObjectName("phonePort")
        self.port.setRange(1024, 65535)
        self.port.setValue(int(saved.get("phone_port") or DEFAULT_PORT))
        form.addRow(_("端口"), self.port)
        self.cert = QLineEdit(saved.get("phone_cert") or "")
        self.key = QLineEdit(saved.get("phone_key") or "")
        for label, edit, title in ((_("HTTPS 证书（可选）"), self.cert, _("选择证书文件")),
                                   (_("HTTPS 私钥（可选）"), self.key, _("选择私钥文件"))):
            row = QHBoxLayout()
            row.addWidget(edit)
            choose = QPushButton(_("选择…"))
            choose.clicked.connect(lambda _c=False, e=edit, t=title: self._choose(e, t))
            row.addWidget(choose)
            form.addRow(label, row)
        buttons = QHBoxLayout()
        self.toggle = QPushButton()
        self.toggle.setObjectName("phoneToggle")
        self.toggle.clicked.connect(self._toggle)
        buttons.addWidget(self.toggle)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.state = PlainLabel()
        self.state.setObjectName("phoneState")
        self.state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state.setWordWrap(True)
        form.addRow(_("状态"), self.state)
        self.warning = PlainLabel()
        self.warning.setObjectName("phoneHttpWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        form.addRow("", self.warning)
        self.address_qr = PlainLabel()
        self.address_qr.setObjectName("phoneAddressQr")
        form.addRow("", self.address_qr)
        layout.addWidget(service)

        # pairing
        pairing = QGroupBox(_("配对手机"))
        pair_layout = QVBoxLayout(pairing)
        row = QHBoxLayout()
        row.addWidget(PlainLabel(_("员工")))
        self.staff = QComboBox()
        self.staff.setObjectName("phoneStaff")
        row.addWidget(self.staff, 1)
        self.pair_button = QPushButton(_("生成配对二维码"))
        self.pair_button.setObjectName("phonePair")
        self.pair_button.clicked.connect(self._pair)
        mark_write(self.pair_button)
        row.addWidget(self.pair_button)
        pair_layout.addLayout(row)
        self.pair_qr = PlainLabel()
        self.pair_qr.setObjectName("phonePairQr")
        pair_layout.addWidget(self.pair_qr)
        self.pair_text = PlainLabel()
        self.pair_text.setObjectName("phonePairText")
        self.pair_text.setWordWrap(True)
        self.pair_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pair_layout.addWidget(self.pair_text)
        layout.addWidget(pairing)
        self.pairing: dict | None = None
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._tick)

        # paired phones
        devices = QGroupBox(_("已配对的手机"))
        devices_layout = QVBoxLayout(devices)
        self.devices = RowsModel([
            Column(_("手机名称"), lambda d: d["name"], 150),
            Column(_("员工"), lambda d: d["staff_name"], 80),
            Column(_("配对时间"), lambda d: _when(d["paired_at"]), 130),
            Column(_("最近使用"), lambda d: _when(d["last_seen_at"]) + (f"  {d['last_seen_ip']}" if d["last_seen_ip"] else ""), 180),
            Column(_("状态"), lambda d: (_("已撤销") + " " + _when(d["revoked_at"])) if d["revoked_at"] else _("在用"), 150,
                   lambda d: GREY if d["revoked_at"] else None),
        ])
        self.device_view = make_table(self.devices, "phone_devices")
        self.device_view.setMinimumHeight(160)
        devices_layout.addWidget(self.device_view)
        row = QHBoxLayout()
        row.addStretch(1)
        self.revoke_button = QPushButton(_("撤销配对…"))
        self.revoke_button.setObjectName("phoneRevoke")
        self.revoke_button.clicked.connect(self._revoke)
        mark_write(self.revoke_button)
        row.addWidget(self.revoke_button)
        devices_layout.addLayout(row)
        layout.addWidget(devices)
        layout.addStretch(1)

        bus().changed.connect(self._changed)
        self.load()

    # --- data ---------------------------------------------------------------------------------
    def _changed(self, tables) -> None:
        if touches(tables, "phone_device", "staff", "pairing_code"):
            self.load()

    def load(self) -> None:
        current = self.staff.currentData()
        self.staff.clear()
        for person in staff_service.list_staff(active_only=True):
            self.staff.addItem(person.name, person.id)
        if current is not None and self.staff.findData(current) >= 0:
            self.staff.setCurrentIndex(self.staff.findData(current))
        self.devices.set_rows(phones.list_devices())
        self._show_state()

    def base_url(self) -> str | None:
        running = phone_link.server()
        if running is not None:
            return running.url
        announced = phones.announced_server()
        return announced["url"] if announced else None

    def _show_state(self) -> None:
        running = phone_link.server()
        announced = phones.announced_server()
        self.toggle.setText(_("关闭") if running else _("开启"))
        for widget in (self.host, self.port, self.cert, self.key):
            widget.setEnabled(running is None)
        if running is not None:
            self.state.setText(_("正在运行：手机在同一网络中打开 {url}").format(url=running.url))
            self.address_qr.setPixmap(qr_pixmap(running.url, 4))
            self.warning.setText("" if running.options.https else _(
                "注意：当前为未加密的 HTTP。同一网络中的其他设备可能看到传输的内容（包括照片和签名）。"
                "请只在办公室自己的网络中使用，或提供 HTTPS 证书。"))
        else:
            self.address_qr.clear()
            self.warning.setText("")
            if announced:
                self.state.setText(_("本机未开启；服务器上的手机端服务：{url}（{at} 启动）").format(
                    url=announced["url"], at=announced.get("started_at", "")))
            else:
                self.state.setText(_("未开启（默认关闭：开启后才在所选地址上提供服务）"))

    # --- actions ------------------------------------------------------------------------------
    def _choose(self, edit: QLineEdit, title: str) -> None:
        path, _f = QFileDialog.getOpenFileName(self, title, "", _("证书和私钥 (*.pem *.crt *.key);;所有文件 (*)"))
        if path:
            edit.setText(path)

    def options(self) -> ServeOptions:
        return ServeOptions(self.host.currentText(), self.port.value(), self.cert.text().strip() or None,
                            self.key.text().strip() or None)

    def _toggle(self) -> None:
        if phone_link.server() is not None:
            phone_link.stop()
        else:
            options = self.options()
            ok, _result = perform(self, phone_link.start, options, writes=False)
            if ok:
                config.save({"phone_host": options.host, "phone_port": options.port,
                             "phone_cert": options.certfile or "", "phone_key": options.keyfile or ""})
        self._show_state()

    def _pair(self) -> None:
        base = self.base_url()
        if base is None:
            QMessageBox.warning(self, _("手机端"), _("请先开启手机端服务（或在服务器上运行 warranty-desk serve），再生成配对二维码。"))
            return
        ok, info = perform(self, phones.create_pairing, self.staff.currentData())
        if not ok:
            return
        link = pairing_link(base, info["code"])
        self.pairing = dict(info, link=link)
        self.pair_qr.setPixmap(qr_pixmap(link, 5))
        self.countdown.start()
        self._tick()

    def _tick(self) -> None:
        if self.pairing is None:
            return
        left = int((self.pairing["expires_at"] - dt.datetime.now()).total_seconds())
        if left <= 0:
            self.countdown.stop()
            self.pair_qr.clear()
            self.pair_text.setText(_("配对二维码已过期，请重新生成。"))
            self.pairing = None
            return
        self.pair_text.setText(_("请 {name} 用手机扫描二维码（{m}:{s:02d} 内有效，只能配对一部手机）：\n{link}").format(
            name=self.pairing["staff_name"], m=left // 60, s=left % 60, link=self.pairing["link"]))

    def _revoke(self) -> None:
        row = selected_row(self.device_view)
        if row is None or row["revoked_at"]:
            return
        answer = QMessageBox.question(self, _("撤销配对"), _("撤销“{name}”（{staff}）的配对？撤销后这部手机不能再查看或提交。").format(
            name=row["name"], staff=row["staff_name"]))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            call(phones.revoke, row["id"])
        except Exception as exc:  # noqa: BLE001 - shown to the clerk
            show_error(self, exc)
            return
