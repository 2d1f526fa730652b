"""Authoring forms shared by every page, and the plan's and areas' own forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import Field, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from tracker.extensions import db
from tracker.fiscal import fiscal_year_label
from tracker.i18n import current_language, department_label
from tracker.models import Department, Plan
from tracker.models.plan import DEFAULT_LEVEL_NAMES
from tracker.services.calendar.periods import start_month
from tracker.services.plans.areas import DEFAULT_COLOUR, AreaFields
from tracker.services.plans.authoring import PlanFields
from tracker.services.plans.copying import PlanCopy
from tracker.services.plans.edits import FORM, Errors

YEAR_MESSAGE = _l("Enter a year such as 2025.")


def tidy(value: str | None) -> str:
    """What was typed, without stray blank space and with one kind of line ending."""
    return (value or "").replace("\r\n", "\n").strip()


def line(label: Any, max_len: int, required: bool = False) -> StringField:
    """A one-line text field."""
    checks = [InputRequired()] if required else [Optional()]
    return StringField(label, validators=[*checks, Length(max=max_len)], filters=[tidy])


def year_field(label: Any) -> IntegerField:
    """A required fiscal year, written like 2025."""
    return IntegerField(
        label,
        validators=[InputRequired(YEAR_MESSAGE)],
        invalid_value_message=YEAR_MESSAGE,
        render_kw={"inputmode": "numeric"},
    )


def text(label: Any) -> TextAreaField:
    """A multi-line text field."""
    return TextAreaField(
        label, validators=[Length(max=20_000)], filters=[tidy], render_kw={"rows": 4}
    )


class VersionedForm(FlaskForm):
    """A form that carries the version of what it edits (optimistic locking)."""

    version = HiddenField(default="0")

    def version_number(self) -> int:
        """The version the form was read at (0 when it is not a number)."""
        data = str(self.version.data or "0")
        return int(data) if data.isdigit() else 0

    def add_errors(self, errors: Errors) -> None:
        """Show a service's refusal: each message on its field, the rest on the form."""
        for name, messages in errors.items():
            field: Field | None = self._fields.get(name) if name != FORM else None
            if field is None:
                self.form_errors.extend(messages)
            else:
                field.errors = [*field.errors, *messages]


def year_choices(first: int, last: int) -> list[SelectChoice]:
    """Fiscal years as options, labelled like 2025-26."""
    lang, month = current_language(), start_month()
    return [SelectChoice(str(y), fiscal_year_label(y, lang, month)) for y in range(first, last + 1)]


def department_options() -> list[SelectChoice]:
    """Every department as an option, by acronym."""
    lang = current_language()
    rows = db.session.scalars(select(Department).order_by(Department.acronym))
    return [SelectChoice(d.acronym, department_label(d, lang)) for d in rows]


class PlanForm(VersionedForm):
    """A plan's own fields (the short name only when the plan is created)."""

    slug = line(_l("Short name (in the plan's web address)"), 80)
    title_en = line(_l("Title in English"), 300)
    title_fr = line(_l("Title in French"), 300)
    summary_en = text(_l("Summary in English"))
    summary_fr = text(_l("Summary in French"))
    owner_en = line(_l("Owner organisation in English"), 300)
    owner_fr = line(_l("Owner organisation in French"), 300)
    source_url = line(_l("Source document (web address)"), 500)
    first_year = year_field(_l("First fiscal year"))
    last_year = year_field(_l("Last fiscal year"))
    predecessor_slug = SelectField(_l("Predecessor plan"), validate_choice=False)
    area_label_en = line(_l("First level, in English"), 60)
    area_label_fr = line(_l("First level, in French"), 60)
    action_label_en = line(_l("Second level, in English"), 60)
    action_label_fr = line(_l("Second level, in French"), 60)

    @classmethod
    def blank(cls) -> PlanForm:
        """The form of a new plan, with the default names of the levels."""
        return cls(formdata=None, data=dict(DEFAULT_LEVEL_NAMES))

    @classmethod
    def of(cls, plan: Plan) -> PlanForm:
        """The form showing `plan`'s saved fields."""
        data: dict[str, Any] = {name: getattr(plan, name) for name in PLAN_FIELDS}
        data["predecessor_slug"] = plan.predecessor.slug if plan.predecessor else ""
        return cls(formdata=None, data={**data, "slug": plan.slug, "version": str(plan.version)})

    def load_choices(self, plans: list[Plan]) -> None:
        """Other plans as the possible predecessors."""
        lang = current_language()
        self.predecessor_slug.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(p.slug, p.text("title", lang)) for p in plans
        ]

    def to_fields(self) -> PlanFields:
        """What was typed, for the service."""
        values = {name: self[name].data or "" for name in PLAN_FIELDS if "year" not in name}
        values["predecessor_slug"] = self.predecessor_slug.data or ""
        return PlanFields(
            first_year=self.first_year.data or 0, last_year=self.last_year.data or 0, **values
        )


