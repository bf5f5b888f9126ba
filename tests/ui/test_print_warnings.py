"""Printing from the program: a character no shipped font has is named to the clerk before the PDF
opens for printing (it prints as □, never silently left out)."""

from __future__ import annotations


def test_a_character_no_font_has_is_named_before_the_pdf_opens(app_window, qtbot, make_project, monkeypatch):
    from pypdf import PdfReader

    from ui import documents, operations
    from warranty_desk.services.handover import handover

    told = []
    monkeypatch.setattr(documents, "WARN", lambda parent, title, text: told.append((title, text)))
    project = make_project(code="E-1", name="笑脸😀花园")
    handover(project.id)
    app_window.open_record("project", project.id)
    detail = app_window.page("工程项目").detail
    before = len(documents.LAST_OUTPUT)
    detail.doc_buttons["certificate"].click()
    qtbot.waitUntil(lambda: len(documents.LAST_OUTPUT) > before and not operations.busy(), timeout=20000)
    assert len(told) == 1 and "U+1F600" in told[0][1] and "□" in told[0][1]
    text = "".join(page.extract_text() for page in PdfReader(str(documents.LAST_OUTPUT[-1])).pages)
    assert "笑脸□花园" in text


def test_a_plain_document_opens_without_a_warning(app_window, qtbot, make_project, monkeypatch):
    from ui import documents, operations
    from warranty_desk.services.handover import handover

    told = []
    monkeypatch.setattr(documents, "WARN", lambda parent, title, text: told.append(text))
    project = make_project(code="E-2", name="阳光花园")
    handover(project.id)
    app_window.open_record("project", project.id)
    before = len(documents.LAST_OUTPUT)
    app_window.page("工程项目").detail.doc_buttons["certificate"].click()
    qtbot.waitUntil(lambda: len(documents.LAST_OUTPUT) > before and not operations.busy(), timeout=20000)
    assert told == []
