"""The forms of the yearly review: open it, re-baseline an action or a milestone, close it."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from tracker.authoring.action_forms import DATE_MESSAGE, _quarter, _reason
from tracker.authoring.forms import VersionedForm, tidy
from tracker.fiscal import FiscalQuarter


class OpenReviewForm(VersionedForm):
    """The fiscal year a new review covers."""

    fiscal_year = SelectField(_l("Fiscal year reviewed"), validate_choice=True)

    def year(self) -> int:
        """The chosen fiscal year (after validation)."""
        return int(self.fiscal_year.data or 0)


class RebaselineTargetForm(VersionedForm):
    """An action's new baseline target quarter, with the reason."""

    target = SelectField(_l("New baseline target"), validate_choice=False)
    reason = _reason()

    def validate_target(self, field: SelectField) -> None:
        _quarter(field.data)

    def quarter(self) -> FiscalQuarter:
        """The chosen quarter (after validation)."""
        return _quarter(self.target.data)


class RebaselineDueForm(VersionedForm):
    """A milestone's new baseline due date, with the reason."""

    due = DateField(
        _l("New baseline due date"),
        validators=[InputRequired(DATE_MESSAGE)],
        invalid_value_message=DATE_MESSAGE,
    )
    reason = _reason()

    def day(self) -> date:
        """The chosen date (after validation)."""
        day: date = self.due.data
        return day


class CloseReviewForm(VersionedForm):
    """The approval note that closes a review."""

    note = TextAreaField(
        _l("Approval note"),
        validators=[Length(max=4000)],
        filters=[tidy],
        render_kw={"rows": 4},
    )
