"""Forms of the reports pages: generate a report, verify a file against stored checksums."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, Regexp

from tracker.fiscal import fiscal_year_label
from tracker.i18n import current_language
from tracker.models import Plan
from tracker.services.calendar.periods import start_month

CHUNK = 64 * 1024
LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("fr", "Français")]


class GenerateForm(FlaskForm):
    """A plan and one of its completed fiscal years, and the report's language."""

    target = SelectField(_l("Plan and fiscal year"), validators=[InputRequired()])
    language = SelectField(_l("Language of the report"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Generate the report"))

    def load_choices(self, choices: Sequence[tuple[Plan, list[int]]]) -> None:
        """One group of completed fiscal years per plan."""
        lang, month = current_language(), start_month()
        self.target.choices = [
            SelectChoice(
                f"{plan.slug}:{year}",
                fiscal_year_label(year, lang, month),
                optgroup=plan.text("title", lang),
            )
            for plan, years in choices
            for year in years
        ]

    def chosen(self) -> tuple[str, int]:
        """(plan slug, fiscal year) of the validated choice."""
        slug, _sep, year = str(self.target.data).rpartition(":")
        return slug, int(year)


def empty_generate_form(choices: Sequence[tuple[Plan, list[int]]], lang: str) -> GenerateForm:
    """The form as first shown: the latest completed year of the first plan, in `lang`."""
    form = GenerateForm(formdata=None, language=lang)
    form.load_choices(choices)
    return form


class VerifyForm(FlaskForm):
    """A downloaded file, or its SHA-256 checksum, to compare with the stored ones."""

    file = FileField(_l("File to verify"))
    sha256 = StringField(
        _l("Or its SHA-256 checksum"),
        validators=[
            Optional(),
            Regexp(r"^\s*[0-9a-fA-F]{64}\s*$", message=_l("A SHA-256 checksum is 64 hex digits.")),
        ],
    )
    submit = SubmitField(_l("Verify"))

    def validate(self, extra_validators: object = None) -> bool:
        """One of the two is needed."""
        if not super().validate(extra_validators):
            return False
        if not self.uploaded() and not (self.sha256.data or "").strip():
            self.file.errors = [_l("Choose a file, or paste its SHA-256 checksum.")]
            return False
        return True

    def uploaded(self) -> FileStorage | None:
        """The uploaded file, when one was sent."""
        data = self.file.data
        return data if isinstance(data, FileStorage) and data.filename else None

    def chunks(self) -> Iterator[bytes]:
        """The uploaded file's bytes, read in chunks (never stored)."""
        upload = self.uploaded()
        if upload is None:
            return
        while chunk := upload.stream.read(CHUNK):
            yield chunk
