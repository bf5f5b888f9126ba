"""用户手册 / 住宅使用说明书."""

from __future__ import annotations

import re

from documents_fixtures import (
    HOSTILE,
    HOTLINE,
    office_fixture,  # noqa: F401  (the `office` fixture)
    pdf_fonts,
    pdf_text,
    squash,
)
from pypdf import PdfReader

from warranty_desk.documents.manual import build_manual
from warranty_desk.models import Unit


def test_manual_has_cover_contents_with_page_numbers_and_the_projects_data(office, tmp_path):
    out = build_manual("ZZ-2024-01", tmp_path / "manual.pdf")
    raw = pdf_text(out)
    text = squash(raw)
    for value in ("住宅使用说明书", "阳光花园二期", "目录", "北京城建置业有限公司", "北京市建筑设计研究院",
                  "京诚监理有限公司", "北京宏建建设工程有限公司", "铝合金窗：断桥铝60系列", "SBS改性沥青4mm",
                  "承重墙", "防水层", "维护保养日历", "2029年6月15日", "2026年3月15日", HOTLINE,
                  "不属于保修范围的情形", "24小时内", "紧急情况与联系电话", "第2页共"):
        assert value in text, value
    # the contents page lists the chapters with the page they start on
    contents = raw.split("目")[1] if "目" in raw else raw
    assert re.search(r"一、房屋概况\s*\.+\s*\d+", raw) or re.search(r"一、房屋概况[ .]*\d", contents)
    assert re.search(r"十二、如何报修[ .\s]*\d+", raw)
    reader = PdfReader(out)
    assert len(reader.pages) >= 5
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == ["一、房屋概况", "二、结构与不得擅自改动的部位"]
    assert "WDSerifSC-Regular" in pdf_fonts(out) and "Helvetica" not in pdf_fonts(out)


def test_manual_for_one_unit_names_the_unit_and_owner(office, tmp_path):
    unit = Unit.get((Unit.project == office["home"]) & (Unit.room == "201") & (Unit.building == "2"))
    text = squash(pdf_text(build_manual(office["home"], tmp_path / "unit.pdf", unit=unit)))
    assert "2-1-201" in text and "业主2201" in text


def test_manual_with_hostile_and_empty_fields(office, tmp_path):
    text = squash(pdf_text(build_manual(office["hostile"], tmp_path / "h.pdf")))
    assert squash(HOSTILE) + "𠀀鑫㐂" in text
    assert "外墙渗水、卫生间地漏返味、" * 20 in text  # the 2,000-character materials list wraps, whole
    bare = squash(pdf_text(build_manual("BARE-1", tmp_path / "bare.pdf")))
    assert "工程使用维护手册" in bare and "未登记主要材料和设备清单" in bare


def _manual_of(kind: str, tmp_path, **facts):
    import datetime as dt

    from warranty_desk.services.handover import handover
    from warranty_desk.services.projects import create_project

    project = create_project({"code": f"M-{kind}", "name": f"{kind}样板工程", "client": "某某投资有限公司",
                              "type": kind, "scale": "小型", "heating_region": facts.pop("region", "上海"), **facts})
    handover(project.id, dt.date(2024, 6, 15), dt.date(2024, 7, 1))
    return project, squash(pdf_text(build_manual(project, tmp_path / f"{kind}.pdf")))


RESIDENTIAL_ONLY = ("商品住宅实行住宅质量保证书和住宅使用说明书制度的规定", "住宅楼面", "2.0千牛", "阳台和露台",
                    "业主自行购置")


def test_public_and_decoration_manuals_do_not_get_the_residential_text(office, tmp_path):
    for kind in ("公共建筑", "装饰装修", "市政工程"):
        _project, text = _manual_of(kind, tmp_path)
        for phrase in RESIDENTIAL_ONLY + ("燃气",):
            assert phrase not in text, (kind, phrase)
        assert "工程使用维护手册" in text and "住宅使用说明书" not in text


