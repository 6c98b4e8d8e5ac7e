"""Organiser pages for notices and comments of one matter."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from consult.audit.services import record
from consult.extensions import db
from consult.jobs import commit
from consult.matters.models import Matter
from consult.models import utcnow
from consult.notices import comments as comment_services
from consult.notices import services
from consult.notices.markup import render_markdown
from consult.notices import exports, redaction
from consult.notices.forms import ModerateForm, NoticeForm, RedactForm, ReplyForm, WithdrawForm
from consult.notices.models import Adoption, Attachment, Comment, CommentStatus, Notice, Stance
from consult.permissions import can, require
from consult.timeutil import local_to_utc, to_local

bp = Blueprint("notices_staff", __name__, url_prefix="/staff")


@bp.before_request
@login_required
def _staff_only():
    return None


def _notice_values(form: NoticeForm) -> dict:
    return {
        "title": form.title.data, "body": form.body.data,
        "starts_at": local_to_utc(form.starts_at.data), "ends_at": local_to_utc(form.ends_at.data),
        "short_period_reason": form.short_period_reason.data or None,
    }


def _save_notice(form: NoticeForm, matter: Matter, notice: Notice | None):
    """Apply form, store uploads; all or nothing."""
    try:
        values = _notice_values(form)
        if notice is None:
            notice = services.create_notice(matter, actor=current_user, **values)
        else:
            services.update_notice(notice, actor=current_user, **values)
        for f in request.files.getlist(form.attachments.name):
            if f and f.filename:
                services.add_attachment(notice, actor=current_user, filename=f.filename, data=f.read())
    except services.NoticeError as exc:
        db.session.rollback()
        getattr(form, exc.field or "title").errors.append(str(exc))
        return None
    commit()
    return notice


@bp.route("/matters/<int:matter_id>/notices/new", methods=["GET", "POST"])
def notice_new(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.manage", matter)
    form = NoticeForm()
    if _previewing():
        return _render_form(form, matter, None)
    if form.validate_on_submit() and (notice := _save_notice(form, matter, None)):
        flash(_("公示已保存为草稿，核对后请点击“发布”。"), "success")
        return redirect(url_for("notices_staff.notice_edit", notice_id=notice.id))
    return _render_form(form, matter, None)


def _previewing() -> bool:
    return request.method == "POST" and request.form.get("action") == "preview"


def _render_form(form: NoticeForm, matter: Matter, notice: Notice | None):
    """The editor; "预览" shows the body as residents will see it, without saving."""
    preview = render_markdown(form.body.data or "") if _previewing() else None
    return render_template("notices/staff_form.html", form=form, matter=matter, notice=notice, preview=preview,
                           withdraw_form=WithdrawForm(), now=utcnow()), 422 if form.errors else 200


@bp.route("/notices/<int:notice_id>/edit", methods=["GET", "POST"])
def notice_edit(notice_id: int):
    notice = db.get_or_404(Notice, notice_id)
    require(current_user, "matter.manage", notice)
    form = NoticeForm(obj=notice)
    if request.method == "GET":
        form.body.data = notice.body_md
        form.starts_at.data = to_local(notice.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_local(notice.ends_at).replace(tzinfo=None)
    if not _previewing() and form.validate_on_submit() and _save_notice(form, notice.matter, notice):
        flash(_("公示已保存。") if not notice.is_published else _("公示已保存。公众页面会显示本次修改的时间和内容。"),
              "success")
        return redirect(url_for("notices_staff.notice_edit", notice_id=notice.id))
    return _render_form(form, notice.matter, notice)


@bp.route("/notices/<int:notice_id>/publish", methods=["POST"])
def notice_publish(notice_id: int):
    notice = db.get_or_404(Notice, notice_id)
    require(current_user, "matter.manage", notice)
    try:  # CSRF is checked for every POST by CSRFProtect
        services.publish_notice(notice, actor=current_user, now=utcnow())
    except services.NoticeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        commit()
        flash(_("公示已发布，将在开始时间自动对公众开放、在结束时间自动截止。"), "success")
    return redirect(url_for("notices_staff.notice_edit", notice_id=notice.id))


@bp.route("/notices/<int:notice_id>/withdraw", methods=["POST"])
def notice_withdraw(notice_id: int):
    notice = db.get_or_404(Notice, notice_id)
    require(current_user, "matter.manage", notice)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw_notice(notice, actor=current_user, reason=form.reason.data)
        except services.NoticeError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            commit()
            flash(_("公示已撤回。"), "success")
    else:
        flash(_("请填写撤回理由。"), "error")
    return redirect(url_for("notices_staff.notice_edit", notice_id=notice.id))


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
def attachment_delete(attachment_id: int):
    att = db.get_or_404(Attachment, attachment_id)
    require(current_user, "matter.manage", att)
    notice_id = att.notice_id
    services.remove_attachment(att, actor=current_user)
    commit()
    flash(_("附件已删除。"), "success")
    return redirect(url_for("notices_staff.notice_edit", notice_id=notice_id))


def _list_filters() -> dict:
    args = request.args
    status = args.get("status")
    stance = args.get("stance")
    return dict(status=CommentStatus(status) if status in {s.value for s in CommentStatus} else None,
                unreplied=status == "unreplied", q=args.get("q", "")[:100],
                stance=Stance(stance) if stance in {s.value for s in Stance} else None)


def _render_comments(matter: Matter, *, failed: dict | None = None, code: int = 200):
    filters = _list_filters()
    return render_template(
        "notices/staff_comments.html", matter=matter, **filters,
        comments=comment_services.staff_comments(matter, **filters),
        counts=comment_services.stance_counts(matter.id, published_only=False),
        failed=failed or {}, can_manage=can(current_user, "matter.manage", matter), Stance=Stance,
        can_personal=can(current_user, "matter.personal_data", matter),
        CommentStatus=CommentStatus, ModerateForm=ModerateForm, ReplyForm=ReplyForm, RedactForm=RedactForm,
        suggest=redaction.suggested_redactions), code


@bp.route("/matters/<int:matter_id>/comments.csv")
def comments_export(matter_id: int):
    """The filtered list as CSV for Excel; names and phone numbers masked."""
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.view", matter)
    rows = comment_services.staff_comments(matter, **_list_filters())
    record(actor=current_user, action="comment.export", obj=matter, matter_id=matter.id,
           note=_("导出公众意见 %(n)s 条（个人信息已打码）", n=len(rows)))
    commit()
    resp = current_app.response_class(exports.comments_csv(
        rows, personal=can(current_user, "matter.personal_data", matter)), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f"attachment; filename=comments-{matter.id}.csv"
    return resp


@bp.route("/matters/<int:matter_id>/comments")
def comments(matter_id: int):
    matter = db.get_or_404(Matter, matter_id)
    require(current_user, "matter.view", matter)
    return _render_comments(matter)


def _comment_action(comment_id: int):
    c = db.get_or_404(Comment, comment_id)
    require(current_user, "matter.manage", c)
    return c


@bp.route("/comments/<int:comment_id>/moderate", methods=["POST"])
def comment_moderate(comment_id: int):
    c = _comment_action(comment_id)
    form = ModerateForm(prefix=f"m{c.id}")
    if form.validate_on_submit():
        try:
            comment_services.moderate_comment(c, actor=current_user, publish=form.decision.data == "publish",
                                              reason=form.reason.data, now=utcnow())
        except comment_services.CommentError as exc:
            db.session.rollback()
            form.reason.errors.append(str(exc))
        else:
            commit()
            flash(_("审核结果已保存。"), "success")
            return redirect(url_for("notices_staff.comments", matter_id=c.matter_id) + f"#c{c.id}")
    return _render_comments(c.matter, failed={c.id: form}, code=422)


@bp.route("/comments/<int:comment_id>/reply", methods=["POST"])
def comment_reply(comment_id: int):
    c = _comment_action(comment_id)
    form = ReplyForm(prefix=f"r{c.id}")
    if form.validate_on_submit():
        try:
            comment_services.reply_comment(c, actor=current_user, reply=form.reply.data,
                                           adoption=Adoption(form.adoption.data),
                                           adoption_reason=form.adoption_reason.data, now=utcnow())
        except comment_services.CommentError as exc:
            db.session.rollback()
            getattr(form, exc.field or "reply").errors.append(str(exc))
        else:
            commit()
            flash(_("答复已公开。"), "success")
            return redirect(url_for("notices_staff.comments", matter_id=c.matter_id) + f"#c{c.id}")
    return _render_comments(c.matter, failed={c.id: form}, code=422)


@bp.route("/comments/<int:comment_id>/redact", methods=["POST"])
def comment_redact(comment_id: int):
    c = _comment_action(comment_id)
    form = RedactForm(prefix=f"x{c.id}")
    if form.validate_on_submit():
        try:
            redaction.redact_comment(c, actor=current_user, words=form.words.data.splitlines(), now=utcnow())
        except comment_services.CommentError as exc:
            db.session.rollback()
            form.words.errors.append(str(exc))
        else:
            commit()
            flash(_("已隐去，公开页面显示为“（已隐去）”。原文已保留。"), "success")
            return redirect(url_for("notices_staff.comments", matter_id=c.matter_id) + f"#c{c.id}")
    return _render_comments(c.matter, failed={c.id: form}, code=422)


@bp.route("/comments/<int:comment_id>/phone", methods=["POST"])
def comment_phone(comment_id: int):
    c = db.get_or_404(Comment, comment_id)
    phone = comment_services.reveal_phone(c, actor=current_user)
    commit()
    return render_template("notices/staff_phone.html", c=c, phone=phone)
from consult.notices import counts as _counts  # noqa: E402,F401  (registers the dashboard figures)
