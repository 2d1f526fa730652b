"""Translated labels for the fixed vocabularies and their Jinja filters."""

from __future__ import annotations

from enum import StrEnum

import pytest
from flask import Flask, render_template_string

from tracker import vocab
from tracker.models import ActionStatus, PlanStatus, WorkflowState


@pytest.mark.parametrize(
    ("mapping", "enum"),
    [
        (vocab.STATUS_LABELS, ActionStatus),
        (vocab.STATE_LABELS, WorkflowState),
        (vocab.PLAN_STATUS_LABELS, PlanStatus),
    ],
)
def test_every_value_has_a_label(mapping: dict[str, str], enum: type[StrEnum]) -> None:
    assert set(mapping) == {member.value for member in enum}


def test_filters_render_labels(app: Flask) -> None:
    with app.test_request_context("/"):
        html = render_template_string(
            "{{ 'on_track'|status_label }}|{{ 'returned'|state_label }}|"
            "{{ 'archived'|plan_status_label }}|{{ 'late'|milestone_state_label }}|"
            "{{ 'milestone_slipped'|flag_label }}|{{ 'mystery'|status_label }}|"
            "{{ none|status_label }}"
        )
    assert html == ("On track|Returned|Archived|Late|A milestone has slipped|mystery|")
