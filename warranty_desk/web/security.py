"""The phone service on an open network: cookies, the CSRF token, the pairing rate limit, the size
cap on requests, security headers, and a request log that never holds a token or a code."""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections import deque

from starlette.responses import PlainTextResponse

log = logging.getLogger("warranty_desk.web.access")

DEVICE_COOKIE = "wd_phone"
CSRF_COOKIE = "wd_csrf"
CSRF_FIELD = "csrf"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600  # a paired phone stays paired until the office revokes it

# scripts and styles only from the service itself; images also from the phone's own camera (blob:)
CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def set_cookie(response, name: str, value: str, *, https: bool, max_age: int = COOKIE_MAX_AGE) -> None:
    """HttpOnly (no script reads it), SameSite=Lax (no other site's form sends it), Secure under HTTPS."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=https)


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(request, sent: str | None) -> bool:
    """The double-submit check: the token in the form equals the one in this browser's cookie, and a
    browser that names the page it came from names this service."""
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), str(sent).encode()):
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = origin.split("://", 1)[-1]
        if host != request.headers.get("host", ""):
            return False
    return True


class RateLimit:
    """At most `count` attempts per `seconds` from one address, and `total` from all of them."""

    def __init__(self, count: int = 10, seconds: float = 600, total: int = 60):
        self.count, self.seconds, self.total = count, seconds, total
        self._by_ip: dict[str, deque] = {}
        self._all: deque = deque()
        self._lock = threading.Lock()

    def allow(self, ip: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            for q in (self._all, *self._by_ip.values()):
                while q and now - q[0] > self.seconds:
                    q.popleft()
            self._by_ip = {k: v for k, v in self._by_ip.items() if v}
            mine = self._by_ip.setdefault(ip, deque())
            if len(mine) >= self.count or len(self._all) >= self.total:
                return False
            mine.append(now)
            self._all.append(now)
            return True


class Guard:
    """ASGI middleware: caps the request body, adds the security headers, logs each request
    (method, path without its query, status, time, address, the phone's id — never a cookie)."""

    def __init__(self, app, max_body: int, https: bool):
        self.app, self.max_body, self.https = app, max_body, https

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        status = {"code": 0}
        client = (scope.get("client") or ("?", 0))[0]
        scope.setdefault("state", {})
        if length is not None and length.isdigit() and int(length) > self.max_body:
            response = PlainTextResponse(_too_large(self.max_body), status_code=413)
            await response(scope, receive, send)
            _log(scope, 413, started, client)
            return
        seen = {"bytes": 0}

        async def limited_receive():
            message = await receive()
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > self.max_body:
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                extra = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"no-referrer"), (b"content-security-policy", CSP.encode())]
                names = {k.lower() for k, _v in message.get("headers", [])}
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message = dict(message, headers=list(message.get("headers", [])) + extra)
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not status["code"]:
                await PlainTextResponse(_too_large(self.max_body), status_code=413)(scope, receive, send)
            status["code"] = 413
        finally:
            _log(scope, status["code"], started, client)


class BodyTooLarge(Exception):
    pass


def _too_large(limit: int) -> str:
    from ..i18n import _

    return _("提交的内容太大（上限 {mb} MB），请减少照片后分几次提交").format(mb=limit // (1024 * 1024))


def _log(scope, status: int, started: float, client: str) -> None:
    device = (scope.get("state") or {}).get("device_id")
    log.info("%s %s %s %.0fms %s%s", scope.get("method"), scope.get("path"), status,
             (time.perf_counter() - started) * 1000, client, f" phone={device}" if device else "")
