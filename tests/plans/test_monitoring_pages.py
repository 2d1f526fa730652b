"""The needs-attention and compliance pages and the compliance CSV: access, content, filters,
formula protection and query counts. Figures come from the hand-computed plans "watch" and
"comply" of tests/factories/monitoring.py, checked in tests/services/figures/."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions, make_user, post_form, queries
from tests.factories import ActionFactory, AreaFactory, DepartmentFactory, PlanFactory, period
from tests.factories.monitoring import at, build_comply, build_watch, report, sized_plan
from tracker.extensions import db
from tracker.models import Role

URLS = ("/plans/{}/attention", "/plans/{}/compliance", "/plans/{}/compliance.csv")


def page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return " ".join(response.get_data(as_text=True).split())


def sign_in(app: Flask, auth: AuthActions, role: Role, department: str | None = None) -> None:
    email = f"{role.value}@example.gc.ca"
    make_user(app, role, email, department=department)
    auth.login(email)


@pytest.fixture
def watch(app: Flask) -> None:
    build_watch(app)
    app.config["TODAY"] = "2026-02-01"


@pytest.fixture
def comply(app: Flask) -> None:
    build_comply(app)
    app.config["TODAY"] = "2026-01-10"


# --- access ---------------------------------------------------------------------------------


def test_sign_in_required(app: Flask, client: FlaskClient, comply: None) -> None:
    for url in URLS:
        response = client.get(url.format("comply"))
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_department_users_are_refused(
    app: Flask, client: FlaskClient, auth: AuthActions, comply: None
) -> None:
    sign_in(app, auth, Role.DEPARTMENT, department="AAA")
    for url in URLS:
        assert client.get(url.format("comply")).status_code == 403


@pytest.mark.parametrize("role", [Role.PLANNER, Role.ADMIN, Role.OVERSIGHT])
def test_planners_admins_and_oversight_may_read(
    app: Flask, client: FlaskClient, auth: AuthActions, comply: None, role: Role
) -> None:
    sign_in(app, auth, role)
    for url in URLS:
        assert client.get(url.format("comply")).status_code == 200


def test_unknown_plan_is_404(app: Flask, client: FlaskClient, signed_in_planner: None) -> None:
    for url in URLS:
        assert client.get(url.format("nope")).status_code == 404


# --- needs attention --------------------------------------------------------------------------


def test_attention_sections_with_counts(
    app: Flask, client: FlaskClient, signed_in_planner: None, watch: None
) -> None:
    html = page(client, "/plans/watch/attention")
    for heading in (
        "Missing updates (5)",
        "Off track and at risk (2)",
        "Overdue milestones (2)",
        "On track in name only (3)",
        "Silent for two quarters (1)",
    ):
        assert f'-heading">{heading}</h2>' in html
    assert 'href="/plans/watch/actions/A3"' in html and 'href="/plans/watch/compliance"' in html
    part = html.split('id="missing-dept-')[2].split("</table>")[0]
    assert "PART</abbr> (4)" in part
    assert "2025-26 Q3" in part and "2026-01-15" in part and "Draft" in part and "None" in part
    milestones = html.split('id="milestones-heading"')[1].split("</section>")[0]
    assert "Pilot" in milestones and '<td class="num">32</td>' in milestones
    assert "2026-03-31" in milestones
    flagged = html.split('id="flagged-heading"')[1].split("</section>")[0]
    assert "Behind the expected percent" in flagged and "A milestone has slipped" in flagged
    silent = html.split('id="silent-heading"')[1].split("</section>")[0]
    assert "2025-26 Q2, 2025-26 Q3 or since" in silent and "2025-26 Q1" in silent


def test_attention_empty_states(app: Flask, client: FlaskClient, signed_in_planner: None) -> None:
    with app.app_context():
        PlanFactory(slug="calm", first_year=2025, last_year=2026, status="draft")
        db.session.commit()
    html = page(client, "/plans/calm/attention")
    assert "This plan is not active" in html
    assert "Missing updates (0)" in html
    assert "Every update due so far has been submitted." in html
    assert "No action is off track or at risk." in html
    assert "No milestone is overdue." in html
    assert "No action reported on track contradicts its schedule." in html
    assert "no action can be silent yet" in html


# --- compliance page --------------------------------------------------------------------------


def cells_of(html: str, acronym: str) -> list[str]:
    row = html.split(f">{acronym}</abbr></th>")[1].split("</tr>")[0]
    return [cell.split("</td>")[0].strip() for cell in row.split('<td class="compliance ')[1:]]


def test_compliance_table(
    app: Flask, client: FlaskClient, signed_in_planner: None, comply: None
) -> None:
    html = page(client, "/plans/comply/compliance")
    assert "This plan is not active" not in html
    assert '<th scope="col">2024-25 Q4</th>' in html and '<th scope="col">2025-26 Q3</th>' in html
    bbb = cells_of(html, "BBB")
    assert bbb[0].startswith('compliance--not_applicable"><span class="compliance-label">Not')
    assert 'compliance--late"><span class="compliance-label">Late</span>' in bbb[1]
    assert "0 of 1 on time" in bbb[1]
    assert "Missing" in bbb[2] and "1 of 2 on time" in bbb[2]
    assert "Pending" in bbb[3] and "1 of 2 submitted" in bbb[3]
    assert 'Overall on-time rate: 57% <span class="small muted">(4 of 7)' in html
    legend = html.split('id="legend-heading"')[1].split("</section>")[0]
    for label in ("On time", "Late", "Missing", "Pending", "Not applicable"):
        assert f">{label}</span></dt>" in legend
    assert 'href="/plans/comply/compliance.csv"' in html


def test_compliance_filters_in_the_url(
    app: Flask, client: FlaskClient, signed_in_planner: None, comply: None
) -> None:
    html = page(client, "/plans/comply/compliance?first=2025&last=2026&department=BBB")
    assert "2024-25 Q4" not in html.split("<table")[1]
    assert ">BBB</abbr></th>" in html and ">AAA</abbr></th>" not in html
    assert '<option selected value="BBB">' in html
    assert 'href="/plans/comply/compliance.csv?first=2025&amp;last=2026&amp;department=BBB"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("first=abc", "Not a valid choice"),
        ("first=2030", "Not a valid choice"),
        ("first=2026&last=2025", "The last year cannot be before the first year."),
        ("department=ZZZ", "Not a valid choice"),
        ("department=DDD", "Not a valid choice"),
    ],
)
def test_bad_filters_are_refused(
    app: Flask, client: FlaskClient, signed_in_planner: None, comply: None, query: str, message: str
) -> None:
    for url in ("/plans/comply/compliance", "/plans/comply/compliance.csv"):
        html = page(client, f"{url}?{query}", status=400)
        assert "Please correct the following" in html and message in html
        assert "<table" not in html


# --- CSV --------------------------------------------------------------------------------------


def read_csv(client: FlaskClient, url: str) -> tuple[list[list[str]], dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]))), dict(response.headers)


def test_compliance_csv(
    app: Flask, client: FlaskClient, signed_in_planner: None, comply: None
) -> None:
    rows, headers = read_csv(client, "/plans/comply/compliance.csv")
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        headers["Content-Disposition"] == 'attachment; filename="comply-compliance-2024-2026.csv"'
    )
    assert rows == [
        [
            "Department",
            "Department name",
            "2024-25 Q4",
            "2025-26 Q1",
            "2025-26 Q2",
            "2025-26 Q3",
            "On-time rate",
        ],
        ["AAA", "Department AAA", "Not applicable", "On time", "On time", "Pending", "100%"],
        ["BBB", "Department BBB", "Not applicable", "Late", "Missing", "Pending", "33%"],
        ["CCC", "Department CCC", "Not applicable", "Not applicable", "Missing", "On time", "0%"],
        ["On-time rate", "", "n/a", "67%", "50%", "n/a", "57%"],
    ]


def test_compliance_csv_filters(
    app: Flask, client: FlaskClient, signed_in_planner: None, comply: None
) -> None:
    rows, headers = read_csv(client, "/plans/comply/compliance.csv?first=2025&department=CCC")
    assert "comply-compliance-2025-2026.csv" in headers["Content-Disposition"]
    assert rows == [
        ["Department", "Department name", "2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "On-time rate"],
        ["CCC", "Department CCC", "Not applicable", "Missing", "On time", "0%"],
        ["On-time rate", "", "n/a", "0%", "n/a", "0%"],
    ]


def test_compliance_csv_in_french(
    app: Flask, client: FlaskClient, signed_in_planner: None, comply: None
) -> None:
    post_form(client, "/language", {"lang": "fr", "next": "/"}, page="/")
    rows, _ = read_csv(client, "/plans/comply/compliance.csv?last=2024")
    assert rows[0][2] == "T4 2024-2025"
    assert rows[1][1] == "Ministère AAA"


def test_compliance_csv_protects_against_formulas(
    app: Flask, client: FlaskClient, signed_in_planner: None
) -> None:
    app.config["TODAY"] = "2025-08-01"
    with app.app_context():
        period("2025-Q1")
        evil = DepartmentFactory(acronym="@EVIL", name_en='=HYPERLINK("http://x","y")')
        plan = PlanFactory(slug="evil", first_year=2025, last_year=2025)
        action = ActionFactory(area=AreaFactory(plan=plan), lead_department=evil)
        report(action, evil, "2025-Q1", "submitted", at("2025-07-01T12:00:00+00:00"))
        db.session.commit()
    rows, _ = read_csv(client, "/plans/evil/compliance.csv")
    assert rows[1][:3] == ["'@EVIL", '\'=HYPERLINK("http://x","y")', "On time"]


# --- query counts -----------------------------------------------------------------------------


def test_query_count_does_not_grow(
    app: Flask, client: FlaskClient, signed_in_planner: None
) -> None:
    app.config["TODAY"] = "2026-02-01"
    with app.app_context():
        sized_plan("small", 2)
        sized_plan("large", 10)
    for url in URLS:
        assert queries(app, client, url.format("small")) == queries(
            app, client, url.format("large")
        )
