"""How a desktop window notices changes it did not make itself (a phone, a headless phone server,
another clerk's PC on the same PostgreSQL server): the audit log is the change counter.

Every service writes an audit row in the same transaction as its change, so the rows after the last
one a window has seen name exactly the tables that changed. A poll costs one indexed query (`id >
last`, plus the last half minute by time: on PostgreSQL a transaction that began earlier may commit
a smaller id after a later one). Rows this process wrote itself are skipped: the desktop announced
those already.

Within one process (the phone server started from the desktop) a write is also announced at once
through `notify`, without waiting for the next poll."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from peewee import fn

from ..models import AuditLog, tuples
from . import audit

log = logging.getLogger(__name__)

LATE_COMMIT_SECONDS = 30
MAX_ROWS = 500  # more new rows than this in one poll: announce "everything"

_listeners: list = []
_listeners_lock = threading.Lock()


def latest() -> int:
    """The change counter: the id of the newest audit row (0 in an empty database)."""
    return AuditLog.select(fn.MAX(AuditLog.id)).scalar() or 0


class Watcher:
    """Remembers what was seen; `poll()` answers the tables others changed since the last poll
    (an empty set: nothing; None: so much that everything should refresh)."""

    def __init__(self, start: int | None = None):
        self.last = latest() if start is None else start
        self._recent: dict[int, dt.datetime] = {}  # ids seen in the late-commit window

    def poll(self, now: dt.datetime | None = None) -> set[str] | None:
        now = now or dt.datetime.now()
        window = now - dt.timedelta(seconds=LATE_COMMIT_SECONDS)
        rows = list(tuples(AuditLog.select(AuditLog.id, AuditLog.table, AuditLog.at)
                    .where((AuditLog.id > self.last) | (AuditLog.at >= window))
                    .order_by(AuditLog.id).limit(MAX_ROWS + 1)))
        fresh = [(i, table, at) for i, table, at in rows if i > self.last or i not in self._recent]
        if len(rows) > MAX_ROWS:
            self.last = max(i for i, _t, _a in rows)
            self._recent.clear()
            return None
        mine = audit.written_here(i for i, _t, _a in fresh)
        tables = set()
        for i, table, at in fresh:
            self.last = max(self.last, i)
            self._recent[i] = at
            if i not in mine:
                tables.add(table)
        self._recent = {i: at for i, at in self._recent.items() if at >= window}
        return tables


def subscribe(listener) -> None:
    """`listener(tables)` is called (on the writer's thread) after a change made in this process by
    a request that does not come from the desktop itself (the phone server)."""
    with _listeners_lock:
        _listeners.append(listener)


def unsubscribe(listener) -> None:
    with _listeners_lock:
        if listener in _listeners:
            _listeners.remove(listener)


def notify(tables) -> None:
    with _listeners_lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(set(tables))
        except Exception:  # noqa: BLE001 - a listener's failure never undoes a saved change
            log.exception("change listener failed")
