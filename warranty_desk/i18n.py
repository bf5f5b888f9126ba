"""Translations and locale formatting. Chinese (zh_CN) is the source language: `_()` returns
the Chinese text unchanged unless another locale's catalog is active.

Two ways a language becomes active:
- `set_locale(name)`: the program's language (the window, the command line), for the whole process;
- `override(name)`: a block of work in another language on this thread only — a document printed
  in English from the Chinese window (or the reverse). Inside the block `_()`, `ngettext()` and the
  `format_*` helpers speak that language, also in the rules and services the document calls, while
  the window on the UI thread keeps its own (Django's `translation.override`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import logging
import os
import re
from contextvars import ContextVar
from decimal import Decimal
from gettext import GNUTranslations, NullTranslations
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

from .paths import resources_dir

log = logging.getLogger(__name__)

SOURCE_LOCALE = "zh_CN"
LOCALES = ("zh_CN", "en")

_translations: NullTranslations = NullTranslations()
_locale = SOURCE_LOCALE
# (locale, catalog) while an `override` block runs on this thread (a new thread starts without one)
_override: ContextVar[tuple[str, NullTranslations] | None] = ContextVar("warranty_desk_language", default=None)


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
            return GNUTranslations(buf)
        if mo.is_file():
            with open(mo, "rb") as fp:
                return GNUTranslations(fp)
    except Exception:  # a damaged catalog must not stop the program: show Chinese and say why in the log
        log.exception("cannot read the %s catalog in %s", name, folder)
        return NullTranslations()
    log.warning("no catalog for %s in %s; showing Chinese", name, folder)
    return NullTranslations()


def current_locale() -> str:
    """The language `_()` speaks here: an `override` block's, else the program's."""
    active = _override.get()
    return active[0] if active is not None else _locale


_catalogs: dict[str, NullTranslations] = {}


def catalog(lang: str) -> NullTranslations:
    """The translations of `lang` (loaded once per process; Chinese is the source: no catalog)."""
    if lang == SOURCE_LOCALE:
        return NullTranslations()
    if lang not in _catalogs:
        _catalogs[lang] = load_catalog(lang)
    return _catalogs[lang]


@contextlib.contextmanager
def override(lang: str):
    """Speak `lang` inside the block, on this thread only (see the module's docstring). An unknown
    language is refused: a paper is printed in a language the program has, or not at all."""
    if lang not in LOCALES:
        raise ValueError(f"unknown language {lang!r}; the program speaks {', '.join(LOCALES)}")
    token = _override.set((lang, catalog(lang)))
    try:
        yield
    finally:
        _override.reset(token)


def _active() -> NullTranslations:
    active = _override.get()
    return active[1] if active is not None else _translations


def gettext_for(lang: str | None):
    """A `_` for one language regardless of the active one (None: the active one). Prefer
    `with override(lang):`, which reaches the rules and services a document calls as well."""
    if lang is None:
        return _
    if lang not in LOCALES or lang == SOURCE_LOCALE:
        return NullTranslations().gettext
    gettext = catalog(lang).gettext
    return lambda message: gettext(message) if message else message


def key_of(value, keys, name, legacy: dict | None = None, aliases: dict | None = None):
    """The stored key (one of `keys`) that `value` names: the key itself, a label an earlier release
    stored (`legacy`), an alias, or its name (`name(key)`) in any language the program speaks, in
    any case. Anything else comes back as given, for the rule that refuses it to name it."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text in keys:
        return text
    if legacy and text in legacy:
        return legacy[text]
    wanted = text.casefold()
    if aliases and wanted in aliases:
        return aliases[wanted]
    for key in keys:
        if wanted == key.casefold() or wanted == key.replace("_", " ").casefold():
            return key
    for lang in LOCALES:
        with override(lang):
            for key in keys:
                if wanted == name(key).casefold():
                    return key
    return value


def _(message: str) -> str:
    # gettext("") would answer the catalog's header: an empty stored value stays empty
    return _active().gettext(message) if message else message


def N_(message: str) -> str:
    """Marks a string for extraction without translating it (labels kept in data tables);
    the place that shows it calls `_()` on the value."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 - the marker's conventional name
    """N_ with a context: a word whose translation depends on where it is used ("一般" is a
    normal urgency, but a neutral satisfaction grade); shown through `pgettext(context, value)`."""
    return message


def pgettext(context: str, message: str) -> str:
    return str(_active().pgettext(context, message)) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active().ngettext(singular, plural, n)


_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}")


@functools.cache
def _wording_pattern(wording: str) -> tuple[re.Pattern, dict[str, str]]:
    """A regular expression that matches what `wording.format(...)` made, and each field's format."""
    parts, specs, pos = [], {}, 0
    for m in _FIELD.finditer(wording):
        parts.append(re.escape(wording[pos:m.start()].replace("{{", "{").replace("}}", "}")))
        name = m.group(1)
        parts.append(f"(?P<{name}>.+?)" if name not in specs else f"(?P={name})")
        specs[name] = m.group(2) or ""
        pos = m.end()
    parts.append(re.escape(wording[pos:].replace("{{", "{").replace("}}", "}")))
    return re.compile("".join(parts) + r"\Z", re.S), specs


def retell(text: str, templates, convert: dict | None = None, other=None) -> str:
    """A text that the program once made from one of `templates` (msgids) and stored — in whichever
    language it spoke then — said again in the active language; any other text as it is.

    `convert` maps a field to a function that says its captured value in the active language
    (a warranty item's name, a project's scale); numbers written with a format (`{n:,}`) come back
    as numbers. This is how stored sentences (a visit's purposes, a warranty decision) print in the
    language of the paper until they are stored as a key with parameters."""
    stripped = (text or "").strip()
    if not stripped:
        return text
    for template in templates:
        for lang in LOCALES:
            pattern, specs = _wording_pattern(gettext_for(lang)(template))
            m = pattern.match(stripped)
            if m is None:
                continue
            values = {}
            for name, value in m.groupdict().items():
                if any(c in specs[name] for c in ",d"):
                    try:
                        value = int(value.replace(",", ""))
                    except ValueError:
                        break
                elif convert and name in convert:
                    value = convert[name](value)
                elif other is not None:
                    value = other(value)
                values[name] = value
            else:
                return _(template).format(**values)
    return text


# --- program-made sentences stored as their template and parameters ----------------------------
# A sentence the program writes onto a record that is kept (an audit note, a decision) is stored as
# `said(template, **params)`: one JSON object {"said": msgid, "with": {...}} that `say` turns into
# the sentence in the active language whenever it is read. A parameter is plain text or a number (as
# given: a ticket number, a date, what the clerk typed), a nested `said(...)`, or a stored key to be
# named (`keyed(kind, key)`, named by the function registered for that kind with `namer`). Text an
# earlier release stored as a finished sentence is recognised by `say`'s `templates` (retell), in
# either language; anything else is shown as stored.
_NAMERS: dict = {}


def namer(kind: str, name) -> None:
    """Register how a stored key of `kind` is named (a grade, a payer, a cause) for `keyed`."""
    _NAMERS[kind] = name


def keyed(kind: str, key: str) -> dict:
    """A parameter of `said` that is a stored key, named in the reader's language."""
    return {"key": key, "as": kind}


def said(template: str, **params) -> str:
    """`template` (a msgid, marked N_) with its parameters, stored as data (see above)."""
    import json

    return json.dumps(nested(template, **params), ensure_ascii=False, sort_keys=True, default=str)


def nested(template: str, **params) -> dict:
    """A sentence (or word) said inside another's parameters: said(A, b=nested(B))."""
    return {"said": template, "with": params}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def _said_value(value):
    if isinstance(value, dict):
        if "said" in value:
            return _said_text(value)
        if "key" in value and "as" in value:
            name = _NAMERS.get(value["as"])
            return name(value["key"]) if name is not None else str(value["key"])
    if isinstance(value, list):
        return join_list(_said_value(v) for v in value)
    return value


def _said_text(value: dict) -> str:
    given = value.get("with")
    params: dict = given if isinstance(given, dict) else {}
    try:
        return _(str(value["said"])).format_map(_Blank({k: _said_value(v) for k, v in params.items()}))
    except (ValueError, IndexError, AttributeError):  # a template another release changed: its own words
        return str(value["said"])


def said_text(value: dict) -> str:
    """A sentence made with `nested(...)` (not yet stored) in the active language."""
    return _said_text(value)


JOINED = N_("{first}；{then}")  # two of the program's sentences in one note (a history step, an intake)


def joined(*parts: dict | None) -> dict | None:
    """Several `nested(...)` sentences said as one, in order (None where a part is missing)."""
    present = [p for p in parts if p]
    if not present:
        return None
    out = present[-1]
    for part in reversed(present[:-1]):
        out = nested(JOINED, first=part, then=out)
    return out


def said_parts(stored: str | None) -> dict | None:
    """The template and parameters of a stored `said(...)`; None for any other text."""
    text = (stored or "").strip()
    if not text.startswith('{"said"') and not (text.startswith("{") and '"said"' in text):
        return None
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) and isinstance(value.get("said"), str) else None


