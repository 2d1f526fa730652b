"""Backups: a consistent copy taken while the app writes, restored into an empty database."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import make_user
from tests.factories.reports import SLUG, YEAR, build_plan
from tracker.extensions import db
from tracker.models import AuditEvent, ReportFile, Role
from tracker.reports import service
from tracker.services.audit.events import add_event
from tracker.services.operations import backup as backups


def _report_checksums(app: Flask) -> dict[str, str]:
    """{file name: SHA-256 of its bytes}, after checking each against its stored SHA-256."""
    with app.app_context():
        files = db.session.scalars(select(ReportFile)).all()
        sums = {f.filename: hashlib.sha256(f.content).hexdigest() for f in files}
        assert sums == {f.filename: f.sha256 for f in files}
        return sums


class Writer(threading.Thread):
    """Writes pairs of audit events, each pair in one transaction, until stopped."""

    def __init__(self, app: Flask) -> None:
        super().__init__(daemon=True)
        self.app, self.stop, self.written, self.error = app, threading.Event(), 0, None
        self.started = threading.Event()

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    seq = self.written + 1
                    for half in (1, 2):
                        add_event(
                            "drill.write", actor_label="writer", detail={"seq": seq, "half": half}
                        )
                    db.session.commit()
                    self.written = seq
                    if seq >= 20:
                        self.started.set()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
            self.started.set()


def _pairs(app: Flask) -> list[tuple[int, int]]:
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "drill.write")
        ).all()
        return sorted((e.detail["seq"], e.detail["half"]) for e in events)


def test_backup_while_writing_then_restore(app: Flask, restored_app: Flask, tmp_path: Path) -> None:
    build_plan(app)
    make_user(app, Role.PLANNER, "planner@example.gc.ca")
    with app.app_context():
        service.generate_annual_report(SLUG, YEAR, "scheduler")
    checksums = _report_checksums(app)
    writer = Writer(app)
    writer.start()
    assert writer.started.wait(60)
    path = tmp_path / "tracker.backup"
    with app.app_context():
        written_before = writer.written
        result = backups.backup_database(path)
    written_after = writer.written
    writer.stop.set()
    writer.join(30)
    assert writer.error is None
    assert written_after > written_before or written_before > 0

    with restored_app.app_context():
        rows = backups.restore_database(path)
    assert rows == result.rows
    pairs = _pairs(restored_app)
    seqs = sorted({seq for seq, _half in pairs})
    # one instant: every transaction whole, none missing before the last one copied
    assert pairs == [(s, h) for s in seqs for h in (1, 2)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert written_before <= len(seqs) <= written_after + 1
    assert _report_checksums(restored_app) == checksums
    if restored_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with restored_app.app_context():
            assert db.session.execute(db.text("PRAGMA integrity_check")).scalar() == "ok"
            assert db.session.execute(db.text("PRAGMA foreign_key_check")).all() == []


def test_restore_refuses_a_database_with_data(app: Flask, tmp_path: Path) -> None:
    make_user(app, Role.PLANNER, "planner@example.gc.ca")
    path = tmp_path / "tracker.backup"
    with app.app_context():
        backups.backup_database(path)
        before = backups.table_rows(db.engine)
        with pytest.raises(backups.BackupError, match="holds data"):
            backups.restore_database(path)
        assert backups.table_rows(db.engine) == before


def test_backup_refuses_to_overwrite(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "exists.backup"
    path.write_bytes(b"keep me")
    with app.app_context(), pytest.raises(backups.BackupError, match="already exists"):
        backups.backup_database(path)
    assert path.read_bytes() == b"keep me"


def test_restore_refuses_a_file_that_is_not_a_backup(restored_app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "not.backup"
    path.write_bytes(b"hello")
    with restored_app.app_context(), pytest.raises(backups.BackupError, match="is not a"):
        backups.restore_database(path)


def test_cli_backup_and_restore(app: Flask, restored_app: Flask, tmp_path: Path) -> None:
    make_user(app, Role.PLANNER, "planner@example.gc.ca")
    path = tmp_path / "cli.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    refused = app.test_cli_runner().invoke(args=["restore", str(path)])
    assert refused.exit_code == 1 and "holds data" in refused.output
    restored = restored_app.test_cli_runner().invoke(args=["restore", str(path)])
    assert restored.exit_code == 0, restored.output
    with restored_app.app_context():
        emails = db.session.scalars(select(db.text("email FROM user_account"))).all()
    assert emails == ["planner@example.gc.ca"]
