"""质保金 page: register a deposit for a project that has none (over 3% is refused beside the
field and nothing is saved), change it, use the delayed-acceptance rule, and record a deduction
linked to a ticket the owner had repaired elsewhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from warranty_desk.models import AuditLog, Deposit, DepositDeduction
from warranty_desk.services import tickets
from warranty_desk.services.handover import handover


@pytest.fixture
def deposits_page(app_window):
    app_window.go(5)
    return app_window.page("质保金")


def _fill(dialog, **values):
    f = dialog.form.widgets
    for key, value in values.items():
        widget = f[key]
        if hasattr(widget, "setChecked"):
            widget.setChecked(value)
        elif hasattr(widget, "setValue"):
            widget.setValue(value)
        elif hasattr(widget, "findData"):
            widget.setCurrentIndex(widget.findData(value))
        else:
            widget.setText(value)


def test_deposit_over_three_percent_is_refused_then_a_valid_one_saved(deposits_page, qtbot, make_project,
                                                                      monkeypatch, answers):
    from ui.pages.deposits import DepositDialog

    project = make_project(code="DEP-1", name="<b>鑫㐂</b> & 大厦", contract_amount=Decimal("1000000"))
    assert deposits_page.model.rowCount() == 0
    dialogs = []

    def run(dialog):  # the clerk types into the dialog the page opens, then presses 保存
        dialogs.append(dialog)
        qtbot.addWidget(dialog)
        dialog.show()
        assert "没有登记质保金" not in dialog.state_label.text()  # no project chosen yet
        _fill(dialog, project=project.id)
        assert "还没有登记质保金" in dialog.state_label.text()
        assert dialog.form.value("settled_price") == "1000000.00"  # from the contract amount
        assert dialog.form.value("start_on") == "2024-06-15"  # 竣工验收
        assert "最多 ¥30,000.00" in dialog.limit_label.text()
        _fill(dialog, amount="30000.01", defect_months=12)
        dialog._save_clicked()
        assert "3%" in dialog.form.error_text("amount") and dialog.isVisible()
        assert Deposit.select().count() == 0 and not answers["shown"]
        _fill(dialog, amount="30,000")
        dialog._save_clicked()
        return dialog.result()

    monkeypatch.setattr(DepositDialog, "exec", run)
    qtbot.mouseClick(deposits_page.edit_button, Qt.MouseButton.LeftButton)
    deposit = Deposit.get()
    assert (deposit.amount, deposit.settled_price, deposit.defect_months) == (Decimal("30000"), Decimal("1000000"), 12)
    assert deposit.start_on == dt.date(2024, 6, 15) and not deposit.bank_guarantee
    assert AuditLog.select().where((AuditLog.table == "deposit") & (AuditLog.action == "create")).count() == 1
    # the page shows it, selected
    assert deposits_page.model.rowCount() == 1
    from ui.table_models import selected_row

    assert selected_row(deposits_page.view)["project_code"] == "DEP-1"


def test_change_a_deposit_with_the_delayed_acceptance_rule(db, qtbot, make_project, answers):
    from ui.pages.deposits import DepositDialog

    project = make_project(code="DEP-2", contract_amount=Decimal("2000000"))
    other = make_project(code="DEP-3", contract_amount=Decimal("500000"))
    dialog = DepositDialog(None, project.id)
    qtbot.addWidget(dialog)
    _fill(dialog, amount="60000", bank_guarantee=True)
    dialog._save_clicked()
    first = Deposit.get(Deposit.project == project)
    assert first.bank_guarantee and first.amount == Decimal("60000")

    dialog = DepositDialog(None, project.id)
    qtbot.addWidget(dialog)
    assert dialog.form.value("amount") == "60000.00" and "已扣除 ¥0.00" in dialog.state_label.text()
    _fill(dialog, owner_delayed=True)
    assert not dialog.form.widgets["start_on"].isEnabled()
    dialog._save_clicked()  # the date the report was submitted is missing
    assert "提交日期" in dialog.form.error_text("report_submitted_on")
    _fill(dialog, report_submitted_on="2026-01-10", defect_months=24)
    dialog._save_clicked()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert Deposit.get_by_id(first.id).start_on == dt.date(2026, 4, 10)  # 90 days after
    assert Deposit.get_by_id(first.id).version == first.version + 1

    # switching to another project shows that project's state, and a bad date is caught as typed
    dialog = DepositDialog(None, project.id)
    qtbot.addWidget(dialog)
    _fill(dialog, project=other.id)
    assert dialog.form.value("amount") == "" and "最多 ¥15,000.00" in dialog.limit_label.text()
    _fill(dialog, amount="15000", start_on="2026-02-30")
    assert dialog.form.error_text("start_on")
    dialog._save_clicked()
    assert not Deposit.select().where(Deposit.project == other).exists()


def test_record_a_deduction_linked_to_a_ticket_repaired_elsewhere(deposits_page, qtbot, make_project,
                                                                   monkeypatch, answers):
    from ui.pages.deposits import DeductionDialog
    from warranty_desk.services import deposits

    project = make_project(code="DEP-4", contract_amount=Decimal("1000000"))
    handover(project.id)
    deposits.set_deposit(project.id, {"amount": "30000"})
    reported = dt.datetime.now().replace(second=0, microsecond=0) - dt.timedelta(days=20)

    def ticket(description, cause):
        t = tickets.create_ticket({"project": project.code, "reporter": "业主", "category": "roof_waterproofing",
                                   "location": description, "description": description, "reported_at": reported}).ticket
        tickets.set_cause(t.id, cause)
        tickets.transition(t.id, "业主另行委托", "我方逾期未到场，业主自行找人维修", at=reported + dt.timedelta(days=5))
        return t

    ours = ticket("屋面渗漏，业主另请他人修", "施工质量")
    misuse = ticket("业主自己打孔漏水", "使用不当")
    tickets.create_ticket({"project": project.code, "reporter": "业主", "category": "roof_waterproofing",
                           "description": "还在处理的工单", "reported_at": reported})
    deposits_page.refresh()
    deposits_page.view.selectRow(0)
    seen = []

    def run(dialog):
        seen.append(dialog)
        qtbot.addWidget(dialog)
        box = dialog.form.widgets["ticket"]
        listed = [box.itemData(i) for i in range(1, box.count())]
        assert sorted(listed) == sorted([ours.number, misuse.number])  # only tickets repaired elsewhere
        _fill(dialog, ticket=misuse.number, amount="800")
        assert "使用不当" in dialog.ticket_note.text()
        dialog._save_clicked()  # refused beside the ticket: defects caused by others are not deducted
        assert "不能从保证金中扣除" in dialog.form.error_text("ticket")
        _fill(dialog, ticket=ours.number, amount="40000")
        dialog._save_clicked()
        assert "超过保证金余额" in dialog.form.error_text("amount")
        assert DepositDeduction.select().count() == 0
        _fill(dialog, amount="1,250.50")
        dialog._save_clicked()
        return dialog.result()

    monkeypatch.setattr(DeductionDialog, "exec", run)
    deposits_page.deduct_button.click()
    assert len(seen) == 1
    row = DepositDeduction.get()
    assert (row.ticket_id, row.amount, row.on) == (ours.id, Decimal("1250.50"), dt.date.today())
    assert ours.number in row.reason
    # the deductions beside the table show it, the row is still selected
    lines = [deposits_page.deductions.item(i).text() for i in range(deposits_page.deductions.count())]
    assert any(ours.number in line and "¥1,250.50" in line for line in lines)
    assert deposits_page.model.rows[0]["deducted"] == "1250.50"


def test_deduction_needs_a_selected_deposit(deposits_page, answers):
    deposits_page.deduct_button.click()
    assert answers["shown"][-1][2] == "请先在表中选择一笔质保金"
