"""The phone service under load: many paired phones submitting at once, every submission saved once.

    python -m benchmarks.phone_load [--phones 20] [--seconds 60] [--pg postgresql://user:pw@host/db] [--record]

For each database (SQLite always; PostgreSQL when --pg names a server whose role may CREATEDB — a
throw-away database is made and dropped), the headless service (`warranty-desk serve`) runs in its
own process on 127.0.0.1 and N phones, each a thread with its own cookies, do what a crew's phone
does, as fast as the service answers, for the given time: pair from a one-time code, open the task
list, then for each repair dispatched to them open it, mark arrival, and submit the report (work,
one cost line, a 1600 px photo, the owner's signature and rating: the ticket closes); every fourth
job is a visit (questionnaire, signature, photo). Every fifth submission is sent a second time after
its answer (a lost answer), every seventh twice at once from two connections (a phone retrying while
the first request is still running): both must be answered from the record and change nothing.

Afterwards the database is counted: one stored submission per key the phones were told was saved, and
per finished repair exactly one arrival, one hand-over for checking, one closing, one cost line, one
photo and one signature (per visit: recorded once, one signature, one photo) — nothing twice, nothing
missing. Prints throughput, latency percentiles per kind of request and the errors; --record writes
the table into benchmarks/RESULTS.md. `run_load` is also used by the test suite for a short run."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

from .results_md import RESULTS_MD, write_section

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- phone-load:begin -->", "<!-- phone-load:end -->"
RESEND_EVERY = 5  # every 5th submission: sent again after its answer
RACE_EVERY = 7  # every 7th: two copies at once
VISIT_EVERY = 4  # every 4th job of a phone is a visit (while it has visits left)


# --- the office ---------------------------------------------------------------------------------

def photo_jpeg() -> bytes:
    """A phone photo as the page sends it: 1600×1200 JPEG at quality 0.82, with texture (≈ 200 KB)."""
    from PIL import Image, ImageDraw, ImageFilter

    img = Image.effect_noise((1600, 1200), 60).convert("RGB").filter(ImageFilter.GaussianBlur(1.2))
    draw = ImageDraw.Draw(img)
    for n in range(0, 1600, 80):
        draw.line([(n, 0), (1600 - n, 1200)], fill=(120 + n % 100, 90, 60), width=6)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()


def signature_png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (330, 170), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    draw.line([(20, 85), (60, 40), (100, 120), (140, 40), (180, 120), (220, 40), (260, 120), (300, 85)],
              fill=(17, 17, 17, 255), width=3)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def prepare_office(phones: int, tickets_per_phone: int, visits_per_phone: int) -> list[dict]:
    """A handed-over project with one crew member per phone, each with repairs dispatched to him and
    visits planned today; returns per phone: staff, its tickets and visits, a one-time pairing code."""
    from warranty_desk.models import Staff, Unit, Visit, database_proxy
    from warranty_desk.services import phones as phone_service
    from warranty_desk.services import tickets
    from warranty_desk.services.handover import handover
    from warranty_desk.services.projects import create_project

    now = dt.datetime.now().replace(microsecond=0)
    project = create_project({
        "code": "FZ-1", "name": "负载花园", "client": "负载置业", "type": "住宅", "scale": "大型",
        "heating_region": "北京", "accepted_on": dt.date(2025, 6, 15), "handed_over_on": dt.date(2025, 7, 1),
        "address": "北京市朝阳区负载路 1 号", "contact": "李经理", "phone": "010-88886666",
    })
    handover(project.id)
    crews = []
    for p in range(phones):
        staff = Staff.create(name=f"维修工{p + 1:02d}", phone=f"139{p:08d}", role="维修工")
        crew = {"staff_id": staff.id, "name": staff.name, "tickets": [], "visits": []}
        with database_proxy.atomic():
            units = [Unit.create(project=project, building=f"{p + 1}号楼", entrance="1单元", room=f"{n + 101}",
                                 owner_name=f"业主{p + 1}-{n + 1}", owner_phone=f"138{p:04d}{n:04d}")
                     for n in range(tickets_per_phone + visits_per_phone)]
        with database_proxy.atomic():  # one transaction per crew: preparing is not what is measured
            for n in range(tickets_per_phone):
                intake = tickets.create_ticket({
                    "project": "FZ-1", "unit": units[n].id, "reporter": units[n].owner_name, "phone": units[n].owner_phone,
                    "channel": "电话", "location": "卫生间", "category": "roof_waterproofing",
                    "description": f"屋面渗水（{p + 1}-{n + 1}）", "urgency": "一般",
                    "reported_at": now - dt.timedelta(hours=3)})
                crew["tickets"].append(tickets.dispatch(intake.ticket.id, staff.id, at=now - dt.timedelta(hours=2)).id)
            for n in range(visits_per_phone):
                visit = Visit.create(project=project, unit=units[tickets_per_phone + n], planned_on=now.date(),
                                     kind="periodic", purposes="定期回访", method="上门", staff=staff)
                crew["visits"].append(visit.id)
        crew["code"] = phone_service.create_pairing(staff.id)["code"]
        crew["address"] = f"127.0.0.{2 + p % 250}" if _loopback_block() else "127.0.0.1"
        crews.append(crew)
    return crews


def _loopback_block() -> bool:
    """Whether this machine answers on all of 127.0.0.0/8 (Linux does; some systems only on 127.0.0.1)."""
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
        return True
    except OSError:
        return False


# --- the phones ---------------------------------------------------------------------------------

@dataclass
class Stats:
    latencies: dict = field(default_factory=lambda: defaultdict(list))  # kind -> seconds
    saved: dict = field(default_factory=dict)  # key -> the answer (duplicate False)
    duplicates: int = 0  # resends answered from the record
    duplicate_mismatch: list = field(default_factory=list)  # a resend answered differently from the first
    errors: Counter = field(default_factory=Counter)
    tickets_done: list = field(default_factory=list)
    visits_done: list = field(default_factory=list)
    ran_out: int = 0  # phones that finished their work before the time was up
    lock: threading.Lock = field(default_factory=threading.Lock)

    def time(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what[:160]] += 1


class PhoneRun:
    """One phone: its own cookies, pairs, then works through its repairs and visits."""

    def __init__(self, base: str, crew: dict, stats: Stats, photo: bytes, signature: bytes, clock: dict,
                 start: threading.Barrier, resend_every: int = RESEND_EVERY, race_every: int = RACE_EVERY,
                 visit_first: bool = False):
        self.base, self.crew, self.stats, self.clock, self.start = base, crew, stats, clock, start
        self.photo, self.signature = photo, signature
        self.resend_every, self.race_every, self.visit_first = resend_every, race_every, visit_first
        self.client = self.new_client()
        self.csrf = ""
        self.sent = 0

    def new_client(self, **kwargs) -> httpx.Client:
        """A connection from this phone's own address (127.0.0.N: every phone is its own device on the
        network, as in the office — the pairing rate limit counts per address)."""
        transport = httpx.HTTPTransport(local_address=self.crew.get("address", "127.0.0.1"))
        return httpx.Client(base_url=self.base, timeout=120, follow_redirects=False, transport=transport, **kwargs)

    def get(self, path: str, kind: str) -> httpx.Response:
        started = time.perf_counter()
        response = self.client.get(path)
        self.stats.time(kind, time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {kind} {response.status_code}")
        return response

    def pair(self) -> None:
        page = self.get("/pair", "page")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        started = time.perf_counter()
        answer = self.client.post("/pair", data={"csrf": csrf, "code": self.crew["code"], "name": f"{self.crew['name']}的手机"})
        self.stats.time("pair", time.perf_counter() - started)
        if answer.status_code != 303:
            raise RuntimeError(f"pair {answer.status_code}")
        home = self.get("/", "page")
        self.csrf = re.search(r'id="wd-csrf" value="([^"]+)"', home.text).group(1)

    def post(self, form: dict, files: list, kind: str, client: httpx.Client | None = None) -> dict | None:
        started = time.perf_counter()
        try:
            answer = (client or self.client).post("/submit", data=form, files=files)
        except httpx.HTTPError as exc:
            self.stats.error(f"{kind}: {type(exc).__name__}")
            return None
        self.stats.time(kind, time.perf_counter() - started)
        try:
            body = answer.json()
        except ValueError:
            body = {"message": answer.text[:100]}
        if answer.status_code != 200:
            self.stats.error(f"{kind}: HTTP {answer.status_code} {body.get('message', '')}")
            return None
        return body

    def submit(self, kind: str, record_id: int, version: int, mark: int, fields: dict, files: list) -> dict | None:
        """One submission with its own key; some are sent again, some twice at once."""
        self.sent += 1
        key = secrets.token_hex(16)
        form = {"csrf": self.csrf, "key": key, "kind": kind, "record_id": str(record_id),
                "expected_version": str(version), "audit_mark": str(mark),
                "fields": json.dumps(fields, ensure_ascii=False)}
        if self.sent % self.race_every == 0:
            twin = self.new_client(cookies=self.client.cookies)
            try:
                with ThreadPoolExecutor(2) as pool:
                    answers = list(pool.map(lambda c: self.post(form, files, kind, c), (self.client, twin)))
            finally:
                twin.close()
        else:
            answers = [self.post(form, files, kind)]
            if self.sent % self.resend_every == 0 and answers[0] is not None:
                answers.append(self.post(form, files, "resend"))
        answers = [a for a in answers if a is not None]
        if not answers:
            return None
        first = [a for a in answers if not a.get("duplicate")]
        with self.stats.lock:
            if len(first) != 1:
                self.stats.duplicate_mismatch.append((key, [a.get("duplicate") for a in answers]))
            self.stats.duplicates += len(answers) - len(first)
            for a in answers[1:]:
                if a.get("version") != answers[0].get("version"):
                    self.stats.duplicate_mismatch.append((key, "versions differ"))
            if first:
                self.stats.saved[key] = first[0]
        return first[0] if first else answers[0]

    def repair(self, ticket_id: int) -> bool:
        page = self.get(f"/t/{ticket_id}", "page").text
        tag = re.search(r'id="arrive"[^>]*data-version="(\d+)"\s+data-mark="(\d+)"', page)
        if not tag:
            self.stats.error("repair page without 已到场")
            return False
        now = dt.datetime.now().replace(microsecond=0)
        arrived = self.submit("arrive", ticket_id, int(tag.group(1)), int(tag.group(2)),
                              {"at": now.isoformat()}, [])
        if arrived is None:
            return False
        fields = {"outcome": "signed", "work": "更换屋面防水卷材 2 平方米", "signer": "业主", "satisfaction": "5",
                  "remark": "满意", "arrived_at": now.isoformat(), "done_at": now.isoformat(),
                  "costs": [{"kind": "材料", "description": "防水卷材", "quantity": "2", "unit_price": "45",  # i18n: data
                             "borne_by": "我方"}]}  # i18n: data
        files = [("photo", ("photo-1.jpg", self.photo, "image/jpeg")),
                 ("signature", ("signature.png", self.signature, "image/png"))]
        reported = self.submit("report", ticket_id, arrived["version"], arrived.get("audit_mark") or 0, fields, files)
        if reported is None:
            return False
        with self.stats.lock:
            self.stats.tickets_done.append(ticket_id)
        return True

    def visit(self, visit_id: int) -> bool:
        page = self.get(f"/v/{visit_id}", "page").text
        form = re.search(r'id="visit-form"[^>]*data-version="(\d+)"\s+data-mark="(\d+)"', page)
        template = re.search(r'name="template_id" value="(\d+)"', page)
        scores = re.search(r'id="wd-scores">(.*?)</script>', page, re.S)
        if not (form and template and scores):
            self.stats.error("visit page without its questionnaire")
            return False
        answers = {}
        for q in json.loads(scores.group(1))["questions"]:
            options = list(q["points"])
            if options:
                answers[str(q["id"])] = options[0]
        fields = {"method": "上门", "met_person": "业主", "opinion": "无", "answers": answers,  # i18n: data
                  "template_id": template.group(1), "done_at": dt.datetime.now().replace(microsecond=0).isoformat()}
        files = [("photo", ("photo-1.jpg", self.photo, "image/jpeg")),
                 ("signature", ("signature.png", self.signature, "image/png"))]
        if self.submit("visit", visit_id, int(form.group(1)), int(form.group(2)), fields, files) is None:
            return False
        with self.stats.lock:
            self.stats.visits_done.append(visit_id)
        return True

    def run(self) -> None:
        try:
            self.pair()
        except Exception as exc:  # noqa: BLE001 - counted, the other phones go on
            self.stats.error(f"pairing: {exc}")
            return
        finally:
            self.start.wait()  # all phones paired: the clock starts
        tickets, visits = list(self.crew["tickets"]), list(self.crew["visits"])
        job = 0
        try:
            while time.monotonic() < self.clock["deadline"]:
                job += 1
                if visits and ((job == 1 and self.visit_first) or job % VISIT_EVERY == 0 or not tickets):
                    self.visit(visits.pop(0))
                elif tickets:
                    self.repair(tickets.pop(0))
                else:
                    with self.stats.lock:
                        self.stats.ran_out += 1
                    return
                if job % 3 == 0:
                    self.get("/", "page")  # back to the task list now and then
        except Exception as exc:  # noqa: BLE001
            self.stats.error(f"{type(exc).__name__}: {exc}")
        finally:
            self.client.close()


def run_load(base: str, crews: list[dict], seconds: float, **options) -> tuple[Stats, float]:
    """All phones pair, then work at once for `seconds` (a job under way is finished); returns the
    stats and the wall time of the work. `options`: resend_every, race_every (every n-th submission
    of a phone), and every other phone begins with a visit when `visits_early`."""
    stats = Stats()
    photo, signature = photo_jpeg(), signature_png()
    clock = {}

    def go():
        clock["started"] = time.monotonic()
        clock["deadline"] = clock["started"] + seconds

    start = threading.Barrier(len(crews), action=go)
    early = options.pop("visits_early", False)
    phones = [PhoneRun(base, crew, stats, photo, signature, clock, start, visit_first=early and n % 2 == 1, **options)
              for n, crew in enumerate(crews)]
    threads = [threading.Thread(target=p.run, name=f"phone-{n}") for n, p in enumerate(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.monotonic() - clock["started"]


# --- counting in the database afterwards --------------------------------------------------------

def verify(stats: Stats, crews: list[dict]) -> list[str]:
    """Every submission saved exactly once: returns the problems found (none: all good)."""
    from warranty_desk.models import Attachment, CostLine, PhoneSubmission, Ticket, TicketEvent, Visit
    from warranty_desk.rules import ticket_states as st
    from warranty_desk.rules import visit_states as vs

    problems = []
    keys = {row.key for row in PhoneSubmission.select(PhoneSubmission.key)}
    if len(keys) != PhoneSubmission.select().count():
        problems.append("a submission key stored twice")
    if keys != set(stats.saved):
        problems.append(f"stored submissions {len(keys)} ≠ answered as saved {len(stats.saved)} "
                        f"(missing {len(set(stats.saved) - keys)}, unknown {len(keys - set(stats.saved))})")
    if stats.duplicate_mismatch:
        problems.append(f"{len(stats.duplicate_mismatch)} resends not answered from the record: {stats.duplicate_mismatch[:3]}")
    done = set(stats.tickets_done)
    all_tickets = {t for c in crews for t in c["tickets"]}

    def counts(model, where, by):
        return Counter(r[0] for r in model.select(by).where(where).tuples())

    events = Counter((e.ticket_id, e.to_state) for e in TicketEvent.select(TicketEvent.ticket, TicketEvent.to_state)
                     .where(TicketEvent.ticket.in_(list(all_tickets))))
    costs = counts(CostLine, CostLine.ticket.in_(list(all_tickets)), CostLine.ticket)
    atts = Counter((a.owner_table, a.owner_id, a.kind) for a in Attachment.select(
        Attachment.owner_table, Attachment.owner_id, Attachment.kind))
    for ticket in Ticket.select(Ticket.id, Ticket.state).where(Ticket.id.in_(list(all_tickets))):
        if ticket.id in done:
            wanted = {st.ONSITE: 1, st.REPAIRING: 1, st.AWAITING_CHECK: 1, st.CLOSED: 1}
            got = {s: events[(ticket.id, s)] for s in wanted}
            if got != wanted or ticket.state != st.CLOSED or costs[ticket.id] != 1 \
                    or atts[("ticket", ticket.id, "photo")] != 1 or atts[("ticket", ticket.id, "signature")] != 1:
                problems.append(f"ticket {ticket.id}: state {ticket.state}, events {got}, cost lines {costs[ticket.id]}, "
                                f"photos {atts[('ticket', ticket.id, 'photo')]}, "
                                f"signatures {atts[('ticket', ticket.id, 'signature')]}")
        elif ticket.state not in (st.DISPATCHED, st.ONSITE):
            problems.append(f"ticket {ticket.id} changed without a saved report: {ticket.state}")
    for visit_id in stats.visits_done:
        visit = Visit.get_by_id(visit_id)
        if visit.status != vs.DONE or atts[("visit", visit_id, "signature")] != 1 or atts[("visit", visit_id, "photo")] != 1:
            problems.append(f"visit {visit_id}: {visit.status}, signatures {atts[('visit', visit_id, 'signature')]}, "
                            f"photos {atts[('visit', visit_id, 'photo')]}")
    return problems


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(label: str, phones: int, stats: Stats, wall: float, problems: list[str]) -> dict:
    submissions = sum(len(stats.latencies[k]) for k in ("arrive", "report", "visit"))
    latency = {k: {"n": len(v), "p50": percentile(v, 50), "p90": percentile(v, 90), "p99": percentile(v, 99),
                   "max": max(v)} for k, v in sorted(stats.latencies.items()) if v}
    return {"database": label, "phones": phones, "seconds": round(wall, 1), "saved": len(stats.saved),
            "requests": sum(len(v) for v in stats.latencies.values()),
            "submissions_per_s": round(len(stats.saved) / wall, 2), "submissions_sent": submissions,
            "resends_answered_from_record": stats.duplicates, "tickets_closed": len(stats.tickets_done),
            "visits_recorded": len(stats.visits_done), "errors": dict(stats.errors), "ran_out": stats.ran_out,
            "latency": latency, "problems": problems, "saved_once": not problems}


# --- the headless service in its own process ------------------------------------------------------

def free_port() -> int:
    """A port free on 127.0.0.1 now (others may be running the service on this machine); the phone
    service's tests and screenshots start theirs on one too."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_service(db: str, env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-c", "from warranty_desk.cli import main; raise SystemExit(main())",
           "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the service ended: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the service did not start within a minute")


