"""Things made on first use, asked for by many at once (the phone service's threads, several clerks on
PostgreSQL): made once, and nobody gets an error (found by the phone load test on PostgreSQL: two
phones opening their first visit at once, one got HTTP 500)."""

from __future__ import annotations

import threading

from warranty_desk.models import Question, QuestionnaireTemplate, database_proxy
from warranty_desk.services import questionnaires


def test_the_default_questionnaire_asked_for_by_many_at_once_is_made_once(db):
    Question.delete().execute()
    QuestionnaireTemplate.delete().execute()
    start = threading.Barrier(8)
    got, errors = [], []

    def ask():
        try:
            start.wait()
            got.append(questionnaires.active_template().id)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(repr(exc))
        finally:
            database_proxy.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert QuestionnaireTemplate.select().count() == 1 and set(got) == {QuestionnaireTemplate.get().id}
    assert Question.select().count() == len(questionnaires.DEFAULT_QUESTIONS)
