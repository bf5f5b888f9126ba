"""报表 computes its figures once when first shown (#20: a page built on first show; on a regional
contractor's office each pass over two years of visits takes seconds)."""

from __future__ import annotations

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
    assert len(calls) == 1
    page.load()  # data changed later: the figures follow
    assert len(calls) == 2
