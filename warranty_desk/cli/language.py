"""Which language the `warranty-desk` command speaks — its help, messages, errors and the papers it
prints — and argparse's own words in it.

The language is `--lang` (anywhere on the line), else the office's setting (设置 → 界面语言, when the
office chose one), else the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG; on Windows the
system's locale), else Chinese. The setting is read before the command runs from an SQLite file
(read-only, without creating or migrating anything); a PostgreSQL office's setting is followed from
the moment the command opens the database (`follow_the_setting`), so its help follows the
environment.

Names of stored values (urgencies, states, methods…) are accepted in either language on the command
line (`stored_value`): `--urgency urgent` is `--urgency 紧急`, so English help can list English names.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
from pathlib import Path
from typing import overload

from .. import i18n
from ..i18n import N_, _

OPTION = "option"
SETTING = "setting"
ENVIRONMENT = "environment"
DEFAULT = "default"

_chosen = {"lang": i18n.SOURCE_LOCALE, "source": DEFAULT}


def _option(argv: list[str], name: str) -> str | None:
    """The value of `--name VALUE` or `--name=VALUE` (the last one given), before any `--`."""
    value = None
    for n, token in enumerate(argv):
        if token == "--":
            break
        if token == name and n + 1 < len(argv):
            value = argv[n + 1]
        elif token.startswith(name + "="):
            value = token.split("=", 1)[1]
    return value


def _database(argv: list[str]) -> str | None:
    """The database the command will open, as `cli._open` finds it (without creating anything)."""
    given = _option(argv, "--db")
    if given:
        return given
    from ..paths import default_database

    return default_database(create=False)


def stored_language(target: str | None) -> str | None:
    """The language the office chose in 设置 (None when it never chose, or the database cannot be
    read cheaply: not a file, not there, locked, damaged, a PostgreSQL address)."""
    if not target or "://" in target or not Path(target).is_file():
        return None
    try:
        conn = sqlite3.connect(Path(target).resolve().as_uri() + "?mode=ro", uri=True, timeout=0.5)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = 'language'").fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, OSError, ValueError):
        return None
    try:
        value = json.loads(row[0]) if row else None
    except (TypeError, ValueError):
        return None
    return value if value in i18n.LOCALES else None


def choose(argv: list[str], environ=None) -> tuple[str, str]:
    """(language, where it came from) for this command line."""
    given = _option(argv, "--lang")
    if given in i18n.LOCALES:
        return given, OPTION
    stored = stored_language(_database(argv))
    if stored:
        return stored, SETTING
    from_env = i18n.locale_from_environment(environ)
    if from_env:
        return from_env, ENVIRONMENT
    return i18n.SOURCE_LOCALE, DEFAULT


def install(argv: list[str], environ=None) -> str:
    """Speak the language of this command line from now on (argparse's words too)."""
    lang, source = choose(argv, environ)
    _chosen.update(lang=lang, source=source)
    i18n.set_locale(lang)
    setattr(argparse, "_", _argparse_gettext)  # noqa: B010 - argparse looks its words up through these
    setattr(argparse, "ngettext", _argparse_ngettext)  # noqa: B010
    return lang


@contextlib.contextmanager
def speaking(argv: list[str], environ=None):
    """The command's language while it runs; the process's language again afterwards (a command
    run in-process, as the tests and the window's smoke run do, leaves no trace)."""
    before = i18n.current_locale()
    words = getattr(argparse, "_"), getattr(argparse, "ngettext")  # noqa: B009
    install(argv, environ)
    try:
        yield
    finally:
        i18n.set_locale(before)
        setattr(argparse, "_", words[0])  # noqa: B010
        setattr(argparse, "ngettext", words[1])  # noqa: B010


def language() -> str:
    return _chosen["lang"]


def follow_the_setting() -> None:
    """Once the database is open: the office's setting, unless `--lang` said otherwise (a PostgreSQL
    office's setting could not be read before)."""
    if _chosen["source"] == OPTION:
        return
    from ..models import Setting

    row = Setting.get_or_none(Setting.key == "language")
    try:
        value = json.loads(row.value) if row is not None else None
    except ValueError:
        value = None
    if value in i18n.LOCALES and value != _chosen["lang"]:
        _chosen.update(lang=value, source=SETTING)
        i18n.set_locale(value)


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """`--lang` on the command and on every verb that does not have its own (given anywhere, it is
    the same choice: `install` reads it from the whole line)."""
    seen = set()

    def walk(p):
        if id(p) in seen:
            return
        seen.add(id(p))
        if "--lang" not in p._option_string_actions:
            p.add_argument("--lang", choices=i18n.LOCALES, default=argparse.SUPPRESS,
                           help=_("语言：zh_CN 中文，en 英文（默认按设置，其次按系统语言）"))
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    walk(child)

    walk(parser)


def document_language(args) -> str:
    """The language of a paper this command prints: its `--lang`, else the command's language."""
    return getattr(args, "lang", None) or language()


@overload
def stored_value(text: str, values, name) -> str: ...
@overload
def stored_value(text: None, values, name) -> None: ...
def stored_value(text: str | None, values, name) -> str | None:
    """The stored value (one of `values`) that `text` names: the value itself, or its name in
    either language (`name` is the value's mapping function, e.g. sla.urgency_name), any case.
    Text that names none of them is returned as given (the service refuses it, saying why)."""
    if text is None:
        return None
    wanted = text.strip().casefold()
    for value in values:
        if wanted == value.casefold():
            return value
        for lang in i18n.LOCALES:
            with i18n.override(lang):
                if wanted == name(value).casefold():
                    return value
    return text


def _stored_labels() -> dict[str, dict[str, str]]:
    from ..rules import categories as cat
    from ..rules import responsibility as resp
    from ..rules import satisfaction, sla, staff_roles
    from ..rules import ticket_states as st
    from ..rules import visit_methods as vm
    from ..services.tickets import common as ticket_words

    states = dict(st.LABELS)
    payers = dict(resp.PAYER_NAMES)
    return {"state": states, "from": states, "to": states, "urgency": dict(sla.URGENCY_NAMES),
            "cause_class": dict(resp.CAUSE_LABELS), "payer": payers, "borne_by": payers,
            "channel": dict(ticket_words.CHANNEL_NAMES), "method": dict(vm.METHOD_NAMES),
            "type": dict(cat.TYPE_NAMES), "scale": dict(cat.SCALE_NAMES), "grade": dict(satisfaction.NAMES),
            "role": dict(staff_roles.ROLE_NAMES)}


# a key whose names depend on where it stands: a cost line's kind (in a ticket's list of costs)
_NESTED_LABELS = {("cost_lines", "kind"), ("costs", "kind")}
# a finding's area (a visit's findings; a questionnaire's areas are the office's own words)
_AREA_LABELS = {("findings", "area"), ("problems", "area")}
# the fields that hold a sentence the program stores as its template (i18n.said) since step 13
_SAID_FIELDS = {"description", "warranty_reason", "reason"}


def _purposes_compatible(stored) -> tuple[object, list]:
    """A visit's purposes as the first releases printed them (Chinese sentences) and as stored: a
    program-made purpose as its code with parameters, a clerk's line as written."""
    from ..i18n import override
    from ..rules import visit_purposes

    lines = stored if isinstance(stored, (list, tuple)) else [x for x in str(stored or "").split("\n") if x.strip()]
    with override(i18n.SOURCE_LOCALE):
        said = [visit_purposes.purpose_text(line) for line in lines]
    keys = [visit_purposes.parsed(line) or line for line in lines]
    return (said if isinstance(stored, (list, tuple)) else "\n".join(said)), keys


def json_compatible(data):
    """`--json` output as scripts written for the first releases read it: a stored key (a ticket's
    state, urgency, cause class, channel and payer, a history step's from/to, a cost line's kind and
    bearer, a visit's method and grade, a finding's area, a staff member's role, a project's type and
    scale) carries the Chinese name it always carried, and the stored key beside it as `…_key`
    (state_key, urgency_key, …); a visit's purposes are the Chinese sentences, with `purposes_key`
    (each program-made purpose as its code and parameters); a sentence stored as its template (a
    decision, a history step's reason, an imported cost line's description) is the Chinese sentence,
    with `…_key` its template and parameters. The same in every language."""
    labels = _stored_labels()
    from ..rules import finding_areas
    from ..services.tickets import common as ticket_words

    def walk(value, parent=None):
        if isinstance(value, dict):
            out: dict[str, object] = {}
            for key, item in value.items():
                names = labels.get(key) if isinstance(key, str) else None
                if (parent, key) in _NESTED_LABELS:
                    names = ticket_words.COST_KIND_NAMES
                elif (parent, key) in _AREA_LABELS:
                    names = finding_areas.AREA_NAMES
                if names is not None and isinstance(item, str) and item in names:
                    out[key] = names[item]
                    out[f"{key}_key"] = item
                elif key == "purposes" and isinstance(item, (str, list, tuple)):
                    out[key], out["purposes_key"] = _purposes_compatible(item)
                elif key in _SAID_FIELDS and isinstance(item, str) and i18n.said_parts(item) is not None:
                    # a sentence the program stored as its template: the Chinese sentence it printed before
                    with i18n.override(i18n.SOURCE_LOCALE):
                        out[key] = i18n.say(item)
                    out[f"{key}_key"] = i18n.said_parts(item)
                else:
                    out[key] = walk(item, key)
            return out
        if isinstance(value, (list, tuple)):
            return [walk(item, parent) for item in value]
        return value

    return walk(data)


def names(values, name) -> str:
    """`values` by their names in the active language, for a help text: Urgent / Normal."""
    return " / ".join(name(v) for v in values)


# --- argparse's own words (Python's English), said in our catalogs ------------------------------
# keys: argparse's message ids (3.11–3.13); values: our Chinese source whose English is argparse's
ARGPARSE = {
    "usage: ": N_("用法："),
    "positional arguments": N_("位置参数"),
    "options": N_("选项"),
    "optional arguments": N_("选项"),
    "show this help message and exit": N_("显示本帮助并退出"),
    "%(prog)s: error: %(message)s\n": N_("%(prog)s：错误：%(message)s\n"),
    "the following arguments are required: %s": N_("缺少必需的参数：%s"),
    "unrecognized arguments: %s": N_("无法识别的参数：%s"),
    "argument %(argument_name)s: %(message)s": N_("参数 %(argument_name)s：%(message)s"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_("无效的选项：%(value)r（可选：%(choices)s）"),
    "invalid %(type)s value: %(value)r": N_("无效的 %(type)s 值：%(value)r"),
    "expected one argument": N_("需要一个参数"),
    "expected at most one argument": N_("最多一个参数"),
    "expected at least one argument": N_("至少需要一个参数"),
    "ambiguous option: %(option)s could match %(matches)s": N_("有歧义的选项：%(option)s 可以是 %(matches)s"),
    "not allowed with argument %s": N_("不能与参数 %s 同时使用"),
    "ignored explicit argument %r": N_("忽略了多余的参数 %r"),
    "one of the arguments %s is required": N_("参数 %s 中须有一个"),
}


def _argparse_gettext(message: str) -> str:
    return _(ARGPARSE[message]) if message in ARGPARSE else message


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    if singular == "expected %s argument":
        return i18n.ngettext("需要 %s 个参数", "需要 %s 个参数", n)
    return singular if n == 1 else plural

