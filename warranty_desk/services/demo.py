"""A realistic demo office: projects of every type, size and region over six years,
residential units and owners, staff, subcontractors, visits done and planned, tickets, deposits."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TypedDict, cast

from ..errors import ValidationError
from ..i18n import N_, said
from ..models import (
    Project,
    Staff,
    Subcontractor,
    Ticket,
    Unit,
    Visit,
    WarrantyItem,
    database_proxy,
)
from ..rules import categories as cat
from ..rules import responsibility as resp
from ..rules import sla as sla_rules
from ..rules import visit_states as vs
from ..rules.satisfaction import grade
from ..rules.workdays import next_working_day
from . import audit, settings
from .handover import handover
from .projects import create_project
from .visit_records import fill_demo_record

DEMO_CLERK = "王芳"  # the demo office's 资料员, who recorded its history
DEMO_LOADED = audit.note(N_("装入演示数据"))  # the audit note of the demo
STAFF = [("李强", "project_manager"), ("王芳", "document_controller"), ("张伟", "repair_lead"), ("刘洋", "visit_officer"),
         ("陈静", "quality"), ("赵磊", "project_manager"), ("孙丽", "visit_officer")]  # roles: rules/staff_roles.py
SUBCONTRACTORS = [
    ("北京东方雨虹防水工程有限公司", "防水"), ("华通水电安装工程有限公司", "水电"),
    ("金鼎门窗幕墙有限公司", "门窗"), ("恒信暖通设备安装有限公司", "暖通"),
    ("宏达装饰工程有限公司", "装修"), ("中建电气安装有限公司", "电气"),
    ("利民市政工程有限公司", "市政"), ("安泰电梯设备有限公司", "设备"),
]
TRADE_FOR = {
    "roof_waterproofing": "防水", "wet_room_waterproofing": "防水", "exterior_wall_seepage": "防水",
    "plumbing": "水电", "electrical": "电气", "heating": "暖通", "cooling": "暖通",
    "decoration": "装修", "equipment": "设备",
}
CLIENTS = ["北京城建置业有限公司", "天津滨海新城开发有限公司", "哈尔滨松江房地产开发有限公司", "大连海韵置业有限公司",
           "新疆天山建设投资有限公司", "沈阳盛京地产集团", "济南泉城城投公司", "郑州中原置业有限公司",
           "西安曲江文化投资有限公司", "上海浦江实业有限公司", "杭州西溪科技园管理有限公司",
           "广州南沙发展集团", "成都天府新区教育局", "武汉光谷建设投资有限公司"]
NAMES = ["阳光花园", "锦绣家园", "翠湖名苑", "金色港湾", "和谐小区", "龙湖春江", "幸福里", "紫荆苑",
         "丽景湾", "滨江一号"]
PUBLIC = ["第二实验小学教学楼", "区人民医院门诊楼", "市图书馆新馆", "体育中心综合馆", "行政服务中心",
          "科技园研发楼", "文化艺术中心", "社区卫生服务中心"]
INDUSTRIAL = ["精密机械厂房", "物流仓储中心", "食品加工车间", "新能源电池厂房"]
MUNICIPAL = ["滨河路道路改造工程", "城东污水管网工程", "人民公园景观桥"]
DECORATION = ["招商银行营业厅装修", "万达写字楼精装修", "酒店大堂装饰改造", "幼儿园室内装修"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
DEFECTS = [
    ("roof_waterproofing", "屋面", "顶层卧室天花板渗水，雨后有水渍"),
    ("wet_room_waterproofing", "卫生间", "卫生间地面渗水至楼下天花板"),
    ("exterior_wall_seepage", "外墙", "客厅外墙内侧墙面潮湿、起皮"),
    ("plumbing", "厨房", "厨房下水管接口漏水"),
    ("electrical", "客厅", "客厅插座无电，空开频繁跳闸"),
    ("heating", "卧室", "暖气片不热，室温偏低"),
    ("decoration", "客厅", "墙面开裂、腻子脱落"),
    ("plumbing", "卫生间", "马桶排水不畅，反味"),
    ("equipment", "电梯", "电梯运行异响"),
]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _projects(rng: random.Random, today: dt.date) -> list[dict]:
    regions = ["北京", "天津", "哈尔滨", "大连", "乌鲁木齐", "沈阳", "济南", "郑州", "西安", "上海", "杭州",
               "广州", "成都", "武汉"]
    plan = ([("住宅", n) for n in NAMES] + [("公共建筑", n) for n in PUBLIC] + [("工业建筑", n) for n in INDUSTRIAL]
            + [("市政工程", n) for n in MUNICIPAL] + [("装饰装修", n) for n in DECORATION])
    rows = []
    for index, (ptype, base) in enumerate(plan):
        accepted = today - dt.timedelta(days=rng.randint(20, 6 * 365 - 30))
        region = regions[index % len(regions)]
        scale = ("小型", "中型", "大型")[index % 3] if ptype != "装饰装修" else "小型"
        city = region
        name = f"{city}{base}" + ("项目" if ptype == "住宅" else "")
        amount = Decimal(rng.randint(80, 3000) * 10000) if scale != "小型" else Decimal(rng.randint(30, 300) * 10000)
        rows.append({
            "code": f"GC-{accepted.year}-{index + 1:03d}",
            "name": name,
            "client": CLIENTS[index % len(CLIENTS)],
            "contact": _person(rng),
            "phone": f"0{rng.randint(10, 99)}-{rng.randint(60000000, 89999999)}",
            "address": f"{city}市{rng.choice(['朝阳', '新城', '高新', '经开', '滨江'])}区{rng.choice(['建设', '人民', '解放', '和平', '长江'])}路{rng.randint(1, 300)}号",
            "type": ptype,
            "scale": scale,
            "accepted_on": accepted,
            "handed_over_on": accepted + dt.timedelta(days=rng.randint(0, 30)),
            "contract_amount": amount,
            "design_life_years": 100 if "医院" in base or "图书馆" in base else 50,
            "heating_region": region,
            "manager": rng.choice([s[0] for s in STAFF if s[1] == "project_manager"]),
            "designer": "中国建筑设计研究院有限公司",
            "supervisor": "华信工程监理有限公司",
            "developer": CLIENTS[index % len(CLIENTS)],
            "materials": "外墙保温：岩棉板\n屋面防水：SBS改性沥青防水卷材\n外窗：断桥铝合金中空玻璃窗\n给水管：PPR管\n排水管：PVC-U管",
            **_manual_facts(ptype, index),
        })
    rows.sort(key=lambda r: cast(dt.date, r["accepted_on"]))
    return rows


def _manual_facts(ptype: str, index: int) -> dict:
    """What the 用户手册 states about the building (no random draws: the rest of the demo stays as it was)."""
    if ptype == "市政工程":
        return {"structure_type": "沥青混凝土路面、钢筋混凝土管道", "seismic_intensity": "7度（0.10g）"}
    facts = {"structure_type": {"住宅": "钢筋混凝土剪力墙结构", "工业建筑": "钢结构门式刚架"}.get(ptype, "钢筋混凝土框架结构"),
             "seismic_intensity": ("7度（0.10g）", "8度（0.20g）", "7度（0.15g）")[index % 3],
             "telecom": "光纤到户，每户设弱电箱" if ptype == "住宅" else "综合布线，每层设弱电间",
             "fire_safety": "室内消火栓、火灾自动报警、应急照明和疏散指示"}
    if ptype == "住宅":
        facts.update({"power_load": "每户8千瓦", "gas_supply": "管道天然气（燃气公司抢修电话 96777）",
                      "insulation": "外墙外保温，岩棉板80毫米", "property_company": "安居物业服务有限公司",
                      "property_phone": "400-660-8899"})
    elif ptype != "装饰装修":
        facts.update({"power_load": "按设计文件，总装机容量见配电系统图", "insulation": "外墙外保温，岩棉板60毫米"})
    return facts


def _add_units(rng: random.Random, project: Project) -> None:
    buildings = {cat.SMALL: 2, cat.MEDIUM: 4, cat.LARGE: 6}[cat.scale_key(project.scale)]
    rows = []
    for b in range(1, buildings + 1):
        for entrance in range(1, 3):
            for floor in range(1, 7):
                for door in (1, 2):
                    rows.append({
                        "project": project, "building": f"{b}号楼", "entrance": f"{entrance}单元",
                        "room": f"{floor}0{door}", "owner_name": _person(rng), "owner_phone": _phone(rng),
                        "handed_over_on": project.handed_over_on,
                        "layout": "三室两厅两卫" if door == 1 else "两室两厅一卫",
                        "area": Decimal("128.56") if door == 1 else Decimal("89.62"),
                    })
    Unit.insert_many(rows).execute()


def _record_past_visits(rng: random.Random, project: Project, today: dt.date, staff: list[Staff]) -> None:
    for visit in Visit.select().where((Visit.project == project) & (Visit.planned_on < today)):
        roll = rng.random()
        visit.staff = visit.staff or rng.choice(staff)
        if roll < 0.06:
            visit.status = vs.MISSED
        elif roll < 0.12:
            visit.status = vs.UNREACHABLE
            visit.done_at = dt.datetime.combine(visit.planned_on, dt.time(10, 0))
            visit.findings = "未联系上：电话无人接听"
            retry_on = next_working_day(visit.planned_on + dt.timedelta(days=2))
            if retry_on < today:
                retry = Visit.create(project=project, planned_on=retry_on, kind=visit.kind, purposes=visit.purposes,
                             method=visit.method, staff=visit.staff, retry_of=visit, status=vs.DONE,
                             done_at=dt.datetime.combine(retry_on, dt.time(15, 0)), visitor=visit.staff.name,
                             met_person=project.contact, findings="未发现问题", opinion="无意见")
                fill_demo_record(retry)
        else:
            late = rng.choice((0, 0, 0, 1, 2, 5, 12))
            visit.status = vs.DONE
            visit.done_at = dt.datetime.combine(visit.planned_on + dt.timedelta(days=late), dt.time(rng.randint(9, 16), 0))
            visit.visitor = visit.staff.name
            visit.met_person = project.contact
            visit.score = float(min(100, max(30, round(rng.gauss(86, 8)))))
            visit.grade = grade(visit.score)
            visit.opinion = rng.choice(["对工程质量总体满意", "希望维修响应再快一些", "服务态度好", "无意见", "屋面需定期清理落叶"])
            visit.findings = rng.choice(["未发现问题", "未发现问题", "个别窗户密封条老化", "地下室有轻微潮湿"])
        visit.save()
        if visit.status == vs.DONE:
            fill_demo_record(visit)  # questionnaire answers, score and grade, finding rows


def _signature_png() -> tuple[bytes, bytes]:
    """A drawn owner's signature and a 'scanned' signed form, as PNG bytes (made once)."""
    import io

    from PIL import Image, ImageDraw

    images = []
    for size, lines in (((240, 80), [(10, 50), (40, 20), (70, 60), (110, 25), (150, 55), (200, 30)]),
                        ((300, 420), [(40, 360), (120, 340), (200, 370), (260, 345)])):
        img = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(img)
        draw.line(lines, fill="black", width=3)
        if size[1] > 100:
            for y in range(40, 300, 24):
                draw.line([(30, y), (270, y)], fill=(120, 120, 120), width=1)
        buf = io.BytesIO()
        img.save(buf, "PNG")
        images.append(buf.getvalue())
    return images[0], images[1]


