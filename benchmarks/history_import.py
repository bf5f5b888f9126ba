"""Importing a whole office's history: the generated office (benchmarks/generate.py, same size and
seed) written out as the office's own four sheets — projects with both dates (handed over by the
import), units and owners, past repairs, past visits — then imported into an empty database in that
order, the way an office moves in. The sheets are made once per size and seed and kept in
benchmarks/out/; the import runs in a fresh process whose peak memory (VmHWM) is the figure.

    python -m benchmarks.history_import --size default      # write the sheets (if needed), import, print
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .generate import OUT_DIR, SIZES, Size, cache_key, cached_office

SHEETS_VERSION = 2
MARK = "WARRANTY_DESK_HISTORY "
KINDS = ("projects", "units", "tickets", "visits")


def history_counts(size: Size) -> dict:
    """What the office's history holds at this size: every project, unit and repair, and as many
    past visits as a third of the office's visits (20,000 at the default size)."""
    return {"projects": size.projects, "units": size.units, "tickets": size.tickets, "visits": size.visits // 3}


def sheets_folder(size: Size, seed: int) -> Path:
    return OUT_DIR / f"history-{size.projects}p-{cache_key(size, seed)}-v{SHEETS_VERSION}"


def write_sheets(size: Size, seed: int = 2026, log=print) -> Path:
    """The four sheets for this size and seed (made once, from the generated office)."""
    folder = sheets_folder(size, seed)
    if all((folder / f"{kind}.xlsx").exists() for kind in KINDS):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    office = cached_office(size, seed, log=log)
    started = time.perf_counter()
    con = sqlite3.connect(str(office))
    try:
        counts = {kind: _write(kind, con, folder / f"{kind}.xlsx", history_counts(size)[kind]) for kind in KINDS}
    finally:
        con.close()
    log(f"wrote the history sheets in {time.perf_counter() - started:.1f} s: {counts}")
    return folder


def _book(headers):
    """A workbook as Excel saves one (shared strings, the sheet's size stated), not openpyxl's
    streaming format: offices bring files saved by Excel or WPS."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "导入"
    sheet.append(headers)
    return book, sheet


def _write(kind: str, con: sqlite3.Connection, path: Path, limit: int) -> int:
    writer = {"projects": _projects, "units": _units, "tickets": _tickets, "visits": _visits}[kind]
    book, sheet, rows = writer(con, limit)
    tmp = path.with_suffix(".part.xlsx")
    book.save(str(tmp))
    os.replace(tmp, path)
    return rows


def _day(text):
    return dt.date.fromisoformat(text[:10]) if text else None


def _moment(text):
    return dt.datetime.fromisoformat(text) if text else None


def _projects(con, limit):
    from warranty_desk.rules import categories as cat

    book, sheet = _book(["工程编号", "工程名称", "建设单位", "联系人", "联系电话", "工程地址", "工程类型", "工程规模",
                         "竣工验收日期", "交付日期", "合同金额", "结算金额", "设计使用年限", "采暖地区", "项目经理"])
    query = """SELECT p.code, p.name, c.name, p.contact, p.phone, p.address, p.type, p.scale, p.accepted_on,
                      p.handed_over_on, p.contract_amount, p.settled_amount, p.design_life_years, r.name, p.manager
               FROM project p LEFT JOIN client c ON c.id = p.client_id LEFT JOIN region r ON r.id = p.region_id
               ORDER BY p.id LIMIT ?"""
    n = 0
    for row in con.execute(query, (limit,)):
        row = list(row)
        row[6], row[7] = cat.TYPE_NAMES.get(row[6], row[6]), cat.SCALE_NAMES.get(row[7], row[7])  # as offices write them
        row[8], row[9] = _day(row[8]), _day(row[9])
        row[10], row[11] = float(row[10]), float(row[11])
        sheet.append(row)
        n += 1
    return book, sheet, n


def _units(con, limit):
    book, sheet = _book(["工程编号", "楼栋", "单元", "房号", "业主姓名", "联系电话", "交付日期"])
    query = """SELECT p.code, u.building, u.entrance, u.room, u.owner_name, u.owner_phone, u.handed_over_on
               FROM unit u JOIN project p ON p.id = u.project_id ORDER BY u.id LIMIT ?"""
    n = 0
    for row in con.execute(query, (limit,)):
        row = list(row)
        row[6] = _day(row[6])
        sheet.append(row)
        n += 1
    return book, sheet, n


def _tickets(con, limit):
    from warranty_desk.rules.categories import CATEGORIES

    book, sheet = _book(["工程编号", "房号", "报修日期", "报修人", "联系电话", "报修内容", "问题类别", "紧急程度",
                         "处理结果", "维修人员", "分包单位", "完成日期", "费用", "费用承担", "验收人", "满意度"])
    query = """SELECT p.code, u.building, u.entrance, u.room, t.reported_at, t.reporter, t.phone, t.description,
                      t.category, t.urgency, s.name, sc.name, t.completed_at, t.closed_at, t.state, t.quote_amount,
                      t.payer, t.signoff_by, t.satisfaction
               FROM ticket t JOIN project p ON p.id = t.project_id LEFT JOIN unit u ON u.id = t.unit_id
               LEFT JOIN staff s ON s.id = t.assignee_id LEFT JOIN subcontractor sc ON sc.id = t.subcontractor_id
               ORDER BY t.id"""
    seen, n, now = set(), 0, dt.datetime.now()
    for (code, building, entrance, room, reported, reporter, phone, description, category, urgency, staff, sub,
         completed, closed, state, quote, payer, signoff_by, satisfaction) in con.execute(query):
        if n >= limit:
            break
        reported = _moment(reported)
        unit = "-".join(p for p in (building, entrance, room) if p)
        ident = (code, unit, reported.date(), description)
        if ident in seen or reported > now:  # the same request twice in a day is one row of the ledger
            continue
        seen.add(ident)
        done = _moment(completed or closed) if state in ("closed", "cancelled") else None
        if done is not None and (done > now or done < reported):
            done = None
        # the sheet says who bears it as the office writes it (the database keeps the key)
        bearer = {"us": "我方", "subcontractor": "分包单位", "owner": "业主"}.get(payer, "")  # i18n: data
        if bearer == "分包单位" and not sub:  # i18n: data
            bearer = ""
        sheet.append([code, unit or None, reported, reporter, phone, description, CATEGORIES[category].name, urgency,
                      "已修复" if done else None, staff, sub, done, float(quote) if quote else None, bearer or None,
                      signoff_by if done and signoff_by else None, satisfaction if done else None])
        n += 1
    return book, sheet, n


def _visits(con, limit):
    book, sheet = _book(["工程编号", "房号", "回访日期", "方式", "回访人", "被访人", "得分", "意见", "发现的问题"])
    query = """SELECT p.code, u.building, u.entrance, u.room, v.done_at, v.method, v.visitor, v.met_person, v.score,
                      v.opinion, v.findings
               FROM visit v JOIN project p ON p.id = v.project_id LEFT JOIN unit u ON u.id = v.unit_id
               WHERE v.status = 'done' AND v.visitor != '' ORDER BY v.id"""
    seen, n, now = set(), 0, dt.datetime.now()
    for code, building, entrance, room, done_at, method, visitor, met, score, opinion, findings in con.execute(query):
        if n >= limit:
            break
        done_at = _moment(done_at)
        unit = "-".join(p for p in (building, entrance, room) if p)
        ident = (code, unit, done_at.date(), visitor)
        if ident in seen or done_at > now:
            continue
        seen.add(ident)
        sheet.append([code, unit or None, done_at, method, visitor, met or None, score, opinion or None,
                      findings or None])
        n += 1
    return book, sheet, n


def peak_mb() -> float:
    """Peak resident memory of this process (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_all(folder: Path, db_path: Path) -> dict:
    """Import the four sheets into a new database, in order; the time of each and the peak memory."""
    from warranty_desk.db import open_database
    from warranty_desk.services import importing, settings

    db = open_database(str(db_path))
    settings.ensure_defaults()
    times, counts = {}, {}
    try:
        for kind in KINDS:
            started = time.perf_counter()
            report = importing.run(folder / f"{kind}.xlsx", kind)
            times[kind] = time.perf_counter() - started
            counts[kind] = len(report.new)
    finally:
        db.close()
    return {"seconds": times, "total": sum(times.values()), "created": counts, "peak_mb": peak_mb()}


def measure(size_name: str, seed: int, work: Path, log=print) -> dict:
    """Write the sheets (if needed), then import them in a fresh process; its figures."""
    folder = write_sheets(SIZES[size_name], seed, log=log)
    target = work / "history.db"
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, WARRANTY_DESK_DATA=str(work / "history-data"))
    proc = subprocess.run([sys.executable, "-m", "benchmarks.history_import", "--child", str(folder), str(target)],
                          cwd=str(root), env=env, capture_output=True, text=True, timeout=1800)
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    raise RuntimeError(f"the import process ended with exit code {proc.returncode}: {proc.stderr[-2000:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history_import", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", nargs=2, metavar=("SHEETS", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("WARRANTY_DESK_USER", "benchmark")
    if args.child:
        result = import_all(Path(args.child[0]), Path(args.child[1]))
        print(MARK + json.dumps(result), flush=True)
        return 0
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="wd-history-"))
    result = measure(args.size, args.seed, work)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
