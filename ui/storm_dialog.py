"""暴雨后回访 (RULES.md §6; the seed: 于每次雨后进行现场回访或电话回访): the clerk picks a region and the
day of the storm, sees which projects there still have roof or exterior-wall waterproofing under
warranty, and plans a call or visit for each. Reads and writes only through services.storm."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QListWidget, QMessageBox

from warranty_desk.i18n import _, join_list
from warranty_desk.rules.visit_methods import method_name
from warranty_desk.rules.visit_purposes import purpose_text
from warranty_desk.services import storm as storm_service

from . import forms
from .labels import PlainLabel
from .operations import perform


class StormDialog(forms.FormDialog):
    def __init__(self, parent=None, today: dt.date | None = None):
        super().__init__(_("暴雨后回访"), parent)
        self.today = today or dt.date.today()
        f = self.form
        intro = PlainLabel(_("大雨或暴雨之后，给该地区屋面、外墙防水仍在保修期内的每个工程安排一次回访（电话或上门），"
                         "询问并检查有无渗漏。同一场暴雨不会重复安排。"))
        intro.setWordWrap(True)
        self.body.insertWidget(0, intro)
        regions = [(None, _("（请选择地区）"))] + [(r["id"], _(r["name"])) for r in storm_service.regions()]
        f.add("region", _("地区"), forms.combo(regions), required=True)
        day = QDateEdit(QDate(self.today))
        day.setCalendarPopup(True)
        day.setDisplayFormat("yyyy-MM-dd")
        f.add("storm_on", _("暴雨日期"), day)
        method: QComboBox = forms.combo([(m, method_name(m)) for m in storm_service.METHODS])
        f.add("method", _("回访方式"), method)
        self.preview = QListWidget()
        self.preview.setObjectName("stormPreview")
        self.preview.setMinimumHeight(160)
        self.preview.setWordWrap(True)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.count_label = PlainLabel()
        self.count_label.setObjectName("stormCount")
        self.body.addWidget(self.count_label)
        self.body.addWidget(self.preview, 1)
        f.widgets["region"].currentIndexChanged.connect(self.refresh)
        day.dateChanged.connect(self.refresh)
        self.finish_layout()
        save = self.buttons.button(self.buttons.StandardButton.Save)
        save.setText(_("安排回访"))
        self.resize(600, 520)
        self.refresh()
        f.dirty = False

    def refresh(self, *_a) -> None:
        self.preview.clear()
        region = self.form.value("region")
        if not region:
            self.count_label.setText(_("请选择地区和暴雨日期"))
            return
        ok, rows = perform(self, storm_service.storm_projects, region, self.form.value("storm_on"), writes=False)
        rows = rows if ok else []
        for r in rows:
            mark = _("（已安排）") if r["already_planned"] else ""
            self.preview.addItem(f'{r["project_code"]}  {r["project_name"]}{mark}\n    {join_list((purpose_text(x) for x in r["purposes"]), _("；"))}')
        todo = sum(1 for r in rows if not r["already_planned"])
        self.count_label.setText(_("屋面或外墙防水在保修期内的工程：{n} 个，将新安排 {todo} 次回访").format(
            n=len(rows), todo=todo))

    def save(self) -> bool:
        v = self.form.values()
        ok, result = perform(self, storm_service.plan_storm_calls, v["region"], v["storm_on"], method=v["method"],
                             form=self.form)
        if not ok:
            return False
        self.result_value = result
        text = _("已安排 {n} 次暴雨后回访。").format(n=len(result["created"]))
        if result["already_planned"]:
            text += "\n" + _("已安排过，未重复：{codes}").format(codes="、".join(result["already_planned"]))
        QMessageBox.information(self, _("暴雨后回访"), text)
        return True


def plan_storm_calls(parent) -> dict | None:
    dialog = StormDialog(parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.result_value
    return None
