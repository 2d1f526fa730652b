"""Forms of the API tokens page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from tracker.models import TokenScope
from tracker.services.accounts.tokens import (
    DEFAULT_EXPIRY_DAYS,
    EXPIRY_CHOICES_DAYS,
    MAX_NAME_LENGTH,
)


class CreateTokenForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Give the token a name.")),
            Length(max=MAX_NAME_LENGTH),
        ],
    )
    expires_in_days = SelectField(
        _l("Expires after"),
        coerce=int,
        default=DEFAULT_EXPIRY_DAYS,
        choices=[SelectChoice(str(d), _l("%(num)s days", num=d)) for d in EXPIRY_CHOICES_DAYS],
    )
    scope = SelectField(
        _l("Access"),
        default=TokenScope.READ.value,
        choices=[
            SelectChoice(TokenScope.READ.value, _l("Read only")),
            SelectChoice(TokenScope.READ_WRITE.value, _l("Read and write")),
        ],
    )

    def token_scope(self) -> TokenScope:
        """The chosen scope (read only unless read and write was chosen)."""
        return TokenScope(self.scope.data or TokenScope.READ.value)
