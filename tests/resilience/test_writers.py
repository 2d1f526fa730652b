"""Fault drill: several processes save the same update at once, on SQLite and PostgreSQL.
Nothing is lost (every save is one revision, in order) and no one sees "database is locked"."""

from __future__ import annotations

import dataclasses
import json
import sys

from flask import Flask
from sqlalchemy import select

from tests.factories.updates import build_world
from tests.resilience.test_kills import Process, drill_env
from tests.updates.helpers import World
from tracker.extensions import db
from tracker.models import ProgressUpdate, Revision

WRITERS = 4
SAVES = 8


def test_writers_in_several_processes_lose_nothing(app: Flask) -> None:
    world: World = build_world(app)
    env = drill_env(
        app,
        TRACKER_TODAY=app.config["TODAY"],
        DRILL_WORLD=json.dumps(dataclasses.asdict(world)),
        DRILL_SAVES=str(SAVES),
    )
    writers = [
        Process([sys.executable, "-m", "tests.resilience.launch", "writer"], env)
        for _ in range(WRITERS)
    ]
    try:
        for writer in writers:
            writer.popen.wait(600)
        outputs = [writer.output() for writer in writers]
    finally:
        for writer in writers:
            writer.close()
    assert not any("database is locked" in out for out in outputs), outputs
    results = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    assert [r["problems"] for r in results] == [[]] * WRITERS
    saved = [text for r in results for text in r["saved"]]
    assert len(saved) == WRITERS * SAVES

    with app.app_context():
        update = db.session.scalars(select(ProgressUpdate)).one()
        revisions = db.session.scalars(
            select(Revision).where(Revision.update_id == update.id).order_by(Revision.number)
        ).all()
        assert update.version == len(saved)
        assert [r.number for r in revisions] == list(range(1, len(saved) + 1))
        assert sorted(r.snapshot["accomplishments"] for r in revisions) == sorted(saved)
        assert update.accomplishments == revisions[-1].snapshot["accomplishments"]
