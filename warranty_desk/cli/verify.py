"""`warranty-desk verify`: the database, the audit log's hash chain, the attachment files (registered by
cli.build_parser). Exit 0 when everything matches, 2 when something does not (each named)."""

from __future__ import annotations

import json
import sys

from ..i18n import _


def cmd_verify(args) -> int:
    from ..db import is_url, open_database
    from ..paths import default_database
    from ..services import backup, verify
    from ..services.integrity import require_sound_file

    target = args.db or default_database()
    require_sound_file(target)  # a damaged file: told in one line, like every command
    db = open_database(target, create=False)  # nothing written: a dropped guard is reported, not mended
    file = None if is_url(target) else target
    report = verify.verify(db, file=file, folders=backup.offer_folders(target))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(_("数据库：{target}").format(target=backup.database_target(db) if file else _masked(target)))
        for line in report.lines():
            print(line)
    if report.ok:
        if not args.json:
            print(_("一切正常（用时 {seconds:.1f} 秒）").format(seconds=report.elapsed_s))
        return 0
    print(_("发现 {n} 处不符：{first}").format(n=len(report.problems), first=report.problems[0].text), file=sys.stderr)
    return 2


def _masked(target: str) -> str:
    from ..db_check import mask_password

    return mask_password(target)


def register(sub) -> None:
    p = sub.add_parser("verify", help=_("核验数据库、修改记录的校验链和附件文件"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify)
