"""The columns of each import sheet (projects, units, past repairs, past visits): the header, the
other names offices give it, the kind of value, whether it is required, and the template's note.

Headers are matched after normalising (NFKC full-width to half-width, spaces and line breaks
removed, a required mark `*` dropped, a unit in brackets such as （元） or （万元） taken apart and
applied), and cell values are normalised by the kind of their column (full-width digits, dashes
and codes, Excel serial numbers in date columns) before the fields' own rules check them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from warranty_desk.i18n import N_, _

from ..rules import categories as cat
from ..rules import responsibility as resp
from ..rules import sla as sla_rules
from ..rules import visit_methods
from ..rules.satisfaction import GRADES
from ..rules.satisfaction import NAMES as GRADE_NAMES
from . import fields

# kinds of value (how a cell is normalised before it is checked)
TEXT = "text"  # free text: kept as typed (only trimmed)
CODE = "code"  # a code or number written as text: 工程编号, 房号, 楼栋 (full-width → half-width)
PHONE = "phone"
DATE = "date"
MOMENT = "moment"  # a date, or a date and time
MONEY = "money"
INTEGER = "integer"
NUMBER = "number"
CHOICE = "choice"
YES_NO = "yes_no"
PERIOD = "period"  # an agreed warranty period: 8年, 36个月, 3个采暖期, or a number in the item's unit

YES = ("是", "有", "y", "yes", "true", "1", "√", "✓")  # i18n: data (what offices write for yes)
NO = ("否", "无", "n", "no", "false", "0", "×", "✗")  # i18n: data (what offices write for no)
MONEY_UNITS = {"元": Decimal(1), "人民币元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000),  # i18n: data
               "百万元": Decimal(1000000), "亿元": Decimal(100000000), "rmb": Decimal(1), "cny": Decimal(1), "yuan": Decimal(1),
               "10000yuan": Decimal(10000), "10,000yuan": Decimal(10000)}  # i18n: data
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class Spec:
    key: str
    header: str  # the Chinese header of the template (a data format; shown through _() in the window)
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers offices use, and the English name
    note: str = ""  # the template's note on the header (Chinese: the sheet is a Chinese form)
    choices: Callable[[], list[str]] | None = None  # the fixed list of the template's drop-down
    example: object = None  # the value of the template's example row
    width: int = 14


def _regions() -> list[str]:
    from ..models import Region, tuples

    return [name for (name,) in tuples(Region.select(Region.name).order_by(Region.id))]


def _fixed(values) -> Callable[[], list[str]]:
    return lambda: list(values)


def _named(names: dict[str, str]) -> Callable[[], list[str]]:
    """The drop-down of stored keys: their Chinese names (the sheet is a Chinese form; the import
    takes the key, the Chinese or the English name)."""
    return lambda: list(names.values())


# the short name offices use for each warranty item, for the agreed-period columns (屋面防水保修期)
SHORT_ITEM_NAMES = {
    "foundation_structure": "地基基础和主体结构",  # i18n: data
    "roof_waterproofing": "屋面防水",  # i18n: data
    "wet_room_waterproofing": "卫生间防渗漏",  # i18n: data
    "exterior_wall_seepage": "外墙防渗漏",  # i18n: data
    "heating": "供热系统",  # i18n: data
    "cooling": "供冷系统",  # i18n: data
    "electrical": "电气管线",  # i18n: data
    "plumbing": "给排水管道",  # i18n: data
    "equipment": "设备安装",  # i18n: data
    "decoration": "装修工程",  # i18n: data
    "other": "其他项目",  # i18n: data
}
AGREED = "agreed:"  # the key prefix of an agreed-period column


def _agreed_specs() -> list[Spec]:
    specs = []
    for key, short in SHORT_ITEM_NAMES.items():
        item = cat.CATEGORIES[key]
        minimum = cat.minimum_text(key) if key != "foundation_structure" else "设计使用年限"  # i18n: data
        specs.append(Spec(
            AGREED + key, short + "保修期", PERIOD,  # i18n: data
            aliases=(item.name + "保修期", item.name + "约定保修期", short + "约定保修期", "agreed_" + key),  # i18n: data
            note=f"选填。合同约定的{item.name}保修期，只能长于法定最低（{minimum}），例如 8年、36个月、3个采暖期；不填按法定最低期限或公司约定。",  # i18n: data
            width=12))
    return specs


PROJECT_SPECS: list[Spec] = [
    Spec("code", "工程编号", CODE, True, ("项目编号", "工程代码", "项目代码", "编号", "code"),  # i18n: data
         "必填。每个工程唯一的编号；再次导入同一编号的工程时视为“已存在”。", example="示例-2024-001"),  # i18n: data
    Spec("name", "工程名称", TEXT, True, ("项目名称", "工程项目名称", "name"),  # i18n: data
         "必填。工程的全称，最多200字。", example="示例：阳光花园二期住宅楼", width=28),  # i18n: data
    Spec("client", "建设单位", TEXT, False, ("业主单位", "发包人", "发包单位", "甲方", "建设单位名称", "client"),  # i18n: data
         "建设单位（发包人）名称；系统中没有的会新建。", example="某某房地产开发有限公司", width=24),  # i18n: data
    Spec("contact", "联系人", TEXT, False, ("建设单位联系人", "甲方联系人", "contact"),  # i18n: data
         "建设单位的联系人。", example="王经理"),  # i18n: data
    Spec("phone", "联系电话", PHONE, False, ("电话", "联系方式", "手机", "phone"),  # i18n: data
         "联系人的电话，数字、-、空格、括号；分机写“转123”。", example="010-12345678"),  # i18n: data
    Spec("address", "工程地址", TEXT, False, ("项目地址", "地址", "工程地点", "address"),  # i18n: data
         "工程所在地址。", example="北京市朝阳区某某路1号", width=24),  # i18n: data
    Spec("type", "工程类型", CHOICE, True, ("项目类型", "类型", "type"),  # i18n: data
         "必填，从下拉列表中选：住宅 / 公共建筑 / 工业建筑 / 市政工程 / 装饰装修。决定有哪些保修项目。",  # i18n: data
         _named(cat.TYPE_NAMES), "住宅"),  # i18n: data
    Spec("scale", "工程规模", CHOICE, True, ("规模", "scale"),  # i18n: data
         "必填，从下拉列表中选：小型 / 中型 / 大型。决定定期回访的频次（季度/半年/一年）。",  # i18n: data
         _named(cat.SCALE_NAMES), "中型"),  # i18n: data
    Spec("accepted_on", "竣工验收日期", DATE, False, ("竣工验收合格日期", "竣工日期", "验收日期", "accepted_on"),  # i18n: data
         "竣工验收合格之日，各项保修期从这一天起算。日期单元格，或写成 2024-06-15。", example=dt.date(2024, 6, 15)),  # i18n: data
    Spec("handed_over_on", "交付日期", DATE, False, ("交房日期", "移交日期", "交付使用日期", "handed_over_on"),  # i18n: data
         "交付之日，回访从这一天起算。两个日期都填时，导入即办理交付（生成保修项目和回访计划）。",  # i18n: data
         example=dt.date(2024, 7, 1)),
    Spec("contract_amount", "合同金额", MONEY, False, ("合同价", "合同价款", "合同造价", "合同额", "contract_amount"),  # i18n: data
         "数字，单位元；表头写成“合同金额（万元）”时按万元计。", example=Decimal("12500000.00")),  # i18n: data
    Spec("settled_amount", "结算金额", MONEY, False, ("结算价", "结算价款", "settled_amount"),  # i18n: data
         "数字，单位元；质量保证金按结算价计。", example=Decimal("12380000.00")),  # i18n: data
    Spec("design_life_years", "设计使用年限", INTEGER, False, ("合理使用年限", "设计年限", "design_life_years"),  # i18n: data
         "整数（年），5 到 200；不填为 50。地基基础和主体结构的保修期即此年限。", example=50),  # i18n: data
    Spec("heating_region", "采暖地区", CHOICE, False, ("所在地区", "地区", "所在城市", "城市", "heating_region", "region"),  # i18n: data
         "从下拉列表中选（设置中的地区表）；决定采暖期、供冷期和雨季。", _regions, "北京"),  # i18n: data
    Spec("has_heating", "是否供暖", YES_NO, False, ("有无供暖", "供暖", "has_heating"),  # i18n: data
         "是 / 否；不填按地区是否集中供暖。决定有无供热系统保修项目。", _fixed(("是", "否")), "是"),  # i18n: data
    Spec("has_cooling", "是否供冷", YES_NO, False, ("有无供冷", "供冷", "has_cooling"),  # i18n: data
         "是 / 否；不填时公共建筑为是，其他为否。决定有无供冷系统保修项目。", _fixed(("是", "否")), "否"),  # i18n: data
    Spec("manager", "项目经理", TEXT, False, ("项目负责人", "manager"),  # i18n: data
         "项目经理姓名；与员工同名时，其回访默认由他负责。", example="李强"),  # i18n: data
    Spec("designer", "设计单位", TEXT, False, ("designer",), "印在用户手册上。", width=20),  # i18n: data
    Spec("supervisor", "监理单位", TEXT, False, ("监理", "supervisor"), "印在用户手册上。", width=20),  # i18n: data
    Spec("developer", "开发单位", TEXT, False, ("开发商", "开发建设单位", "developer"), "住宅项目的开发单位，印在用户手册上。", width=20),  # i18n: data
    Spec("materials", "主要材料设备", TEXT, False, ("主要材料", "材料设备", "materials"), "主要材料和设备，印在用户手册上。", width=20),  # i18n: data
    Spec("notes", "备注", TEXT, False, ("说明", "notes", "remark", "remarks"), "工程的备注。", width=20),  # i18n: data
    *_agreed_specs(),
]

UNIT_SPECS: list[Spec] = [
    Spec("code", "工程编号", CODE, True, ("项目编号", "工程代码", "code"), "必填。已导入的住宅工程的编号。", example="示例-2024-001"),  # i18n: data
    Spec("building", "楼栋", CODE, True, ("楼号", "栋号", "楼栋号", "幢号", "building"), "必填，例如 1号楼。", example="1号楼"),  # i18n: data
    Spec("entrance", "单元", CODE, False, ("单元号", "entrance"), "例如 2单元；没有单元可不填。", example="2单元"),  # i18n: data
    Spec("room", "房号", CODE, True, ("房间号", "户号", "门牌号", "室号", "room"), "必填，例如 301。", example="301"),  # i18n: data
    Spec("owner_name", "业主姓名", TEXT, False, ("业主", "姓名", "房屋所有人", "住户姓名", "owner_name"), "房屋所有人姓名。", example="张三"),  # i18n: data
    Spec("owner_phone", "联系电话", PHONE, False, ("电话", "手机", "业主电话", "联系方式", "owner_phone"), "业主的电话。", example="13800000000"),  # i18n: data
    Spec("handed_over_on", "交付日期", DATE, False, ("交房日期", "handed_over_on"), "该户的交付日期；不填按工程的交付日期。",  # i18n: data
         example=dt.date(2024, 7, 1)),
]

SATISFACTION_CHOICES = tuple(GRADE_NAMES[key] for _floor, key in GRADES)  # 满意 … 不满意 (RULES.md §7), the sheet's words

TICKET_SPECS: list[Spec] = [
    Spec("code", "工程编号", CODE, True, ("项目编号", "code"), "必填。系统中已有工程的编号。", example="示例-2024-001"),  # i18n: data
    Spec("unit", "房号", CODE, False, ("楼栋-单元-房号", "房间号", "户号", "unit"),  # i18n: data
         "住宅写成 楼栋-单元-房号，例如 1号楼-2单元-301（须已导入）；非住宅可写部位。", example="1号楼-2单元-301", width=18),  # i18n: data
    Spec("reported_at", "报修日期", MOMENT, True, ("报修时间", "报修日", "reported_at"),  # i18n: data
         "必填。日期单元格，或 2024-06-15、2024-06-15 14:30。", example=dt.datetime(2024, 11, 3, 9, 30)),  # i18n: data
    Spec("reporter", "报修人", TEXT, False, ("报修人姓名", "reporter"), "不填时用该户业主姓名。", example="张三"),  # i18n: data
    Spec("phone", "联系电话", PHONE, False, ("电话", "报修电话", "phone"), "不填时用该户业主电话。", example="13800000000"),  # i18n: data
    Spec("description", "报修内容", TEXT, True, ("问题描述", "报修事项", "维修内容", "description"),  # i18n: data
         "必填，最多2000字。", example="卫生间地面渗水到楼下", width=30),  # i18n: data
    Spec("category", "问题类别", CHOICE, True, ("报修类别", "保修项目", "类别", "category"),  # i18n: data
         "必填，从下拉列表中选保修项目；决定是否在保修期内。",  # i18n: data
         lambda: [c.name for c in cat.CATEGORIES.values()], cat.CATEGORIES["wet_room_waterproofing"].name, 22),
    Spec("urgency", "紧急程度", CHOICE, False, ("紧急", "urgency"), "紧急 / 一般；不填为一般。",  # i18n: data
         lambda: [sla_rules.urgency_name(u) for u in sla_rules.URGENCIES], sla_rules.URGENCY_NAMES[sla_rules.NORMAL]),
    Spec("result", "处理结果", TEXT, False, ("维修结果", "处理情况", "维修情况", "result"),  # i18n: data
         "维修做了什么，记入工单的维修完成记录。", example="重做防水层，闭水试验合格", width=24),  # i18n: data
    Spec("repairer", "维修人员", TEXT, False, ("维修人", "维修人员或分包单位", "repairer"),  # i18n: data
         "本公司维修人员姓名（或分包单位名称）；系统中没有的会新建。", example="吴刚"),  # i18n: data
    Spec("subcontractor", "分包单位", TEXT, False, ("维修单位", "维修分包单位", "subcontractor"),  # i18n: data
         "负责维修的分包单位；系统中没有的会新建。", width=20),  # i18n: data
    Spec("completed_at", "完成日期", MOMENT, False, ("完成时间", "维修完成日期", "completed_at"),  # i18n: data
         "填写则工单为已关闭，不填为未完成（进行中）。", example=dt.datetime(2024, 11, 5, 16, 0)),  # i18n: data
    Spec("cost", "费用", MONEY, False, ("维修费用", "金额", "费用（元）", "cost"), "维修费用，数字（元）。", example=Decimal("850.00")),  # i18n: data
    Spec("payer", "费用承担", CHOICE, False, ("承担方", "费用承担方", "payer"),  # i18n: data
         "我方 / 分包单位 / 业主；不填：保修期内为我方（有维修分包单位时为分包单位），期外为业主。",  # i18n: data
         _named({b: resp.PAYER_NAMES[b] for b in resp.BEARERS}), resp.PAYER_NAMES[resp.US]),
    Spec("signoff_by", "验收人", TEXT, False, ("验收签字", "签字人", "signoff_by"), "在纸质验收单上签字的业主。", example="张三"),  # i18n: data
    Spec("satisfaction", "满意度", CHOICE, False, ("满意程度", "评价", "satisfaction"),  # i18n: data
         "满意 / 比较满意 / 一般 / 不太满意 / 不满意，或 1–5 分。", _fixed(SATISFACTION_CHOICES), "满意"),  # i18n: data
]

VISIT_METHODS = visit_methods.METHODS
VISIT_SPECS: list[Spec] = [
    Spec("code", "工程编号", CODE, True, ("项目编号", "code"), "必填。系统中已有工程的编号。", example="示例-2024-001"),  # i18n: data
    Spec("unit", "房号", CODE, False, ("楼栋-单元-房号", "unit"), "回访某一户时写 楼栋-单元-房号；回访整个工程不填。", width=18),  # i18n: data
    Spec("done_on", "回访日期", MOMENT, True, ("回访时间", "日期", "done_at"), "必填。日期单元格，或写成 2024-06-15。",  # i18n: data
         example=dt.date(2024, 12, 10)),
    Spec("method", "方式", CHOICE, True, ("回访方式", "method"), "必填：电话 / 短信 / 邮件 / 上门 / 问卷。",  # i18n: data
         _named(visit_methods.METHOD_NAMES), "上门"),  # i18n: data
    Spec("visitor", "回访人", TEXT, True, ("回访人员", "visitor"), "必填。本公司回访人员姓名。", example="刘洋"),  # i18n: data
    Spec("met_person", "被访人", TEXT, False, ("接待人", "受访人", "met_person"), "接待回访的人。", example="王经理"),  # i18n: data
    Spec("score", "得分", NUMBER, False, ("分数", "评分", "满意度得分", "score"), "0–100；与满意度二选一或都填（须一致）。", example=92),  # i18n: data
    Spec("grade", "满意度", CHOICE, False, ("满意程度", "评价", "grade"), "满意 / 比较满意 / 一般 / 不太满意 / 不满意。",  # i18n: data
         _fixed(SATISFACTION_CHOICES), "满意"),  # i18n: data
    Spec("opinion", "意见", TEXT, False, ("业主意见", "用户意见", "回访意见", "opinion"), "业主的意见和建议。",  # i18n: data
         example="对工程质量总体满意", width=24),  # i18n: data
    Spec("findings", "发现的问题", TEXT, False, ("发现问题", "存在问题", "问题", "findings"), "回访中发现的问题；没有可不填。",  # i18n: data
         example="个别窗户密封条老化", width=24),  # i18n: data
]

SPECS = {"projects": PROJECT_SPECS, "units": UNIT_SPECS, "tickets": TICKET_SPECS, "visits": VISIT_SPECS}
KIND_TITLES = {"projects": N_("工程项目"), "units": N_("房号业主"), "tickets": N_("维修记录"), "visits": N_("回访记录")}
IMPORTED_LINES = {  # the first line of a finished import's summary
    "projects": N_("已导入{n}个工程（新建，工作表“{sheet}”）"),
    "units": N_("已导入{n}户房号和业主（新建，工作表“{sheet}”）"),
    "tickets": N_("已导入{n}条维修记录（新建，工作表“{sheet}”）"),
    "visits": N_("已导入{n}条回访记录（新建，工作表“{sheet}”）"),
}
DO_NOT_IMPORT = N_("不导入")


# --- headers -----------------------------------------------------------------------------------

_BRACKET = re.compile(r"^(.*?)[(\[{【]([^()\[\]{}【】]*)[)\]}】]$")
_REQUIRED_MARK = re.compile(r"^\*+|\*+$|[(\[]?必填[)\]]?")


def squeeze(text) -> str:
    """NFKC (full-width → half-width), no spaces or line breaks, lower case."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(ch for ch in text if not ch.isspace()).translate(fields.DASHES)
    return text.lower()


