"""Resident pages: notice list, notice, comment, receipt, documents. No account needed."""
from urllib.parse import quote

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult import receipts
from consult.hardening import page_number
from consult.extensions import db, limiter
from consult.ratelimits import only_accepted
from consult.jobs import commit
from consult.matters.models import KIND_LABELS, MatterKind
from consult.models import utcnow
from consult.net import client_fingerprint
from consult.notices import comments as comment_services
from consult.notices import services
from consult.notices.forms import CommentForm, ReceiptLookupForm
from consult.notices.models import Attachment, Notice, Stance
from consult.permissions import can
from consult.storage import storage

bp = Blueprint("notices", __name__)


def _comment_limit():
    return current_app.config["RATE_LIMIT_COMMENTS"]


@bp.route("/")
def index():
    now = utcnow()
    args = request.args
    kind = args.get("kind", "")
    f = services.NoticeFilter(
        kind=MatterKind(kind) if kind in {k.value for k in MatterKind} else None,
        area=args.get("area", "")[:100], q=args.get("q", "").strip()[:100],
        state=args.get("state", "open") if args.get("state") in {"open", "closed", "all"} else "open",
    )
    page = page_number(args)
    notices, total = services.public_notices(f, now=now, page=page)
    return render_template("notices/index.html", notices=notices, total=total, page=page, f=f, now=now,
                           kinds=KIND_LABELS, areas=services.public_areas(now))


def _public_notice_or_404(notice_id: int) -> Notice:
    notice = db.get_or_404(Notice, notice_id)
    if not notice.is_public(utcnow()) and not can(current_user, "matter.view", notice):
        abort(404)
    return notice


def _render_notice(notice: Notice, form: CommentForm, status: int = 200):
    now = utcnow()
    counts = comment_services.stance_counts(notice.matter_id)
    pages = max(1, -(-sum(counts.values()) // comment_services.PUBLIC_PAGE_SIZE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    return render_template(
        "notices/detail.html", notice=notice, form=form, now=now, page=page, pages=pages,
        comments=comment_services.public_comments(notice, page=page), counts=counts, Stance=Stance,
        adoption=comment_services.adoption_counts(notice.matter_id) if notice.state(now) == "closed" else None,
        consent_text=comment_services.CONSENT_TEXT,
    ), status


@bp.route("/notices/<int:notice_id>")
def detail(notice_id: int):
    return _render_notice(_public_notice_or_404(notice_id), CommentForm())


@bp.route("/notices/<int:notice_id>/comments", methods=["POST"])
@limiter.limit(_comment_limit, deduct_when=only_accepted)
def comment(notice_id: int):
    notice = _public_notice_or_404(notice_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_notice(notice, form, 422)
    try:
        c = comment_services.submit_comment(
            notice, actor=current_user, body=form.body.data, stance=Stance(form.stance.data),
            name=form.name.data or None, phone=form.phone.data or None, consent=form.consent.data,
            client_hash=client_fingerprint(), now=utcnow())
    except comment_services.CommentError as exc:
        db.session.rollback()
        getattr(form, exc.field or "body").errors.append(str(exc))
        return _render_notice(notice, form, 422)
    commit()
    return redirect(url_for("notices.receipt", code=c.receipt_code, new=1))


@bp.route("/receipts", methods=["GET"])
def receipt_lookup():
    form = ReceiptLookupForm(request.args)
    if request.args and form.validate():
        target = receipts.resolve(form.code.data)
        if target:
            return redirect(target)
        form.code.errors.append(_("没有找到该回执码对应的意见、问卷或报名记录，请核对后重试。"))
    return render_template("notices/receipt_lookup.html", form=form), 200 if not form.errors else 404


@bp.route("/receipts/<code>")
def receipt(code: str):
    found = comment_services.find_by_receipt(code)
    if found is None:
        abort(404)
    return render_template("notices/receipt.html", c=found, is_new=request.args.get("new") == "1")


@bp.route("/files/<int:attachment_id>/<path:filename>")
def attachment(attachment_id: int, filename: str):
    att = db.get_or_404(Attachment, attachment_id)
    _public_notice_or_404(att.notice_id)
    data = storage().read(att.storage_key)
    resp = current_app.response_class(data, mimetype=att.content_type)
    resp.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(att.filename)}"
    # a draft's file is seen by staff only: no shared cache may keep it
    resp.headers["Cache-Control"] = "public, max-age=3600" if att.notice.is_public(utcnow()) else "private, no-store"
    return resp
