#!/usr/bin/env python3
"""Screenshots of every phone page at 360×780 (docs/screenshots/phone/), and the page weight and
first paint of each page with the browser's network throttled to slow 3G.

    .venv/bin/python packaging/phone_screenshots.py [--record] [--no-shots]  (needs Debian's chromium and chromium-driver)

Prints a Markdown table of the measurements; --record writes it into benchmarks/RESULTS.md. Each page
is loaded 3 times with an empty cache under each network profile; the table gives the median."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "web")]
OUT = ROOT / "docs" / "screenshots" / "phone"
RESULTS_MD = ROOT / "benchmarks" / "RESULTS.md"  # (benchmarks/results_md.py writes it)
BEGIN, END = "<!-- phone-pages:begin -->", "<!-- phone-pages:end -->"
LOADS = 3  # loads per page and profile (median)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="write the measurements into benchmarks/RESULTS.md")
    parser.add_argument("--no-shots", action="store_true", help="only measure")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="wd-phone-shots-"))
    os.environ["WARRANTY_DESK_DATA"] = str(work / "data")
    os.environ["WARRANTY_DESK_CONFIG"] = str(work / "config")
    os.environ["WARRANTY_DESK_USER"] = "李文员"
    from browser import ONLINE, SLOW_3G, SLOW_3G_DEVTOOLS, Phone
    from phone_fixtures import field_office, jpeg
    from selenium.webdriver.common.by import By
    from test_phone_browser import draw_signature, outbox_states, ready, wait

    from benchmarks.phone_load import free_port
    from warranty_desk.db import open_database
    from warranty_desk.services import phones, settings, tickets
    from warranty_desk.web.server import PhoneServer, ServeOptions

    open_database(str(work / "office.db"))
    settings.ensure_defaults()
    office = field_office(tickets_count=3)
    tickets.attach_file(office["ticket"].id, jpeg(size=(1200, 900)), "photo", "报修照片.jpg")
    server = PhoneServer(ServeOptions("127.0.0.1", free_port()))
    server.start()
    phone = Phone()
    d = phone.driver
    OUT.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        time.sleep(0.3)  # the last frame painted
        if not args.no_shots:
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
        ready(d, "/")
        shot("02-tasks.png")
        ticket = office["ticket"]
        d.get(f"{server.url}/t/{ticket.id}")
        ready(d, f"/t/{ticket.id}")
        shot("03-repair.png")
        tap(d.find_element(By.ID, "arrive"))
        wait(d, lambda d: "已发送" in outbox_states(d))
        d.find_element(By.NAME, "work").send_keys("更换屋面防水卷材 3 平方米，重做泛水")
        d.find_element(By.CSS_SELECTOR, "#cost-rows input[name=description]").send_keys("防水卷材")
        d.find_element(By.CSS_SELECTOR, "#cost-rows input[name=unit_price]").send_keys("45")
        photo = work / "site.jpg"
        photo.write_bytes(jpeg(size=(1600, 1200)))
        d.find_element(By.ID, "photo-input").send_keys(str(photo))
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#photo-previews img"))
        d.execute_script("document.querySelector('#report fieldset.costs').scrollIntoView()")
        shot("04-repair-report.png")
        draw_signature(d)
        tap(d.find_element(By.CSS_SELECTOR, '.stars input[name=satisfaction][value="5"]'))
        shot("04b-signature.png")
        phone.network({"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
        tap(d.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
        wait(d, lambda d: "未发送" in outbox_states(d))
        d.execute_script("window.scrollTo(0, 0)")
        shot("06-unsent.png")
        phone.network(ONLINE)
        d.execute_script("window.dispatchEvent(new Event('online'))")
        wait(d, lambda d: outbox_states(d).count("已发送") == 2)
        d.execute_script("window.scrollTo(0, 0)")
        shot("06b-sent.png")
        second = office["tickets"][1]
        tickets.transition(second.id, "已到场", at=dt.datetime.now() - dt.timedelta(minutes=30))
        d.get(f"{server.url}/t/{second.id}")
        ready(d, f"/t/{second.id}")
        d.find_element(By.NAME, "work").send_keys("疏通落水管")
        tap(d.find_element(By.CSS_SELECTOR, 'input[name=outcome][value="done"]'))
        tickets.set_cause(second.id, "施工质量")
        tap(d.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
        wait(d, lambda d: "有冲突" in outbox_states(d))
        d.execute_script("window.scrollTo(0, document.getElementById('wd-outbox').offsetTop - 60)")
        shot("07-conflict.png")
        d.get(f"{server.url}/v/{office['visit'].id}")
        ready(d, f"/v/{office['visit'].id}")
        for box in d.find_elements(By.CSS_SELECTOR, '.stars input[value="4"], input[value="是"]')[:5]:
            tap(box)
        d.execute_script("document.getElementById('live-score').scrollIntoView({block: 'center'})")
        shot("05-visit.png")
        d.get(server.url + "/outbox")
        ready(d, "/outbox")
        shot("08-outbox.png")

        # page weight and first paint under slow 3G, each page loaded with an empty cache
        pages = [("/", "任务列表"), (f"/t/{office['tickets'][2].id}", "维修"), (f"/v/{office['visit'].id}", "回访"),
                 ("/pair", "配对")]
        profiles = (("WebPageTest “3G Slow”: 400 ms RTT, 400 kbit/s down and up", SLOW_3G),
                    ("Chrome DevTools “Slow 3G” preset: 2,000 ms latency, 400 kbit/s down and up", SLOW_3G_DEVTOOLS))
        rows = []
        for profile_name, profile in profiles:
            for path, label in pages:
                runs = [measure(phone, server.url + path, profile, wait) for _n in range(LOADS)]
                paints = [r[0] for r in runs]
                rows.append((profile_name, label, statistics.median(paints), min(paints), max(paints),
                             statistics.median(r[1] for r in runs), statistics.median(r[2] for r in runs),
                             statistics.median(r[3] for r in runs)))
        load = os.getloadavg()[0]
        text = "\n".join([
            f"Measured {dt.datetime.now():%Y-%m-%dT%H:%M} with `packaging/phone_screenshots.py`: Debian's chromium "
            f"{phone.driver.capabilities.get('browserVersion', '')}, headless, 360×780, the service on 127.0.0.1 "
            f"(SQLite); network throttled by the browser (DevTools protocol); each page loaded {LOADS} times with an "
            f"empty cache, median (min–max) of first contentful paint, medians of the rest; ready = the page's script "
            f"has set it up (buttons live, drafts restored); load average {load:.1f} on 2 CPUs.",
            "",
            "| network profile | page | first contentful paint | ready to use | transferred | uncompressed |",
            "|---|---|---|---|---|---|",
            *(f"| {name} | {label} | {paint / 1000:.2f} s ({low / 1000:.2f}–{high / 1000:.2f}) | {ready_ms / 1000:.2f} s "
              f"| {sent / 1024:.1f} KB | {decoded / 1024:.1f} KB |"
              for name, label, paint, low, high, sent, decoded, ready_ms in rows),
        ])
        print("\n" + text)
        if args.record:
            record(text)
            print(f"recorded in {RESULTS_MD}")
    finally:
        phone.quit()
        server.stop()
    return 0


def measure(phone, url: str, profile: dict, wait) -> tuple[float, int, int, float]:
    """One load with an empty cache under `profile`: first contentful paint (ms), bytes transferred
    (the page and everything it loads, headers included), their uncompressed size, and when the page
    was ready to use (its script had set it up: buttons live, drafts restored; ms)."""
    d = phone.driver
    phone.cdp("Network.clearBrowserCache", {})
    phone.network(profile)
    try:
        d.get(url)
        wait(d, lambda d: d.execute_script("return performance.getEntriesByName('first-contentful-paint').length"
                                           " && performance.getEntriesByName('wd-ready').length"))
        return d.execute_script("""
            var nav = performance.getEntriesByType('navigation')[0];
            var paint = performance.getEntriesByName('first-contentful-paint')[0];
            var res = performance.getEntriesByType('resource');
            var bytes = nav.transferSize + res.reduce(function (s, r) { return s + (r.transferSize || 0); }, 0);
            var decoded = nav.decodedBodySize + res.reduce(function (s, r) { return s + (r.decodedBodySize || 0); }, 0);
            return [paint.startTime, bytes, decoded, performance.getEntriesByName('wd-ready')[0].startTime];""")
    finally:
        from browser import ONLINE

        phone.network(ONLINE)


def record(text: str) -> None:
    from benchmarks.results_md import write_section

    write_section(BEGIN, END, text, "Phone pages on a slow network")


if __name__ == "__main__":
    sys.exit(main())
