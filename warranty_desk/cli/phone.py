"""The phone companion on the command line (registered by cli.build_parser):

    warranty-desk serve --host 192.168.1.10 --port 8765 [--cert FILE --key FILE] [--public-url URL]
    warranty-desk phone pair STAFF_NAME [--url URL]     a one-time pairing link (and QR code) for a phone
    warranty-desk phone devices [--json]                the paired phones, last seen
    warranty-desk phone revoke DEVICE_ID [--reason …]   take a phone's pairing back
"""

from __future__ import annotations

import json
import logging
import sys

from ..i18n import _
from .language import json_compatible


def _staff_id(name: str) -> int:
    from ..errors import ValidationError
    from ..services.staff import list_staff

    match = [s for s in list_staff() if s.name == name.strip()]
    if not match:
        raise ValidationError(_("没有名为“{name}”的员工").format(name=name))
    return match[0].id


def cmd_serve(args) -> int:
    from .. import i18n
    from ..services import settings
    from ..web.server import ServeOptions, serve_forever
    from .common import _open

    _open(args)
    # the crews' pages speak the office's language (--lang, else the setting and its default), never
    # the server's environment (a server's LANG is often en_US)
    i18n.set_locale(getattr(args, "lang", None) or settings.get("language") or i18n.SOURCE_LOCALE)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    options = ServeOptions(args.host, args.port, args.cert, args.key)
    print(_("手机端服务：{url}（Ctrl+C 停止）").format(url=options.url()), flush=True)
    try:
        serve_forever(options, args.public_url)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_pair(args) -> int:
    import segno

    from ..errors import ValidationError
    from ..services import phones
    from .common import _open

    _open(args)
    announced = phones.announced_server()
    base = args.url or (announced["url"] if announced else None)
    if not base:
        raise ValidationError(_("不知道手机端服务的地址：请先启动 warranty-desk serve，或用 --url 指定"))
    info = phones.create_pairing(_staff_id(args.staff))
    link = pairing_link(base, info["code"])
    print(_("{name} 的配对链接（{until} 前有效，只能用一次）：").format(name=info["staff_name"],
                                                           until=f"{info['expires_at']:%H:%M}"))
    print(link)
    if not args.no_qr:
        segno.make(link, error="m").terminal(compact=True)
    return 0


def pairing_link(base: str, code: str) -> str:
    """The address a phone opens to pair: the code rides in the #fragment, which a browser never sends."""
    return base.rstrip("/") + "/pair#c=" + code


def cmd_devices(args) -> int:
    from ..services import phones
    from .common import _open

    _open(args)
    rows = phones.list_devices()
    if args.json:
        print(json.dumps(json_compatible(rows), ensure_ascii=False, indent=2, default=str))
        return 0
    for d in rows:
        state = _("已撤销 {day}").format(day=f"{d['revoked_at']:%Y-%m-%d}") if d["revoked_at"] else _("在用")
        seen = f"{d['last_seen_at']:%Y-%m-%d %H:%M}" if d["last_seen_at"] else "—"
        print(f"{d['id']:>4}  {d['staff_name']}  {d['name']}  " + _("配对 {paired}  最近 {seen}  {state}").format(
            paired=f"{d['paired_at']:%Y-%m-%d}", seen=seen, state=state))
    print(_("共{n}部手机").format(n=len(rows)))
    return 0


def cmd_revoke(args) -> int:
    from ..services import phones
    from .common import _open

    _open(args)
    device = phones.revoke(args.device_id, args.reason or "")
    print(_("已撤销：{name}").format(name=device.name))
    return 0


def register(sub) -> None:
    s = sub.add_parser("serve", help=_("启动手机端服务（无界面，例如在服务器上与 PostgreSQL 一起运行）"))
    s.add_argument("--host", required=True, help=_("绑定的地址，例如 192.168.1.10（只在这个地址上提供服务）"))
    s.add_argument("--port", type=int, default=8765, help=_("端口（默认 8765）"))
    s.add_argument("--cert", help=_("HTTPS 证书文件（PEM）；不给则为 HTTP"))
    s.add_argument("--key", help=_("HTTPS 私钥文件（PEM）"))
    s.add_argument("--public-url", help=_("手机访问的地址（经反向代理时），默认由 --host 和 --port 得出"))
    s.add_argument("--lang", choices=("zh_CN", "en"), help=_("手机页面的语言（默认用设置里的语言）"))
    s.set_defaults(func=cmd_serve)
    phone = sub.add_parser("phone", help=_("手机端：配对、列出、撤销手机"))
    phone_sub = phone.add_subparsers(dest="verb", required=True)
    p = phone_sub.add_parser("pair", help=_("为员工生成一次性配对链接（10 分钟内有效）"))
    p.add_argument("staff", help=_("员工姓名"))
    p.add_argument("--url", help=_("手机端服务的地址（默认：正在运行的 serve 登记的地址）"))
    p.add_argument("--no-qr", action="store_true", help=_("不在终端里显示二维码"))
    p.set_defaults(func=cmd_pair)
    d = phone_sub.add_parser("devices", help=_("列出已配对的手机"))
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_devices)
    r = phone_sub.add_parser("revoke", help=_("撤销一部手机的配对"))
    r.add_argument("device_id", type=int, help=_("手机编号（phone devices 中的编号）"))
    r.add_argument("--reason", help=_("原因"))
    r.set_defaults(func=cmd_revoke)
