"""Admin forms: users and the reporting calendar."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from tracker.extensions import db
from tracker.i18n import current_language, department_label
from tracker.models import Department, Role, User
from tracker.services.accounts.passwords import MIN_PASSWORD_LENGTH
from tracker.services.accounts.users import UserFilter, UserInput

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.PLANNER: _l("Planner"),
    Role.DEPARTMENT: _l("Department"),
    Role.OVERSIGHT: _l("Oversight"),
}
LANGUAGES = [SelectChoice("en", "English"), SelectChoice("fr", "Français")]
REQUIRED = _l("This field is required.")


def department_choices(blank: Any) -> list[SelectChoice]:
    """Department options for a select, by acronym, after a blank option labelled `blank`."""
    lang = current_language()
    rows = db.session.scalars(select(Department).order_by(Department.acronym))
    options = (SelectChoice(d.acronym, department_label(d, lang)) for d in rows)
    return [SelectChoice("", blank), *options]


def role_choices(blank: Any = None) -> list[SelectChoice]:
    """Role options for a select, optionally after a blank option."""
    choices = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


class UserFilterForm(FlaskForm):
    """The user list's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    text = StringField(_l("E-mail or name contains"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[Optional()])
    department = SelectField(_l("Department"), validators=[Optional()])
    active = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Active and inactive")),
            SelectChoice("yes", _l("Active")),
            SelectChoice("no", _l("Inactive")),
        ],
        validators=[Optional()],
    )

    def to_filter(self) -> UserFilter:
        """The filters as the service takes them."""
        return UserFilter(
            role=Role(self.role.data) if self.role.data else None,
            department_acronym=self.department.data or None,
            active={"yes": True, "no": False}.get(self.active.data or ""),
            text=(self.text.data or "").strip(),
        )


class _UserDetails(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField(_l("Role"), validators=[InputRequired(REQUIRED)])
    department = SelectField(_l("Department"), validators=[Optional()])
    language = SelectField(_l("Language"), choices=LANGUAGES, validators=[InputRequired()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices(_l("Choose a role"))
        self.department.choices = department_choices(_l("None (not a department user)"))

    def to_input(self, email: str, active: bool = True) -> UserInput:
        """The form's values as the accounts service takes them."""
        return UserInput(
            email=email,
            name=self.name.data or "",
            role=Role(self.role.data),
            department_acronym=self.department.data or None,
            language=self.language.data or "en",
            active=active,
        )


class _NewPassword(FlaskForm):
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(REQUIRED),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=1024,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
    )
    confirm_password = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("new_password", message=_l("The passwords differ.")),
        ],
    )


class UserCreateForm(_UserDetails, _NewPassword):
    """A new account with its initial password."""

    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=254),
            Email(_l("Enter an e-mail address like name@example.gc.ca.")),
        ],
    )


class UserEditForm(_UserDetails):
    """An existing account's details (the e-mail is the sign-in name and does not change)."""

    active = BooleanField(_l("Active (can sign in)"))

    @classmethod
    def for_user(cls, user: User) -> UserEditForm:
        """The form, prefilled from `user` unless a submission overrides it."""
        return cls(
            data={
                "name": user.name,
                "role": user.role,
                "department": user.department.acronym if user.department else "",
                "language": user.language,
                "active": user.active,
            }
        )


class ResetPasswordForm(_NewPassword):
    """An admin sets a new password for someone else."""


class PeriodDatesForm(FlaskForm):
    """A reporting period's open, due and lock dates."""

    opens_on = DateField(_l("Opens on"), validators=[InputRequired(REQUIRED)])
    due_on = DateField(_l("Due on"), validators=[InputRequired(REQUIRED)])
    locks_on = DateField(_l("Locks on"), validators=[InputRequired(REQUIRED)])


class ReopenForm(FlaskForm):
    """Reopen a locked period until a date."""

    until = DateField(_l("Reopen until"), validators=[InputRequired(REQUIRED)])
