"""Translations and locale formatting. Chinese (zh_CN) is the source language: `_()` returns
the Chinese text unchanged unless another locale's catalog is active."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from .paths import resources_dir

log = logging.getLogger(__name__)

SOURCE_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")

_translations: NullTranslations = NullTranslations()
_locale = SOURCE_LOCALE


def set_locale(name: str) -> None:
    """Switch the active language; an unknown or missing catalog falls back to Chinese."""
    global _translations, _locale
    if name not in LOCALES:
        log.warning("unknown locale %s, using %s", name, SOURCE_LOCALE)
        name = SOURCE_LOCALE
    _locale = name
    if name == SOURCE_LOCALE:
        _translations = NullTranslations()
        return
    catalog = Translations.load(str(resources_dir() / "locale"), [name], domain="messages")
    if not isinstance(catalog, Translations):
        log.warning("no compiled catalog for %s; showing Chinese", name)
    _translations = catalog


def current_locale() -> str:
    return _locale


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def format_date(value: dt.date | None, fmt: str = "long") -> str:
    """2026年3月15日 in Chinese, Mar 15, 2026 in English; '' for no date."""
    if value is None:
        return ""
    if _locale == "en" and fmt == "long":
        fmt = "medium"
    return _babel_date(value, format=fmt, locale=Locale.parse(_locale))


def format_datetime(value: dt.datetime | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return _babel_datetime(value, format=fmt, locale=Locale.parse(_locale))


def format_money(amount: Decimal | float | int | None) -> str:
    """¥1,234.50 in both locales (CNY)."""
    if amount is None:
        return ""
    return format_currency(amount, "CNY", locale=Locale.parse(_locale), currency_digits=True).replace("CN¥", "¥")


def format_number(value, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=Locale.parse(_locale))
