"""Parsing and checking one field value, shared by the forms and the importers.

Each function returns the clean value or raises `ValueError` with a message that says what to
write instead; callers attach the field or the sheet row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_PHONE = re.compile(r"^\+?[0-9][0-9\- ()]{4,30}(\s*(转|ext\.?|x)\s*[0-9]{1,6})?$", re.IGNORECASE)


def text(value, max_length: int | None = None, label: str = "") -> str:
    if value is None:
        return ""
    result = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        result = str(int(value))
    if max_length and len(result) > max_length:
        raise ValueError(f"{label}太长（{len(result)}字），最多{max_length}字")
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
                raise ValueError(f"“{raw}”不是一个存在的日期") from None
    raise ValueError(f"“{raw}”不是日期，请写成 2024-06-15 的格式")


def money(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    raw = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").replace("元", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{value}”不是金额，请只写数字，例如 1234.50") from None
    if not amount.is_finite():
        raise ValueError(f"“{value}”不是金额")
    if amount < 0:
        raise ValueError("金额不能是负数")
    return amount.quantize(Decimal("0.01"))


def integer(value, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError(f"“{value}”不是整数") from None
    if not number.is_integer():
        raise ValueError(f"“{value}”不是整数")
    number = int(number)
    if not low <= number <= high:
        raise ValueError(f"应在 {low} 到 {high} 之间")
    return number


def phone(value) -> str:
    result = text(value)
    if not result:
        return ""
    if not _PHONE.match(result):
        raise ValueError(f"电话号码“{result}”只能包含数字、空格、-、+ 和括号（分机可写“转123”）")
    return result


def choice(value, options: tuple[str, ...], label: str) -> str:
    result = text(value)
    if result not in options:
        raise ValueError(f"{label}“{result}”不在可选范围内，应为：{' / '.join(options)}")
    return result
