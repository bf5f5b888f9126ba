"""What every verb shares: opening the database for a command (the file checked first, a password
asked at a terminal, the setting's language followed), date and time arguments, `--json` or lines for a
person, adding verbs to an existing group."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal

from ..errors import ValidationError
from ..i18n import N_, _
from . import language as cli_language
from .language import json_compatible


def date_arg(text: str) -> dt.date:
    """A date option (YYYY-MM-DD), for argparse: every verb's dates are read by this one function."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(_("“{text}”不是日期，请写成 2026-07-01").format(text=text)) from None


def moment_arg(text: str, label: str = N_("时间")) -> dt.datetime | None:
    """A date-and-time option (2026-11-29 14:30, or a date: 09:00 that day), read as the services read it."""
    from ..services.tickets import parse_moment

    try:
        return parse_moment(text, _(label))
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


CLI_BUSY_TIMEOUT_MS = 30_000


_early: dict = {}  # the check of the database file, begun while the command line loads (main)


def _open(args):
    """Open the database for a command: an SQLite file is checked first (quick_check, begun early) and a
    damaged, empty, cut-short or foreign file is refused in one line before anything is written."""
    from ..db import open_database
    from ..paths import default_database
    from ..services import settings
    from ..services.integrity import require_sound_file

    target = args.db or default_database()
    require_sound_file(target, _early.get("check"))
    # the command line waits longer than a window for another writer (a colleague's import)
    try:
        db = open_database(target, busy_timeout_ms=CLI_BUSY_TIMEOUT_MS)
    except Exception as exc:
        if not _ask_password(target, exc):
            raise
        db = open_database(target, busy_timeout_ms=CLI_BUSY_TIMEOUT_MS)
    settings.ensure_defaults()
    cli_language.follow_the_setting()
    return db


def _ask_password(target: str, exc: Exception) -> bool:
    """At a terminal, a server that wants a password this PC has not stored: ask for it (not echoed,
    kept for this command only). In a script: the one-line error stands (or set PGPASSWORD)."""
    import getpass

    from .. import passwords

    text = str(exc).lower()
    if "://" not in target or not ("no password supplied" in text or "password authentication failed" in text):
        return False
    if not sys.stdin.isatty():
        return False
    secret = getpass.getpass(_("数据库 {account} 的密码：").format(account=passwords.account(target)))
    if not secret:
        return False
    passwords.remember_for_session(target, secret)
    return True


def open_db(args):
    return _open(args)


def verbs_of(sub, group: str):
    """The sub-command list of an existing verb group (`deposit`, `ticket`, `visits`, `print`…), so
    a module adds its verbs without editing the module that made the group."""
    parser = sub.choices[group]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise KeyError(group)


def _default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    raise TypeError(f"not JSON: {value!r}")


def emit(args, data, lines) -> int:
    """`--json`: the data; else the lines for a person."""
    if getattr(args, "json", False):
        print(json.dumps(json_compatible(data), ensure_ascii=False, indent=2, default=_default))
    else:
        for line in lines() if callable(lines) else lines:
            print(line)
    return 0
