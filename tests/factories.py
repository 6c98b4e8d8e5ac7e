"""Small factories for test data: real rows through the models, flushed and committed."""
from __future__ import annotations

import itertools
from datetime import timedelta

from consult.auth.models import Organisation, Role, User
from consult.extensions import db
from consult.matters.models import Matter, MatterKind, MatterStatus, Procedure
from consult.models import utcnow
from consult.notices.comments import body_fingerprint, new_receipt_code
from consult.notices.models import Adoption, Comment, CommentStatus, Notice, NoticeStatus, Stance

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def organisation(name: str | None = None) -> Organisation:
    org = Organisation(name=name or f"单位{next(_seq)}")
    db.session.add(org)
    db.session.commit()
    return org


def user(role: Role = Role.ORGANISER, organisations=(), username: str | None = None, **kw) -> User:
    u = User(username=username or f"user{next(_seq)}", display_name=kw.pop("display_name", "测试用户"),
             role=role, **kw)
    u.set_password(PASSWORD)
    u.organisations = list(organisations)
    db.session.add(u)
    db.session.commit()
    return u


def matter(org: Organisation, **kw) -> Matter:
    values = dict(title=f"测试事项{next(_seq)}", kind=MatterKind.PROJECT, area="A市B区",
                  procedure=Procedure.GENERAL, status=MatterStatus.CONSULTING)
    values.update(kw)
    m = Matter(organisation_id=org.id, **values)
    db.session.add(m)
    db.session.commit()
    return m


def notice(m: Matter, *, open_: bool = True, status=NoticeStatus.PUBLISHED, **kw) -> Notice:
    now = utcnow()
    starts, ends = (now - timedelta(days=1), now + timedelta(days=14)) if open_ else (
        now - timedelta(days=30), now - timedelta(days=10))
    values = dict(title=f"公示{next(_seq)}", body_html="<p>公示正文</p>", starts_at=starts, ends_at=ends,
                  status=status, published_at=starts if status == NoticeStatus.PUBLISHED else None)
    values.update(kw)
    n = Notice(matter_id=m.id, **values)
    db.session.add(n)
    db.session.commit()
    return n


def comment(n: Notice, body: str | None = None, **kw) -> Comment:
    body = body or f"测试意见{next(_seq)}"
    values = dict(stance=Stance.OPPOSE, status=CommentStatus.PUBLISHED)
    values.update(kw)
    c = Comment(matter_id=n.matter_id, notice_id=n.id, receipt_code=new_receipt_code(), body=body,
                body_hash=body_fingerprint(body), **values)
    db.session.add(c)
    db.session.commit()
    return c


def world():
    """The cast used by access tests: two organisations, one matter, every role."""
    org, other_org = organisation("本单位"), organisation("其他单位")
    organiser = user(Role.ORGANISER, [org], username="organiser")
    other = user(Role.ORGANISER, [other_org], username="other")
    assessor = user(Role.ASSESSOR, username="assessor")
    admin = user(Role.ADMIN, username="admin")
    m = matter(org)
    m.assessors = [assessor]
    db.session.commit()
    n = notice(m)
    return dict(org=org, other_org=other_org, organiser=organiser, other=other, assessor=assessor,
                admin=admin, matter=m, notice=n)
