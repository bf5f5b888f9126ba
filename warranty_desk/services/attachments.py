"""Attachments (photos, scans, signatures): files stored once by content hash in the data folder.

A file lives at ``data_dir()/attachments/<sha[:2]>/<sha>``; the ``attachment`` table row names its
owner (``owner_table``, ``owner_id``), kind and original file name. The same bytes attached twice
are stored once. Photos and signatures must really be images (checked with Pillow), every file is
limited to 20 MB, and a file missing from the folder is reported with a message, never a crash.

On PostgreSQL (several clerks, each with their own data folder) the bytes are also stored in the
database (``attachment_blob``, once per hash, in the same transaction as the ``attachment`` row), so a
signature captured on one PC opens on every other: when the local file is missing (or damaged) it is
read from the server and the local file re-created as a cache. On SQLite only the folder is used —
unless the database holds blob rows anyway (a restored PostgreSQL backup): then the same fallback
applies.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import os
import tempfile
from pathlib import Path

from warranty_desk.i18n import N_

from ..attachment_store import attachments_dir, shared_in_database, store_blob
from ..errors import NotFound, ValidationError
from ..i18n import _, join_list
from ..models import ALL_MODELS, Attachment, AttachmentBlob, database_proxy, tuples
from . import audit

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
KINDS = {"photo": N_("照片"), "scan": N_("扫描件"), "signature": N_("签名"), "file": N_("文件")}
IMAGE_KINDS = ("photo", "signature")
_IMAGE_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "BMP": "image/bmp",
               "WEBP": "image/webp", "TIFF": "image/tiff", "MPO": "image/jpeg"}


class AttachmentMissing(ValidationError):
    """The row exists but its file is gone (or was changed) in the attachments folder."""


def path_of(att: Attachment) -> Path:
    return attachments_dir() / att.sha256[:2] / att.sha256


def _owner_model(owner_table: str):
    for model in ALL_MODELS:
        if model._meta.table_name == owner_table:
            return model
    raise ValidationError(_("附件不能挂在“{table}”上（未知的记录类型）").format(table=owner_table), field="owner_table")


def _clean_filename(filename: str | None, fallback: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f")
    if not name:
        name = fallback
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) < 20 else name[:255]
    return name


def _read_source(source) -> tuple[bytes, str]:
    """(content, original file name) from a path or from bytes; the size is checked before reading."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > MAX_BYTES:
            raise ValidationError(_too_big(len(data)), field="file")
        return data, ""
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ValidationError(_("找不到文件：{path}").format(path=path), field="file") from None
    except OSError as exc:
        raise ValidationError(_("无法读取文件 {path}：{err}").format(path=path, err=exc.strerror or exc), field="file") from None
    if not path.is_file():
        raise ValidationError(_("“{path}”不是文件，请选择一个文件").format(path=path), field="file")
    if size > MAX_BYTES:
        raise ValidationError(_too_big(size), field="file")
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise ValidationError(_("无法读取文件 {path}：{err}").format(path=path, err=exc.strerror or exc), field="file") from None


def _too_big(size: int) -> str:
    return _("文件太大（{size:.1f} MB），每个附件最大 20 MB。请压缩照片或缩小扫描分辨率后再添加").format(
        size=size / 1024 / 1024)


