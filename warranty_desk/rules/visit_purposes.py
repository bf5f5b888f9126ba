"""The purposes of a visit (回访目的): the sentences the visit plan, a closed repair and a storm call
write onto a visit, and the one function that shows a stored purpose in the active language.

A visit stores its purposes as text, one per line, in the language the program spoke when the plan
was made. `purpose_text` recognises a line made from one of the templates below — in Chinese or in
English — and says it again in the active language (the project's scale and the warranty items by
their names there); a line the clerk wrote stays as written. When purposes are stored as a template
key with its parameters, only this function's input side changes.
"""

from __future__ import annotations

import functools
import re

from warranty_desk.i18n import LOCALES, N_, gettext_for, join_list, retell

from .categories import CATEGORIES, PROJECT_SCALES, category_name, scale_name

PERIODIC = N_("{scale}项目定期回访（每{step}个月）")
ONE_MONTH = N_("交付后一个月回访")
HALF_YEAR = N_("交付后半年回访")
BEFORE_END = N_("保修期满前交代回访：{names}（{isoformat}到期）")
BEFORE_HEATING = N_("采暖期前检查（{isoformat}开始供暖）：供热、新风、门窗、保温")
BEFORE_RAINS = N_("雨季前检查：屋面、天沟、落水管、外墙、排水、防雷")
AFTER_WARRANTY = N_("保修期满后回访：介绍有偿维修和保养服务")
AFTER_STORM = N_("{storm}暴雨后回访：询问并检查屋面、外墙有无渗漏（{names}保修至{ends}）")
AFTER_REPAIR = N_("维修后满意度回访：{n}（{s}）")

TEMPLATES = (PERIODIC, ONE_MONTH, HALF_YEAR, BEFORE_END, BEFORE_HEATING, BEFORE_RAINS, AFTER_WARRANTY,
             AFTER_STORM, AFTER_REPAIR)
_NAME_SEPARATORS = re.compile(r"、|, ")  # i18n: data (the list separators of both languages)


def category_names_text(keys) -> str:
    """Warranty items by name in the active language, as one list."""
    return join_list(category_name(key) for key in keys)


@functools.cache
def category_keys() -> dict[str, str]:
    """A warranty item's name in either language → its key."""
    keys = {}
    for key, cat in CATEGORIES.items():
        for lang in LOCALES:
            keys[gettext_for(lang)(cat.name)] = key
    return keys


def item_names(text: str) -> str:
    """A stored list of warranty item names (either language, 、 or ", " between them) in the active
    language; a list that holds a name we do not know stays as written. (A name may hold 、 itself:
    有防水要求的卫生间、房间的防渗漏.)"""
    keys = category_keys()
    names = sorted(keys, key=len, reverse=True)
    found, pos = [], 0
    while pos < len(text):
        for name in names:
            if text.startswith(name, pos):
                rest = text[pos + len(name):]
                sep = _NAME_SEPARATORS.match(rest)
                if not rest or sep:
                    found.append(keys[name])
                    pos += len(name) + (sep.end() if sep else 0)
                    break
        else:
            return text
    return category_names_text(found) if found else text


def _scale(text: str) -> str:
    for scale in PROJECT_SCALES:
        if text in {gettext_for(lang)(scale) for lang in LOCALES}:
            return scale_name(scale)
    return text


def purpose_text(line: str) -> str:
    """One stored purpose in the active language (a line the clerk wrote: as written)."""
    return retell(line, TEMPLATES, {"scale": _scale, "names": item_names})


def purposes_of(stored: str | None) -> list[str]:
    """A visit's stored purposes (one per line) in the active language."""
    return [purpose_text(line) for line in (stored or "").split("\n") if line.strip()]
