"""A realistic demo: a garbage transfer station siting, with notice, documents, comments.

Goes through the same services as the pages, so the audit log is real too.
"""
from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources

from sqlalchemy import select

from consult.auth.models import Role, User
from consult.auth.services import create_organisation, create_user
from consult.demo.voices import seed_voices
from consult.demo.workspace import seed_workspace
from consult.extensions import db
from consult.jobs import commit
from consult.matters.models import MatterKind, Procedure
from consult.matters.models import MatterStatus
from consult.matters.services import change_status, create_matter, set_assessors
from consult.models import utcnow
from consult.notices import comments as comment_services
from consult.notices import services as notice_services
from consult.notices.models import Adoption, Stance
from consult.oversight.demo import seed_history

ACCOUNTS = [
    ("管理员", "admin", "demo-admin-2026", Role.ADMIN),
    ("组织者", "organiser", "demo-organiser-2026", Role.ORGANISER),
    ("评估人员", "assessor", "demo-assessor-2026", Role.ASSESSOR),
]


def _data() -> dict:
    return json.loads(resources.files("consult.demo").joinpath("demo.json").read_text("utf-8"))


def _matter_values(d: dict) -> dict:
    keys = ("title", "area", "location", "scope_description", "est_households", "est_persons",
            "is_sensitive", "requires_moderation")
    values = {k: d[k] for k in keys}
    values.update(kind=MatterKind(d["kind"]), procedure=Procedure(d["procedure"]))
    return values


def _bootstrap_users(data: dict) -> tuple[User, User, User]:
    admin = create_user(actor=None, username="admin", display_name="系统管理员",
                        password=ACCOUNTS[0][2], role=Role.ADMIN)
    org = create_organisation(actor=admin, name=data["organisation"])
    create_organisation(actor=admin, name=data["other_organisation"])
    organiser = create_user(actor=admin, username="organiser", display_name="张明（城管局）",
                            password=ACCOUNTS[1][2], role=Role.ORGANISER, organisations=[org])
    assessor = create_user(actor=admin, username="assessor", display_name="刘洋（第三方评估机构）",
                           password=ACCOUNTS[2][2], role=Role.ASSESSOR)
    return admin, organiser, assessor


def _other_organiser(admin, data: dict) -> User:
    """An organiser of the demo's second organisation (no published login: it only owns data)."""
    import secrets

    from consult.auth.models import Organisation

    org = db.session.scalar(select(Organisation).where(Organisation.name == data["other_organisation"]))
    return create_user(actor=admin, username="organiser-hrss", display_name="李华（人社局）",
                       password=secrets.token_urlsafe(24), role=Role.ORGANISER, organisations=[org])


def _attachments(notice, organiser) -> None:
    files = resources.files("consult.demo")
    for name, label in (("site-plan.png", "选址示意图.png"), ("project-summary.pdf", "项目简介.pdf")):
        path = files.joinpath(name)
        if path.is_file():
            notice_services.add_attachment(notice, actor=organiser, filename=label, data=path.read_bytes())


