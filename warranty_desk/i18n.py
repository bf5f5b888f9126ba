"""Translations and locale formatting. Chinese (zh_CN) is the source language: `_()` returns
the Chinese text unchanged unless another locale's catalog is active."""

from __future__ import annotations

import datetime as dt
import io
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
    _translations = load_catalog(name)


def load_catalog(name: str) -> NullTranslations:
    """The compiled catalog of a locale. A source checkout has only the .po (the .mo files are
    build products, see packaging/i18n.py): when the .mo is missing or older than the .po, the
    .po is compiled in memory, so nothing is written into the program's folder."""
    folder = resources_dir() / "locale" / name / "LC_MESSAGES"
    mo, po = folder / "messages.mo", folder / "messages.po"
    try:
        if po.is_file() and (not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime):
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            with open(po, "rb") as fp:
                catalog = read_po(fp, locale=name)
            buf = io.BytesIO()
            write_mo(buf, catalog, use_fuzzy=False)
            buf.seek(0)
            return Translations(buf, domain="messages")
        if mo.is_file():
            with open(mo, "rb") as fp:
                return Translations(fp, domain="messages")
    except Exception:  # a damaged catalog must not stop the program: show Chinese and say why in the log
        log.exception("cannot read the %s catalog in %s", name, folder)
        return NullTranslations()
    log.warning("no catalog for %s in %s; showing Chinese", name, folder)
    return NullTranslations()


def current_locale() -> str:
    return _locale


_catalogs: dict[str, NullTranslations] = {}


def gettext_for(lang: str):
    """A `_` for one language regardless of the UI's language: a document printed in English from
    the Chinese UI (or the reverse) translates its labels with `_ = i18n.gettext_for(lang)`, so the
    extraction (keyword `_`) still finds them."""
    if lang not in LOCALES or lang == SOURCE_LOCALE:
        return NullTranslations().gettext
    if lang not in _catalogs:
        _catalogs[lang] = load_catalog(lang)
    gettext = _catalogs[lang].gettext
    return lambda message: gettext(message) if message else message


def _(message: str) -> str:
    # gettext("") would answer the catalog's header: an empty stored value stays empty
    return _translations.gettext(message) if message else message


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (labels kept in data tables);
    the place that shows it calls `_()` on the value."""
    return message


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