@dataclass(frozen=True)
class Header:
    name: str  # normalised, without its unit
    unit: str  # what stood in the brackets, normalised ('' when none)


def parse_header(text) -> Header:
    name = _REQUIRED_MARK.sub("", squeeze(text))
    match = _BRACKET.match(name)
    if match and match.group(1):
        return Header(_REQUIRED_MARK.sub("", match.group(1)), match.group(2))
    return Header(name, "")


def known_headers(specs: list[Spec]) -> dict[str, str]:
    """normalised header → field key, for every spec's header and aliases."""
    known: dict[str, str] = {}
    for spec in specs:
        for name in (spec.header, *spec.aliases):
            known.setdefault(squeeze(name), spec.key)
    return known


def match_header(text, known: dict[str, str]) -> tuple[str | None, str]:
    """(field key or None, unit) for a header cell."""
    whole = squeeze(text)
    if whole in known:  # a header that itself holds brackets
        return known[whole], ""
    header = parse_header(text)
    return known.get(header.name), header.unit


def money_factor(unit: str) -> Decimal | None:
    """The multiplier of a money column's unit (元 1, 万元 10000); None when not understood."""
    if not unit:
        return Decimal(1)
    return MONEY_UNITS.get(unit) or MONEY_UNITS.get(unit.replace(" ", "").lower())


