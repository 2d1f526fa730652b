"""Figures computed once per version of the data, in a cache that every write invalidates.

A plan's dashboard, roadmap, trends, compliance matrix and attention list aggregate hundreds of
thousands of updates, yet they change only when plan or progress data changes. So:

- every transaction that adds, changes or deletes a row of a `VERSIONED` model adds one to the
  single row of `data_version` as it commits, in the same transaction: the number changes
  exactly when committed data the pages aggregate changes, whichever worker, process or
  machine wrote;
- `remember(name, key, compute)` keys a value with that number, read once per request: after a
  commit the next request reads the new number and computes afresh. Old entries are never read
  again and age out of the store (`CACHE_THRESHOLD`, `CACHE_DEFAULT_TIMEOUT`).

Values must be plain, immutable data (frozen dataclasses), never ORM objects: they outlive the
session that read them. The store is Flask-Caching's: one per process by default
(`SimpleCache`); `TRACKER_CACHE_TYPE=RedisCache` with `TRACKER_CACHE_REDIS_URL` shares one
between every worker (README: "Running beyond one machine").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Flask, g, has_app_context, has_request_context
from flask_caching import Cache
from markupsafe import Markup
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from tracker.db import listen_once
from tracker.extensions import db
from tracker.i18n import current_language
from tracker.models import (
    Action,
    BaselineVersion,
    DataVersion,
    Department,
    Milestone,
    MilestoneForecast,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
)
from tracker.models.data_version import SINGLE_ROW

T = TypeVar("T")

# What the cached figures are made of: a change to any of these advances the data version.
VERSIONED = (
    Plan,
    StrategicArea,
    Action,
    Milestone,
    Department,
    ReportingPeriod,
    ProgressUpdate,
    MilestoneForecast,
    BaselineVersion,
)

cache = Cache()

# Threads of one process wait for the one computing a value instead of computing it again: one
# lock per key being computed, dropped once it is done. A value's computation may remember
# other values (a page's content its figures), never its own key, so the waits cannot cycle.
_guard = threading.Lock()
_computing: dict[str, threading.Lock] = {}
_CHANGED = "versioned_data_changed"


def init_app(app: Flask) -> None:
    """Bind the store configured by the CACHE_* settings; advance the version at each commit."""
    cache.init_app(app)
    listen_once(Session, "before_flush", _note_changes)
    listen_once(Session, "before_commit", _advance_version)
    listen_once(Session, "after_transaction_end", _transaction_ended)


def data_version() -> int:
    """The current data version; read once per request (the value the request started with)."""
    if has_request_context() and "data_version" in g:
        return int(g.data_version)
    value = db.session.scalar(select(DataVersion.value).where(DataVersion.id == SINGLE_ROW)) or 0
    if has_request_context():
        g.data_version = value
    return value


def remember(name: str, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or its value for `name` and `key` at the current data version if kept.
    A transaction that changed versioned data and has not committed yet computes without the
    cache: what it sees may still be rolled back."""
    if db.session.info.get(_CHANGED):
        return compute()
    full = ":".join([name, str(data_version()), *(repr(part) for part in key)])
    found = cache.get(full)
    if found is None:
        with _guard:
            lock = _computing.setdefault(full, threading.Lock())
        try:
            with lock:
                found = cache.get(full)
                if found is None:
                    found = (compute(),)  # a tuple, so that None can be kept too
                    cache.set(full, found)
        finally:
            with _guard:
                _computing.pop(full, None)
    value: T = found[0]
    return value


def rendered(name: str, key: tuple[Hashable, ...], render: Callable[[], str]) -> Markup:
    """HTML from `render()`, kept per data version and language like `remember`: for page
    content whose rendering costs more than its figures. `key` must hold everything else the
    HTML depends on (the request's choices, the role when links depend on it)."""
    return Markup(remember(name, (*key, current_language()), lambda: str(render())))


def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Remember that this transaction changes versioned data (the version moves at commit)."""
    if not session.info.get(_CHANGED):
        changed = (*session.new, *session.dirty, *session.deleted)
        if any(isinstance(obj, VERSIONED) for obj in changed):
            session.info[_CHANGED] = True


def _advance_version(session: Session) -> None:
    """data_version.value += 1 as the last statement of a transaction that changed versioned
    data: on PostgreSQL the row stays locked for the commit only, so concurrent writers do
    not queue behind each other's whole transaction."""
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    bumped = session.execute(
        update(DataVersion)
        .where(DataVersion.id == SINGLE_ROW)
        .values(value=DataVersion.value + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(bumped, "rowcount", 1) == 0:  # the row was emptied (a truncated test database)
        session.execute(insert(DataVersion).values(id=SINGLE_ROW, value=1))
    if has_app_context():
        g.pop("data_version", None)


def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
