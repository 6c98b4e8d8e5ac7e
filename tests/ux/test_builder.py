"""Builder: an add-question error shows in its own section's form only; fields by type; publish confirmed."""
import re

from tests import factories
from tests.conftest import login
from tests.surveys.helpers import standard_survey


def test_add_question_error_stays_in_its_section(client):
    w = factories.world()
    s = standard_survey(w, publish=False)
    last = s.sections[-1]
    login(client, w["organiser"])
    resp = client.post(f"/staff/sections/{last.id}/questions", data={f"s{last.id}-kind": "single", f"s{last.id}-text": ""})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert html.count('class="error-summary"') == 1
    assert html.count("<details open><summary>在") == 1 and f'id="s{last.id}-text"' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert f'action="/staff/sections/{last.id}/questions#add-{last.id}"' in html


def test_fields_marked_by_type_and_publish_confirmed(client):
    w = factories.world()
    s = standard_survey(w, publish=False)
    login(client, w["organiser"])
    html = client.get(f"/staff/surveys/{s.id}").get_data(as_text=True)
    assert '<div data-kinds="matrix">' in html and '<div data-kinds="number">' in html and "builder.js" in html
    assert html.index('<details class="confirm"><summary class="button primary">发布…</summary>') < html.index("确认发布")
    assert "<h3>7.1. 您不支持的主要原因是什么？" in html  # the numbers residents see
