"""Two app servers (gunicorn, two workers each) and two schedulers on one PostgreSQL database,
with Redis for the shared rate limits and cache: what one server does holds on the other."""

from __future__ import annotations

import re
import signal
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.factories.reports import build_plan
from tests.factories.updates import DEPT_EMAIL, PLANNER_EMAIL, TODAY, build_world
from tests.resilience.test_kills import Process, drill_env
from tests.updates.helpers import World, form_data
from tracker.extensions import db
from tracker.models import AnnualReport, JobRun, Plan

pytestmark = pytest.mark.postgres

REDIS_URL = "redis://127.0.0.1:6379/5"  # database 5: this drill's own
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _up(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def site(app: Flask) -> Iterator[tuple[World, list[str], list[Process]]]:
    """The data, two servers' base URLs and the two scheduler processes."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    build_plan(app)  # plan "rep": its 2024-25 report is due
    world = build_world(app)
    prefix = f"hard-drill-{uuid.uuid4().hex[:8]}"
    env = drill_env(
        app,
        TRACKER_TODAY=TODAY,
        TRACKER_RATELIMIT_ENABLED="true",
        TRACKER_RATELIMIT_STORAGE_URL=REDIS_URL,
        TRACKER_RATELIMIT_KEY_PREFIX=prefix,
        TRACKER_LOGIN_RATE_LIMIT="6 per minute",
        TRACKER_CACHE_TYPE="RedisCache",
        TRACKER_CACHE_REDIS_URL=REDIS_URL,
        TRACKER_CACHE_KEY_PREFIX=f"{prefix}:",
        # Every reader sees a write at once (tests/test_cache.py shows the lag).
        TRACKER_FIGURES_MAX_LAG_SECONDS="0",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    flask = str(Path(sys.executable).with_name("flask"))
    processes, urls = [], []
    try:
        for _ in range(2):
            port = _free_port()
            args = [gunicorn, "-c", "gunicorn.conf.py", "tracker:create_app()"]
            processes.append(Process(args, {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}))
            urls.append(f"http://127.0.0.1:{port}")
        schedulers = [
            Process([flask, "--app", "tracker", "scheduler", "run"], env) for _ in range(2)
        ]
        processes += schedulers
        deadline = time.monotonic() + 120
        while not all(_up(url) for url in urls):
            assert time.monotonic() < deadline, [p.output() for p in processes]
            time.sleep(0.5)
        yield world, urls, schedulers
    finally:
        for process in processes:
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
                try:
                    process.popen.wait(30)
                except Exception:  # noqa: BLE001 - killed below
                    pass
            process.close()
        keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")
        if keys:
            redis.Redis.from_url(REDIS_URL).delete(*keys)


def _sign_in(http: requests.Session, url: str, email: str, password: str = PASSWORD) -> int:
    token = CSRF_RE.search(http.get(f"{url}/login").text)
    assert token is not None
    data = {"email": email, "password": password, "csrf_token": token.group(1)}
    return http.post(f"{url}/login", data=data, allow_redirects=False).status_code


def test_two_servers_share_sessions_limits_cache_and_one_report(
    app: Flask, site: tuple[World, list[str], list[Process]]
) -> None:
    world, (a, b), schedulers = site

    # A session made on A works on B.
    planner = requests.Session()
    assert _sign_in(planner, a, PLANNER_EMAIL) == 302
    page = planner.get(f"{b}/review/", allow_redirects=False)
    assert page.status_code == 200
    assert world.action_code not in page.text  # nothing submitted yet; B caches this page

    # A write on A is on B's cached page at once.
    dept = requests.Session()
    assert _sign_in(dept, a, DEPT_EMAIL) == 302
    form = dept.get(f"{a}{world.form_url}").text
    token = CSRF_RE.search(form)
    assert token is not None
    data = {**form_data(world, intent="send"), "csrf_token": token.group(1)}
    assert dept.post(f"{a}{world.form_url}", data=data, allow_redirects=False).status_code == 302
    assert world.action_code in planner.get(f"{b}/review/").text

    # The sign-in limit counts on both: 6 a minute from this address, wherever they land.
    codes = [
        _sign_in(requests.Session(), (a, b)[n % 2], f"guess{n}@example.gc.ca", "x" * 12)
        for n in range(6)
    ]
    assert codes == [401, 401, 401, 401, 429, 429]  # 2 sign-ins above + 4 guesses = 6

    # Two schedulers caught up at start: exactly one report of the year in each language.
    def report_run_done() -> bool:
        with app.app_context():
            db.session.expire_all()
            outcomes = db.session.scalars(
                select(JobRun.outcome).where(JobRun.key.startswith("yearly-report:rep:2024:"))
            ).all()
            return sorted(outcomes) == ["succeeded", "succeeded"]

    deadline = time.monotonic() + 180
    while not report_run_done():
        assert time.monotonic() < deadline, [s.output() for s in schedulers]
        time.sleep(0.5)
    with app.app_context():
        rep = db.session.scalars(select(Plan).where(Plan.slug == "rep")).one()
        counts = db.session.execute(
            select(
                AnnualReport.plan_id, AnnualReport.fiscal_year, AnnualReport.language, func.count()
            ).group_by(AnnualReport.plan_id, AnnualReport.fiscal_year, AnnualReport.language)
        ).all()
    found = [tuple(row) for row in counts]
    assert (rep.id, 2024, "en", 1) in found and (rep.id, 2024, "fr", 1) in found
    assert all(n == 1 for *_key, n in found)
