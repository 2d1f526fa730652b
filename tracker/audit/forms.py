"""The audit trail's filter form (a GET form)."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from tracker.audit.kinds import KIND_GROUPS, KIND_LABELS, OBJECT_TYPE_LABELS
from tracker.services.audit.trail import AuditFilter, known_actions

# Dates a search can mean; outside them the local-day arithmetic would overflow.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


class AuditFilterForm(FlaskForm):
    """Filters reflected in the URL, so a filtered view can be bookmarked and shared."""

    class Meta:
        csrf = False

    action = SelectField(_l("Event"), default="", validators=[Optional()])
    actor = StringField(
        _l("Actor (name or e-mail contains)"), validators=[Optional(), Length(max=254)]
    )
    object_type = SelectField(_l("Object type"), default="", validators=[Optional()])
    object_id = StringField(_l("Object id"), validators=[Optional(), Length(max=60)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    text = StringField(_l("Text in the event"), validators=[Optional(), Length(max=200)])

    def load_choices(self) -> None:
        """Fill the selects: event kinds in groups (and any other kind recorded so far), and
        the kinds of objects events name."""
        kinds = [SelectChoice("", _l("All events"))]
        for group, members in KIND_GROUPS:
            kinds += [SelectChoice(code, label, optgroup=group) for code, label in members.items()]
        other = [code for code in known_actions() if code not in KIND_LABELS]
        kinds += [SelectChoice(code, code, optgroup=_l("Other")) for code in other]
        self.action.choices = kinds
        types = [SelectChoice(name, label) for name, label in OBJECT_TYPE_LABELS.items()]
        self.object_type.choices = [SelectChoice("", _l("All types")), *types]

    def _check_range(self, field: DateField) -> None:
        if field.data and not EARLIEST <= field.data <= LATEST:
            first, last = format_date(EARLIEST, "long"), format_date(LATEST, "long")
            message = _l("Enter a date from %(first)s to %(last)s.", first=first, last=last)
            raise ValidationError(message)

    def validate_date_from(self, field: DateField) -> None:
        """A date the trail can search."""
        self._check_range(field)

    def validate_date_to(self, field: DateField) -> None:
        """A date the trail can search, and the period must not end before it starts."""
        self._check_range(field)
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date cannot be before the start date."))

    def to_filter(self) -> AuditFilter:
        """The filters as the service takes them."""
        return AuditFilter(
            action=self.action.data or "",
            actor=(self.actor.data or "").strip(),
            object_type=self.object_type.data or "",
            object_id=(self.object_id.data or "").strip(),
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            text=(self.text.data or "").strip(),
        )
