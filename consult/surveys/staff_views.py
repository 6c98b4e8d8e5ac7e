"""Organiser pages: build a questionnaire, publish, invitations, paper entry and import.
Results and exports are in staff_results (same blueprint)."""
from __future__ import annotations

from flask_babel import gettext as _

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from consult.extensions import db
from consult.jobs import commit
from consult.matters.models import Matter
from consult.models import utcnow
from consult.permissions import require
from consult.surveys import builder, questions, responses, sheets
from consult.surveys.answering import read_answers
from consult.surveys.builder import SurveyError
from consult.surveys.forms import EntryMetaForm, ImportForm, InvitationForm, QuestionForm, SectionForm, SurveyForm
from consult.surveys.models import Channel, InvitationCode, Question, Section, Survey
from consult.surveys.spec import build_spec, load_spec
from consult.surveys.standard import VARIANT_LABELS, default_variant
from consult.timeutil import local_to_utc, to_local

bp = Blueprint("surveys_staff", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def _staff_only():
    return None


def _survey_form(matter: Matter, survey: Survey | None = None) -> SurveyForm:
    form = SurveyForm(obj=survey)
    form.notice_id.choices = [(0, "（不关联）")] + [(n.id, n.title) for n in matter.notices]
    if survey is not None and not form.is_submitted():
        form.opens_at.data = to_local(survey.opens_at).replace(tzinfo=None)
        form.closes_at.data = to_local(survey.closes_at).replace(tzinfo=None)
        form.mode.data, form.notice_id.data = survey.mode.value, survey.notice_id or 0
    return form


def _survey_values(form: SurveyForm, matter: Matter) -> dict:
    notice = next((n for n in matter.notices if n.id == form.notice_id.data), None)
    return dict(title=form.title.data, intro=form.intro.data or "", opens_at=local_to_utc(form.opens_at.data),
                closes_at=local_to_utc(form.closes_at.data), mode=form.mode.data, notice=notice)


def _fail(form, exc: SurveyError, default: str):
    db.session.rollback()
    field = getattr(form, exc.field or default, None) or getattr(form, default)
    field.errors = list(field.errors) + [str(exc)]


@bp.route("/matters/<int:matter_id>/surveys/new", methods=["GET", "POST"])
def survey_new(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.manage", matter)
    form = _survey_form(matter)
    if form.validate_on_submit():
        try:
            survey = builder.create_survey(matter, actor=current_user, **_survey_values(form, matter))
            if request.form.get("standard"):
                questions.insert_standard(survey, actor=current_user, variant=request.form.get("variant", ""))
        except SurveyError as exc:
            _fail(form, exc, "title")
        else:
            commit()
            flash(_("问卷已创建（草稿）。"), "success")
            return redirect(url_for("surveys_staff.survey_edit", survey_id=survey.id))
    return render_template("surveys/staff_new.html", form=form, matter=matter,
                           variant=request.form.get("variant") or default_variant(matter), variants=VARIANT_LABELS), 422 if form.errors else 200


def _question_form(section_id: int) -> QuestionForm:
    """Each section's add form has its own field names (ids must be unique on the page); a post
    without the prefix (API clients, older pages) is read as before."""
    prefix = f"s{section_id}"
    return QuestionForm(prefix=prefix) if any(k.startswith(prefix + "-") for k in request.form) else QuestionForm()


def _builder(survey: Survey, *, form=None, section_form=None, question_form=None, section_id=None, status=200):
    now = utcnow()
    section_form = section_form or SectionForm(formdata=None)
    for f in section_form:  # the settings form above also has a "title"; ids must be unique
        f.id = f"section-{f.name}"
    return render_template(
        "surveys/staff_builder.html", survey=survey, matter=survey.matter, now=now,
        form=form or _survey_form(survey.matter, survey), section_form=section_form,
        question_form=question_form, question_section_id=section_id,
        new_question_form=lambda sid: QuestionForm(formdata=None, prefix=f"s{sid}"), invite_form=InvitationForm(formdata=None),
        invites=responses.invitation_counts(survey), answered=builder.has_answers(survey),
        order=questions.question_order(survey), variant=default_variant(survey.matter),
        numbers={q.id: q.number for q in build_spec(survey).questions},
        variants=VARIANT_LABELS), status


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
def survey_edit(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    require(current_user, "matter.manage", survey)
    form = _survey_form(survey.matter, survey)
    if request.method == "POST" and form.validate_on_submit():
        try:
            builder.update_survey(survey, actor=current_user, **_survey_values(form, survey.matter))
        except SurveyError as exc:
            _fail(form, exc, "title")
        else:
            commit()
            flash(_("问卷设置已保存。"), "success")
            return redirect(url_for("surveys_staff.survey_edit", survey_id=survey.id))
    return _builder(survey, form=form, status=422 if form.errors else 200)


def _action(survey_id: int, fn, ok: str, anchor: str = ""):
    survey = db.get_or_404(Survey, survey_id)
    require(current_user, "matter.manage", survey)
    try:
        fn(survey)
    except SurveyError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        commit()
        flash(ok, "success")
    return redirect(url_for("surveys_staff.survey_edit", survey_id=survey_id) + anchor)


@bp.route("/surveys/<int:survey_id>/publish", methods=["POST"])
def survey_publish(survey_id: int):
    return _action(survey_id, lambda s: builder.publish_survey(s, actor=current_user, now=utcnow()),
                   _("问卷已发布，将在开始时间自动开放、结束时间自动截止。"))


@bp.route("/surveys/<int:survey_id>/close", methods=["POST"])
def survey_close(survey_id: int):
    return _action(survey_id, lambda s: builder.close_survey(s, actor=current_user, now=utcnow()), _("问卷已截止。"))


@bp.route("/surveys/<int:survey_id>/standard", methods=["POST"])
def survey_standard(survey_id: int):
    variant = request.form.get("variant", "")
    return _action(survey_id, lambda s: questions.insert_standard(s, actor=current_user, variant=variant),
                   _("已插入标准稳评问卷，并预设知晓率、支持率口径。可继续修改。"))


@bp.route("/surveys/<int:survey_id>/sections", methods=["POST"])
def section_add(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    require(current_user, "matter.manage", survey)
    form = SectionForm()
    if form.validate_on_submit():
        builder.add_section(survey, actor=current_user, title=form.title.data, description=form.description.data)
        commit()
        flash(_("已添加部分。"), "success")
        return redirect(url_for("surveys_staff.survey_edit", survey_id=survey.id) + "#structure")
    return _builder(survey, section_form=form, status=422)


def _section_action(section_id: int, fn, ok: str):
    section = db.get_or_404(Section, section_id)
    return _action(section.survey_id, lambda s: fn(section), ok, "#structure")


@bp.route("/sections/<int:section_id>/move", methods=["POST"])
def section_move(section_id: int):
    offset = -1 if request.form.get("dir") == "up" else 1
    return _section_action(section_id, lambda x: builder.move_section(x, actor=current_user, offset=offset), _("已调整顺序。"))


@bp.route("/sections/<int:section_id>/delete", methods=["POST"])
def section_delete(section_id: int):
    return _section_action(section_id, lambda x: builder.delete_section(x, actor=current_user), _("已删除该部分。"))


def _is_number(s: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²" or "١", which int() refuses or reads."""
    return s.isascii() and s.isdigit() and len(s) <= 9


def _ids(values) -> list[int]:
    return [int(v) for v in values if _is_number(v)]


def _lines(text: str | None) -> list[str]:
    # (form.options.data would be the question's Option list when the field is not posted:
    # QuestionForm(obj=q) falls back to the object's attribute of the same name)
    return [line for line in (text if isinstance(text, str) else "").splitlines() if line.strip()]


@bp.route("/sections/<int:section_id>/questions", methods=["POST"])
def question_add(section_id: int):
    section = db.get_or_404(Section, section_id)
    require(current_user, "matter.manage", section)
    form = _question_form(section.id)
    if form.validate_on_submit():
        try:
            questions.add_question(
                section, actor=current_user, kind=form.kind.data, text=form.text.data,
                help_text=form.help_text.data or "", required=form.required.data, is_personal=form.is_personal.data,
                options=_lines(form.options.data), rows=_lines(form.rows.data), allow_other=form.allow_other.data,
                min_picks=form.min_picks.data, max_picks=form.max_picks.data, min_value=form.min_value.data,
                max_value=form.max_value.data)
        except SurveyError as exc:
            _fail(form, exc, "text")
        else:
            commit()
            flash(_("已添加题目。"), "success")
            return redirect(url_for("surveys_staff.survey_edit", survey_id=section.survey_id) + "#structure")
    return _builder(section.survey, question_form=form, section_id=section.id, status=422)


def _question_action(question_id: int, fn, ok: str):
    q = db.get_or_404(Question, question_id)
    return _action(q.survey_id, lambda s: fn(q), ok, "#structure")


@bp.route("/questions/<int:question_id>/move", methods=["POST"])
def question_move(question_id: int):
    offset = -1 if request.form.get("dir") == "up" else 1
    return _question_action(question_id, lambda q: questions.move_question(q, actor=current_user, offset=offset),
                            _("已调整顺序。"))


@bp.route("/questions/<int:question_id>/duplicate", methods=["POST"])
def question_duplicate(question_id: int):
    return _question_action(question_id, lambda q: questions.duplicate_question(q, actor=current_user), _("已复制题目。"))


@bp.route("/questions/<int:question_id>/delete", methods=["POST"])
def question_delete(question_id: int):
    return _question_action(question_id, lambda q: questions.delete_question(q, actor=current_user), _("已删除题目。"))


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def question_edit(question_id: int):
    q = db.get_or_404(Question, question_id)
    require(current_user, "matter.manage", q)
    form = QuestionForm(obj=q)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        f = request.form
        labels = {o.id: f.get(f"opt-{o.id}", o.label) for o in q.options}
        cond_q = f.get("condition_question_id", type=int)
        try:
            questions.update_question(
                q, actor=current_user, text=form.text.data, help_text=form.help_text.data or "",
                required=form.required.data, is_personal=form.is_personal.data, min_picks=form.min_picks.data,
                max_picks=form.max_picks.data, min_value=form.min_value.data, max_value=form.max_value.data,
                labels=labels, new_options=_lines(f.get("options")), new_rows=_lines(f.get("rows")),
                remove_option_ids=_ids(f.getlist("remove")))
            questions.set_condition(q, actor=current_user, question_id=cond_q or None,
                                    option_ids=_ids(f.getlist("condition_option_ids")))
        except SurveyError as exc:
            db.session.rollback()
            errors[exc.field or "text"] = str(exc)
            q = db.session.get(Question, question_id)
        else:
            commit()
            flash(_("题目已保存。"), "success")
            return redirect(url_for("surveys_staff.survey_edit", survey_id=q.survey_id) + f"#q{q.id}")
    if request.method == "GET":
        form.options.data = form.rows.data = ""
    order = questions.question_order(q.survey)
    earlier = [x for x in q.survey.questions if order.index(x.id) < order.index(q.id)
               and x.kind.value in ("single", "multiple", "scale5")]
    return render_template("surveys/staff_question.html", q=q, form=form, errors=errors, earlier=earlier,
                           survey=q.survey, matter=q.survey.matter, answered=builder._question_answered(q)), \
        422 if (errors or form.errors) else 200


@bp.route("/surveys/<int:survey_id>/definitions", methods=["POST"])
def survey_definitions(survey_id: int):
    f = request.form
    ids = lambda name: _ids(f.getlist(name))  # noqa: E731
    return _action(survey_id, lambda s: questions.set_definitions(
        s, actor=current_user, awareness_question_id=f.get("awareness_question_id", type=int) or None,
        awareness_option_ids=ids("awareness_option_ids"),
        support_question_id=f.get("support_question_id", type=int) or None,
        support_option_ids=ids("support_option_ids"), group_question_id=f.get("group_question_id", type=int) or None,
        distance_question_id=f.get("distance_question_id", type=int) or None), _("统计口径已保存。"), "#definitions")


@bp.route("/surveys/<int:survey_id>/targets", methods=["POST"])
def survey_targets(survey_id: int):
    def run(s):
        targets = {}
        for key, value in request.form.items():
            if key.startswith("target-") and _is_number(key[7:]):
                if value.strip() and not _is_number(value.strip()):
                    raise SurveyError(_("目标样本量请填写整数。"))
                targets[int(key[7:])] = int(value) if value.strip() else None
        questions.set_targets(s, actor=current_user, targets=targets)
    return _action(survey_id, run, _("目标样本量已保存。"), "#targets")


@bp.route("/surveys/<int:survey_id>/invitations", methods=["GET", "POST"])
def invitations(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    require(current_user, "matter.manage", survey)
    if request.method == "POST":
        form = InvitationForm()
        if not form.validate_on_submit():
            flash(_("请填写 1 到 2000 之间的数量。"), "error")
            return redirect(url_for("surveys_staff.survey_edit", survey_id=survey.id) + "#invitations")
        return _action(survey_id, lambda s: responses.generate_invitations(
            s, actor=current_user, count=form.count.data, batch=form.batch.data or ""),
            _("邀请码已生成，可打印。"), "#invitations")
    from sqlalchemy import select

    batch = request.args.get("batch")
    stmt = select(InvitationCode).where(InvitationCode.survey_id == survey.id, InvitationCode.used_at.is_(None))
    if batch is not None:
        stmt = stmt.where(InvitationCode.batch == batch)
    codes = list(db.session.scalars(stmt.order_by(InvitationCode.id).limit(2000)))
    return render_template("surveys/staff_invitations.html", survey=survey, matter=survey.matter, codes=codes)


@bp.route("/surveys/<int:survey_id>/entry", methods=["GET", "POST"])
def entry(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    require(current_user, "matter.analyse", survey)
    spec = load_spec(survey.id)
    meta, data, errors = EntryMetaForm(), request.form if request.method == "POST" else MultiDict(), {}
    if request.method == "POST":
        res = read_answers(spec, data.getlist)
        errors = res.errors
        if meta.validate_on_submit() and not errors:
            try:
                rid, code = responses.enter_paper(survey, spec, res.values, actor=current_user,
                                                  channel=Channel(meta.channel.data),
                                                  enumerator=meta.enumerator.data, now=utcnow())
            except SurveyError as exc:  # e.g. the questionnaire changed meanwhile
                db.session.rollback()
                errors = {exc.field or "_form": str(exc)}
                flash(str(exc), "error")
                return render_template("surveys/staff_entry.html", survey=survey, matter=survey.matter,
                                       spec=load_spec(survey.id), meta=meta, data=data, errors=errors,
                                       import_form=ImportForm(formdata=None), import_errors=[]), 422
            commit()
            flash(_('已录入一份问卷，回执码 %(v0)s-%(v1)s。可继续录入下一份。', v0=code[:5], v1=code[5:]), "success")
            return redirect(url_for("surveys_staff.entry", survey_id=survey.id, channel=meta.channel.data,
                                    enumerator=meta.enumerator.data))
    elif request.args.get("channel"):
        meta.channel.data, meta.enumerator.data = request.args.get("channel"), request.args.get("enumerator", "")[:100]
    return render_template("surveys/staff_entry.html", survey=survey, matter=survey.matter, spec=spec, meta=meta,
                           data=data, errors=errors, import_form=ImportForm(formdata=None), import_errors=[]), \
        422 if (errors or meta.errors) else 200


@bp.route("/surveys/<int:survey_id>/template.xlsx")
def entry_template(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    require(current_user, "matter.analyse", survey)
    from consult.surveys.staff_results import download

    return download(sheets.template_xlsx(load_spec(survey.id)), f"问卷{survey.id}-录入模板.xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/surveys/<int:survey_id>/import", methods=["POST"])
def entry_import(survey_id: int):
    survey = db.get_or_404(Survey, survey_id)
    require(current_user, "matter.analyse", survey)
    spec = load_spec(survey.id)
    upload = request.files.get("file")
    errors, file_error = [], None
    try:
        n, errors = sheets.import_xlsx(survey, spec, upload.read() if upload else b"", actor=current_user, now=utcnow())
    except SurveyError as exc:
        db.session.rollback()
        file_error = str(exc)
    else:
        if not errors:
            commit()
            flash(_('已导入 %(v0)s 份问卷。', v0=n), "success")
            return redirect(url_for("surveys_staff.entry", survey_id=survey.id))
        db.session.rollback()
    return render_template("surveys/staff_entry.html", survey=survey, matter=survey.matter, spec=spec,
                           meta=EntryMetaForm(formdata=None), data=MultiDict(), errors={},
                           import_form=ImportForm(formdata=None), import_errors=errors, file_error=file_error), 422


from consult.surveys import staff_results  # noqa: E402,F401  (adds the results routes to bp)
from consult.surveys import counts as _counts  # noqa: E402,F401  (registers the dashboard figures)
