"""设置 → 手机端 in the desktop: turn the service on (address, QR code, the plain-HTTP warning), pair a
phone from the QR code's link, a phone's report reaches the open ticket window at once (photo and
signature shown, history naming the person and the phone); revoke; changes from another process are
noticed through the change counter."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import socket
import subprocess
import sys

import httpx2 as httpx
import pytest
from phone_fixtures import field_office, jpeg, png

from benchmarks.phone_load import free_port
from warranty_desk.models import PhoneDevice, Ticket
from warranty_desk.rules import ticket_states as st
from warranty_desk.services import audit, phones


@pytest.fixture
def phone_tab(app_window, qtbot, monkeypatch, tmp_path):
    from ui import phone_link
    from ui.pages.settings import SettingsPage

    office = field_office()
    page = SettingsPage()
    qtbot.addWidget(page)
    tab = page.phone
    tab.load()
    tab.host.setCurrentText("127.0.0.1")
    tab.port.setValue(free_port())
    yield tab, office
    phone_link.stop()


def _phone_client(link: str) -> httpx.Client:
    """A phone that opened the pairing link: the code is in the #fragment, the page's script puts it in the form."""
    base, code = link.split("/pair#c=")
    client = httpx.Client(base_url=base)
    page = client.get("/pair")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    answer = client.post("/pair", data={"csrf": csrf, "code": code, "name": "张师傅的红米"})
    assert answer.status_code == 303, answer.text
    return client


def test_service_on_pair_submit_and_the_ticket_window_shows_it(phone_tab, qtbot, answers):
    from ui.pages.tickets import TicketView

    tab, office = phone_tab
    assert tab.toggle.text() == "开启" and "未开启" in tab.state.text()
    tab.toggle.click()
    assert tab.toggle.text() == "关闭"
    url = f"http://127.0.0.1:{tab.port.value()}"
    assert url in tab.state.text() and not tab.address_qr.pixmap().isNull()
    assert "未加密" in tab.warning.text()  # plain HTTP: the clerk is warned

    tab.staff.setCurrentIndex(tab.staff.findText("张师傅"))
    tab.pair_button.click()
    assert not tab.pair_qr.pixmap().isNull()
    link = re.search(r"(http://\S+/pair#c=\S+)", tab.pair_text.text()).group(1)
    assert "内有效" in tab.pair_text.text()
    client = _phone_client(link)
    qtbot.waitUntil(lambda: tab.devices.rowCount() == 1, timeout=5000)  # the new phone is listed at once
    assert tab.devices.rows[0]["name"] == "张师傅的红米" and tab.devices.rows[0]["last_seen_at"]

    ticket = office["ticket"]
    window = TicketView(ticket.id)
    qtbot.addWidget(window)
    assert window.attachments.list.count() == 0
    page = client.get("/")
    csrf = re.search(r'id="wd-csrf" value="([^"]+)"', page.text).group(1)
    fields = {"outcome": "signed", "work": "更换防水卷材", "signer": "王业主", "satisfaction": "5",
              "done_at": dt.datetime.now().replace(microsecond=0).isoformat()}
    answer = client.post("/submit", data={
        "csrf": csrf, "key": hashlib.sha256(b"ui").hexdigest()[:32], "kind": "report", "record_id": str(ticket.id),
        "expected_version": str(ticket.version), "fields": json.dumps(fields)},
        files=[("photo", ("a.jpg", jpeg(), "image/jpeg")), ("signature", ("s.png", png(), "image/png"))])
    assert answer.status_code == 200, answer.text
    # the open ticket window refreshes itself through the one "changed" signal
    qtbot.waitUntil(lambda: window.attachments.list.count() == 2, timeout=5000)
    texts = [window.attachments.list.item(i).text() for i in range(2)]
    assert any(t.startswith("照片") for t in texts) and any(t.startswith("签名") for t in texts)
    assert all("张师傅（手机：张师傅的红米）" in t for t in texts)
    assert not window.attachments.list.item(0).icon().isNull()
    qtbot.waitUntil(lambda: "已关闭" in window.windowTitle() or any(
        "已关闭" in window.history.item(i).text() for i in range(window.history.count())), timeout=5000)
    assert any("张师傅（手机：张师傅的红米）" in window.history.item(i).text() for i in range(window.history.count()))
    assert Ticket.get_by_id(ticket.id).state == st.CLOSED

    # revoke: the phone sees nothing any more
    tab.device_view.selectRow(0)
    answers["question"] = __import__("PySide6.QtWidgets", fromlist=["QMessageBox"]).QMessageBox.StandardButton.Yes
    tab.revoke_button.click()
    assert PhoneDevice.get().revoked_at is not None
    assert "已撤销" in tab.devices.data(tab.devices.index(0, 4))
    assert client.get("/").status_code == 403
    tab.toggle.click()
    assert tab.toggle.text() == "开启"


def test_a_bad_port_is_refused_with_the_reason(phone_tab, answers):
    tab, _office = phone_tab
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        tab.port.setValue(taken.getsockname()[1])
        tab.toggle.click()
    assert tab.toggle.text() == "开启"
    assert any("无法在 127.0.0.1" in text for _kind, _title, text in answers["shown"])


def test_changes_from_another_process_refresh_the_open_screens(app_window, qtbot, db):
    """A headless phone service writes in another process: the desktop's poll of the change counter
    announces the tables it changed (and never the desktop's own writes)."""
    from ui import phone_link
    from ui.signals import bus

    office = field_office()
    watch = phone_link.ChangeWatch(interval_ms=100000)
    heard = []
    bus().changed.connect(heard.append)
    audit.record("update", "staff", office["worker"].id, None, None, "own write")
    watch.poll()
    assert heard == []
    code = (
        "import sys; from warranty_desk.db import open_database; from warranty_desk.services import tickets;"
        f"open_database({db.database!r}); tickets.set_cause({office['ticket'].id}, '施工质量')"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    watch.poll()
    assert heard and "ticket" in heard[-1]
    bus().changed.disconnect(heard.append)


def test_pairing_needs_a_running_service(phone_tab, answers):
    tab, _office = phone_tab
    assert phones.announced_server() is None
    tab.pair_button.click()
    assert tab.pair_qr.pixmap().isNull() and any("请先开启" in text for _k, _t, text in answers["shown"])
