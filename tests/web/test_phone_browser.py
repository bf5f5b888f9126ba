"""The phone pages in a real browser (Debian's chromium, 360×780, touch): pair from the QR code's
link, open a repair, mark arrival, take a photo, draw the owner's signature, submit with the network
cut — nothing lost, nothing sent twice; a visit's live score; a conflict shown with both versions."""

from __future__ import annotations

import time

from browser import OFFLINE, ONLINE
from phone_fixtures import jpeg
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from warranty_desk.cli_phone import pairing_link
from warranty_desk.models import Attachment, PhoneDevice, PhoneSubmission, Ticket, TicketEvent, Visit
from warranty_desk.rules import scoring
from warranty_desk.rules import ticket_states as st
from warranty_desk.services import attachments, phones, questionnaires, tickets


def wait(driver, condition, timeout=60, message=""):
    """Wait for `condition`; on a timeout keep a screenshot and print what the page logged."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d), message)
    except Exception:
        driver.save_screenshot("/tmp/wd-phone-test-failure.png")
        for entry in driver.get_log("browser"):  # what the page said, for the failure report
            print(entry)
        raise


def pair(phone, live, name="张师傅的红米"):
    d = phone.driver
    code = phones.create_pairing(live["worker"].id)["code"]
    d.get(pairing_link(live["url"], code))
    wait(d, lambda d: d.find_element(By.ID, "pair-code").get_attribute("value") == code, message="code not filled")
    assert "#" not in d.current_url  # the code left the address bar
    field = d.find_element(By.ID, "pair-name")
    assert field.get_attribute("value")  # a name guessed from the phone
    field.clear()
    field.send_keys(name)
    tap(d, d.find_element(By.CSS_SELECTOR, "#pair-form button[type=submit]"))
    wait(d, lambda d: "我的任务" in d.page_source, message="not paired")


def tap(driver, element):
    """A finger's tap (the element's own click: the emulated phone's coordinates are not the driver's)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element)


def draw_signature(driver):
    """A stroke of the finger over the signature pad, as the pointer events a touch screen sends."""
    driver.execute_script("""
        var c = document.getElementById('signature'); c.scrollIntoView({block: 'center'});
        var r = c.getBoundingClientRect(), y = r.top + r.height / 2, x = r.left + 20;
        function ev(type, px, py) {
          c.dispatchEvent(new PointerEvent(type, {pointerId: 1, pointerType: 'touch', clientX: px, clientY: py,
                                                   bubbles: true, isPrimary: true}));
        }
        ev('pointerdown', x, y);
        for (var i = 1; i <= 12; i++) ev('pointermove', x + i * 18, y + (i % 2 ? -25 : 25));
        ev('pointerup', x + 230, y);""")


def outbox_states(driver):
    return driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('#wd-outbox .ob .st'), function (e) { return e.textContent; })")


