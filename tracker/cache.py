"""Figures computed once per version of the data they depend on, in a cache that writes invalidate.

A plan's dashboard, roadmap, trends, compliance matrix and attention list change only when that
plan's data changes. So the data has versions by scope (`data_version` rows):

- "all": what every plan shows (departments, reporting periods);
- "plan:<id>": a plan, its areas, actions, milestones, baselines and its counted (submitted,
  accepted, returned...) progress updates;
- "tree:<id>": the plan's tree only (the plan, its areas, actions, participants, milestones and
  baselines), which a change of the tree advances with "plan:<id>" and a progress update does
  not: what is read from the tree alone (`remember(..., tree=True)`) outlives the quarter's
  submissions;
- "drafts:<plan id>" and "drafts:<plan id>:<department id>": drafts, which only the pages that
  show drafts depend on.

Every transaction that changes a row of a `VERSIONED` model adds one to the rows of the scopes
it touched as it commits, in the same transaction: a save in plan A never moves plan B's
version, and writers of different plans never update the same row.
`remember(name, key, compute, plan=..., drafts=...)` reads the versions of the scopes a value
depends on, once per request (without a plan, every version: the value may depend on any
plan). The store keeps one entry per name and key: the value last computed, the version it was
computed at and the time its data is as of; a value of an older version is computed again.
Entries of names and keys no longer asked for age out of the store (`CACHE_THRESHOLD`,
`CACHE_DEFAULT_TIMEOUT`).

While departments write (a quarter-end: several submissions a second in one plan), every
value of the plan would be computed afresh for each new version. So a value may lag the data by
at most `FIGURES_MAX_LAG_SECONDS` for a reader signed in by a session cookie: a request that
misses the current version may be given the entry's older value, if the data it was computed
from is at most that many seconds old, or while some thread of a process sharing the store
computes the newer one (a marker in the store says so; `_lagging`). With a store shared by
every worker (`RedisCache`), one computation per name, key and lag then serves them all.
Never to a reader who wrote since that value was computed (the session remembers when its
writes committed, `_WROTE`): everyone sees their own writes at once. The API (no session
cookie), values asked for while computing another value, and everything outside a request
always get the current version. 0 turns lagging off.

Values must be plain, immutable data (frozen dataclasses), never ORM objects: they outlive the
session that read them. The store is Flask-Caching's: one per process by default
(`SimpleCache`); `TRACKER_CACHE_TYPE=RedisCache` with `TRACKER_CACHE_REDIS_URL` shares one
between every worker (README: "Running beyond one machine").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Hashable
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, has_request_context
from flask import session as cookie_session
from flask_caching import Cache
from markupsafe import Markup
from sqlalchemy import String, cast, func, inspect, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
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
    PlanChange,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
)
from tracker.vocab import WorkflowState

T = TypeVar("T")

# What the cached figures are made of: a change to any of these advances a data version.
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
    # Every change of a plan's tree is logged, including those written without the ORM (an
    # action's participants): the log's row names the plan.
    PlanChange,
)
ALL = "all"
EVERYTHING = "*"  # the version of everything: the sum of every scope's
_VALUES = "data_versions"  # each scope's value as this request read it (in `g`)
_REMEMBERED = "remembered"  # the values this request used, by name, key and version (in `g`)
# Workflow states that only their department sees: a change among them is a draft change.
_PRIVATE = frozenset({WorkflowState.DRAFT.value})

cache = Cache()

# Threads of one process wait for the one computing a value instead of computing it again: one
# lock per key being computed, dropped once it is done. A value's computation may remember
# other values (a page's content its figures), never its own key, so the waits cannot cycle.
_guard = threading.Lock()
_computing: dict[str, threading.Lock] = {}
_CHANGED = "versioned_data_changed"
_TOUCHED = "versioned_rows_touched"
_ADVANCED = "versions_advanced"  # this transaction advanced versions (in `Session.info`)
# When the reader's last write committed (in the session cookie), and when this request began
# (in `g`): every commit before that time is in what the request reads.
_WROTE = "wrote"
_BEGAN = "began_at"
_DEPTH = "computing_depth"  # values being computed by this request (in `g`)
# A value older than the lag may still be given while a process sharing the store computes the
# newer one, up to this age: past it the reader waits for, or joins, the computation. Also how
# long a computation's marker outlives a process killed in the middle of it.
_LAG_WHILE_COMPUTING = 60
# Flask-Login's key for the user signed in by the session cookie.
_COOKIE_USER = "_user_id"


def plan_scope(plan_id: int) -> str:
    """The scope of a plan's data."""
    return f"plan:{plan_id}"


def tree_scope(plan_id: int) -> str:
    """The scope of a plan's tree (without its progress)."""
    return f"tree:{plan_id}"


