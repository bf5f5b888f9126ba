"""The purposes of a visit (回访目的): the sentences the visit plan, a closed repair, a storm call and
an import write onto a visit, and the one function that shows a stored purpose in the active language.

A visit stores its purposes one per line. A purpose the program made is stored as its code with its
parameters (keys, ISO dates, numbers), one JSON object on its line (`stored`, schema step 12):
{"purpose": "periodic", "scale": "medium", "step": 6}. `purpose_text` makes the sentence from it in
the active language (the project's scale and the warranty items by their names there). A line the
clerk wrote stays as written; a sentence an earlier release stored (in Chinese or English) is
recognised by its template and said again in the active language.
"""

from __future__ import annotations

import functools
import json
import re

from warranty_desk.i18n import LOCALES, N_, _, gettext_for, join_list, namer, retell

from .categories import CATEGORIES, SCALE_NAMES, category_name, scale_name

PERIODIC = N_("{scale}项目定期回访（每{step}个月）")
ONE_MONTH = N_("交付后一个月回访")
HALF_YEAR = N_("交付后半年回访")
BEFORE_END = N_("保修期满前交代回访：{names}（{isoformat}到期）")
BEFORE_HEATING = N_("采暖期前检查（{isoformat}开始供暖）：供热、新风、门窗、保温")
BEFORE_RAINS = N_("雨季前检查：屋面、天沟、落水管、外墙、排水、防雷")
AFTER_WARRANTY = N_("保修期满后回访：介绍有偿维修和保养服务")
AFTER_STORM = N_("{storm}暴雨后回访：询问并检查屋面、外墙有无渗漏（{names}保修至{ends}）")
AFTER_REPAIR = N_("维修后满意度回访：{n}（{s}）")
IMPORTED = N_("以往回访记录（表格导入）")

TEMPLATES = (PERIODIC, ONE_MONTH, HALF_YEAR, BEFORE_END, BEFORE_HEATING, BEFORE_RAINS, AFTER_WARRANTY,
             AFTER_STORM, AFTER_REPAIR, IMPORTED)
# the stored code of each purpose (a released code never changes its meaning)
CODES = {"periodic": PERIODIC, "one_month": ONE_MONTH, "half_year": HALF_YEAR, "before_end": BEFORE_END,
         "before_heating": BEFORE_HEATING, "before_rains": BEFORE_RAINS, "after_warranty": AFTER_WARRANTY,
         "after_storm": AFTER_STORM, "after_repair": AFTER_REPAIR, "imported": IMPORTED}
CODE_OF = {template: code for code, template in CODES.items()}
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


namer("item", item_names)  # a warranty item by the name the project's list gives it (said: keyed("item", name))


def _scale(text: str) -> str:
    for scale, name in SCALE_NAMES.items():
        if text in {gettext_for(lang)(name) for lang in LOCALES}:
            return scale_name(scale)
    return text


def stored(template: str, **params) -> str:
    """The stored line of a purpose the program makes from `template` (one of TEMPLATES): its code
    and parameters — a scale by its key, warranty items (`names`) as a list of keys, dates as ISO
    text, several end dates (`ends`) as a list."""
    return _STORED.encode({"purpose": CODE_OF[template], **params})


# what json.dumps(..., ensure_ascii=False, sort_keys=True) makes, with one encoder (a handover of an imported
# sheet stores 80,000 purposes; json.dumps makes a new encoder for each when given options)
_STORED = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def parsed(line: str) -> dict | None:
    """The code and parameters of a stored program-made purpose; None for any other line."""
    text = (line or "").strip()
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or value.get("purpose") not in CODES:
        return None
    return value


def _said(value: dict) -> str:
    params = {}
    for name, param in value.items():
        if name == "purpose":
            continue
        if name == "scale":
            param = scale_name(str(param))
        elif name == "names" and isinstance(param, list):
            param = category_names_text(param)
        elif isinstance(param, list):
            param = join_list(str(p) for p in param)
        params[name] = param
    return _(CODES[value["purpose"]]).format_map(_Blank(params))


class _Blank(dict):
    """A parameter a later release may leave out says nothing rather than failing the page."""

    def __missing__(self, key):
        return ""


def purpose_text(line: str) -> str:
    """One stored purpose in the active language (a line the clerk wrote: as written)."""
    value = parsed(line)
    if value is not None:
        return _said(value)
    return retell(line, TEMPLATES, {"scale": _scale, "names": item_names})


def is_programs(line: str) -> bool:
    """Whether a stored purpose line is one the program made (a code with its parameters)."""
    return parsed(line) is not None


def purposes_of(stored: str | None) -> list[str]:
    """A visit's stored purposes (one per line) in the active language."""
    return [purpose_text(line) for line in (stored or "").split("\n") if line.strip()]
