"""The PostgreSQL password: kept in the system's keyring (Windows Credential Manager, macOS Keychain,
the desktop's Secret Service), never written in plain text.

`store(address)`: an address saved in 设置 with a password has the password moved into the keyring;
the config file keeps the address without it. Where the system has no secure keyring (a bare server,
a minimal Linux), the password is not saved anywhere: the program asks for it at start and keeps it
in memory for the session (`remember_for_session`). A keyring that would write the password into a
plain file (keyrings.alt's) is not used. `password_for(address)` finds it again when connecting.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, unquote, urlsplit, urlunsplit

log = logging.getLogger(__name__)

SERVICE = "WarrantyDesk"
_session: dict[str, str] = {}  # passwords typed in this session (no keyring)
INSECURE = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


def account(address: str) -> str:
    """The keyring entry's name for an address: user@host:port/database."""
    parts = urlsplit(address)
    port = f":{parts.port}" if parts.port else ""
    return f"{unquote(parts.username or '')}@{parts.hostname or ''}{port}{parts.path or ''}"


def without_password(address: str) -> str:
    parts = urlsplit(address)
    if parts.password is None:
        return address
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = quote(unquote(parts.username or ""), safe="")
    return urlunsplit((parts.scheme, f"{user}@{host}" if user else host, parts.path, parts.query, parts.fragment))


def with_password(address: str, password: str) -> str:
    parts = urlsplit(without_password(address))
    user = quote(unquote(parts.username or ""), safe="")
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, f"{user}:{quote(password, safe='')}@{host}", parts.path, parts.query,
                       parts.fragment))


def password_in(address: str) -> str | None:
    parts = urlsplit(address)
    return unquote(parts.password) if parts.password is not None else None


def _keyring():
    """The keyring module when a secure backend is there, else None."""
    try:
        import keyring
        from keyring.backends import chainer
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring setup is no keyring
        return None
    backends = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    if not backends or all(type(b).__module__.startswith(INSECURE) for b in backends):
        return None
    return keyring


def has_keyring() -> bool:
    return _keyring() is not None


def store(address: str) -> tuple[str, bool]:
    """(the address to save, whether its password went into the keyring). The password is never in
    the returned address."""
    secret = password_in(address)
    plain = without_password(address)
    if not secret:
        return plain, False
    remember_for_session(plain, secret)
    keyring = _keyring()
    if keyring is None:
        return plain, False
    try:
        keyring.set_password(SERVICE, account(plain), secret)
        return plain, True
    except Exception as exc:  # noqa: BLE001 - told to the caller as "not saved"
        log.warning("could not store the password in the keyring: %s", exc.__class__.__name__)
        return plain, False


def password_for(address: str) -> str | None:
    """The password of an address written without one: typed in this session, or from the keyring."""
    plain = without_password(address)
    if plain in _session:
        return _session[plain]
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        return keyring.get_password(SERVICE, account(plain))
    except Exception:  # noqa: BLE001 - a locked or broken keyring: ask instead
        return None


def remember_for_session(address: str, password: str) -> None:
    _session[without_password(address)] = password


def forget(address: str) -> None:
    plain = without_password(address)
    _session.pop(plain, None)
    keyring = _keyring()
    if keyring is not None:
        try:
            keyring.delete_password(SERVICE, account(plain))
        except Exception:  # noqa: BLE001 - nothing stored: nothing to forget
            pass
