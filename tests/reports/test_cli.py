"""`flask report generate` and `flask report list`."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.factories.reports import SLUG, build_plan


def test_generate_accepts_both_year_forms_and_list_shows_versions(app: Flask, runner: Any) -> None:
    build_plan(app)
    assert runner.invoke(args=["report", "list"]).output.strip() == "No report has been issued yet."
    first = runner.invoke(args=["report", "generate", "--plan", SLUG, "--year", "2024-25"])
    assert first.exit_code == 0, first.output
    assert "Generated version 1 of the 2024-25 report of rep (en)" in first.output
    assert "rep_2024-25_en_v1.pdf" in first.output and "sha256 " in first.output
    assert "rep_2024-25_en_v1_milestones.csv" in first.output
    second = runner.invoke(args=["report", "generate", "--plan", SLUG, "--year", "2024"])
    assert second.exit_code == 0 and "version 2" in second.output
    french = runner.invoke(
        args=["report", "generate", "--plan", SLUG, "--year", "2024", "--language", "fr"]
    )
    assert "Generated version 1 of the 2024-25 report of rep (fr)" in french.output
    listing = runner.invoke(args=["report", "list"]).output
    assert "2024-25  en  v2" in listing and "2024-25  en  v1" in listing and " cli " in listing
    assert "2024-25  fr  v1" in listing


def test_generate_refuses_bad_input(app: Flask, runner: Any) -> None:
    build_plan(app)
    bad_year = runner.invoke(args=["report", "generate", "--plan", SLUG, "--year", "2024-26"])
    assert bad_year.exit_code == 2 and "is not a fiscal year" in bad_year.output
    open_year = runner.invoke(args=["report", "generate", "--plan", SLUG, "--year", "2025"])
    assert open_year.exit_code == 1 and "not over yet" in open_year.output
    no_plan = runner.invoke(args=["report", "generate", "--plan", "nope", "--year", "2024"])
    assert no_plan.exit_code == 1 and "no plan 'nope'" in no_plan.output
