"""A small field office for the phone companion's tests: a handed-over residential project, a unit
with its owner, a crew member with a repair dispatched to him and a visit planned this week."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from warranty_desk.models import Staff, Unit, Visit
from warranty_desk.services import tickets
from warranty_desk.services.handover import handover
from warranty_desk.services.projects import create_project


def png(color=(20, 20, 20), size=(240, 90)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def jpeg(color=(180, 120, 60), size=(640, 480)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def field_office(now: dt.datetime | None = None, tickets_count: int = 1) -> dict:
    now = now or dt.datetime.now().replace(microsecond=0)
    project = create_project({
        "code": "YG-1", "name": "阳光花园", "client": "阳光置业", "type": "住宅", "scale": "中型",
        "heating_region": "北京", "accepted_on": dt.date(2024, 6, 15), "handed_over_on": dt.date(2024, 7, 1),
        "address": "北京市朝阳区阳光路 8 号", "contact": "李经理", "phone": "010-88886666",
    })
    handover(project.id)
    unit = Unit.create(project=project, building="1号楼", entrance="1单元", room="101",
                       owner_name="王业主", owner_phone="138-0000-0001")
    worker = Staff.create(name="张师傅", phone="13900000002", role="维修工")
    other = Staff.create(name="李师傅", phone="13900000003", role="维修工")
    made = []
    for n in range(tickets_count):
        intake = tickets.create_ticket({
            "project": "YG-1", "unit": "1号楼-1单元-101", "reporter": "王业主", "phone": "138-0000-0001",
            "channel": "电话", "location": "顶层卧室", "category": "roof_waterproofing",
            "description": f"雨后天花板渗水（{n + 1}）", "urgency": "一般",
            "reported_at": now - dt.timedelta(hours=30 - n % 20)})
        made.append(tickets.dispatch(intake.ticket.id, worker.id, at=now - dt.timedelta(hours=2)))
    visit = Visit.create(project=project, unit=unit, planned_on=now.date(), kind="periodic",
                         purposes="定期回访\n检查屋面防水", method="上门", staff=worker)
    return {"project": project, "unit": unit, "worker": worker, "other": other, "ticket": made[0],
            "tickets": made, "visit": visit, "now": now}
