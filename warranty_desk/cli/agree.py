"""`warranty-desk project agree CODE CATEGORY AMOUNT UNIT` — a period the contract agrees longer than
the statutory minimum (RULES.md §2; 《房屋建筑工程质量保修办法》第六条: never shorter). The item's end
date and the visit plan follow."""

from __future__ import annotations

from ..errors import ValidationError
from ..i18n import _
from .common import emit, open_db, verbs_of


def cmd_project_agree(args) -> int:
    from ..models import WarrantyItem
    from ..rules.categories import category_name, minimum_text, period_text, unit_key
    from ..services import handover as handover_service
    from ..services.projects import find_project
    from ..services.tickets import category_key

    open_db(args)
    project = find_project(args.code)
    key = category_key(args.category)
    try:
        unit = unit_key(args.unit)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    try:
        amount = int(args.amount)
    except ValueError:
        raise ValidationError(_("期限“{amount}”不是整数，例如 8").format(amount=args.amount)) from None
    if project.accepted_on is None or project.handed_over_on is None:
        raise ValidationError(_("工程“{code}”尚未竣工验收/交付，还没有保修项目（请先办理竣工验收/交付）").format(
            code=project.code))
    item = WarrantyItem.get_or_none((WarrantyItem.project == project) & (WarrantyItem.key == key))
    if item is None:
        # an item the project type does not bring (其他项目, cooling added by contract): added by handover
        items, _visits = handover_service.handover(project.id, agreed={key: (unit, amount)})
        item = next(i for i in items if i.key == key)
    else:
        item = handover_service.set_agreed_period(item.id, unit, amount, item.version)
    data = {
        "code": project.code, "key": item.key, "name": item.name,
        "minimum": minimum_text(item.key, project.design_life_years),
        "agreed": period_text(item.agreed_unit, item.agreed_amount),
        "agreed_unit": item.agreed_unit, "agreed_amount": item.agreed_amount,
        "start": item.start_on.isoformat(), "end": item.end_on.isoformat(),
    }
    return emit(args, data, [_("{code} {name}：约定{agreed}（法定最低{minimum}），{start} 至 {end}；回访计划已按新期限重排").format(
        code=project.code, name=category_name(item.key, item.name), agreed=data["agreed"], minimum=data["minimum"],
        start=data["start"], end=data["end"])])


def register(sub) -> None:
    agree = verbs_of(sub, "project").add_parser(
        "agree", help=_("约定保修期（只能长于法定最低期限），例如 project agree GC-2024-008 roof_waterproofing 8 years"))
    agree.add_argument("code", help=_("工程编号"))
    agree.add_argument("category", help=_("保修项目：键名（如 roof_waterproofing）或中文名称"))
    agree.add_argument("amount", help=_("数量，如 8"))
    agree.add_argument("unit", help=_("years / months / heating_seasons / cooling_seasons（或 年、个月、个采暖期、个供冷期）"))
    agree.add_argument("--json", action="store_true")
    agree.set_defaults(func=cmd_project_agree)
