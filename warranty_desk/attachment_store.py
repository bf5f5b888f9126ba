"""Where attachments' bytes live, below the services: each file under its SHA-256 in this PC's
attachments folder and, on PostgreSQL (several clerks' PCs), also in the `attachment_blob` table.
The attachments service (services/attachments.py) stores and reads through this; opening a database
(db.open_database) shares this PC's older files with the server."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from peewee import JOIN, PostgresqlDatabase

from .models import Attachment, AttachmentBlob, database_proxy, tuples
from .paths import data_dir

log = logging.getLogger(__name__)


def attachments_dir() -> Path:
    return data_dir() / "attachments"


def shared_in_database() -> bool:
    """True when new attachments also go into the database (PostgreSQL: several clerks' PCs)."""
    return isinstance(database_proxy.obj, PostgresqlDatabase)


def store_blob(data: bytes, sha: str) -> None:
    """The bytes into `attachment_blob` once per hash (the same bytes attached again send nothing)."""
    if AttachmentBlob.select().where(AttachmentBlob.sha256 == sha).exists():
        return
    AttachmentBlob.insert(sha256=sha, size=len(data), data=data).on_conflict_ignore().execute()


def share_local_files() -> int:
    """PostgreSQL: put every attachment file of this PC's folder that the server does not hold yet
    into `attachment_blob` (files attached before version 3, or restored from an SQLite backup);
    returns how many. One short query when there is nothing to do."""
    if not shared_in_database():
        return 0
    blob = AttachmentBlob.alias()
    wanted = (Attachment.select(Attachment.sha256, Attachment.size).distinct()
              .join(blob, on=(blob.sha256 == Attachment.sha256), join_type=JOIN.LEFT_OUTER)
              .where(blob.sha256.is_null()))
    shared = 0
    for sha, size in list(tuples(wanted)):
        file = attachments_dir() / sha[:2] / sha
        try:
            if file.stat().st_size != size:
                continue
            data = file.read_bytes()
        except OSError:
            continue  # not on this PC: another clerk's PC may share it
        if hashlib.sha256(data).hexdigest() != sha:
            continue
        with database_proxy.atomic():
            store_blob(data, sha)
        shared += 1
    if shared:
        log.info("shared %d attachment files of this PC with the server", shared)
    return shared
