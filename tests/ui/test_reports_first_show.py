"""报表 computes its figures once when first shown (#20: a page built on first show; on a regional
contractor's office each pass over two years of visits takes seconds)."""

from __future__ import annotations

from ui.reports_analysis import ReportPanel
from warranty_desk.services import analysis


def test_the_analysis_is_computed_once_on_first_show(qtbot, demo_db, monkeypatch):
    from ui.pages.reports import ReportsPage

    calls = []
    real = analysis.falling_projects
    monkeypatch.setattr(analysis, "falling_projects", lambda *a, **k: calls.append(a) or real(*a, **k))
    page = ReportsPage()
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    panel = page.findChild(ReportPanel)
    qtbot.waitUntil(lambda: not panel.busy() and panel.tables["project"].rowCount() > 0)
    assert len(calls) == 1
    page.load()  # data changed later: the figures follow
    qtbot.waitUntil(lambda: not panel.busy())
    assert len(calls) == 2


def test_the_page_shows_before_its_figures_are_computed(qtbot, demo_db, monkeypatch):
    """Two years of visits of a large office take seconds to add up: the page is painted and usable
    meanwhile, and the figures appear when they are ready."""
    import threading

    from ui.pages.reports import ReportsPage

    release = threading.Event()
    real = analysis.report_figures
    monkeypatch.setattr(analysis, "report_figures", lambda *a, **k: release.wait(10) and real(*a, **k))
    page = ReportsPage()
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    panel = page.findChild(ReportPanel)
    assert panel.busy() and panel.tables["project"].rowCount() == 0
    release.set()
    qtbot.waitUntil(lambda: not panel.busy() and panel.tables["project"].rowCount() > 5)
    assert "平均满意度" in panel.summary.text()
