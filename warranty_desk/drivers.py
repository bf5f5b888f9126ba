"""The PostgreSQL driver, imported when a server is opened rather than when peewee is (issue 20).

peewee imports every database driver it finds as it is itself imported: psycopg2 with its ssl and the
MySQL driver — about a tenth of what the desktop program imports before its window shows, for an office
on an SQLite file that never uses them. The desktop start (`main.py`), which knows its database, asks
`defer_server_drivers()` before anything imports peewee when that database is a file. When a server is
opened after all (`PostgresqlOfficeDatabase`), `ensure_postgres()` imports psycopg2 and gives peewee the
names its own import would have set. Elsewhere (the command line, the service, the tests) nothing is
deferred and peewee imports as usual.
"""

from __future__ import annotations

import importlib.abc
import sys

# the drivers peewee looks for as it is imported; this program talks to SQLite and PostgreSQL (psycopg2) only
DEFERRED = ("psycopg2", "psycopg2cffi", "psycopg", "pymysql", "MySQLdb", "mysql")


class _NotNow(importlib.abc.MetaPathFinder):
    """Refuses the server drivers while peewee is being imported, and only then."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in DEFERRED and _peewee_importing():
            raise ImportError(f"{name}: imported when a server is opened (warranty_desk.drivers)")
        return None


def _peewee_importing() -> bool:
    module = sys.modules.get("peewee")
    return module is not None and getattr(module, "Model", None) is None  # peewee's import is under way


_finder: _NotNow | None = None


def defer_server_drivers() -> bool:
    """Keep peewee's import from importing the server drivers (call before peewee is imported). False when
    it is too late (peewee already imported) or a driver is already loaded: nothing changes then."""
    global _finder
    if "peewee" in sys.modules or any(name in sys.modules for name in DEFERRED):
        return False
    if _finder is None:
        _finder = _NotNow()
        sys.meta_path.insert(0, _finder)
    return True


def ensure_postgres() -> None:
    """psycopg2 imported and known to peewee (a no-op when peewee imported it itself)."""
    global _finder
    import peewee

    if _finder is not None:
        sys.meta_path.remove(_finder)
        _finder = None
    if getattr(peewee, "psycopg2", None) is not None:
        return
    import psycopg2
    from psycopg2 import extensions
    from psycopg2.extras import Json, register_uuid

    adapter = getattr(peewee, "Psycopg2Adapter", None)
    if adapter is None or not hasattr(peewee, "Json_pg2"):
        # a peewee laid out differently from the one this was written for (4.x): what its import sets is
        # not known here; refuse clearly rather than half-connect
        raise RuntimeError("peewee imported without psycopg2 and its layout is not known: start the program "
                           "with the server address, or without warranty_desk.drivers' deferral")
    register_uuid()  # what peewee's import does with the driver
    for name, value in (("psycopg2", psycopg2), ("pg_extensions", extensions), ("pg_register_uuid", register_uuid),
                        ("Json_pg2", Json)):
        setattr(peewee, name, value)
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
