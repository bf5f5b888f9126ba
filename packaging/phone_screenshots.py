#!/usr/bin/env python3
"""Screenshots of every phone page at 360×780 (docs/screenshots/phone/), and the page weight and
first paint of each page with the browser's network throttled to slow 3G.

    .venv/bin/python packaging/phone_screenshots.py     (needs Debian's chromium and chromium-driver)

Prints a Markdown table of the measurements (kept in benchmarks/RESULTS.md)."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "web")]
OUT = ROOT / "docs" / "screenshots" / "phone"


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="wd-phone-shots-"))
    os.environ["WARRANTY_DESK_DATA"] = str(work / "data")
    os.environ["WARRANTY_DESK_CONFIG"] = str(work / "config")
    os.environ["WARRANTY_DESK_USER"] = "李文员"
    from browser import ONLINE, SLOW_3G, SLOW_3G_DEVTOOLS, Phone
    from phone_fixtures import field_office, jpeg
    from selenium.webdriver.common.by import By

    from warranty_desk.db import open_database
    from warranty_desk.services import phones, settings, tickets
    from warranty_desk.web.server import PhoneServer, ServeOptions

    open_database(str(work / "office.db"))
    settings.ensure_defaults()
    office = field_office(tickets_count=3)
    tickets.attach_file(office["ticket"].id, jpeg(size=(1200, 900)), "photo", "报修照片.jpg")
    server = PhoneServer(ServeOptions("127.0.0.1", 8799))
    server.start()
    phone = Phone()
    d = phone.driver
    OUT.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        time.sleep(0.4)
        d.save_screenshot(str(OUT / name))
        print("  ", OUT / name)

    def tap(element) -> None:
        d.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", element)

    try:
        d.get(server.url + "/")
        shot("00-unpaired.png")
        code = phones.create_pairing(office["worker"].id)["code"]
        d.get(f"{server.url}/pair#c={code}")
        d.find_element(By.ID, "pair-name").clear()
        d.find_element(By.ID, "pair-name").send_keys("张师傅的红米")
        shot("01-pair.png")
        tap(d.find_element(By.CSS_SELECTOR, "#pair-form button[type=submit]"))
        time.sleep(1)
        shot("02-tasks.png")
        ticket = office["ticket"]
        d.get(f"{server.url}/t/{ticket.id}")
        shot("03-repair.png")
        tap(d.find_element(By.ID, "arrive"))
        time.sleep(1.5)
        d.find_element(By.NAME, "work").send_keys("更换屋面防水卷材 3 平方米，重做泛水")
        d.find_element(By.CSS_SELECTOR, "#cost-rows input[name=description]").send_keys("防水卷材")
        d.find_element(By.CSS_SELECTOR, "#cost-rows input[name=unit_price]").send_keys("45")
        photo = work / "site.jpg"
        photo.write_bytes(jpeg(size=(1600, 1200)))
        d.find_element(By.ID, "photo-input").send_keys(str(photo))
        time.sleep(1)
        d.execute_script("document.querySelector('#report fieldset.costs').scrollIntoView()")
        shot("04-repair-report.png")
        from test_phone_browser import draw_signature

        draw_signature(d)
        tap(d.find_element(By.CSS_SELECTOR, '.stars input[name=satisfaction][value="5"]'))
        shot("04b-signature.png")
        phone.network({"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        tap(d.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
        time.sleep(1.5)
        shot("06-unsent.png")
        phone.network(ONLINE)
        d.execute_script("window.dispatchEvent(new Event('online'))")
        time.sleep(3)
        shot("06b-sent.png")
        second = office["tickets"][1]
        tickets.transition(second.id, "已到场", at=dt.datetime.now() - dt.timedelta(minutes=30))
        d.get(f"{server.url}/t/{second.id}")
        d.find_element(By.NAME, "work").send_keys("疏通落水管")
        tap(d.find_element(By.CSS_SELECTOR, 'input[name=outcome][value="done"]'))
        tickets.set_cause(second.id, "施工质量")
        tap(d.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
        time.sleep(2)
        d.execute_script("window.scrollTo(0, document.getElementById('wd-outbox').offsetTop - 60)")
        shot("07-conflict.png")
        d.get(f"{server.url}/v/{office['visit'].id}")
        for box in d.find_elements(By.CSS_SELECTOR, '.stars input[value="4"], input[value="是"]')[:5]:
            tap(box)
        d.execute_script("document.getElementById('live-score').scrollIntoView({block: 'center'})")
        shot("05-visit.png")
        d.get(server.url + "/outbox")
        shot("08-outbox.png")

        # page weight and first paint under slow 3G, each page loaded with an empty cache
        rows = []
        pages = [("/", "任务列表"), (f"/t/{office['tickets'][2].id}", "维修"), (f"/v/{office['visit'].id}", "回访"),
                 ("/pair", "配对")]
        for profile_name, profile in (("slow 3G (400 ms RTT, 400 kbit/s)", SLOW_3G),
                                      ("DevTools Slow 3G (2 s latency, 400 kbit/s)", SLOW_3G_DEVTOOLS)):
            for path, label in pages:
                phone.cdp("Network.clearBrowserCache", {})
                phone.network(profile)
                d.get(server.url + path)
                time.sleep(0.5)
                m = d.execute_script("""
                    var nav = performance.getEntriesByType('navigation')[0];
                    var paint = performance.getEntriesByName('first-contentful-paint')[0];
                    var bytes = nav.transferSize + performance.getEntriesByType('resource').reduce(
                        function (s, r) { return s + (r.transferSize || 0); }, 0);
                    var decoded = nav.decodedBodySize + performance.getEntriesByType('resource').reduce(
                        function (s, r) { return s + (r.decodedBodySize || 0); }, 0);
                    return [paint ? paint.startTime : -1, bytes, decoded];""")
                rows.append((profile_name, label, path, m[0], m[1], m[2]))
                phone.network(ONLINE)
        print("\n| network | page | first contentful paint | transferred | uncompressed |")
        print("|---|---|---|---|---|")
        for profile_name, label, _path, paint, sent, decoded in rows:
            print(f"| {profile_name} | {label} | {paint / 1000:.2f} s | {sent / 1024:.1f} KB | {decoded / 1024:.1f} KB |")
    finally:
        phone.quit()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
