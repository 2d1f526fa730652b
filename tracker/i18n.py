"""Language selection, bilingual content and locale formatting for templates.

Every number, percentage and date a person reads goes through the helpers here (and the Jinja
filters of the same names), so French pages, e-mails and exports write `62,8 %` and
`22 janvier 2027` while English ones write `62.8%` and `January 22, 2027`. ISO dates stay in
machine fields only (`datetime` attributes, CSV date columns, the API).
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, dates
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations, gettext, to_user_timezone
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms.i18n import messages_path

from tracker.extensions import babel, db
from tracker.fiscal import FiscalQuarter
from tracker.models import Department


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


def department_acronym(department: Any, lang: str | None = None) -> str:
    """Template filter `acronym`: a department's acronym in `lang` (default: the current
    language), 'SSC' / 'SPC'. Takes a Department, plain data with `acronym` and `acronym_fr`,
    or the (English) acronym itself, which the services use as a department's key."""
    if department is None:
        return ""
    language = lang or current_language()
    if isinstance(department, str):
        return _french_acronyms().get(department, department) if language == "fr" else department
    english = str(department.acronym)
    return str(getattr(department, "acronym_fr", None) or english) if language == "fr" else english


def department_name(department: Any, lang: str | None = None) -> str:
    """Template filter `department_name`: a department's full name in `lang` (default: the
    current language)."""
    return "" if department is None else str(department.text("name", lang or current_language()))


def department_label(department: Any, lang: str | None = None) -> str:
    """A department as a choice in a list: 'SSC – Shared Services Canada' /
    'SPC – Services partagés Canada'."""
    return f"{department_acronym(department, lang)} – {department_name(department, lang)}"


def _french_acronyms() -> dict[str, str]:
    """French acronyms by English acronym; read once per request, and only for French pages
    that name a department by its key."""
    if has_request_context() and "french_acronyms" in g:
        return dict(g.french_acronyms)
    rows = db.session.execute(
        select(Department.acronym, Department.acronym_fr).where(Department.acronym_fr.is_not(None))
    )
    found = {english: str(french) for english, french in rows if french}
    if has_request_context():
        g.french_acronyms = found
    return found


def quarter_label(quarter: FiscalQuarter | None) -> str:
    """Template filter: a fiscal quarter as people write it, e.g. '2025-26 Q1' / 'T1 2025-2026'."""
    if quarter is None:
        return ""
    return quarter.label(current_language(), int(current_app.config["FISCAL_YEAR_START_MONTH"]))


def _locale() -> Locale:
    return get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])


def percent_text(points: float | Decimal | None, decimals: int = 0) -> str:
    """A percentage given in points (62.8 for 62.8 %) in the current language, with the
    locale's own spacing: '62.8%' / '62,8 %' (U+00A0 before the sign); 'n/a' for None."""
    if points is None:
        return str(gettext("n/a"))
    return _percent(str(_locale()), points, decimals)


@lru_cache(maxsize=8192)
def _percent(locale_name: str, points: float | Decimal, decimals: int) -> str:
    """`percent_text` once per locale, value and precision: a page shows the same few
    hundred percentages again and again."""
    locale = Locale.parse(locale_name)
    pattern = copy.copy(locale.percent_formats[None])
    pattern.frac_prec = (decimals, decimals)
    return str(pattern.apply(Decimal(str(points)) / 100, locale))


def number_text(value: float | int | Decimal | None, decimals: int | None = None) -> str:
    """A number in the current language ('1,234.5' / '1 234,5'); `decimals` fixes the
    decimals shown, else they follow the value (at most three)."""
    if value is None:
        return str(gettext("n/a"))
    locale = _locale()
    pattern = copy.copy(locale.decimal_formats[None])
    if decimals is not None:
        pattern.frac_prec = (decimals, decimals)
    return str(pattern.apply(Decimal(str(value)), locale))


def date_text(day: date | datetime | None, form: str = "long") -> str:
    """A date as people read it: 'January 22, 2027' / '22 janvier 2027' (form 'long'), or
    'Jan 22, 2027' / '22 janv. 2027' ('medium'); empty for None."""
    if day is None:
        return ""
    if isinstance(day, datetime):  # the day it was where the reader is
        day = to_user_timezone(day).date()
    return _date(str(_locale()), day, form)


@lru_cache(maxsize=8192)
def _date(locale_name: str, day: date, form: str) -> str:
    """`date_text` once per locale, day and form (Flask-Babel's `format_date` with the date
    formats it is given by default, which this app keeps): a roadmap shows some 600 dates,
    most of them again and again, and Babel reads its pattern anew at each call."""
    text = str(dates.format_date(day, form, locale=Locale.parse(locale_name)))
    return first_of_month(text, day, locale_name)


def first_of_month(text: str, day: date, language: str) -> str:
    """A date written by CLDR's pattern, with the first of the month as French writes it, an
    ordinal ('1er avril 2018'), which the pattern does not."""
    if language.startswith("fr") and day.day == 1 and text.startswith("1 "):
        return "1er" + text[1:]
    return text


def language_marker(written_in: str | None, shown_in: str | None = None) -> str:
    """'[EN]' or '[FR]' when a text written in `written_in` is shown on a page or in a report
    in another language (`shown_in`, default the current one); '' when they agree or the
    language was not recorded. Template filter `language_marker`."""
    if not written_in or written_in == (shown_in or current_language()):
        return ""
    return f"[{written_in.upper()}]"


def colon() -> Markup:
    """A colon as the language writes it: ':' in English, no-break space and ':' in French."""
    return Markup("\u00a0:" if current_language() == "fr" else ":")


def with_colon(label: str) -> Markup:
    """Template filter: `label` and its colon ('Reason:' / 'Raison :')."""
    return escape(label) + colon()


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and expose the helpers to templates."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["tr"] = localized
    app.jinja_env.filters["quarter"] = quarter_label
    app.jinja_env.filters["percent"] = percent_text
    app.jinja_env.filters["number"] = number_text
    app.jinja_env.filters["day"] = date_text
    app.jinja_env.filters["colon"] = with_colon
    app.jinja_env.filters["acronym"] = department_acronym
    app.jinja_env.filters["language_marker"] = language_marker
    app.jinja_env.filters["department_name"] = department_name
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["colon"] = colon
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
