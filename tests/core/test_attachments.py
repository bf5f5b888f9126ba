"""Attachments: stored by content hash, size-limited, images checked, missing files reported."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from warranty_desk.errors import NotFound, ValidationError
from warranty_desk.models import Attachment, AttachmentBlob, AuditLog
from warranty_desk.services import attachments


def png_bytes(color=(200, 30, 30), size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def test_photo_stored_by_hash_and_listed(db, make_project, tmp_path):
    project = make_project()
    data = png_bytes()
    src = tmp_path / "渗水 <b>&照片.png"
    src.write_bytes(data)
    att = attachments.attach("project", project.id, src, kind="photo")
    sha = hashlib.sha256(data).hexdigest()
    assert att.sha256 == sha
    assert att.filename == "渗水 <b>&照片.png"
    assert att.mime == "image/png"
    stored = attachments.attachments_dir() / sha[:2] / sha
    assert stored.read_bytes() == data
    assert attachments.open_attachment(att) == stored
    assert [a.id for a in attachments.list_for("project", project.id)] == [att.id]
    assert AuditLog.select().where((AuditLog.table == "attachment") & (AuditLog.record_id == att.id)).count() == 1
    assert att.created_by == "测试员"


def test_same_bytes_stored_once(db, make_project):
    project = make_project()
    data = png_bytes()
    a = attachments.attach("project", project.id, data, kind="signature", filename="签名.png")
    b = attachments.attach("project", project.id, data, kind="photo", filename="x.png")
    assert a.sha256 == b.sha256
    files = [p for p in attachments.attachments_dir().rglob("*") if p.is_file()]
    assert len(files) == 1
    assert len(attachments.list_for("project", project.id, kind="signature")) == 1


def test_not_an_image_refused_for_photo_and_signature(db, make_project):
    project = make_project()
    for kind in ("photo", "signature"):
        with pytest.raises(ValidationError, match="不是可以打开的图片"):
            attachments.attach("project", project.id, b"%PDF-1.4 not an image", kind=kind, filename="a.jpg")
    # a truncated PNG is not an image either
    with pytest.raises(ValidationError, match="图片"):
        attachments.attach("project", project.id, png_bytes()[:40], kind="photo", filename="cut.png")
    assert Attachment.select().count() == 0
    # a scan may be a PDF
    att = attachments.attach("project", project.id, b"%PDF-1.4 scan", kind="scan", filename="验收单.pdf")
    assert att.mime == "application/pdf"


def test_size_limit(db, make_project, tmp_path):
    project = make_project()
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(attachments.MAX_BYTES + 1)
    with pytest.raises(ValidationError, match="最大 20 MB"):
        attachments.attach("project", project.id, big, kind="file")
    with pytest.raises(ValidationError, match="空的"):
        attachments.attach("project", project.id, b"", kind="file", filename="e.txt")
    assert Attachment.select().count() == 0


def test_bad_owner_kind_and_path(db, make_project, tmp_path):
    project = make_project()
    with pytest.raises(NotFound):
        attachments.attach("project", project.id + 999, png_bytes(), kind="photo")
    with pytest.raises(ValidationError, match="未知的记录类型"):
        attachments.attach("nonsense", 1, png_bytes(), kind="photo")
    with pytest.raises(ValidationError, match="附件类型"):
        attachments.attach("project", project.id, png_bytes(), kind="video")
    with pytest.raises(ValidationError, match="找不到文件"):
        attachments.attach("project", project.id, tmp_path / "nope.png", kind="photo")
    with pytest.raises(ValidationError, match="不是文件"):
        attachments.attach("project", project.id, tmp_path, kind="photo")


def test_missing_and_damaged_file_reported(db, make_project):
    project = make_project()
    att = attachments.attach("project", project.id, png_bytes(), kind="photo", filename="墙面𠀀.png")
    # lost on the server too (on PostgreSQL the database holds a copy: tests/core/test_attachment_blobs.py)
    AttachmentBlob.delete().execute()
    path = attachments.path_of(att)
    path.write_bytes(b"changed")
    assert attachments.status(att) == "damaged"
    with pytest.raises(attachments.AttachmentMissing, match="已损坏"):
        attachments.open_attachment(att)
    path.unlink()
    with pytest.raises(attachments.AttachmentMissing, match="墙面𠀀.png.*不见了"):
        attachments.read_bytes(att)
    assert [a.id for a in attachments.missing()] == [att.id]


def test_long_filename_shortened_keeping_extension(db, make_project):
    project = make_project()
    att = attachments.attach("project", project.id, png_bytes(), kind="photo", filename="鑫" * 2000 + ".png")
    assert len(att.filename) <= 255 and att.filename.endswith(".png")
    att2 = attachments.attach("project", project.id, png_bytes(), kind="photo", filename="C:\\Users\\x\\照片.png")
    assert att2.filename == "照片.png"


def test_remove_is_audited(db, make_project):
    project = make_project()
    att = attachments.attach("project", project.id, png_bytes(), kind="photo", filename="p.png")
    attachments.remove(att.id, reason="传错了")
    assert attachments.list_for("project", project.id) == []
    assert AuditLog.select().where((AuditLog.table == "attachment") & (AuditLog.action == "delete")).count() == 1
