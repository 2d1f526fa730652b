"""The review decision and the queue's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, Regexp

from tracker.i18n import current_language, department_label
from tracker.services.updates.review import Decision, Queue, QueueFilters
from tracker.services.updates.rules import TEXT_MAX
from tracker.urls import MAX_PAGE, form_number


class DecisionForm(FlaskForm):
    comment = TextAreaField(
        _l("Comment to the department"), validators=[Length(max=TEXT_MAX)], render_kw={"rows": 4}
    )
    version = HiddenField(default="0", validators=[form_number()])
    accept = SubmitField(_l("Accept"))
    send_back = SubmitField(_l("Return to the department"))

    def decision(self) -> Decision:
        """Which button was pressed (Enter in the comment box means accept, the first one)."""
        return Decision.RETURN if self.send_back.data else Decision.ACCEPT

    def version_number(self) -> int:
        """The version the planner reviewed."""
        text = str(self.version.data or "")
        return int(text) if text.isdigit() else 0


class QueueFilterForm(FlaskForm):
    """The queue's filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    plan = SelectField(_l("Plan"), validators=[Optional()], validate_choice=False)
    department = SelectField(_l("Department"), validators=[Optional()], validate_choice=False)
    area = SelectField(
        _l("Strategic area"),
        validators=[
            Optional(),
            Regexp(r"^[0-9]{1,12}$", message=_l("Choose an area from the list.")),
        ],
        validate_choice=False,
    )
    page = IntegerField(
        validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)],
        invalid_value_message=_l("Not a page number."),
    )

    def filters(self) -> QueueFilters:
        """The validated filters."""
        area = str(self.area.data or "")
        return QueueFilters(
            plan=str(self.plan.data or ""),
            department=str(self.department.data or ""),
            area=int(area) if area.isdigit() else None,
            page=self.page.data or 1,
        )

    def fill_choices(self, queue: Queue) -> None:
        """Options from the queue's lists."""
        lang = current_language()
        everything = SelectChoice("", _l("All"))
        self.plan.choices = [everything] + [
            SelectChoice(p.slug, p.text("title", lang)) for p in queue.plans
        ]
        self.department.choices = [everything] + [
            SelectChoice(d.acronym, department_label(d, lang)) for d in queue.departments
        ]
        self.area.choices = [everything] + [
            SelectChoice(str(a.id), f"{a.code} {a.text('name', lang)}") for a in queue.areas
        ]
