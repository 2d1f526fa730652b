"""GET forms of the dashboard, roadmap and trends pages: the choices live in the URL.

Choices come from the plan (`PlanFrame`); anything else is refused with a message that names
the field, and the page answers 400 without a chart.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from tracker.fiscal import FiscalQuarter, fiscal_year_label
from tracker.i18n import current_language, department_acronym, quarter_label
from tracker.services.calendar.periods import start_month
from tracker.services.figures.frame import NO_REPORT, STATUS_ORDER, PlanFrame
from tracker.services.figures.roadmap import RoadmapFilters, past_periods
from tracker.vocab import STATUS_LABELS

NO_REPORT_LABEL = _l("No report yet")
ORIGINAL = "original"  # the roadmap's "compare with" choice (empty: the latest baseline)


def _check(field: SelectField, message: str) -> None:
    """Refuse a value that is not one of the field's choices (the empty value is allowed)."""
    allowed = {str(c.value) for c in field.choices or []}
    if field.data and field.data not in allowed:
        raise ValidationError(message)


def _quarters(quarters: Iterable[FiscalQuarter]) -> list[SelectChoice]:
    return [SelectChoice(str(q), quarter_label(q)) for q in quarters]


class GetForm(FlaskForm):
    """A form read from the query string: no CSRF token, nothing is changed."""

    class Meta:
        csrf = False


class PeriodForm(GetForm):
    """The dashboard's reporting period (empty: the latest that has opened)."""

    period = SelectField(_l("Reporting period"), validate_choice=False, validators=[Optional()])

    def load_choices(self, frame: PlanFrame) -> None:
        """The plan's opened periods, latest first."""
        self.period.choices = _quarters(p.quarter for p in reversed(frame.periods))
        if not self.period.data and frame.periods:
            self.period.data = str(frame.periods[-1].quarter)

    def validate_period(self, field: SelectField) -> None:
        _check(field, _l("Choose one of the plan's reporting periods from the list."))

    def quarter(self) -> FiscalQuarter | None:
        """The chosen quarter, None when the plan has no opened period."""
        return FiscalQuarter.parse(self.period.data) if self.period.data else None


class RoadmapForm(GetForm):
    """The roadmap's filters and its "as of" quarter."""

    area = SelectField(_l("Strategic area"), validate_choice=False, validators=[Optional()])
    department = SelectField(_l("Department"), validate_choice=False, validators=[Optional()])
    status = SelectField(_l("Status"), validate_choice=False, validators=[Optional()])
    year = SelectField(_l("Fiscal year"), validate_choice=False, validators=[Optional()])
    as_of = SelectField(_l("As of"), validate_choice=False, validators=[Optional()])
    compare = SelectField(
        _l("Compare with"),
        choices=[
            SelectChoice("", _l("Latest baseline")),
            SelectChoice(ORIGINAL, _l("Original baseline")),
        ],
        validators=[Optional()],
    )

    def load_choices(self, frame: PlanFrame) -> None:
        """Areas, departments, statuses, fiscal years and past quarters of the plan."""
        lang, month = current_language(), start_month()
        self.area.choices = [SelectChoice("", _l("All areas"))] + [
            SelectChoice(a.code, a.text("name", lang)) for a in frame.areas
        ]
        self.department.choices = [SelectChoice("", _l("All departments"))] + [
            SelectChoice(d, department_acronym(d)) for d in frame.departments()
        ]
        labels = {**STATUS_LABELS, NO_REPORT: NO_REPORT_LABEL}
        self.status.choices = [SelectChoice("", _l("All statuses"))] + [
            SelectChoice(s, str(labels[s])) for s in STATUS_ORDER
        ]
        years = range(frame.plan.first_year, frame.plan.last_year + 1)
        self.year.choices = [SelectChoice("", _l("All years"))] + [
            SelectChoice(str(y), fiscal_year_label(y, lang, month)) for y in years
        ]
        past = reversed(past_periods(frame))
        self.as_of.choices = [SelectChoice("", _l("Today"))] + _quarters(p.quarter for p in past)

    def validate_area(self, field: SelectField) -> None:
        _check(field, _l("Choose one of the plan's strategic areas from the list."))

    def validate_department(self, field: SelectField) -> None:
        _check(field, _l("Choose a department assigned to this plan from the list."))

    def validate_status(self, field: SelectField) -> None:
        _check(field, _l("Choose a status from the list."))

    def validate_year(self, field: SelectField) -> None:
        _check(field, _l("Choose one of the plan's fiscal years from the list."))

    def validate_as_of(self, field: SelectField) -> None:
        _check(field, _l("Choose the end of a past quarter of the plan from the list."))

    def filters(self) -> RoadmapFilters:
        """The validated filters."""
        return RoadmapFilters(
            area=self.area.data or None,
            department=self.department.data or None,
            status=self.status.data or None,
            year=int(self.year.data) if self.year.data else None,
            as_of=FiscalQuarter.parse(self.as_of.data) if self.as_of.data else None,
            original=self.compare.data == ORIGINAL,
        )

    def active(self) -> bool:
        """Whether any filter (not "as of") is set."""
        return any(f.data for f in (self.area, self.department, self.status, self.year))


class MilestoneTrendForm(GetForm):
    """The action whose milestone trend is drawn (empty: the first with reported dates)."""

    action = SelectField(_l("Action"), validate_choice=False, validators=[Optional()])

    def load_choices(self, frame: PlanFrame) -> None:
        """The plan's actions, in plan order."""
        lang = current_language()
        self.action.choices = [
            SelectChoice(a.code, f"{a.code} {a.text('title', lang)}") for a in frame.actions
        ]

    def validate_action(self, field: SelectField) -> None:
        _check(field, _l("Choose one of the plan's actions from the list."))
