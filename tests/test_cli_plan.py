"""`flask --app tracker plan import FILE` and `plan export SLUG [--output PATH]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from sqlalchemy import func, select

from tests.services.plans.test_plan_io import plan_document, row_counts
from tracker.extensions import db
from tracker.models import Plan
from tracker.services.plans.files import export_plan_yaml, import_plan


def write_plan(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def test_import_prints_a_one_line_summary(app: Flask, runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(args=["plan", "import", str(write_plan(tmp_path, plan_document()))])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Created plan test-plan-2016: 3 departments, 2 areas, 3 actions, 2 milestones.\n"
    )
    again = runner.invoke(args=["plan", "import", str(tmp_path / "plan.yaml")])
    assert again.stdout.startswith("Updated plan test-plan-2016:")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Plan)) == 1


def test_import_lists_every_problem_and_writes_nothing(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    document = plan_document()
    document["plan"]["slug"] = "Bad Slug"
    document["areas"][0]["actions"][0]["target"] = "2019-Q5"
    path = write_plan(tmp_path, document)

    result = runner.invoke(args=["plan", "import", str(path)])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'plan.slug: "Bad Slug" is not a valid slug (lowercase letters and digits, '
        "words joined by single hyphens)",
        'areas[0].actions[0].target: "2019-Q5" is not a quarter (expected a form like "2019-Q4")',
        f"Error: {path} was not imported (2 problems); nothing was changed.",
    ]
    with app.app_context():
        assert set(row_counts().values()) == {0}


def test_import_reports_a_yaml_syntax_error_with_its_line(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: roadmap-tracker/plan@1\nplan:\n  slug: [x\n", "utf-8")
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 1
    first, last = result.stderr.splitlines()
    assert first.startswith("line 4, column 1: ")
    assert last == f"Error: {path} was not imported (1 problem); nothing was changed."


def test_import_of_a_missing_file_is_a_usage_error(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(args=["plan", "import", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_export_writes_yaml_to_stdout(app: Flask, runner: Any) -> None:
    with app.app_context():
        import_plan(plan_document())
        expected = export_plan_yaml("test-plan-2016")
    result = runner.invoke(args=["plan", "export", "test-plan-2016"])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    assert yaml.safe_load(result.stdout) == plan_document()


def test_export_writes_to_a_file(app: Flask, runner: Any, tmp_path: Path) -> None:
    with app.app_context():
        import_plan(plan_document())
        expected = export_plan_yaml("test-plan-2016")
    target = tmp_path / "out.yaml"
    result = runner.invoke(args=["plan", "export", "test-plan-2016", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Exported plan test-plan-2016 to {target}.\n"
    assert target.read_text("utf-8") == expected


def test_export_then_import_through_the_cli_changes_nothing(
    app: Flask, runner: Any, tmp_path: Path
) -> None:
    with app.app_context():
        import_plan(plan_document())
        before = export_plan_yaml("test-plan-2016")
    target = tmp_path / "out.yaml"
    runner.invoke(args=["plan", "export", "test-plan-2016", "-o", str(target)])
    result = runner.invoke(args=["plan", "import", str(target)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert export_plan_yaml("test-plan-2016") == before


def test_export_of_an_unknown_slug_fails_clearly(runner: Any) -> None:
    result = runner.invoke(args=["plan", "export", "nope"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == 'Error: no plan with slug "nope"\n'
