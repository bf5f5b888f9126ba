"""The start-up baseline: a bare PySide6 window with one label, in a fresh process.

Prints the same line as ui/bench_hook.py once the window has painted, then quits."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel


def _memory_kb() -> tuple[int, int]:
    values = {"VmRSS": 0, "VmHWM": 0}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in values:
                    values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values["VmRSS"], values["VmHWM"]


class FirstPaint(QObject):
    seen = False

    def eventFilter(self, watched, event):  # noqa: N802 - Qt
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self.report)
        return False

    def report(self):
        rss, hwm = _memory_kb()
        print(f"WARRANTY_DESK_BENCH shown_at={time.time():.6f} rss_kb={rss} hwm_kb={hwm}", flush=True)
        QApplication.instance().quit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    label = QLabel("保修台")
    label.resize(400, 200)
    hook = FirstPaint(label)
    label.installEventFilter(hook)
    label.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
