"""`warranty-desk backup -o FILE` and `warranty-desk restore FILE` (registered by cli.build_parser)."""

from __future__ import annotations

from ..i18n import _


def cmd_backup(args) -> int:
    from ..errors import ValidationError
    from ..paths import default_database
    from ..services import backup
    from .common import _open

    _open(args)
    backup.remove_leftovers(args.db or default_database())
    if not args.output.lower().endswith(backup.SUFFIX):
        raise ValidationError(_("备份文件名须以 {suffix} 结尾，例如 -o 保修台备份.wdbak").format(suffix=backup.SUFFIX))
    manifest = backup.backup_to(args.output)
    files = sum(1 for n in manifest.files if n.startswith("attachments/"))
    print(_("已备份到 {path}：{projects}个工程，{tickets}张工单，{visits}次回访，{files}个附件文件").format(
        path=args.output, projects=manifest.counts.get("project", 0), tickets=manifest.counts.get("ticket", 0),
        visits=manifest.counts.get("visit", 0), files=files))
    if manifest.missing_attachments:
        print(_("注意：有{n}个附件文件在附件文件夹中找不到，未能备份").format(n=len(manifest.missing_attachments)))
    if manifest.audit_breaks:
        print(_("注意：修改记录的校验链不符：{what}。请运行 warranty-desk verify 查看").format(what=manifest.audit_breaks[0]))
    if manifest.altered_attachments:
        print(_("注意：有{n}个附件文件与其校验值不符（被改动过），未能备份：请运行 warranty-desk verify 查看").format(
            n=len(manifest.altered_attachments)))
    return 0


def cmd_restore(args) -> int:
    """Restore into the database named by --db: a damaged, empty or unreadable file is replaced (and
    kept aside), never opened for writing; a server is opened first."""
    from ..db import is_url, open_database
    from ..paths import default_database
    from ..services import backup, settings

    backup.verify(args.file)  # refuse a foreign or damaged file before touching anything
    target = args.db or default_database()
    backup.remove_leftovers(target)
    if is_url(target):
        open_database(target)
    result = backup.restore_from(args.file, target=target)
    settings.ensure_defaults()
    print(backup.restore_summary(result))
    return 0


def register(sub) -> None:
    p = sub.add_parser("backup", help=_("把数据库和全部附件备份到一个文件"))
    p.add_argument("-o", "--output", required=True, help=_("备份文件（.wdbak）"))
    p.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", help=_("从备份文件恢复（当前数据先原样保留）"))
    r.add_argument("file", help=_("备份文件（.wdbak）"))
    r.set_defaults(func=cmd_restore)
