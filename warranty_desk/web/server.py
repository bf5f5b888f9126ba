"""Running the phone service: in the desktop program (a background thread, started and stopped from
设置 → 手机端) or headless (`warranty-desk serve`, e.g. as a systemd service beside PostgreSQL).

uvicorn serves the pages (pure-Python HTTP with h11; HTTPS when given a certificate and key)."""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from ..errors import ValidationError
from ..i18n import _
from .app import PhoneApp, WebConfig, create_app

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765


@dataclass
class ServeOptions:
    host: str
    port: int = DEFAULT_PORT
    certfile: str | None = None
    keyfile: str | None = None

    @property
    def https(self) -> bool:
        return bool(self.certfile)

    def url(self, host: str | None = None) -> str:
        shown = host or self.host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        scheme = "https" if self.https else "http"
        default = 443 if self.https else 80
        return f"{scheme}://{shown}" + ("" if self.port == default else f":{self.port}")


def local_addresses() -> list[str]:
    """This PC's IPv4 addresses as its name resolves (the office network's first), 127.0.0.1 last
    (this PC only). Nothing is sent on the network to find them."""
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    lan = sorted(a for a in found if not a.startswith("127."))
    return lan + ["127.0.0.1"]


def check_options(options: ServeOptions) -> ServeOptions:
    """Refuse what cannot work, with the reason: a bad address or port, half a certificate."""
    host = (options.host or "").strip()
    if not host:
        raise ValidationError(_("请选择手机端服务要绑定的地址"), field="host")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if host != "localhost":
            raise ValidationError(_("“{host}”不是本机的 IP 地址").format(host=host), field="host") from None
    if not 1 <= int(options.port) <= 65535:
        raise ValidationError(_("端口必须在 1 到 65535 之间"), field="port")
    if bool(options.certfile) != bool(options.keyfile):
        raise ValidationError(_("HTTPS 需要同时提供证书文件和私钥文件"), field="certfile")
    for path in (options.certfile, options.keyfile):
        if path and not Path(path).is_file():
            raise ValidationError(_("找不到文件：{path}").format(path=path), field="certfile")
    return ServeOptions(host.strip("[]"), int(options.port), options.certfile or None, options.keyfile or None)


def _config(app, options: ServeOptions) -> uvicorn.Config:
    return uvicorn.Config(
        app, host=options.host, port=options.port, ssl_certfile=options.certfile, ssl_keyfile=options.keyfile,
        access_log=False,  # our own log (security.Guard) leaves tokens and query strings out
        log_config=None, server_header=False, proxy_headers=False, lifespan="off",
        limit_concurrency=200, timeout_keep_alive=15, timeout_graceful_shutdown=5,
    )


class PhoneServer:
    """The service on a background thread of this process (the desktop's 手机端 → 开启)."""

    def __init__(self, options: ServeOptions, on_change=None):
        self.options = check_options(options)
        self.phone_app: PhoneApp | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._on_change = on_change
        self.error: BaseException | None = None

    @property
    def url(self) -> str:
        return self.options.url()

    def start(self, timeout: float = 10.0) -> None:
        """Start listening; raises ValidationError when the port cannot be opened."""
        _check_port_free(self.options)
        self.phone_app = create_app(WebConfig(https=self.options.https, on_change=self._on_change))
        self._server = uvicorn.Server(_config(self.phone_app, self.options))
        self._server.install_signal_handlers = lambda: None  # type: ignore[attr-defined]  # the desktop owns the signals
        self._thread = threading.Thread(target=self._run, name="wd-phone-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self._server.started:
            self.stop()
            raise ValidationError(_("手机端服务没能启动：{error}").format(error=self.error or _("超时")), field="port")
        log.info("phone service listening on %s", self.url)

    def _run(self) -> None:
        assert self._server is not None  # started by start()
        try:
            self._server.run()
        except BaseException as exc:  # noqa: BLE001 - reported by start()
            self.error = exc
            log.exception("phone service stopped")

    @property
    def running(self) -> bool:
        return bool(self._thread and self._thread.is_alive() and self._server and self._server.started)

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self.phone_app is not None:
            self.phone_app.close()
        self._thread = None
        log.info("phone service stopped")


def _check_port_free(options: ServeOptions) -> None:
    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((options.host, options.port))
        except OSError as exc:
            raise ValidationError(
                _("无法在 {host}:{port} 上开启手机端服务（{error}）。请换一个端口，或检查该地址是否属于本机").format(
                    host=options.host, port=options.port, error=exc.strerror or exc), field="port") from None


def serve_forever(options: ServeOptions, public_url: str | None = None) -> None:
    """Headless: serve until stopped (Ctrl+C, systemd). Announces its address in the database so the
    desktops show pairing codes that lead here."""
    from ..services import phones

    options = check_options(options)
    phone_app = create_app(WebConfig(https=options.https))
    url = public_url or options.url()
    phones.announce_server(url)
    log.info("phone service for %s listening on %s", url, options.url())
    try:
        uvicorn.Server(_config(phone_app, options)).run()
    finally:
        try:
            phones.withdraw_server(url)
        finally:
            phone_app.close()
