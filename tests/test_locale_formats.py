"""French typography: numbers, percentages, dates and colons by locale, departments' French
acronyms, and the language a narrative was written in (tracker/i18n.py and the pages)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import post_form
from tests.factories import PlanFactory
from tests.factories.updates import DEPT_EMAIL, PLANNER_EMAIL, World
from tests.updates.helpers import form_data, login, post_update, the_update
from tracker import i18n
from tracker.authoring.display import csv_rows
from tracker.extensions import db
from tracker.models import ChangeKind, Department, ProgressUpdate
from tracker.services.plans import changes

NBSP = "\u00a0"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
BARE_PERCENT = re.compile(r"\d(?: )?%")  # a French percent needs its no-break space


def visible_text(html: str) -> str:
    """The page's text without its tags, attributes, scripts (chart JSON) and styles."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


@pytest.mark.usefixtures("request_context")
@pytest.mark.parametrize(
    ("lang", "one_decimal", "whole", "half_up", "none"),
    [
        ("en", "62.8%", "66%", "63%", "n/a"),
        ("fr", f"62,8{NBSP}%", f"66{NBSP}%", f"63{NBSP}%", "s.o."),
    ],
)
def test_percent_by_locale(
    lang: str, one_decimal: str, whole: str, half_up: str, none: str
) -> None:
    with force_locale(lang):
        assert i18n.percent_text(62.8, 1) == one_decimal
        assert i18n.percent_text(66) == whole
        assert i18n.percent_text(62.8) == half_up
        assert i18n.percent_text(66.0, 1) == whole.replace("66", "66.0" if lang == "en" else "66,0")
        assert i18n.percent_text(None) == none


@pytest.mark.usefixtures("request_context")
def test_numbers_by_locale() -> None:
    with force_locale("en"):
        assert i18n.number_text(1234.5) == "1,234.5"
        assert i18n.number_text(0.5, 2) == "0.50"
    with force_locale("fr"):
        assert i18n.number_text(1234.5) == "1\u202f234,5"
        assert i18n.number_text(0.5, 2) == "0,50"


@pytest.mark.usefixtures("request_context")
def test_dates_by_locale_never_iso() -> None:
    day = date(2027, 1, 22)
    with force_locale("en"):
        assert i18n.date_text(day) == "January 22, 2027"
        assert i18n.date_text(day, "medium") == "Jan 22, 2027"
    with force_locale("fr"):
        assert i18n.date_text(day) == "22 janvier 2027"
        assert i18n.date_text(day, "medium") == "22 janv. 2027"
        # French writes the first of the month as an ordinal; CLDR's pattern does not.
        assert i18n.date_text(date(2019, 4, 1)) == "1er avril 2019"
        assert i18n.date_text(date(2019, 4, 11)) == "11 avril 2019"
    with force_locale("en"):
        assert i18n.date_text(date(2019, 4, 1)) == "April 1, 2019"
    assert i18n.date_text(None) == ""


@pytest.mark.usefixtures("request_context")
def test_colon_and_language_marker() -> None:
    with force_locale("en"):
        assert str(i18n.with_colon("Reason")) == "Reason:"
        assert str(i18n.with_colon("<b>")) == "&lt;b&gt;:"  # the label stays escaped
        assert i18n.language_marker("fr") == "[FR]"
        assert i18n.language_marker("en") == ""
    with force_locale("fr"):
        assert str(i18n.with_colon("Raison")) == f"Raison{NBSP}:"
        assert i18n.language_marker("en") == "[EN]"
        assert i18n.language_marker("fr") == ""
        assert i18n.language_marker("") == ""  # not recorded: no marker
    assert i18n.language_marker("en", shown_in="fr") == "[EN]"


