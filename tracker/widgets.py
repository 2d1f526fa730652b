"""Form controls as HTML, the same markup WTForms' widgets write, at a fraction of the cost.

WTForms builds every attribute with `Markup.format` (a pure-Python string formatter) and looks
up each select's option renderer with `inspect.signature`; on the update form that was most of
the page's rendering time. `control(field, **attrs)` writes the text inputs, text areas and
plain selects itself with the same attributes, escaping and order (tests/test_widgets.py holds
every control of every form to WTForms' own output) and hands any other widget to WTForms.
The templates call it through the `render_field` macro.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from markupsafe import Markup, escape
from wtforms import Field, widgets

# Widgets written here; their subclasses (a custom widget) go to WTForms.
_INPUTS = (
    widgets.TextInput,
    widgets.NumberInput,
    widgets.DateInput,
    widgets.EmailInput,
    widgets.URLInput,
    widgets.SearchInput,
    widgets.TelInput,
    widgets.PasswordInput,
    widgets.HiddenInput,
)


def html_params(**attrs: Any) -> str:
    """`wtforms.widgets.html_params` without `Markup.format`: sorted, `class_` -> `class`,
    `aria_x`/`data_x` -> `aria-x`/`data-x`, True -> a bare attribute, False -> nothing."""
    params = []
    for key, value in sorted(attrs.items()):
        key = key.rstrip("_")
        if key.startswith(("data_", "aria_")):
            key = key.replace("_", "-")
        if value is True:
            params.append(key)
        elif value is not False:
            params.append(f'{key}="{escape(value)}"')
    return " ".join(params)


def control(field: Field, **attrs: Any) -> Markup:
    """The field's control, as `field(**attrs)` would render it."""
    widget = field.widget
    kind = type(widget)
    if kind not in _INPUTS and kind is not widgets.TextArea and kind is not widgets.Select:
        return Markup(field(**attrs))
    if field.render_kw:
        attrs = {**field.render_kw, **attrs}
    attrs.setdefault("id", field.id)
    if kind is widgets.TextArea:
        _add_flags(field, widget, attrs)
        return Markup(
            f"<textarea {html_params(name=field.name, **attrs)}>\r\n"
            f"{escape(field._value())}</textarea>"
        )
    if kind is widgets.Select:
        return _select(field, widget, attrs)
    attrs.setdefault("type", widget.input_type)
    if kind is widgets.PasswordInput and widget.hide_value:
        attrs["value"] = ""
    if "value" not in attrs:
        attrs["value"] = field._value()
    if getattr(field, "_datalist", None) is not None:
        return Markup(field(**attrs))
    _add_flags(field, widget, attrs)
    return Markup(f"<input {html_params(name=field.name, **attrs)}>")


def label(field: Field, **attrs: Any) -> Markup:
    """The field's label, as `field.label(**attrs)` would render it."""
    attrs.setdefault("for", field.label.field_id)
    return Markup(f"<label {html_params(**attrs)}>{escape(field.label.text)}</label>")


def _add_flags(field: Field, widget: Any, attrs: dict[str, Any]) -> None:
    """The validation attributes the field's flags set (required, maxlength, ...)."""
    allowed = widget.validation_attrs
    for key, value in vars(field.flags).items():
        if key in allowed and key not in attrs:
            attrs[key] = value() if callable(value) else value


def _select(field: Field, widget: widgets.Select, attrs: dict[str, Any]) -> Markup:
    if widget.multiple or field.has_groups():
        return Markup(field(**attrs))
    _add_flags(field, widget, attrs)
    html = [f"<select {html_params(name=field.name, **attrs)}>"]
    for choice in field.iter_choices():
        value, label, selected, render_kw = choice
        if isinstance(value, bool):
            value = str(value)
        options = {"value": value, **(render_kw or {})}
        if selected:
            options["selected"] = True
        html.append(f"<option {html_params(**options)}>{escape(label or value)}</option>")
    html.append("</select>")
    return Markup("".join(html))


def init_app(app: Flask) -> None:
    """Templates render controls with `control(field, **attrs)` and labels with
    `label(field, **attrs)` (the render_field macro)."""
    app.jinja_env.globals["control"] = control
    app.jinja_env.globals["label"] = label
