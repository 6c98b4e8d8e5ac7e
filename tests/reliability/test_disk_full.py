"""Fault: the upload disk is full. A clear error, the form kept, nothing half-saved."""
from __future__ import annotations

import errno
import io

from consult.extensions import db
from consult.notices.models import Attachment, Notice
from consult.storage import LocalStorage
from tests import factories
from tests.conftest import login

PDF = b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n"


def test_full_disk_refuses_the_upload_cleanly(client, app, monkeypatch, tmp_path):
    w = factories.world()
    notices_before = db.session.query(Notice).count()
    real_write = type(tmp_path).write_bytes

    def disk_full(self, data):
        real_write(self, data[:10])  # a partial file, as a real full disk leaves
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(type(tmp_path), "write_bytes", disk_full)
    login(client, w["organiser"])
    resp = client.post(f"/staff/matters/{w['matter'].id}/notices/new", content_type="multipart/form-data", data={
        "title": "磁盘已满时的公示", "body": "正文", "starts_at": "2030-01-01T09:00",
        "ends_at": "2030-02-01T09:00", "attachments": (io.BytesIO(PDF), "plan.pdf")})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "存储空间" in page and "磁盘已满时的公示" in page
    assert db.session.query(Notice).count() == notices_before and db.session.query(Attachment).count() == 0
    leftovers = [p for p in LocalStorage(app.config["UPLOAD_DIR"]).root.rglob("*") if p.is_file()
                 and p.name.endswith(".part")]
    assert leftovers == []