def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo once; later calls change nothing. Returns the demo logins."""
    from consult.reports.demo import EXPERT_LOGIN, SUPERVISOR_LOGIN  # created with the demo's 送审稿

    logins = [(label, user, pw) for label, user, pw, _ in ACCOUNTS]
    logins += [("评审专家", *EXPERT_LOGIN), ("备案审查", *SUPERVISOR_LOGIN)]
    if db.session.scalar(select(User.id).where(User.username == "admin")):
        return logins
    data, now = _data(), utcnow()
    admin, organiser, assessor = _bootstrap_users(data)
    org = organiser.organisations[0]

    matter = create_matter(actor=organiser, organisation=org, **_matter_values(data["matter"]))
    set_assessors(matter, [assessor], actor=organiser)
    notice = notice_services.create_notice(
        matter, actor=organiser, title=data["notice"]["title"], body=data["notice"]["body_html"],
        starts_at=now - timedelta(days=3), ends_at=now + timedelta(days=12), short_period_reason=None)
    _attachments(notice, organiser)
    notice_services.publish_notice(notice, actor=organiser, now=now - timedelta(days=3))
    for i, c in enumerate(data["comments"]):
        comment = comment_services.submit_comment(
            notice, actor=None, body=c["body"], stance=Stance(c["stance"]), name=c.get("name"),
            phone=None, consent=True, client_hash=None, now=now - timedelta(days=3, hours=-3 * i))
        if c.get("reply"):
            comment_services.reply_comment(comment, actor=organiser, reply=c["reply"],
                                           adoption=Adoption(c["adoption"]),
                                           adoption_reason=c.get("adoption_reason"), now=now)

    _demo_hearing(matter, organiser, data["hearing"], now)
    _demo_survey(matter, notice, organiser, data["survey"], now)
    seed_voices(matter, notice, organiser, assessor, now=now)  # generated comments, answers, visits
    seed_workspace(matter, organiser, assessor, now=now)  # analysis, curation, register, 送审稿

    hr_organiser = _other_organiser(admin, data)  # the pension policy is the 人社局's, not the 城管局's
    for key, start, end in (("closed_matter", -40, -20), ("open_matter", -1, 14)):
        d = data[key]
        owner = hr_organiser if key == "closed_matter" else organiser
        m = create_matter(actor=owner, organisation=owner.organisations[0], **_matter_values(d))
        n = notice_services.create_notice(m, actor=owner, title=d["notice_title"], body=d["notice_body"],
                                          starts_at=now + timedelta(days=start), ends_at=now + timedelta(days=end),
                                          short_period_reason=None)
        # published on its start day (for the closed one, that was in the past)
        notice_services.publish_notice(n, actor=owner, now=n.starts_at)
        if key == "closed_matter":
            change_status(m, MatterStatus.CLOSED, actor=owner, now=n.ends_at)
    seed_history(now=now)  # a year of generated history for the ledger, 月报表 and 平安稳定指数
    commit()
    return logins


def _demo_hearing(matter, organiser, d: dict, now) -> None:
    """A published hearing residents can register for (draw after registration closes)."""
    from consult.hearings.models import MeetingKind, OfficialRole
    from consult.hearings.schedule import add_official, create_meeting, publish_meeting

    from datetime import datetime, time

    from consult.timeutil import local_to_utc, to_local

    today = to_local(now).date()
    starts_at = local_to_utc(datetime.combine(today + timedelta(days=16), time(14, 30)))
    closes_at = local_to_utc(datetime.combine(today + timedelta(days=10), time(17, 0)))
    meeting = create_meeting(
        matter, actor=organiser, now=now, kind=MeetingKind(d["kind"]), title=d["title"], agenda=d["agenda"],
        starts_at=starts_at, venue=d["venue"], online_link="", capacity=d["capacity"],
        registration_opens_at=now - timedelta(hours=1), registration_closes_at=closes_at,
        promotion_cutoff_at=starts_at - timedelta(days=1), short_schedule_reason=None,
        questions="\n".join(d["questions"]))
    for role, name, org in d["officials"]:
        add_official(meeting, actor=organiser, role=OfficialRole(role), name=name, organisation=org)
    publish_meeting(meeting, actor=organiser, now=now)


def _demo_survey(matter, notice, organiser, d: dict, now) -> None:
    """The standard 稳评 questionnaire, published alongside the notice."""
    from consult.surveys.builder import create_survey, publish_survey
    from consult.surveys.questions import insert_standard

    survey = create_survey(matter, actor=organiser, title=d["title"], intro=d["intro"], opens_at=notice.starts_at,
                           closes_at=notice.ends_at, mode="open", notice=notice)
    insert_standard(survey, actor=organiser, variant="siting")  # a garbage transfer station
    publish_survey(survey, actor=organiser, now=now)
