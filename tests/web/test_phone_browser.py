"""The phone pages in a real browser (Debian's chromium, 360×780, touch): pair from the QR code's
link, open a repair, mark arrival, take a photo, draw the owner's signature, submit with the network
cut — nothing lost, nothing sent twice; a visit's live score; a conflict shown with both versions."""

from __future__ import annotations

from browser import OFFLINE, ONLINE
from phone_fixtures import jpeg
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from warranty_desk.cli.phone import pairing_link
from warranty_desk.models import Attachment, PhoneDevice, PhoneSubmission, Ticket, TicketEvent, Visit
from warranty_desk.rules import scoring
from warranty_desk.rules import ticket_states as st
from warranty_desk.rules.satisfaction import grade_name
from warranty_desk.services import attachments, phones, questionnaires, tickets


def wait(driver, condition, timeout=60, message=""):
    """Wait for `condition`; on a timeout keep a screenshot and print what the page logged."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.2).until(lambda d: condition(d), message)
    except Exception:
        print(page_state(driver))
        for entry in driver.get_log("browser"):  # what the page said, for the failure report
            print(entry)
        raise


def page_state(driver) -> str:
    """For a failure report: where the page is, whether its script is ready, and the phone's outbox."""
    try:
        return driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            var head = location.pathname + ' readyState=' + document.readyState +
                ' ready=' + document.documentElement.getAttribute('data-ready');
            var req = indexedDB.open('baoxiutai-phone', 1);
            req.onerror = function () { done(head + ' (no storage)'); };
            req.onsuccess = function () {
              var r = req.result.transaction('outbox').objectStore('outbox').getAll();
              r.onsuccess = function () {
                done(head + ' outbox=' + JSON.stringify(r.result.map(function (i) {
                  return [i.kind, i.state, i.message || '', i.created];
                })));
              };
            };""")
    except Exception as exc:  # noqa: BLE001 - only a report
        return f"(page state unavailable: {exc})"


def ready(driver, path: str) -> None:
    """Wait until the page at `path` is set up by its script (drafts restored, buttons live): a tap
    before that would find no handler. Also right after a tap on a link: the old page is ready too,
    so the path must be the new one."""
    wait(driver, lambda d: d.execute_script(
        "return location.pathname === arguments[0] && document.documentElement.getAttribute('data-ready') === '1'",
        path), message=f"page {path} not ready")


def open_page(driver, url: str, path: str) -> None:
    driver.get(url + path)
    ready(driver, path)


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
    ready(d, "/")
    assert "我的任务" in d.page_source


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


def stored(driver, store: str) -> list[dict]:
    """What the phone keeps in its browser storage ('drafts' or 'outbox'), photos and signature counted."""
    return driver.execute_async_script("""
        var name = arguments[0], done = arguments[arguments.length - 1];
        var req = indexedDB.open('baoxiutai-phone', 1);
        req.onsuccess = function () {
          var r = req.result.transaction(name).objectStore(name).getAll();
          r.onsuccess = function () {
            done(r.result.map(function (i) {
              return {id: i.id || i.key, kind: i.kind, state: i.state, message: i.message || '', values: i.values || {},
                      duplicate: !!i.duplicate, photos: (i.photos || []).length, signature: !!i.signature};
            }));
          };
        };""", store)


# a phone slow to open its storage: the page's IndexedDB opens seconds late (as on a busy old phone)
SLOW_STORAGE = """
(function () {
  var open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function () {
    var req = open.apply(this, arguments), held = false;
    req.addEventListener('success', function (e) {
      if (held) return;
      held = true;
      e.stopImmediatePropagation();
      setTimeout(function () { req.dispatchEvent(new Event('success')); }, 8000);
    });
    return req;
  };
})();"""


def test_pair_open_arrive_photo_sign_submit_offline_then_online(fresh_phone, live, tmp_path, qtbot):
    from ui import phone_link
    from ui.pages.tickets import TicketView

    phone, d = fresh_phone, fresh_phone.driver
    ticket = live["ticket"]
    # the clerk has the ticket open on the desktop; the desktop hears the phone service's changes as
    # it does when 设置 → 手机端 started the service in its own process
    phone_link.bridge()
    window = TicketView(ticket.id)
    qtbot.addWidget(window)
    assert window.attachments.list.count() == 0

    pair(phone, live)
    device = PhoneDevice.get()
    assert device.name == "张师傅的红米" and device.staff_id == live["worker"].id
    tap(d, d.find_element(By.CSS_SELECTOR, f'a[href="/t/{ticket.id}"]'))
    ready(d, f"/t/{ticket.id}")
    assert "王业主" in d.page_source and 'href="tel:13800000001"' in d.page_source
    tap(d, d.find_element(By.ID, "arrive"))
    wait(d, lambda d: Ticket.get_by_id(ticket.id).state == st.ONSITE, message="arrival not saved")
    wait(d, lambda d: "已发送" in outbox_states(d))
    assert not d.find_element(By.ID, "arrive").is_displayed()  # done: the button went away
    wait(d, lambda d: d.find_element(By.CSS_SELECTOR, "h1 .state").text == "已到场")

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
    # everything is in the phone's storage before the page goes away
    wait(d, lambda d: any(x["photos"] == 1 and x["signature"] and x["values"].get("satisfaction") == "5"
                          and x["values"].get("work") == "更换屋面防水卷材 3 平方米" for x in stored(d, "drafts")),
         message="draft not stored")

    # what was typed survives a reload of the page (it lives in the phone's storage)
    d.refresh()
    ready(d, f"/t/{ticket.id}")
    assert d.find_element(By.NAME, "work").get_attribute("value") == "更换屋面防水卷材 3 平方米", "draft lost"
    assert d.find_elements(By.CSS_SELECTOR, "#photo-previews img")

    # the network goes; the submission waits on the phone as 未发送, after a try that found no network
    phone.network(OFFLINE)
    tap(d, d.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
    wait(d, lambda d: any(x["kind"] == "report" and x["state"] == "unsent" and "网络不通" in x["message"]
                          for x in stored(d, "outbox")), message="not queued")
    wait(d, lambda d: "未发送" in outbox_states(d))
    assert Ticket.get_by_id(ticket.id).state == st.ONSITE and PhoneSubmission.select().count() == 1
    assert "1 条未发送" in d.find_element(By.ID, "wd-status").text

    # the network comes back: sent once, by itself
    phone.network(ONLINE)
    d.execute_script("window.dispatchEvent(new Event('online'))")
    wait(d, lambda d: Ticket.get_by_id(ticket.id).state == st.CLOSED, message="not sent")
    wait(d, lambda d: outbox_states(d).count("已发送") == 2)
    assert not d.find_element(By.ID, "report").is_displayed()  # nothing left to report on a closed ticket
    assert d.find_element(By.CSS_SELECTOR, "h1 .state").text == "已关闭"
    assert not d.find_element(By.CSS_SELECTOR, "[data-due-of]").is_displayed()  # no deadline left to show
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
    # the server answered the resend from the record (the phone marks such an answer as a duplicate)
    wait(d, lambda d: any(x["kind"] == "report" and x["state"] == "sent" and x["duplicate"]
                          for x in stored(d, "outbox")), message="resend not answered")
    assert PhoneSubmission.select().count() == submissions
    assert len(attachments.list_for("ticket", ticket.id)) == 2
    assert TicketEvent.select().where((TicketEvent.ticket == ticket.id) & (TicketEvent.to_state == st.CLOSED)).count() == 1

    # the desktop: the open ticket window refreshed itself with the phone's photo and signature …
    def shows_photo_and_signature(view) -> bool:
        items = [view.attachments.list.item(i) for i in range(view.attachments.list.count())]
        texts = sorted(item.text().split("\n")[0] for item in items)
        return (texts == ["照片", "签名"] and all(not item.icon().isNull() for item in items)
                and all("张师傅（手机：张师傅的红米）" in item.text() for item in items))

    qtbot.waitUntil(lambda: shows_photo_and_signature(window), timeout=10000)
    history = [window.history.item(i).text() for i in range(window.history.count())]
    assert any("已关闭" in h and "张师傅（手机：张师傅的红米）" in h for h in history), history
    # … and a window opened now shows the same
    fresh = TicketView(ticket.id)
    qtbot.addWidget(fresh)
    assert shows_photo_and_signature(fresh) and "已关闭" in fresh.windowTitle() + "".join(
        fresh.history.item(i).text() for i in range(fresh.history.count()))


def test_a_conflict_shows_both_versions_and_keeps_the_input(fresh_phone, live):
    phone, d = fresh_phone, fresh_phone.driver
    pair(phone, live)
    ticket = live["ticket"]
    open_page(d, live["url"], f"/t/{ticket.id}")
    d.find_element(By.NAME, "work").send_keys("疏通落水管")
    tap(d, d.find_element(By.CSS_SELECTOR, 'input[name=outcome][value="done"]'))
    tickets.set_cause(ticket.id, "施工质量")  # the clerk, meanwhile
    tap(d, d.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
    wait(d, lambda d: "有冲突" in outbox_states(d), message="no conflict shown")
    card = d.find_element(By.CSS_SELECTOR, "#wd-outbox .ob.conflict")
    assert "办公室的版本" in card.text and "责任：施工质量" in card.text and "验收：（空）" in card.text
    # the phone's input as the crew entered it, in the page's words (no stored keys, no empty cost line)
    mine = card.find_elements(By.CSS_SELECTOR, ".cols > div")[1].text.splitlines()
    assert mine[0] == "您的输入"
    assert "维修情况（做了什么）：疏通落水管" in mine and "结果：维修完成，业主稍后验收" in mine, mine
    assert not any(line in ("done", "王业主") or "×" in line or "签字人" in line for line in mine), mine
    assert Ticket.get_by_id(ticket.id).state == st.DISPATCHED
    tap(d, card.find_element(By.CSS_SELECTOR, "button.primary"))
    wait(d, lambda d: Ticket.get_by_id(ticket.id).state == st.AWAITING_CHECK, message="resubmission not saved")
    assert "疏通落水管" in [e.reason for e in TicketEvent.select().where(TicketEvent.to_state == st.AWAITING_CHECK)]


def test_a_visit_with_its_questionnaire_live_score_and_signature(fresh_phone, live):
    phone, d = fresh_phone, fresh_phone.driver
    pair(phone, live)
    visit = live["visit"]
    open_page(d, live["url"], f"/v/{visit.id}")
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
    live_score = d.find_element(By.ID, "live-score")
    assert float(live_score.get_attribute("data-score")) == expected.score and grade_name(expected.grade) in live_score.text
    draw_signature(d)  # and submit at once: the page waits for the signature's picture
    tap(d, d.find_element(By.CSS_SELECTOR, "#visit-form button[type=submit]"))
    wait(d, lambda d: Visit.get_by_id(visit.id).status == "done", message="visit not saved")
    saved = Visit.get_by_id(visit.id)
    assert saved.score == expected.score and saved.grade == expected.grade
    assert [a.kind for a in attachments.list_for("visit", visit.id)] == ["signature"]


def test_a_tap_while_the_page_still_reads_its_outbox_is_sent_at_once(fresh_phone, live):
    """The page looks at its outbox as it opens; a submission queued while that look is still under way
    (a quick tap on a slow phone) goes out as soon as the storage answers, not at some later retry."""
    phone, d = fresh_phone, fresh_phone.driver
    pair(phone, live)
    ticket = live["ticket"]
    slow = phone.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": SLOW_STORAGE})
    try:
        d.get(f"{live['url']}/t/{ticket.id}")
        wait(d, lambda d: d.find_element(By.ID, "arrive").is_enabled())
        ready_at_tap = d.execute_script("""
            var was = document.documentElement.getAttribute('data-ready');
            document.getElementById('arrive').click();
            return was;""")
        assert ready_at_tap is None  # the storage was still opening when the crew tapped
        wait(d, lambda d: Ticket.get_by_id(ticket.id).state == st.ONSITE, timeout=30, message="arrival not sent")
        ready(d, f"/t/{ticket.id}")
        wait(d, lambda d: outbox_states(d) == ["已发送"])
    finally:
        phone.cdp("Page.removeScriptToEvaluateOnNewDocument", {"identifier": slow["identifier"]})


def test_buttons_wait_for_the_page_script(fresh_phone, live):
    """Until the page's script has set them up, its buttons are disabled (a tap would be lost, or post
    the form the wrong way): the page as it is before its script runs, then with it."""
    phone, d = fresh_phone, fresh_phone.driver
    pair(phone, live)
    ticket = live["ticket"]
    phone.cdp("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        d.get(f"{live['url']}/t/{ticket.id}")
        assert not d.find_element(By.ID, "arrive").is_enabled()
        assert not d.find_element(By.CSS_SELECTOR, "#report button[type=submit]").is_enabled()
    finally:
        phone.cdp("Emulation.setScriptExecutionDisabled", {"value": False})
    open_page(d, live["url"], f"/t/{ticket.id}")
    assert d.find_element(By.ID, "arrive").is_enabled()
    assert d.find_element(By.CSS_SELECTOR, "#report button[type=submit]").is_enabled()
