"""The database this program has open, as the window needs to know it: where it is (status bar,
关于), its schema version, whether a handle is still the one in use, and closing connections.
The window keeps a handle only to hand it back here; it never queries through it."""

from __future__ import annotations

from ..db import current_version, is_url
from ..models import database_proxy


def current():
    """The open database (an opaque handle), or None before one is opened."""
    return database_proxy.obj


def location(with_server: bool = False) -> str:
    """The file path, or the database name (`with_server`: postgresql://host/name) of a server."""
    db = database_proxy.obj
    target = str(getattr(db, "database", "") or "") if db is not None else ""
    host = getattr(db, "connect_params", {}).get("host") if db is not None else None
    if with_server and host and not is_url(target):
        return f"postgresql://{host}/{target}"
    return target


def schema_version() -> str:
    db = database_proxy.obj
    return str(current_version(db)) if db is not None else ""


def is_current(handle) -> bool:
    """Whether `handle` is still the open database (not closed, not replaced by another)."""
    return handle is not None and database_proxy.obj is handle and not handle.is_closed()


def close() -> None:
    """Close the open database (this thread's connection), if any."""
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()


def close_thread_connection() -> None:
    """peewee keeps one connection per thread: a worker thread closes its own when its work is done."""
    try:
        close()
    except Exception:  # noqa: BLE001 - a closed or in-memory database
        pass
