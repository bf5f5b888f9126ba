"""`main.py --smoke`: the main window is up; print one PDF, report what the bundle ships, exit."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ui import qt_i18n
from warranty_desk import i18n, selfcheck
from warranty_desk.services import session
from warranty_desk.version import app_version


def run_smoke(window) -> int:
    """Returns the exit code: 0 when the window is shown, the PDF was written and every resource is
    present; 1 otherwise (the reason on stderr)."""
    QApplication.processEvents()
    problems = []
    if not window.isVisible():
        problems.append("main window not visible")
    report = selfcheck.resource_report()
    problems += [f"missing resource: {name}" for name, ok in report.items() if not ok]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="wd-smoke-") as folder:
        pdf = Path(folder) / "certificate.pdf"
        try:
            selfcheck.sample_certificate(pdf)
            size = pdf.stat().st_size
            if not pdf.read_bytes().startswith(b"%PDF"):
                problems.append("the certificate is not a PDF")
        except Exception as exc:  # the smoke run reports any failure instead of crashing
            problems.append(f"certificate failed: {exc!r}")
            size = 0
    try:  # babel's locale data and the catalog of the active language are in the bundle
        formats = f"{i18n.format_date(dt.date(2026, 3, 15))} {i18n.format_money(1234.5)}"
    except Exception as exc:
        problems.append(f"locale formatting failed: {exc!r}")
        formats = "?"
    print(f"保修台 {app_version()} smoke: locale={i18n.current_locale()} formats='{formats}' "  # i18n: data (a log line)
          f"qt_translation={qt_i18n.loaded_catalogs()} "
          f"database={session.location() or '?'} window='{window.windowTitle()}' "
          f"certificate={size} bytes in {time.perf_counter() - started:.1f}s resources={report}", flush=True)
    for problem in problems:
        print(f"smoke FAILED: {problem}", file=sys.stderr, flush=True)
    return 1 if problems else 0
