"""Helpers for the hostile tests: a fingerprint of every table, to prove nothing changed."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from tracker.extensions import db


def table_counts(app: Flask, exclude: set[str] | None = None) -> dict[str, int]:
    """Rows per table (less `exclude`)."""
    with app.app_context():
        return {
            name: int(db.session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in db.metadata.tables.items()
            if name not in (exclude or set())
        }
