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
