"""Every rule from the command line (issue #18; DESIGN.md's contract): `project agree`, `deposit
add|apply|check|remind|return|deduct`, `visits show|record|storm`, `ticket suggest`, `ticket safety …`,
`print safety-report`, `settings show|set` — `--json` output, exit 2 with a one-line reason on every
refusal, and nothing written when refused."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from pypdf import PdfReader

from warranty_desk import cli
from warranty_desk.models import AuditLog, Deposit, Region, SafetyReport, Setting, Ticket, Visit, VisitAnswer
from warranty_desk.services import settings, tickets
from warranty_desk.services.handover import handover

D = dt.date


@pytest.fixture
def wd(db, db_target, capsys):
    """Run `warranty-desk --db … ARGS` in this process: (exit code, stdout, stderr)."""

    def run(*args):
        code = cli.main(["--db", db_target, *[str(a) for a in args]])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def ok_json(result):
    code, out, err = result
    assert code == 0, err
    return json.loads(out)


def refused(result, message):
    code, out, err = result
    assert code == 2, out
    assert message in err
    assert len(err.strip().splitlines()) == 1, err  # one line, no traceback
    return err


@pytest.fixture
def office(db, make_project):
    project = make_project(code="CLI-1", name="命令行小区", contract_amount="2000000", accepted_on=D(2024, 6, 15),
                           handed_over_on=D(2024, 7, 1))
    handover(project.id)
    return project


# --- project agree (RULES.md §2, 办法第六条) -------------------------------------------------------

@pytest.mark.parametrize("args, end", [
    (("roof_waterproofing", "8", "years"), "2032-06-15"),
    (("屋面防水工程", "96", "个月"), "2032-06-15"),
    (("electrical", "3", "年"), "2027-06-15"),
    (("heating", "3", "heating_seasons"), "2027-03-15"),  # 北京: seasons from 2024-11-15
])
def test_project_agree_sets_a_longer_period_and_its_end(wd, office, args, end):
    data = ok_json(wd("project", "agree", "CLI-1", *args, "--json"))
    assert data["end"] == end and data["start"] == "2024-06-15"
    shown = ok_json(wd("project", "show", "CLI-1", "--json"))
    assert {i["key"]: i["end"] for i in shown["items"]}[data["key"]] == end


@pytest.mark.parametrize("args, message", [
    (("roof_waterproofing", "3", "years"), "短于国家规定的最低保修期（5年）"),
    (("heating", "3", "years"), "须以个采暖期计"),
    (("roof_waterproofing", "8", "fortnights"), "期限单位“fortnights”不对"),
    (("roof_waterproofing", "eight", "years"), "不是整数"),
    (("屋顶", "8", "years"), "报修类别“屋顶”不对"),
])
def test_project_agree_refusals(wd, office, args, message):
    refused(wd("project", "agree", "CLI-1", *args), message)
    assert ok_json(wd("project", "show", "CLI-1", "--json"))["items"][1]["end"] == "2029-06-15"


def test_project_agree_needs_a_handed_over_project(wd, make_project):
    make_project(code="CLI-NEW", accepted_on=None, handed_over_on=None)
    refused(wd("project", "agree", "CLI-NEW", "roof_waterproofing", "8", "years"), "尚未竣工验收")
    refused(wd("project", "agree", "NOPE", "roof_waterproofing", "8", "years"), "找不到工程")


# --- the deposit, every step (RULES.md §5, 建质〔2017〕138号) ---------------------------------------

def _elsewhere_ticket(project) -> str:
    intake = tickets.create_ticket({"project": project.code, "reporter": "物业", "category": "plumbing",
                                    "description": "地下车库给水管渗水", "urgency": "一般",
                                    "reported_at": dt.datetime(2025, 3, 2, 9)})
    tickets.transition(intake.ticket, "业主另行委托", "业主自行请人维修", at=dt.datetime(2025, 3, 3, 9))
    tickets.set_cause(intake.ticket, "施工质量")
    return intake.ticket.number


def test_every_deposit_step_scripted(wd, office):
    number = _elsewhere_ticket(office)
    # 第二条: entered without a period → 12 months
    d = ok_json(wd("deposit", "add", "CLI-1", "--amount", "50000", "--json"))
    assert (d["defect_months"], d["start_on"], d["period_end"], d["apply_from"]) == (
        12, "2024-06-15", "2025-06-15", "2025-06-16")
    refused(wd("deposit", "add", "CLI-1", "--amount", "40000"), "已登记质量保证金")
    d = ok_json(wd("deposit", "add", "CLI-1", "--update", "--months", "24", "--json"))
    assert (d["amount"], d["defect_months"], d["period_end"]) == ("50000.00", 24, "2026-06-15")
    # 第十条: apply when the period has ended; the owner checks within 14 days
    refused(wd("deposit", "apply", "CLI-1", "--on", "2026-06-15"), "2026-06-16 起才能申请返还")
    d = ok_json(wd("deposit", "apply", "CLI-1", "--on", "2026-06-20", "--json"))
    assert (d["applied_on"], d["check_due"]) == ("2026-06-20", "2026-07-04")
    # 第十一条: a reminder after the 14 days; 14 more days of silence count as agreement
    refused(wd("deposit", "remind", "CLI-1", "--on", "2026-07-01"), "2026-07-05 起才能催告")
    d = ok_json(wd("deposit", "remind", "CLI-1", "--on", "2026-07-10", "--json"))
    assert (d["reminder_on"], d["deemed_agreed_on"], d["return_due"]) == ("2026-07-10", "2026-07-24", "2026-08-07")
    d = ok_json(wd("deposit", "check", "CLI-1", "--on", "2026-07-20", "--json"))
    assert (d["checked_on"], d["return_due"]) == ("2026-07-20", "2026-08-03")
    # repair costs we did not bear come off the deposit (办法 第九条; RULES.md §5)
    refused(wd("deposit", "deduct", "CLI-1", number, "60000"), "超过保证金余额")
    d = ok_json(wd("deposit", "deduct", "CLI-1", number, "8000", "--on", "2026-07-21", "--reason", "业主另请维修",
                   "--json"))
    assert (d["deducted"], d["balance"]) == ("8000.00", "42000.00")
    assert [{k: row[k] for k in ("ticket", "amount", "on", "reason")} for row in d["deductions"]] == [
        {"ticket": number, "amount": "8000.00", "on": "2026-07-21", "reason": "业主另请维修"}]
    d = ok_json(wd("deposit", "return", "CLI-1", "--on", "2026-08-01", "--json"))
    assert (d["returned_on"], d["returned_amount"], d["status"]) == ("2026-08-01", "42000.00", "已返还")
    refused(wd("deposit", "return", "CLI-1", "--on", "2026-08-02"), "已于 2026-08-01 返还")
    code, out, _err = wd("deposit", "show", "CLI-1")
    assert code == 0 and "已返还：2026-08-01" in out
    actions = [a.action for a in AuditLog.select().where(AuditLog.table == "deposit").order_by(AuditLog.id)]
    assert actions == ["create", "update", "applied", "reminder", "checked", "return"]


@pytest.mark.parametrize("args, message", [
    (("add", "CLI-1", "--amount", "60000.01"), "超过结算价款"),  # 第七条: at most 3%
    (("add", "CLI-1", "--amount", "50000", "--months", "25"), "最长24个月"),  # 第二条
    (("add", "CLI-1", "--amount", "50000", "--months", "0"), "缺陷责任期"),
    (("add", "CLI-1"), "请用 --amount"),
    (("add", "CLI-1", "--amount", "abc"), "不是金额"),
    (("add", "CLI-1", "--amount", "50000", "--owner-delayed"), "报告的提交日期"),  # 第八条
    (("add", "CLI-1", "--update", "--amount", "1"), "还没有登记质量保证金"),
    (("add", "NOPE", "--amount", "1"), "找不到工程"),
    (("apply", "CLI-1"), "还没有登记质量保证金"),
    (("check", "CLI-1"), "还没有登记质量保证金"),
    (("remind", "CLI-1"), "还没有登记质量保证金"),
    (("return", "CLI-1"), "还没有登记质量保证金"),
    (("deduct", "CLI-1", "BX-2025-0001", "1"), "还没有登记质量保证金"),
])
def test_deposit_refusals_write_nothing(wd, office, args, message):
    refused(wd("deposit", *args), message)
    assert Deposit.select().count() == 0


def test_deposit_owner_delayed_starts_90_days_after_the_report(wd, office):
    d = ok_json(wd("deposit", "add", "CLI-1", "--amount", "30000", "--owner-delayed", "--report-submitted",
                   "2024-03-01", "--json"))
    assert (d["start_on"], d["defect_months"]) == ("2024-05-30", 12)


# --- every setting (DESIGN.md: settings show / settings set KEY VALUE) ----------------------------

SETTING_CASES = {
    # key: (text given, value stored)
    "company_name": ("华建第三工程有限公司 <b>&</b>", "华建第三工程有限公司 <b>&</b>"),
    "company_address": ("北京市海淀区学院路38号", "北京市海淀区学院路38号"),
    "hotline": ("400-810-2468", "400-810-2468"),
    "logo_path": ("/srv/logo.png", "/srv/logo.png"),
    "period_end_convention": ("day_before", "day_before"),  # RULES.md §2.1
    "count_season_under_way": ("true", True),  # RULES.md §2.2
    "sla": ('{"紧急": {"respond_hours": 1, "onsite_hours": 3, "complete_hours": 48}, '
            '"一般": {"respond_hours": 12, "onsite_hours": 48, "complete_hours": 240}}',
            {"urgent": {"respond_hours": 1, "onsite_hours": 3, "complete_hours": 48},
             "normal": {"respond_hours": 12, "onsite_hours": 48, "complete_hours": 240}}),  # RULES.md §4: stored as keys
    "agreed_periods": ('{"roof_waterproofing": ["years", 8]}', {"roof_waterproofing": ["years", 8]}),
    "visit_merge_days": ("10", 10),  # RULES.md §6
    "seasonal_lead_days": ("20", 20),
    "visit_on_time_days": ("5", 5),
    "visit_retry_days": ("2", 2),
    "card_layout": ("a5", "a5"),
    "language": ("en", "en"),
    "clerk_name": ("王文员", "王文员"),
    "backup_folder": ("/mnt/usb/备份", "/mnt/usb/备份"),
    "go_live_date": ("2025-01-01", "2025-01-01"),  # 启用日期 (issue 12)
}


def _any_value(default):
    """A value of the right kind for a setting this table does not know yet."""
    if isinstance(default, bool):
        return ("false" if default else "true"), not default
    if isinstance(default, int):
        return str(default + 1), default + 1
    if isinstance(default, str):
        return default, default
    return json.dumps(default, ensure_ascii=False), default


def test_every_setting_scripted_from_the_command_line(wd):
    for key in settings.DEFAULTS:
        text, expected = SETTING_CASES.get(key) or _any_value(settings.DEFAULTS[key])
        result = ok_json(wd("settings", "set", key, text, "--json"))
        assert result["new"] == expected, key
    shown = ok_json(wd("settings", "show", "--json"))
    for key in settings.DEFAULTS:
        expected = SETTING_CASES[key][1] if key in SETTING_CASES else _any_value(settings.DEFAULTS[key])[1]
        assert shown["settings"][key] == expected, key
        assert shown["descriptions"][key]
    assert {r["name"] for r in shown["regions"]} >= {"北京", "哈尔滨", "上海"}
    assert AuditLog.select().where(AuditLog.table == "setting").count() == len(settings.DEFAULTS)


@pytest.mark.parametrize("key, text, check", [
    ("sla.紧急.respond_hours", "3", lambda: settings.get("sla")["urgent"]["respond_hours"] == 3),
    ("sla.normal.complete_hours", "240", lambda: settings.get("sla")["normal"]["complete_hours"] == 240),
    ("agreed_periods.roof_waterproofing", "8 years", lambda: settings.get("agreed_periods") == {
        "roof_waterproofing": ["years", 8]}),
    ("agreed_periods.heating", "3个采暖期", lambda: settings.get("agreed_periods") == {"heating": ["heating_seasons", 3]}),
    ("region.北京.heating", "11-10~03-20", lambda: (Region.get(Region.name == "北京").heating_start,
                                                    Region.get(Region.name == "北京").heating_end) == ("11-10", "03-20")),
    ("region.北京.heating", "none", lambda: Region.get(Region.name == "北京").heating_start is None),
    ("region.北京.rainy_start", "06-20", lambda: Region.get(Region.name == "北京").rainy_start == "06-20"),
    ("region.北京.cooling_end", "09-15", lambda: Region.get(Region.name == "北京").cooling_end == "09-15"),
    ("region.太原", '{"heating_start": "11-01", "heating_end": "03-31", "rainy_start": "07-01"}',
     lambda: Region.get(Region.name == "太原").heating_end == "03-31"),
])
def test_parts_of_settings_and_the_region_seasons(wd, key, text, check):
    """RULES.md §2.2 (the region table), §4 (SLA hours), §2 (company periods)."""
    result = ok_json(wd("settings", "set", key, text, "--json"))
    assert result["key"] == key
    assert check()


def test_a_removed_company_period(wd):
    ok_json(wd("settings", "set", "agreed_periods.roof_waterproofing", "8 years", "--json"))
    ok_json(wd("settings", "set", "agreed_periods.roof_waterproofing", "none", "--json"))
    assert settings.get("agreed_periods") == {}


@pytest.mark.parametrize("key, text, message", [
    ("nope", "1", "未知的设置项：nope"),
    ("visit_merge_days", "ten", "应为整数"),
    ("visit_merge_days", "91", "0 到 90"),
    ("count_season_under_way", "maybe", "应为 true 或 false"),
    ("period_end_convention", "lunar", "civil_code"),
    ("language", "fr", "界面语言只能是"),
    ("card_layout", "a3", "a4_grid 或 a5"),
    ("sla", "{broken", "应写成 JSON"),
    ("sla", '{"紧急": {"respond_hours": 5, "onsite_hours": 4, "complete_hours": 72}, "一般": {"respond_hours": 24, '
            '"onsite_hours": 72, "complete_hours": 360}}', "响应 ≤ 到场 ≤ 完成"),
    ("sla.紧急.respond_hours", "soon", "应为小时数"),
    ("sla.特急.respond_hours", "1", "没有设置项"),
    ("agreed_periods.roof_waterproofing", "3 years", "短于国家规定的最低保修期"),
    ("agreed_periods.roof", "8 years", "没有保修项目“roof”"),
    ("agreed_periods.heating", "3 years", "须以个采暖期计"),
    ("company_name", "华" * 501, "太长"),
    ("region.火星.heating_start", "11-01", "没有名为“火星”的地区"),
    ("region.北京.heating_start", "13-01", "格式不对"),
    ("region.北京.heating", "11-15", "开始~结束"),
    ("region.北京.color", "red", "地区字段只能是"),
    ("region.北京.rainy_start", "", "不能为空"),
])
def test_bad_settings_are_refused_and_nothing_changes(wd, key, text, message):
    before = (list(Setting.select().tuples()), list(Region.select().tuples()))
    refused(wd("settings", "set", key, text), message)
    assert (list(Setting.select().tuples()), list(Region.select().tuples())) == before


def test_a_setting_changes_what_the_rules_do(wd, make_project):
    """The merge window set from the command line reaches the next visit plan (RULES.md §6)."""
    ok_json(wd("settings", "set", "visit_merge_days", "0", "--json"))
    project = make_project(code="MERGE", scale="小型", accepted_on=D(2025, 1, 1), handed_over_on=D(2025, 1, 1))
    handover(project.id)
    days = sorted(v.planned_on for v in Visit.select().where(Visit.project == project))
    assert any((b - a).days <= 15 for a, b in zip(days, days[1:]))  # close visits stay apart


# --- visits show / record (RULES.md §6, §7) --------------------------------------------------------

def test_visits_show_and_record_with_questionnaire_answers(wd, office):
    visit = Visit.select().where((Visit.project == office) & (Visit.status == "planned")).order_by(
        Visit.planned_on).first()
    shown = ok_json(wd("visits", "show", visit.id, "--json"))
    assert [q["number"] for q in shown["questions"]] == list(range(1, 8))
    assert shown["status"] == "planned" and shown["answers"] == {}
    data = ok_json(wd("visits", "record", visit.id, "--method", "上门", "--at", "2024-08-01 10:30", "--visitor", "张工",
                      "--met", "李业主", "--opinion", "总体满意", "--answer", "1=5", "--answer", "2=没有问题",
                      "--answer", "3=是", "--answer", "5=5", "--answer", "6=4", "--answer", "7=希望提前预约",
                      "--finding", "门窗|个别窗户密封条老化|decoration|ticket", "--json"))
    # §7: (3×100 + 2×100 + 2×100 + 2×100 + 1×75) / 10 = 97.5 → 满意
    assert (data["status"], data["score"], data["grade"]) == ("done", 97.5, "满意")
    assert data["answers"] == {"1": "5", "2": "没有问题", "3": "是", "5": "5", "6": "4", "7": "希望提前预约"}
    assert data["findings"][0]["ticket"].startswith("BX-2024-")
    saved = Visit.get_by_id(visit.id)
    assert (saved.visitor, saved.met_person, saved.done_at) == ("张工", "李业主", dt.datetime(2024, 8, 1, 10, 30))
    assert VisitAnswer.select().where(VisitAnswer.visit == visit).count() == 6
    assert Ticket.get(Ticket.number == data["findings"][0]["ticket"]).channel == "visit_finding"


@pytest.mark.parametrize("extra, message", [
    (("--answer", "1=6"), "第1题"),
    (("--answer", "9=5"), "没有第9题"),
    (("--answer", "five"), "应写成 题号=答案"),
    (("--finding", "只有一项"), "应写成 部位|描述"),
    (("--finding", "门窗|老化|decoration|maybe"), "第四项只能是 ticket"),
    (("--finding", "门窗|老化||ticket"), "请选择对应的保修项目"),
    (("--at", "2099-01-01 09:00"), "还没到"),
    (("--at", "2024-06-01 09:00"), "早于工程交付日期"),
])
def test_bad_visit_records_are_refused(wd, office, extra, message):
    visit = Visit.select().where((Visit.project == office) & (Visit.status == "planned")).first()
    args = ["visits", "record", visit.id, "--method", "电话", "--visitor", "张工", "--met", "李业主",
            "--at", "2024-08-01 10:30", *extra]
    refused(wd(*args), message)
    assert Visit.get_by_id(visit.id).status == "planned" and VisitAnswer.select().count() == 0


def test_visit_record_refuses_an_unknown_visit_and_method(wd, office):
    refused(wd("visits", "record", "99999", "--method", "电话", "--visitor", "a", "--met", "b"), "找不到该回访")
    visit = Visit.select().where(Visit.project == office).first()
    refused(wd("visits", "record", visit.id, "--method", "飞鸽", "--visitor", "a", "--met", "b"), "请选择回访方式")


# --- storm call (RULES.md §6) ----------------------------------------------------------------------

def test_visits_storm_from_the_command_line(wd, office):
    preview = ok_json(wd("visits", "storm", "北京", "2026-07-20", "--dry-run", "--json"))
    assert [p["project_code"] for p in preview["projects"]] == ["CLI-1"]
    assert Visit.select().where(Visit.kind == "after_storm").count() == 0
    result = ok_json(wd("visits", "storm", "北京", "2026-07-20", "--on", "2026-07-22", "--method", "上门", "--json"))
    assert [(c["project_code"], c["planned_on"], c["method"]) for c in result["created"]] == [
        ("CLI-1", "2026-07-22", "上门")]
    again = ok_json(wd("visits", "storm", "北京", "2026-07-20", "--json"))
    assert again["created"] == [] and again["already_planned"] == ["CLI-1"]
    refused(wd("visits", "storm", "火星", "2026-07-20"), "没有名为“火星”的地区")
    refused(wd("visits", "storm", "北京", "2026-07-20", "--method", "飞鸽"), "回访方式“飞鸽”不对")


# --- urgency and structural safety (RULES.md §4; 办法第九、十条) ------------------------------------

@pytest.mark.parametrize("category, description, at, urgency", [
    ("plumbing", "厨房水管爆裂", "2026-07-02 10:00", "紧急"),
    ("heating", "暖气不热", "2026-12-02 10:00", "紧急"),
    ("heating", "暖气不热", "2026-07-02 10:00", "一般"),
    ("decoration", "墙纸起皱", "2026-07-02 10:00", "一般"),
])
def test_ticket_suggest(wd, office, category, description, at, urgency):
    data = ok_json(wd("ticket", "suggest", "--project", "CLI-1", "--category", category, "--description",
                      description, "--at", at, "--json"))
    assert data["urgency"] == urgency and bool(data["reasons"]) == (urgency == "紧急")  # --json: the name scripts read
    assert data["urgency_key"] == {"紧急": "urgent", "一般": "normal"}[urgency]
    assert Ticket.select().count() == 0


def test_ticket_add_follows_or_overrides_the_suggestion(wd, office):
    code, out, err = wd("ticket", "add", "--project", "CLI-1", "--category", "plumbing", "--reporter", "物业",
                        "--description", "地下室水管爆裂跑水", "--at", "2026-07-02 10:00")
    assert code == 0, err
    assert "紧急程度：紧急（按系统建议登记为紧急" in out
    code, out, err = wd("ticket", "add", "--project", "CLI-1", "--category", "plumbing", "--reporter", "物业",
                        "--location", "2号楼", "--description", "地下室水管爆裂", "--urgency", "一般",
                        "--urgency-reason", "已关阀，无积水", "--at", "2026-07-02 11:00")
    assert code == 0, err
    t = Ticket.select().order_by(Ticket.id.desc()).first()
    assert t.urgency == "normal" and "登记人改为一般：已关阀，无积水" in tickets.event_reason_text(t.events.get().reason)


def test_structural_safety_from_intake_to_the_report_sent(wd, office, tmp_path):
    code, out, err = wd("ticket", "add", "--project", "CLI-1", "--category", "foundation_structure", "--reporter",
                        "业主", "--description", "车库顶板开裂漏筋", "--structural-safety", "--safety-reason",
                        "顶板贯通裂缝，局部钢筋外露", "--at", "2026-07-02 10:00")
    assert code == 0, err
    assert "涉及结构安全" in out
    number = Ticket.get().number
    shown = ok_json(wd("ticket", "safety", "show", number, "--json"))
    assert "立即向当地建设行政主管部门报告" in shown["duty"] and shown["sent"] is False
    assert [r["number"] for r in ok_json(wd("ticket", "safety", "list", "--json"))] == [number]
    ok_json(wd("ticket", "safety", "update", number, "--measures", "车库该区域已封闭", "--authority", "某区住建局",
               "--json"))
    pdf = tmp_path / "隐患报告.pdf"
    code, out, err = wd("print", "safety-report", number, "-o", pdf)
    assert code == 0, err
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages).replace("\n", "")
    assert "工程质量安全隐患报告" in text and "车库该区域已封闭" in text and "某区住建局" in text
    refused(wd("ticket", "safety", "sent", number, "--authority", "某区住建局", "--how", "fax"), "报送方式“fax”不对")
    sent = ok_json(wd("ticket", "safety", "sent", number, "--authority", "某区住建局", "--at", "2026-07-02 11:00",
                      "--ref", "回执 0702-1", "--json"))
    assert sent["sent"] is True and sent["sent_at"] == "2026-07-02 11:00:00"
    assert ok_json(wd("ticket", "safety", "list", "--json")) == []
    refused(wd("ticket", "safety", "unmark", number, "--reason", "搞错了"), "报告已报送")


def test_safety_refusals(wd, office, tmp_path):
    t = tickets.create_ticket({"project": "CLI-1", "reporter": "业主", "category": "decoration",
                               "description": "墙纸起皱", "reported_at": dt.datetime(2026, 7, 2, 9)}).ticket
    refused(wd("print", "safety-report", t.number, "-o", tmp_path / "x.pdf"), "没有标记为结构安全隐患")
    refused(wd("ticket", "safety", "sent", t.number, "--authority", "住建局"), "没有标记为结构安全隐患")
    refused(wd("ticket", "add", "--project", "CLI-1", "--category", "foundation_structure", "--reporter", "业主",
               "--description", "梁开裂", "--structural-safety", "--urgency", "一般"), "须按紧急处理")
    refused(wd("ticket", "safety", "mark", "BX-1999-0001"), "找不到工单")
    assert SafetyReport.select().count() == 0 and not (tmp_path / "x.pdf").exists()


# --- the real command, as a script runs it ----------------------------------------------------------

def test_the_installed_command_refuses_in_one_line_and_answers_json(tmp_path):
    db = tmp_path / "script.db"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "warranty_desk.cli", "--db", str(db), *args],
                              capture_output=True, text=True, timeout=120)

    result = run("settings", "set", "visit_merge_days", "99")
    assert result.returncode == 2 and result.stderr.strip() == "天数必须是 0 到 90 之间的整数"
    result = run("settings", "set", "visit_merge_days", "9", "--json")
    assert result.returncode == 0 and json.loads(result.stdout)["new"] == 9
    result = run("deposit", "apply", "NOPE")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
