"""SQLite write transactions begin IMMEDIATE also when begun through database_proxy.atomic() (as
every service does): many writers at once wait their turn instead of failing with "database is
locked" (found by the phone service's load test: phones pairing at once got errors)."""

from __future__ import annotations

import threading

from warranty_desk.db import open_database
from warranty_desk.models import Staff, database_proxy
from warranty_desk.services import phones, settings


def test_transactions_through_the_proxy_begin_immediate(tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    db = open_database(str(tmp_path / "office.db"))
    try:
        settings.ensure_defaults()
        seen = []
        db.connection().set_trace_callback(seen.append)
        with database_proxy.atomic():
            Staff.create(name="甲", phone="1", role="维修工")
        assert "BEGIN IMMEDIATE" in seen
    finally:
        db.close()


def test_many_phones_pairing_at_once_all_succeed(tmp_path, monkeypatch):
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(tmp_path / "data"))
    db = open_database(str(tmp_path / "office.db"))
    try:
        settings.ensure_defaults()
        codes = [phones.create_pairing(Staff.create(name=f"工{i}", phone="1", role="维修工").id)["code"]
                 for i in range(12)]
        errors = []

        def pair(n):
            try:
                phones.pair(codes[n], f"手机{n}")  # reads the code, then writes: the classic upgrade race
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(repr(exc))
            finally:
                db.close()

        threads = [threading.Thread(target=pair, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
    finally:
        db.close()
