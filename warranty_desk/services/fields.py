"""Parsing and checking one field value, shared by the forms and the importers.

Each function returns the clean value or raises `ValueError` with a message that says what to
write instead; callers attach the field or the sheet row and column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from warranty_desk.i18n import _

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_PHONE = re.compile(r"^\+?[0-9][0-9\- ()]{4,30}(\s*(转|ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)


# every kind of dash offices type (hyphen, en/em dash, minus, full-width and small hyphen-minus) as '-'
DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")


def half_width(value: str) -> str:
    """Full-width digits, letters and punctuation as half-width (NFKC), every dash as '-', trimmed:
    for codes, numbers, dates and phone numbers — never for free text, which stays as typed."""
    return unicodedata.normalize("NFKC", value).translate(DASHES).strip()


def code(value, max_length: int | None = None, label: str = "") -> str:
    """A code (工程编号, 房号): half-width, so that ＧＣ－２０２４ and GC-2024 are the same code."""
    return text(half_width(str(value)) if value is not None and not isinstance(value, float) else value,
                max_length, label)


def text(value, max_length: int | None = None, label: str = "") -> str:
    if value is None:
        return ""
    result = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        result = str(int(value))
    if max_length and len(result) > max_length:
        raise ValueError(_("{label}太长（{n}字），最多{max_length}字，请删减").format(label=label, n=len(result), max_length=max_length))
    return result


def date(value) -> dt.date | None:
    """A date from a real date cell or text like 2024-06-15; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    if " " in raw and raw.split(" ", 1)[1] in ("00:00:00", "0:00:00", "00:00"):
        raw = raw.split(" ", 1)[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise ValueError(_("“{raw}”不是一个存在的日期").format(raw=raw)) from None
    raise ValueError(_("“{raw}”不是日期，请写成 2024-06-15 的格式").format(raw=raw))


def money(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    raw = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace("元", "")  # i18n: data (a unit typed after the number)
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(_("“{value}”不是金额，请只写数字，例如 1234.50").format(value=value)) from None
    if not amount.is_finite():
        raise ValueError(_("“{value}”不是金额").format(value=value))
    if amount < 0:
        raise ValueError(_("金额不能是负数"))
    return amount.quantize(Decimal("0.01"))


def integer(value, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError(_("“{value}”不是整数").format(value=value)) from None
    if not number.is_integer():
        raise ValueError(_("“{value}”不是整数").format(value=value))
    number = int(number)
    if not low <= number <= high:
        raise ValueError(_("应在 {low} 到 {high} 之间").format(low=low, high=high))
    return number


def phone(value) -> str:
    result = text(value)
    if not result:
        return ""
    if not _PHONE.match(result):
        raise ValueError(_("电话号码“{result}”只能包含数字、空格、-、+ 和括号（分机可写“转123”）").format(result=result))
    return result


def choice(value, options: tuple[str, ...], label: str) -> str:
    result = text(value)
    if result not in options:
        raise ValueError(_("{label}“{result}”不在可选范围内，应为：{options}").format(label=label, result=result, options=" / ".join(options)))
    return result


def keyed_choice(value, keys: tuple[str, ...], key_of, name_of, label: str) -> str:
    """A stored key from its key or its name in either language (`key_of`); a message that lists
    the names in the active language (`name_of`) otherwise."""
    result = text(value)
    if not result:
        return result
    key = key_of(result)
    if key not in keys:
        raise ValueError(_("{label}“{result}”不在可选范围内，应为：{options}").format(
            label=label, result=result, options=" / ".join(name_of(k) for k in keys)))
    return key


def checked(parse, value, label: str, field: str, required: bool = False):
    """One form value parsed by `parse`; a ValidationError on `field` that names `label` when the
    value is wrong, or missing while `required`."""
    from ..errors import ValidationError
    from ..i18n import _

    try:
        result = parse(value)
    except ValueError as exc:
        message = str(exc)
        raise ValidationError(message if message.startswith(label) else f"{label}：{message}", field=field) from None
    if required and result in (None, ""):
        raise ValidationError(_("请填写{label}").format(label=label), field=field)
    return result
