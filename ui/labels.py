"""Text as data: a name a clerk typed (鑫<b>&</b>阳光花园, 𠀀, 2,000 characters) is shown exactly as typed,
never read as markup. Every label of the program is a PlainLabel, and tooltips that carry data go
through `tooltip()` (Qt reads a tooltip that looks like HTML as HTML)."""

from __future__ import annotations

import html

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel


class PlainLabel(QLabel):
    """A QLabel whose text is always plain text (Qt.PlainText)."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        if text:
            self.setText(text)


def tooltip(text: str | None) -> str | None:
    """`text` as a tooltip that shows it literally (escaped into a pre-wrapped paragraph when Qt would
    otherwise take it for HTML)."""
    if not text:
        return text
    if QtGui.Qt.mightBeRichText(text):  # the test Qt applies to a tooltip
        return '<p style="white-space: pre-wrap">' + html.escape(text) + "</p>"
    return text
