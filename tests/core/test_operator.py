"""Who is working (issue #16): the operator chosen on this PC is the one name the audit log, the
ticket history and the printed forms take — also for the command line on the same PC."""

from __future__ import annotations

import json

import pytest

from warranty_desk import config
from warranty_desk.errors import ValidationError
from warranty_desk.models import AuditLog, Staff
from warranty_desk.services import audit, operator, settings, staff


@pytest.fixture
def pc(tmp_path, monkeypatch, db):
    monkeypatch.setenv("WARRANTY_DESK_CONFIG", str(tmp_path / "pc"))
    monkeypatch.setattr(audit, "_clerk_name", None)
    monkeypatch.setattr(audit, "_pc_operator", audit._UNREAD)
    return tmp_path / "pc"


def test_first_start_then_remembered(pc):
    assert operator.needs_asking() and operator.start_choice().first_start
    settings.set("clerk_name", "旧设置里的名字")  # an office that typed one into the old 当前操作员 field
    assert operator.start_choice().suggested == "旧设置里的名字"
    with pytest.raises(ValidationError):
        operator.choose("   ")
    with pytest.raises(ValidationError):
        operator.choose("长" * 61)
    assert operator.choose(" 王芳 ") == "王芳"
    assert not operator.needs_asking() and operator.remembered() == "王芳"
    assert json.loads(config.config_path().read_text(encoding="utf-8"))["operator"] == "王芳"
    assert Staff.get(Staff.name == "王芳").active  # joins the staff list: offered at the next start
    assert operator.current() == "王芳"
    staff.save_staff({"name": "李强"})
    assert AuditLog.select().order_by(AuditLog.id.desc()).first().user == "王芳"


def test_a_shared_pc_is_asked_every_start(pc):
    staff.save_staff({"name": "李强"})
    staff.save_staff({"name": "王芳"})
    operator.choose("王芳", each_start=True)
    assert operator.needs_asking() and operator.asks_each_start()
    choice = operator.start_choice()
    assert {"李强", "王芳"} <= set(choice.names) and choice.suggested == "王芳" and not choice.first_start
    operator.choose("李强")  # each_start not given: the PC stays shared
    assert operator.asks_each_start() and operator.current() == "李强"


def test_the_command_line_on_this_pc_writes_its_operator(pc, monkeypatch):
    config.save({"operator": "赵磊"})
    monkeypatch.delenv("WARRANTY_DESK_USER", raising=False)
    monkeypatch.setattr(audit, "_pc_operator", audit._UNREAD)
    assert audit.current_user() == "赵磊"
    monkeypatch.setenv("WARRANTY_DESK_USER", "脚本")  # a script that names itself wins
    assert audit.current_user() == "脚本"
    with audit.acting_as("张师傅（手机：红米）"):  # a phone's person wins over both
        assert audit.current_user() == "张师傅（手机：红米）"
