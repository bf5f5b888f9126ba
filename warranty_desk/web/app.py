"""The phone companion's pages (Starlette, server-rendered with Jinja2, no build step).

A thin layer: each handler reads the request, calls the core services (services.phones,
services.field_work) on a worker thread, and renders the answer. Every rule — validation, the ticket
state machine, optimistic locking, the audit log, the attachment checks — lives in the services,
exactly as for the desktop. Only paired phones see anything but the pairing page.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import gzip
import hashlib
import io
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .. import i18n
from ..errors import ConflictError, NotFound, ValidationError
from ..i18n import _
from ..models import database_proxy
from ..services import attachments, changes, field_work, phones
from . import security

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MAX_BODY = 2 * attachments.MAX_BYTES  # one submission: a few compressed photos, far below this
THUMB_WIDTH = 480


@dataclass
class WebConfig:
    https: bool = False
    db_threads: int = 4  # the database work of requests runs on these (one connection each)
    pair_limit: security.RateLimit = field(default_factory=security.RateLimit)
    on_change: object = None  # called with the tables a phone changed (besides services.changes.notify)


def _static_version() -> str:
    digest = hashlib.sha256()
    for name in ("app.js", "app.css"):
        digest.update((HERE / "static" / name).read_bytes())
    return digest.hexdigest()[:10]


@functools.lru_cache(maxsize=4)
def _static_gzip(name: str) -> bytes:
    return gzip.compress((HERE / "static" / name).read_bytes(), compresslevel=9, mtime=0)


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["_"] = lambda text, **kw: _(text).format(**kw) if kw else _(text)
    env.globals["css"] = (HERE / "static" / "app.css").read_text(encoding="utf-8")
    env.globals["static_version"] = _static_version()
    env.filters["hm"] = lambda v: v.strftime("%m-%d %H:%M") if isinstance(v, dt.datetime) else (v or "")
    # JSON for a <script type="application/json"> block: no "</script>" can end it early
    env.filters["tojson_safe"] = lambda v: Markup(json.dumps(v, ensure_ascii=False, default=str).replace("<", "\\u003c"))
    return env


def js_texts() -> dict:
    """The words the page script shows, in the office's language (the script holds no text itself)."""
    return {
        "unsent": _("未发送"), "sending": _("发送中…"), "sent": _("已发送"), "conflict": _("有冲突"),
        "refused": _("未通过"), "offline": _("网络不通，恢复后自动发送"), "all_sent": _("全部已发送"),
        "n_unsent": _("{n} 条未发送"), "office": _("办公室的版本"), "mine": _("您的输入"),
        "resend": _("按办公室最新版本重新提交"), "discard": _("放弃这条"), "discard_ask": _("确定放弃这条未发送的内容吗？"),
        "edit": _("改好后重新提交"), "not_image": _("这不是照片，请重新选择"),
        "too_big": _("照片太大，请重新拍摄"), "photos": _("照片 {n} 张"), "signature": _("有签名"),
        "changed_by": _("办公室的修改"), "reload": _("刷新查看最新状态"), "arrived": _("已到场 {at}"),
        "server_error": _("服务器暂时出错，稍后自动重试"), "score": _("得分 {score}（{grade}）"), "no_score": _("尚未评分"),
        "saved_locally": _("已保存在本机"), "remove": _("删除"),
        # the phone's input and the office's version side by side: "label：value"
        "pair": _("{label}：{value}"), "none": _("（空）"),
        "cost_line": _("{kind}：{what} {quantity} × {price} 元，{bearer}"),
    }