# --- values ------------------------------------------------------------------------------------

_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def serial_date(number: float) -> dt.datetime | None:
    """An Excel serial day number (45458 = 2024-06-15) as a datetime; None outside 1927–2173."""
    if not 10000 <= number <= 100000:
        return None
    return dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(days=number)


def normalise(value, kind: str, factor: Decimal | None = None):
    """A cell value made ready for the field rules; raises ValueError with a message to show."""
    if value is None:
        return None
    if isinstance(value, str):
        if kind == TEXT:
            return value.strip()
        value = fields.half_width(value)
        if value == "":
            return None
    if kind in (DATE, MOMENT):
        if isinstance(value, bool):
            raise ValueError(_("“{value}”不是日期").format(value=value))
        if isinstance(value, (int, float)):
            moment = serial_date(float(value))
            if moment is None:
                raise ValueError(_("“{value}”不是日期，请写成 2024-06-15 或使用日期单元格").format(value=value))
            return moment if kind == MOMENT and moment.time() != dt.time() else moment.date()
        if isinstance(value, str):
            if _SERIAL.match(value):
                return normalise(float(value), kind)
            compact = _COMPACT.match(value)
            if compact:
                value = "-".join(compact.groups())
            if kind == DATE and " " in value:  # 2024-06-15 00:00:00 from a text export
                day, rest = value.split(" ", 1)
                if rest.strip(" :0") == "":
                    value = day
        if isinstance(value, dt.datetime) and kind == DATE:
            return value.date()
        return value
    if kind == MONEY:
        if factor is None or factor == 1:
            return value
        try:
            amount = Decimal(str(value).replace(",", ""))
        except InvalidOperation:
            return value  # the field rule names the bad value
        return amount * factor
    if kind in (CODE, PHONE, INTEGER, NUMBER, CHOICE, YES_NO, PERIOD):
        if isinstance(value, float) and value.is_integer():
            return int(value) if kind in (INTEGER, NUMBER) else str(int(value))
        return value if kind in (INTEGER, NUMBER) else str(value).strip()
    return value


