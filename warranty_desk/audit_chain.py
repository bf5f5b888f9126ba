"""The audit log as a hash chain: each row carries the hash of the row before it (``prev_hash``) and its
own hash over that and its content (``chain_hash``). Changing, deleting, inserting or reordering a row
anywhere breaks the chain at that row; `walk` says exactly where.

The content hashed is fixed here (chain format 1): id, time, user, action, table, record id, old and
new values and note, as compact JSON, after the previous row's hash. The time is written the same way
whether the database returns it as text (SQLite) or as a datetime (PostgreSQL), so a backup moved
between the two keeps its chain. Pure functions: no database, no Qt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

GENESIS = "0" * 64  # the "previous hash" of the first row
# what json.dumps(..., ensure_ascii=False, separators=(",", ":")) builds at every call, made once: the
# same text, without a new encoder per row (a backup walks every row of the log)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
COLUMNS = ("id", "at", "user", "action", "table", "record_id", "old", "new", "note", "prev_hash", "chain_hash")


def _when(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def row_hash(prev_hash: str, row_id, at, user, action, table, record_id, old, new, note) -> str:
    """The hash of one row, chained to the hash of the row before it."""
    content = _ENCODER.encode([int(row_id), _when(at), user or "", action or "", table or "",
                               None if record_id is None else int(record_id), old or "", new or "", note or ""])
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


@dataclass
class Break:
    """Where the chain no longer holds: `row_id`, and `reason` — ``altered`` (the row's content does not
    match its own hash), ``linked`` (its link to the previous row does not match: a row before it was
    deleted, inserted or replaced) or ``unchained`` (it has no hash at all)."""

    row_id: int
    reason: str
    row: tuple


@dataclass
class WalkResult:
    rows: int = 0
    head_id: int = 0
    head_hash: str = GENESIS
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def walk(rows, limit: int = 20, previous: str = GENESIS) -> WalkResult:
    """Check rows (tuples in `COLUMNS` order, ascending id) link by link; at most `limit` breaks are kept.
    After a break the walk goes on from the row's stored hash, so each damaged row is named once.
    `previous`: the hash the first row must link to (a walk from a verified checkpoint)."""
    result = WalkResult(breaks=[], head_hash=previous)
    for row in rows:
        row_id, at, user, action, table, record_id, old, new, note, prev_hash, stored = row
        result.rows += 1
        if not stored:
            reason = "unchained"
        elif prev_hash != previous:
            reason = "linked"
        elif row_hash(prev_hash, row_id, at, user, action, table, record_id, old, new, note) != stored:
            reason = "altered"
        else:
            reason = ""
        if reason and len(result.breaks) < limit:
            result.breaks.append(Break(int(row_id), reason, tuple(row)))
        previous = stored or previous
        result.head_id, result.head_hash = int(row_id), stored or previous
    return result
