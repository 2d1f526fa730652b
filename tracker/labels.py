"""The Jinja filters that show the fixed vocabularies by their translated names.

Templates use `status|status_label`, `update.state|state_label`, `plan.status|plan_status_label`,
`flag|flag_label`, `state|milestone_state_label` and `report.triggered_by|actor_label`; the names
themselves live in `tracker.vocab`, where Python code finds them too.
"""

from __future__ import annotations

from flask import Flask

from tracker import vocab


def init_app(app: Flask) -> None:
    """Register the label filters with Jinja."""
    app.jinja_env.filters["status_label"] = vocab.status_label
    app.jinja_env.filters["state_label"] = vocab.state_label
    app.jinja_env.filters["plan_status_label"] = vocab.plan_status_label
    app.jinja_env.filters["flag_label"] = vocab.flag_label
    app.jinja_env.filters["change_label"] = vocab.change_label
    app.jinja_env.filters["milestone_state_label"] = vocab.milestone_state_label
    app.jinja_env.filters["actor_label"] = vocab.actor_label
