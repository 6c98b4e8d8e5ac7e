"""Organiser pages: schedule a meeting, officials, seats and rules, registrations, selection."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.audit.services import record
from consult.extensions import db
from consult.hearings import attendance, drawing, rules, schedule
from consult.hearings.common import HearingError
from consult.hearings.forms import CategoryForm, MeetingForm, OfficialForm, ReasonForm, RulesForm, SeedForm
from consult.hearings.models import (Allocation, Meeting, MeetingKind, MeetingOfficial, OfficialRole, RegStatus,
                                     SeatCategory)
from consult.jobs import commit
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import can, require
from consult.timeutil import format_local, local_to_utc, to_local

bp = Blueprint("hearings_staff", __name__, url_prefix="/staff")
DATETIMES = ("starts_at", "registration_opens_at", "registration_closes_at", "promotion_cutoff_at")


@bp.before_request
@login_required
def _staff_only():
    return None


def _load(meeting_id: int, action: str = "matter.manage") -> Meeting:
    meeting = db.get_or_404(Meeting, meeting_id)
    require(current_user, action, meeting)
    return meeting


def _errors(form) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)


def _fail(exc: HearingError) -> None:
    db.session.rollback()
    flash(str(exc), "error")


def _back(meeting: Meeting, page: str = "meeting", anchor: str = ""):
    return redirect(url_for(f"hearings_staff.{page}", meeting_id=meeting.id) + anchor)


def _values(form: MeetingForm) -> dict:
    values = {k: form[k].data for k in ("title", "agenda", "venue", "online_link", "capacity", "questions",
                                        "short_schedule_reason", "waitlist_size")}
    values.update({k: local_to_utc(form[k].data) if form[k].data else None for k in DATETIMES})
    values.update(kind=MeetingKind(form.kind.data), allocation=Allocation(form.allocation.data))
    values["venue"], values["online_link"] = values["venue"] or "", values["online_link"] or ""
    values["agenda"] = values["agenda"] or ""
    values["short_schedule_reason"] = values["short_schedule_reason"] or None
    return values


def _save(form: MeetingForm, matter: Matter, meeting: Meeting | None):
    try:
        if meeting is None:
            meeting = schedule.create_meeting(matter, actor=current_user, now=utcnow(), **_values(form))
        else:
            schedule.update_meeting(meeting, actor=current_user, now=utcnow(), **_values(form))
    except HearingError as exc:
        db.session.rollback()
        getattr(form, exc.field or "title").errors.append(str(exc))
        return None
    commit()
    return meeting


def _render_form(form, matter, meeting):
    return render_template("hearings/staff_form.html", form=form, matter=matter, meeting=meeting,
                           publish_days=rules.publish_lead_days(), close_days=rules.registration_lead_days()), (
        422 if form.errors else 200)


@bp.route("/matters/<int:matter_id>/hearings/new", methods=["GET", "POST"])
def meeting_new(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.manage", matter)
    form = MeetingForm()
    if form.validate_on_submit() and (meeting := _save(form, matter, None)):
        flash(_("会议已保存为草稿。请核对名额和人员后发布。"), "success")
        return _back(meeting)
    return _render_form(form, matter, None)


@bp.route("/hearings/<int:meeting_id>/edit", methods=["GET", "POST"])
def meeting_edit(meeting_id: int):
    meeting = _load(meeting_id)
    form = MeetingForm(obj=meeting)
    if request.method == "GET":
        for k in DATETIMES:
            value = getattr(meeting, k)
            form[k].data = to_local(value).replace(tzinfo=None) if value else None
        form.kind.data, form.allocation.data = meeting.kind.value, meeting.allocation.value
        form.questions.data = "\n".join(meeting.questions or [])
    if form.validate_on_submit() and _save(form, meeting.matter, meeting):
        flash(_("会议已保存。"), "success")
        return _back(meeting)
    return _render_form(form, meeting.matter, meeting)


@bp.route("/hearings/<int:meeting_id>")
def meeting(meeting_id: int):
    m = _load(meeting_id, "matter.view")
    draw = drawing.draw_of(m)
    return render_template(
        "hearings/staff_meeting.html", m=m, now=utcnow(), can_manage=can(current_user, "matter.manage", m),
        can_analyse=can(current_user, "matter.analyse", m), warnings=schedule.official_warnings(m),
        figures=attendance.figures(m), draw=draw, draw_not_before=drawing.draw_not_before(m, draw),
        draw_delay_hours=int(drawing.draw_delay().total_seconds() // 3600), broken=drawing.broken_rules(m),
        official_form=OfficialForm(), reason_form=ReasonForm(), seed_form=SeedForm(), OfficialRole=OfficialRole,
        shortfalls=schedule.schedule_shortfalls(m, publish_at=m.published_at or utcnow()))


@bp.route("/hearings/<int:meeting_id>/publish", methods=["POST"])
def meeting_publish(meeting_id: int):
    m = _load(meeting_id)
    try:
        schedule.publish_meeting(m, actor=current_user, now=utcnow())
    except HearingError as exc:
        _fail(exc)
    else:
        commit()
        flash(_("会议已发布，居民可在公示页面看到并报名。"), "success")
    return _back(m)


@bp.route("/hearings/<int:meeting_id>/cancel", methods=["POST"])
def meeting_cancel(meeting_id: int):
    m = _load(meeting_id)
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            raise HearingError(_errors(form))
        schedule.cancel_meeting(m, actor=current_user, reason=form.reason.data or "", now=utcnow())
    except HearingError as exc:
        _fail(exc)
    else:
        commit()
        flash(_("会议已取消，已通知报名人。"), "success")
    return _back(m)


@bp.route("/hearings/<int:meeting_id>/officials", methods=["POST"])
def official_add(meeting_id: int):
    m = _load(meeting_id)
    form = OfficialForm()
    if form.validate_on_submit():
        schedule.add_official(m, actor=current_user, role=OfficialRole(form.role.data), name=form.name.data,
                              organisation=form.organisation.data)
        commit()
        flash(_("已添加会议人员。"), "success")
    else:
        flash(_("请填写会议人员的姓名和工作单位：") + _errors(form), "error")
    return _back(m, anchor="#officials")


@bp.route("/officials/<int:official_id>/delete", methods=["POST"])
def official_delete(official_id: int):
    official = db.get_or_404(MeetingOfficial, official_id)
    require(current_user, "matter.manage", official)
    m = official.meeting
    schedule.remove_official(official, actor=current_user)
    commit()
    return _back(m, anchor="#officials")


# --- seats and rules -------------------------------------------------------------------
def _render_seats(m, *, failed=None, new_form=None, rules_form=None, status=200):
    counts = drawing.seat_counts(m)
    return render_template(
        "hearings/staff_seats.html", m=m, can_manage=can(current_user, "matter.manage", m), failed=failed or {},
        new_form=new_form or CategoryForm(formdata=None, prefix="new"), CategoryForm=CategoryForm,
        rules_form=rules_form or RulesForm(formdata=None, rules=rules.rules_text(m.rules or [])),
        planned=rules.composition(m, {c.code: c.seats for c in m.categories}),
        current=rules.composition(m, counts), counts=counts), status


@bp.route("/hearings/<int:meeting_id>/seats")
def seats(meeting_id: int):
    return _render_seats(_load(meeting_id, "matter.view"))


def _category_values(form: CategoryForm) -> dict:
    return {k: form[k].data for k in schedule.CATEGORY_FIELDS}


@bp.route("/hearings/<int:meeting_id>/categories", methods=["POST"])
def category_add(meeting_id: int):
    m = _load(meeting_id)
    form = CategoryForm(prefix="new")
    if form.validate_on_submit():
        try:
            schedule.save_category(m, actor=current_user, category=None, **_category_values(form))
        except HearingError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(str(exc))
        else:
            commit()
            flash(_("已添加类别。"), "success")
            return _back(m, "seats")
    return _render_seats(db.session.get(Meeting, meeting_id), new_form=form, status=422)


@bp.route("/categories/<int:category_id>", methods=["POST"])
def category_save(category_id: int):
    category = db.get_or_404(SeatCategory, category_id)
    require(current_user, "matter.manage", category)
    m, form = category.meeting, CategoryForm(prefix=f"c{category_id}")
    if form.validate_on_submit():
        try:
            schedule.save_category(m, actor=current_user, category=category, **_category_values(form))
        except HearingError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(str(exc))
        else:
            commit()
            flash(_("名额已保存。"), "success")
            return _back(m, "seats")
    return _render_seats(db.session.get(Meeting, m.id), failed={category_id: form}, status=422)


@bp.route("/categories/<int:category_id>/delete", methods=["POST"])
def category_delete(category_id: int):
    category = db.get_or_404(SeatCategory, category_id)
    require(current_user, "matter.manage", category)
    m = category.meeting
    try:
        schedule.delete_category(category, actor=current_user)
    except HearingError as exc:
        _fail(exc)
    else:
        commit()
        flash(_("类别已删除。"), "success")
    return _back(m, "seats")


@bp.route("/hearings/<int:meeting_id>/rules", methods=["POST"])
def rules_save(meeting_id: int):
    m = _load(meeting_id)
    form = RulesForm()
    if form.validate_on_submit():
        try:
            schedule.set_rules(m, actor=current_user, text=form.rules.data or "")
        except HearingError as exc:
            db.session.rollback()
            form.rules.errors.append(str(exc))
        else:
            commit()
            flash(_("比例规则已保存。"), "success")
            return _back(m, "seats")
    return _render_seats(db.session.get(Meeting, meeting_id), rules_form=form, status=422)


# --- registrations and selection --------------------------------------------------------
@bp.route("/hearings/<int:meeting_id>/registrations", methods=["GET", "POST"])
def registrations(meeting_id: int):
    m = _load(meeting_id, "matter.view")
    status = request.args.get("status")
    status = RegStatus(status) if status in {s.value for s in RegStatus} else None
    may_reveal = can(current_user, "matter.personal_data", m)
    # a reveal is a POST: a link from another site can neither show nor log one
    show_personal = request.method == "POST" and request.form.get("full") == "1"
    if show_personal:  # every look at unmasked personal data is recorded
        require(current_user, "matter.personal_data", m)
        record(actor=current_user, action="hearing.registrations.reveal", obj=m, matter_id=m.matter_id,
               note="查看报名人完整个人信息")
        commit()
    return render_template("hearings/staff_registrations.html", m=m, regs=schedule.registrations(m, status=status),
                           status=status, RegStatus=RegStatus, show_personal=show_personal, may_reveal=may_reveal)


@bp.route("/hearings/<int:meeting_id>/seed", methods=["POST"])
def seed_publish(meeting_id: int):
    m = _load(meeting_id)
    form = SeedForm()
    try:
        if not form.validate_on_submit():
            raise HearingError(_errors(form))
        drawing.publish_seed(m, actor=current_user, now=utcnow(), early_reason=form.early_reason.data)
    except HearingError as exc:
        _fail(exc)
    else:
        commit()
        flash(_("报名已截止，抽签种子和报名编号名单已公布。%(t)s 以后可以遴选。",
                t=format_local(drawing.draw_not_before(m, drawing.draw_of(m)))), "success")
    return _back(m, anchor="#selection")


@bp.route("/hearings/<int:meeting_id>/select", methods=["POST"])
def select_run(meeting_id: int):
    m = _load(meeting_id)
    try:
        drawing.run_selection(m, actor=current_user, now=utcnow())
    except HearingError as exc:
        _fail(exc)
    else:
        commit()
        flash(_("遴选完成。请核对名单和入选理由，确认后将通知报名人。"), "success")
    return _back(m, "registrations")


@bp.route("/hearings/<int:meeting_id>/confirm", methods=["POST"])
def confirm(meeting_id: int):
    m = _load(meeting_id)
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            raise HearingError(_errors(form))
        drawing.confirm_list(m, actor=current_user, reason=form.reason.data, now=utcnow())
    except HearingError as exc:
        _fail(exc)
    else:
        commit()
        flash(_("名单已确认，已通知报名人。"), "success")
    return _back(m, anchor="#selection")


@bp.route("/hearings/<int:meeting_id>/remind", methods=["POST"])
def remind(meeting_id: int):
    m = _load(meeting_id)
    n = attendance.remind(m, actor=current_user, now=utcnow())
    commit()
    flash(_("已向 %(n)s 位参加人员发送提醒短信。", n=n), "success")
    return _back(m)


from consult.hearings import staff_door  # noqa: E402,F401  (registers the door and minutes pages on bp)
from consult.hearings import counts as _counts  # noqa: E402,F401  (registers the dashboard figures)