class PhoneApp:
    """The routes and their handlers; `app` is the ASGI application."""

    def __init__(self, config: WebConfig | None = None):
        self.config = config or WebConfig()
        self.env = _env()
        self.pool = ThreadPoolExecutor(max_workers=self.config.db_threads, thread_name_prefix="wd-phone-db")
        # SQLite lets one writer in at a time and makes the others poll for the lock with growing sleeps:
        # the service's own writes queue here instead and follow each other at once (pages still read
        # side by side). A server database takes concurrent writers itself.
        from peewee import SqliteDatabase

        sqlite = isinstance(database_proxy.obj, SqliteDatabase)
        self.write_turn = threading.Lock() if sqlite else contextlib.nullcontext()
        routes = [
            Route("/", self.home),
            Route("/t/{ticket_id:int}", self.ticket),
            Route("/v/{visit_id:int}", self.visit),
            Route("/a/{attachment_id:int}", self.attachment),
            Route("/submit", self.submit, methods=["POST"]),
            Route("/pair", self.pair_page),
            Route("/pair", self.pair, methods=["POST"]),
            Route("/outbox", self.outbox),
            Route("/static/{name}", self.static),
            Route("/health", lambda request: PlainTextResponse("ok")),
        ]
        self.app = Starlette(routes=routes, middleware=[
            Middleware(security.Guard, max_body=MAX_BODY, https=self.config.https)])

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    # --- helpers -------------------------------------------------------------------------------
    async def run(self, fn, *args):
        """Database work off the event loop, on the service's own threads."""
        return await asyncio.get_running_loop().run_in_executor(self.pool, lambda: fn(*args))

    async def write(self, fn, *args):
        """Database work that writes: one at a time on SQLite (see write_turn)."""
        def in_turn():
            with self.write_turn:
                return fn(*args)

        return await self.run(in_turn)

    def page(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        csrf = request.cookies.get(security.CSRF_COOKIE) or security.new_csrf()
        html = self.env.get_template(template).render(
            csrf=csrf, texts=js_texts(), lang="zh-CN" if i18n.current_locale() == "zh_CN" else "en", **context)
        response = HTMLResponse(html, status_code=status)
        if request.cookies.get(security.CSRF_COOKIE) != csrf:
            security.set_cookie(response, security.CSRF_COOKIE, csrf, https=self.config.https)
        return response

    async def device(self, request: Request):
        token = request.cookies.get(security.DEVICE_COOKIE)
        if not token:
            return None
        client = request.client.host if request.client else ""
        device = await self.run(lambda: _with_staff(phones.authenticate(token, ip=client)))
        if device is not None:
            request.state.device_id = device.id
        return device

    async def paired(self, request: Request):
        """(device, None) for a paired phone, else (None, the page that says why)."""
        device = await self.device(request)
        if device is None:
            return None, self.page(request, "message.html", 401, title=_("手机未配对"),
                                   message=_("这部手机还没有配对。请到办公室，在“设置 → 手机端”为您生成配对二维码，用手机扫码。"))
        if device.revoked_at is not None:
            response = self.page(request, "message.html", 403, title=_("配对已撤销"),
                                 message=_("这部手机的配对已被办公室撤销，不能再查看或提交。需要时请让办公室重新配对。"))
            response.delete_cookie(security.DEVICE_COOKIE, path="/")
            return None, response
        return device, None

    # --- pages ---------------------------------------------------------------------------------
    async def home(self, request: Request):
        device, refused = await self.paired(request)
        if refused:
            return refused
        items = await self.run(field_work.work_list, device.staff_id)
        return self.page(request, "home.html", device=device, items=items, today=dt.date.today())

    async def ticket(self, request: Request):
        return await self._record_page(request, field_work.ticket_view, "ticket_id", "ticket.html", "t",
                                       _("找不到工单"))

    async def visit(self, request: Request):
        return await self._record_page(request, field_work.visit_view, "visit_id", "visit.html", "v",
                                       _("找不到回访"))

    async def _record_page(self, request: Request, view_of, id_param: str, template: str, name: str,
                           not_found: str):
        """One repair or visit of the paired person's work, or a 404 page saying it is not found."""
        device, refused = await self.paired(request)
        if refused:
            return refused
        try:
            view = await self.run(view_of, request.path_params[id_param], device.staff_id)
        except NotFound as exc:
            return self.page(request, "message.html", 404, title=not_found, message=exc.message, back=True)
        return self.page(request, template, device=device, max_bytes=attachments.MAX_BYTES, **{name: view})

    async def outbox(self, request: Request):
        device, refused = await self.paired(request)
        if refused:
            return refused
        return self.page(request, "outbox.html", device=device)

    async def attachment(self, request: Request):
        device, refused = await self.paired(request)
        if refused:
            return refused
        try:
            width = int(request.query_params.get("w") or 0)
        except ValueError:
            width = 0

        def load():
            att = field_work.attachment_for(request.path_params["attachment_id"], device.staff_id)
            data = attachments.read_bytes(att)
            if width and att.mime.startswith("image/"):
                return _thumbnail(data, min(max(width, 64), 1600)), "image/jpeg"
            return data, att.mime

        try:
            data, mime = await self.run(load)
        except (NotFound, ValidationError):
            return PlainTextResponse(_("找不到附件"), status_code=404)
        return Response(data, media_type=mime, headers={"cache-control": "private, max-age=86400"})

    async def static(self, request: Request):
        name = request.path_params["name"]
        types = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
        if name not in types:
            return PlainTextResponse("", status_code=404)
        headers = {"cache-control": "public, max-age=604800, immutable", "vary": "accept-encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            # the script is a third of its size gzipped: the page's buttons are live that much sooner on a
            # slow network (only these fixed files are compressed: no page that holds a token or user text)
            headers["content-encoding"] = "gzip"
            return Response(_static_gzip(name), media_type=types[name], headers=headers)
        return Response((HERE / "static" / name).read_bytes(), media_type=types[name], headers=headers)

    # --- pairing --------------------------------------------------------------------------------
    async def pair_page(self, request: Request):
        return self.page(request, "pair.html", error="", name="")

    async def pair(self, request: Request):
        client = request.client.host if request.client else ""
        form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
        name = str(form.get("name") or "")
        if not security.csrf_ok(request, _text_field(form, security.CSRF_FIELD)):
            return self.page(request, "pair.html", 403, error=_("页面已过期，请重新扫描二维码"), name=name)
        if not self.config.pair_limit.allow(client):
            return self.page(request, "pair.html", 429, error=_("配对尝试太频繁，请过几分钟再试"), name=name)
        agent = request.headers.get("user-agent", "")
        try:
            device, token = await self.write(lambda: phones.pair(_text_field(form, "code"), name, user_agent=agent, ip=client))
        except ValidationError as exc:
            return self.page(request, "pair.html", 400, error=exc.message, name=name)
        request.state.device_id = device.id
        self._changed({"phone_device"})
        response = RedirectResponse("/", status_code=303)
        security.set_cookie(response, security.DEVICE_COOKIE, token, https=self.config.https)
        return response

    # --- submissions ----------------------------------------------------------------------------
    async def submit(self, request: Request):
        device, refused = await self.paired(request)
        if refused:
            return JSONResponse({"status": "refused", "message": _("这部手机没有配对或配对已撤销，不能提交")},
                                status_code=401)
        try:
            form = await request.form(max_files=field_work.MAX_PHOTOS + 1, max_fields=20, max_part_size=256 * 1024)
        except security.BodyTooLarge:
            raise
        except Exception:  # noqa: BLE001 - a malformed body: say so, nothing written
            return JSONResponse({"status": "refused", "message": _("提交的内容格式不对，请重新提交")}, status_code=400)
        if not security.csrf_ok(request, _text_field(form, security.CSRF_FIELD)):
            return JSONResponse({"status": "refused", "message": _("页面已过期（安全校验未通过），请刷新页面后重新提交")},
                                status_code=403)
        try:
            sub = await _submission(form)
        except ValidationError as exc:
            return JSONResponse({"status": "refused", "message": exc.message, "field": exc.field}, status_code=400)
        table = "visit" if sub.kind == "visit" else "ticket"
        mark = _text_field(form, "audit_mark") or "0"
        try:
            result = await self.write(field_work.submit, device, sub)
        except ConflictError as exc:
            office = await self.run(field_work.office_version, table, sub.record_id, int(mark) if mark.isdigit() else 0)
            return JSONResponse({"status": "conflict", "message": exc.message, "office": office}, status_code=409)
        except NotFound as exc:
            return JSONResponse({"status": "refused", "message": exc.message}, status_code=404)
        except ValidationError as exc:
            return JSONResponse({"status": "refused", "message": exc.message, "field": exc.field}, status_code=400)
        if not result.get("duplicate"):
            self._changed({table, "attachment", "phone_submission"})
        return JSONResponse(json.loads(json.dumps(result, ensure_ascii=False, default=str)))

    def _changed(self, tables: set) -> None:
        changes.notify(tables)
        if callable(self.config.on_change):
            self.config.on_change(tables)


def _with_staff(device):
    if device is not None:
        device.staff  # noqa: B018 - loaded here, on the database thread
    return device


async def _submission(form) -> field_work.Submission:
    def number(name: str, required: bool = True):
        raw = str(form.get(name) or "").strip()
        if not raw and not required:
            return None
        if not raw.isdigit():
            raise ValidationError(_("提交的内容不完整（缺少{name}），请刷新页面后重新提交").format(name=name), field=name)
        return int(raw)

    try:
        fields = json.loads(str(form.get("fields") or "{}"))
    except ValueError:
        fields = None
    if not isinstance(fields, dict):
        raise ValidationError(_("提交的内容格式不对，请重新提交"), field="fields")
    photos = []
    for upload in form.getlist("photo"):
        if not hasattr(upload, "read"):
            continue
        data = await upload.read()
        if data:
            photos.append(field_work.Upload(upload.filename or "photo.jpg", data))
    signature = form.get("signature")
    signature_bytes = (await signature.read()) if hasattr(signature, "read") else None
    return field_work.Submission(
        key=str(form.get("key") or ""), kind=str(form.get("kind") or ""), record_id=number("record_id"),
        expected_version=number("expected_version", required=False), fields=fields, photos=photos,
        signature=signature_bytes or None)


def _text_field(form, name: str) -> str | None:
    """A form field that is text (None when absent, or a file where text was expected)."""
    value = form.get(name)
    return value if isinstance(value, str) else None


def _thumbnail(data: bytes, width: int) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as opened:
        img = opened.convert("RGB")
        img.thumbnail((width, width * 4))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=75, optimize=True)
        return out.getvalue()


def create_app(config: WebConfig | None = None) -> PhoneApp:
    """The ASGI application over the database the process has open (database_proxy)."""
    if database_proxy.obj is None:
        raise RuntimeError("open the database before creating the phone service")
    return PhoneApp(config)