def _tickets(rng: random.Random, project: Project, today: dt.date, staff: list[Staff], pictures: tuple,
             elsewhere: list) -> None:
    """Tickets made through the tickets service, so events, costs, sign-offs and visits agree."""
    from ..rules import ticket_states as st
    from . import tickets

    items = {i.key: i for i in WarrantyItem.select().where(WarrantyItem.project == project)}
    units = list(Unit.select().where(Unit.project == project).limit(60))
    handed_over_on = project.handed_over_on
    assert handed_over_on is not None  # the demo's projects are all handed over
    count = rng.randint(1, 4) + len(units) // 15
    limit = dt.datetime.combine(today, dt.time(0, 0))  # nothing after the start of today
    for _ in range(count):
        key, location, text = rng.choice(DEFECTS)
        if key not in items:
            continue
        span = max(11, (today - handed_over_on).days)
        back = rng.randint(1, 30) if rng.random() < 0.2 else None  # some reported in the last month
        day = today - dt.timedelta(days=back) if back and back < span - 10 else (
            handed_over_on + dt.timedelta(days=rng.randint(10, span)))
        reported = dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.choice((0, 15, 30, 45))))
        if reported >= limit:
            continue
        # a recent request may still be under way, stopped at any step (some of them late)
        recent = (limit - reported).days < 30
        stop = rng.choice(("受理", "派工", "到场", "维修", "验收", "关闭", "关闭")) if recent else "关闭"
        urgent = key in ("roof_waterproofing", "plumbing") and rng.random() < 0.3
        sla = settings.get("sla")[sla_rules.URGENT if urgent else sla_rules.NORMAL]
        unit = rng.choice(units) if units else None
        intake = tickets.create_ticket({
            "project": project, "unit": unit,
            "reporter": unit.owner_name if unit else project.contact,
            "phone": unit.owner_phone if unit else project.phone,
            "channel": rng.choice(["电话", "电话", "来访", "来函"]), "location": location, "category": key,
            "description": text, "urgency": sla_rules.URGENT if urgent else sla_rules.NORMAL, "reported_at": reported,
        })
        t = intake.ticket
        worker = rng.choice(staff)
        roll = rng.random()
        respond = reported + dt.timedelta(hours=rng.uniform(0.3, sla["respond_hours"] * 1.2))
        onsite = respond + dt.timedelta(hours=rng.uniform(1, sla["onsite_hours"]))
        done = onsite + dt.timedelta(hours=rng.uniform(2, sla["complete_hours"] * 0.9))
        closed = done + dt.timedelta(hours=rng.uniform(2, 30))
        if respond >= limit or stop == "受理":
            continue
        if t.in_warranty and roll < 0.05:
            tickets.transition(t, st.ELSEWHERE, "业主因急用自行委托他人维修", worker.name, respond)
            tickets.set_cause(t, resp.WORKMANSHIP)
            tickets.add_cost_line(t, "其他", "业主另行委托维修费用（凭发票）", rng.randint(8, 40) * 50)
            if closed < limit:
                tickets.transition(t, st.CLOSED, "", worker.name, closed)
                elsewhere.append(Ticket.get_by_id(t.id))
            continue
        paid = not t.in_warranty or roll < 0.15
        if paid:
            if t.in_warranty:
                tickets.set_cause(t, resp.MISUSE)
            tickets.transition(t, st.PAID, "有偿维修，已向业主报价", worker.name, respond)
            tickets.set_quote(t, rng.randint(4, 40) * 50)
            if rng.random() < 0.15:
                tickets.answer_quote(t, False, "业主认为价格偏高")
                if closed < limit:
                    tickets.transition(t, st.CLOSED, "业主拒绝报价，不维修", worker.name, closed)
                continue
            tickets.answer_quote(t, True)
        else:
            tickets.set_cause(t, resp.WORKMANSHIP)
        sub = tickets.responsible_subcontractor(t) if not paid and rng.random() < 0.6 else None
        tickets.dispatch(t, worker, sub, by=worker.name, at=respond + dt.timedelta(minutes=10) if paid else respond)
        if onsite >= limit or stop == "派工":
            continue
        tickets.transition(t, st.ONSITE, "", worker.name, onsite)
        if stop == "到场":
            continue
        tickets.transition(t, st.REPAIRING, "", worker.name, onsite + dt.timedelta(minutes=20))
        labour = rng.randint(2, 12) * 50
        tickets.add_cost_line(t, "人工", "维修人工", labour)
        tickets.add_cost_line(t, "材料", rng.choice(["防水涂料", "管件及密封胶", "开关插座", "腻子、涂料", "暖气阀门"]),
                              rng.randint(1, 20) * 20)
        if done >= limit or stop == "维修":
            continue
        tickets.transition(t, st.AWAITING_CHECK, "", worker.name, done)
        if paid and done.date() < today:
            tickets.record_payment(t, Ticket.get_by_id(t.id).quote_amount, done.date(), worker.name, "现场收取维修费")
        if closed >= limit or stop == "验收":
            continue
        owner = unit.owner_name if unit else project.contact
        kind = rng.choice(("screen", "screen", "paper", "paper", "paper", "refused"))
        tickets.sign_off(
            t, kind, owner if kind != "refused" else "", at=closed, signature_png=pictures[0], scan=pictures[1],
            scan_name=f"{t.number}-验收单.png", note="业主认为墙面色差未处理好，拒绝签字" if kind == "refused" else "",
            satisfaction=rng.choice((5, 5, 4, 4, 3)) if kind != "refused" else 2, close=True, by=worker.name,
        )
        for visit in Visit.select().where((Visit.ticket == t) & (Visit.planned_on < today)):
            visit.status = vs.DONE
            visit.staff = worker
            visit.visitor = worker.name
            visit.met_person = owner
            visit.done_at = dt.datetime.combine(visit.planned_on, dt.time(rng.randint(9, 16), 0))
            visit.score = float(min(100, max(40, round(rng.gauss(85, 10)))))
            visit.grade = grade(visit.score)
            visit.opinion = rng.choice(["维修及时，满意", "维修质量好", "希望下次早点到", "无意见"])
            visit.save()


