"""Column widths a clerk sets are remembered (written once the widths settle, not on every signal)."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def test_a_resized_column_is_remembered(qtbot, tmp_path):
    from ui.table_models import Column, RowsModel, make_table

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    QSettings().remove("columns/width_test")
    model = RowsModel([Column("工程", lambda r: r["name"], 100), Column("内容", lambda r: r["text"])])
    model.set_rows([{"name": "甲 <b>&", "text": "渗水"}])
    view = make_table(model, "width_test")
    qtbot.addWidget(view)
    view.setColumnWidth(0, 237)
    qtbot.waitUntil(lambda: QSettings().value("columns/width_test") is not None, timeout=3000)

    again = make_table(RowsModel(model.columns), "width_test")
    qtbot.addWidget(again)
    assert again.columnWidth(0) == 237
