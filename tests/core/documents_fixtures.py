"""Small offices in a temp database for the document tests (no Qt)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

HOSTILE = "<b>张三 & 李四</b>"
RARE = "𠀀鑫㐂"
LONG = ("外墙渗水、卫生间地漏返味、" * 200)[:2000]
HOTLINE = "400-810-2026"
COMPANY = "北京宏建建设工程有限公司"


@pytest.fixture(name="office")
def office_fixture(db):
    """A database with company settings, one residential project with units, one with hostile
    text everywhere, and one with only the required fields."""
    from warranty_desk.models import CostLine, Deposit, Ticket, Unit, Visit, VisitFinding, database_proxy
    from warranty_desk.services import settings
    from warranty_desk.services.handover import handover
    from warranty_desk.services.projects import create_project

    settings.set_many({"company_name": COMPANY, "company_address": "北京市朝阳区建国路88号",
                       "hotline": HOTLINE, "clerk_name": "王芳"})
    home = create_project({
        "code": "ZZ-2024-01", "name": "阳光花园二期", "client": "北京城建置业有限公司", "contact": "周经理",
        "phone": "010-88886666", "address": "北京市大兴区兴华大街1号", "type": "住宅", "scale": "中型",
        "heating_region": "北京", "manager": "李强", "designer": "北京市建筑设计研究院",
        "supervisor": "京诚监理有限公司", "developer": "北京城建置业有限公司",
        "materials": "铝合金窗：断桥铝 60系列\n防水卷材：SBS改性沥青 4mm", "design_life_years": 50,
    })
    handover(home.id, dt.date(2024, 6, 15), dt.date(2024, 7, 1))
    for building in ("1", "2"):
        for room in ("101", "102", "201"):
            Unit.create(project=home, building=building, entrance="1", room=room, owner_name=f"业主{building}{room}",
                        owner_phone="13800000000", handed_over_on=dt.date(2024, 7, 1))
    Deposit.create(project=home, amount=Decimal("300000"), settled_price=Decimal("10000000"), defect_months=24,
                   start_on=dt.date(2024, 6, 15))
    hostile = create_project({
        "code": "HX-<1>&", "name": HOSTILE + RARE + LONG[:150], "client": HOSTILE, "contact": HOSTILE,
        "address": RARE + LONG[:480], "type": "住宅", "scale": "小型", "heating_region": "北京",
        "designer": HOSTILE, "materials": LONG, "notes": LONG,
    })
    handover(hostile.id, dt.date(2025, 3, 1), dt.date(2025, 3, 10))
    Unit.create(project=hostile, building=HOSTILE, entrance=RARE, room="9" * 20, owner_name=(HOSTILE + RARE + LONG)[:100],  # the column holds 100 (PostgreSQL enforces it)
                owner_phone=HOSTILE)
    bare = create_project({"code": "BARE-1", "name": "空白工程", "type": "公共建筑", "scale": "大型"})
    hostile_unit = Unit.get(Unit.project == hostile)
    ticket = Ticket.create(
        number="BX-2026-0001", project=hostile, unit=hostile_unit, reporter=HOSTILE, phone="13900000000",
        location=HOSTILE, category="plumbing", description=HOSTILE + RARE + LONG, urgency="urgent",
        reported_at=dt.datetime(2026, 7, 3, 9, 30), respond_due=dt.datetime(2026, 7, 3, 11, 30),
        onsite_due=dt.datetime(2026, 7, 3, 13, 30), complete_due=dt.datetime(2026, 7, 6, 9, 30),
        responded_at=dt.datetime(2026, 7, 3, 10, 0), onsite_at=dt.datetime(2026, 7, 3, 12, 0),
        completed_at=dt.datetime(2026, 7, 4, 16, 0), closed_at=dt.datetime(2026, 7, 5, 10, 0), state="closed",
        cause_class="workmanship", payer="us", signoff_kind="paper", signoff_by=HOSTILE,
        signoff_at=dt.datetime(2026, 7, 4, 17, 0), signoff_note=LONG[:300], satisfaction=5,
    )
    CostLine.create(ticket=ticket, kind="material", description=HOSTILE + "PPR管 DN20", quantity=Decimal("2.5"),
                    unit_price=Decimal("18"), amount=Decimal("45"), borne_by="us")
    visit = Visit.create(
        project=hostile, unit=hostile_unit, planned_on=dt.date(2026, 7, 10), kind="milestone",
        purposes=HOSTILE + "\n检查防水", method="onsite", status="done", done_at=dt.datetime(2026, 7, 10, 15, 0),
        visitor=HOSTILE, met_person=HOSTILE + RARE, findings=HOSTILE + RARE + LONG, opinion=LONG[:500],
        score=86, grade="比较满意",
    )
    VisitFinding.create(visit=visit, area="卫生间", description=HOSTILE + "地漏返味", ticket=ticket)
    Visit.create(project=home, planned_on=dt.date(2026, 8, 20), kind="periodic", status="missed")
    yield {"db": db, "home": home, "hostile": hostile, "bare": bare, "ticket": ticket, "visit": visit,
           "database_proxy": database_proxy}


def pdf_text(path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squash(text: str) -> str:
    """Text without the line breaks and spaces a wrapped paragraph adds."""
    return "".join(text.split())


def pdf_fonts(path) -> str:
    import subprocess

    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout



def holds_all_of(text: str, long_text: str, unit: str = "地漏返味") -> bool:
    """Every repetition of `unit` in a long text is in the PDF's text (a long text may be split
    over rows and pages, which pdftotext may read in another order: count, do not search)."""
    return squash(text).count(unit) >= long_text.count(unit) > 0
