"""Application start-up: QApplication, the bundled CJK font, the database, the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from warranty_desk.db import open_database
from warranty_desk.errors import ValidationError
from warranty_desk.paths import default_database
from warranty_desk.services import settings


def run(args) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("保修台")
    app.setOrganizationName("WarrantyDesk")
    try:
        open_database(args.db or default_database())
        settings.ensure_defaults()
    except ValidationError as exc:
        QMessageBox.critical(None, "保修台", exc.message)
        return 2
    # the language chosen in 设置 applies from the start, before any window is built
    from ui import qt_i18n
    from warranty_desk import i18n

    i18n.set_locale(getattr(args, "lang", None) or settings.get("language") or i18n.SOURCE_LOCALE)
    qt_i18n.install(app, i18n.current_locale())
    from ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if args.smoke:
        from ui.smoke import run_smoke

        QTimer.singleShot(200, lambda: app.exit(run_smoke(window)))
    return app.exec()