def test_a_project_without_heating_gets_no_heating_chapter_or_calendar_rows(office, tmp_path):
    from warranty_desk.documents.data import items_of

    project, text = _manual_of("公共建筑", tmp_path)  # 上海: no district heating
    assert "heating" not in {i.key for i in items_of(project)}
    assert "采暖" not in text and "暖气片" not in text and "地暖" not in text
    heated = squash(pdf_text(build_manual("ZZ-2024-01", tmp_path / "b.pdf")))  # 北京: heating item
    assert "采暖前排气" in heated and "暖气片" in heated


def test_chapters_are_numbered_in_the_order_they_print(office, tmp_path):
    from warranty_desk.documents.texts import heading_number

    _project, text = _manual_of("市政工程", tmp_path)
    reader_titles = [o.title for o in PdfReader(tmp_path / "市政工程.pdf").outline if not isinstance(o, list)]
    assert [t.split("、")[0] + "、" for t in reader_titles] == [heading_number(n) for n in range(1, len(reader_titles) + 1)]
    assert "结构与使用限制" in text and "门窗" not in reader_titles


def test_a_residential_manual_states_what_a_real_one_holds(office, tmp_path):
    from decimal import Decimal

    facts = {"structure_type": "钢筋混凝土剪力墙结构", "seismic_intensity": "8度（0.20g）", "power_load": "每户8千瓦",
             "gas_supply": "管道天然气", "telecom": "光纤到户", "fire_safety": "室内消火栓、烟感报警",
             "insulation": "外墙外保温，岩棉板80毫米", "property_company": "安居物业", "property_phone": "400-660-8899"}
    project, _text = _manual_of("住宅", tmp_path, region="北京", **facts)
    unit = Unit.create(project=project, building="3号楼", entrance="1单元", room="502", owner_name="李四",
                       layout="三室两厅两卫", area=Decimal("128.56"))
    text = squash(pdf_text(build_manual(project, tmp_path / "u.pdf", unit=unit)))
    for value in ("结构类型钢筋混凝土剪力墙结构", "抗震设防烈度8度（0.20g）", "配电负荷每户8千瓦", "燃气管道天然气",
                  "通讯光纤到户", "消防设施室内消火栓、烟感报警", "户型三室两厅两卫", "建筑面积128.56平方米",
                  "安居物业400-660-8899", "不得在外墙上随意钻孔", "燃气泄漏时", "燃气、通讯与消防"):
        assert squash(value) in text, value
    # not known: structure and seismic intensity still have their line, to fill in by hand
    _p, bare = _manual_of("公共建筑", tmp_path)
    assert "结构类型__________" in bare and "抗震设防烈度__________" in bare and "配电负荷" not in bare


def test_the_manual_facts_are_kept_by_the_project_service_and_checked(office):
    import pytest

    from warranty_desk.errors import ValidationError
    from warranty_desk.models import Project
    from warranty_desk.services.projects import update_project

    project = Project.get_by_id(office["home"].id)
    raw = {"code": project.code, "name": project.name, "type": project.type, "scale": project.scale,
           "structure_type": "  框架结构 ", "gas_supply": "管道天然气"}
    update_project(project.id, raw, project.version)
    fresh = Project.get_by_id(project.id)
    assert fresh.structure_type == "框架结构" and fresh.gas_supply == "管道天然气"
    assert fresh.designer == "北京市建筑设计研究院"  # a field the form did not send stays
    with pytest.raises(ValidationError, match="抗震设防烈度太长"):
        update_project(project.id, {**raw, "seismic_intensity": "七" * 41}, fresh.version)


def test_tables_line_up_with_the_text(office, tmp_path):
    """A table's rule is on the text margin: its first cell's text is one cell padding (4 pt) in."""
    from test_documents_certificate import _word_x

    out = build_manual("ZZ-2024-01", tmp_path / "m.pdf")
    assert abs(_word_x(out, 3, "工程名称") - _word_x(out, 3, "一、房屋概况") - 4) < 0.5
