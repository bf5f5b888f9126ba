"""The one "data changed" signal of the program (like Anki's operations): an operation announces the
`OpChanges` the database layer collected for it (tables, and records where known); every page
decides whether to refresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from warranty_desk.op_changes import OpChanges


class Bus(QObject):
    # an OpChanges: the tables (and records) an operation changed; `everything` after a restore
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


def announce_changes(changes: OpChanges) -> None:
    bus().changed.emit(changes)


def announce(*tables: str) -> None:
    """Changes known only by their tables (another process's, seen in the audit log); none named: the
    whole database (a restore, a damaged file reopened read-only)."""
    announce_changes(OpChanges.of(tables))


def touches(changes: OpChanges, *tables: str) -> bool:
    """Whether a change notice concerns any of `tables`."""
    return changes.touches(*tables)
