"""The append-only audit log: who did what, when, with old and new values."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import getpass
import json
import os
import threading
import weakref
from collections import deque

from .. import audit_chain, op_changes
from ..models import AuditLog, database_proxy

_clerk_name: str | None = None  # the operator chosen in the window (services/operator.py)
_UNREAD = object()
_pc_operator: object = _UNREAD  # this PC's last operator (config file), read once when first needed
# who acts in this request or thread when it is not this PC's clerk: a paired phone's person and device
_acting: contextvars.ContextVar[str | None] = contextvars.ContextVar("wd_acting_as", default=None)
# ids of the audit rows this process wrote, so a desktop's change poll skips its own writes (services.changes)
_WRITTEN_KEPT = 20000
_written_order: deque = deque()
_written_ids: set[int] = set()
_written_lock = threading.Lock()
_written_in = [lambda: None]  # (a weak reference to) the database those ids belong to


def set_clerk(name: str | None) -> None:
    """The operator chosen in the program (services/operator.py); otherwise see `current_user`."""
    global _clerk_name
    _clerk_name = (name or "").strip() or None


def _this_pcs_operator() -> str | None:
    """The operator last chosen in the window on this PC (the command line writes that name too)."""
    global _pc_operator
    if _pc_operator is _UNREAD:
        from .. import config

        _pc_operator = str(config.load().get("operator") or "").strip() or None
    return _pc_operator if isinstance(_pc_operator, str) else None


@contextlib.contextmanager
def acting_as(name: str):
    """Record `name` as the user of every audit row and event written inside (this thread or task only)."""
    token = _acting.set((name or "").strip() or None)
    try:
        yield
    finally:
        _acting.reset(token)


def current_user() -> str:
    """Who acts — the one place every history line, audit row and printed form takes the name from:
    a paired phone's person (acting_as), else the operator chosen in the window, else
    WARRANTY_DESK_USER, else this PC's last operator, else the operating-system account."""
    acting = _acting.get()
    if acting:
        return acting
    if _clerk_name:
        return _clerk_name
    env = os.environ.get("WARRANTY_DESK_USER")
    if env:
        return env
    pc_operator = _this_pcs_operator()
    if pc_operator:
        return pc_operator
    try:
        return getpass.getuser()
    except Exception:  # no login name (some services, containers)
        return "unknown"


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def snapshot(instance) -> dict:
    """The record's stored values by field name (foreign keys as ids): what
    `model_to_dict(instance, recurse=False)` gives, read straight from the instance (a bulk import
    takes tens of thousands of snapshots)."""
    if instance is None:
        return {}
    data = instance.__data__
    return {f.name: data.get(f.name) for f in instance._meta.sorted_fields}


# what json.dumps(values, ensure_ascii=False, default=_default, sort_keys=True) makes, with one encoder
# instead of a new one per call (a bulk import writes tens of thousands of audit rows)
_JSON = json.JSONEncoder(ensure_ascii=False, default=_default, sort_keys=True)


def to_json(values) -> str:
    if not values:
        return ""
    return _JSON.encode(values)


def _same(a, b) -> bool:
    if a is None or b is None:  # None is JSON null, and nothing else is (`_default` makes text)
        return a is b
    if type(a) is type(b) and a == b:  # equal values of one type encode alike
        return True
    if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
        try:  # 2000000 and 2000000.00 are the same amount
            return a is not None and b is not None and decimal.Decimal(str(a)) == decimal.Decimal(str(b))
        except decimal.InvalidOperation:
            return False
    return to_json({"v": a}) == to_json({"v": b})


def changed(old: dict, new: dict) -> tuple[dict, dict]:
    """Only the fields that differ, for a compact record."""
    keys = [k for k in new if k != "version" and not _same(old.get(k), new.get(k))]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


def written_here(ids) -> set[int]:
    """Those of `ids` that are audit rows this process wrote (it remembers the latest 20,000)."""
    with _written_lock:
        if _written_in[0]() is not database_proxy.obj:
            return set()
        return {i for i in ids if i in _written_ids}


