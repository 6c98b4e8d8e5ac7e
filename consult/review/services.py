"""Expert library, reviewer draw with recusal, the expert's opinion and the assessor's answers."""
from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from consult.audit.services import record
from consult.auth.models import Role, User
from consult.crypto import encrypt, mask_phone
from consult.extensions import db
from consult.permissions import require
from consult.reports.models import ReportVersion, Stage
from consult.review.models import Expert, ReviewAssignment, ReviewerDraw, ReviewPoint

REVIEWABLE = {Stage.SUBMITTED, Stage.REVISED}
DIMENSIONS = ["合法性", "合理性", "可行性", "可控性"]
IMPORT_COLUMNS = ["姓名", "领域", "单位", "职称", "联系方式", "声明回避单位"]
MAX_IMPORT_ROWS = 2000


class ReviewError(ValueError):
    """A refusal shown as is."""


def _norm(name: str) -> str:
    return "".join((name or "").split())


def conflict_of(expert: Expert, matter) -> str | None:
    """Why this expert may not review this matter, or None."""
    org = _norm(matter.organisation.name)
    if org and _norm(expert.organisation) == org:
        return _("与责任单位为同一单位")
    if org and org in {_norm(c) for c in expert.declared_conflicts()}:
        return _("本人声明与责任单位存在利益冲突")
    return None


def _expert_user(username: str) -> User | None:
    if not username:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or user.role != Role.EXPERT:
        raise ReviewError(_("账号“%(u)s”不存在或不是评审专家角色。请先在账号管理中创建专家账号。", u=username))
    if db.session.scalar(select(Expert).where(Expert.user_id == user.id)) is not None:
        raise ReviewError(_("账号“%(u)s”已关联其他专家。", u=username))
    return user


def add_expert(*, actor, name: str, field: str, organisation: str = "", title: str = "", contact: str = "",
               conflicts: str = "", username: str = "") -> Expert:
    require(actor, "admin.manage")
    user = _expert_user(username.strip())
    expert = Expert(name=name.strip(), field=field.strip(), organisation=organisation.strip(), title=title.strip(),
                    contact_enc=encrypt(contact.strip()), contact_mask=mask_phone(contact.strip()),
                    conflicts=conflicts.strip(), user_id=user.id if user else None)
    db.session.add(expert)
    record(actor=actor, action="expert.add", obj=expert, matter_id=None,
           after={"name": expert.name, "field": expert.field, "organisation": expert.organisation})
    return expert


def set_expert_active(expert: Expert, active: bool, *, actor) -> Expert:
    require(actor, "admin.manage")
    if expert.is_active != active:
        expert.is_active = active
        record(actor=actor, action="expert.active", obj=expert, matter_id=None, after={"is_active": active})
    return expert


def parse_experts_xlsx(data: bytes) -> tuple[list[dict], list[str]]:
    """Rows and Chinese errors (row and column named); nothing is saved here."""
    from openpyxl import load_workbook

    try:
        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        return [], [_("无法读取该文件，请上传 .xlsx 格式的专家名单。")]
    if not rows or [str(c or "").strip() for c in rows[0][:len(IMPORT_COLUMNS)]] != IMPORT_COLUMNS:
        return [], [_("第 1 行应为表头：%(cols)s。", cols="、".join(IMPORT_COLUMNS))]
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        return [], [_("一次最多导入 %(n)s 行。", n=MAX_IMPORT_ROWS)]
    out, errors = [], []
    from consult.forms import has_forbidden_chars

    for i, row in enumerate(rows[1:], start=2):
        values = [("" if c is None else str(c)).strip() for c in (list(row) + [None] * 6)[:6]]
        if not any(values):
            continue
        for col, value, limit in zip(IMPORT_COLUMNS, values, (100, 100, 200, 100, 40, 2000)):
            if len(value) > limit:
                errors.append(_("第 %(r)s 行“%(c)s”过长（最多 %(n)s 字）。", r=i, c=col, n=limit))
            if has_forbidden_chars(value):
                errors.append(_("第 %(r)s 行“%(c)s”含有无法保存的控制字符。", r=i, c=col))
        for col, value in (("姓名", values[0]), ("领域", values[1])):
            if not value:
                errors.append(_("第 %(r)s 行“%(c)s”为必填项。", r=i, c=col))
        out.append(dict(zip(("name", "field", "organisation", "title", "contact", "conflicts"), values)))
    if not out and not errors:
        errors.append(_("文件中没有专家数据。"))
    return out, errors


def import_experts(data: bytes, *, actor) -> int:
    """All or nothing: any row error refuses the whole file."""
    require(actor, "admin.manage")
    rows, errors = parse_experts_xlsx(data)
    if errors:
        raise ReviewError("；".join(errors[:20]))
    for row in rows:
        add_expert(actor=actor, **row)
    return len(rows)


def _check_version(version: ReportVersion) -> None:
    if version.stage not in REVIEWABLE:
        raise ReviewError(_("只有送审稿或修改稿可以送专家评审。"))
    if version.kind == "short":
        raise ReviewError(_("简易程序事项无需专家评审。"))


