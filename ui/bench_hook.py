"""Benchmark hook: with WARRANTY_DESK_BENCH_EXIT=1 in the environment, the app prints one line when
its main window has painted for the first time (wall-clock time and memory), then quits.

Used by `python -m benchmarks` to measure start-up in a fresh process; does nothing otherwise."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QEvent, QObject, QTimer

ENV = "WARRANTY_DESK_BENCH_EXIT"
MARK = "WARRANTY_DESK_BENCH"


def enabled() -> bool:
    return os.environ.get(ENV) == "1"


def memory_kb() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in kB, from /proc (0, 0 where /proc is missing)."""
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


def report_line() -> str:
    rss, hwm = memory_kb()
    return f"{MARK} shown_at={time.time():.6f} rss_kb={rss} hwm_kb={hwm}"


class _FirstPaint(QObject):
    def __init__(self, app, window):
        super().__init__(window)
        self.app = app
        self.seen = False

    def eventFilter(self, watched, event):  # noqa: N802 - Qt
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self._report)  # after the whole window has been painted
        return False

    def _report(self) -> None:
        window = self.parent()
        if not getattr(window, "start_page_loaded", lambda: True)():
            QTimer.singleShot(5, self._report)  # usable: the page shown has its data, painted
            return
        window.repaint()
        print(report_line(), flush=True)
        self.app.quit()


def install(app, window) -> None:
    """Report and quit once `window` has painted (call before window.show())."""
    window.installEventFilter(_FirstPaint(app, window))
