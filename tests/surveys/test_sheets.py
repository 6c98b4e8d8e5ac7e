import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from consult.extensions import db
from consult.models import utcnow
from consult.surveys import sheets
from consult.surveys.builder import SurveyError
from consult.surveys.models import Channel, Response
from consult.surveys.spec import load_spec
from tests import factories
from tests.surveys.helpers import q_by_code, standard_survey


def _filled(spec, rows):
    wb = load_workbook(io.BytesIO(sheets.template_xlsx(spec)))
    ws = wb["录入"]
    keys = [c.value for c in ws[2]]
    for r in rows:
        ws.append([r.get(k) for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), keys


def _good(spec, **kw):
    f = lambda code: q_by_code(spec, code).field  # noqa: E731
    row = {"channel": "入户走访", "enumerator": "张三", f("relation"): 1, f("distance"): "500 米以内",
           f("in_scope"): 1, f("age"): 2, f("occupation"): 9, f("occupation") + "_other": "渔民", f("aware"): 3,
           f("support"): 1, f("concerns"): "3，4、11", f("tolerance"): 2, f("reaction"): 2,
           f("suggestions"): "-1+1 减少夜间施工"}
    row.update(kw)
    return row


def test_template_and_import_all_valid():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    data, keys = _filled(spec, [_good(spec), _good(spec, channel="纸质问卷")])
    assert keys[:2] == ["channel", "enumerator"]
    n, errors = sheets.import_xlsx(s, spec, data, actor=w["assessor"], now=utcnow())
    db.session.commit()
    assert (n, errors) == (2, [])
    r = db.session.scalars(select(Response).order_by(Response.id)).first()
    assert r.channel == Channel.DOOR and r.enumerator == "张三"
    rows = list(sheets.export_rows(spec, personal=False))
    head, first = rows[0], rows[1]
    assert first[head.index("Q8 您最关心的问题是（最多选 5 项）")] == "施工及运营噪声；扬尘；决策程序是否公开公正"
    assert first[head.index("Q5 其他（请注明）")] == "渔民"
    text = "".join(sheets.export_csv(spec, personal=False))
    assert "'-1+1 减少夜间施工" in text  # no formula injection
    book = load_workbook(io.BytesIO(sheets.export_xlsx(spec, personal=False)))
    assert book.active.max_row == 3


def test_import_reports_row_and_column_and_stores_nothing():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    f = lambda code: q_by_code(spec, code).field  # noqa: E731
    data, keys = _filled(spec, [_good(spec), _good(spec, channel="电话", **{f("support"): 9}),
                                _good(spec, **{f("concerns"): "1,2,3,4,5,6"}), _good(spec, enumerator=None)])
    col = lambda key: chr(ord("A") + keys.index(key))  # noqa: E731
    n, errors = sheets.import_xlsx(s, spec, data, actor=w["organiser"], now=utcnow())
    assert n == 0
    assert (4, "A", "渠道应为“纸质问卷”“入户走访”或“座谈会”。") in errors
    assert any(e[:2] == (4, col(f("support"))) and "无法识别" in e[2] for e in errors)
    assert (5, col(f("concerns")), "最多选择 5 项，您选择了 6 项。") in errors
    assert (6, "B", "请填写调查员。") in errors
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_import_refuses_other_files():
    w = factories.world()
    s = standard_survey(w)
    spec = load_spec(s.id)
    with pytest.raises(SurveyError):
        sheets.import_xlsx(s, spec, b"not a workbook", actor=w["organiser"], now=utcnow())
    with pytest.raises(Exception):
        sheets.import_xlsx(s, spec, b"", actor=w["other"], now=utcnow())
