"""The main window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from warranty_desk.services.projects import count_projects


class MainWindow(QMainWindow):
    def __init__(self):
        super().__init__()
        self.setWindowTitle("保修台")
        self.resize(1366, 768)
        self.setCentralWidget(QLabel(f"工程：{count_projects()}"))
