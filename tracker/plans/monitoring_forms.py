"""The compliance page's filter form (a GET form: the filters live in the URL) and the
"Remind" form of a late department."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.fiscal import FiscalQuarter, fiscal_year_label
from tracker.i18n import current_language, department_label
from tracker.models import Plan
from tracker.services.calendar.periods import start_month
from tracker.services.figures.obligations import plan_departments


class ComplianceFilterForm(FlaskForm):
    """Fiscal-year range and department; empty values mean the whole plan and all departments."""

    class Meta:
        csrf = False

    first = SelectField(_l("From fiscal year"), default="", validators=[Optional()])
    last = SelectField(_l("To fiscal year"), default="", validators=[Optional()])
    department = SelectField(_l("Department"), default="", validators=[Optional()])

    def load_choices(self, plan: Plan) -> None:
        """The plan's fiscal years and the departments assigned to its actions."""
        lang, month = current_language(), start_month()
        years = [
            SelectChoice(str(y), fiscal_year_label(y, lang, month))
            for y in range(plan.first_year, plan.last_year + 1)
        ]
        self.first.choices = [SelectChoice("", _l("First year of the plan")), *years]
        self.last.choices = [SelectChoice("", _l("Last year of the plan")), *years]
        departments = [
            SelectChoice(d.acronym, department_label(d, lang)) for d in plan_departments(plan.id)
        ]
        self.department.choices = [SelectChoice("", _l("All departments")), *departments]

    def validate_last(self, field: SelectField) -> None:
        """The range must not end before it starts."""
        if self.first.errors or field.errors or not (field.data and self.first.data):
            return  # a year that is not one of the plan's is already an error of its own
        if int(field.data) < int(self.first.data):
            raise ValidationError(_l("The last year cannot be before the first year."))

    def filters(self) -> dict[str, Any]:
        """The filters as `compliance_matrix` takes them."""
        return {
            "first": int(self.first.data) if self.first.data else None,
            "last": int(self.last.data) if self.last.data else None,
            "department": self.department.data or None,
        }


class RemindForm(FlaskForm):
    """The "Remind" button of a late department (a POST form with its CSRF token)."""

    department = StringField(_l("Department"), validators=[DataRequired(), Length(max=20)])
    period = StringField(_l("Reporting period"), validators=[DataRequired(), Length(max=7)])
    next = HiddenField()

    def validate_period(self, field: StringField) -> None:
        """A quarter written like 2025-Q3."""
        try:
            FiscalQuarter.parse(field.data or "")
        except ValueError:
            raise ValidationError(_l("Choose a reporting period from the page.")) from None

    def quarter(self) -> FiscalQuarter:
        """The validated period's quarter."""
        return FiscalQuarter.parse(self.period.data or "")
