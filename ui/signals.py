"""The one "data changed" signal of the program (like Anki's operations): a service call that
wrote something announces which tables it touched; every page decides whether to refresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Bus(QObject):
    # set of table names ("project", "visit", "ticket", …); an empty set means "everything"
    changed = Signal(object)
    # ask the main window to open a record: kind ("project", "visit", "ticket", "unit", "deposit"), id
    open_record = Signal(str, int)
    # a short line for the status bar
    status = Signal(str)


_bus: Bus | None = None


def bus() -> Bus:
    global _bus
    if _bus is None:
        _bus = Bus()
    return _bus


def announce(*tables: str) -> None:
    bus().changed.emit(set(tables))


def touches(changed: set, *tables: str) -> bool:
    """Whether a change notice concerns any of `tables` (an empty notice concerns all)."""
    return not changed or bool(changed & set(tables))
