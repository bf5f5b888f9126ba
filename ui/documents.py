"""Printing a document: the core's build function runs off the UI thread, writes a PDF, and the
PDF opens in the system viewer (QDesktopServices). A document module (and reportlab with it) is
imported when the first one is printed, not at start."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from warranty_desk.i18n import N_, _, current_locale

from .operations import run_background
from .signals import bus

OPEN_AFTER_PRINT = True  # tests switch this off
LAST_OUTPUT: list[Path] = []
WARN = QMessageBox.warning  # tests replace it to see the message


def _collecting_missing(fn):
    """The build, reporting the characters no shipped font has (printed as □) along with its result."""
    def run(*args, **kwargs):
        from warranty_desk.documents.style import missing_characters  # reportlab loads at the first print

        with missing_characters() as found:
            result = fn(*args, **kwargs)
        return result, frozenset(found)
    return run


def _told(parent, result, then) -> None:
    """Tell the clerk about unprintable characters before the PDF opens for printing."""
    built, missing = result
    if missing:
        from warranty_desk.documents.style import missing_note

        WARN(parent, _("有字符无法印出"), missing_note(missing))
    then(built)


def _build_certificate(*args, **kwargs):
    from warranty_desk.documents.certificate import build_certificate

    return build_certificate(*args, **kwargs)


def _build_cards(*args, **kwargs):
    from warranty_desk.documents.cards import build_cards

    return build_cards(*args, **kwargs)


def _build_manual(*args, **kwargs):
    from warranty_desk.documents.manual import build_manual

    return build_manual(*args, **kwargs)


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    build: Callable  # build(project_id, path, lang=…, [progress=…]) → the PDF's path
    progress: bool = False


PROJECT_DOCUMENTS = [
    Document("certificate", N_("工程质量保修书"), _build_certificate),
    Document("cards", N_("保修卡"), _build_cards, progress=True),
    Document("manual", N_("用户手册"), _build_manual),
]


def available(docs=PROJECT_DOCUMENTS) -> list[Document]:
    """The documents a project page offers (all of them)."""
    return list(docs)


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name)[:80]


def output_path(filename: str, parent: QWidget | None = None, ask: bool = False) -> Path | None:
    if ask:
        chosen, _filter = QFileDialog.getSaveFileName(parent, _("保存为"), filename, "PDF (*.pdf)")
        return Path(chosen) if chosen else None
    folder = Path(tempfile.gettempdir()) / "warranty_desk_prints"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / _safe(filename)


def open_file(path: Path) -> None:
    LAST_OUTPUT.append(path)
    bus().status.emit(_("已生成：{path}").format(path=path))
    if OPEN_AFTER_PRINT:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def print_project_document(parent: QWidget | None, doc: Document, project_id: int, code: str,
                           ask: bool = False, on_done=None):
    path = output_path(f"{_(doc.title)}_{code}.pdf", parent, ask)
    if path is None:
        return None

    def done(result):
        open_file(Path(result or path))
        if on_done:
            on_done(Path(result or path))

    kwargs = {"lang": current_locale()}
    return run_background(parent, _("正在生成{title}…").format(title=_(doc.title)), _collecting_missing(doc.build),
                          project_id, str(path), with_progress=doc.progress, what=_making(path),
                          on_done=lambda result: _told(parent, result, done), **kwargs)


def run_to_file(parent: QWidget | None, title: str, fn, filename: str, *args, ask: bool = True,
                with_progress: bool = False, filter_: str = "PDF (*.pdf)", **kwargs):
    """Any document function `fn(*args, path, **kwargs)`: choose the file, build off the UI thread, open."""
    if ask:
        chosen, _f = QFileDialog.getSaveFileName(parent, _("保存为"), filename, filter_)
        if not chosen:
            return None
        path = Path(chosen)
    else:
        path = output_path(filename)

    def done(built):
        open_file(Path(built) if isinstance(built, (str, Path)) else path)

    return run_background(parent, title, _collecting_missing(fn), *args, str(path), with_progress=with_progress,
                          on_done=lambda result: _told(parent, result, done), what=_making(path), **kwargs)


def _making(path) -> str:
    """The work of making a file, named for a message that waits for it."""
    return _("生成“{name}”").format(name=Path(path).name)
