"""A large office, reproducible from a seed, written with bulk inserts in one transaction.

Projects get their warranty items from `services.handover.compute_items` and their project-level
visit plan from `rules.visit_plan.plan_visits` (the same rules the program uses); the rest —
units, unit visits, tickets with their history, deposits, years of audit log — is drawn from a
`random.Random(seed)`, so the same parameters and seed give the same office.

    python -m benchmarks.generate --size default -o /tmp/office.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 5
TODAY = dt.date(2026, 11, 29)  # the office is generated as of this day, whatever the clock says


@dataclass(frozen=True)
class Size:
    projects: int
    units: int
    visits: int
    tickets: int
    audit_years: int
    audit_rows: int


SIZES = {
    "default": Size(projects=600, units=40_000, visits=60_000, tickets=30_000, audit_years=5, audit_rows=120_000),
    "small": Size(projects=120, units=6_000, visits=9_000, tickets=4_000, audit_years=2, audit_rows=10_000),
    "tiny": Size(projects=12, units=300, visits=400, tickets=200, audit_years=1, audit_rows=500),
    # the default office's shape (the same mix of projects, the same history per project) three and
    # ten times over: a regional contractor (#20)
    "3x": Size(projects=1_800, units=120_000, visits=180_000, tickets=90_000, audit_years=5, audit_rows=360_000),
    "10x": Size(projects=6_000, units=400_000, visits=600_000, tickets=300_000, audit_years=5, audit_rows=1_200_000),
}


TYPES = [("住宅", 40), ("公共建筑", 22), ("工业建筑", 15), ("市政工程", 10), ("装饰装修", 13)]
SCALES = [("小型", 40), ("中型", 40), ("大型", 20)]
UNIT_WEIGHT = {"小型": 1, "中型": 3, "大型": 6}
STAFF = [("李强", "项目经理"), ("王芳", "资料员"), ("张伟", "维修主管"), ("刘洋", "回访专员"), ("陈静", "质量部"),
         ("赵磊", "项目经理"), ("孙丽", "回访专员"), ("周敏", "回访专员"), ("吴刚", "维修工"), ("郑涛", "维修工"),
         ("黄勇", "项目经理"), ("徐娟", "资料员")]
TRADES = ["防水", "水电", "门窗", "暖通", "装修", "电气", "市政", "设备"]
TRADE_FOR = {
    "roof_waterproofing": "防水", "wet_room_waterproofing": "防水", "exterior_wall_seepage": "防水",
    "plumbing": "水电", "electrical": "电气", "heating": "暖通", "cooling": "暖通",
    "decoration": "装修", "equipment": "设备",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂鑫㐂浩宇欣怡子涵梓轩雨婷建华志国红梅海燕晓东"
ESTATES = ["阳光花园", "锦绣家园", "翠湖名苑", "金色港湾", "和谐小区", "龙湖春江", "幸福里", "紫荆苑", "丽景湾",
           "滨江一号", "香樟园", "御景华府", "书香门第", "明珠花苑", "东方明珠城", "碧水云天", "金地格林", "万科城"]
BUILDINGS = {
    "公共建筑": ["实验小学教学楼", "人民医院门诊楼", "图书馆新馆", "体育中心综合馆", "行政服务中心", "文化艺术中心",
             "社区卫生服务中心", "职业技术学院实训楼", "档案馆", "养老服务中心"],
    "工业建筑": ["精密机械厂房", "物流仓储中心", "食品加工车间", "新能源电池厂房", "冷链物流库", "汽车零部件厂房"],
    "市政工程": ["道路改造工程", "污水管网工程", "景观桥", "排水防涝工程", "综合管廊工程", "公园提升工程"],
    "装饰装修": ["银行营业厅装修", "写字楼精装修", "酒店大堂装饰改造", "幼儿园室内装修", "医院病房楼装修"],
}
CLIENT_KINDS = ["置业有限公司", "房地产开发有限公司", "城市建设投资有限公司", "实业有限公司", "教育局", "卫生健康委员会",
                "产业园管理有限公司", "发展集团"]
DISTRICTS = ["朝阳", "新城", "高新", "经开", "滨江", "南湖", "东湖", "开发"]
ROADS = ["建设", "人民", "解放", "和平", "长江", "黄河", "中山", "光明", "友谊", "学院"]
# beyond the demo office's defects (warranty_desk.services.demo.DEFECTS): windows are decoration works
EXTRA_DEFECTS = [("decoration", "阳台", "推拉窗关不严，漏风")]
OPINIONS = ["对工程质量总体满意", "希望维修响应再快一些", "服务态度好", "无意见", "屋面需定期清理落叶", "小区绿化不错",
            "地下车库有积水，请尽快处理"]
FINDINGS = ["未发现问题", "未发现问题", "未发现问题", "个别窗户密封条老化", "地下室有轻微潮湿", "外墙局部涂料脱落"]
MAIN_LINE = ["received", "dispatched", "onsite", "repairing", "awaiting_check", "closed"]
AUDIT_ACTIONS = [("update", "ticket"), ("transition", "ticket"), ("create", "ticket"), ("record", "visit"),
                 ("reschedule", "visit"), ("update", "project"), ("update", "unit"), ("create", "unit"),
                 ("update", "deposit"), ("update", "setting")]


def _weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))))


def _bulk(model, fields, rows) -> None:
    """Bulk insert: the INSERT statement `Model.insert_many` builds for one row, run with executemany
    over every row (values converted by each field's db_value, defaults filled as peewee fills
    them) — the rows peewee would write, without building SQL text for hundreds of thousands of rows."""
    if not rows:
        return
    sql, _params = model.insert_many([rows[0]], fields=fields).sql()
    columns = [c.strip().strip('"`') for c in sql.split("(", 1)[1].split(") VALUES", 1)[0].split(",")]
    given = {f.column_name: i for i, f in enumerate(fields)}
    by_column = model._meta.columns
    plan = []
    for column in columns:
        field = by_column[column]
        if column in given:
            plan.append((given[column], field.db_value, None))
        else:
            plan.append((None, field.db_value, field.default))

    def values(row):
        out = []
        for index, convert, default in plan:
            if index is not None:
                out.append(convert(row[index]))
            else:
                out.append(convert(default() if callable(default) else default))
        return out

    model._meta.database.cursor().executemany(sql, map(values, rows))


def cache_key(size: Size, seed: int) -> str:
    """What the office's content depends on. Not the schema version: a cached office made by an older
    schema is migrated like a clerk's office (`_migrate_cached`), so a large one is not generated again."""
    text = json.dumps({"size": asdict(size), "seed": seed, "gen": GENERATOR_VERSION, "today": TODAY.isoformat()},
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _migrate_cached(path: Path, log=print) -> None:
    """Bring a cached office made by an older schema up to the program's (the program's own migration,
    as a clerk's office meets it; the copy it keeps aside before migrating is removed here)."""
    import sqlite3

    from warranty_desk import migrations

    con = sqlite3.connect(str(path))
    try:
        version = con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
    finally:
        con.close()
    if version >= migrations.latest_version():
        return
    from warranty_desk.db import open_database
    from warranty_desk.models import database_proxy

    started = time.perf_counter()
    db = open_database(str(path))
    try:
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
        database_proxy.initialize(None)
    for aside in path.parent.glob(f"{path.stem}.v{version}.*.bak{path.suffix}"):
        aside.unlink()
    _remove_lock_folder(path)
    log(f"migrated {path.name} from schema {version} to {migrations.latest_version()} "
        f"in {time.perf_counter() - started:.1f} s")


def _remove_lock_folder(path: Path) -> None:
    """The writers' lock folder (write_lock) the generation or migration left beside the file."""
    import shutil

    shutil.rmtree(f"{path}.writers", ignore_errors=True)


def cached_office(size: Size, seed: int = 2026, out_dir: Path = OUT_DIR, log=print) -> Path:
    """The generated office for these parameters and seed, built once and kept in benchmarks/out/."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"office-{size.projects}p-{cache_key(size, seed)}.db"
    if path.exists():
        _migrate_cached(path, log)
        return path
    started = time.perf_counter()
    counts = generate(path, size, seed)
    log(f"generated {path.name} in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return path


def generate(path: str | Path, size: Size, seed: int = 2026, today: dt.date = TODAY) -> dict:
    """Write a new office database at `path` (replaced atomically); returns the row counts."""
    from warranty_desk.db import open_database
    from warranty_desk.models import database_proxy
    from warranty_desk.services import settings

    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    db = open_database(str(tmp))
    try:
        db.execute_sql("PRAGMA synchronous=OFF")
        settings.ensure_defaults()
        with database_proxy.atomic():
            counts = _fill(random.Random(seed), size, today)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
        database_proxy.initialize(None)
    os.replace(tmp, path)
    for leftover in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    _remove_lock_folder(tmp)
    return counts


def _visit_row(rng, project, unit_id, day, kind, purposes, method, who, ticket_id, today, grade, retry=False):
    status, done_at, visitor, met, findings, opinion, score, grade_name = "planned", None, "", "", "", "", None, ""
    if day < today:
        roll = rng.random()
        if roll < 0.05:
            status = "missed"
        elif roll < 0.09 and not retry:
            status = "cancelled"
        elif roll < 0.15 and not retry:
            status, done_at, findings = "unreachable", _at(day, rng), "电话无人接听"
        else:
            status = "done"
            done_at = _at(min(today, day + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 5, 12)))), rng)
            visitor, met = who.name, project.contact
            findings, opinion = rng.choice(FINDINGS), rng.choice(OPINIONS)
            score = float(min(100, max(30, round(rng.gauss(86, 8)))))
            grade_name = grade(score)
    elif rng.random() < 0.01:
        status = "cancelled"
    return [project.id, unit_id, day, kind, purposes, method, who.id, status, done_at, visitor, met, findings, opinion,
            score, grade_name, ticket_id, dt.datetime.combine(project.handed_over_on, dt.time(9, 0))]


def _fill(rng: random.Random, size: Size, today: dt.date) -> dict:
    from warranty_desk import audit_chain
    from warranty_desk.models import (
        AuditLog,
        Client,
        Deposit,
        Project,
        Region,
        Staff,
        Subcontractor,
        Ticket,
        TicketEvent,
        Unit,
        Visit,
        WarrantyItem,
    )
    from warranty_desk.rules import categories as cat
    from warranty_desk.rules.satisfaction import grade
    from warranty_desk.rules.visit_plan import ItemEnd, plan_visits
    from warranty_desk.rules.workdays import next_working_day
    from warranty_desk.services import settings
    from warranty_desk.services.demo import DEFECTS as DEMO_DEFECTS
    from warranty_desk.services.handover import compute_items
    from warranty_desk.services.projects import project_has_heating

    settings.set_many({"company_name": "华建第三工程有限公司", "company_address": "北京市海淀区学院路38号华建大厦",
                       "hotline": "400-810-2468"})
    now = dt.datetime.combine(today, dt.time(9, 0))
    defects = [*DEMO_DEFECTS, *EXTRA_DEFECTS]

    # people and firms
    _bulk(Staff, [Staff.name, Staff.role, Staff.phone], [(n, r, _phone(rng)) for n, r in STAFF])
    staff = list(Staff.select().order_by(Staff.id))
    managers = [s.name for s in staff if s.role == "项目经理"]
    visitors = [s for s in staff if s.role in ("回访专员", "资料员", "质量部")]
    _bulk(Subcontractor, [Subcontractor.name, Subcontractor.trade, Subcontractor.contact, Subcontractor.phone],
          [(f"{rng.choice(['华通', '恒信', '金鼎', '东方', '宏达', '安泰'])}{trade}工程有限公司{i + 1}号", trade,
            _person(rng), _phone(rng)) for i, trade in enumerate(TRADES * 2)])
    subs_by_trade: dict[str, list[int]] = {}
    for sid, trade in Subcontractor.select(Subcontractor.id, Subcontractor.trade).tuples():
        subs_by_trade.setdefault(trade, []).append(sid)
    regions = list(Region.select().order_by(Region.id))
    cities = [r.name for r in regions]
    n_clients = max(3, size.projects // 8)
    _bulk(Client, [Client.name, Client.contact, Client.phone, Client.address],
          [(f"{rng.choice(cities)}{rng.choice(ESTATES[:8])}{rng.choice(CLIENT_KINDS)}（{i + 1:03d}）", _person(rng),
            f"0{rng.randint(10, 99)}-{rng.randint(60000000, 89999999)}", "") for i in range(n_clients)])
    clients = list(Client.select(Client.id, Client.name).tuples())

    # projects: accepted over ten years, more in recent years (the firm grew)
    span = 10 * 365
    rows = []
    for i in range(size.projects):
        age = int(span * (1 - rng.random() ** 0.8))  # skewed towards recent handovers
        accepted = today - dt.timedelta(days=max(15, age))
        ptype = _weighted(rng, TYPES)
        scale = "小型" if ptype == "装饰装修" and rng.random() < 0.8 else _weighted(rng, SCALES)
        region = rng.choice(regions)
        client_id, client_name = rng.choice(clients)
        base = rng.choice(ESTATES) + rng.choice(["", "二期", "三期", "北区", "南区"]) if ptype == "住宅" \
            else rng.choice(BUILDINGS[ptype])
        amount = rng.randint(30, 300) * 10000 if scale == "小型" else rng.randint(300, 30000) * 10000
        rows.append((
            f"GC-{accepted.year}-{i + 1:04d}", f"{region.name}{base}" + ("项目" if ptype == "住宅" else ""),
            client_id, _person(rng), f"0{rng.randint(10, 99)}-{rng.randint(60000000, 89999999)}",
            f"{region.name}市{rng.choice(DISTRICTS)}区{rng.choice(ROADS)}路{rng.randint(1, 399)}号",
            cat.LEGACY_TYPES[ptype], cat.LEGACY_SCALES[scale],  # stored as keys (schema step 12)
            region.id, None, ptype == "公共建筑", accepted, accepted + dt.timedelta(days=rng.randint(0, 30)),
            Decimal(amount), Decimal(amount), 100 if ("医院" in base or "图书馆" in base) else 50,
            rng.choice(managers), "中国建筑设计研究院有限公司", "华信工程监理有限公司", client_name,
            "外墙保温：岩棉板\n屋面防水：SBS改性沥青防水卷材\n外窗：断桥铝合金中空玻璃窗\n给水管：PPR管",
            dt.datetime.combine(accepted, dt.time(9, 0)),
        ))
    P = Project
    _bulk(P, [P.code, P.name, P.client, P.contact, P.phone, P.address, P.type, P.scale, P.region, P.has_heating,
              P.has_cooling, P.accepted_on, P.handed_over_on, P.contract_amount, P.settled_amount,
              P.design_life_years, P.manager, P.designer, P.supervisor, P.developer, P.materials, P.created_at], rows)
    projects = list(Project.select().order_by(Project.id))

    # warranty items through the program's own rules, and each project's visit plan
    region_of = {r.id: r for r in regions}
    plan_rules = settings.plan_settings()
    item_rows, item_ends, project_visits = [], {}, []
    horizon = today + dt.timedelta(days=365)
    for project in projects:
        project.region = region_of[project.region_id]
        items = compute_items(project)
        item_ends[project.id] = {row["key"]: row["end_on"] for row in items}
        for row in items:
            trade = TRADE_FOR.get(row["key"])
            sub = rng.choice(subs_by_trade[trade]) if trade in subs_by_trade else None
            item_rows.append((project.id, row["key"], row["name"], row["minimum_unit"], row["minimum_amount"],
                              row["agreed_unit"], row["agreed_amount"], row["start_on"], row["end_on"], sub))
        heating = settings.season_rules(project.region, project_has_heating(project)).heating
        plan = plan_visits(project.handed_over_on, project.scale, [ItemEnd(k, e) for k, e in item_ends[project.id].items()],
                           heating=heating, rainy_start=project.region.rainy_start, settings=plan_rules)
        for planned in plan:
            if planned.on <= horizon:
                project_visits.append((project, None, planned.on, planned.kind, "\n".join(planned.purposes)))
    W = WarrantyItem
    _bulk(W, [W.project, W.key, W.name, W.minimum_unit, W.minimum_amount, W.agreed_unit, W.agreed_amount,
              W.start_on, W.end_on, W.subcontractor], item_rows)

    # units of the residential projects, in proportion to their scale
    residential = [p for p in projects if p.type == cat.RESIDENTIAL] or projects[:1]
    weights = [UNIT_WEIGHT[cat.SCALE_NAMES[p.scale]] * (0.6 + rng.random()) for p in residential]
    total_w = sum(weights)
    share = [int(size.units * w / total_w) for w in weights]
    share[0] += size.units - sum(share)
    unit_rows = []
    for project, n in zip(residential, share):
        for k in range(n):
            building, rest = divmod(k, 144)  # 2 entrances × 18 floors × 4 doors
            entrance, rest = divmod(rest, 72)
            floor, door = divmod(rest, 4)
            unit_rows.append((project.id, f"{building + 1}号楼", f"{entrance + 1}单元", f"{floor + 1}{door + 1:02d}",
                              _person(rng), _phone(rng), project.handed_over_on))
    U = Unit
    _bulk(U, [U.project, U.building, U.entrance, U.room, U.owner_name, U.owner_phone, U.handed_over_on], unit_rows)
    units_of: dict[int, list[tuple]] = {}
    for uid, pid, building, entrance, room, owner, phone in Unit.select(
            U.id, U.project, U.building, U.entrance, U.room, U.owner_name, U.owner_phone).tuples():
        units_of.setdefault(pid, []).append((uid, f"{building}-{entrance}-{room}", owner, phone))

    # tickets with their history, numbered per year in the order they were reported
    by_id = {p.id: p for p in projects}
    # a project reports repairs at a steady rate per unit while its warranties run (five years at
    # most), so the yearly number grows with the firm instead of piling up in the last months
    active = {p.id: max(2, min((today - p.handed_over_on).days, 5 * 365)) for p in projects}
    ticket_weights = [(3 + len(units_of.get(p.id, ())) / 10) * active[p.id] for p in projects]
    sla = settings.get("sla")
    drafts = []
    for _ in range(size.tickets):
        project = rng.choices(projects, weights=ticket_weights)[0]
        reported = _at(project.handed_over_on + dt.timedelta(days=rng.randint(1, active[project.id] - 1)), rng)
        drafts.append((min(reported, now - dt.timedelta(hours=1)), project))
    drafts.sort(key=lambda d: d[0])
    counter: dict[int, int] = {}
    staff_names = {s.id: s.name for s in staff}
    ticket_rows, event_plan = [], []
    for reported, project in drafts:
        key, place, text = rng.choice(defects)
        ends = item_ends[project.id]
        if key not in ends:
            key = rng.choice(sorted(ends))
        year = reported.year
        counter[year] = counter.get(year, 0) + 1
        unit = rng.choice(units_of[project.id]) if project.id in units_of else None
        urgent = key in ("roof_waterproofing", "plumbing", "wet_room_waterproofing") and rng.random() < 0.25
        rule = sla["urgent" if urgent else "normal"]
        in_warranty = reported.date() <= ends[key]
        age = (now - reported).days
        if age < 20 and rng.random() < 0.7 or age < 120 and rng.random() < 0.03:  # under way, or stuck
            outcome = "open"
            state = "paid" if not in_warranty and rng.random() < 0.5 else rng.choice(MAIN_LINE[:5])
        else:
            outcome = rng.choices(["closed", "cancelled", "elsewhere", "refused"], weights=[90, 5, 3, 2])[0]
            state = "cancelled" if outcome == "cancelled" else "closed"
        respond = reported + dt.timedelta(hours=rng.uniform(0.2, rule["respond_hours"] * 1.3))
        onsite = respond + dt.timedelta(hours=rng.uniform(1, rule["onsite_hours"] * 1.1))
        done = onsite + dt.timedelta(hours=rng.uniform(2, rule["complete_hours"] * 1.1))
        closed = done + dt.timedelta(days=rng.randint(1, 5))
        reached = MAIN_LINE.index(state) if state in MAIN_LINE and outcome in ("open", "closed") else 1
        assignee = rng.choice(staff).id
        signed = outcome == "closed"
        ticket_rows.append((
            f"BX-{year}-{counter[year]:04d}", project.id, unit[0] if unit else None,
            unit[2] if unit else project.contact, unit[3] if unit else project.phone,
            rng.choice(["phone", "phone", "phone", "walk_in", "letter", "visit_finding"]),
            f"{unit[1]} {place}" if unit else place, key, text, "urgent" if urgent else "normal", reported, state,
            in_warranty, f"{key} 保修至 {ends[key].isoformat()}", assignee,
            rng.choice(subs_by_trade.get(TRADE_FOR.get(key, ""), [None])),
            reported + dt.timedelta(hours=rule["respond_hours"]), reported + dt.timedelta(hours=rule["onsite_hours"]),
            reported + dt.timedelta(hours=rule["complete_hours"]),
            respond if reached >= 1 else None, onsite if reached >= 2 else None, done if reached >= 4 else None,
            closed if state in ("closed", "cancelled") else None,
            "workmanship" if in_warranty else "expired", "us" if in_warranty else "owner",
            "paper" if signed else "", (unit[2] if unit else project.contact) if signed else "",
            closed if signed else None, rng.choice((5, 5, 5, 4, 4, 3, 2)) if signed else None, reported,
            Decimal(rng.randint(2, 80) * 50) if state == "paid" or outcome == "refused" else None,
            False if outcome == "refused" else None,
        ))
        times = [reported, respond, onsite, onsite + dt.timedelta(minutes=20), done, closed]
        path = [(MAIN_LINE[i - 1], MAIN_LINE[i], times[i], "") for i in range(1, reached + 1)]
        if state == "paid" or outcome == "refused":
            path = [("received", "paid", respond, "超出保修期，需业主付费维修")]
            if outcome == "refused":
                path.append(("paid", "closed", closed, "业主拒绝报价"))
        elif outcome == "cancelled":
            path.append(("dispatched", "cancelled", closed, "业主来电：问题已自行解决"))
        elif outcome == "elsewhere":
            path += [("dispatched", "elsewhere", onsite, "业主已另请他人维修"), ("elsewhere", "closed", closed, "")]
        event_plan.append([(a, b, t, staff_names[assignee], why) for a, b, t, why in path])
    T = Ticket
    _bulk(T, [T.number, T.project, T.unit, T.reporter, T.phone, T.channel, T.location, T.category, T.description,
              T.urgency, T.reported_at, T.state, T.in_warranty, T.warranty_reason, T.assignee, T.subcontractor,
              T.respond_due, T.onsite_due, T.complete_due, T.responded_at, T.onsite_at, T.completed_at, T.closed_at,
              T.cause_class, T.payer, T.signoff_kind, T.signoff_by, T.signoff_at, T.satisfaction, T.created_at,
              T.quote_amount, T.quote_accepted],
          ticket_rows)
    ticket_ids = [tid for (tid,) in Ticket.select(Ticket.id).order_by(Ticket.id).tuples()]
    event_rows = [(tid, a, b, t, by, why) for tid, events in zip(ticket_ids, event_plan) for a, b, t, by, why in events]
    E = TicketEvent
    _bulk(E, [E.ticket, E.from_state, E.to_state, E.at, E.by, E.reason], event_rows)

    # visits: the project plans, after-repair visits of closed tickets, then owner visits up to the total
    visit_drafts = list(project_visits)
    closed = [(tid, row) for tid, row in zip(ticket_ids, ticket_rows) if row[11] == "closed" and row[2]]
    for tid, row in rng.sample(closed, min(len(closed), size.visits // 10)):
        day = row[22].date() + dt.timedelta(days=rng.randint(5, 20))
        visit_drafts.append((by_id[row[1]], row[2], day, "after_repair", "维修完成后回访业主", tid))
    unit_projects = [p for p in residential if p.id in units_of]
    while len(visit_drafts) < size.visits and unit_projects:
        project = rng.choice(unit_projects)
        unit = rng.choice(units_of[project.id])
        last = min(horizon, project.handed_over_on + dt.timedelta(days=5 * 365))
        day = project.handed_over_on + dt.timedelta(days=rng.randint(30, max(31, (last - project.handed_over_on).days)))
        visit_drafts.append((project, unit[0], day, "periodic", "业主满意度回访"))
    if len(visit_drafts) > size.visits:
        visit_drafts = rng.sample(visit_drafts, size.visits)
    visit_drafts.sort(key=lambda d: (d[2], d[0].id))
    visit_rows: list[list] = []
    retries: list[tuple[list, dt.date]] = []
    for draft in visit_drafts:
        project, unit_id, day, kind, purposes = draft[:5]
        ticket_id = draft[5] if len(draft) > 5 else None
        who = rng.choice(visitors)
        method = "onsite" if kind in ("milestone", "seasonal") else rng.choice(["phone", "phone", "phone", "sms", "onsite"])
        row = _visit_row(rng, project, unit_id, day, kind, purposes, method, who, ticket_id, today, grade)
        visit_rows.append(row)
        if row[7] == "unreachable":  # 未联系上 is an attempt: a retry follows on a later working day
            retries.append((row, next_working_day(day + dt.timedelta(days=1))))
    # each retry takes the place of an owner visit, so the total stays as asked
    fillers = [i for i, row in enumerate(visit_rows) if row[3] == "periodic" and row[1] and row[7] != "unreachable"]
    dropped = set(rng.sample(fillers, min(len(fillers), len(retries))))
    visit_rows = [row for i, row in enumerate(visit_rows) if i not in dropped]
    retry_of: dict[int, list] = {}
    for original, day in retries[:len(dropped)]:
        project = by_id[original[0]]
        who = rng.choice(visitors)
        retry = _visit_row(rng, project, original[1], day, original[3], original[4], "phone", who, original[15], today,
                           grade, retry=True)
        retry_of[id(retry)] = original
        visit_rows.append(retry)
    visit_rows.sort(key=lambda row: (row[2], row[0]))
    id_of = {id(row): n for n, row in enumerate(visit_rows, 1)}  # ids follow the insert order
    for row in visit_rows:
        original = retry_of.get(id(row))
        row.append(id_of[id(original)] if original is not None else None)
    V = Visit
    _bulk(V, [V.project, V.unit, V.planned_on, V.kind, V.purposes, V.method, V.staff, V.status, V.done_at, V.visitor,
              V.met_person, V.findings, V.opinion, V.score, V.grade, V.ticket, V.created_at, V.retry_of], visit_rows)
    first_id = Visit.select(Visit.id).order_by(Visit.id).scalar()
    if first_id != 1:
        raise RuntimeError("visit ids must start at 1 in a new office (retries refer to them)")

    # the quality deposit of every project with a contract price
    deposit_rows = []
    for project in projects:
        months = rng.choice((12, 24, 24))
        amount = (project.settled_amount * Decimal("0.03")).quantize(Decimal("0.01"))
        due = project.accepted_on + dt.timedelta(days=months * 30)
        returned = due + dt.timedelta(days=40) < today and rng.random() < 0.8
        deposit_rows.append((project.id, amount, project.settled_amount, months, project.accepted_on,
                             due + dt.timedelta(days=5) if returned else None,
                             due + dt.timedelta(days=30) if returned else None, amount if returned else None))
    D = Deposit
    _bulk(D, [D.project, D.amount, D.settled_price, D.defect_months, D.start_on, D.applied_on, D.returned_on,
              D.returned_amount], deposit_rows)

    # years of audit log: the clerks' edits, spread over working hours
    audit_start = today - dt.timedelta(days=365 * size.audit_years)
    days = (today - audit_start).days
    stamps = sorted(audit_start + dt.timedelta(days=rng.randrange(days)) for _ in range(size.audit_rows))
    max_ids = {"ticket": len(ticket_ids), "visit": len(visit_rows), "project": len(projects), "unit": len(unit_rows),
               "deposit": len(deposit_rows), "setting": 1}
    # chained as services.audit writes them (audit_chain), after the rows the settings above wrote,
    # so the checks after start walk a real chain
    last = AuditLog.select(AuditLog.id, AuditLog.chain_hash).order_by(AuditLog.id.desc()).tuples().first()
    next_id, previous = (last[0] + 1, last[1]) if last else (1, audit_chain.GENESIS)
    audit_rows = []
    for day in stamps:
        action, table = rng.choice(AUDIT_ACTIONS)
        record_id = rng.randint(1, max(1, max_ids[table]))
        old = json.dumps({"state": "dispatched", "version": 2}, ensure_ascii=False) if action != "create" else ""
        new = json.dumps({"state": "repairing", "note": rng.choice(OPINIONS)}, ensure_ascii=False)
        at, user = _at(day, rng), rng.choice(staff).name
        link = audit_chain.row_hash(previous, next_id, at, user, action, table, record_id, old, new, "")
        audit_rows.append((next_id, at, user, action, table, record_id, old, new, "", previous, link))
        next_id, previous = next_id + 1, link
    A = AuditLog
    _bulk(A, [A.id, A.at, A.user, A.action, A.table, A.record_id, A.old, A.new, A.note, A.prev_hash, A.chain_hash],
          audit_rows)

    return {"projects": len(projects), "units": len(unit_rows), "items": len(item_rows), "visits": len(visit_rows),
            "tickets": len(ticket_rows), "ticket_events": len(event_rows), "deposits": len(deposit_rows),
            "audit_rows": len(audit_rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="default")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("-o", "--output", help="database file to write (default: the cache in benchmarks/out/)")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    if args.output:
        started = time.perf_counter()
        counts = generate(args.output, size, args.seed)
        print(f"{args.output}: {counts} in {time.perf_counter() - started:.1f} s")
    else:
        print(cached_office(size, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
