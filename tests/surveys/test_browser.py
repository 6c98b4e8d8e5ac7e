"""Phone-size browser test (375×667): the standard questionnaire, an error state, the receipt."""
from consult.extensions import db
from consult.surveys.models import Response
from tests import factories
from tests.conftest import screenshot
from tests.surveys.helpers import standard_survey


def _pick(page, text):
    page.get_by_label(text, exact=True).check()


def test_fill_standard_questionnaire_on_a_phone(live_server, phone_page):
    w = factories.world()
    s = standard_survey(w)
    page = phone_page
    page.goto(f"{live_server}/surveys/{s.id}")  # the notice page links here (see test_views)
    page.get_by_role("link", name="开始填写").click()
    screenshot(page, "surveys-1-form")
    _pick(page, "直接受影响（征收、拆迁、安置对象或紧邻住户）")
    page.get_by_role("button", name="下一部分").click()  # nothing else answered: errors
    assert page.locator(".error-summary").is_visible()
    assert page.locator(".sq .error").first.inner_text() == "请选择一项。"
    assert page.get_by_label("直接受影响（征收、拆迁、安置对象或紧邻住户）", exact=True).is_checked()
    screenshot(page, "surveys-2-error")
    for label in ("500 米以内", "是", "30—44 岁", "农民"):
        _pick(page, label)
    page.get_by_role("button", name="下一部分").click()
    _pick(page, "不知道")
    assert not page.locator("[data-cond-q]").first.is_visible()  # JS hides the channel question
    _pick(page, "知道，并了解主要内容")
    assert page.get_by_label("政府公示公告").is_visible()
    _pick(page, "政府公示公告")
    page.get_by_role("button", name="下一部分").click()
    for label in ("反对", "施工及运营噪声", "扬尘", "采取措施后可以接受", "与有关方面协商"):
        _pick(page, label)
    page.get_by_label("您不支持的主要原因是什么？").fill("夜间施工噪声影响休息")  # 7.1, shown under 7
    page.get_by_role("button", name="下一部分").click()
    page.get_by_label("您对本事项还有哪些意见和建议？").fill("建议夜间 22 点后停止施工。")
    screenshot(page, "surveys-3-last-section")
    page.get_by_role("button", name="提交问卷").click()
    assert page.get_by_role("heading", name="问卷已提交，感谢您的参与").is_visible()
    assert "夜间施工噪声影响休息" in page.content()
    screenshot(page, "surveys-4-receipt")
    db.session.expire_all()
    assert db.session.query(Response).filter_by(survey_id=s.id).count() == 1


def test_matrix_becomes_a_list_on_a_phone(live_server, phone_page):
    from consult.surveys import questions

    w = factories.world()
    s = standard_survey(w)
    questions.add_question(s.sections[0], actor=w["organiser"], kind="matrix", text="您对以下影响的担心程度",
                           rows=["噪声", "扬尘", "交通"], required=False)
    db.session.commit()
    phone_page.goto(f"{live_server}/surveys/{s.id}/fill")
    label = phone_page.locator(".sq-matrix .mlabel").first
    assert label.is_visible()  # each row shows its own labelled choices
    phone_page.locator(".sq-matrix").scroll_into_view_if_needed()
    screenshot(phone_page, "surveys-5-matrix")
