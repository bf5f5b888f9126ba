"""A project sheet's projects are handed over in bulk (issue 20: 5,000 rows under 10 s): each must get
exactly the items, visit plan and audit rows that the 交付 button gives a project one at a time."""

import datetime as dt
import json

from openpyxl import Workbook

from warranty_desk import audit_chain
from warranty_desk.models import AuditLog, Project, Visit, WarrantyItem, database_proxy
from warranty_desk.services import handover, settings
from warranty_desk.services.projects import create_project
from warranty_desk.services.staff import save_staff

D = dt.date
HEADERS = ["工程编号", "工程名称", "建设单位", "联系人", "联系电话", "工程地址", "工程类型", "工程规模",
           "竣工验收日期", "交付日期", "合同金额", "设计使用年限", "采暖地区", "项目经理", "屋面防水保修期", "供热系统保修期",
           "是否有采暖", "是否有空调"]
KEYS = ["code", "name", "client", "contact", "phone", "address", "type", "scale", "accepted_on", "handed_over_on",
        "contract_amount", "design_life_years", "heating_region", "manager", "agreed:roof_waterproofing",
        "agreed:heating", "has_heating", "has_cooling"]

# every kind of project, region and season, agreed periods, a manager who is on the staff list and
# one who is not, acceptance on 29 February, a project accepted in the heating season, a long life
CASES = [
    dict(type="住宅", scale="大型", accepted_on=D(2024, 6, 15), handed_over_on=D(2024, 7, 1), heating_region="北京",
         manager="李强"),
    dict(type="住宅", scale="中型", accepted_on=D(2024, 2, 29), handed_over_on=D(2024, 3, 20), heating_region="哈尔滨",
         manager="张三", **{"agreed:roof_waterproofing": "8年", "agreed:heating": "3个采暖期"}),
    dict(type="公共建筑", scale="大型", accepted_on=D(2025, 12, 1), handed_over_on=D(2025, 12, 1), heating_region="上海",
         manager="李强", design_life_years=100),
    dict(type="工业建筑", scale="小型", accepted_on=D(2023, 11, 20), handed_over_on=D(2024, 1, 5), heating_region="广州",
         manager=""),
    dict(type="市政工程", scale="中型", accepted_on=D(2026, 3, 31), handed_over_on=D(2026, 4, 2), heating_region="",
         manager="李强"),
    dict(type="装饰装修", scale="小型", accepted_on=D(2026, 9, 1), handed_over_on=D(2026, 9, 15), heating_region="北京",
         manager="李强", has_heating="否", has_cooling="是"),
    dict(type="住宅", scale="小型", accepted_on=D(2019, 5, 6), handed_over_on=D(2019, 6, 1), heating_region="北京",
         manager="李强"),
]


def _values(i: int, case: dict) -> dict:
    values = {"code": f"B-{i:03d}", "name": f"批量工程{i}", "client": f"建设单位{i % 3}", "contact": "王",
              "phone": "010-1234567", "address": "某路1号", "contract_amount": "1000000", "design_life_years": 50}
    values.update(case)
    return values


def _sheet(path, rows: list[dict]):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(k, "") for k in KEYS])
    book.save(path)
    return path


def _one_at_a_time(code: str, values: dict) -> Project:
    """The same project entered in the form and handed over with the 交付 button."""
    raw = {k: v for k, v in values.items() if not k.startswith("agreed:") and k not in ("has_heating", "has_cooling")}
    raw["code"] = code
    if "has_heating" in values:
        raw["has_heating"] = values["has_heating"] == "是"
    if "has_cooling" in values:
        raw["has_cooling"] = values["has_cooling"] == "是"
    project = create_project(raw)
    agreed = {}
    if values.get("agreed:roof_waterproofing"):
        agreed["roof_waterproofing"] = ("years", 8)
    if values.get("agreed:heating"):
        agreed["heating"] = ("heating_seasons", 3)
    handover.handover(project.id, project.accepted_on, project.handed_over_on, agreed)
    return project


def _items(project_id: int) -> list[tuple]:
    return sorted((i.key, i.name, i.minimum_unit, i.minimum_amount, i.agreed_unit, i.agreed_amount, i.start_on,
                   i.end_on, i.subcontractor_id, i.version)
                  for i in WarrantyItem.select().where(WarrantyItem.project == project_id))


def _visits(project_id: int) -> list[tuple]:
    return [(v.planned_on, v.kind, v.purposes, v.method, v.status, v.staff_id, v.unit_id, v.retry_of_id,
             v.original_planned_on, v.version)
            for v in Visit.select().where(Visit.project == project_id).order_by(Visit.planned_on, Visit.id)]


