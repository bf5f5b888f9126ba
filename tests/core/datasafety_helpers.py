"""Shared by the data-safety tests: a ticket at 待验收 and small images."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from PIL import Image


def png(color=(10, 120, 200), size=(64, 32)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def jpeg(color=(240, 200, 20), size=(80, 60)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ticket_awaiting_check(project_code: str, when: dt.datetime = dt.datetime(2026, 11, 2, 9, 0)):
    """A warranty ticket moved through dispatch and repair to 待验收 (awaiting the owner's sign-off)."""
    from warranty_desk.models import Project, WarrantyItem
    from warranty_desk.rules import ticket_states as st
    from warranty_desk.services import handover, staff, tickets

    project = Project.get(Project.code == project_code)
    if not WarrantyItem.select().where(WarrantyItem.project == project).exists():
        handover.handover(project.id)
    worker = staff.save_staff({"name": "王师傅", "phone": "13800000000", "role": "维修工"})
    intake = tickets.create_ticket({
        "project": project_code, "reporter": "李业主", "phone": "13911112222", "channel": "电话",
        "location": "卫生间", "category": "wet_room_waterproofing", "description": "卫生间地面渗水到楼下",
        "urgency": "一般", "reported_at": when,
    })
    t = intake.ticket
    t = tickets.dispatch(t.id, staff=worker.id, at=when + dt.timedelta(hours=1))
    t = tickets.transition(t.id, st.ONSITE, at=when + dt.timedelta(hours=5))
    t = tickets.transition(t.id, st.REPAIRING, at=when + dt.timedelta(hours=6))
    t = tickets.transition(t.id, st.AWAITING_CHECK, at=when + dt.timedelta(days=2))
    return t