def drafts_scope(plan_id: int, department_id: int | None = None) -> str:
    """The scope of a plan's drafts (of one department's when given)."""
    return f"drafts:{plan_id}" if department_id is None else f"drafts:{plan_id}:{department_id}"


def init_app(app: Flask) -> None:
    """Bind the store configured by the CACHE_* settings; advance the versions at each commit."""
    cache.init_app(app)
    listen_once(Session, "before_flush", _note_changes)
    listen_once(Session, "before_commit", _advance_versions)
    listen_once(Session, "after_commit", _note_write)
    listen_once(Session, "after_transaction_end", _transaction_ended)
    # First of the request hooks, before any of them reads the database: a request's reads
    # then see every commit made before the time it notes.
    app.before_request_funcs.setdefault(None, []).insert(0, _note_beginning)


def _scopes(
    plan: int | None, drafts: bool, department: int | None, tree: bool = False
) -> tuple[str, ...] | None:
    """The scopes a value depends on; None: every scope."""
    if plan is None:
        return None
    if tree:
        return (ALL, tree_scope(plan))
    scopes = [ALL, plan_scope(plan)]
    if department is not None:
        scopes.append(drafts_scope(plan, department))
    elif drafts:
        scopes.append(drafts_scope(plan))
    return tuple(scopes)


def data_version(
    plan: int | None = None,
    *,
    drafts: bool = False,
    department: int | None = None,
    plan_slug: str | None = None,
    tree: bool = False,
) -> str:
    """The version of the data of plan `plan` (with its drafts, or one department's; of its
    tree only with `tree`), or of the plan called `plan_slug`, or of everything when neither
    is given. Each scope's value is read once per request (the value the request started
    with, until this request commits a change), a plan's "all", "plan:" and "tree:" scopes
    together, so that a page keyed on several of them reads them in one query."""
    values: dict[str, int] = g.setdefault(_VALUES, {}) if has_request_context() else {}
    if plan is None and plan_slug is not None:
        plan = _loaded_plan_id(plan_slug) or _plan_id_reading_versions(plan_slug, values)
        if plan is None:  # no such plan (yet): keyed on everything, which its creation moves
            return data_version()
    scopes = _scopes(plan, drafts, department, tree)
    if scopes is None:
        if EVERYTHING not in values:
            total = db.session.scalar(select(func.coalesce(func.sum(DataVersion.value), 0)))
            values[EVERYTHING] = int(total or 0)
        return f"{EVERYTHING}{values[EVERYTHING]}"
    missing = [scope for scope in scopes if scope not in values]
    if missing and plan is not None:
        asked = {*missing, ALL, plan_scope(plan), tree_scope(plan)}
        rows = db.session.execute(
            select(DataVersion.scope, DataVersion.value).where(DataVersion.scope.in_(asked))
        )
        values.update(dict.fromkeys(asked, 0))
        values.update({scope: value for scope, value in rows})
    return ".".join(f"{scope}={values[scope]}" for scope in scopes)


def _loaded_plan_id(slug: str) -> int | None:
    """The id of the plan called `slug` when this session has already read it (the page's
    view usually has): its version is then read by id, with the page's other versions."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Plan):
            loaded = inspect(obj).dict  # never refresh an expired row: no query here
            if loaded.get("slug") == slug and isinstance(loaded.get("id"), int):
                return int(loaded["id"])
    return None


def _plan_id_reading_versions(slug: str, values: dict[str, int]) -> int | None:
    """The id of the plan called `slug`, None when there is none; its scopes' values (and
    everything's) go into `values`, read in the same query."""
    key = literal("plan:", String) + cast(Plan.id, String)
    tree_key = literal("tree:", String) + cast(Plan.id, String)
    rows = db.session.execute(
        select(Plan.id, DataVersion.scope, DataVersion.value)
        .select_from(Plan)
        .outerjoin(
            DataVersion,
            or_(DataVersion.scope == ALL, DataVersion.scope == key, DataVersion.scope == tree_key),
        )
        .where(Plan.slug == slug)
    ).all()
    if not rows:
        return None
    plan_id = int(rows[0][0])
    values.update(dict.fromkeys((ALL, plan_scope(plan_id), tree_scope(plan_id)), 0))
    values.update({scope: value for _, scope, value in rows if scope is not None})
    return plan_id


