"""Sign in, sign out and change password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracker.access import public, signed_in, signed_in_user
from tracker.auth import bp
from tracker.auth.forms import ChangePasswordForm, LoginForm
from tracker.extensions import limiter
from tracker.services.accounts import sign_in, users
from tracker.urls import safe_next

SIGN_IN_REFUSED = _l(
    "The e-mail or password is not correct. After several failed attempts, sign-in pauses "
    "for up to a minute."
)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@public
def login() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    result = sign_in.authenticate(form.email.data or "", form.password.data or "")
    if result.user is None:
        # One answer for every failure: an unknown account, a wrong password or a paused one.
        form.email.errors.append(SIGN_IN_REFUSED)
        return render_template("auth/login.html", form=form), 401
    session.pop("csrf_token", None)  # a token planted before sign-in dies with it
    login_user(result.user)
    return redirect(safe_next(form.next.data, url_for("main.home")))


@bp.route("/logout", methods=["POST"])
@signed_in
def logout() -> Response:
    users.sign_out(signed_in_user())
    logout_user()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Response | str | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = signed_in_user()
            users.change_password(
                user, form.current_password.data or "", form.new_password.data or ""
            )
        except users.AccountError as error:
            form[error.field or "new_password"].errors.append(str(error))
        else:
            login_user(user)  # a fresh cookie with the new session nonce
            flash(_("Your password is changed. Other sessions are signed out."), "success")
            return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/change_password.html", form=form), status
