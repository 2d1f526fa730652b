"""The upload form, the apply form, and the sealed upload carried from the preview to the apply.

Between the preview and "Apply" the file's text travels in the page itself, signed with the
application's secret key (and bound to the user), so no server-side storage is needed and the
text applied is exactly the text previewed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from tracker.services.plans.files import Expected

DEFAULT_MAX_BYTES = 1024 * 1024
SEAL_SALT = "planfiles.upload"
SEAL_MAX_AGE = 8 * 3600  # as long as a form's CSRF token


def max_bytes() -> int:
    """The largest plan file accepted (`PLAN_FILE_MAX_BYTES`, 1 MB by default)."""
    return int(current_app.config.get("PLAN_FILE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_size_label() -> str:
    """The limit for people, e.g. '1 MB'."""
    return f"{max_bytes() / 1024 / 1024:g} MB"


class PlanFileForm(FlaskForm):
    file = FileField(
        _l("Plan file (.yaml or .yml)"),
        validators=[
            FileRequired(_l("Choose the plan file to upload.")),
            FileAllowed(["yaml", "yml"], _l("Choose a YAML plan file, ending in .yaml or .yml.")),
        ],
        render_kw={"accept": ".yaml,.yml"},
    )
    submit = SubmitField(_l("Preview the changes"))

    def content(self) -> bytes | None:
        """The uploaded bytes, or None (with the field's error) when the file is too large."""
        data: bytes = self.file.data.read(max_bytes() + 1)
        if len(data) > max_bytes():
            self.file.errors = [_("The file is larger than %(size)s.", size=max_size_label())]
            return None
        return data

    @property
    def filename(self) -> str:
        return str(self.file.data.filename or "")


class ApplyForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired()])
    reason = StringField(
        _l("Reason for the changes (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Kept in the plan's change log for each target or due date the file moves and each "
            'action or milestone it retires. Left empty: "Imported from a plan file".'
        ),
    )
    submit = SubmitField(_l("Apply the changes"))


@dataclass(frozen=True)
class SealedUpload:
    """A previewed file: its text, its name, and what the apply must still find."""

    content: str
    filename: str
    expected: Expected


def seal(upload: SealedUpload, user_id: int) -> str:
    """The upload as a signed, compressed token for the preview page's form."""
    return _serializer().dumps(
        {
            "content": upload.content,
            "filename": upload.filename,
            "slug": upload.expected.slug,
            "fingerprint": upload.expected.fingerprint,
            "user": user_id,
        }
    )


def unseal(token: str, user_id: int) -> SealedUpload | None:
    """The upload a token carries, or None if it was altered, expired or is another user's."""
    try:
        data = _serializer().loads(token, max_age=SEAL_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user_id:
        return None
    expected = Expected(data["slug"], data["fingerprint"])
    return SealedUpload(data["content"], data["filename"], expected)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SEAL_SALT)