def _deposit(rng: random.Random, project: Project, today: dt.date, elsewhere: list) -> None:
    from ..rules import deposit as deposit_rules
    from . import deposits

    settled = project.contract_amount
    accepted_on = project.accepted_on
    assert settled is not None and accepted_on is not None  # the demo's projects all have both
    months = rng.choice((12, 24))
    deposits.set_deposit(project, {"amount": deposit_rules.max_amount(settled), "settled_price": settled,
                                   "defect_months": months, "start_on": project.accepted_on})
    plan = deposit_rules.schedule(accepted_on, months)
    for ticket in elsewhere:
        if ticket.project_id == project.id and ticket.closed_at.date() <= plan.period_end:
            cost = sum((c.amount for c in ticket.cost_lines), Decimal("0"))
            deposits.add_deduction(project, ticket.number, cost, ticket.closed_at.date(),
                                   f"业主另行委托维修 {ticket.number} 的费用")
    applied = plan.apply_from + dt.timedelta(days=rng.randint(0, 25))
    if applied > today or rng.random() < 0.1:
        return
    deposits.apply_for_return(project, applied)
    checked = applied + dt.timedelta(days=rng.randint(3, 20))
    check_due = deposit_rules.schedule(accepted_on, months, applied).check_due
    assert check_due is not None  # applied: the check is due
    if checked > check_due:
        reminder = applied + dt.timedelta(days=deposit_rules.CHECK_DAYS + rng.randint(1, 5))
        if reminder > today:
            return
        deposits.record_reminder(project, reminder)
        checked = reminder + dt.timedelta(days=rng.randint(2, 12))
    if checked > today:
        return
    deposits.record_check(project, checked)
    returned = checked + dt.timedelta(days=rng.randint(2, 20))
    if returned <= today and rng.random() < 0.9:
        deposits.record_return(project, returned)