def _audit(project_id: int) -> list[tuple]:
    """The project's audit rows (handover, items created, plan) with ids replaced by their order."""
    item_ids = {i.id: i.key for i in WarrantyItem.select().where(WarrantyItem.project == project_id)}
    visit_order = {v.id: n for n, v in enumerate(Visit.select().where(Visit.project == project_id)
                                                 .order_by(Visit.planned_on, Visit.id))}
    rows = AuditLog.select().where(
        ((AuditLog.table == "project") & (AuditLog.record_id == project_id) & (AuditLog.action != "create"))
        | ((AuditLog.table == "warranty_item") & AuditLog.record_id.in_(list(item_ids)))).order_by(AuditLog.id)
    out = []
    for row in rows:
        new = json.loads(row.new) if row.new else {}
        old = json.loads(row.old) if row.old else {}
        if row.action == "plan":
            new = sorted((visit_order[int(k)], json.dumps(v, sort_keys=True)) for k, v in new.items())
        if row.table == "warranty_item":
            new.pop("id", None)
            new.pop("project", None)
            key = item_ids[row.record_id]
        else:
            key = None
        out.append((row.action, row.table, key, json.dumps(old, sort_keys=True), json.dumps(new, sort_keys=True)
                    if not isinstance(new, list) else new, row.note, row.user))
    return out


def test_a_bulk_imported_project_equals_one_handed_over_by_hand(db, tmp_path):
    from warranty_desk.services.importing import import_projects

    save_staff({"name": "李强", "role": "项目经理"})
    rows = [_values(i, case) for i, case in enumerate(CASES)]
    report = import_projects(_sheet(tmp_path / "projects.xlsx", rows))
    assert len(report.created) == len(CASES) and sorted(report.handed_over) == sorted(r["code"] for r in rows)
    assert settings.go_live_date() is not None  # set by the import: the plans start there, both ways
    for i, values in enumerate(rows):
        imported = Project.get(Project.code == values["code"])
        by_hand = _one_at_a_time(f"H-{i:03d}", values)
        by_hand = Project.get_by_id(by_hand.id)
        assert _items(imported.id) and _items(imported.id) == _items(by_hand.id), values
        assert _visits(imported.id) == _visits(by_hand.id), values
        assert imported.version == by_hand.version
        assert _audit(imported.id) == _audit(by_hand.id), values
    assert Visit.select().where(Visit.staff.is_null(False)).exists()  # the manager on the staff list is assigned
    chain = database_proxy.obj.execute_sql(
        'SELECT id, at, "user", action, "table", record_id, old, new, note, prev_hash, chain_hash FROM audit_log '
        "ORDER BY id").fetchall()
    assert audit_chain.walk(chain).ok  # the rows written in bulk are links of the one chain


def test_a_bulk_import_that_fails_late_writes_nothing(db, tmp_path, monkeypatch):
    """All or nothing still: a failure while the items and visits are written leaves no project."""
    from warranty_desk.services import importing

    rows = [_values(i, CASES[0]) for i in range(5)]
    calls = {"n": 0}
    real = handover._hand_over_batch

    def failing(*args):
        calls["n"] += 1
        real(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(handover, "_hand_over_batch", failing)
    before = (Project.select().count(), WarrantyItem.select().count(), Visit.select().count(),
              AuditLog.select().count())
    try:
        importing.import_projects(_sheet(tmp_path / "p.xlsx", rows))
    except RuntimeError:
        pass
    assert calls["n"] == 1
    assert (Project.select().count(), WarrantyItem.select().count(), Visit.select().count(),
            AuditLog.select().count()) == before


def test_a_project_that_already_has_visits_is_rebuilt_not_duplicated(db, make_project):
    """hand_over_new is for new projects; one with a plan already goes through handover itself."""
    project = make_project(accepted_on=D(2024, 6, 15), handed_over_on=D(2024, 7, 1))
    handover.handover(project.id)
    first = _visits(project.id)
    fresh = make_project(accepted_on=D(2024, 6, 15), handed_over_on=D(2024, 7, 1))
    handover.hand_over_new([(Project.get_by_id(project.id), {}), (Project.get_by_id(fresh.id), {})])
    assert _visits(project.id) == first  # the same plan again: nothing added, nothing changed
    assert [i[:-1] for i in _items(fresh.id)] == [i[:-1] for i in _items(project.id)]
    assert [v[:4] for v in _visits(fresh.id)] == [v[:4] for v in first]