def one_database(label: str, db: str, work: Path, phones: int, seconds: float, per_phone: int) -> dict:
    from warranty_desk.db import open_database
    from warranty_desk.models import database_proxy
    from warranty_desk.services import settings

    database = open_database(db)
    settings.ensure_defaults()
    started = time.perf_counter()
    crews = prepare_office(phones, per_phone, max(3, per_phone // 4))
    print(f"  {label}: office of {phones} crews × {per_phone} repairs prepared in {time.perf_counter() - started:.0f} s",
          flush=True)
    database.close()
    log = work / f"serve-{label}.log"
    proc, base = start_service(db, dict(os.environ), log)
    try:
        stats, wall = run_load(base, crews, seconds)
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    database = open_database(db)
    try:
        problems = verify(stats, crews)
        result = summary(label, phones, stats, wall, problems)
        result["server_errors"] = server_errors(log.read_text(errors="replace"))
    finally:
        database.close()
        database_proxy.initialize(None)
    return result


def server_errors(text: str) -> list[str]:
    """The service's tracebacks (first lines and the exception) and its 500 answers, for the report."""
    found, lines = [], text.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("Traceback"):
            block = []
            for follow in lines[n + 1:]:
                block.append(follow)
                if follow and not follow.startswith((" ", "\t", "During handling", "The above exception", "Traceback")):
                    break
            found.append("\n".join(block[-12:]))
        elif " 500 " in line:
            found.append(line)
    return found


def pg_database(server: str) -> tuple[str, callable]:
    import psycopg2

    name = f"wd_phone_load_{secrets.token_hex(4)}"
    conn = psycopg2.connect(server)
    conn.autocommit = True
    conn.cursor().execute(f'CREATE DATABASE "{name}"')
    conn.close()

    def drop():
        c = psycopg2.connect(server)
        c.autocommit = True
        c.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.close()

    return server.rsplit("/", 1)[0] + "/" + name, drop


def markdown(results: list[dict], header: str) -> str:
    lines = [header, "",
             "| database | phones | time | saved submissions | per second | resends answered from the record "
             "| errors | saved exactly once |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        errors = sum(r["errors"].values())
        lines.append(f"| {r['database']} | {r['phones']} | {r['seconds']} s | {r['saved']} ({r['tickets_closed']} repairs "
                     f"closed, {r['visits_recorded']} visits) | {r['submissions_per_s']} | "
                     f"{r['resends_answered_from_record']} | {errors}{' ' + str(r['errors']) if errors else ''} | "
                     f"{'yes' if r['saved_once'] else 'NO: ' + '; '.join(r['problems'][:3])} |")
    lines += ["", "| database | request | count | p50 | p90 | p99 | max |", "|---|---|---|---|---|---|---|"]
    names = {"page": "page (task list, repair, visit)", "pair": "pairing", "arrive": "已到场",
             "report": "repair report (photo, signature, cost line)", "visit": "visit record (photo, signature)",
             "resend": "resend of a saved submission"}
    for r in results:
        for kind, lat in r["latency"].items():
            lines.append(f"| {r['database']} | {names.get(kind, kind)} | {lat['n']} | {lat['p50'] * 1000:.0f} ms | "
                         f"{lat['p90'] * 1000:.0f} ms | {lat['p99'] * 1000:.0f} ms | {lat['max'] * 1000:.0f} ms |")
    return "\n".join(lines)


def record(text: str) -> None:
    write_section(BEGIN, END, text, "The phone service under load")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.phone_load", description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--per-phone", type=int, default=40, help="repairs dispatched to each phone's person")
    parser.add_argument("--pg", help="a PostgreSQL server (role with CREATEDB) to run on as well")
    parser.add_argument("--only-pg", action="store_true", help="PostgreSQL only")
    parser.add_argument("--record", action="store_true", help="write the results into benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="wd-phone-load-"))
    os.environ["WARRANTY_DESK_DATA"] = str(work / "data")
    os.environ["WARRANTY_DESK_CONFIG"] = str(work / "config")
    os.environ.setdefault("WARRANTY_DESK_USER", "benchmark")
    results = []
    try:
        if not args.only_pg:
            results.append(one_database("SQLite", str(work / "office.db"), work, args.phones, args.seconds, args.per_phone))
        if args.pg:
            url, drop = pg_database(args.pg)
            try:
                results.append(one_database("PostgreSQL", url, work, args.phones, args.seconds, args.per_phone))
            finally:
                drop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    header = (f"Run of {dt.datetime.now():%Y-%m-%dT%H:%M} — {args.phones} phones for {args.seconds:.0f} s each, "
              f"service and phones on 127.0.0.1 of one machine ({os.cpu_count()} CPUs shared with other work; "
              f"load average {load:.1f} at the end).")
    text = markdown(results, header)
    print(text)
    for r in results:
        for error in r.get("server_errors", [])[:4]:
            print(f"{r['database']}: from the service's log:\n{error}\n")
    if args.record:
        record(text)
        print(f"recorded in {RESULTS_MD}")
    return 0 if all(r["saved_once"] and not r["errors"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
