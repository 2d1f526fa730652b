"""The audit trail's filter form (a GET form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from tracker.services.audit.trail import AuditFilter, known_actions, object_types


class AuditFilterForm(FlaskForm):
    """Filters reflected in the URL, so a filtered view can be bookmarked and shared."""

    class Meta:
        csrf = False

    action = SelectField(
        lazy_pgettext("audit event", "Action"), default="", validators=[Optional()]
    )
    actor = StringField(_l("Actor e-mail contains"), validators=[Optional(), Length(max=254)])
    object_type = SelectField(_l("Object type"), default="", validators=[Optional()])
    object_id = StringField(_l("Object id"), validators=[Optional(), Length(max=60)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def load_choices(self) -> None:
        """Fill the selects: actions recorded so far and the model names objects carry."""
        actions = [SelectChoice(action) for action in known_actions()]
        self.action.choices = [SelectChoice("", _l("All actions")), *actions]
        types = [SelectChoice(name) for name in object_types()]
        self.object_type.choices = [SelectChoice("", _l("All types")), *types]

    def validate_date_to(self, field: DateField) -> None:
        """The period must not end before it starts."""
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
        )
