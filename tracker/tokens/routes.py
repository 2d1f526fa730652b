"""The user's own API tokens: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import signed_in, signed_in_user
from tracker.services.accounts import tokens as api_tokens
from tracker.services.accounts.tokens import TokenError, TokenNotFound
from tracker.tokens import bp
from tracker.tokens.forms import CreateTokenForm

Page = str | tuple[str, int]


def _page(form: CreateTokenForm) -> str:
    rows = api_tokens.list_tokens(signed_in_user())
    return render_template("tokens/index.html", form=form, rows=rows)


@bp.route("")
@signed_in
def index() -> Page:
    return _page(CreateTokenForm())


@bp.route("", methods=["POST"])
@signed_in
def create() -> Page | Response:
    form = CreateTokenForm()
    if not form.validate_on_submit():
        return _page(form), 400
    try:
        new = api_tokens.create_token(
            signed_in_user(),
            form.name.data or "",
            form.expires_in_days.data,
            scope=form.token_scope(),
        )
    except TokenError as error:
        (form[error.field].errors if error.field else form.form_errors).append(str(error))
        return _page(form), 400
    # The secret is in this one response and nowhere else: not in the database, not in the
    # session cookie a redirect would need. So no POST/redirect/GET here, and no caching.
    response = make_response(render_template("tokens/created.html", new=new))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int) -> Response:
    try:
        token = api_tokens.revoke_token(signed_in_user(), token_id)
    except TokenNotFound:
        abort(404)
    except TokenError as error:
        flash(str(error), "error")
    else:
        flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("tokens.index"))
