"""Attachments shared through the database: on PostgreSQL every clerk's PC reads a photo or signature
taken on another PC; on SQLite the files stay in the data folder only."""

from __future__ import annotations

import hashlib
import io

import pytest
from db_helpers import PG_URL, database_is_postgres
from PIL import Image

from warranty_desk.db import open_database
from warranty_desk.models import Attachment, AttachmentBlob, database_proxy
from warranty_desk.services import attachments, backup


def png(color=(0, 0, 0), size=(300, 100)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def blob_rows() -> dict[str, bytes]:
    return {sha: bytes(data) for sha, data in AttachmentBlob.select(AttachmentBlob.sha256, AttachmentBlob.data).tuples()}


@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server (WARRANTY_DESK_TEST_PG)")
def test_a_signature_from_clerk_a_opens_on_clerk_b_pc(db, make_project, tmp_path, monkeypatch):
    project = make_project()
    signature = png()
    att = attachments.attach("project", project.id, signature, kind="signature", filename="业主签名.png")
    again = attachments.attach("project", project.id, signature, kind="signature", filename="再签.png")
    assert blob_rows() == {att.sha256: signature}  # stored once, with the row
    assert again.sha256 == att.sha256

    # clerk B's PC: the same server, its own (empty) data folder
    folder_b = tmp_path / "clerk-b"
    monkeypatch.setenv("WARRANTY_DESK_DATA", str(folder_b))
    row = Attachment.get_by_id(att.id)
    assert attachments.status(row) == "ok"
    assert attachments.missing() == []
    assert not (folder_b / "attachments").exists()  # checking downloads nothing
    assert attachments.read_bytes(row) == signature
    cached = folder_b / "attachments" / att.sha256[:2] / att.sha256
    assert cached.read_bytes() == signature  # the local cache is re-created
    assert attachments.open_attachment(row) == cached

    # B's copy damaged (same size, other bytes): the server's copy replaces it
    cached.write_bytes(bytes(len(signature)))
    assert attachments.read_bytes(row) == signature
    assert cached.read_bytes() == signature
    # B's copy gone again: open_attachment brings it back for the viewer
    cached.unlink()
    assert attachments.open_attachment(row).read_bytes() == signature


@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server (WARRANTY_DESK_TEST_PG)")
def test_files_from_before_version_3_are_shared_when_the_program_starts(db, db_target, make_project):
    project = make_project()
    photo = png((10, 120, 30), (64, 48))
    att = attachments.attach("project", project.id, photo, kind="photo", filename="旧照片.png")
    AttachmentBlob.delete().execute()  # as an office upgraded from version 2 has it
    assert attachments.missing() == []  # this PC still has the file
    db.close()
    reopened = open_database(db_target)  # the next start of the program on this PC
    assert blob_rows() == {att.sha256: photo}
    reopened.close()


@pytest.mark.skipif(bool(PG_URL), reason="SQLite only")
def test_on_sqlite_the_blob_table_stays_empty(db, make_project):
    project = make_project()
    signature = png()
    att = attachments.attach("project", project.id, signature, kind="signature")
    assert AttachmentBlob.select().count() == 0
    assert attachments.read_bytes(att) == signature
    attachments.path_of(att).unlink()
    assert attachments.status(att) == "missing"
    assert attachments.missing() == [att]
    with pytest.raises(attachments.AttachmentMissing, match="不见了"):
        attachments.read_bytes(att)


def test_a_blob_row_in_any_database_serves_a_missing_file(db, make_project):
    """E.g. a PostgreSQL office's backup restored on an SQLite PC: the rows carry the bytes."""
    project = make_project()
    scan = b"%PDF-1.4 \xe9\x91\xab " * 50
    att = attachments.attach("project", project.id, scan, kind="scan", filename="验收单.pdf")
    if not database_is_postgres():
        AttachmentBlob.insert(sha256=att.sha256, size=len(scan), data=scan).execute()
    attachments.path_of(att).unlink()
    assert attachments.status(att) == "ok"
    assert attachments.read_bytes(att) == scan
    assert attachments.path_of(att).read_bytes() == scan
    # a blob that does not match its hash is not trusted
    attachments.path_of(att).unlink()
    AttachmentBlob.update(data=b"x" * len(scan)).where(AttachmentBlob.sha256 == att.sha256).execute()
    with pytest.raises(attachments.AttachmentMissing, match="不见了"):
        attachments.read_bytes(att)


def test_the_blob_commits_with_the_attachment_row_or_not_at_all(db, make_project):
    project = make_project()
    with pytest.raises(RuntimeError), database_proxy.atomic():
        attachments.attach("project", project.id, png((5, 5, 5)), kind="signature")
        raise RuntimeError("the sign-off failed after the signature")
    assert Attachment.select().count() == 0
    assert AttachmentBlob.select().count() == 0


def test_backup_of_a_file_only_on_the_server_keeps_it(db, make_project, tmp_path):
    """Clerk B backs up: a photo that only clerk A's PC and the server hold goes into the archive."""
    project = make_project()
    photo = png((200, 10, 10), (32, 32))
    att = attachments.attach("project", project.id, photo, kind="photo", filename="渗水.png")
    if not database_is_postgres():
        AttachmentBlob.insert(sha256=att.sha256, size=len(photo), data=photo).execute()
    attachments.path_of(att).unlink()
    manifest = backup.backup_to(tmp_path / "b.wdbak")
    assert manifest.missing_attachments == []
    name = f"attachments/{att.sha256[:2]}/{att.sha256}"
    assert manifest.files[name] == hashlib.sha256(photo).hexdigest()
    assert manifest.counts["attachment_blob"] == 1
    backup.verify(tmp_path / "b.wdbak")
    # restored on a PC with an empty folder: the photo and its blob row come back
    backup.restore_from(tmp_path / "b.wdbak")
    assert attachments.path_of(att).read_bytes() == photo
    assert blob_rows() == {att.sha256: photo}
