"""Organisers write the notice body in Markdown: line breaks kept, script blocks gone, still bleached;
a preview on the new and edit pages; publishing asks for confirmation; edits to a published notice
are shown to residents with what changed; old HTML bodies migrate to readable Markdown."""
from datetime import timedelta

from consult.extensions import db
from consult.models import utcnow
from consult.notices import services
from consult.notices.markup import html_to_markdown, render_markdown
from consult.notices.models import Notice, NoticeRevision, NoticeStatus
from tests import factories
from tests.conftest import login


def test_plain_text_keeps_its_line_breaks_and_scripts_vanish():
    html = render_markdown("第一行\n第二行\n\n## 补偿标准\n- 甲\n- 乙\n<script>alert(1)</script>\n[详情](javascript:alert(2))")
    assert "<p>第一行<br>\n第二行</p>" in html and "<h2>补偿标准</h2>" in html and "<li>甲</li>" in html
    assert "alert(1)" not in html and "<script" not in html and 'href="javascript' not in html
    assert render_markdown('<p onclick="x()">旧正文</p>') == "<p>旧正文</p>"


def test_old_html_bodies_become_readable_markdown():
    md = html_to_markdown('<p>为平稳实施，<strong>B区</strong>拟设置过渡期。<br>第二行</p><ul><li>一</li><li>二</li></ul>'
                          '<h2>标题</h2><p><a href="https://x.cn">链接</a> &amp; 其他</p><script>bad()</script>')
    assert md == "为平稳实施，**B区**拟设置过渡期。\n第二行\n\n- 一\n- 二\n\n## 标题\n\n[链接](https://x.cn) & 其他"
    assert "<strong>B区</strong>" in render_markdown(md)


def _form(**kw):
    data = {"title": "公示标题", "body": "第一段\n第二行", "starts_at": "2030-01-01T09:00", "ends_at": "2030-02-01T09:00"}
    data.update(kw)
    return data


def test_preview_on_new_and_edit_pages_saves_nothing(client):
    w = factories.world()
    login(client, w["organiser"])
    count = db.session.query(Notice).count()
    resp = client.post(f"/staff/matters/{w['matter'].id}/notices/new", data=_form(action="preview"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "预览（尚未保存）" in html and "<p>第一段<br>\n第二行</p>" in html
    assert db.session.query(Notice).count() == count
    resp = client.post(f"/staff/notices/{w['notice'].id}/edit", data=_form(action="preview", body="**新**"))
    assert "<strong>新</strong>" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notice, w["notice"].id).title != "公示标题"


def test_publish_asks_for_confirmation(client):
    w = factories.world()
    draft = factories.notice(w["matter"], status=NoticeStatus.DRAFT)
    login(client, w["organiser"])
    html = client.get(f"/staff/notices/{draft.id}/edit").get_data(as_text=True)
    confirm = html.index('<details class="confirm">')
    assert confirm < html.index("确认发布") and "发布不能撤销" in html


def test_edits_to_a_published_notice_are_shown_publicly(client):
    w = factories.world()
    n = w["notice"]
    n.body_md = "补偿标准见附件。\n施工时间为白天。"
    db.session.commit()
    values = dict(title=n.title, body="补偿标准见附件。\n施工时间为 8:00—18:00。", starts_at=n.starts_at,
                  ends_at=n.ends_at + timedelta(days=5), short_period_reason=None)
    services.update_notice(n, actor=w["organiser"], **values)
    db.session.commit()
    [rev] = db.session.query(NoticeRevision).all()
    assert rev.changed == ["body_md", "ends_at"]
    html = client.get(f"/notices/{n.id}").get_data(as_text=True)
    assert "本公示于" in html and "修改：正文、结束时间" in html
    assert '<li class="diff-del"><span class="visually-hidden">删除：</span>施工时间为白天。</li>' in html
    assert "施工时间为 8:00—18:00。" in html
    draft = factories.notice(w["matter"], status=NoticeStatus.DRAFT)
    services.update_notice(draft, actor=w["organiser"], **{**values, "title": "草稿改名"})
    db.session.commit()
    assert db.session.query(NoticeRevision).count() == 1  # drafts keep no public history