def test_pair_open_arrive_photo_sign_submit_offline_then_online(fresh_phone, live, tmp_path):
    phone, d = fresh_phone, fresh_phone.driver
    pair(phone, live)
    device = PhoneDevice.get()
    assert device.name == "张师傅的红米" and device.staff_id == live["worker"].id
    ticket = live["ticket"]
    tap(d, d.find_element(By.CSS_SELECTOR, f'a[href="/t/{ticket.id}"]'))
    wait(d, lambda d: d.find_elements(By.ID, "arrive"))
    assert "王业主" in d.page_source and 'href="tel:13800000001"' in d.page_source
    tap(d, d.find_element(By.ID, "arrive"))
    wait(d, lambda d: Ticket.get_by_id(ticket.id).state == st.ONSITE, message="arrival not saved")
    wait(d, lambda d: "已发送" in outbox_states(d))

    # fill in the report: the work, a material, a photo from the "camera", the owner's signature
    d.find_element(By.NAME, "work").send_keys("更换屋面防水卷材 3 平方米")
    d.find_element(By.CSS_SELECTOR, "#cost-rows input[name=description]").send_keys("防水卷材")
    d.find_element(By.CSS_SELECTOR, "#cost-rows input[name=unit_price]").send_keys("45")
    photo = tmp_path / "site.jpg"
    photo.write_bytes(jpeg(size=(2400, 1800)))
    d.find_element(By.ID, "photo-input").send_keys(str(photo))
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#photo-previews img"), message="no preview")
    draw_signature(d)
    tap(d, d.find_element(By.CSS_SELECTOR, '.stars input[name=satisfaction][value="5"]'))
    wait(d, lambda d: "已保存在本机" in d.find_element(By.ID, "draft-state").text)
    time.sleep(0.5)

    # what was typed survives a reload of the page (it lives in the phone's storage)
    d.refresh()
    wait(d, lambda d: d.find_element(By.NAME, "work").get_attribute("value") == "更换屋面防水卷材 3 平方米",
         message="draft lost")
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#photo-previews img"))

    # the network goes; the submission waits on the phone as 未发送
    phone.network(OFFLINE)
    tap(d, d.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
    wait(d, lambda d: "未发送" in outbox_states(d), message="not queued")
    time.sleep(1.5)
    assert Ticket.get_by_id(ticket.id).state == st.ONSITE and PhoneSubmission.select().count() == 1
    assert "1 条未发送" in d.find_element(By.ID, "wd-status").text

    # the network comes back: sent once, by itself
    phone.network(ONLINE)
    d.execute_script("window.dispatchEvent(new Event('online'))")
    wait(d, lambda d: Ticket.get_by_id(ticket.id).state == st.CLOSED, timeout=40, message="not sent")
    wait(d, lambda d: outbox_states(d).count("已发送") == 2)
    saved = Ticket.get_by_id(ticket.id)
    assert saved.signoff_kind == "screen" and saved.signoff_by == "王业主" and saved.satisfaction == 5
    kinds = sorted(a.kind for a in attachments.list_for("ticket", ticket.id))
    assert kinds == ["photo", "signature"]
    photo_row = Attachment.get((Attachment.owner_id == ticket.id) & (Attachment.kind == "photo"))
    assert photo_row.size < 600_000 and photo_row.mime == "image/jpeg"  # compressed on the phone
    from PIL import Image

    with Image.open(attachments.open_attachment(photo_row)) as img:
        assert max(img.size) == 1600
    assert tickets.ticket_detail(ticket.id)["cost_lines"][0]["amount"] == "45.00"
    events = TicketEvent.select().where(TicketEvent.ticket == ticket.id)
    assert {e.by for e in events if e.to_state in (st.ONSITE, st.CLOSED)} == {"张师傅（手机：张师傅的红米）"}

    # the answer could have been lost: the same submission sent once more changes nothing
    submissions = PhoneSubmission.select().count()
    d.execute_async_script("""
        var done = arguments[arguments.length - 1];
        var req = indexedDB.open('baoxiutai-phone', 1);
        req.onsuccess = function () {
          var tx = req.result.transaction('outbox', 'readwrite'), s = tx.objectStore('outbox');
          s.getAll().onsuccess = function (e) {
            e.target.result.forEach(function (item) { if (item.kind === 'report') { item.state = 'unsent'; s.put(item); } });
          };
          tx.oncomplete = function () { window.dispatchEvent(new Event('online')); done(); };
        };""")
    wait(d, lambda d: outbox_states(d).count("已发送") == 2 and "未发送" not in outbox_states(d))
    assert PhoneSubmission.select().count() == submissions
    assert len(attachments.list_for("ticket", ticket.id)) == 2
    assert TicketEvent.select().where((TicketEvent.ticket == ticket.id) & (TicketEvent.to_state == st.CLOSED)).count() == 1


def test_a_conflict_shows_both_versions_and_keeps_the_input(fresh_phone, live):
    phone, d = fresh_phone, fresh_phone.driver
    pair(phone, live)
    ticket = live["ticket"]
    d.get(f"{live['url']}/t/{ticket.id}")
    d.find_element(By.NAME, "work").send_keys("疏通落水管")
    tap(d, d.find_element(By.CSS_SELECTOR, 'input[name=outcome][value="done"]'))
    tickets.set_cause(ticket.id, "施工质量")  # the clerk, meanwhile
    tap(d, d.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
    wait(d, lambda d: "有冲突" in outbox_states(d), message="no conflict shown")
    card = d.find_element(By.CSS_SELECTOR, "#wd-outbox .ob.conflict")
    assert "办公室的版本" in card.text and "责任：施工质量" in card.text
    assert "您的输入" in card.text and "疏通落水管" in card.text
    assert Ticket.get_by_id(ticket.id).state == st.DISPATCHED
    tap(d, card.find_element(By.CSS_SELECTOR, "button.primary"))
    wait(d, lambda d: Ticket.get_by_id(ticket.id).state == st.AWAITING_CHECK, message="resubmission not saved")
    assert "疏通落水管" in [e.reason for e in TicketEvent.select().where(TicketEvent.to_state == st.AWAITING_CHECK)]


def test_a_visit_with_its_questionnaire_live_score_and_signature(fresh_phone, live):
    phone, d = fresh_phone, fresh_phone.driver
    pair(phone, live)
    visit = live["visit"]
    d.get(f"{live['url']}/v/{visit.id}")
    template = questionnaires.active_template()
    chosen = {}
    for n, q in enumerate(questionnaires.questions_of(template)):
        value = {"scale": str(2 + n % 4), "yesno": "否", "choice": None, "text": None}[q.kind]
        if q.kind == "choice":
            value = scoring.parse_choices(q.choices)[1][0]
        if value is None:
            continue
        box = d.find_element(By.CSS_SELECTOR, f'input[name="q{q.id}"][value="{value}"]')
        tap(d, box)
        chosen[q.id] = value
    expected = scoring.score(questionnaires.specs(template), chosen)
    shown = float(d.find_element(By.ID, "live-score").get_attribute("data-score"))
    assert shown == expected.score and expected.grade in d.find_element(By.ID, "live-score").text
    draw_signature(d)
    time.sleep(0.5)
    tap(d, d.find_element(By.CSS_SELECTOR, "#visit-form button[type=submit]"))
    wait(d, lambda d: Visit.get_by_id(visit.id).status == "done", message="visit not saved")
    saved = Visit.get_by_id(visit.id)
    assert saved.score == expected.score and saved.grade == expected.grade
    assert [a.kind for a in attachments.list_for("visit", visit.id)] == ["signature"]
