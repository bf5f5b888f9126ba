"""Application start-up: QApplication, the bundled CJK font, the database, the main window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from warranty_desk.i18n import _
from warranty_desk.paths import default_database, resources_dir
from warranty_desk.services import settings

log = logging.getLogger(__name__)

FONT_FILE = "wqy-microhei.ttc"
# the rare characters the window's font lacks (Ext-A, Ext-B such as 𠀀): the same Ming face the PDFs
# fall back to (resources/fonts/README.md), so what prints also shows on screen
FALLBACK_FONT_FILE = "HanaMinA-rare.ttf"
_font_family: str | None = None
_fallback_family: str | None = None


def _load(file_name: str) -> str | None:
    font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / file_name))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("bundled font %s could not be loaded", file_name)
        return None
    return families[0]


def load_cjk_font(app: QApplication, point_size: int = 10) -> str | None:
    """Load the bundled CJK font and make it the application font, so Chinese renders without
    any system font, with the bundled rare-character face as its fallback (a family list, and a
    substitution for any font asked for by the main family's name). Returns the family name (None
    when the file is missing)."""
    global _font_family, _fallback_family
    if _font_family is None:
        _font_family = _load(FONT_FILE)
        if _font_family is None:
            return None
        _fallback_family = _load(FALLBACK_FONT_FILE)
        if _fallback_family:
            QFont.insertSubstitution(_font_family, _fallback_family)
    font = QFont(_font_family, point_size)
    font.setFamilies([_font_family] + ([_fallback_family] if _fallback_family else []))
    app.setFont(font)
    return _font_family


def fallback_family() -> str | None:
    """The family of the bundled rare-character face, once loaded."""
    return _fallback_family


def setup_application(app: QApplication) -> None:
    app.setApplicationName("保修台")  # i18n: data (the name Qt keeps the window layout under)
    app.setOrganizationName("WarrantyDesk")
    app.setStyle("Fusion")
    app.setDesktopFileName("warranty-desk")  # matches packaging/linux/warranty-desk.desktop
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addFile(str(resources_dir() / "icons" / f"warranty_desk_{size}.png"))
    app.setWindowIcon(icon)
    load_cjk_font(app)


def _setting(key: str):
    """A setting read at start; nothing (the default applies) when the database cannot give it."""
    try:
        return settings.get(key)
    except Exception:  # noqa: BLE001 - a damaged database opened read-only
        log.warning("could not read the setting %s", key, exc_info=True)
        return None


_hook_state = {"showing": False}


def install_error_hook() -> None:
    """An error nobody caught (in a slot, a timer, a paint) is told to the clerk in words and logged;
    the program goes on instead of printing a traceback or closing."""

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("uncaught error", exc_info=(exc_type, exc, tb))
        if _hook_state["showing"]:
            return  # one message at a time, never a cascade of boxes
        _hook_state["showing"] = True
        try:
            from ui.operations import show_error

            show_error(QApplication.activeWindow(), exc)
        except Exception:  # noqa: BLE001 - the last resort must not fail itself
            sys.__excepthook__(exc_type, exc, tb)
        finally:
            _hook_state["showing"] = False

    sys.excepthook = hook


def _tell_unreadable(exc: Exception) -> None:
    from PySide6.QtWidgets import QMessageBox

    from warranty_desk.errors import explain

    QMessageBox.critical(None, _("数据库已损坏"), explain(exc) or str(exc))


def _build_window_after_check():
    """The window could not be built before the check answered (damaged pages): once more, now that
    the damage has been told (read-only) or a backup restored."""
    from ui import backup_dialogs
    from ui.main_window import MainWindow

    try:
        return MainWindow()
    except Exception as exc:
        if not backup_dialogs.read_only():
            raise
        _tell_unreadable(exc)
        return None


def run(args, early=None) -> int:
    """`early`: the check of the database file main.py began (warranty_desk.early_check); SQLite reads
    the file on a worker thread while Python loads and shows the window. Until its answer the file is
    open read-only and writes wait (backup_dialogs.open_at_start / StartCheck): the time to the first
    paint does not grow with the size of the office, and nothing is written before the file is known
    sound."""
    target = args.db or default_database()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    setup_application(app)
    # the language before any window module is loaded (some say their texts when loaded): --lang, or
    # the office's setting read from an SQLite file (read-only, a few ms); a server's setting follows
    # once it is open, below
    from ui import qt_i18n
    from warranty_desk import i18n
    from warranty_desk.cli.language import stored_language

    chosen = getattr(args, "lang", None) or stored_language(target)
    if chosen:
        i18n.set_locale(chosen)
        qt_i18n.install(app, i18n.current_locale())
    from ui import (
        backup_dialogs,  # one window per file, integrity check, offer of the latest good backup
        main_window,  # noqa: F401 - loaded during the check (no text is translated at import)
    )
    from ui.pages import dashboard  # noqa: F401 - the page shown at start

    install_error_hook()
    if not backup_dialogs.open_at_start(target, early):
        return 2
    # the language chosen in 设置 applies from the start, before any window is built
    i18n.set_locale(getattr(args, "lang", None) or _setting("language") or i18n.SOURCE_LOCALE)
    qt_i18n.install(app, i18n.current_locale())
    from ui import bench_hook

    if not args.smoke and not bench_hook.enabled():
        from ui.operator_dialog import ask_at_start  # who works: first start, or every start on a shared PC

        if not ask_at_start():
            return 0
    else:
        from warranty_desk.services import operator

        operator.set_for_this_process(operator.remembered())
    from ui.main_window import MainWindow

    try:
        window = MainWindow()
    except Exception as exc:  # a damaged file shown read-only may fail even the first page: say so, no crash
        pending = backup_dialogs.start_check()
        if pending is not None and not pending.done:
            pending.wait()  # the check not waited for at start: its answer first (damage is told there)
            window = None if pending.outcome is False else _build_window_after_check()
            if window is None:
                return 2
        elif not backup_dialogs.read_only():
            raise
        else:
            _tell_unreadable(exc)
            return 2
    if bench_hook.enabled():  # WARRANTY_DESK_BENCH_EXIT=1: report the first paint and quit (benchmarks)
        bench_hook.install(app, window)
    window.show_at_start()
    if not args.smoke and not bench_hook.enabled():
        def after_check(window=window):
            from ui import phone_link  # changes made by phones (or other PCs) refresh the open screens

            if backup_dialogs.start_check() is not None and backup_dialogs.start_check().outcome is False:
                return  # the clerk chose to quit on a damaged file
            phone_link.watch_changes(window)
            backup_dialogs.start_automatic_backups(app, window)  # daily (after start) and on close
            backup_dialogs.start_full_check(target, window)  # the full integrity_check, off the start
            backup_dialogs.start_cleanup(target)  # leftovers of interrupted backups and restores

        # once the check of the file the start did not wait for has answered (writes wait for it too)
        backup_dialogs.after_start_check(after_check)
    if getattr(args, "file", None) and not args.smoke:
        from ui.open_file import open_file  # a file handed over by the desktop: once the window shows

        QTimer.singleShot(0, lambda: open_file(window, args.file))
    if args.smoke:
        from ui.smoke import run_smoke

        QTimer.singleShot(200, lambda: app.exit(run_smoke(window)))
    code = app.exec()
    from ui import restart

    if restart.requested():  # 设置 → 界面语言, 现在重新启动: the window and its lock are gone, start again
        backup_dialogs.release_window_lock()
        restart.start_again()
    return code
