"""`warranty-desk settings show` and `settings set KEY VALUE`: every setting — the end-date convention,
seasons under way, SLA hours, the company's agreed periods, the visit merge window and lead days, the
region season table, the company's name and papers — read and written from the command line."""

from __future__ import annotations

import json

from ..i18n import _
from ..rules.sla import urgency_name
from .common import emit, open_db


def _value(value) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list, bool)) or value is None else str(value)


def cmd_settings_show(args) -> int:
    from ..services import settings

    open_db(args)
    data = settings.describe()

    def lines():
        for key, value in data["settings"].items():
            if key == "sla" and isinstance(value, dict):  # its keys are the urgencies: by their names
                value = {urgency_name(k): v for k, v in value.items()}
            yield f"{key} = {_value(value)}    # {data['descriptions'][key]}"
        yield _("地区季节表（region.地区名.字段）：")
        for r in data["regions"]:
            heating = f"{r['heating_start']}~{r['heating_end']}" if r["heating_start"] else _("无集中供暖")
            yield "  " + _("{name}: 采暖期 {heating}，供冷期 {cooling}，雨季 {rainy} 起").format(
                name=r["name"], heating=heating, cooling=f"{r['cooling_start']}~{r['cooling_end']}", rainy=r["rainy_start"])

    return emit(args, data, lines)


def cmd_settings_set(args) -> int:
    from ..services import settings

    open_db(args)
    result = settings.set_text(args.key, args.value)
    return emit(args, result, [_("{key}：{old} → {new}").format(key=result["key"], old=_value(result["old"]),
                                                              new=_value(result["new"]))])


def register(sub) -> None:
    group = sub.add_parser("settings", help=_("查看或修改设置（时限、算法、合并天数、地区季节表等）"))
    verbs = group.add_subparsers(dest="verb", required=True)
    show = verbs.add_parser("show", help=_("列出全部设置和地区季节表"))
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_settings_show)
    put = verbs.add_parser(
        "set", help=_("修改一项设置，例如：settings set visit_merge_days 10；settings set sla.紧急.respond_hours 3；"
                      "settings set agreed_periods.roof_waterproofing \"8 years\"；settings set region.北京.heating 11-10~03-20"))
    put.add_argument("key", help=_("设置项（见 settings show），或 sla.紧急.respond_hours、agreed_periods.项目、region.地区.字段"))
    put.add_argument("value", help=_("新值：数字、true/false、文字，或 JSON"))
    put.add_argument("--json", action="store_true")
    put.set_defaults(func=cmd_settings_set)
