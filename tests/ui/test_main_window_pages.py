"""The sidebar's pages come from one table (ui/main_window.PAGES): each entry is built on first use,
shown under its own title, reached by Ctrl+N, by its name and by a record it holds."""

from __future__ import annotations

from PySide6.QtCore import Qt

from warranty_desk.i18n import _


def test_each_page_of_the_table_is_built_on_first_show_under_its_title(app_window, qtbot, make_project):
    from ui.main_window import PAGES

    window = app_window
    assert window.sidebar.count() == len(PAGES) == len(window.pages)
    assert window.pages.built() == [window.pages[0]]  # the start builds only 工作台
    for index, entry in enumerate(PAGES):
        assert window.sidebar.item(index).text() == _(entry.name)
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
        page = window.current_page()
        assert type(page) is entry.page_class()
        assert window.page_title.text() == _(entry.name)
        assert window.sidebar.currentRow() == index
        assert window.page(entry.name) is page
    window.go_to(PAGES[0].name)
    assert window.current_page() is window.pages[0]


def test_a_record_opens_on_the_page_named_for_it(app_window, make_project):
    from ui.pages.projects import ProjectsPage

    project = make_project()
    app_window.open_record("project", project.id)
    assert isinstance(app_window.current_page(), ProjectsPage)
    assert app_window.page_title.text() == _("工程项目")