def yes_no(value) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("“{value}”应写“是”或“否”").format(value=value))


_PERIOD = re.compile(r"^(\d+)\s*(年|个月|月|个采暖期|采暖期|个供冷期|供冷期|years?|months?|heatingseasons?|coolingseasons?)?$")  # i18n: data (units as written)
_PERIOD_UNITS = {"年": cat.YEARS, "个月": cat.MONTHS, "月": cat.MONTHS, "个采暖期": cat.HEATING_SEASONS,  # i18n: data
                 "采暖期": cat.HEATING_SEASONS, "个供冷期": cat.COOLING_SEASONS, "供冷期": cat.COOLING_SEASONS,  # i18n: data
                 "year": cat.YEARS, "years": cat.YEARS, "month": cat.MONTHS, "months": cat.MONTHS,
                 "heatingseason": cat.HEATING_SEASONS, "heatingseasons": cat.HEATING_SEASONS,
                 "coolingseason": cat.COOLING_SEASONS, "coolingseasons": cat.COOLING_SEASONS}


def period(value, key: str) -> tuple[str, int] | None:
    """An agreed period (unit, amount) from 8年 / 36个月 / 3个采暖期, or a bare number in the
    unit of the item's statutory minimum (years for most items, seasons for heating and cooling)."""
    if value in (None, ""):
        return None
    text = str(value).strip().replace(" ", "").lower()  # 8年, 8 years, 3 heating seasons
    match = _PERIOD.match(text)
    if not match:
        raise ValueError(_("“{value}”不是保修期，请写成 8年、36个月 或 3个采暖期").format(value=value))
    amount = int(match.group(1))
    if match.group(2):
        return _PERIOD_UNITS[match.group(2)], amount
    minimum = cat.CATEGORIES[key].minimum_unit
    unit = minimum if minimum in (cat.HEATING_SEASONS, cat.COOLING_SEASONS) else cat.YEARS
    return unit, amount


@dataclass
class Column:
    """One column of the sheet beside the field it fills."""

    index: int  # 0-based
    letter: str
    header: str  # as written in the sheet (line breaks shown as spaces)
    key: str | None  # None: not imported
    unit: str = ""
    samples: list = field(default_factory=list)
