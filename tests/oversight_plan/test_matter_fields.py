"""Third party (第三方评估机构) and "not public, with a reason" on the matter form, page and audit log."""
import pytest

from consult.audit.models import AuditEntry
from consult.extensions import db
from consult.matters.models import Matter
from tests import factories
from tests.conftest import login


def _form(w, **extra):
    data = {"title": "变电站选址", "kind": "project", "organisation_id": w["org"].id, "procedure": "general",
            "area": "保留的区域"}
    data.update(extra)
    return data


def _edit(client, w, **extra):
    return client.post(f"/staff/matters/{w['matter'].id}/edit", data=_form(w, **extra))


def test_create_with_third_party_and_withheld_reason(app, client):
    w = factories.world()
    login(client, w["organiser"])
    resp = client.post("/staff/matters/new", data=_form(
        w, third_party="  某某社会风险评估咨询有限公司 ", withhold_public="y", public_withheld_reason="涉及个人隐私"))
    assert resp.status_code == 302
    m = db.session.query(Matter).filter_by(title="变电站选址").one()
    assert (m.third_party, m.public_withheld_reason) == ("某某社会风险评估咨询有限公司", "涉及个人隐私")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "某某社会风险评估咨询有限公司" in page and "不在公开页面公示" in page and "理由：涉及个人隐私" in page
    after = db.session.query(AuditEntry).filter_by(action="matter.create").one().after
    assert (after["third_party"], after["public_withheld_reason"]) == ("某某社会风险评估咨询有限公司", "涉及个人隐私")


def test_matter_page_without_the_fields(app, client):
    w = factories.world()
    login(client, w["organiser"])
    page = client.get(f"/staff/matters/{w['matter'].id}").get_data(as_text=True)
    assert "无（自行评估）" in page and "在公开页面公示" in page and "不在公开页面公示" not in page


def test_edit_is_audited_with_before_and_after(app, client):
    w = factories.world()
    login(client, w["organiser"])
    assert _edit(client, w, title=w["matter"].title, area=w["matter"].area, third_party="第三方甲",
                 withhold_public="y", public_withheld_reason="涉及商业秘密").status_code == 302
    entry = db.session.query(AuditEntry).filter_by(action="matter.update").one()
    assert (entry.before["third_party"], entry.before["public_withheld_reason"]) == ("", "")
    assert (entry.after["third_party"], entry.after["public_withheld_reason"]) == ("第三方甲", "涉及商业秘密")
    assert set(k for k in entry.after if entry.after[k] != entry.before[k]) == {"third_party", "public_withheld_reason"}
    audit = client.get(f"/staff/matters/{w['matter'].id}/audit").get_data(as_text=True)
    assert "第三方评估机构" in audit and "不公示的理由" in audit and "涉及商业秘密" in audit


def test_edit_form_shows_the_stored_values_and_unchecking_clears_the_reason(app, client):
    w = factories.world()
    w["matter"].third_party, w["matter"].public_withheld_reason = "第三方乙", "涉及国家秘密"
    db.session.commit()
    login(client, w["organiser"])
    form = client.get(f"/staff/matters/{w['matter'].id}/edit").get_data(as_text=True)
    assert 'value="第三方乙"' in form and "涉及国家秘密</textarea>" in form
    assert '<input checked id="withhold_public" name="withhold_public" type="checkbox" value="y">' in form
    # unchecked while the old reason is still in the box: the reason is cleared
    assert _edit(client, w, third_party="", public_withheld_reason="涉及国家秘密").status_code == 302
    db.session.refresh(w["matter"])
    assert (w["matter"].third_party, w["matter"].public_withheld_reason) == ("", "")


@pytest.mark.parametrize("reason", ["", "   ", "　　"])
def test_checked_without_a_reason_is_refused(app, client, reason):
    w = factories.world()
    login(client, w["organiser"])
    resp = _edit(client, w, third_party="保留的机构", withhold_public="y", public_withheld_reason=reason)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "勾选“不在公开页面公示”时，请填写不公示的理由。" in page
    assert 'value="保留的机构"' in page and 'value="保留的区域"' in page
    db.session.refresh(w["matter"])
    assert (w["matter"].third_party, w["matter"].public_withheld_reason) == ("", "")
    assert db.session.query(AuditEntry).filter_by(action="matter.update").count() == 0


@pytest.mark.parametrize("field, limit", [("third_party", 200), ("public_withheld_reason", 500)])
def test_too_long_is_refused_and_echoed_at_most_the_limit(app, client, field, limit):
    w = factories.world()
    login(client, w["organiser"])
    resp = _edit(client, w, withhold_public="y", **{"public_withheld_reason": "理由", field: "长" * 5000})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and f"内容过长：最多 {limit} 个字，当前 5000 个字。" in page
    assert "长" * limit in page and "长" * (limit + 1) not in page
    assert 'value="保留的区域"' in page
    db.session.refresh(w["matter"])
    assert (w["matter"].third_party, w["matter"].public_withheld_reason) == ("", "")


@pytest.mark.parametrize("field", ["third_party", "public_withheld_reason"])
@pytest.mark.parametrize("value", ["空\x00字节", "响\x07铃"])
def test_control_characters_are_refused(app, client, field, value):
    w = factories.world()
    login(client, w["organiser"])
    resp = _edit(client, w, withhold_public="y", **{"public_withheld_reason": "理由", field: value})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "内容含有无法保存的控制字符" in page
    assert value[0] + value[2:] in page and value not in page  # echoed without the control character
    db.session.refresh(w["matter"])
    assert w["matter"].third_party == ""


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "😀评估有限公司", "１２３咨询", "Risk评估 Ltd. 第三方",
                                   "12345"])
def test_odd_but_storable_text_is_kept_exactly_and_escaped(app, client, value):
    w = factories.world()
    login(client, w["organiser"])
    assert _edit(client, w, third_party=value, withhold_public="y", public_withheld_reason=value).status_code == 302
    db.session.refresh(w["matter"])
    assert w["matter"].third_party == value and w["matter"].public_withheld_reason == value
    page = client.get(f"/staff/matters/{w['matter'].id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    if value.startswith("<"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_wrong_type_checkbox_value_counts_as_checked_and_needs_a_reason(app, client):
    w = factories.world()
    login(client, w["organiser"])
    resp = _edit(client, w, withhold_public=["y", "y"], public_withheld_reason="")
    assert resp.status_code == 422 and "请填写不公示的理由" in resp.get_data(as_text=True)


def test_duplicate_submission_saves_once_in_the_audit_log(app, client):
    w = factories.world()
    login(client, w["organiser"])
    for _ in range(2):
        assert _edit(client, w, title=w["matter"].title, area=w["matter"].area, third_party="第三方丙").status_code == 302
    assert db.session.query(AuditEntry).filter_by(action="matter.update").count() == 1  # the second changed nothing


def test_other_roles_cannot_set_the_fields(app, client):
    w = factories.world()
    for role in ("other", "assessor"):
        login(client, w[role])
        assert _edit(client, w, third_party="越权").status_code == 403
    db.session.refresh(w["matter"])
    assert w["matter"].third_party == ""
