import re
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from consult.auth import services
from consult.auth.forms import LoginForm, OrganisationForm, UserForm
from consult.auth.models import Role, User
from consult.extensions import db, limiter
from consult.jobs import commit
from consult.models import utcnow
from consult.net import client_fingerprint
from consult.permissions import require

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["RATE_LIMIT_LOGIN"]


_UNSAFE_NEXT = re.compile(r"[\\\x00-\x20\x7f]")  # backslash, control characters, spaces


def _safe_next(target: str | None) -> str:
    """A path on this site only: browsers read "/\\host" and "/<TAB>/host" as "//host"."""
    if target and target.startswith("/") and not target.startswith("//") and not _UNSAFE_NEXT.search(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("matters.dashboard")


@bp.route("/staff/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda resp: resp.status_code != 302)
def login():  # only refused attempts count: an office behind one address logs in all day
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data, now=utcnow(),
                                         client=client_fingerprint())
        except services.AuthError as exc:
            commit()  # failure counters must persist
            form.password.errors.append(str(exc))
        else:
            commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.route("/staff/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:  # a copy of this session cookie must not work afterwards
        services.end_sessions(current_user)
        commit()
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("notices.index"))


@bp.route("/admin/organisations", methods=["GET", "POST"])
@login_required
def organisations():
    require(current_user, "admin.manage")
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            services.create_organisation(actor=current_user, name=form.name.data,
                                         description=form.description.data or "")
        except services.AuthError as exc:
            form.name.errors.append(str(exc))
        else:
            commit()
            flash(_("单位已创建。"), "success")
            return redirect(url_for("auth.organisations"))
    return render_template("auth/organisations.html", form=form,
                           organisations=services.list_organisations())


@bp.route("/admin/organisations/<int:org_id>", methods=["GET", "POST"])
@login_required
def organisation_edit(org_id: int):
    from consult.auth.models import Organisation

    require(current_user, "admin.manage")
    org = db.get_or_404(Organisation, org_id)
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        try:
            services.update_organisation(org, actor=current_user, name=form.name.data,
                                         description=form.description.data or "")
        except services.AuthError as exc:
            form.name.errors.append(str(exc))
        else:
            commit()
            flash(_("单位已保存。"), "success")
            return redirect(url_for("auth.organisations"))
    return render_template("auth/organisation_form.html", form=form, org=org)


@bp.route("/admin/users")
@login_required
def users():
    require(current_user, "admin.manage")
    return render_template("auth/users.html", users=services.list_users())


def _user_form(user=None) -> UserForm:
    form = UserForm(obj=user) if user else UserForm()
    form.organisations.choices = [(o.id, o.name) for o in services.list_organisations()]
    if user and request.method == "GET":
        form.role.data = user.role.value
        form.organisations.data = sorted(user.organisation_ids)
    return form


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    require(current_user, "admin.manage")
    form = _user_form()
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("新账号必须设置密码。"))
        else:
            return _save_user(form, None)
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id: int):
    require(current_user, "admin.manage")
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        return _save_user(form, user)
    return render_template("auth/user_form.html", form=form, user=user)


def _save_user(form: UserForm, user: User | None):
    from consult.auth.models import Organisation

    orgs = [db.session.get(Organisation, i) for i in form.organisations.data or []]
    role = Role(form.role.data)
    try:
        if user is None:
            services.create_user(actor=current_user, username=form.username.data,
                                 display_name=form.display_name.data, password=form.password.data,
                                 role=role, organisations=orgs, email=form.email.data or "")
        else:
            services.update_user(user, actor=current_user, display_name=form.display_name.data,
                                 role=role, is_enabled=form.is_enabled.data, organisations=orgs,
                                 password=form.password.data or None, email=form.email.data or "")
    except services.AuthError as exc:
        db.session.rollback()
        form.username.errors.append(str(exc))
        return render_template("auth/user_form.html", form=form, user=user), 422
    commit()
    flash(_("账号已保存。"), "success")
    return redirect(url_for("auth.users"))
