"""Spreadsheet templates and imports: downloads, whole-file validation, drafts, isolation."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.conftest import counted, post_form
from tests.factories.updates import (
    DEPT_EMAIL,
    OTHER_EMAIL,
    OVERSIGHT_EMAIL,
    PARTNER_EMAIL,
    PLANNER_EMAIL,
    PREVIOUS,
    QUARTER,
    World,
    add_update,
    set_period,
)
from tests.updates.helpers import count, form_data, login, post_update, the_update
from tracker.extensions import db
from tracker.fiscal import FiscalQuarter
from tracker.models import (
    AuditEvent,
    MilestoneForecast,
    ProgressUpdate,
    Revision,
    WorkflowState,
)
from tracker.services.spreadsheets.columns import updates_sheet_name

XLSX_URL = f"/updates/{QUARTER}/template.xlsx"
CSV_URL = f"/updates/{QUARTER}/template.csv"
IMPORT_URL = f"/updates/{QUARTER}/import"
LABEL = "2025-26 Q2"  # QUARTER as the screens (and now the template) write it
SHEET = f"Updates {LABEL}"


@pytest.fixture
def dept(app: Flask, world: World) -> FlaskClient:
    return login(app, DEPT_EMAIL)


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def edited(data: bytes, edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    """The workbook `data` after `edit`, saved again as openpyxl writes it."""
    book = workbook(data)
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: FlaskClient, data: bytes, name: str = "quarter.xlsx") -> Any:
    return post_form(
        client,
        IMPORT_URL,
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def stored_counts(app: Flask) -> tuple[int, ...]:
    """Rows of what an import writes; a refused file's own audit event (issue 15) aside."""
    with app.app_context():
        events = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action != "updates.import_refused")
        )
    return (*(count(app, m) for m in (ProgressUpdate, Revision, MilestoneForecast)), events or 0)


def template(client: FlaskClient) -> bytes:
    response = client.get(XLSX_URL)
    assert response.status_code == 200
    return response.data


def good_edit(book: openpyxl.Workbook) -> None:
    sheet = book[SHEET]
    sheet["E3"], sheet["F3"], sheet["G3"] = "At risk", 45, "2026-Q4"
    sheet["H3"], sheet["I3"] = "Built the prototype.", "Hiring is slow."
    book["Milestones"]["F2"], book["Milestones"]["F3"] = "2026-03-20", "2026-11-30"


# ---------- Templates ----------


