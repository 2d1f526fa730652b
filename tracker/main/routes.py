"""Home page per role, the language toggle and the health check."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session
from werkzeug.wrappers import Response

from tracker.access import public, signed_in, signed_in_user
from tracker.main import bp
from tracker.services.operations.health import database_ok
from tracker.services.updates.home import home_for
from tracker.urls import safe_next


@bp.route("/")
@signed_in
def home() -> str:
    return render_template("main/home.html", home=home_for(signed_in_user()))


@bp.route("/language", methods=["POST"])
@public
def set_language() -> Response:
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), "/"))


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    ok = database_ok()
    return jsonify(status="ok" if ok else "unavailable", database=ok), 200 if ok else 503
