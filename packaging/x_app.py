"""What the window's screenshot scripts share: the program's QApplication on a real X server (Xvfb),
with the app's own set-up and fonts, on a new data folder, settings file and QSettings in a temporary
folder (nothing of this PC's own office is read or changed)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def x_application(prefix: str):
    """(app, work folder) on the X server of $DISPLAY; None, with the reason on stderr, without one."""
    if not os.environ.get("DISPLAY"):
        print("需要 X 显示：先启动 Xvfb :99，再以 DISPLAY=:99 运行", file=sys.stderr)
        return None
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["WARRANTY_DESK_DATA"] = str(work / "data")
    os.environ["WARRANTY_DESK_CONFIG"] = str(work / "config")

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))

    from ui.app import setup_application

    setup_application(app)
    return app, work