def _remember_written(row_id: int) -> None:
    with _written_lock:
        if _written_in[0]() is not database_proxy.obj:  # another database opened: other ids
            _written_order.clear()
            _written_ids.clear()
            _written_in[0] = weakref.ref(database_proxy.obj)
        _written_order.append(row_id)
        _written_ids.add(row_id)
        if len(_written_order) > _WRITTEN_KEPT:
            _written_ids.discard(_written_order.popleft())


AUDIT_LOCK = (0x57445348, 2)  # PostgreSQL: appends to the chain one transaction at a time


def _next_link(db) -> tuple[int, str]:
    """(the id of the row to append, the hash of the last row) — inside the caller's transaction, which
    holds the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the chain's advisory lock, kept until
    commit, so ids commit in the order they were given out)."""
    if db.__class__.__name__.startswith("Postgres"):
        cursor = db.cursor()
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s); "
                       "SELECT nextval(pg_get_serial_sequence('audit_log', 'id')), "
                       "(SELECT chain_hash FROM audit_log ORDER BY id DESC LIMIT 1)", AUDIT_LOCK)
        row_id, last = cursor.fetchone()
        return int(row_id), last or audit_chain.GENESIS
    last = db.execute_sql("SELECT id, chain_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (last[0] + 1, last[1] or audit_chain.GENESIS) if last else (1, audit_chain.GENESIS)


def record(action: str, table: str, record_id: int | None, old=None, new=None, note: str = "") -> AuditLog:
    """Append one row to the audit log, chained to the row before it by its hash (audit_chain)."""
    values = {"at": dt.datetime.now().replace(microsecond=0), "user": current_user(), "action": action,
              "table": table, "record_id": record_id, "old": to_json(old), "new": to_json(new), "note": note}
    bound = AuditLog._meta.database  # the models' proxy (or a database the model is bound to)
    db = getattr(bound, "obj", bound)
    with bound.atomic():
        row_id, previous = _next_link(db)
        values.update(id=row_id, prev_hash=previous)
        values["chain_hash"] = audit_chain.row_hash(previous, row_id, values["at"], values["user"], action, table,
                                                    record_id, values["old"], values["new"], note)
        AuditLog.insert(**values).execute()
    _remember_written(row_id)
    return AuditLog(**values)


def _reserve_links(db, count: int) -> tuple[list[int], str]:
    """`count` ids to append in order, and the hash of the last row (as `_next_link`, for a batch)."""
    if db.__class__.__name__.startswith("Postgres"):
        cursor = db.cursor()
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", AUDIT_LOCK)
        cursor.execute("SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) FROM generate_series(1, %s)",
                       (count,))
        ids = sorted(int(i) for (i,) in cursor.fetchall())
        cursor.execute("SELECT chain_hash FROM audit_log WHERE id < %s ORDER BY id DESC LIMIT 1", (ids[0],))
        last = cursor.fetchone()
        return ids, (last[0] if last and last[0] else audit_chain.GENESIS)
    first, previous = _next_link(db)
    return list(range(first, first + count)), previous


def record_many(entries: list[tuple]) -> None:
    """Append many rows at once — each entry (action, table, record_id, old, new, note) as `record`
    takes them — chained in order, with one prepared INSERT (a bulk import's per-record rows)."""
    if not entries:
        return
    bound = AuditLog._meta.database
    db = getattr(bound, "obj", bound)
    assert db is not None, "no database open"
    at = dt.datetime.now().replace(microsecond=0)
    user = current_user()
    with bound.atomic():
        ids, previous = _reserve_links(db, len(entries))
        rows = []
        for row_id, (action, table, record_id, old, new, note) in zip(ids, entries, strict=True):
            old_text, new_text = to_json(old), to_json(new)
            link = audit_chain.row_hash(previous, row_id, at, user, action, table, record_id, old_text, new_text,
                                        note)
            rows.append({"id": row_id, "at": at, "user": user, "action": action, "table": table,
                         "record_id": record_id, "old": old_text, "new": new_text, "note": note,
                         "prev_hash": previous, "chain_hash": link})
            previous = link
        names = audit_chain.COLUMNS  # the table's columns, by the same names
        sql = 'INSERT INTO "audit_log" ({}) VALUES ({})'.format(
            ", ".join(f'"{name}"' for name in names), ", ".join([db.param] * len(names)))
        stored_at = AuditLog.at.db_value(at)  # the same moment for every row: converted once
        db.cursor().executemany(sql, [[stored_at if name == "at" else row[name] for name in names] for row in rows])
        # a prepared statement does not pass the models' proxy: tell the window's change notice ourselves
        op_changes.note("audit_log", ids, in_transaction=db.transaction_depth() > 0)
    for row_id in ids:
        _remember_written(row_id)


def history(table: str, record_id: int) -> list[AuditLog]:
    return list(
        AuditLog.select()
        .where((AuditLog.table == table) & (AuditLog.record_id == record_id))
        .order_by(AuditLog.at, AuditLog.id)
    )


# --- reading the log in the reader's language ---------------------------------------------------
# the sentences the program writes as notes (registered where they are written, with `note`); a note
# an earlier release stored as a finished sentence is recognised by them, in either language
NOTE_TEMPLATES: list[str] = []
# the modules that register note templates, loaded before an old note is read
_NOTE_MODULES = ("annual_plan", "demo", "handover", "import_history", "importing", "storm", "visit_records",
                 "tickets.after_repair", "tickets.common", "tickets.costs", "tickets.intake")


def note(template: str) -> str:
    """Register a note the program writes (a msgid marked N_); store it with i18n.said(template, …)."""
    NOTE_TEMPLATES.append(template)
    return template


def note_text(stored: str | None) -> str:
    """An audit row's note in the active language: a note stored as its template and parameters
    (i18n.said) made into its sentence; a program's sentence stored by an earlier release said
    again; what a clerk typed, as typed."""
    from .. import i18n

    if not stored:
        return ""
    if not _notes_loaded and i18n.said_parts(stored) is None:
        _load_note_modules()
    return i18n.say(stored, tuple(NOTE_TEMPLATES))


_notes_loaded = False


def _load_note_modules() -> None:
    global _notes_loaded
    import importlib

    for name in _NOTE_MODULES:
        importlib.import_module(f"{__package__}.{name}")
    _notes_loaded = True


def shown_value(table: str, key: str, value):
    """A value of an audit row's old/new columns as a reader is shown it: a stored key (a state, an
    urgency, a cause, a channel, a payer, a method, a project's type and scale, a cost line's kind, a
    grade — or the name an earlier release stored) by its name in the active language; a visit's
    purposes as sentences; anything else as stored."""
    if not isinstance(value, str) or not value:
        return value
    from ..i18n import _, join_list
    from ..rules import categories as cat
    from ..rules import responsibility as resp
    from ..rules import satisfaction, sla, visit_methods, visit_purposes
    from ..rules import ticket_states as st
    from .tickets import common as ticket_words

    names = {"state": st.state_name, "urgency": sla.urgency_name, "cause_class": resp.cause_name,
             "channel": ticket_words.channel_name, "payer": resp.payer_name, "borne_by": resp.payer_name,
             "method": visit_methods.method_name, "type": cat.project_type_name, "scale": cat.scale_name,
             "grade": satisfaction.grade_name, "warranty_reason": resp.decision_text}
    if key == "kind" and table == "cost_line":
        return ticket_words.cost_kind_name(value)
    if key == "category" and value in cat.CATEGORIES:
        return cat.category_name(value)
    if key == "purposes" and table == "visit":
        return join_list(visit_purposes.purposes_of(value), _("；"))
    name = names.get(key)
    return name(value) if name is not None else value
