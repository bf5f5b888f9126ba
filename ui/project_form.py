"""The project form (basic data), shared by 新建工程 and the project page's first tab."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QPlainTextEdit

from warranty_desk.i18n import _
from warranty_desk.rules.categories import (
    MEDIUM,
    PROJECT_SCALES,
    PROJECT_TYPES,
    RESIDENTIAL,
    project_type_name,
    scale_name,
)
from warranty_desk.services import projects as project_service
from warranty_desk.services import settings as settings_service

from . import forms
from .operations import perform


def _years(text: str):
    from warranty_desk.services import fields

    fields.integer(text, 5, 200)


def build_project_form(form: forms.FieldForm) -> None:
    add = form.add
    add("code", _("工程编号"), forms.line(40, "2026-ZZ-001"), required=True)
    add("name", _("工程名称"), forms.line(200), required=True)
    add("type", _("工程类型"), forms.combo([(t, project_type_name(t)) for t in PROJECT_TYPES]), required=True)
    add("scale", _("工程规模"), forms.combo([(s, scale_name(s)) for s in PROJECT_SCALES]), required=True)
    add("client", _("建设单位"), forms.line(200))
    add("contact", _("联系人"), forms.line(100))
    add("phone", _("联系电话"), forms.line(40, "010-12345678"), check="phone")
    add("address", _("工程地址"), forms.line(500))
    regions = [("", _("（无）"))] + [(name, name) for name in settings_service.region_names()]
    add("heating_region", _("所在地区"), forms.combo(regions))
    add("has_cooling", _("有供冷系统"), QCheckBox(_("有（中央空调等）")))
    add("accepted_on", _("竣工验收日期"), forms.date_line(), check="date")
    add("handed_over_on", _("交付日期"), forms.date_line(), check="date")
    add("contract_amount", _("合同金额（元）"), forms.line(20, "12500000.00"), check="money")
    add("design_life_years", _("设计使用年限（年）"), forms.line(4, "50"), check=_years)
    add("manager", _("项目经理"), forms.line(60))
    add("developer", _("开发单位"), forms.line(200))
    add("designer", _("设计单位"), forms.line(200))
    add("supervisor", _("监理单位"), forms.line(200))
    # what the 住宅使用说明书 (用户手册) states; left empty, the manual leaves the part out
    hints = {"structure_type": _("如 框架-剪力墙结构"), "seismic_intensity": _("如 7度（0.10g）"),
             "power_load": _("如 每户8千瓦"), "gas_supply": _("如 管道天然气（供气：XX燃气 96777）；无燃气留空"),
             "telecom": _("如 光纤到户，每户一个弱电箱"), "fire_safety": _("如 室内消火栓、烟感报警、应急照明"),
             "insulation": _("如 外墙外保温，岩棉板80毫米"), "property_company": "", "property_phone": ""}
    for key, label in project_service.MANUAL_FACTS.items():
        add(key, _(label), forms.line(project_service.MANUAL_FACT_SIZES[key], hints[key]),
            check="phone" if key == "property_phone" else None)
    notes = QPlainTextEdit()
    notes.setFixedHeight(56)
    add("notes", _("备注"), notes)


def raw_from_form(form: forms.FieldForm) -> dict:
    raw = form.values()
    if not raw.get("design_life_years"):
        raw["design_life_years"] = None
    return raw


def save_project(parent, form: forms.FieldForm, project_id: int | None = None, version: int | None = None,
                 on_conflict=None):
    """Create or update the project from the form; None when refused (the reason shown). `version`:
    the one the form was loaded from; `on_conflict(exc)` when someone else saved it since."""
    raw = raw_from_form(form)
    if project_id is None:
        ok, project = perform(parent, project_service.create_project, raw, form=form)
    else:
        ok, project = perform(parent, project_service.update_project, project_id, raw, version, form=form, on_conflict=on_conflict)
    return project if ok else None


class ProjectDialog(forms.FormDialog):
    """新建工程."""

    def __init__(self, parent=None):
        super().__init__(_("新建工程"), parent)
        build_project_form(self.form)
        self.form.load({"type": RESIDENTIAL, "scale": MEDIUM, "design_life_years": "50"})
        self.finish_layout()
        self.resize(560, 680)

    def save(self) -> bool:
        self.result_value = save_project(self, self.form)
        return self.result_value is not None
