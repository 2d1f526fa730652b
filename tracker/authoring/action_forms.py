"""The forms of an action's page: its fields, re-planning, milestones, and the change log filter."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.authoring.forms import VersionedForm, line, text, tidy
from tracker.fiscal import FiscalQuarter, quarters_between
from tracker.i18n import current_language, quarter_label
from tracker.models import Action, Milestone, Plan
from tracker.services.plans.actions import ActionFields
from tracker.services.plans.milestones import MilestoneFields

DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD, for example 2026-03-31.")
QUARTER_MESSAGE = _l("Choose a quarter from the list.")
GRACE_QUARTERS = 8  # targets may slip this far past the plan's last year


def quarter_choices(plan: Plan, blank: Any = None) -> list[SelectChoice]:
    """The quarters an action may start or end in: the plan's years and the grace after."""
    first = FiscalQuarter(plan.first_year, 1)
    last = FiscalQuarter(plan.last_year, 4) + GRACE_QUARTERS
    options = [SelectChoice(str(q), quarter_label(q)) for q in quarters_between(first, last)]
    return ([SelectChoice("", blank)] if blank is not None else []) + options


def _optional_quarter(value: object) -> FiscalQuarter | None:
    """The chosen quarter; None when none is chosen (the service says whether that may be)."""
    return _quarter(value) if value else None


def _quarter(value: object) -> FiscalQuarter:
    try:
        return FiscalQuarter.parse(str(value or ""))
    except ValueError as error:
        raise ValidationError(str(QUARTER_MESSAGE)) from error


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (rendered inside a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(VersionedForm):
    """An action's fields, its area, lead and participating departments."""

    code = line(_l("Code"), 20)
    area_code = SelectField(_l("Area"), validate_choice=False)
    title_en = line(_l("Title in English"), 300)
    title_fr = line(_l("Title in French"), 300)
    description_en = text(_l("Description in English"))
    description_fr = text(_l("Description in French"))
    lead = SelectField(_l("Lead department"), validate_choice=False)
    participants = CheckboxesField(_l("Participating departments"), validate_choice=False)
    start = SelectField(_l("Start quarter"), validate_choice=False)
    baseline_target = SelectField(_l("Baseline target quarter"), validate_choice=False)
    illustrative = BooleanField(_l("Illustrative (an example of what the action covers)"))

    def validate_start(self, field: SelectField) -> None:
        _optional_quarter(field.data)

    def validate_baseline_target(self, field: SelectField) -> None:
        _optional_quarter(field.data)

    @classmethod
    def of(cls, action: Action) -> ActionForm:
        """The form showing an action's saved fields."""
        data: dict[str, Any] = {
            name: getattr(action, name)
            for name in ("code", "title_en", "title_fr", "description_en", "description_fr")
        }
        data |= {
            "area_code": action.area.code,
            "lead": action.lead_department.acronym if action.lead_department else "",
            "participants": [d.acronym for d in action.participants],
            "start": str(action.start_quarter or ""),
            "baseline_target": str(action.baseline_target or ""),
            "illustrative": action.illustrative,
            "version": str(action.version),
        }
        return cls(formdata=None, data=data)

    def load_choices(self, plan: Plan, departments: list[SelectChoice]) -> None:
        """The plan's areas, quarters and the departments as options."""
        lang = current_language()
        self.area_code.choices = [
            SelectChoice(a.code, f"{a.code} – {a.text('name', lang)}") for a in plan.areas
        ]
        self.lead.choices = [SelectChoice("", _l("Choose a department")), *departments]
        self.participants.choices = departments
        self.start.choices = quarter_choices(plan, _l("Choose a quarter"))
        self.baseline_target.choices = quarter_choices(plan, _l("Choose a quarter"))

    def to_fields(self) -> ActionFields:
        """What was typed, for the service (call after validation)."""
        return ActionFields(
            code=self.code.data or "",
            area_code=self.area_code.data or "",
            title_en=self.title_en.data or "",
            title_fr=self.title_fr.data or "",
            description_en=self.description_en.data or "",
            description_fr=self.description_fr.data or "",
            lead=self.lead.data or "",
            participants=tuple(self.participants.data or ()),
            start=_optional_quarter(self.start.data),
            baseline_target=_optional_quarter(self.baseline_target.data),
            illustrative=bool(self.illustrative.data),
        )


def _reason() -> TextAreaField:
    return TextAreaField(
        _l("Reason for the change"),
        validators=[Length(max=2000)],
        filters=[tidy],
        render_kw={"rows": 3},
    )


class ReplanTargetForm(VersionedForm):
    """Moving the action's current target quarter, with a reason."""

    target = SelectField(_l("New target quarter"), validate_choice=False)
    reason = _reason()

    def validate_target(self, field: SelectField) -> None:
        _quarter(field.data)

    def quarter(self) -> FiscalQuarter:
        """The chosen quarter (after validation)."""
        return _quarter(self.target.data)


class MilestoneForm(VersionedForm):
    """A milestone's fields."""

    code = line(_l("Code"), 20)
    title_en = line(_l("Title in English"), 300)
    title_fr = line(_l("Title in French"), 300)
    baseline_due = DateField(
        _l("Baseline due date"),
        validators=[InputRequired(DATE_MESSAGE)],
        invalid_value_message=DATE_MESSAGE,
    )
    completed_on = DateField(
        _l("Completion date"), validators=[Optional()], invalid_value_message=DATE_MESSAGE
    )

    @classmethod
    def of(cls, milestone: Milestone) -> MilestoneForm:
        """The form showing a milestone's saved fields."""
        names = ("code", "title_en", "title_fr", "baseline_due", "completed_on")
        data = {name: getattr(milestone, name) for name in names}
        return cls(formdata=None, data={**data, "version": str(milestone.version)})

    def to_fields(self) -> MilestoneFields:
        """What was typed, for the service (call after validation)."""
        assert self.baseline_due.data is not None
        return MilestoneFields(
            code=self.code.data or "",
            title_en=self.title_en.data or "",
            title_fr=self.title_fr.data or "",
            baseline_due=self.baseline_due.data,
            completed_on=self.completed_on.data,
        )


class ReplanDueForm(VersionedForm):
    """Moving a milestone's due date, with a reason."""

    due = DateField(
        _l("New due date"),
        validators=[InputRequired(DATE_MESSAGE)],
        invalid_value_message=DATE_MESSAGE,
    )
    reason = _reason()


class ChangeFilterForm(FlaskForm):
    """The change log's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validators=[Optional()])
    year = SelectField(_l("Fiscal year of the change"), validators=[Optional()])

    def load_choices(self, codes: list[str], years: list[SelectChoice]) -> None:
        """The actions and years the log mentions."""
        self.action.choices = [SelectChoice("", _l("All actions"))] + [
            SelectChoice(code, code) for code in codes
        ]
        self.year.choices = [SelectChoice("", _l("All years")), *years]

    def fiscal_year(self) -> int | None:
        """The chosen fiscal year, if any."""
        return int(self.year.data) if self.year.data else None