def assign_reviewer(version: ReportVersion, expert: Expert, *, actor, now: datetime,
                    draw: ReviewerDraw | None = None) -> ReviewAssignment:
    require(actor, "matter.analyse", version)
    _check_version(version)
    reason = conflict_of(expert, version.matter)
    if reason:
        raise ReviewError(_("%(n)s 须回避：%(r)s。", n=expert.name, r=reason))
    if not expert.is_active or expert.user_id is None:
        raise ReviewError(_("%(n)s 未启用或没有专家账号，不能送审。", n=expert.name))
    if db.session.scalar(select(ReviewAssignment).where(ReviewAssignment.version_id == version.id,
                                                        ReviewAssignment.expert_id == expert.id)):
        raise ReviewError(_("%(n)s 已是本版本的评审专家。", n=expert.name))
    a = ReviewAssignment(version_id=version.id, expert_id=expert.id, draw_id=draw.id if draw else None,
                         assigned_by_id=actor.id, assigned_at=now)
    db.session.add(a)
    record(actor=actor, action="review.assign", obj=a, matter_id=version.matter_id,
           after={"version": version.number, "expert_id": expert.id, "draw": draw.id if draw else None})
    return a


def draw_order(seed: str, expert_ids: list[int]) -> list[int]:
    key = lambda i: hmac.new(seed.encode(), str(i).encode(), hashlib.sha256).hexdigest()  # noqa: E731
    return sorted(expert_ids, key=lambda i: (key(i), i))


def draw_reviewers(version: ReportVersion, *, actor, now: datetime, field: str, count: int,
                   seed: str | None = None) -> ReviewerDraw:
    """Draw by field: eligible experts ordered by HMAC(seed, id); conflicts recorded and skipped."""
    require(actor, "matter.analyse", version)
    _check_version(version)
    taken = set(db.session.scalars(select(ReviewAssignment.expert_id).where(ReviewAssignment.version_id == version.id)))
    pool = db.session.scalars(select(Expert).where(Expert.field == field.strip(), Expert.is_active.is_(True),
                                                   Expert.user_id.is_not(None)).order_by(Expert.id)).all()
    recused = [{"expert_id": e.id, "reason": r} for e in pool if (r := conflict_of(e, version.matter))]
    blocked = {r["expert_id"] for r in recused}
    eligible = [e.id for e in pool if e.id not in blocked and e.id not in taken]
    if len(eligible) < count:
        raise ReviewError(_("“%(f)s”领域可抽取的专家只有 %(n)s 人（已排除回避和已选专家），少于需要的 %(c)s 人。",
                            f=field, n=len(eligible), c=count))
    seed = seed or secrets.token_hex(8)
    chosen = draw_order(seed, eligible)[:count]
    draw = ReviewerDraw(version_id=version.id, field=field.strip(), count=count, seed=seed, candidates=eligible,
                        recused=recused, chosen=chosen, drawn_by_id=actor.id, drawn_at=now)
    db.session.add(draw)
    db.session.flush()
    experts = {e.id: e for e in pool}
    for eid in chosen:
        assign_reviewer(version, experts[eid], actor=actor, now=now, draw=draw)
    record(actor=actor, action="review.draw", obj=draw, matter_id=version.matter_id,
           after={"seed": seed, "candidates": eligible, "chosen": chosen, "recused": recused})
    return draw


def confirm(assignment: ReviewAssignment, *, actor, now: datetime, conflict: bool, reason: str = "") -> None:
    require(actor, "review.take", assignment)
    if assignment.confirmed_at or assignment.recused_at:
        raise ReviewError(_("已确认过，无需重复提交。"))
    if conflict:
        if not reason.strip():
            raise ReviewError(_("请说明利益冲突的情况。"))
        assignment.recused_at, assignment.recusal_reason = now, reason.strip()
    else:
        assignment.confirmed_at = now
    record(actor=actor, action="review.confirm", obj=assignment, matter_id=assignment.version.matter_id,
           after={"conflict": conflict}, note=reason.strip() or None)


def submit_opinion(assignment: ReviewAssignment, *, actor, now: datetime, dimensions: dict[str, str],
                   agree_level: bool, agree_outcome: bool, changes: str, signature: str) -> ReviewAssignment:
    require(actor, "review.take", assignment)
    if assignment.submitted_at is not None:
        raise ReviewError(_("评估意见表已提交，不能重复提交。"))
    if assignment.confirmed_at is None:
        raise ReviewError(_("请先确认与本事项无利益冲突。"))
    assignment.opinion = {"dimensions": {k: v.strip() for k, v in dimensions.items()}, "agree_level": agree_level,
                          "agree_outcome": agree_outcome,
                          "changes": changes.strip(), "signature": signature.strip(), "date": now.date().isoformat()}
    assignment.submitted_at = now
    lines = [x.strip() for x in changes.splitlines() if x.strip()]
    assignment.points = [ReviewPoint(number=n, text=t) for n, t in enumerate(lines, 1)]
    record(actor=actor, action="review.opinion", obj=assignment, matter_id=assignment.version.matter_id,
           after={"agree_level": agree_level, "agree_outcome": agree_outcome, "points": len(lines)})
    return assignment


def answer_point(point: ReviewPoint, *, actor, now: datetime, answer: str) -> ReviewPoint:
    require(actor, "matter.analyse", point)
    if not answer.strip():
        raise ReviewError(_("请填写答复。"))
    before = {"answer": point.answer}
    point.answer, point.answered_by_id, point.answered_at = answer.strip(), actor.id, now
    record(actor=actor, action="review.answer", obj=point, matter_id=point.assignment.version.matter_id,
           before=before, after={"answer": point.answer})
    return point


def assignments_of_expert(user) -> list[ReviewAssignment]:
    return list(db.session.scalars(select(ReviewAssignment).join(Expert).where(Expert.user_id == user.id)
                                   .order_by(ReviewAssignment.assigned_at.desc())))