def remember(
    name: str,
    key: tuple[Hashable, ...],
    compute: Callable[[], T],
    *,
    plan: int | None = None,
    drafts: bool = False,
    department: int | None = None,
    plan_slug: str | None = None,
    tree: bool = False,
) -> T:
    """`compute()`, or its value for `name` and `key` at the current version of the data of
    plan `plan` (with its drafts, or department `department`'s, when the value shows them;
    of its tree only with `tree`), or of the plan called `plan_slug`, or of everything, if
    kept. A transaction that changed versioned data and has not committed yet computes
    without the cache: what it sees may still be rolled back. A new version's value takes the
    place of the older one's (one entry per name and key): a write stream would otherwise fill
    the store with pages no one will read again."""
    if db.session.info.get(_CHANGED):
        return compute()
    version = data_version(
        plan, drafts=drafts, department=department, plan_slug=plan_slug, tree=tree
    )
    what = ":".join([name, *(repr(part) for part in key)])
    full = f"{what}@{version}"
    used = request_memo(_REMEMBERED)
    if full in used:  # asked again by another part of the page: neither stored nor computed
        kept: T = used[full]
        return kept
    last = _last(what)
    if last is not None and last[2] == version:
        value: T = last[0]
    else:
        lagging = _lagging(what, last)
        if lagging is not None:  # a computation later in this request gets the current value
            value = lagging[0]
            return value
        value = _compute_once(what, version, compute)
    used[full] = value
    return value


def _last(what: str) -> tuple[Any, float, str] | None:
    """The value last computed for `what` (by any process sharing the store), the time its
    data is as of, and the version it was computed at."""
    found = cache.get(what)
    return found if isinstance(found, tuple) and len(found) == 3 else None


def _marker(what: str) -> str:
    return f"{what}@computing"


def _compute_once(what: str, version: str, compute: Callable[[], T]) -> T:
    """`compute()`'s value at `version`, kept for `what` with the time its data is as of (in
    place of the one computed for an older version) and computed by one thread of this
    process at a time: the others wait for it, or are given an older value (`_lagging`).
    While it computes, a marker in the store tells every process sharing it, whose readers
    may then be given the last value for longer than the lag instead of computing it too."""
    full = f"{what}@{version}"
    with _guard:
        lock = _computing.setdefault(full, threading.Lock())
    try:
        if not lock.acquire(blocking=False):
            lagging = _lagging(what, _last(what))  # another thread computes it
            if lagging is not None:
                value: T = lagging[0]
                return value
            lock.acquire()
        try:
            last = _last(what)
            if last is not None and last[2] == version:
                value = last[0]
                return value
            marked = cache.add(_marker(what), True, timeout=_LAG_WHILE_COMPUTING)
            try:
                value = _computed(compute)
                cache.set(what, (value, _as_of(), version))
            finally:
                if marked:
                    cache.delete(_marker(what))
        finally:
            lock.release()
    finally:
        with _guard:
            _computing.pop(full, None)
    return value


def _computed(compute: Callable[[], T]) -> T:
    """`compute()`, during which the values it asks for are never older than the data."""
    if not has_request_context():
        return compute()
    depth = g.get(_DEPTH, 0)
    setattr(g, _DEPTH, depth + 1)
    try:
        return compute()
    finally:
        setattr(g, _DEPTH, depth)


def _now() -> float:
    return time.time()


def _as_of() -> float:
    """A time the data of a value computed now is at least as new as: the beginning of the
    request, since its reads come after it; 0 outside a request, whose transaction may have
    begun any time before (such a value is never given in place of a newer one)."""
    return float(g.get(_BEGAN, 0.0)) if has_request_context() else 0.0


def _signed_in_by_cookie() -> bool:
    """True in a request whose user the session cookie signs in (never under /api/)."""
    return has_request_context() and cookie_session.get(_COOKIE_USER) is not None


def _lagging(what: str, last: tuple[Any, float, str] | None) -> tuple[Any] | None:
    """`(value,)` for the value `last` computed for `what` at an older version, when this
    request may be given it instead of the current one: the reader is signed in by a session
    cookie and has not written since the value's data was read; that data is at most
    `FIGURES_MAX_LAG_SECONDS` old, or at most `_LAG_WHILE_COMPUTING` old while some thread
    of a process sharing the store computes `what`. None otherwise."""
    lag = float(current_app.config.get("FIGURES_MAX_LAG_SECONDS", 0) or 0)
    if lag <= 0 or last is None or not _signed_in_by_cookie() or g.get(_DEPTH):
        return None
    value, as_of, _version = last
    if as_of <= float(cookie_session.get(_WROTE, 0.0)):
        return None
    age = _now() - as_of
    if age > lag and (age > _LAG_WHILE_COMPUTING or not cache.get(_marker(what))):
        return None
    return (value,)


def request_memo(name: str) -> dict[Any, Any]:
    """A dict that lives as long as the current request (in `g`), for values several parts of
    one page compute from the same inputs; outside a request, a new empty dict each time."""
    if not has_request_context():
        return {}
    memo: dict[Any, Any] = g.setdefault(f"memo:{name}", {})
    return memo


