"""What an operation changed, reported by the database layer itself (like Anki's OpChanges).

Every write the models make goes through `database_proxy` (models.py), a `TrackingProxy`: it notes
the table of each INSERT / UPDATE / DELETE and, where the query names them, the records (a save or a
delete of one instance, `id IN (…)`). Inside a transaction the notes wait for the commit; a rollback
drops them, so only what really reached the database is reported. An operation runs inside
`collect()` and gets the sum as an `OpChanges`; the window's operation wrapper announces exactly
that, so no caller names tables. Without `collect()` (the command line, tests) nothing is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from peewee import OP, DatabaseProxy, Expression, Field, Value, _WriteQuery


@dataclass(frozen=True)
class OpChanges:
    """The tables an operation wrote, and the records where they are known.

    `records[table]`: ids written in `table`; a table in `whole` also had rows written that are not
    known one by one (a bulk update). `everything`: the whole database may have changed (a restore)."""

    tables: frozenset[str] = frozenset()
    records: dict[str, frozenset[int]] = field(default_factory=dict)
    whole: frozenset[str] = frozenset()
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(self.tables)

    def __contains__(self, table: str) -> bool:
        return table in self.tables

    def touches(self, *tables: str) -> bool:
        """Whether any of `tables` changed."""
        return self.everything or not self.tables.isdisjoint(tables)

    def touches_record(self, table: str, record_id: int | None) -> bool:
        """Whether the record `record_id` of `table` may have changed."""
        if self.everything:
            return True
        if table not in self.tables:
            return False
        return table in self.whole or record_id in self.records.get(table, ())

    def ids(self, table: str) -> frozenset[int]:
        return self.records.get(table, frozenset())

    def __or__(self, other: OpChanges) -> OpChanges:
        records = {t: self.ids(t) | other.ids(t) for t in set(self.records) | set(other.records)}
        return OpChanges(self.tables | other.tables, records, self.whole | other.whole,
                         self.everything or other.everything)

    @classmethod
    def of(cls, tables: Iterable[str]) -> OpChanges:
        """Changes known only by their tables (another process's, say); none given: everything."""
        tables = frozenset(tables)
        return cls(tables, {}, tables, not tables)


NOTHING = OpChanges()
EVERYTHING = OpChanges(everything=True)


class _Notes:
    """Tables and records noted so far."""

    def __init__(self) -> None:
        self.records: dict[str, set[int]] = {}
        self.whole: set[str] = set()
        self.everything = False

    def add(self, table: str, ids: Iterable[int] | None) -> None:
        known = self.records.setdefault(table, set())
        if ids is None:
            self.whole.add(table)
        else:
            known.update(ids)

    def merge(self, other: _Notes) -> None:
        for table, ids in other.records.items():
            self.records.setdefault(table, set()).update(ids)
        self.whole |= other.whole
        self.everything = self.everything or other.everything

    def changes(self) -> OpChanges:
        return OpChanges(frozenset(self.records), {t: frozenset(i) for t, i in self.records.items()},
                         frozenset(self.whole), self.everything)


_local = threading.local()  # per thread: collectors (a stack) and the open transaction's pending notes


def _collectors() -> list[_Notes]:
    stack = getattr(_local, "collectors", None)
    if stack is None:
        stack = _local.collectors = []
    return stack


class Collector:
    """The changes of one `collect()` block so far."""

    def __init__(self, notes: _Notes):
        self._notes = notes

    def changes(self) -> OpChanges:
        return self._notes.changes()


@contextmanager
def collect() -> Iterator[Collector]:
    """Collect what the code in the block writes on this thread (committed writes only)."""
    notes = _Notes()
    stack = _collectors()
    stack.append(notes)
    try:
        yield Collector(notes)
    finally:
        stack.remove(notes)
        if stack:  # a nested operation's changes are its caller's too
            stack[-1].merge(notes)


def collecting() -> bool:
    return bool(getattr(_local, "collectors", None))


def note(table: str, ids: Iterable[int] | None = None, *, in_transaction: bool = False) -> None:
    """Note a write to `table` (`ids`: the records, None: not known one by one)."""
    stack = getattr(_local, "collectors", None)
    if not stack:
        return
    if in_transaction:
        pending = getattr(_local, "pending", None)
        if pending is None:
            pending = _local.pending = _Notes()
        pending.add(table, ids)
    else:
        stack[-1].add(table, ids)


def note_everything() -> None:
    """The whole database was replaced (a restore): every screen reloads."""
    stack = getattr(_local, "collectors", None)
    if stack:
        stack[-1].everything = True


def _committed() -> None:
    pending = getattr(_local, "pending", None)
    _local.pending = None
    stack = getattr(_local, "collectors", None)
    if pending is not None and stack:
        stack[-1].merge(pending)


def _rolled_back() -> None:
    _local.pending = None


# --- reading a write query ------------------------------------------------------------------------

def _literal(node):
    return node.value if isinstance(node, Value) else node


def _is_pk(node, pk: Field) -> bool:
    return isinstance(node, Field) and node.model is pk.model and node.name == pk.name


def _ids(where, pk: Field) -> set[int] | None:
    """The primary keys a WHERE clause pins down (`id = 5`, `id IN (…)`, either AND-ed with more);
    None when it does not."""
    if not isinstance(where, Expression):
        return None
    if where.op == OP.AND:
        left, right = _ids(where.lhs, pk), _ids(where.rhs, pk)
        if left is None or right is None:
            return right if left is None else left
        return left & right
    if where.op == OP.EQ and _is_pk(where.lhs, pk):
        value = _literal(where.rhs)
        value = getattr(value, "_pk", value)
        return {value} if isinstance(value, int) else None
    if where.op == OP.IN and _is_pk(where.lhs, pk):
        values = _literal(where.rhs)
        if isinstance(values, (list, tuple, set, frozenset)) and all(isinstance(v, int) for v in values):
            return set(values)
    return None


def _saving() -> bool:
    return getattr(_local, "saving", 0) > 0


def note_query(query, in_transaction: bool) -> None:
    """Note the table (and records) of an executed INSERT / UPDATE / DELETE of a model."""
    model = getattr(query, "model", None)
    if model is None:
        return
    meta = model._meta
    ids = None
    if not hasattr(query, "_insert"):  # an update or a delete
        pk = meta.primary_key
        ids = _ids(getattr(query, "_where", None), pk) if isinstance(pk, Field) else None
    elif isinstance(query._insert, dict) and _saving():
        return  # an instance being saved: `TrackingProxy.saved` notes it with its new id
    note(meta.table_name, ids, in_transaction=in_transaction)


class TrackingProxy(DatabaseProxy):
    """The models' database: peewee's proxy, noting every write for `collect()`."""

    def execute(self, query, **context_options):
        cursor = self.obj.execute(query, **context_options)
        if isinstance(query, _WriteQuery) and getattr(_local, "collectors", None):
            note_query(query, self.obj.transaction_depth() > 0)
        return cursor

    @contextmanager
    def saving(self, instance) -> Iterator[None]:
        """Around `Model.save()` (BaseModel): the instance's record is noted with its id, new or not."""
        _local.saving = getattr(_local, "saving", 0) + 1
        try:
            yield
        finally:
            _local.saving -= 1
        if getattr(_local, "collectors", None):
            record = instance.get_id()
            note(instance._meta.table_name, [record] if isinstance(record, int) else None,
                 in_transaction=self.obj.transaction_depth() > 0)

    def commit(self):
        result = self.obj.commit()
        _committed()
        return result

    def rollback(self):
        _rolled_back()
        return self.obj.rollback()
