"""Access cases for the foundation's state-changing endpoints."""
from tests import factories
from tests.permission_support import EVERYONE, Case

ORG = frozenset({"organiser"})
ADMIN = frozenset({"admin"})
ANY_STAFF = frozenset({"organiser", "other_organiser", "assessor", "admin"})


def _comment(w):
    w["comment_id"] = factories.comment(w["notice"]).id
    return w["comment_id"]


def _redactable(w):
    w["comment_id"] = factories.comment(w["notice"], body="楼下噪音太大，请联系我 13812345678").id
    return w["comment_id"]


def _attachment(w):
    from consult.extensions import db
    from consult.notices.models import Attachment

    att = Attachment(notice_id=w["notice"].id, filename="a.pdf", content_type="application/pdf", size=4,
                     storage_key="00/none", sha256="0" * 64)
    db.session.add(att)
    db.session.commit()
    return att.id


def _notice_form(w):
    return {"title": "新标题", "body": "<p>正文</p>", "starts_at": "2030-01-01T09:00",
            "ends_at": "2030-02-01T09:00"}


CASES = [
    Case("auth.login", lambda w: "/staff/login", EVERYONE,
         lambda w: {"username": "organiser", "password": factories.PASSWORD}, status=302),
    Case("auth.logout", lambda w: "/staff/logout", EVERYONE, status=302),
    Case("auth.organisations", lambda w: "/admin/organisations", ADMIN, lambda w: {"name": "新单位"}, status=302),
    Case("auth.organisation_edit", lambda w: f"/admin/organisations/{w['other_org'].id}", ADMIN,
         lambda w: {"name": "改名后的单位"}, status=302),
    Case("auth.user_new", lambda w: "/admin/users/new", ADMIN,
         lambda w: {"username": "newuser", "display_name": "新用户", "role": "assessor",
                    "password": "long enough password"}, status=302),
    Case("auth.user_edit", lambda w: f"/admin/users/{w['assessor'].id}", ADMIN,
         lambda w: {"display_name": "改名", "role": "assessor", "is_enabled": "y"}, status=302),
    Case("matters.matter_new", lambda w: "/staff/matters/new", frozenset({"organiser", "other_organiser"}),
         lambda w: {"title": "新事项", "kind": "project", "organisation_id": w["org"].id, "procedure": "general"},
         # the other organiser may create matters, but not for this organisation: the form says so
         status={"organiser": 302, "other_organiser": 422}),
    Case("matters.matter_edit", lambda w: f"/staff/matters/{w['matter'].id}/edit", ORG,
         lambda w: {"title": "改名事项", "kind": "project", "organisation_id": w["org"].id, "procedure": "general"}, status=302),
    Case("matters.matter_status", lambda w: f"/staff/matters/{w['matter'].id}/status", ORG,
         lambda w: {"status": "closed"}, status=302),
    Case("matters.matter_assessors", lambda w: f"/staff/matters/{w['matter'].id}/assessors", ORG,
         lambda w: {"assessors": [w["assessor"].id]}, status=302),
    Case("notices_staff.notice_new", lambda w: f"/staff/matters/{w['matter'].id}/notices/new", ORG, _notice_form, status=302),
    Case("notices_staff.notice_edit", lambda w: f"/staff/notices/{w['notice'].id}/edit", ORG, _notice_form, status=302),
    Case("notices_staff.notice_publish",
         lambda w: f"/staff/notices/{factories.notice(w['matter'], status=factories.NoticeStatus.DRAFT).id}/publish", ORG, status=302),
    Case("notices_staff.notice_withdraw", lambda w: f"/staff/notices/{w['notice'].id}/withdraw", ORG,
         lambda w: {"reason": "内容有误"}, status=302),
    Case("notices_staff.attachment_delete", lambda w: f"/staff/attachments/{_attachment(w)}/delete", ORG, status=302),
    Case("notices_staff.comment_moderate", lambda w: f"/staff/comments/{_comment(w)}/moderate", ORG,
         lambda w: {f"m{w['comment_id']}-decision": "publish"}, status=302),
    Case("notices_staff.comment_reply", lambda w: f"/staff/comments/{_comment(w)}/reply", ORG,
         lambda w: {f"r{w['comment_id']}-reply": "感谢", f"r{w['comment_id']}-adoption": "adopted"}, status=302),
    Case("notices_staff.comment_redact", lambda w: f"/staff/comments/{_redactable(w)}/redact", ORG,
         lambda w: {f"x{w['comment_id']}-words": "13812345678"}, status=302),
    Case("notices_staff.comment_phone", lambda w: f"/staff/comments/{_comment(w)}/phone",
         frozenset({"organiser", "admin"}), status=200),
    Case("notices.comment", lambda w: f"/notices/{w['notice'].id}/comments", EVERYONE,
         lambda w: {"body": "权限矩阵测试意见", "stance": "oppose"}, status=302),
]
