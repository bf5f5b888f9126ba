"""设置: company data, conventions, SLA defaults, the region season table, staff and subcontractors."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from warranty_desk.i18n import N_, _
from warranty_desk.rules import sla as sla_rules
from warranty_desk.rules.seasons import DEFAULT_COOLING, DEFAULT_RAINY_START
from warranty_desk.rules.sla import urgency_name
from warranty_desk.rules.staff_roles import ROLES, role_name
from warranty_desk.rules.ticket_states import state_name
from warranty_desk.services import settings as settings_service
from warranty_desk.services import staff as staff_service
from warranty_desk.services import tickets as ticket_service

from .. import forms
from ..labels import PlainLabel
from ..operations import call, mark_write, perform, show_error
from ..signals import bus
from ..table_models import GREY, ORANGE, RED, ROW_ROLE, Column, RowsModel, make_table, selected_row
from .base import Page, remember_splitter

CONVENTIONS = [("civil_code", N_("民法典：起始日不计入，到期月的对应日截止（默认）")),
               ("day_before", N_("前一日：到期月对应日的前一天截止（“至…止”的习惯写法）"))]
SLA_STEPS = [(key, sla_rules.STEP_NAMES[step]) for key, step in zip(sla_rules.HOUR_KEYS, sla_rules.STEPS)]  # named at use


class RegionDialog(forms.FormDialog):
    def __init__(self, region=None, parent=None):
        super().__init__(_("地区与季节"), parent)
        self.region = region
        f = self.form
        f.add("name", _("地区名称"), forms.line(40), required=True)
        for key, label in (("heating_start", _("采暖期开始（月-日）")), ("heating_end", _("采暖期结束（月-日）")),
                           ("cooling_start", _("供冷期开始")), ("cooling_end", _("供冷期结束")),
                           ("rainy_start", _("雨季开始"))):
            f.add(key, label, forms.line(5, "11-15"), required=key in ("cooling_start", "cooling_end", "rainy_start"))
        note = PlainLabel(_("没有集中供暖的地区，采暖期两项都留空。"))
        self.body.addWidget(note)
        if region is not None:
            f.load({k: getattr(region, k) or "" for k in ("name", "heating_start", "heating_end", "cooling_start",
                                                           "cooling_end", "rainy_start")})
        else:
            f.load({"cooling_start": DEFAULT_COOLING.start, "cooling_end": DEFAULT_COOLING.end,
                    "rainy_start": DEFAULT_RAINY_START})
        self.finish_layout()

    def save(self) -> bool:
        v = self.form.values()
        ok, _r = perform(self, settings_service.save_region, v["name"], v["heating_start"] or None,
                         v["heating_end"] or None, v["cooling_start"], v["cooling_end"], v["rainy_start"],
                         self.region.id if self.region else None, form=self.form)
        return ok


class PersonDialog(forms.FormDialog):
    """员工 or 分包单位."""

    def __init__(self, kind: str, row=None, parent=None):
        super().__init__(_("员工") if kind == "staff" else _("分包单位"), parent)
        self.kind, self.row = kind, row
        f = self.form
        if kind == "staff":
            f.add("name", _("姓名"), forms.line(60), required=True)
            f.add("role", _("岗位"), forms.ChoiceBox([(key, role_name(key)) for key in ROLES],
                                                    _("选一个，或填写其他岗位")))
        else:
            f.add("name", _("单位名称"), forms.line(200), required=True)
            f.add("trade", _("专业"), forms.line(100, _("例如：防水、水电、门窗")))
            f.add("contact", _("联系人"), forms.line(100))
        f.add("phone", _("电话"), forms.line(40), check="phone")
        f.add("active", _("在用"), QCheckBox(_("在用（停用后不再出现在选择列表中）")))
        if row is not None:
            f.load({k: getattr(row, k) for k in f.widgets})
        else:
            f.load({"active": True})
        self.finish_layout()

    def save(self) -> bool:
        fn = staff_service.save_staff if self.kind == "staff" else staff_service.save_subcontractor
        ok, _r = perform(self, fn, self.form.values(), self.row.id if self.row else None,
                         self.row.version if self.row else None, form=self.form)
        return ok


class SubcontractorTickets(QWidget):
    """A subcontractor's open tickets with their deadline state, and how many are overdue;
    double-clicking a ticket opens it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.subcontractor_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = PlainLabel()
        self.summary.setObjectName("subTicketSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # a firm's name is shown as typed
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = RowsModel([
            Column(_("工单号"), lambda r: r["number"], 110),
            Column(_("工程"), lambda r: f'{r["project_code"]} {r["project_name"]}', 200),
            Column(_("房号"), lambda r: r["unit"], 110),
            Column(_("保修项目"), lambda r: r["category_name"], 110),
            Column(_("紧急程度"), lambda r: urgency_name(r["urgency"]), 60, lambda r: RED if r["urgency"] == sla_rules.URGENT else None),
            Column(_("状态"), lambda r: state_name(r["state"]), 80),
            Column(_("时限"), lambda r: r["sla_text"], 170, lambda r: RED if r["overdue"] else ORANGE),
            Column(_("报修时间"), lambda r: r["reported_at"], 120),
        ])
        self.view = make_table(self.model, "subcontractor_tickets", sortable=False)  # overdue first
        self.view.activated.connect(self._open)  # double-click or Enter (doubleClicked too would open it twice)
        layout.addWidget(self.view)
        self.show_subcontractor(None)

    def show_subcontractor(self, subcontractor_id: int | None) -> None:
        self.subcontractor_id = subcontractor_id
        if subcontractor_id is None:
            self.model.set_rows([])
            self.summary.setText(_("选中一个分包单位，查看它未完成的维修工单"))
            self.summary.setStyleSheet("")
            return
        try:
            info = ticket_service.subcontractor_tickets(subcontractor_id)
        except Exception as exc:  # noqa: BLE001 - e.g. removed meanwhile: say so, keep the page usable
            self.model.set_rows([])
            self.summary.setText(getattr(exc, "message", str(exc)))
            return
        rows = sorted(info["open"], key=lambda r: (not r["overdue"], r["due"] or dt.datetime.max))
        self.model.set_rows(rows)
        if not rows:
            text = _("{name}：没有未完成的维修工单").format(name=info["subcontractor"])
        else:
            text = _("{name}：未完成工单 {n} 张，其中超时 {late} 张（双击工单打开）").format(
                name=info["subcontractor"], n=info["open_count"], late=info["overdue_count"])
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #c62828; font-weight: bold;" if info["overdue_count"] else "")

    def _open(self, index) -> None:
        row = self.model.data(index, ROW_ROLE)
        if row:
            bus().open_record.emit("ticket", row["id"])


class SettingsPage(Page):
    tables = ("setting", "region", "staff", "subcontractor", "ticket")

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._company_tab(), _("公司与规则"))
        self.tabs.addTab(self._regions_tab(), _("地区季节表"))
        self.tabs.addTab(self._staff_tab(), _("员工"))
        self.tabs.addTab(self._subcontractors_tab(), _("分包单位"))
        from ..data_safety import DataSafetyTab  # 数据安全: backup folder, 备份到…, 从备份恢复

        self.data_safety = DataSafetyTab()
        self.tabs.addTab(self.data_safety, _("数据安全"))
        from ..phone_settings import PhoneTab  # 手机端: the phone service, pairing, paired phones

        self.phone = PhoneTab()
        self.tabs.addTab(self.phone, _("手机端"))
        self._sla_dirty = False

    # the tabs -----------------------------------------------------------------------------
    def _company_tab(self) -> QWidget:
        """公司与规则: the company's details and the rules' settings, the SLA hours, save / revert."""
        company = QWidget()
        company_layout = QVBoxLayout(company)
        self._company_form()
        sla = self._sla_box()
        self.form.alias("sla", "company_name")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        inner.setMaximumWidth(900)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.form)
        inner_layout.addWidget(sla)
        inner_layout.addStretch(1)
        scroll.setWidget(inner)
        company_layout.addWidget(scroll)
        buttons = QHBoxLayout()
        self.about_button = QPushButton(_("关于保修台…"))
        self.about_button.clicked.connect(self._about)
        buttons.addWidget(self.about_button)
        buttons.addStretch(1)
        self.revert_button = QPushButton(_("撤销修改"))
        self.save_button = QPushButton(_("保存设置"))
        self.save_button.setObjectName("saveSettings")
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        company_layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        mark_write(self.save_button)
        self.revert_button.clicked.connect(self.discard)
        return company

    def _company_form(self) -> None:
        """The company's details and the rules' settings, as one form (`self.form`)."""
        self.form = forms.FieldForm()
        f = self.form
        f.add("company_name", _("公司名称"), forms.line(200), required=True)
        f.add("company_address", _("公司地址"), forms.line(300))
        f.add("hotline", _("报修电话"), forms.line(40, "400-810-2468"), check="phone")
        f.add("company_fax", _("传真"), forms.line(40))
        f.add("company_postcode", _("邮政编码"), forms.line(10))
        f.add("company_bank", _("开户银行"), forms.line(200))
        f.add("company_account", _("银行账号"), forms.line(60))
        f.add("company_website", _("公司网址（保修卡二维码）"), forms.line(200, "https://"))
        self.logo = forms.line(500, _("PNG 或 JPG 图片的位置"))
        f.add("logo_path", _("公司标志（图片）"), self.logo)
        choose = QPushButton(_("选择图片…"))
        choose.clicked.connect(self._choose_logo)
        choose_row = QHBoxLayout()
        choose_row.addWidget(choose)
        choose_row.addStretch(1)
        f.layout_.addRow("", choose_row)
        # who works on this PC is kept on the PC (services/operator.py), not among the office's settings
        operator_row = QHBoxLayout()
        self.operator_label = PlainLabel()
        self.operator_label.setObjectName("settingsOperator")
        change_operator = QPushButton(_("更换操作员…"))
        change_operator.clicked.connect(self._change_operator)
        operator_row.addWidget(self.operator_label)
        operator_row.addWidget(change_operator)
        operator_row.addStretch(1)
        f.layout_.addRow(_("本机操作员"), operator_row)
        f.add("period_end_convention", _("保修期截止日算法"), forms.combo([(key, _(text)) for key, text in CONVENTIONS]))
        f.add("count_season_under_way", _("采暖期计算"), QCheckBox(_("竣工时正在进行的采暖期也计入")))
        f.add("card_layout", _("保修卡版式"), forms.combo([("a4_grid", _("A4 多张（带裁切线）")), ("a5", _("A5 每页一张"))]))
        # each language by its own name, whatever the current one is
        f.add("language", _("界面语言"), forms.combo([("zh_CN", "中文"), ("en", "English")]))  # i18n: data
        f.add("calendar_reminder", _("日历提醒"), QCheckBox(_("导出的回访日历（.ics）在手机上提前提醒")))
        days = QSpinBox()
        days.setRange(0, 30)
        days.setSpecialValueText(_("回访当天"))
        days.setSuffix(_(" 个工作日前"))
        f.add("calendar_reminder_days", _("提醒提前"), days)
        f.add("calendar_reminder_time", _("提醒时间"), forms.line(5, "09:00"))

    def _sla_box(self) -> QGroupBox:
        """报修处理时限: the hours of each step by urgency."""
        self.sla_boxes: dict[tuple[str, str], QSpinBox] = {}
        sla = QGroupBox(_("报修处理时限（小时）"))
        grid = QGridLayout(sla)
        for col, (_key, name) in enumerate(SLA_STEPS, 1):
            grid.addWidget(PlainLabel(_(name)), 0, col)
        for row, urgency in enumerate(sla_rules.URGENCIES, 1):
            grid.addWidget(PlainLabel(urgency_name(urgency)), row, 0)
            for col, (key, _name) in enumerate(SLA_STEPS, 1):
                box = QSpinBox()
                box.setRange(1, 24 * 90)
                box.setSuffix(_(" 小时"))
                box.valueChanged.connect(self._sla_changed)
                grid.addWidget(box, row, col)
                self.sla_boxes[(urgency, key)] = box
        self.sla_error = PlainLabel()
        self.sla_error.setStyleSheet(forms.ERROR_STYLE)
        grid.addWidget(self.sla_error, 3, 0, 1, 4)
        return sla

    def _regions_tab(self) -> QWidget:
        """地区季节表: each region's heating and cooling seasons and rainy season."""
        self.region_model = RowsModel([
            Column(_("地区"), lambda r: r.name, 100),
            Column(_("采暖期"), lambda r: f"{r.heating_start} → {r.heating_end}" if r.heating_start else _("无集中供暖"), 140),
            Column(_("供冷期"), lambda r: f"{r.cooling_start} → {r.cooling_end}", 140),
            Column(_("雨季开始"), lambda r: r.rainy_start, 80),
            Column(_("采暖期依据"), lambda r: r.note),
        ])
        self.region_view = make_table(self.region_model, "regions")
        return self._table_tab(self.region_view, self._edit_region)

    def _staff_tab(self) -> QWidget:
        """员工: the office's people."""
        self.staff_model = RowsModel([
            Column(_("姓名"), lambda s: s.name, 100), Column(_("岗位"), lambda s: role_name(s.role), 120),
            Column(_("电话"), lambda s: s.phone, 130),
            Column(_("状态"), lambda s: _("在用") if s.active else _("停用"), 60, lambda s: None if s.active else GREY),
        ])
        self.staff_view = make_table(self.staff_model, "staff")
        return self._table_tab(self.staff_view, lambda new: self._edit_person("staff", new))

    def _subcontractors_tab(self) -> QWidget:
        """分包单位: the subcontractors, and below, the selected one's open tickets."""
        self.sub_model = RowsModel([
            Column(_("单位名称"), lambda s: s.name, 220), Column(_("专业"), lambda s: s.trade, 80),
            Column(_("联系人"), lambda s: s.contact, 80), Column(_("电话"), lambda s: s.phone, 130),
            Column(_("状态"), lambda s: _("在用") if s.active else _("停用"), 60, lambda s: None if s.active else GREY),
        ])
        self.sub_view = make_table(self.sub_model, "subcontractors")
        sub_tab = self._table_tab(self.sub_view, lambda new: self._edit_person("sub", new))
        self.sub_tickets = SubcontractorTickets()
        sub_split = QSplitter(Qt.Orientation.Vertical)
        sub_split.addWidget(sub_tab)
        sub_split.addWidget(self.sub_tickets)
        sub_split.setStretchFactor(0, 1)
        sub_split.setStretchFactor(1, 1)
        remember_splitter(sub_split, "subcontractor_tickets")
        self.sub_view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_sub_tickets())
        return sub_split

    def _table_tab(self, view, edit) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(view)
        row = QHBoxLayout()
        row.addStretch(1)
        add = QPushButton(_("新增…"))
        change = QPushButton(_("修改…"))
        mark_write(add, change)
        add.clicked.connect(lambda: edit(True))
        change.clicked.connect(lambda: edit(False))
        view.doubleClicked.connect(lambda _i: edit(False))
        row.addWidget(add)
        row.addWidget(change)
        layout.addLayout(row)
        return tab

    def _choose_logo(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("选择公司标志"), "", _("图片 (*.png *.jpg *.jpeg)"))
        if path:
            self.logo.setText(path)

    def _sla_changed(self, *_a) -> None:
        if not self._loading_sla:
            self._sla_dirty = True

    _loading_sla = False

    def load(self) -> None:
        values = settings_service.get_all()
        if not self.is_dirty():
            self.form.load({k: values.get(k) for k in self.form.widgets})
            self._loading_sla = True
            for (urgency, key), box in self.sla_boxes.items():
                box.setValue(int(values["sla"][urgency][key]))
            self._loading_sla = False
            self._sla_dirty = False
        self._show_operator()
        self.region_model.set_rows(settings_service.regions())
        self.staff_model.set_rows(staff_service.list_staff())
        current = selected_row(self.sub_view)
        self.sub_model.set_rows(staff_service.list_subcontractors())
        if current is not None:
            for row, sub in enumerate(self.sub_model.rows):
                if sub.id == current.id:
                    self.sub_view.selectRow(row)
                    break
        self._show_sub_tickets()

    def _show_sub_tickets(self) -> None:
        sub = selected_row(self.sub_view)
        self.sub_tickets.show_subcontractor(sub.id if sub is not None else None)

    def sla_values(self) -> dict:
        result: dict = {}
        for (urgency, key), box in self.sla_boxes.items():
            result.setdefault(urgency, {})[key] = box.value()
        return result

    def save(self) -> bool:
        self.sla_error.setText("")
        if not self.form.check_all():
            return False
        values = self.form.values()
        values["sla"] = self.sla_values()
        old_language = settings_service.get("language")

        def write():
            settings_service.set_many(values)

        self.form.clear_errors()
        try:
            call(write)
        except Exception as exc:  # noqa: BLE001 - the core's message beside the field
            field = getattr(exc, "field", None)
            message = getattr(exc, "message", str(exc))
            if field == "sla":
                self.sla_error.setText(message)
            elif not self.form.show_error(field, message):
                show_error(self, exc)
            return False
        self.form.dirty = False
        self._sla_dirty = False
        bus().status.emit(_("设置已保存"))
        if values.get("language", old_language) != old_language:
            answer = QMessageBox.question(
                self, _("界面语言"), _("新的界面语言在重新启动保修台后生效。现在重新启动吗？"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
            if answer == QMessageBox.StandardButton.Yes:
                from ..backup_dialogs import opened_target
                from ..restart import request

                request(self.window(), opened_target())
        return True

    def _change_operator(self) -> None:
        window = self.window()
        if hasattr(window, "change_operator"):
            window.change_operator()
        else:
            from ..operator_dialog import change_operator

            change_operator(self)
        self._show_operator()

    def _show_operator(self) -> None:
        from warranty_desk.services import operator

        shared = operator.asks_each_start()
        self.operator_label.setText(operator.current() + ("　" + _("（本机多人共用，每次启动时选择）") if shared else ""))

    def _about(self) -> None:
        from ..about_dialog import AboutDialog

        AboutDialog(self).exec()

    def is_dirty(self) -> bool:
        return self.form.dirty or self._sla_dirty

    def discard(self) -> None:
        self.form.dirty = False
        self._sla_dirty = False
        self.load()

    def _edit_region(self, new: bool) -> None:
        region = None if new else selected_row(self.region_view)
        if not new and region is None:
            return
        RegionDialog(region, self).exec()

    def _edit_person(self, kind: str, new: bool) -> None:
        view = self.staff_view if kind == "staff" else self.sub_view
        row = None if new else selected_row(view)
        if not new and row is None:
            return
        if PersonDialog(kind, row, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()
