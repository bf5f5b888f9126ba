"""Every rule from the command line (issue #18): the verb groups of cli_agree, cli_deposits,
cli_visit_records, cli_safety and cli_settings, registered here with one call from cli.py.

Each verb prints `--json` when asked, exits 0 on success and 2 with a one-line reason on stderr when
it refuses (a ValidationError, turned into that by cli.main)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from decimal import Decimal

from .i18n import _


def open_db(args):
    from .cli import _open

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
        print(json.dumps(data, ensure_ascii=False, indent=2, default=_default))
    else:
        for line in lines() if callable(lines) else lines:
            print(line)
    return 0


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(_("“{text}”不是日期，请写成 2026-07-01").format(text=text)) from None


def register(sub) -> None:
    from . import cli_agree, cli_deposits, cli_safety, cli_settings, cli_visit_records

    for module in (cli_agree, cli_deposits, cli_visit_records, cli_safety, cli_settings):
        module.register(sub)
