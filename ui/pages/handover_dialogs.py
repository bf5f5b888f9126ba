"""竣工验收/交付 (the two dates: then the core makes the warranty items and the visit plan) and an
agreed warranty period longer than the law's."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QSpinBox

from warranty_desk.i18n import _
from warranty_desk.rules import categories as cat
from warranty_desk.services import handover as handover_service
from warranty_desk.services import projects as project_service

from .. import forms
from ..labels import PlainLabel
from ..operations import perform


class HandoverDialog(forms.FormDialog):
    """竣工验收/交付: the two dates, then the core creates the items and the visit plan."""

    def __init__(self, project: project_service.ProjectView, parent=None):
        super().__init__(_("竣工验收/交付 — {name}").format(name=project.name), parent)
        self.project_id = project.id
        self.form.add("accepted_on", _("竣工验收合格日期"), forms.date_line(), required=True, check="date")
        self.form.add("handed_over_on", _("交付日期"), forms.date_line(), required=True, check="date")
        self.form.load({"accepted_on": project.accepted_on or dt.date.today(),
                        "handed_over_on": project.handed_over_on or project.accepted_on or dt.date.today()})
        self.form.dirty = True
        note = PlainLabel(_("保存后将按工程类型生成保修项目（法定最低保修期），并编制回访计划。"))
        note.setWordWrap(True)
        self.body.addWidget(note)
        self.finish_layout()

    def save(self) -> bool:
        from warranty_desk.services import fields

        values = self.form.values()
        try:
            accepted = fields.date(values["accepted_on"])
            handed = fields.date(values["handed_over_on"])
        except ValueError as exc:
            self.form.show_error("accepted_on", str(exc))
            return False
        ok, result = perform(self, handover_service.handover, self.project_id, accepted, handed, form=self.form)
        self.result_value = result
        return ok


class AgreedPeriodDialog(forms.FormDialog):
    def __init__(self, item, design_life_years: int | None, parent=None):
        super().__init__(_("约定保修期 — {name}").format(name=cat.category_name(item.key, item.name)), parent)
        self.item = item
        minimum = cat.minimum_text(item.key, design_life_years)
        self.body.insertWidget(0, PlainLabel(_("法定最低保修期：{text}").format(text=minimum)))
        units = [(k, _(v)) for k, v in cat.UNIT_NAMES.items()]
        self.form.add("agreed_unit", _("单位"), forms.combo([(k, v) for k, v in units]))
        amount = QSpinBox()
        amount.setRange(1, 200)
        self.form.add("agreed_amount", _("约定保修期"), amount)
        self.form.load({"agreed_unit": item.agreed_unit, "agreed_amount": item.agreed_amount})
        self.finish_layout()

    def save(self) -> bool:
        values = self.form.values()
        ok, _r = perform(self, handover_service.set_agreed_period, self.item.id, values["agreed_unit"],
                         values["agreed_amount"], self.item.version,
                         form=self.form)
        return ok
