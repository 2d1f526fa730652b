"""Admin pages: user accounts and the reporting calendar."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker.access import roles, signed_in_user
from tracker.admin import bp
from tracker.admin.forms import (
    ROLE_LABELS,
    PeriodDatesForm,
    ReopenForm,
    ResetPasswordForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    department_choices,
    role_choices,
)
from tracker.extensions import db
from tracker.fiscal import fiscal_year_label
from tracker.i18n import current_language
from tracker.models import ReportingPeriod, Role, User
from tracker.services.accounts import users as accounts
from tracker.services.accounts.users import AccountError
from tracker.services.calendar import clock
from tracker.services.calendar import dates as calendar
from tracker.services.calendar.dates import CalendarError
from tracker.services.calendar.periods import start_month
from tracker.urls import query_int, query_page

Page = str | tuple[str, int]


@bp.route("/users")
@roles(Role.ADMIN)
def users() -> Page:
    form = UserFilterForm(request.args)
    form.role.choices = role_choices(_("All roles"))
    form.department.choices = department_choices(_("All departments"))
    if not form.validate():
        return render_template("admin/users.html", form=form, pagination=None), 400
    pagination = accounts.list_users(form.to_filter(), query_page())
    return render_template(
        "admin/users.html",
        form=form,
        pagination=pagination,
        role_labels=ROLE_LABELS,
        now=clock.now(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def create_user() -> Page | Response:
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            data = form.to_input(form.email.data or "")
            user = accounts.create_user(data, form.new_password.data or "", signed_in_user())
        except AccountError as error:
            form[error.field or "email"].errors.append(str(error))
        else:
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/user_new.html", form=form), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_user(user_id: int) -> Page | Response:
    user = db.get_or_404(User, user_id)
    form = UserEditForm.for_user(user)
    if form.validate_on_submit():
        try:
            accounts.update_user(
                user, form.to_input(user.email, form.active.data), signed_in_user()
            )
        except AccountError as error:
            form[error.field or "name"].errors.append(str(error))
        else:
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _user_page(user, form=form, status=400 if form.is_submitted() else 200)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles(Role.ADMIN)
def reset_password(user_id: int) -> Page | Response:
    user = db.get_or_404(User, user_id)
    actor = signed_in_user()
    if user.id == actor.id:
        flash(_("Use the Change password page for your own account."), "error")
        return _user_page(user, status=400)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.new_password.data or "", actor)
        except AccountError as error:
            form.new_password.errors.append(str(error))
        else:
            flash(_("New password set. %(email)s is signed out.", email=user.email), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _user_page(user, password_form=form, status=400)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@roles(Role.ADMIN)
def unlock_user(user_id: int) -> Page | Response:
    user = db.get_or_404(User, user_id)
    try:
        accounts.unlock_user(user, signed_in_user())
    except AccountError as error:
        flash(str(error), "error")
        return _user_page(user, status=400)
    flash(_("Account %(email)s unlocked.", email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _user_page(
    user: User,
    form: UserEditForm | None = None,
    password_form: ResetPasswordForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=form or UserEditForm.for_user(user),
        password_form=password_form or ResetPasswordForm(formdata=None),
        is_self=user.id == signed_in_user().id,
        locked=accounts.is_locked(user),
    ), status


@bp.route("/periods")
@roles(Role.ADMIN)
def periods() -> str:
    year = query_int("year", 0, low=1000, high=9999) or None
    try:
        view = calendar.calendar_year(year, clock.today())
    except LookupError:
        abort(404)
    return render_template("admin/periods.html", view=view, year_label=_year_label)


def _year_label(year: int) -> str:
    return fiscal_year_label(year, current_language(), start_month())


@bp.route("/periods/<int:period_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_period(period_id: int) -> Page | Response:
    period = db.get_or_404(ReportingPeriod, period_id)
    form = PeriodDatesForm(obj=period)
    if form.validate_on_submit():
        assert form.opens_on.data and form.due_on.data and form.locks_on.data
        try:
            changed = calendar.update_period_dates(
                period.id,
                form.opens_on.data,
                form.due_on.data,
                form.locks_on.data,
                signed_in_user(),
            )
        except CalendarError as error:
            form[error.field or "opens_on"].errors.append(str(error))
        else:
            flash(_("Dates saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("admin.edit_period", period_id=period.id))
    return _period_page(period, form=form, status=400 if form.is_submitted() else 200)


@bp.route("/periods/<int:period_id>/reopen", methods=["POST"])
@roles(Role.ADMIN)
def reopen_period(period_id: int) -> Page | Response:
    period = db.get_or_404(ReportingPeriod, period_id)
    form = ReopenForm()
    if form.validate_on_submit():
        assert form.until.data is not None
        try:
            calendar.reopen_period(period.id, form.until.data, signed_in_user())
        except CalendarError as error:
            form.until.errors.append(str(error))
        else:
            flash(_("The period is reopened."), "success")
            return redirect(url_for("admin.edit_period", period_id=period.id))
    return _period_page(period, reopen_form=form, status=400)


@bp.route("/periods/<int:period_id>/close", methods=["POST"])
@roles(Role.ADMIN)
def close_period(period_id: int) -> Page | Response:
    period = db.get_or_404(ReportingPeriod, period_id)
    try:
        calendar.close_reopened_period(period.id, signed_in_user())
    except CalendarError as error:
        flash(str(error), "error")
        return _period_page(period, status=400)
    flash(_("The period is locked again."), "success")
    return redirect(url_for("admin.edit_period", period_id=period.id))


def _period_page(
    period: ReportingPeriod,
    form: PeriodDatesForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "admin/period_edit.html",
        row=calendar.period_row(period, clock.today()),
        form=form or PeriodDatesForm(formdata=None, obj=period),
        reopen_form=reopen_form or ReopenForm(formdata=None),
    ), status