def test_xlsx_template_has_the_sheets_headings_and_prefilled_rows(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    add_update(app, world, world.previous_period_id, percent=35, accomplishments="Old news")
    response = dept.get(XLSX_URL)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "updates-ACR-2025-Q2.xlsx" in response.headers["Content-Disposition"]
    book = workbook(response.data)
    assert book.sheetnames == [SHEET, "Milestones", "Instructions"]
    sheet = book[SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Department", "ACR", "Reporting period", LABEL]
    assert rows[1][:6] == [
        "Plan",
        "Action code",
        "Action",
        "Workflow state",
        "Status",
        "Percent complete",
    ]
    assert len(rows) == 3  # only the one action ACR leads; S1.2 belongs to OTH
    plan, code, _title, state, status, percent, forecast, acc = rows[2][:8]
    assert (plan, code, state, status, percent, forecast, acc) == (
        world.plan_slug,
        "S1.1",
        "Not started",
        "On track",
        35,
        "2026-27 Q4",  # the screens' form, not 2026-Q4
        "Old news",
    )
    milestones = [[c.value for c in row] for row in book["Milestones"].iter_rows()]
    assert milestones[0][2:4] == ["Milestone code", "Milestone"]
    assert [r[2] for r in milestones[1:]] == ["M1", "M2"]
    assert milestones[1][5].date().isoformat() == "2026-02-01"  # carried over
    assert sheet.freeze_panes == "D3"
    assert any("list" == dv.type for dv in sheet.data_validations.dataValidation)


def test_template_rows_keep_formula_like_text_as_text(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    post_update(dept, world.form_url, form_data(world, accomplishments="=SUM(1)"))
    data = template(dept)
    raw = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cell = next(raw[SHEET].iter_rows(min_row=3, max_row=3))[7]
    assert (cell.value, cell.data_type) == ("=SUM(1)", "s")
    raw.close()
    csv_text = dept.get(CSV_URL).get_data(as_text=True)
    assert "'=SUM(1)" in csv_text


def test_csv_template(app: Flask, world: World, dept: FlaskClient) -> None:
    response = dept.get(CSV_URL)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffDepartment,ACR,Reporting period,2025-26 Q2\r\n")
    lines = text.splitlines()
    assert lines[1].startswith("Plan,Action code,Action,Workflow state,Status,Percent complete")
    assert len(lines) == 3 and ",S1.1," in lines[2]


def test_participants_get_the_action_and_other_departments_only_theirs(
    app: Flask, world: World
) -> None:
    partner = workbook(template(login(app, PARTNER_EMAIL)))
    assert partner[SHEET]["B3"].value == "S1.1"
    other = workbook(template(login(app, OTHER_EMAIL)))
    codes = [row[1].value for row in other[SHEET].iter_rows(min_row=3)]
    assert codes == ["S1.2"]
    assert other[SHEET]["B1"].value == "OTH"


@pytest.mark.parametrize("email", [PLANNER_EMAIL, OVERSIGHT_EMAIL])
@pytest.mark.parametrize("url", [XLSX_URL, CSV_URL, IMPORT_URL])
def test_only_department_users_reach_the_spreadsheet_pages(
    app: Flask, world: World, email: str, url: str
) -> None:
    assert login(app, email).get(url).status_code == 403


def test_template_in_french_imports_the_same(app: Flask, world: World, dept: FlaskClient) -> None:
    with dept.session_transaction() as session:
        session["lang"] = "fr"
    book = workbook(template(dept))
    with dept.session_transaction() as session:
        session["lang"] = "en"
    with app.test_request_context(), force_locale("fr"):
        french_name = updates_sheet_name(FiscalQuarter.parse(QUARTER))
    assert book.sheetnames[0] == french_name
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Ministère", "ACR", "Période de rapport"]
    assert sheet["E3"].value == "Non commencé"
    assert sheet["D1"].value == "T2 2025-2026"  # the period as the French screens write it
    sheet["F3"] = 10
    out = io.BytesIO()
    book.save(out)
    response = upload(dept, out.getvalue())
    assert response.status_code == 302, response.get_data(as_text=True)
    update = the_update(app, world)
    assert update is not None and (update.status, update.percent_complete) == ("not_started", 10)


@pytest.mark.parametrize("written", ["2026-27 Q4", "T4 2026-2027", "2026-Q4", " 2026-27  q4 "])
def test_quarters_are_read_in_the_screens_form_and_the_canonical_one(
    app: Flask, world: World, dept: FlaskClient, written: str
) -> None:
    """Issue 13: the template writes quarters as the screens do; both forms import the same."""
    data = edited(template(dept), set_cells(U_G3=written))
    assert upload(dept, data).status_code == 302
    update = the_update(app, world)
    assert update is not None and str(update.forecast_completion) == "2026-Q4"


def test_a_template_of_the_older_canonical_form_still_imports(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    """Files downloaded before the change ("Updates 2025-Q2", row 1 "2025-Q2") still import."""

    def older(book: openpyxl.Workbook) -> None:
        book[SHEET]["D1"], book[SHEET]["F3"] = QUARTER, 20
        book[SHEET].title = f"Updates {QUARTER}"

    assert upload(dept, edited(template(dept), older)).status_code == 302
    update = the_update(app, world)
    assert update is not None and update.percent_complete == 20


# ---------- A good file ----------


def test_good_upload_creates_drafts_and_reports_changes(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    before = stored_counts(app)
    response = upload(dept, edited(template(dept), good_edit))
    assert response.status_code == 302, response.get_data(as_text=True)
    update = the_update(app, world)
    assert update is not None
    assert (update.state, update.status, update.percent_complete) == ("draft", "at_risk", 45)
    assert update.risks == "Hiring is slow."
    after = stored_counts(app)
    assert after[0] == before[0] + 1 and after[1] == before[1] + 1
    assert after[2] == before[2] + 2  # update.saved + updates.imported
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[-2:]
        assert [e.action for e in events] == ["update.saved", "updates.imported"]
        assert events[0].detail["via"] == "import"
        assert events[1].detail["counts"] == {"created": 1}
        dates = {
            f.milestone_id: f.forecast_on.isoformat()
            for f in db.session.scalars(select(MilestoneForecast))
        }
    assert dates == dict(zip(world.milestone_ids, ["2026-03-20", "2026-11-30"], strict=True))
    page = dept.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Draft created" in html
    assert "Built the prototype." in html and "At risk" in html
    assert "Mar 20, 2026" in html  # the imported milestone date, as people read it


def test_untouched_template_changes_nothing_and_the_same_file_twice_writes_once(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    data = template(dept)
    response = upload(dept, data)
    assert response.status_code == 302
    assert the_update(app, world) is None
    assert "Unchanged" in dept.get(response.headers["Location"]).get_data(as_text=True)
    filled = edited(data, good_edit)
    upload(dept, filled)
    revisions = count(app, Revision)
    again = upload(dept, filled)
    assert again.status_code == 302
    assert count(app, Revision) == revisions
    assert "Unchanged" in dept.get(again.headers["Location"]).get_data(as_text=True)


def test_existing_draft_is_updated_with_old_and_new_values(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    post_update(dept, world.form_url, form_data(world, percent_complete="20"))
    data = edited(template(dept), lambda b: b[SHEET].__setitem__("F3", 30))
    response = upload(dept, data)
    update = the_update(app, world)
    assert update is not None and (update.percent_complete, update.version) == (30, 2)
    html = dept.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft updated" in html
    assert "<del>20%</del>" in html and "<ins>30%</ins>" in html
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "updates.imported")
        ).one()
        entry = event.detail["actions"][0]
    # The milestone dates went through Excel date cells and came back the same.
    changed = {k for k in entry["new"] if entry["new"][k] != entry["old"][k]}
    assert changed == {"percent_complete"}
    assert entry["new"]["milestones"][0]["forecast_on"] == "2026-03-15"


@pytest.mark.parametrize("state", [WorkflowState.SUBMITTED, WorkflowState.ACCEPTED])
def test_submitted_and_accepted_updates_are_skipped(
    app: Flask, world: World, dept: FlaskClient, state: WorkflowState
) -> None:
    add_update(app, world, world.period_id, state=state, percent=50)
    data = edited(template(dept), lambda b: b[SHEET].__setitem__("F3", 90))
    revisions = count(app, Revision)
    response = upload(dept, data)
    assert response.status_code == 302
    update = the_update(app, world)
    assert update is not None and (update.state, update.percent_complete) == (state.value, 50)
    assert count(app, Revision) == revisions
    html = dept.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Skipped: already {state.value}" in html
    assert "differ from the update" in html


def test_submission_rules_are_warnings(app: Flask, world: World, dept: FlaskClient) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book[SHEET]["E3"] = "Completed"
        book[SHEET]["F3"] = 50

    response = upload(dept, edited(template(dept), edit))
    assert response.status_code == 302
    html = dept.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fix before submitting" in html
    assert "A completed action must be 100% complete." in html


def test_csv_round_trip_keeps_formula_like_text(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    text = dept.get(CSV_URL).data.decode("utf-8-sig")
    lines = text.split("\r\n")
    cells = lines[2].split(",")
    cells[5], cells[7], cells[8] = "55", "'=SUM(1)", "'-5 days late"
    lines[2] = ",".join(cells)
    response = upload(dept, "\r\n".join(lines).encode("utf-8"), "quarter.csv")
    assert response.status_code == 302, response.get_data(as_text=True)
    update = the_update(app, world)
    assert update is not None
    assert (update.percent_complete, update.accomplishments, update.risks) == (
        55,
        "=SUM(1)",
        "-5 days late",
    )
    # Downloading again protects the text again.
    assert "'=SUM(1)" in dept.get(CSV_URL).get_data(as_text=True)


def test_semicolon_csv_is_read(app: Flask, world: World, dept: FlaskClient) -> None:
    text = dept.get(CSV_URL).data.decode("utf-8-sig")
    rows = [line.split(",") for line in text.split("\r\n") if line]
    rows[2][5] = "12"
    data = "\r\n".join(";".join(r) for r in rows).encode("utf-8")
    assert upload(dept, data, "q.csv").status_code == 302
    update = the_update(app, world)
    assert update is not None and update.percent_complete == 12


# ---------- Bad files: refused whole, nothing written ----------


def set_cells(**cells: Any) -> Callable[[openpyxl.Workbook], None]:
    """An edit setting cells given as SHEETKEY_REF=value (U_ updates sheet, M_ milestones)."""

    def edit(book: openpyxl.Workbook) -> None:
        for key, value in cells.items():
            which, ref = key.split("_")
            book[SHEET if which == "U" else "Milestones"][ref] = value

    return edit


def add_row(book: openpyxl.Workbook) -> None:
    sheet = book[SHEET]
    sheet.append([cell.value for cell in sheet[3]])


UPDATE_HEADINGS = (
    "Plan|Action code|Action|Workflow state|Status|Percent complete|Forecast completion quarter|"
    "Accomplishments|Risks and issues|Next steps|Why the percent complete went down"
).split("|")
MILESTONE_HEADINGS = (
    "Plan|Action code|Milestone code|Milestone|Baseline due|Forecast date|Completion date".split(
        "|"
    )
)
WHOLE = "Enter a whole number from 0 to 100."
FORMULA = "This cell holds a formula."
DATE = "Enter a date as YYYY-MM-DD"
RISKS = "Describe the risks and issues"
CHOOSE = "Choose a status from the list"
BAD_ROWS = [
    pytest.param(set_cells(U_F3="abc"), "U_F3", WHOLE, id="percent abc"),
    pytest.param(set_cells(U_F3=140), "U_F3", WHOLE, id="percent 140"),
    pytest.param(set_cells(U_F3=-1), "U_F3", WHOLE, id="percent -1"),
    pytest.param(set_cells(U_F3=4.5), "U_F3", WHOLE, id="percent 4.5"),
    pytest.param(set_cells(U_E3="Sort of"), "U_E3", CHOOSE, id="unknown status"),
    pytest.param(set_cells(U_E3=None), "U_E3", CHOOSE, id="blank status"),
    pytest.param(
        set_cells(U_G3="Q4 2026"), "U_G3", "Write the quarter like 2026-27 Q4.", id="quarter"
    ),
    pytest.param(set_cells(U_B3="Z9.9"), "U_B3", "There is no action Z9.9", id="unknown action"),
    pytest.param(set_cells(U_A3="nope"), "U_B3", "There is no action S1.1", id="unknown plan"),
    pytest.param(
        set_cells(U_B3="S1.2"),
        "U_B3",
        "Action S1.2 is not assigned to your department.",
        id="another department's action",
    ),
    pytest.param(set_cells(U_B3=None), "U_B3", "Give the plan and the action code", id="no code"),
    pytest.param(set_cells(U_E3="Off track", U_I3=None), "U_I3", RISKS, id="off track, no risks"),
    pytest.param(set_cells(U_E3="at_risk", U_I3=" "), "U_I3", RISKS, id="at risk, no risks"),
    pytest.param(set_cells(U_H3="=1+1"), "U_H3", FORMULA, id="formula"),
    pytest.param(set_cells(U_F3="=40+5"), "U_F3", FORMULA, id="formula in percent"),
    pytest.param(set_cells(U_J3="x" * 20_001), "U_J3", "Keep this under", id="text too long"),
    pytest.param(add_row, "U_B4", "Action S1.1 is already on row 3", id="duplicate row"),
    pytest.param(set_cells(M_F2="31/03/2026"), "M_F2", DATE, id="malformed date"),
    pytest.param(set_cells(M_G2="2026-02-30"), "M_G2", DATE, id="impossible date"),
    pytest.param(set_cells(M_F2=46000), "M_F2", DATE, id="date as a number"),
    pytest.param(
        set_cells(M_F2="2025-09-30", M_G2="2025-09-01"),
        "M_F2",
        "The forecast date cannot be after the completion date (2025-09-01).",
        id="milestone forecast after its completion",
    ),
    pytest.param(set_cells(M_F2="=TODAY()"), "M_F2", FORMULA, id="formula in a date"),
    pytest.param(
        set_cells(M_C2="M9"), "M_C2", "Action S1.1 has no milestone “M9”.", id="unknown milestone"
    ),
    pytest.param(
        set_cells(M_B2="S1.2"),
        "M_B2",
        "not assigned to your department",
        id="milestone of another department's action",
    ),
]


@pytest.mark.parametrize(("edit", "where", "message"), BAD_ROWS)
def test_a_bad_row_refuses_the_whole_file(
    app: Flask,
    world: World,
    dept: FlaskClient,
    edit: Callable[[openpyxl.Workbook], None],
    where: str,
    message: str,
) -> None:
    which, ref = where.split("_")
    letter, row = ref[0], int(ref[1:])
    sheet, headings = (
        (SHEET, UPDATE_HEADINGS) if which == "U" else ("Milestones", MILESTONE_HEADINGS)
    )
    column = f"{letter} ({headings['ABCDEFGHIJK'.index(letter)]})"
    data = edited(template(dept), edit)
    before = stored_counts(app)
    response = upload(dept, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html
    assert "Nothing was imported." in html
    assert f"<td>{sheet}</td>" in html
    assert f'<th scope="row" class="num">{row}</th>' in html
    assert f"<td>{column}</td>" in html
    assert message in html.replace("&#34;", '"').replace("&#39;", "'")
    assert stored_counts(app) == before


def test_every_problem_of_a_row_is_listed(app: Flask, world: World, dept: FlaskClient) -> None:
    data = edited(template(dept), set_cells(U_B3="Z9.9", U_F3=140, U_G3="soon", M_F2="tomorrow"))
    response = upload(dept, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    # Three cells of row 3, the date, and the two milestone rows of S1.1, no longer on sheet 1.
    assert "6 problems were found. No update was changed." in html
    for column in ("B (Action code)", "F (Percent complete)", "G (Forecast completion quarter)"):
        assert f"<td>{column}</td>" in html
    assert "<td>F (Forecast date)</td>" in html
    assert html.count(f"Action S1.1 has no row on the sheet “{SHEET}”.") == 2


def test_one_bad_row_among_good_ones_writes_nothing(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    with app.app_context():
        from tests.factories import ActionFactory
        from tracker.models import Action, Department

        first = db.session.get(Action, world.action_id)
        acr = db.session.get(Department, world.department_id)
        assert first is not None and acr is not None
        ActionFactory(area=first.area, code="S1.3", lead_department=acr)
        db.session.commit()

    def edit(book: openpyxl.Workbook) -> None:
        good_edit(book)
        book[SHEET]["F4"] = 140

    before = stored_counts(app)
    response = upload(dept, edited(template(dept), edit))
    assert response.status_code == 400
    assert "1 problem was found. No update was changed." in response.get_data(as_text=True)
    assert stored_counts(app) == before


STRUCTURE = [
    (
        "wrong sheet name",
        lambda b: setattr(b[SHEET], "title", "Sheet1"),
        "does not have the template&#39;s sheets",
    ),
    (
        "no milestones sheet",
        lambda b: b.remove(b["Milestones"]),
        "does not have the template&#39;s sheets",
    ),
    (
        "another period's file",
        set_cells(U_D1=PREVIOUS),
        "This file is for the reporting period 2025-Q1",
    ),
    ("another department's file", set_cells(U_B1="OTH"), "This file is for the department OTH."),
    ("meta row removed", set_cells(U_A1=None, U_B1=None), "Row 1 is not the template&#39;s"),
    (
        "wrong heading",
        set_cells(U_F2="Percent"),
        "does not hold the template&#39;s column headings",
    ),
    ("extra column", set_cells(U_L2="Notes"), "does not hold the template&#39;s column headings"),
    ("milestone headings", set_cells(M_F1="When"), "Row 1 of “Milestones” does not hold"),
]


@pytest.mark.parametrize(
    ("edit", "message"), [c[1:] for c in STRUCTURE], ids=[c[0] for c in STRUCTURE]
)
def test_a_file_of_the_wrong_shape_is_refused(
    app: Flask,
    world: World,
    dept: FlaskClient,
    edit: Callable[[openpyxl.Workbook], None],
    message: str,
) -> None:
    data = edited(template(dept), edit)
    before = stored_counts(app)
    response = upload(dept, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored_counts(app) == before


def docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not UTF-8"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Excel (.xls)"),
        (docx_like(), "not an Excel workbook"),
        (b"PK\x03\x04 broken zip", "could not be opened"),
        (b"", "not a spreadsheet"),
        (b"abc\x00def", "not a spreadsheet"),
    ],
    ids=["png", "xls", "docx", "broken zip", "empty", "nul bytes"],
)
def test_not_a_spreadsheet(
    app: Flask, world: World, dept: FlaskClient, data: bytes, detail: str
) -> None:
    before = stored_counts(app)
    response = upload(dept, data, "quarter.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html
    assert "This file is not a spreadsheet we can read." in html or "Choose the file" in html
    assert detail in html or detail == "not a spreadsheet"
    assert stored_counts(app) == before


def test_text_that_is_not_the_template_is_refused(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    response = upload(dept, b"hello, world\nthis is not it\n", "notes.csv")
    assert response.status_code == 400
    assert "Row 1 is not the template" in response.get_data(as_text=True)


def test_a_file_over_the_size_limit_is_refused(app: Flask, world: World, dept: FlaskClient) -> None:
    data = edited(template(dept), good_edit)
    app.config["SPREADSHEET_MAX_BYTES"] = len(data) - 1
    before = stored_counts(app)
    response = upload(dept, data)
    assert response.status_code == 413
    assert "The file is larger than" in response.get_data(as_text=True)
    assert stored_counts(app) == before


def test_a_file_over_the_request_limit_gets_the_error_page(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(dept, b"x" * 20_000, "big.csv")
    assert response.status_code == 413


def test_a_missing_file_is_asked_for(app: Flask, world: World, dept: FlaskClient) -> None:
    response = post_form(dept, IMPORT_URL, {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the file to upload." in response.get_data(as_text=True)


def test_locked_period_refuses_imports(app: Flask, world: World, dept: FlaskClient) -> None:
    from datetime import date

    data = edited(template(dept), good_edit)
    set_period(app, world.period_id, due_on=date(2025, 10, 1), locks_on=date(2025, 10, 4))
    page = dept.get(IMPORT_URL).get_data(as_text=True)
    assert "This reporting period is locked" in page
    assert 'enctype="multipart/form-data"' not in page
    before = stored_counts(app)
    response = upload_with_token(dept, data, page_url=f"/updates/?period={QUARTER}")
    assert response.status_code == 409
    assert "This reporting period is locked" in response.get_data(as_text=True)
    assert stored_counts(app) == before


def upload_with_token(client: FlaskClient, data: bytes, page_url: str) -> Any:
    """Upload with a CSRF token taken from another page (the import form is not shown)."""
    return post_form(
        client,
        IMPORT_URL,
        {"file": (io.BytesIO(data), "q.xlsx")},
        page=page_url,
        content_type="multipart/form-data",
    )


# ---------- Isolation ----------


def test_another_department_cannot_import_into_ours_nor_read_the_result(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    data = edited(template(dept), good_edit)
    other = login(app, OTHER_EMAIL)
    response = upload(other, data)
    assert response.status_code == 400
    assert "This file is for the department ACR." in response.get_data(as_text=True)
    assert the_update(app, world) is None
    done = upload(dept, data)
    result_url = done.headers["Location"]
    assert dept.get(result_url).status_code == 200
    assert other.get(result_url).status_code == 404
    assert login(app, PLANNER_EMAIL).get(result_url).status_code == 403


def test_unknown_period_is_not_found(app: Flask, world: World, dept: FlaskClient) -> None:
    assert dept.get("/updates/2099-Q1/template.xlsx").status_code == 404
    assert dept.get("/updates/nonsense/import").status_code == 404


def test_import_page_links_and_quarter_page_links(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    quarter_page = dept.get("/updates/").get_data(as_text=True)
    assert XLSX_URL in quarter_page and CSV_URL in quarter_page and IMPORT_URL in quarter_page
    page = dept.get(IMPORT_URL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert "Milestone dates cannot be given in a CSV file" in html


# ---------- Concurrency and query count ----------


def test_a_save_racing_the_import_is_judged_again(
    app: Flask, world: World, dept: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from tracker.services.spreadsheets import importing

    post_update(dept, world.form_url, form_data(world, percent_complete="20"))
    data = edited(template(dept), lambda b: b[SHEET].__setitem__("F3", 30))
    real = importing.stage_update
    calls: list[int] = []

    def racing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            # Another request submits the draft between our read and our write.
            db.session.rollback()
            update = db.session.scalar(select(ProgressUpdate))
            assert update is not None
            update.state = WorkflowState.SUBMITTED.value
            db.session.commit()
            raise StaleDataError("version changed")
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "stage_update", racing)
    imports = count_imports(app)
    response = upload(dept, data)
    assert response.status_code == 302
    update = the_update(app, world)
    assert update is not None and (update.state, update.percent_complete) == ("submitted", 20)
    assert len(calls) == 1  # judged again: now submitted, so skipped and never written
    assert count_imports(app) == imports + 1
    assert "Skipped: already submitted" in dept.get(response.headers["Location"]).get_data(
        as_text=True
    )


def count_imports(app: Flask) -> int:
    with app.app_context():
        return len(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "updates.imported")
            ).all()
        )


def test_template_query_count_does_not_grow_with_actions(
    app: Flask, world: World, dept: FlaskClient
) -> None:
    from tests.factories import ActionFactory, MilestoneFactory
    from tracker.models import Action, Department

    add_update(app, world, world.previous_period_id)
    post_update(dept, world.form_url, form_data(world))
    with counted(app) as small:
        template(dept)
    with app.app_context():
        first = db.session.get(Action, world.action_id)
        acr = db.session.get(Department, world.department_id)
        assert first is not None and acr is not None
        ids = []
        for n in range(5):
            action = ActionFactory(area=first.area, code=f"S9.{n}", lead_department=acr)
            MilestoneFactory(action=action, code="M1")
            ids.append(action.id)
        db.session.commit()
    for action_id in ids:
        add_update(app, world, world.previous_period_id, action_id=action_id)
    with counted(app) as large:
        template(dept)
    assert len(large) == len(small)