PLAN_FIELDS = (
    "title_en",
    "title_fr",
    "summary_en",
    "summary_fr",
    "owner_en",
    "owner_fr",
    "source_url",
    "first_year",
    "last_year",
    "area_label_en",
    "area_label_fr",
    "action_label_en",
    "action_label_fr",
)


class AreaForm(VersionedForm):
    """An area's fields."""

    code = line(_l("Code"), 20)
    name_en = line(_l("Name in English"), 200)
    name_fr = line(_l("Name in French"), 200)
    goal_en = text(_l("Goal in English"))
    goal_fr = text(_l("Goal in French"))
    colour = StringField(
        _l("Colour"), default=DEFAULT_COLOUR, filters=[tidy], render_kw={"type": "color"}
    )

    @classmethod
    def of(cls, area: Any, prefix: str = "") -> AreaForm:
        """The form showing an area's saved fields."""
        names = ("code", "name_en", "name_fr", "goal_en", "goal_fr", "colour")
        data = {name: getattr(area, name) for name in names}
        return cls(formdata=None, data={**data, "version": str(area.version)}, prefix=prefix)

    def to_fields(self) -> AreaFields:
        """What was typed, for the service."""
        return AreaFields(
            code=self.code.data or "",
            name_en=self.name_en.data or "",
            name_fr=self.name_fr.data or "",
            goal_en=self.goal_en.data or "",
            goal_fr=self.goal_fr.data or "",
            colour=self.colour.data or DEFAULT_COLOUR,
        )


class ReasonForm(VersionedForm):
    """A change that needs a reason: retiring an action or a milestone."""

    reason = TextAreaField(
        _l("Reason"), validators=[Length(max=2000)], filters=[tidy], render_kw={"rows": 2}
    )


class ConfirmForm(VersionedForm):
    """A change that needs nothing but the version: delete, activate, archive."""


def saved_values(item: object, names: Mapping[str, str]) -> dict[str, str]:
    """The saved values of `item` by form field name (`names` maps field -> attribute)."""
    return {field: str(getattr(item, attribute) or "") for field, attribute in names.items()}


class CopyForm(VersionedForm):
    """A new plan started from another (services.plans.copying)."""

    slug = line(_l("Short name (in the plan's web address)"), 80, required=True)
    title_en = line(_l("Title in English"), 300, required=True)
    title_fr = line(_l("Title in French"), 300)
    first_year = year_field(_l("First fiscal year"))
    last_year = year_field(_l("Last fiscal year"))
    shift_years = IntegerField(
        _l("Move every quarter and date by this many years"),
        default=0,
        validators=[Optional(), NumberRange(-20, 20)],
        render_kw={"inputmode": "numeric"},
    )

    def to_copy(self) -> PlanCopy:
        """The form as the copying service takes it."""
        return PlanCopy(
            self.slug.data or "",
            self.title_en.data or "",
            self.title_fr.data or "",
            self.first_year.data or 0,
            self.last_year.data or 0,
            self.shift_years.data or 0,
        )