def _image_mime(data: bytes) -> str | None:
    """The MIME type when `data` is a readable image, else None."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return _IMAGE_MIME.get(fmt or "", f"image/{(fmt or 'unknown').lower()}")


def _store(data: bytes, sha: str, *, replace: bool = False) -> Path:
    """Write the bytes under their hash (once; `replace`: also over a file of the same size whose
    content is wrong); atomic: a crash never leaves half a file there."""
    target = attachments_dir() / sha[:2] / sha
    if not replace and target.exists() and target.stat().st_size == len(data):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def attach(owner_table: str, owner_id: int, source, kind: str = "photo", filename: str | None = None) -> Attachment:
    """Store a file (path or bytes) for a record and return the new Attachment row."""
    if kind not in KINDS:
        raise ValidationError(_("附件类型只能是：{kinds}").format(kinds=join_list(_(k) for k in KINDS.values())), field="kind")
    model = _owner_model(owner_table)
    data, source_name = _read_source(source)
    if not data:
        raise ValidationError(_("文件是空的（0 字节），请重新选择"), field="file")
    name = _clean_filename(filename or source_name, f"{KINDS[kind]}")
    mime = _image_mime(data)
    if kind in IMAGE_KINDS and mime is None:
        raise ValidationError(
            _("“{name}”不是可以打开的图片。{kind}只能是图片文件（JPG、PNG 等），请重新选择").format(
                name=name, kind=KINDS[kind]), field="file")
    if mime is None:
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    sha = hashlib.sha256(data).hexdigest()
    with database_proxy.atomic():
        if not model.select().where(model._meta.primary_key == owner_id).exists():
            raise NotFound(_("找不到要添加附件的记录（{table} {id}），它可能已被删除").format(table=owner_table, id=owner_id))
        _store(data, sha)
        if shared_in_database():
            store_blob(data, sha)
        att = Attachment.create(sha256=sha, filename=name, mime=mime, size=len(data), owner_table=owner_table,
                                owner_id=owner_id, kind=kind, created_by=audit.current_user())
        audit.record("create", "attachment", att.id, None, audit.snapshot(att),
                     note=f"{owner_table} {owner_id}")
    return att


def list_for(owner_table: str, owner_id: int, kind: str | None = None) -> list[Attachment]:
    query = Attachment.select().where((Attachment.owner_table == owner_table) & (Attachment.owner_id == owner_id))
    if kind:
        query = query.where(Attachment.kind == kind)
    return list(query.order_by(Attachment.created_at, Attachment.id))


def get_attachment(attachment_id: int) -> Attachment:
    att = Attachment.get_or_none(Attachment.id == attachment_id)
    if att is None:
        raise NotFound(_("找不到附件（编号 {id}）").format(id=attachment_id))
    return att


def _local_size(att: Attachment) -> int | None:
    try:
        return path_of(att).stat().st_size
    except OSError:
        return None


def _blob_size(sha: str) -> int | None:
    return AttachmentBlob.select(AttachmentBlob.size).where(AttachmentBlob.sha256 == sha).scalar()


def status(att: Attachment) -> str:
    """'ok', 'missing' (no file) or 'damaged' (the file's size differs from the record).
    A file that is not in this PC's folder but in the database counts as 'ok' (it is fetched when
    opened); nothing is downloaded here."""
    size = _local_size(att)
    if size == att.size or _blob_size(att.sha256) == att.size:
        return "ok"
    return "missing" if size is None else "damaged"


def _from_database(att: Attachment, *, replace: bool = False) -> bytes | None:
    """The attachment's bytes from `attachment_blob` (checked against the hash), re-creating the local
    cache file; None when the database does not hold them."""
    raw = AttachmentBlob.select(AttachmentBlob.data).where(AttachmentBlob.sha256 == att.sha256).scalar()
    if raw is None:
        return None
    data = bytes(raw)
    if len(data) != att.size or hashlib.sha256(data).hexdigest() != att.sha256:
        log.warning("attachment_blob %s does not match its hash", att.sha256)
        return None
    try:
        _store(data, att.sha256, replace=replace)
    except OSError as exc:  # a full disk or a read-only folder: the bytes are still usable
        log.warning("could not re-create the attachment file %s: %s", path_of(att), exc)
    return data


def _missing_message(att: Attachment, why: str) -> str:
    return _("附件“{name}”的文件{why}（{path}）。请从备份恢复（设置 → 数据安全 → 从备份恢复），或删除后重新添加").format(
        name=att.filename, why=why, path=path_of(att))


def open_attachment(att: Attachment) -> Path:
    """The path of the stored file to show or open (fetched from the database into this PC's folder
    when it is missing there); AttachmentMissing when it is gone."""
    size = _local_size(att)
    if size == att.size:
        return path_of(att)
    if _from_database(att, replace=size is not None) is not None and _local_size(att) == att.size:
        return path_of(att)
    if _blob_size(att.sha256) == att.size:  # in the database, but this PC's folder cannot take it
        raise AttachmentMissing(_("附件“{name}”无法存入本机的附件文件夹（{path}）。请检查磁盘空间和文件夹的写入权限").format(
            name=att.filename, path=path_of(att)))
    raise AttachmentMissing(_missing_message(att, _("不见了") if size is None else _("已损坏")))


def read_bytes(att: Attachment, verify: bool = True) -> bytes:
    """The file's content; with `verify` its hash is checked (a changed file is reported, or replaced
    by the database's copy when there is one)."""
    size = _local_size(att)
    data = None
    if size == att.size:
        try:
            data = path_of(att).read_bytes()
        except OSError:
            data = None
        if data is not None and (not verify or hashlib.sha256(data).hexdigest() == att.sha256):
            return data
    fetched = _from_database(att, replace=size is not None)
    if fetched is not None:
        return fetched
    raise AttachmentMissing(_missing_message(att, _("不见了") if size is None else _("已损坏")))


def missing() -> list[Attachment]:
    """Every attachment whose file is missing or has the wrong size, in this PC's folder and in the
    database (for the integrity report)."""
    found = []
    in_database = None
    for att in Attachment.select().order_by(Attachment.id):
        if _local_size(att) == att.size:
            continue
        if in_database is None:  # one query, only when some local file is not there
            in_database = dict(tuples(AttachmentBlob.select(AttachmentBlob.sha256, AttachmentBlob.size)))
        if in_database.get(att.sha256) != att.size:
            found.append(att)
    return found


def remove(attachment_id: int, reason: str = "") -> None:
    """Remove an attachment row (audited). The stored file is kept (other rows and backups may share it)."""
    with database_proxy.atomic():
        att = get_attachment(attachment_id)
        old = audit.snapshot(att)
        att.delete_instance()
        audit.record("delete", "attachment", attachment_id, old, None, note=reason)
