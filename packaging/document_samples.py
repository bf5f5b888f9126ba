"""Sample pages of every printed document, from the demo office, into docs/samples/ (Chinese) and
docs/samples/en/ (the same papers printed in English).

    .venv/bin/python packaging/document_samples.py [zh_CN|en]   (default: both)

Builds the demo office (as of 2026-11-29, like the tests) in a temporary folder, prints each
project document for a residential, a public, a decoration-only and a municipal project, the
forms, the dispatch sheet, the structural-safety report, the visit reports and plan, the quarterly
report and (Chinese) the ledger (printed to PDF by LibreOffice, as an office would), renders the
pages with `pdftoppm -r 60` and puts the pages of one document side by side in one PNG (`montage`
from ImageMagick).
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
KINDS = ["residential", "public", "decoration", "municipal"]  # project types, stored as keys


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


def samples(lang: str, out: Path, tmp: Path) -> None:
    """Every document of the demo office in `lang`, as PNG pages in `out`."""
    from warranty_desk.documents import forms
    from warranty_desk.documents.cards import build_cards
    from warranty_desk.documents.certificate import build_certificate
    from warranty_desk.documents.dispatch_sheet import build_dispatch_sheet
    from warranty_desk.documents.manual import build_manual
    from warranty_desk.documents.quarterly import build_quarterly_report
    from warranty_desk.documents.safety_report import build_safety_report
    from warranty_desk.documents.visit_plan_table import build_visit_plan
    from warranty_desk.documents.visit_report import build_round_report, build_visit_report
    from warranty_desk.models import Project, SafetyReport, Ticket, Unit, Visit
    from warranty_desk.services.ledger import export_ledger

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    tmp = tmp / lang
    tmp.mkdir()
    for name in KINDS:
        project = (Project.select().where(Project.type == name, Project.accepted_on.is_null(False))
                   .order_by(Project.accepted_on.desc()).first())
        unit = Unit.select().where(Unit.project == project).order_by(Unit.id).first()
        pdf = build_certificate(project, tmp / f"{name}-certificate.pdf", lang=lang)
        pages_png(pdf, out / f"{name}-certificate.png")
        pdf = build_cards(project, tmp / f"{name}-cards.pdf", lang=lang, issued_on=TODAY)
        pages_png(pdf, out / f"{name}-cards.png", last=1)
        pdf = build_manual(project, tmp / f"{name}-manual.pdf", lang=lang, unit=unit)
        pages_png(pdf, out / f"{name}-manual.png", columns=5)
    pdf = build_quarterly_report("2026Q3", tmp / "quarterly.pdf", lang=lang, today=TODAY)
    pages_png(pdf, out / "quarterly-report.png")
    pdf = build_quarterly_report("2026Q4", tmp / "quarterly-unfinished.pdf", lang=lang, today=TODAY)
    pages_png(pdf, out / "quarterly-report-unfinished.png", last=2)
    ticket = (Ticket.select().where(Ticket.satisfaction == 5, Ticket.subcontractor.is_null(False))
              .order_by(Ticket.id).first())
    pages_png(forms.build_repair_record(ticket, tmp / "record.pdf", lang=lang), out / "form-repair-record.png")
    pages_png(forms.build_repair_notice(ticket, tmp / "notice.pdf", lang=lang), out / "form-repair-notice.png")
    longest = max(Ticket.select(), key=lambda t: (len(t.description), -t.id))
    pages_png(build_dispatch_sheet(longest, tmp / "dispatch.pdf", lang=lang), out / "dispatch-sheet.png")
    report = SafetyReport.select().order_by(SafetyReport.id).first()
    pages_png(build_safety_report(report.ticket, tmp / "safety.pdf", lang=lang), out / "safety-report.png")
    visit = (Visit.select().where(Visit.status == "done", Visit.template.is_null(False))
             .order_by(Visit.id.desc()).first())
    pages_png(forms.build_visit_form(visit, tmp / "visit.pdf", lang=lang), out / "form-visit.png")
    pages_png(forms.build_visit_form(None, tmp / "visit-blank.pdf", lang=lang), out / "form-visit-blank.png")
    pages_png(build_visit_report([visit.id], tmp / "visit-report.pdf", lang=lang), out / "visit-report.png")
    pages_png(build_round_report(visit.project_id, dt.date(2020, 1, 1), dt.date(2030, 12, 31), tmp / "round.pdf",
                                 lang=lang), out / "visit-round-report.png", last=2)
    pages_png(build_visit_plan(2026, tmp / "plan.pdf", lang=lang), out / "visit-plan.png", last=2)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office and lang == "zh_CN":  # the ledger is an .xlsx in the office's language
        export_ledger(tmp / "ledger.xlsx")
        subprocess.run([office, f"-env:UserInstallation={(tmp / 'lo').as_uri()}", "--headless", "--convert-to",
                        "pdf", "--outdir", str(tmp), str(tmp / "ledger.xlsx")], check=True, capture_output=True)
        pages_png(tmp / "ledger.pdf", out / "ledger.png", last=2, columns=2)
    print(f"{lang} samples in {out}")


def main(argv: list[str] | None = None) -> int:
    langs = (argv if argv is not None else sys.argv[1:]) or ["zh_CN", "en"]
    sys.path.insert(0, str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="wd-samples-"))
    os.environ["WARRANTY_DESK_DATA"] = str(tmp / "data")
    from warranty_desk.db import open_database
    from warranty_desk.models import SafetyReport, Ticket
    from warranty_desk.services import safety, settings
    from warranty_desk.services.demo import build_demo

    open_database(str(tmp / "demo.db"))
    settings.ensure_defaults()
    build_demo(today=TODAY)
    if not SafetyReport.select().exists():  # a structural-safety defect to report (the demo has none)
        crack = Ticket.select().where(Ticket.category == "foundation_structure").order_by(Ticket.id).first() or \
            Ticket.select().order_by(Ticket.id).first()
        safety.mark(crack.number, "承重墙出现斜向裂缝，宽约2毫米", measures="已设警戒线，通知住户暂勿使用该房间")
    for lang in langs:
        samples(lang, OUT / "en" if lang == "en" else OUT, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
