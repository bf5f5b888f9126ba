"""Sample pages of every printed document, from the demo office, into docs/samples/.

    .venv/bin/python packaging/document_samples.py

Builds the demo office (as of 2026-11-29, like the tests) in a temporary folder, prints each
project document for a residential, a public, a decoration-only and a municipal project, the
forms, the dispatch sheet, the visit report and plan, the quarterly report and the ledger (printed
to PDF by LibreOffice, as an office would), renders the pages with `pdftoppm -r 60` and puts the
pages of one document side by side in one PNG (`montage` from ImageMagick).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "samples"
TODAY = dt.date(2026, 11, 29)
KINDS = [("住宅", "residential"), ("公共建筑", "public"), ("装饰装修", "decoration"), ("市政工程", "municipal")]


def pages_png(pdf: Path, target: Path, first: int | None = None, last: int | None = None, columns: int = 4) -> None:
    work = pdf.with_suffix("")
    args = ["pdftoppm", "-png", "-r", "60"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    subprocess.run([*args, str(pdf), str(work)], check=True)
    pages = sorted(pdf.parent.glob(f"{work.name}-*.png"))
    subprocess.run(["montage", *map(str, pages), "-tile", f"{min(columns, len(pages))}x", "-geometry", "+6+6",
                    "-background", "#d0d0d0", str(target)], check=True)
    # 48 colours are plenty for print on white, and a quarter of the bytes
    subprocess.run(["convert", str(target), "-dither", "None", "-colors", "48", f"PNG8:{target}"], check=True)
    for page in pages:
        page.unlink()


def main() -> int:
    sys.path.insert(0, str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="wd-samples-"))
    os.environ["WARRANTY_DESK_DATA"] = str(tmp / "data")
    from warranty_desk.db import open_database
    from warranty_desk.documents import forms
    from warranty_desk.documents.cards import build_cards
    from warranty_desk.documents.certificate import build_certificate
    from warranty_desk.documents.dispatch_sheet import build_dispatch_sheet
    from warranty_desk.documents.manual import build_manual
    from warranty_desk.documents.quarterly import build_quarterly_report
    from warranty_desk.documents.visit_plan_table import build_visit_plan
    from warranty_desk.documents.visit_report import build_visit_report
    from warranty_desk.models import Project, Ticket, Unit, Visit
    from warranty_desk.services import settings
    from warranty_desk.services.demo import build_demo
    from warranty_desk.services.ledger import export_ledger

    open_database(str(tmp / "demo.db"))
    settings.ensure_defaults()
    build_demo(today=TODAY)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    for kind, name in KINDS:
        project = (Project.select().where(Project.type == kind, Project.accepted_on.is_null(False))
                   .order_by(Project.accepted_on.desc()).first())
        unit = Unit.select().where(Unit.project == project).order_by(Unit.id).first()
        pdf = build_certificate(project, tmp / f"{name}-certificate.pdf")
        pages_png(pdf, OUT / f"{name}-certificate.png")
        pdf = build_cards(project, tmp / f"{name}-cards.pdf", issued_on=TODAY)
        pages_png(pdf, OUT / f"{name}-cards.png", last=1)
        pdf = build_manual(project, tmp / f"{name}-manual.pdf", unit=unit)
        pages_png(pdf, OUT / f"{name}-manual.png", columns=5)
    pdf = build_quarterly_report("2026Q3", tmp / "quarterly.pdf", today=TODAY)
    pages_png(pdf, OUT / "quarterly-report.png")
    pdf = build_quarterly_report("2026Q4", tmp / "quarterly-unfinished.pdf", today=TODAY)
    pages_png(pdf, OUT / "quarterly-report-unfinished.png", last=2)
    ticket = (Ticket.select().where(Ticket.satisfaction == 5, Ticket.subcontractor.is_null(False))
              .order_by(Ticket.id).first())
    pages_png(forms.build_repair_record(ticket, tmp / "record.pdf"), OUT / "form-repair-record.png")
    pages_png(forms.build_repair_notice(ticket, tmp / "notice.pdf"), OUT / "form-repair-notice.png")
    longest = max(Ticket.select(), key=lambda t: (len(t.description), -t.id))
    pages_png(build_dispatch_sheet(longest, tmp / "dispatch.pdf"), OUT / "dispatch-sheet.png")
    visit = (Visit.select().where(Visit.status == "done", Visit.template.is_null(False))
             .order_by(Visit.id.desc()).first())
    pages_png(forms.build_visit_form(visit, tmp / "visit.pdf"), OUT / "form-visit.png")
    pages_png(forms.build_visit_form(None, tmp / "visit-blank.pdf"), OUT / "form-visit-blank.png")
    pages_png(build_visit_report([visit.id], tmp / "visit-report.pdf"), OUT / "visit-report.png")
    pages_png(build_visit_plan(2026, tmp / "plan.pdf"), OUT / "visit-plan.png", last=2)
    export_ledger(tmp / "ledger.xlsx")
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office:
        subprocess.run([office, f"-env:UserInstallation={(tmp / 'lo').as_uri()}", "--headless", "--convert-to",
                        "pdf", "--outdir", str(tmp), str(tmp / "ledger.xlsx")], check=True, capture_output=True)
        pages_png(tmp / "ledger.pdf", OUT / "ledger.png", last=2, columns=2)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"samples in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
