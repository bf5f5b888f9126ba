"""修改记录: a record's change history from the audit log, each change in words with the field names
the forms use; the button that opens it beside a record."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import N_, _
from warranty_desk.services import audit
from warranty_desk.services.projects import MANUAL_FACTS

from .labels import PlainLabel

# said where they are shown (_() at use), in the window's language whenever this module was loaded
ACTIONS = {"create": N_("新建"), "update": N_("修改"), "delete": N_("删除"), "import": N_("导入"),
           "transition": N_("状态变更"), "handover": N_("交付"), "signoff": N_("验收签字")}


def _values(text: str) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


FIELD_LABELS = {
    "code": N_("工程编号"), "name": N_("名称"), "type": N_("工程类型"), "scale": N_("工程规模"), "client": N_("建设单位"),
    "contact": N_("联系人"), "phone": N_("联系电话"), "address": N_("地址"), "region": N_("所在地区"),
    "has_cooling": N_("有供冷系统"), "accepted_on": N_("竣工验收日期"), "handed_over_on": N_("交付日期"),
    "contract_amount": N_("合同金额"), "design_life_years": N_("设计使用年限"), "manager": N_("项目经理"),
    "developer": N_("开发单位"), "designer": N_("设计单位"), "supervisor": N_("监理单位"), "notes": N_("备注"),
    **MANUAL_FACTS, "layout": N_("户型"), "area": N_("建筑面积"),
    "created_at": N_("建立时间"), "project": N_("工程"), "unit": N_("住户"), "state": N_("状态"), "status": N_("状态"),
    "urgency": N_("紧急程度"), "description": N_("内容"), "location": N_("部位"), "reporter": N_("报修人"),
    "channel": N_("报修方式"), "reported_at": N_("报修时间"), "category": N_("保修项目"), "assignee": N_("维修人"),
    "subcontractor": N_("分包单位"), "cause_class": N_("责任"), "quote_amount": N_("报价"), "planned_on": N_("计划日期"),
    "original_planned_on": N_("原计划日期"), "done_at": N_("回访时间"), "method": N_("回访方式"), "visitor": N_("回访人"),
    "met_person": N_("被访人"), "opinion": N_("业主意见"), "findings": N_("发现的问题"), "score": N_("满意度得分"),
    "grade": N_("满意度等级"), "answers": N_("问卷答案"), "amount": N_("金额"), "settled_price": N_("结算价"),
    "defect_months": N_("缺陷责任期（月）"), "start_on": N_("起始日"), "end_on": N_("截止日"),
    "agreed_unit": N_("约定期限单位"), "agreed_amount": N_("约定期限"), "applied_on": N_("申请返还日"),
    "returned_on": N_("返还日"), "returned_amount": N_("返还金额"), "reason": N_("原因"),
    "payer": N_("费用承担"), "borne_by": N_("承担方"), "purposes": N_("回访目的"),
}


def describe_change(row) -> str:
    """One audit row in words: field: old → new, one per line (the field's name in words)."""
    old, new = _values(row.old), _values(row.new)
    lines = []
    for key in sorted(set(old) | set(new)):
        if key in ("id", "version"):
            continue
        before, after = audit.shown_value(row.table, key, old.get(key)), audit.shown_value(row.table, key, new.get(key))
        label = _(FIELD_LABELS[key]) if key in FIELD_LABELS else key
        if row.action == "create":
            if after not in (None, "", False):
                lines.append(_("{label}：{value}").format(label=label, value=after))
        else:
            lines.append(_("{label}：{before} → {after}").format(
                label=label, before="" if before is None else before, after="" if after is None else after))
    return "\n".join(lines)


class HistoryDialog(QDialog):
    """修改记录 of one record: when, who, what, old → new. Read only: nobody edits the audit log.
    `related`: other records shown with it, as (table, id, label) — a project's warranty items."""

    def __init__(self, table: str, record_id: int, title: str = "", parent=None, related=()):
        super().__init__(parent)
        self.setWindowTitle(_("修改记录") + (f" — {title}" if title else ""))
        self.resize(880 if related else 820, 460)
        layout = QVBoxLayout(self)
        sources = [(table, record_id, title)] + list(related)
        rows = []
        for source_table, source_id, label in sources:
            rows += [(row, label) for row in audit.history(source_table, source_id)]
        rows.sort(key=lambda pair: (pair[0].at or dt.datetime.min, pair[0].id))
        headers = [_("时间"), _("操作人"), _("操作"), _("修改内容"), _("说明")]
        if related:
            headers.insert(2, _("记录"))
        self.table = QTableWidget(len(rows), len(headers))
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for i, (row, label) in enumerate(rows):
            cells = [row.at.strftime("%Y-%m-%d %H:%M") if row.at else "", row.user, _(ACTIONS[row.action]) if row.action in ACTIONS else row.action,
                     describe_change(row), audit.note_text(row.note)]
            if related:
                cells.insert(2, label)
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(i, j, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(headers.index(_("修改内容")), QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 130)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table if rows else PlainLabel(_("这条记录还没有修改记录")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def history_button(text: str | None = None) -> QPushButton:
    button = QPushButton(text or _("修改记录…"))
    button.setObjectName("historyButton")
    button.setToolTip(_("谁在什么时候改了什么（只能查看，不能修改或删除）"))
    return button


def show_history(parent: QWidget | None, table: str, record_id: int, title: str = "", related=()) -> HistoryDialog:
    """Open the 修改记录 window (window-modal, not blocking the caller)."""
    dialog = HistoryDialog(table, record_id, title, parent, related)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
