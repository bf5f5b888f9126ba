"""The desktop start-up pieces of issue 8: the smoke run, Qt's own translations, the About box."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from warranty_desk.version import app_version

ROOT = Path(__file__).resolve().parents[2]


def _smoke(tmp_path, *args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WARRANTY_DESK_DATA=str(tmp_path / "data"))
    env.pop("WARRANTY_DESK_DB", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--smoke", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_smoke_run_creates_database_in_data_folder_and_prints(tmp_path):
    result = _smoke(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "warranty_desk.db").is_file()
    size = int(re.search(r"certificate=(\d+) bytes", result.stdout).group(1))
    assert size > 10_000
    assert "formats='2026年3月15日 ¥1,234.50'" in result.stdout
    assert "qtbase_zh_CN.qm" in result.stdout
    assert f"保修台 {app_version()} smoke" in result.stdout


def test_smoke_run_in_english_on_a_given_database(tmp_path):
    result = _smoke(tmp_path, "--db", str(tmp_path / "other.db"), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "other.db").is_file()
    assert "locale=en formats='Mar 15, 2026 ¥1,234.50'" in result.stdout


def test_qt_dialog_buttons_in_chinese(qapp):
    from ui import qt_i18n

    try:
        assert qt_i18n.install(qapp, "zh_CN"), f"qtbase_zh_CN.qm not in {qt_i18n.qt_translations_dir()}"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert qt_i18n.loaded_catalogs() == ["qtbase_zh_CN.qm"]
        qt_i18n.install(qapp, "en")
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    finally:
        qt_i18n.install(qapp, "zh_CN")


def test_about_box_shows_version_and_copies_it(qtbot, db):
    from ui.about_dialog import AboutDialog

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert app_version() in labels
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert f"版本: {app_version()}" in copied
    assert str(db.database) in copied


def test_language_choice_in_settings_takes_effect_after_restart(app_window, qtbot, answers, monkeypatch):
    from warranty_desk.services import settings

    app_window.go(7)
    page = app_window.page("设置")
    page.form.widgets["company_name"].setText("华建公司")
    combo = page.form.widgets["language"]
    assert [combo.itemData(i) for i in range(combo.count())] == ["zh_CN", "en"]
    combo.setCurrentIndex(combo.findData("en"))
    assert page.save() is True
    assert settings.get("language") == "en"
    # it says that the window needs a restart, and restarts on request (here: not now)
    assert answers["question"] != QMessageBox.StandardButton.Yes
    assert any(kind == "question" and "重新启动" in text for kind, _title, text in answers["shown"])
    from ui import restart

    assert not restart.requested()
    # saving again without a change says nothing more
    answers["shown"].clear()
    assert page.save() is True
    assert not answers["shown"]

    shown = []
    from ui import about_dialog

    monkeypatch.setattr(about_dialog.AboutDialog, "exec", lambda self: shown.append(self.facts_text()))
    page.about_button.click()
    assert shown and app_version() in shown[0]


def test_unknown_language_is_refused(db):
    import pytest

    from warranty_desk.errors import ValidationError
    from warranty_desk.services import settings

    with pytest.raises(ValidationError, match="界面语言"):
        settings.set("language", "fr")
    assert settings.get("language") == "zh_CN"


def test_language_switch_restarts_the_program_on_request(app_window, qtbot, answers, monkeypatch):
    """设置 → 界面语言 → 现在重新启动: the window closes as the clerk closes it, and the same program
    starts again on the same database, without a --lang that would hide the new choice."""
    import sys

    from ui import backup_dialogs, restart
    from warranty_desk.services import settings

    monkeypatch.setattr(sys, "argv", ["/opt/wd/main.py", "--lang", "zh_CN", "--db", "x.db"])
    monkeypatch.setattr(backup_dialogs, "opened_target", lambda: "/data/office.db")
    started = []
    monkeypatch.setattr(restart.QProcess, "startDetached", staticmethod(lambda p, a: started.append((p, a)) or (True, 1)))
    monkeypatch.setattr(restart, "_state", {"requested": False, "db": None})
    app_window.go(7)
    page = app_window.page("设置")
    page.form.widgets["company_name"].setText("华建公司")
    combo = page.form.widgets["language"]
    combo.setCurrentIndex(combo.findData("en"))
    answers["question"] = QMessageBox.StandardButton.Yes
    assert page.save() is True
    assert settings.get("language") == "en"
    assert restart.requested() and not app_window.isVisible()
    assert restart.command() == (sys.executable, ["/opt/wd/main.py", "--db", "/data/office.db"])
    assert restart.start_again() and started == [(sys.executable, ["/opt/wd/main.py", "--db", "/data/office.db"])]


def test_qt_file_dialog_in_chinese_says_no_english(qapp):
    """Qt's own zh_CN catalog leaves the file dialog's "Look in:" and "Files of type:" in English: the
    gaps are filled, and English stays Qt's own."""
    from PySide6.QtWidgets import QFileDialog

    from ui import qt_i18n

    def labels():
        dialog = QFileDialog(None, "x")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        dialog.deleteLater()
        return texts

    try:
        qt_i18n.install(qapp, "zh_CN")
        texts = labels()
        assert "查找范围(&I)：" in texts and "文件类型(&T)：" in texts and "文件名称(&N)：" in texts
        assert not any(re.search(r"[A-Za-z]{3}", t.replace("&", "")) for t in texts), texts
        qt_i18n.install(qapp, "en")
        assert "&Look in:" in labels()
    finally:
        qt_i18n.install(qapp, "zh_CN")
