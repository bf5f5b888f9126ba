"""One way to name a project everywhere (services, documents, ledger): instance, id or code."""

import pytest

from warranty_desk.errors import NotFound
from warranty_desk.services.projects import find_project


def test_find_project_by_instance_id_and_code(make_project):
    project = make_project(code="FP-1")
    assert find_project(project) is project
    assert find_project(project.id).code == "FP-1"
    assert find_project(" FP-1 ").id == project.id
    with pytest.raises(NotFound, match="NOPE") as info:
        find_project("NOPE")
    assert info.value.field == "project"


def test_one_message_whether_named_by_id_or_code(db):
    messages = []
    for ref in (987654, "GC-NONE"):
        with pytest.raises(NotFound) as info:
            find_project(ref)
        messages.append(info.value.message)
    assert messages == ["找不到工程“987654”", "找不到工程“GC-NONE”"]


def test_a_document_of_a_project_that_is_gone_says_the_same(db, tmp_path):
    import datetime as dt

    from warranty_desk.documents.visit_report import build_round_report

    with pytest.raises(NotFound) as info:
        build_round_report(987654, dt.date(2026, 1, 1), dt.date(2026, 3, 31), tmp_path / "round.pdf")
    assert info.value.message == "找不到工程“987654”" and info.value.field == "project"
    assert not (tmp_path / "round.pdf").exists()