def rendered(
    name: str,
    key: tuple[Hashable, ...],
    render: Callable[[], str],
    *,
    plan: int | None = None,
    drafts: bool = False,
) -> Markup:
    """HTML from `render()`, kept per data version and language like `remember`: for page
    content whose rendering costs more than its figures. `key` must hold everything else the
    HTML depends on (the request's choices, the role when links depend on it)."""
    keyed = (*key, current_language())
    return Markup(remember(name, keyed, lambda: str(render()), plan=plan, drafts=drafts))


def _is_private(update: ProgressUpdate) -> bool:
    """True when the update was and stays in a state only its department sees."""
    history = inspect(update).attrs.state.history
    states = {*history.added, *history.unchanged, *history.deleted, update.state}
    return states <= _PRIVATE


def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    """Remember which versioned rows this transaction changes (the versions move at commit),
    and whether each progress update stays private (a draft)."""
    changed = [
        o for o in (*session.new, *session.dirty, *session.deleted) if isinstance(o, VERSIONED)
    ]
    if not changed:
        return
    session.info[_CHANGED] = True
    touched: dict[int, tuple[object, bool]] = session.info.setdefault(_TOUCHED, {})
    for obj in changed:
        private = isinstance(obj, ProgressUpdate) and _is_private(obj)
        earlier = touched.get(id(obj))
        touched[id(obj)] = (obj, private and (earlier is None or earlier[1]))


def _plans_of_actions(action_ids: Collection[int]) -> dict[int, int]:
    if not action_ids:
        return {}
    rows = db.session.execute(select(Action.id, Action.plan_id).where(Action.id.in_(action_ids)))
    return {action_id: plan_id for action_id, plan_id in rows}


def _touched_scopes(session: Session, touched: Collection[tuple[object, bool]]) -> set[str]:
    """The scopes of the rows a transaction changed (read after its last flush)."""
    scopes: set[str] = set()
    by_action: list[tuple[int | None, str | None, int | None]] = []  # action, kind, department
    forecasts: list[int] = []
    for obj, private in touched:
        if isinstance(obj, Plan):
            scopes.update((plan_scope(obj.id), tree_scope(obj.id)))
        elif isinstance(obj, StrategicArea | Action | BaselineVersion | PlanChange):
            scopes.update((plan_scope(obj.plan_id), tree_scope(obj.plan_id)))
        elif isinstance(obj, Milestone):
            by_action.append((obj.action_id, "tree", None))
        elif isinstance(obj, ProgressUpdate):
            by_action.append((obj.action_id, "draft" if private else None, obj.department_id))
        elif isinstance(obj, MilestoneForecast):
            forecasts.append(obj.update_id)
        else:  # departments, reporting periods: every plan shows them
            scopes.add(ALL)
    if forecasts:
        rows = session.execute(
            select(
                ProgressUpdate.action_id, ProgressUpdate.state, ProgressUpdate.department_id
            ).where(ProgressUpdate.id.in_(forecasts))
        )
        for of_action, state, of_department in rows:
            kind = "draft" if state in _PRIVATE else None
            by_action.append((of_action, kind, of_department))
    plans = _plans_of_actions({a for a, _, _ in by_action if a is not None})
    for action_id, kind, department_id in by_action:
        owner = plans.get(action_id) if action_id is not None else None
        if owner is None:
            scopes.add(ALL)  # deleted with its action: the action's own change names the plan
        elif kind == "draft":
            scopes.update((drafts_scope(owner), drafts_scope(owner, department_id)))
        elif kind == "tree":
            scopes.update((plan_scope(owner), tree_scope(owner)))
        else:
            scopes.add(plan_scope(owner))
    return scopes


def _advance_versions(session: Session) -> None:
    """Each touched scope's version += 1 as the last statements of a transaction that changed
    versioned data: on PostgreSQL a scope's row stays locked for the commit only, and writers
    of different plans lock different rows (in scope order, so they never deadlock)."""
    session.flush()
    if not session.info.pop(_CHANGED, False):
        return
    touched = session.info.pop(_TOUCHED, {})
    dialect = session.get_bind().dialect.name
    build = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for scope in sorted(_touched_scopes(session, touched.values())):
        stmt = build(DataVersion).values(scope=scope, value=1)
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[DataVersion.scope], set_={"value": DataVersion.value + 1}
            )
        )
    session.info[_ADVANCED] = True
    if has_app_context():
        g.pop(_VALUES, None)


def _note_beginning() -> None:
    setattr(g, _BEGAN, _now())


def _note_write(session: Session) -> None:
    """A browser's session remembers when its last write to versioned data committed: it is
    never given a value computed from data older than that (`_lagging`)."""
    if session.info.pop(_ADVANCED, False) and _signed_in_by_cookie():
        cookie_session[_WROTE] = _now()


def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_TOUCHED, None)
        session.info.pop(_ADVANCED, None)
