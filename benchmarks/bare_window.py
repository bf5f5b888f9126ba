"""The start-up baseline: a bare PySide6 window with one label, in a fresh process.

Reports through the same hook as the app (ui/bench_hook.py: one line once the window has painted,
then quits), so both sides of the ratio are measured the same way."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ui import bench_hook  # noqa: E402 - the repository root is on the path only now


def main() -> int:
    app = QApplication(sys.argv[:1])
    label = QLabel("保修台")
    label.resize(400, 200)
    if bench_hook.enabled():  # the offscreen measurement: report the first paint and quit
        bench_hook.install(app, label)
    label.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