def say(stored: str | None, templates=(), convert: dict | None = None) -> str:
    """A stored program-made sentence in the active language: a `said(...)` made into its sentence;
    a finished sentence an earlier release stored from one of `templates` said again (retell); any
    other text (what a clerk typed) as stored."""
    value = said_parts(stored)
    if value is not None:
        return _said_text(value)
    # a word the program put into the sentence (我方承担, a cause) is a msgid: said in the active language
    return retell(stored or "", templates, convert, other=_) if templates else (stored or "")


def join_list(items, sep: str | None = None) -> str:
    """Names in a row: 装修工程、电气管线 in Chinese, "Decoration works, Electrical wiring" in English."""
    return (sep if sep is not None else _("、")).join(str(item) for item in items if item)


def _babel_locale() -> Locale:
    return _parsed_locale(current_locale())


@functools.lru_cache(maxsize=8)
def _parsed_locale(name: str) -> Locale:
    # babel (its date and number tables, ~20 ms) is imported by the first date or sum shown, not before
    # the window (issue 20)
    from babel import Locale

    return Locale.parse(name)  # once per language: a list of money cells asked for it cell by cell


def format_date(value: dt.date | None, fmt: str = "long") -> str:
    """2026年3月15日 in Chinese, Mar 15, 2026 in English; '' for no date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if current_locale() == "en" and fmt == "long":
        fmt = "medium"
    from babel.dates import format_date as _babel_date

    return _babel_date(value, format=fmt, locale=_babel_locale())


def format_datetime(value: dt.datetime | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    from babel.dates import format_datetime as _babel_datetime

    return _babel_datetime(value, format=fmt, locale=_babel_locale())


def format_money(amount: Decimal | float | int | None) -> str:
    """¥1,234.50 in both locales (CNY)."""
    if amount is None:
        return ""
    from babel.numbers import format_currency

    return format_currency(amount, "CNY", locale=_babel_locale(), currency_digits=True).replace("CN¥", "¥")


def format_number(value, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    from babel.numbers import format_decimal

    return format_decimal(value, format=pattern, locale=_babel_locale())


def format_month(year: int, month: int) -> str:
    """7月 / Jul: a month's short name (a chart's axis)."""
    from babel.dates import format_date as _babel_date

    return _babel_date(dt.date(year, month, 1), format="LLL", locale=_babel_locale())


# --- which language the command line speaks ---------------------------------------------------

# POSIX order: LANGUAGE (a list, as gettext reads it), LC_ALL, LC_MESSAGES, LANG
ENV_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def locale_of(name: str | None) -> str | None:
    """One of LOCALES for a system locale name (zh_CN.UTF-8, en_US, English_United States,
    Chinese (Simplified)_China), or None when it says nothing (C, POSIX, empty)."""
    name = (name or "").strip()
    if not name or name.split(".")[0].upper() in ("C", "POSIX"):
        return None
    lowered = name.lower()
    if lowered.startswith(("zh", "chinese")):
        return SOURCE_LOCALE
    # any other language reads English sooner than Chinese
    return "en"


def locale_from_environment(environ=None) -> str | None:
    """The language the user's environment asks for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; on
    Windows, without them, the system's locale), or None when it does not say."""
    environ = os.environ if environ is None else environ
    for var in ENV_VARS:
        value = environ.get(var, "")
        if var == "LANGUAGE":
            value = value.split(":")[0]
        if value:
            return locale_of(value)
    if os.name == "nt" and environ is os.environ:
        import locale as _locale_module

        return locale_of(_locale_module.getlocale()[0] or "")
    return None
