"""The phone service under load, briefly (the full minute with 20 phones is `python -m benchmarks.phone_load`,
results in benchmarks/RESULTS.md): a few phones submitting at once for a few seconds, with resends
and duplicates sent at the same moment; afterwards every submission is in the database exactly
once. Runs on SQLite, and on PostgreSQL with WARRANTY_DESK_TEST_PG (as CI runs tests/core)."""

from __future__ import annotations

from benchmarks import phone_load
from warranty_desk.models import PhoneSubmission
from warranty_desk.web.server import PhoneServer, ServeOptions


def test_phones_submitting_at_once_save_every_submission_once(db):
    crews = phone_load.prepare_office(phones=4, tickets_per_phone=12, visits_per_phone=3)
    server = PhoneServer(ServeOptions("127.0.0.1", phone_load.free_port()))
    server.start()
    try:
        # every 2nd submission of a phone sent again after its answer, every 3rd twice at once
        stats, _wall = phone_load.run_load(server.url, crews, seconds=3, resend_every=2, race_every=3,
                                           visits_early=True)
    finally:
        server.stop()
    assert not stats.errors, stats.errors
    assert len(stats.tickets_done) >= 2 and len(stats.visits_done) >= 2  # every phone got work done
    assert stats.duplicates >= 4  # resends happened, and were answered from the record
    assert phone_load.verify(stats, crews) == []
    assert PhoneSubmission.select().count() == len(stats.saved)


def test_the_count_finds_a_submission_applied_twice(db):
    """The check cannot pass by itself: a second closing of a ticket is found."""
    from warranty_desk.models import TicketEvent
    from warranty_desk.rules import ticket_states as st

    crews = phone_load.prepare_office(phones=1, tickets_per_phone=2, visits_per_phone=1)
    server = PhoneServer(ServeOptions("127.0.0.1", phone_load.free_port()))
    server.start()
    try:
        stats, _wall = phone_load.run_load(server.url, crews, seconds=0.5)
    finally:
        server.stop()
    assert stats.tickets_done and phone_load.verify(stats, crews) == []
    done = stats.tickets_done[0]
    event = TicketEvent.get((TicketEvent.ticket == done) & (TicketEvent.to_state == st.CLOSED))
    TicketEvent.create(ticket=done, from_state=event.from_state, to_state=st.CLOSED, at=event.at, by=event.by)
    assert any(f"ticket {done}:" in p for p in phone_load.verify(stats, crews))
