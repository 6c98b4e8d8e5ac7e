"""Every string of ../shared/badinput through every new text field and every import:
no 500, stored exactly or refused with a Chinese message, nothing half-saved."""
import csv
import io
import json
import re
import uuid

import pytest
from markupsafe import escape
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from consult.analysis.models import ApiToken, Voice
from consult.extensions import db
from tests import factories
from tests.conftest import http_safe, load_badinput, login
from tests.pool.helpers import xlsx

ERROR_RE = re.compile(r'class="error"[^>]*>([^<]+)<')
ROW_ERROR_RE = re.compile(r"<tr><td>(\d+)</td><td>[^<]*</td><td>([^<]+)</td></tr>")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _strings():
    return [s for s in load_badinput() if http_safe(s)]


def _refused(resp, s, label):
    assert resp.status_code == 422, f"{label} {s!r}: HTTP {resp.status_code}"
    errors = ERROR_RE.findall(resp.get_data(as_text=True))
    assert errors and all(CJK.search(e) for e in errors), f"{label} {s!r}: unclear refusal {errors}"


def _form(**kw):
    data = {"key": uuid.uuid4().hex, "source": "paper", "occurred_at": "2026-11-20T14:30", "recorder": "王社工",
            "stance": "other", "text": "正常内容"}
    data.update(kw)
    return data


def test_intake_form_text_fields(client):
    w = factories.world()
    login(client, w["assessor"])
    url = f"/staff/matters/{w['matter'].id}/voices/new"
    stored = 0
    for s in _strings():
        for fields in (("text",), ("recorder", "household", "group", "author", "title")):
            before = db.session.query(Voice).count()
            resp = client.post(url, data=_form(**{f: s for f in fields}))
            if resp.status_code != 302:
                _refused(resp, s, fields[0])
                assert db.session.query(Voice).count() == before, f"half-saved {s!r}"
                continue
            v = db.session.scalar(db.select(Voice).order_by(Voice.id.desc()))
            for f in fields:
                expected = s if f != "title" else (s or None)
                assert getattr(v, f) == expected, f"{f} {s!r} not stored exactly"
            stored += 1
    assert stored > len(_strings())  # most strings are legitimate text and are kept
    page = client.get(f"/staff/matters/{w['matter'].id}/voices?page=1").get_data(as_text=True)
    assert "<script>alert" not in page
    v = db.session.scalar(db.select(Voice).where(Voice.text.like("%<script>%")))
    assert str(escape(v.text)) in client.get(f"/staff/matters/{w['matter'].id}/voices?q=script").get_data(as_text=True) \
        or len(v.text) > 100


def _import_and_check(client, w, data, name, strings):
    url = f"/staff/matters/{w['matter'].id}/voices/letters"
    resp = client.post(url, data={"file": (io.BytesIO(data), name)})
    assert resp.status_code == 422, f"{name}: a file with bad rows must be refused as a whole"
    bad_rows = {int(r) for r, msg in ROW_ERROR_RE.findall(resp.get_data(as_text=True))}
    assert all(CJK.search(m) for _r, m in ROW_ERROR_RE.findall(resp.get_data(as_text=True)))
    assert db.session.query(Voice).count() == 0, "half-saved"
    return bad_rows


def _round_trip(client, w, make, name, strings, first_row):
    bad = _import_and_check(client, w, make(strings), name, strings)
    good = [s for i, s in enumerate(strings, start=first_row) if i not in bad]
    assert len(good) > len(strings) * 0.8
    resp = client.post(f"/staff/matters/{w['matter'].id}/voices/letters", data={"file": (io.BytesIO(make(good)), name)})
    assert resp.status_code == 302, name
    texts = set(db.session.scalars(db.select(Voice.text)))
    assert texts == set(good), f"{name}: not stored exactly"
    db.session.query(Voice).delete()
    db.session.commit()


def _jsonl(strings):
    return "\n".join(json.dumps({"channel": "信访", "time": "2026-11-01", "text": s, "title": s[:300],
                                 "author": s[:100]}, ensure_ascii=False) for s in strings).encode("utf-8")


def _csv(strings):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["渠道", "时间", "内容"])
    writer.writerows([["热线", "2026-11-01", s] for s in strings])
    return buf.getvalue().encode("utf-8")


def _xlsx(strings):
    return xlsx([["媒体", "2026-11-01", s] for s in strings], head=["渠道", "时间", "内容"])


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_letter_imports(client, fmt):
    w = factories.world()
    login(client, w["assessor"])
    strings = _strings()
    if fmt == "xlsx":  # characters a spreadsheet cannot hold never come out of one
        strings = _xlsx_safe(strings)
    make = {"jsonl": _jsonl, "csv": _csv, "xlsx": _xlsx}[fmt]
    _round_trip(client, w, make, f"letters.{fmt}", list(dict.fromkeys(strings)), 1 if fmt == "jsonl" else 2)


def _xlsx_safe(strings):
    out = []
    for s in strings:
        if ILLEGAL_CHARACTERS_RE.search(s):
            continue
        try:
            xlsx([[s]])
        except ValueError:
            continue
        out.append(s)
    return out


def test_intake_batch_import(client):
    w = factories.world()
    login(client, w["assessor"])
    strings = list(dict.fromkeys(_xlsx_safe(_strings())))
    url = f"/staff/matters/{w['matter'].id}/voices/import"

    def make(items):
        return xlsx([["入户走访", "2026-11-01", "王社工", s[:200], "", "", "反对", "", s] for s in items])

    resp = client.post(url, data={"file": (io.BytesIO(make(strings)), "b.xlsx")})
    assert resp.status_code == 422 and db.session.query(Voice).count() == 0
    bad = {int(r) for r, m in ROW_ERROR_RE.findall(resp.get_data(as_text=True))}
    good = [s for i, s in enumerate(strings, start=2) if i not in bad]
    assert client.post(url, data={"file": (io.BytesIO(make(good)), "b.xlsx")}).status_code == 302
    assert set(db.session.scalars(db.select(Voice.text))) == set(good)


def test_token_name_and_search_box(client):
    w = factories.world()
    login(client, w["assessor"])
    created = 0
    for s in _strings():
        resp = client.post("/staff/account/tokens", data={"name": s})
        if resp.status_code == 200 and "token-secret" in resp.get_data(as_text=True):
            assert db.session.scalar(db.select(ApiToken.name).order_by(ApiToken.id.desc())) == s
            db.session.query(ApiToken).delete()  # stay under the per-user limit
            db.session.commit()
            created += 1
        else:
            _refused(resp, s, "token name")
        resp = client.get(f"/staff/matters/{w['matter'].id}/voices", query_string={"q": s})
        if "\x00" in s:  # a NUL in any query parameter is refused site-wide, in Chinese
            assert resp.status_code == 400 and "请求参数含有无法处理的字符" in resp.get_data(as_text=True), repr(s)
        else:
            assert resp.status_code == 200, f"search {s!r}"
    assert created > len(_strings()) * 0.8