class DemoCounts(TypedDict):
    """What the demo office holds once built (`demo --json`)."""

    projects: int
    units: int
    visits: int
    tickets: int


def build_demo(today: dt.date | None = None, seed: int = 2026) -> DemoCounts:
    """Fill an empty database with the demo office; refuses a database that has projects."""
    today = today or dt.date.today()
    if Project.select().exists():
        raise ValidationError("数据库中已有工程数据，演示数据只能装入空数据库")
    rng = random.Random(seed)
    # the demo's past is its own people's work: its 资料员 recorded it, not whoever loads the demo
    with audit.acting_as(DEMO_CLERK), database_proxy.atomic():
        settings.set_many({
            "company_name": "华建第三工程有限公司",
            "company_address": "北京市海淀区学院路38号华建大厦",
            "hotline": "400-810-2468",
        })
        staff = [Staff.create(name=n, role=r, phone=_phone(rng)) for n, r in STAFF]
        subs = {trade: Subcontractor.create(name=n, trade=trade, contact=_person(rng), phone=_phone(rng))
                for n, trade in SUBCONTRACTORS}
        pictures = _signature_png()
        for row in _projects(rng, today):
            project = create_project(row)
            items, _visits = handover(project.id)
            for item in items:
                trade = TRADE_FOR.get(item.key)
                if trade and trade in subs:
                    WarrantyItem.update(subcontractor=subs[trade]).where(WarrantyItem.id == item.id).execute()
            if cat.is_residential(project.type):
                _add_units(rng, project)
            _record_past_visits(rng, project, today, staff)
            elsewhere: list = []
            _tickets(rng, project, today, staff, pictures, elsewhere)
            if project.contract_amount:
                _deposit(rng, project, today, elsewhere)
        audit.record("demo", "project", None, None, {"projects": Project.select().count()}, said(DEMO_LOADED))
    return {
        "projects": Project.select().count(),
        "units": Unit.select().count(),
        "visits": Visit.select().count(),
        "tickets": Ticket.select().count(),
    }
