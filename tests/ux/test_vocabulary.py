"""One stance scale, one office name, one date format that does not break across lines."""
from datetime import datetime, timezone

from consult.timeutil import format_local
from tests import factories
from tests.conftest import login
from tests.hearings import factories as hf
from tests.surveys.helpers import standard_survey

SCALE = ["支持", "有条件支持", "中立或其他", "反对"]


def _order(html, labels):
    return [html.index(f"<span>{label}</span>") for label in labels]


def test_comment_and_hearing_forms_use_the_same_four_stances(client):
    w = factories.world()
    notice = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    idx = _order(notice, SCALE)
    assert idx == sorted(idx) and "<span>其他</span>" not in notice
    m = hf.meeting(w)
    assert client.post(f"/hearings/{m.id}/register", data={"phone": "13912345678"}).status_code == 302
    form = client.get(f"/hearings/{m.id}/register/details").get_data(as_text=True)
    idx = _order(form, SCALE)
    assert idx == sorted(idx) and "<span>中立</span>" not in form
    public = client.get(f"/hearings/{m.id}").get_data(as_text=True)
    assert "评估主体" in public and "组织单位</dt>" not in public


def test_questionnaire_results_name_the_mapping(client):
    w = factories.world()
    s = standard_survey(w)
    login(client, w["organiser"])
    html = client.get(f"/staff/surveys/{s.id}/results").get_data(as_text=True)
    assert "基本支持 → 有条件支持；无所谓 → 中立或其他；不太支持 → 反对；反对 → 反对" in html


def test_one_date_format_kept_on_one_line(app, client):
    when = datetime(2026, 11, 29, 8, 35, tzinfo=timezone.utc)
    assert format_local(when) == "2026年11月29日 16:35"
    w = factories.world()
    page = client.get(f"/notices/{w['notice'].id}").get_data(as_text=True)
    import re

    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", page)
    assert "\u2060年\u2060" in page and "日\u2060\u00a0" in page  # word joiners, a no-break space
