"""派工单: the PDF holds the ticket's values, prints hostile and rare text literally, and the
`print dispatch` verb exits 0 / 2 without leaving a half-written file."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from documents_fixtures import (
    COMPANY,
    HOSTILE,
    LONG,
    RARE,
    holds_all_of,
    office_fixture,  # noqa: F401  (the `office` fixture)
    pdf_fonts,
    pdf_text,
    squash,
)

from warranty_desk.documents.dispatch_sheet import build_dispatch_sheet
from warranty_desk.models import Staff, Subcontractor, Ticket, TicketEvent


def _dispatched(ticket: Ticket, staff_name=HOSTILE + "师傅", sub_name=HOSTILE + RARE + "防水公司") -> Ticket:
    ticket.assignee = Staff.create(name=staff_name, phone="13911112222")
    ticket.subcontractor = Subcontractor.create(name=sub_name, contact="周工", phone="010-66668888")
    ticket.save()
    TicketEvent.create(ticket=ticket, from_state="received", to_state="dispatched", at=dt.datetime(2026, 7, 3, 10, 5),
                       by="王芳", reason="派工")
    return ticket


def test_dispatch_sheet_holds_the_tickets_values(office, tmp_path):
    ticket = _dispatched(office["ticket"])
    out = build_dispatch_sheet(ticket.number, tmp_path / "d.pdf")
    text = squash(pdf_text(out))
    assert holds_all_of(pdf_text(out), LONG)
    for value in (
        "派工单", COMPANY, "BX-2026-0001", squash(HOSTILE) + RARE,  # project name, reporter, location
        "13900000000", "给排水管道", "■紧急", "□一般",
        "2026年7月3日09:30",  # reported
        "2026年7月3日11:30", "2026年7月3日13:30", "2026年7月6日09:30",  # respond / on-site / complete due
        "2026年7月3日10:05", "王芳",  # dispatched when and by whom
        squash(HOSTILE) + "师傅13911112222", squash(HOSTILE) + RARE + "防水公司周工010-66668888",
        "维修人签字", "到场时间：____月____日____时____分", "实际到场时间",
        LONG[:300],
    ):
        assert squash(value) in text, value
    assert "&amp;" not in text and "<b>" in text  # escaped once, printed literally
    assert "Helvetica" not in pdf_fonts(out)


def test_warranty_decision_text_and_an_out_of_warranty_note(office, tmp_path):
    ticket = office["ticket"]
    ticket.in_warranty = False
    ticket.warranty_reason = "给排水管道 保修至 2026-06-30，已过保修期 3 天"
    ticket.warranty_override_reason = ""
    ticket.urgency = "normal"
    ticket.onsite_at = ticket.completed_at = None
    ticket.save()
    text = squash(pdf_text(build_dispatch_sheet(ticket.id, tmp_path / "out.pdf")))
    assert squash("保修期外（有偿维修）：给排水管道 保修至 2026年6月30日，已过保修期 3 天") in text
    assert "须业主先确认报价后再施工" in text and "□紧急■一般" in text
    # not yet on site: blanks for the repairer to write the times in
    assert "____年____月____日____时____分" in text


def test_a_ticket_without_unit_and_with_an_override(office, tmp_path):
    home = office["home"]
    ticket = Ticket.create(number="BX-2026-0002", project=home, reporter="物业 𠀀 鑫", phone="", location="地下车库",
                           category="roof_waterproofing", description="渗水", reported_at=dt.datetime(2026, 11, 1, 8, 0),
                           in_warranty=True, warranty_reason="屋面防水工程 保修至 2029-06-15",
                           warranty_override_reason="业主提供了<延期>协议 & 盖章", respond_due=None)
    text = squash(pdf_text(build_dispatch_sheet(ticket, tmp_path / "n.pdf")))
    for value in ("阳光花园二期", "公共部位", "物业𠀀鑫", "屋面防水工程保修至2029年6月15日",
                  "更改判定的原因：业主提供了<延期>协议&盖章", "400-810-2026"):
        assert value in text, value


def _cli(db_target, *args):
    return subprocess.run([sys.executable, "-m", "warranty_desk.cli", "--db", str(db_target), *args],
                          capture_output=True, text=True, timeout=120)


def test_print_dispatch_verb(office, db_target, tmp_path):
    _dispatched(office["ticket"])
    out = tmp_path / "派工单.pdf"
    result = _cli(db_target, "print", "dispatch", "bx-2026-0001", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "BX-2026-0001" in pdf_text(out) and "派工单" in result.stdout

    bad = tmp_path / "bad.pdf"
    result = _cli(db_target, "print", "dispatch", "BX-1999-9999", "-o", str(bad))
    assert result.returncode == 2 and "BX-1999-9999" in result.stderr
    result = _cli(db_target, "print", "dispatch", "BX-2026-0001", "-o", str(tmp_path / "d.txt"))
    assert result.returncode == 2 and ".pdf" in result.stderr
    result = _cli(db_target, "print", "dispatch", "BX-2026-0001", "-o", str(tmp_path / "nope" / "d.pdf"))
    assert result.returncode == 2
    assert not bad.exists() and not list(tmp_path.glob("*.part")) and not (tmp_path / "d.txt").exists()


def test_a_long_description_runs_on_from_the_first_page(office, tmp_path):
    """The long description starts on page 1 (the row splits at the page end), not all of it
    on page 2 after a mostly empty first page."""
    ticket = _dispatched(office["ticket"])
    out = build_dispatch_sheet(ticket, tmp_path / "long.pdf")
    pages = pdf_text(out).split("\f")
    assert len(pages) >= 2
    first = squash(pages[0])
    assert "问题描述" in first and LONG[:200] in first


def test_warranty_decision_dates_in_the_documents_one_format(office, tmp_path):
    ticket = _dispatched(office["ticket"])
    ticket.warranty_reason = "给排水管道 保修至 2027-01-01，剩余 100 天"
    ticket.save()
    from warranty_desk.documents.forms import build_repair_notice

    for out in (build_dispatch_sheet(ticket, tmp_path / "d.pdf"), build_repair_notice(ticket, tmp_path / "n.pdf")):
        text = squash(pdf_text(out))
        assert "保修至2027年1月1日" in text and "2027-01-01" not in text
