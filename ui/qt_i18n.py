"""Qt's own texts (file and print dialogs, message-box buttons, context menus) in the program's
language: Qt ships its translations as qtbase_<locale>.qm beside its libraries (PySide6-Essentials
includes qtbase_zh_CN.qm); English is Qt's built-in language and needs none."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []

# what Qt's own qtbase_zh_CN.qm leaves in English (Qt 6: the file dialog's two labels)
GAPS = {
    "zh_CN": {
        ("QFileDialog", "&Look in:"): "查找范围(&I)：",  # i18n: data (Qt's own text, in Qt's language)
        ("QFileDialog", "Files of &type:"): "文件类型(&T)：",  # i18n: data
    },
}


class _Gaps(QTranslator):
    """Qt's texts its own catalog lacks for a language (installed last: asked first)."""

    def __init__(self, words: dict, parent=None):
        super().__init__(parent)
        self.words = words

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D102 - Qt's signature
        return self.words.get((context, source_text))  # None: not ours, the next catalog answers

    def isEmpty(self) -> bool:  # noqa: N802 - Qt
        return not self.words


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def loaded_catalogs() -> list[str]:
    """Files of Qt's own translations now installed (empty for English)."""
    return [Path(t.filePath()).name for t in _installed if t.filePath()]


def install(app: QApplication, locale: str) -> bool:
    """Load Qt's translation for `locale` ("zh_CN" or "en") into the application and make it the
    default QLocale (date pickers, number fields). Returns whether a Qt catalog was loaded."""
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(locale))
    if locale.startswith("en"):
        return False
    folder = qt_translations_dir()
    loaded = False
    for base in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(f"{base}_{locale}", folder):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded = True
            break  # qt_<locale>.qm is a meta catalog that only includes qtbase: one is enough
    if not loaded:
        log.warning("Qt's own %s translation not found in %s; its dialogs stay in English", locale, folder)
    if locale in GAPS:
        gaps = _Gaps(GAPS[locale], app)
        app.installTranslator(gaps)
        _installed.append(gaps)
    return loaded
