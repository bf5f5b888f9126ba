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

from warranty_desk.i18n import _
from warranty_desk.services import audit
from warranty_desk.services.projects import MANUAL_FACTS

from .labels import PlainLabel

ACTIONS = {"create": _("新建"), "update": _("修改"), "delete": _("删除"), "import": _("导入"),
           "transition": _("状态变更"), "handover": _("交付"), "signoff": _("验收签字")}


def _values(text: str) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


FIELD_LABELS = {
    "code": _("工程编号"), "name": _("名称"), "type": _("工程类型"), "scale": _("工程规模"), "client": _("建设单位"),
    "contact": _("联系人"), "phone": _("联系电话"), "address": _("地址"), "region": _("所在地区"),
    "has_cooling": _("有供冷系统"), "accepted_on": _("竣工验收日期"), "handed_over_on": _("交付日期"),
    "contract_amount": _("合同金额"), "design_life_years": _("设计使用年限"), "manager": _("项目经理"),
    "developer": _("开发单位"), "designer": _("设计单位"), "supervisor": _("监理单位"), "notes": _("备注"),
    **{key: _(label) for key, label in MANUAL_FACTS.items()}, "layout": _("户型"), "area": _("建筑面积"),
    "created_at": _("建立时间"), "project": _("工程"), "unit": _("住户"), "state": _("状态"), "status": _("状态"),
    "urgency": _("紧急程度"), "description": _("内容"), "location": _("部位"), "reporter": _("报修人"),
    "channel": _("报修方式"), "reported_at": _("报修时间"), "category": _("保修项目"), "assignee": _("维修人"),
    "subcontractor": _("分包单位"), "cause_class": _("责任"), "quote_amount": _("报价"), "planned_on": _("计划日期"),
    "original_planned_on": _("原计划日期"), "done_at": _("回访时间"), "method": _("回访方式"), "visitor": _("回访人"),
    "met_person": _("被访人"), "opinion": _("业主意见"), "findings": _("发现的问题"), "score": _("满意度得分"),
    "grade": _("满意度等级"), "answers": _("问卷答案"), "amount": _("金额"), "settled_price": _("结算价"),
    "defect_months": _("缺陷责任期（月）"), "start_on": _("起始日"), "end_on": _("截止日"),
    "agreed_unit": _("约定期限单位"), "agreed_amount": _("约定期限"), "applied_on": _("申请返还日"),
    "returned_on": _("返还日"), "returned_amount": _("返还金额"), "reason": _("原因"),
}


def describe_change(row) -> str:
    """One audit row in words: field: old → new, one per line (the field's name in words)."""
    old, new = _values(row.old), _values(row.new)
    lines = []
    for key in sorted(set(old) | set(new)):
        if key in ("id", "version"):
            continue
        before, after = old.get(key), new.get(key)
        label = FIELD_LABELS.get(key, key)
        if row.action == "create":
            if after not in (None, "", False):
                lines.append(f"{label}：{after}")
        else:
            lines.append(f"{label}：{'' if before is None else before} → {'' if after is None else after}")
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
            cells = [row.at.strftime("%Y-%m-%d %H:%M") if row.at else "", row.user, ACTIONS.get(row.action, row.action),
                     describe_change(row), row.note]
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
