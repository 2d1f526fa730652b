"""Language selection and bilingual content helpers for templates."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user
from wtforms.i18n import messages_path

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
    app.before_request(_offer_form_messages)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )


class _FormMessages:
    """WTForms' own messages ("Not a valid date value") in the request's locale, for
    Flask-WTF. Flask-WTF reads WTForms' catalogue from disk on every request that builds a
    form, unless the request already holds one (`request.wtforms_translations`): this
    stands there and hands out one catalogue per locale and process."""

    def ugettext(self, string: str) -> str:
        return str(_wtforms_catalogue(str(get_locale())).ugettext(string))

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n))


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> NullTranslations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


def _offer_form_messages() -> None:
    """before_request: see `_FormMessages`."""
    request.wtforms_translations = _FORM_MESSAGES  # type: ignore[attr-defined]


_FORM_MESSAGES = _FormMessages()


def catalogue() -> NullTranslations:
    """The translations of the current locale, as `flask_babel.get_translations()`, found
    once per locale and request: Flask-Babel looks them up through about ten context-local
    lookups on every call, and a page's template translates some seventy strings. Kept on
    Flask-Babel's own per-request namespace with the locale it was found for, so that
    `force_locale` (mail and reports in the reader's language) gets its own."""
    ctx = g.get("_flask_babel") if has_app_context() else None
    translations: NullTranslations
    if ctx is None:
        translations = get_translations()
        return translations
    found = getattr(ctx, "tracker_catalogue", None)
    if found is not None and found[0] is getattr(ctx, "babel_locale", None):
        cached: NullTranslations = found[1]
        return cached
    translations = get_translations()  # sets ctx.babel_locale when not chosen yet
    ctx.tracker_catalogue = (getattr(ctx, "babel_locale", None), translations)
    return translations
