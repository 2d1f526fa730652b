"""tracker/widgets.py writes form controls and labels exactly as WTForms would."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date

import pytest
from flask import Flask
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import DateField, Field, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

import tracker
from tracker.widgets import control, html_params, label

# Attributes the templates pass, plus the awkward cases: quotes, booleans, data-/aria- keys.
ATTRIBUTES: tuple[dict[str, object], ...] = (
    {},
    {"class_": "field__control", "aria_describedby": "x-hint", "aria_invalid": "true"},
    {"class_": 'a "q" <c>', "aria_invalid": False, "data_role_name": "r", "readonly": True},
)


def every_form_class() -> list[type[FlaskForm]]:
    """Every FlaskForm subclass the application defines."""
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        importlib.import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("tracker."):
            found.append(cls)
    return found


def fields_of(form: FlaskForm) -> list[Field]:
    """The form's fields, and those of its subforms (FieldList of FormField)."""
    found: list[Field] = []
    for field in form:
        entries = getattr(field, "entries", None)
        if entries is not None:
            for entry in entries:
                found.extend(fields_of(entry.form) if hasattr(entry, "form") else [entry])
        elif hasattr(field, "form") and field.type == "FormField":
            found.extend(fields_of(field.form))
        else:
            found.append(field)
    return found


class Sample(FlaskForm):
    """Values and flags the application's forms, empty, would not show."""

    text = StringField("Name <b>", validators=[DataRequired(), Length(max=20)], default='a"b<c>&')
    number = IntegerField("Percent", render_kw={"min": 0, "max": 100}, default=42)
    when = DateField("Due", default=date(2027, 1, 22))
    notes = TextAreaField("Notes", validators=[Length(min=2, max=9)], default='x\n<y> & "z"')
    pick = SelectField(
        "Pick",
        choices=[SelectChoice("a", "A & a"), SelectChoice("b", "B"), SelectChoice("", "None")],
        default="b",
    )
    flag = SelectField(
        "Flag",
        choices=[SelectChoice(True, "Yes"), SelectChoice(False, "No")],
        coerce=bool,
        default=False,
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_control_and_label_is_what_wtforms_renders(app: Flask, language: str) -> None:
    classes = every_form_class()
    assert len(classes) > 10  # the walk found the application's forms
    compared = 0
    with app.test_request_context("/"), force_locale(language):
        for cls in [*classes, Sample]:
            form = cls(meta={"csrf": False})
            for field in fields_of(form):
                for attrs in ATTRIBUTES:
                    try:
                        expected = field(**attrs)
                    except (TypeError, ValueError):  # choices filled in by the view
                        continue
                    assert control(field, **attrs) == expected, (cls.__name__, field.name)
                    compared += 1
                assert label(field, class_="field__label") == field.label(class_="field__label")
    assert compared > 100


def test_html_params_matches_wtforms() -> None:
    from wtforms.widgets import html_params as wtforms_params

    attrs = {"class_": 'x "y" <z>', "for_": "a", "data_x_y": 1, "aria_a_b": "c", "on": True}
    assert html_params(**attrs, off=False) == wtforms_params(**attrs, off=False)