def test_department_acronym_in_each_language(app: Flask) -> None:
    with app.test_request_context():
        db.session.add_all(
            [
                Department(acronym="SSC", acronym_fr="SPC", name_en="Shared", name_fr="Partagés"),
                Department(acronym="IRCC", name_en="Immigration", name_fr="Immigration"),
            ]
        )
        db.session.commit()
        ssc = db.session.scalar(select(Department).where(Department.acronym == "SSC"))
        ref = SimpleNamespace(acronym="PSPC", acronym_fr="SPAC")
        with force_locale("en"):
            assert [i18n.department_acronym(d) for d in (ssc, "SSC", "IRCC", ref)] == [
                "SSC",
                "SSC",
                "IRCC",
                "PSPC",
            ]
            assert i18n.department_label(ssc) == "SSC – Shared"
        with force_locale("fr"):
            assert [i18n.department_acronym(d) for d in (ssc, "SSC", "IRCC", ref)] == [
                "SPC",
                "SPC",
                "IRCC",
                "SPAC",
            ]
            assert i18n.department_label(ssc) == "SPC – Partagés"
        assert i18n.department_acronym(ssc, "fr") == "SPC"


def french(client: FlaskClient) -> None:
    post_form(client, "/language", {"lang": "fr", "next": "/"}, page="/")


def written_language(app: Flask, world: World) -> tuple[str, str]:
    with app.app_context():
        update = the_update(app, world)
        assert update is not None
        found = db.session.get(ProgressUpdate, update.id)
        assert found is not None
        return found.narrative_language, found.review_comment_language


def test_narrative_language_is_recorded_and_marked_in_the_other_language(
    app: Flask, world: World
) -> None:
    department = login(app, DEPT_EMAIL)
    french(department)
    sent = post_update(department, world.form_url, form_data(world, "send"))
    assert sent.status_code == 302
    assert written_language(app, world) == ("fr", "en")
    update = the_update(app, world)
    assert update is not None

    planner = login(app, PLANNER_EMAIL)
    html = planner.get(f"/review/{update.id}").get_data(as_text=True)
    assert '<span lang="fr"><span class="language-marker small muted">[FR]</span>' in html
    french(planner)
    html = planner.get(f"/review/{update.id}").get_data(as_text=True)
    assert "[FR]" not in html  # written in the page's language: nothing to mark

    returned = post_form(
        planner,
        f"/review/{update.id}",
        {"version": "1", "send_back": "1", "comment": "Précisez le calendrier."},
    )
    assert returned.status_code == 302
    assert written_language(app, world) == ("fr", "fr")
    english = login(app, DEPT_EMAIL)
    html = english.get(world.form_url).get_data(as_text=True)
    assert "[FR]</span> Précisez le calendrier." in html


def test_an_english_narrative_on_a_french_page_is_marked(app: Flask, world: World) -> None:
    department = login(app, DEPT_EMAIL)
    assert post_update(department, world.form_url, form_data(world, "send")).status_code == 302
    assert written_language(app, world) == ("en", "en")
    french(department)
    html = department.get(world.form_url).get_data(as_text=True)  # read-only once submitted
    assert '<span lang="en"><span class="language-marker small muted">[EN]</span>' in html
    assert "Designed the service." in html


def test_french_quarter_and_review_pages_show_no_iso_date(app: Flask, world: World) -> None:
    department = login(app, DEPT_EMAIL)
    assert post_update(department, world.form_url, form_data(world, "send")).status_code == 302
    french(department)
    update = the_update(app, world)
    assert update is not None
    planner = login(app, PLANNER_EMAIL)
    french(planner)
    pages = [
        department.get("/updates/"),
        department.get(world.form_url),
        planner.get("/review/"),
        planner.get(f"/review/{update.id}"),
    ]
    for page in pages:
        assert page.status_code == 200
        text = visible_text(page.get_data(as_text=True))
        assert ISO_DATE.findall(text) == [], page.request.path
        assert BARE_PERCENT.findall(text) == [], page.request.path


def test_a_reason_records_its_language_and_the_change_log_csv_marks_it(app: Flask) -> None:
    with app.test_request_context():
        plan = PlanFactory()
        db.session.flush()
        with force_locale("fr"):
            written = changes.record(plan, ChangeKind.CREATED, None, reason="Demandé par le CPM")
        silent = changes.record(plan, ChangeKind.CREATED, None)
        db.session.commit()
        assert (written.reason_language, silent.reason_language) == ("fr", "en")
        with force_locale("en"):
            rows = list(csv_rows([written, silent]))
        assert rows[1][-1] == "[FR] Demandé par le CPM"
        assert rows[2][-1] == ""
        with force_locale("fr"):
            assert list(csv_rows([written]))[1][-1] == "Demandé par le CPM"
