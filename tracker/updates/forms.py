"""The quarterly update form: parsing what was typed into an UpdateInput, and showing errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from tracker.fiscal import FiscalQuarter
from tracker.i18n import quarter_label
from tracker.models import ActionStatus, Milestone
from tracker.services.updates.rules import (
    TEXT_MAX,
    Errors,
    MilestoneInput,
    PlanWindow,
    UpdateInput,
)
from tracker.urls import form_number
from tracker.vocab import STATUS_LABELS

PERCENT_MESSAGE = _l("Enter a whole number from 0 to 100.")
DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD, for example 2026-03-31.")
RELOAD_MESSAGE = _l("The milestones changed. Reload the page and try again.")


def _text(label: Any) -> TextAreaField:
    return TextAreaField(
        label, validators=[Length(max=TEXT_MAX)], filters=[_tidy], render_kw={"rows": 5}
    )


def _parsed(_form: Any, field: Field) -> None:
    """Stop when the value could not be read: that error is already shown, once."""
    if field.process_errors:
        raise StopValidation()


def _tidy(value: str | None) -> str | None:
    """One kind of line ending and no stray blank space around the text."""
    return value.replace("\r\n", "\n").strip() if value else value


class MilestoneEntryForm(Form):
    """One milestone's dates (a sub-form: the outer form carries the CSRF token)."""

    milestone_id = HiddenField(validators=[Regexp(r"^[0-9]{1,12}$", message=RELOAD_MESSAGE)])
    forecast_on = DateField(
        _l("Forecast date"), validators=[Optional()], invalid_value_message=DATE_MESSAGE
    )
    completed_on = DateField(
        _l("Completion date"), validators=[Optional()], invalid_value_message=DATE_MESSAGE
    )


@dataclass(frozen=True)
class SummaryLine:
    """One error of the form, linked to its field."""

    field_id: str
    label: str
    message: str


class UpdateForm(FlaskForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(str(s), label) for s, label in STATUS_LABELS.items()],
    )
    percent_complete = IntegerField(
        _l("Percent complete"),
        validators=[Optional(), _parsed, NumberRange(0, 100, message=PERCENT_MESSAGE)],
        invalid_value_message=PERCENT_MESSAGE,
        render_kw={"min": 0, "max": 100, "inputmode": "numeric"},
    )
    forecast_completion = SelectField(_l("Forecast completion quarter"), validate_choice=False)
    milestones = FieldList(FormField(MilestoneEntryForm))
    accomplishments = _text(_l("Accomplishments this quarter"))
    risks = _text(_l("Risks and issues"))
    next_steps = _text(_l("Next steps"))
    decrease_reason = _text(_l("Why the percent complete went down"))
    version = HiddenField(default="0", validators=[form_number()])
    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Submit for review"))

    def validate_forecast_completion(self, field: SelectField) -> None:
        """A quarter written like 2025-Q3, or nothing."""
        if field.data:
            try:
                FiscalQuarter.parse(str(field.data))
            except ValueError as error:
                raise ValidationError(_l("Choose a quarter from the list.")) from error

    def prepare(self, window: PlanWindow, milestones: Sequence[Milestone]) -> None:
        """Fill the quarter choices and make sure every milestone has an entry."""
        quarters = window.quarters()
        current = str(self.forecast_completion.data or "")
        choices = [SelectChoice("", _l("Not known yet"))]
        choices += [SelectChoice(str(q), quarter_label(q)) for q in quarters]
        if current and current not in {str(q) for q in quarters}:
            choices.append(SelectChoice(current, current))
        self.forecast_completion.choices = choices
        present = {entry.form.milestone_id.data for entry in self.milestones}
        for milestone in milestones:
            if str(milestone.id) not in present:
                self.milestones.append_entry({"milestone_id": str(milestone.id)})

    def to_input(self) -> UpdateInput:
        """What the user typed, as the service's input."""
        quarter = self.forecast_completion.data
        return UpdateInput(
            status=ActionStatus(self.status.data),
            percent_complete=self.percent_complete.data,
            forecast_completion=FiscalQuarter.parse(quarter) if quarter else None,
            accomplishments=self.accomplishments.data or "",
            risks=self.risks.data or "",
            next_steps=self.next_steps.data or "",
            decrease_reason=self.decrease_reason.data or "",
            milestones=tuple(
                MilestoneInput(
                    int(entry.form.milestone_id.data),
                    entry.form.forecast_on.data,
                    entry.form.completed_on.data,
                )
                for entry in self.milestones
            ),
        )

    def version_number(self) -> int:
        """The version the form was opened at (0: a new update)."""
        text = str(self.version.data or "")
        return int(text) if text.isdigit() else 0

    def add_errors(self, errors: Errors) -> None:
        """Show the service's rule errors beside their fields."""
        entries = {entry.form.milestone_id.data: entry.form for entry in self.milestones}
        for key, messages in errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[1] in entries:
                field = entries[parts[1]][parts[2]]
            elif key in self._fields and key != "milestones":
                field = self[key]
            else:
                self.form_errors.extend(messages)
                continue
            field.errors = [*field.errors, *messages]

    def summary(self, titles: dict[str, str]) -> list[SummaryLine]:
        """Every error, field by field, milestone dates included (titles by milestone id)."""
        lines = [SummaryLine("", "", str(m)) for m in self.form_errors]
        for field in self:
            if isinstance(field, FieldList):
                for entry in field:
                    title = titles.get(entry.form.milestone_id.data or "", "")
                    for sub in entry.form:
                        label = f"{title}: {sub.label.text}" if title else sub.label.text
                        lines += [SummaryLine(sub.id, label, str(m)) for m in sub.errors]
            elif field.errors:
                lines += [SummaryLine(field.id, field.label.text, str(m)) for m in field.errors]
        return lines

    @staticmethod
    def initial(data: UpdateInput, version: int) -> dict[str, Any]:
        """Form data showing `data` at `version`."""
        quarter = data.forecast_completion
        return {
            "status": data.status.value,
            "percent_complete": data.percent_complete,
            "forecast_completion": str(quarter) if quarter else "",
            "accomplishments": data.accomplishments,
            "risks": data.risks,
            "next_steps": data.next_steps,
            "decrease_reason": data.decrease_reason,
            "milestones": [
                {
                    "milestone_id": str(m.milestone_id),
                    "forecast_on": m.forecast_on,
                    "completed_on": m.completed_on,
                }
                for m in data.milestones
            ],
            "version": str(version),
        }
