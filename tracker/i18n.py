"""Language selection and bilingual content helpers for templates."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, gettext
from flask_login import current_user

from tracker.extensions import babel
from tracker.fiscal import FiscalQuarter


def select_locale() -> str:
    """The toggle's choice, else the user's preference, else the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and scheduled jobs: the default, or force_locale()
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return str(current_user.language)
    return request.accept_languages.best_match(languages) or languages[0]


def current_language() -> str:
    """'en' or 'fr' for the current request."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def localized(obj: Any, field: str) -> str:
    """Template filter: a bilingual model field in the current language; a text not yet
    translated shows the other language, marked as to translate (never a blank)."""
    language = current_language()
    text = str(obj.text(field, language))
    if text and not getattr(obj, f"{field}_{language}", text):
        return str(gettext("%(text)s (to translate)", text=text))
    return text


def quarter_label(quarter: FiscalQuarter | None) -> str:
    """Template filter: a fiscal quarter as people write it, e.g. '2025-26 Q1' / 'T1 2025-2026'."""
    if quarter is None:
        return ""
    return quarter.label(current_language(), int(current_app.config["FISCAL_YEAR_START_MONTH"]))


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and expose the helpers to templates."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["tr"] = localized
    app.jinja_env.filters["quarter"] = quarter_label
    app.jinja_env.globals["current_language"] = current_language
