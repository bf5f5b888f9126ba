"""The phone service request by request (Starlette's test client, no browser): only paired phones see
anything; pairing by the one-time code; CSRF, sizes, image checks, rate limit; submissions applied
once; nothing written by a refused request; the log holds no token."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import subprocess
import sys

import pytest
from phone_fixtures import field_office, jpeg, png
from starlette.testclient import TestClient

from warranty_desk.models import Attachment, AuditLog, CostLine, PhoneDevice, PhoneSubmission, Ticket
from warranty_desk.rules import ticket_states as st
from warranty_desk.services import attachments, phones, tickets
from warranty_desk.web.app import WebConfig, create_app
from warranty_desk.web.security import RateLimit


@pytest.fixture
def office(db):
    return field_office()


@pytest.fixture
def service(office):
    app = create_app(WebConfig())
    yield app
    app.close()


def _client(app, host="testserver") -> TestClient:
    return TestClient(app, base_url=f"http://{host}")


def _csrf(client, path="/pair") -> str:
    page = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"|id="wd-csrf" value="([^"]+)"', page.text).group(1) or ""


def _pair(app, office, name="张师傅的红米") -> TestClient:
    client = _client(app)
    code = phones.create_pairing(office["worker"].id)["code"]
    csrf = _csrf(client)
    response = client.post("/pair", data={"csrf": csrf, "code": code, "name": name}, follow_redirects=False)
    assert response.status_code == 303, response.text
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    return client


def _page_csrf(client) -> str:
    return re.search(r'id="wd-csrf" value="([^"]+)"', client.get("/").text).group(1)


def _key(n) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()[:32]


def _submit(client, office, key, files=(), csrf=None, **fields):
    ticket = Ticket.get_by_id(office["ticket"].id)
    data = {"outcome": "signed", "work": "更换防水卷材", "signer": "王业主", "satisfaction": "4"}
    data.update(fields)
    form = {"csrf": csrf if csrf is not None else _page_csrf(client), "key": key, "kind": "report",
            "record_id": str(ticket.id), "expected_version": str(ticket.version), "fields": json.dumps(data)}
    upload = list(files) or [("photo", ("a.jpg", jpeg(), "image/jpeg")), ("signature", ("s.png", png(), "image/png"))]
    return client.post("/submit", data=form, files=upload)


def test_an_unpaired_browser_sees_nothing(service, office):
    client = _client(service)
    for path in ("/", f"/t/{office['ticket'].id}", f"/v/{office['visit'].id}", "/outbox"):
        page = client.get(path)
        assert page.status_code == 401 and "还没有配对" in page.text
        assert "王业主" not in page.text and "天花板" not in page.text
    answer = client.post("/submit", data={"key": _key(1)})
    assert answer.status_code == 401
    assert client.get("/a/1").status_code == 401


def test_pairing_shows_my_work_and_a_repair(service, office):
    client = _pair(service, office)
    home = client.get("/")
    assert home.status_code == 200 and "张师傅 · 张师傅的红米" in home.text
    assert office["ticket"].number in home.text and "定期回访" in home.text or "回访" in home.text
    page = client.get(f"/t/{office['ticket'].id}")
    assert page.status_code == 200
    for text in ("王业主", 'href="tel:13800000001"', "阳光路 8 号", "保修期内", "雨后天花板渗水", "已到场"):
        assert text in page.text, text
    headers = page.headers
    assert headers["cache-control"] == "no-store" and "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    visit = client.get(f"/v/{office['visit'].id}")
    assert visit.status_code == 200 and "工程回访问卷" in visit.text and "wd-scores" in visit.text
    other = phones.create_pairing(office["other"].id)  # someone else's ticket: not shown
    assert other["staff_name"] == "李师傅"
    tickets.dispatch(office["ticket"].id, office["other"].id)
    assert client.get(f"/t/{office['ticket'].id}").status_code == 404


def test_expired_used_and_wrong_codes_are_refused_and_write_nothing(service, office):
    import datetime as dt

    client = _client(service)
    csrf = _csrf(client)
    late = phones.create_pairing(office["worker"].id, now=dt.datetime.now() - dt.timedelta(minutes=10, seconds=5))
    answer = client.post("/pair", data={"csrf": csrf, "code": late["code"], "name": "手机"}, follow_redirects=False)
    assert answer.status_code == 400 and "已过期" in answer.text and "wd_phone" not in answer.headers.get("set-cookie", "")
    answer = client.post("/pair", data={"csrf": csrf, "code": "x" * 24, "name": "手机"}, follow_redirects=False)
    assert answer.status_code == 400 and "无效" in answer.text
    assert PhoneDevice.select().count() == 0
    assert client.get("/").status_code == 401


def test_a_forged_csrf_token_is_refused(service, office):
    client = _client(service)
    code = phones.create_pairing(office["worker"].id)["code"]
    _csrf(client)
    answer = client.post("/pair", data={"csrf": "forged", "code": code, "name": "手机"}, follow_redirects=False)
    assert answer.status_code == 403 and PhoneDevice.select().count() == 0
    paired = _pair(service, office)
    before = AuditLog.select().count()
    answer = _submit(paired, office, _key("f"), csrf="forged-token")
    assert answer.status_code == 403 and "安全校验" in answer.json()["message"]
    # a page of another site posting with the phone's cookies: its Origin gives it away
    csrf = _page_csrf(paired)
    ticket = Ticket.get_by_id(office["ticket"].id)
    answer = paired.post("/submit", headers={"origin": "http://evil.example"},
                         data={"csrf": csrf, "key": _key("o"), "kind": "arrive", "record_id": str(ticket.id),
                               "expected_version": str(ticket.version), "fields": "{}"})
    assert answer.status_code == 403
    assert AuditLog.select().count() == before and Ticket.get_by_id(ticket.id).state == st.DISPATCHED


def test_a_revoked_phone_is_refused(service, office):
    client = _pair(service, office)
    device = PhoneDevice.get()
    phones.revoke(device.id)
    page = client.get("/")
    assert page.status_code == 403 and "撤销" in page.text
    answer = _submit(client, office, _key("r"))
    assert answer.status_code == 401
    assert Ticket.get_by_id(office["ticket"].id).state == st.DISPATCHED and PhoneSubmission.select().count() == 0


def test_a_submission_closes_the_ticket_and_a_resend_changes_nothing(service, office):
    client = _pair(service, office)
    answer = _submit(client, office, _key("ok"), costs=[{"kind": "材料", "description": "卷材", "quantity": "2",
                                                          "unit_price": "50", "borne_by": "我方"}])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "saved" and body["duplicate"] is False and body["state"] == st.CLOSED
    # the answer's keys are the phone page's contract (field_work.SubmitResult; a visit's has score instead of due_text)
    assert set(body) == {"message", "version", "state", "status", "key", "kind", "record_id", "version_before",
                         "audit_mark", "state_name", "finished", "due_text", "duplicate"}
    ticket = Ticket.get_by_id(office["ticket"].id)
    atts = attachments.list_for("ticket", ticket.id)
    assert sorted(a.kind for a in atts) == ["photo", "signature"]
    assert all(a.created_by == "张师傅（手机：张师傅的红米）" for a in atts)
    # the answer was lost on the way: the phone sends the same key again
    files = [("photo", ("a.jpg", jpeg(), "image/jpeg")), ("signature", ("s.png", png(), "image/png"))]
    form = {"csrf": _page_csrf(client), "key": _key("ok"), "kind": "report", "record_id": str(ticket.id),
            "expected_version": str(body["version_before"]), "fields": json.dumps({"outcome": "signed"})}
    again = client.post("/submit", data=form, files=files)
    assert again.status_code == 200 and again.json()["duplicate"] is True and set(again.json()) == set(body)
    assert CostLine.select().count() == 1 and Attachment.select().count() == 2


def test_oversized_and_non_image_uploads_are_refused_and_write_nothing(service, office):
    client = _pair(service, office)
    before = AuditLog.select().count()
    answer = _submit(client, office, _key("n"), files=[("photo", ("x.jpg", b"MZ not a picture" * 50, "image/jpeg")),
                                                       ("signature", ("s.png", png(), "image/png"))])
    assert answer.status_code == 400 and "不是可以打开的图片" in answer.json()["message"]
    big = b"\xff\xd8\xff" + b"0" * (attachments.MAX_BYTES + 10)
    answer = _submit(client, office, _key("b"), files=[("photo", ("big.jpg", big, "image/jpeg")),
                                                       ("signature", ("s.png", png(), "image/png"))])
    assert answer.status_code == 400 and "太大" in answer.json()["message"]
    huge = b"0" * (2 * attachments.MAX_BYTES + 1)
    answer = _submit(client, office, _key("h"), files=[("photo", ("huge.jpg", huge, "image/jpeg"))])
    assert answer.status_code == 413
    assert AuditLog.select().count() == before and Attachment.select().count() == 0
    assert PhoneSubmission.select().count() == 0 and Ticket.get_by_id(office["ticket"].id).state == st.DISPATCHED


def test_a_conflict_answers_with_the_office_version(service, office):
    client = _pair(service, office)
    tickets.set_cause(office["ticket"].id, "施工质量")
    ticket = Ticket.get_by_id(office["ticket"].id)
    form = {"csrf": _page_csrf(client), "key": _key("c"), "kind": "arrive", "record_id": str(ticket.id),
            "expected_version": str(ticket.version - 1), "fields": "{}", "audit_mark": "0"}
    answer = client.post("/submit", data=form)
    assert answer.status_code == 409
    body = answer.json()
    assert body["office"]["version"] == ticket.version and ["责任", "施工质量"] in body["office"]["rows"]
    assert set(body) == {"status", "message", "office"} and set(body["office"]) == {"version", "rows", "changes",
                                                                                     "audit_mark"}
    assert body["office"]["changes"] and set(body["office"]["changes"][0]) == {"at", "user", "note", "fields"}
    assert Ticket.get_by_id(ticket.id).state == st.DISPATCHED


def test_pairing_is_rate_limited(office):
    app = create_app(WebConfig(pair_limit=RateLimit(count=3, seconds=600, total=100)))
    try:
        client = _client(app)
        csrf = _csrf(client)
        codes = [client.post("/pair", data={"csrf": csrf, "code": "y" * 24, "name": "手机"}).status_code for _ in range(4)]
        assert codes == [400, 400, 400, 429]
    finally:
        app.close()


def test_the_request_log_holds_no_token_or_code(service, office, caplog):
    caplog.set_level(logging.INFO, logger="warranty_desk.web.access")
    client = _pair(service, office)
    token = client.cookies.get("wd_phone")
    client.get("/?x=secret-query")
    _submit(client, office, _key("log"))
    text = caplog.text
    assert "GET / 200" in text and "POST /submit 200" in text and "phone=" in text
    assert token and token not in text and "secret-query" not in text and "csrf" not in text


def test_the_web_package_imports_no_qt():
    code = "import warranty_desk.web.app, warranty_desk.web.server, sys; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_templates_and_script_hold_no_untranslated_chinese():
    from pathlib import Path

    cjk = re.compile(r"[\u3400-\u9fff]")
    web = Path(__file__).resolve().parents[2] / "warranty_desk" / "web"
    found = []
    for path in [*(web / "templates").glob("*.html"), web / "static" / "app.js", web / "static" / "app.css"]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".js":  # only its leading comment may be Chinese
            text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        stripped = re.sub(r'_\(\s*"[^"]*"|_\(\s*\'[^\']*\'', "", text)
        found += [f"{path.name}: {line.strip()}" for line in stripped.splitlines() if cjk.search(line)]
    assert not found, "\n".join(found)


def test_the_page_script_is_sent_gzipped_to_a_browser_that_takes_it(service):
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "warranty_desk" / "web" / "static" / "app.js").read_text(encoding="utf-8")
    client = _client(service)
    zipped = client.get("/static/app.js", headers={"accept-encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(script.encode()) / 2 and zipped.text == script
    assert "accept-encoding" in zipped.headers["vary"] and "immutable" in zipped.headers["cache-control"]
    plain = client.get("/static/app.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == script
    assert client.get("/static/other.js").status_code == 404
