"""`make bench`: build or reuse the dataset, serve it with gunicorn, measure, print one table.

    python -m bench.run [--small] [--requests N] [--seconds S]

SQLite in bench/data/ by default; PostgreSQL when TRACKER_DATABASE_URL is set (use a database
of its own, never the test database). The table is also written to bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Flask

from bench import report as table
from bench.burst import count_lost, reset_burst, run_arrival, run_burst
from bench.client import Client, Load, run_load
from bench.content import PASSWORD, burst_slots
from bench.dataset import build, default_url
from bench.generate import PLAN_SLUG, SMALL, Scale
from bench.pages import ACCOUNTS, api_token, available, query_counts
from bench.writes import WriteStream, free_slots, measure_saves
from tracker import create_app
from tracker.fiscal import FiscalQuarter

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
SLOW_SECONDS = 1.0
# The write stream: department updates started per second while planner pages are read, for
# STREAM_SECONDS per page; WRITE_SLOTS empty (action, department) pairs cover the whole run.
WRITE_RATE = 10.0
STREAM_SECONDS = 10.0
WRITE_SLOTS = 1200
SAVE_SLOTS = 16  # one thread per slot saving its draft again and again
# The miss path: these pages and API reads again on a server with the cache disabled.
MISS_PAGES = ("plan dashboard", "roadmap", "trends", "compliance", "attention", "action page",
              "API: plan", "API: action", "API: updates", "API: periods")  # fmt: skip
ALONE_REQUESTS = 20  # each miss page again, one request at a time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, today: str, app_spec: str = "tracker:create_app()",
                 extra_env: dict[str, str] | None = None,
                 ready: str = "/login") -> tuple[subprocess.Popen[bytes], float]:  # fmt: skip
    """gunicorn with the production config file on loopback; seconds until `ready` answers."""
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_ENV": "production",
           "TRACKER_SECRET_KEY": secrets.token_urlsafe(40), "TRACKER_TODAY": today,
           "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESS_LOG": str(ROOT / "bench" / "data" / "access.log"),
           # Hundreds of simulated users sign in from this one loopback address: the per-address
           # sign-in limit (meant for one client guessing) would refuse them.
           "TRACKER_LOGIN_RATE_LIMIT": "100000 per minute",
           # Likewise the API's limits per token and per address: the bench reads the API with
           # one token from one address faster than a script is allowed to.
           "TRACKER_API_RATELIMIT_PER_TOKEN": "1000000 per minute",
           "TRACKER_API_RATELIMIT_PER_IP": "1000000 per minute",
           **(extra_env or {})}  # fmt: skip
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
         app_spec],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "bench" / "data" / "gunicorn.log", "ab"),  # noqa: SIM115
    )  # fmt: skip
    client = Client(port)
    while time.perf_counter() - started < 120:
        try:
            if client.get(ready).status == 200:
                return server, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
        if server.poll() is not None:
            break
    server.kill()
    raise RuntimeError(f"gunicorn did not serve {ready}; see bench/data/gunicorn.log")


Served = tuple[int, subprocess.Popen[bytes], float]


@contextmanager
def serving(url: str, today: str, **options: Any) -> Iterator[Served]:
    """A gunicorn server on a free port for the block: (port, process, cold start seconds)."""
    port = free_port()
    server, cold = start_server(url, port, today, **options)
    try:
        yield port, server, cold
    finally:
        server.terminate()
        server.wait(timeout=60)


def signed_in(port: int, app: Flask) -> dict[str, Client]:
    """A client per role on the server at `port`: anonymous, the API token, each account."""
    clients = {"anonymous": Client(port), "api": Client(port, bearer=api_token(app))}
    for role, email in ACCOUNTS.items():
        clients[role] = Client(port)
        clients[role].login(email, PASSWORD)
    return clients


def worker_rss_mb(master: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master), from /proc."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def report_probe(url: str, year: int, today: str) -> dict[str, float] | None:
    """Generate one yearly report in a subprocess; None when the reports service is missing."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.report_probe", url, PLAN_SLUG, str(year), today],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        return {"error": 1.0}
    found = json.loads(lines[-1])
    return found if found.get("available") else None


def measure(client: Client, path: str, args: argparse.Namespace) -> Load:
    """Warm up, then load the page. A page that takes seconds gets one round of concurrent
    requests only, so that a slow page cannot hold the whole bench for an hour."""
    warm = run_load(client, path, 1, 3, args.seconds)
    slow = warm.percentile(50) > SLOW_SECONDS
    if not slow:
        run_load(client, path, CONNECTIONS, CONNECTIONS * 2, 10)
    requests = CONNECTIONS if slow else args.requests
    return run_load(client, path, CONNECTIONS, requests, args.seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="tiny dataset, to try the harness")
    parser.add_argument("--requests", type=int, default=800, help="requests per page at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per page at most")
    parser.add_argument("--arrival", type=float, default=60.0,
                        help="seconds over which the quarter-end users arrive")  # fmt: skip
    args = parser.parse_args()
    scale = SMALL if args.small else Scale()
    url = default_url()
    (ROOT / "bench" / "data").mkdir(exist_ok=True)
    marker = build(url, scale)
    quarter = scale.quarters[-1]
    app = create_app({"DATABASE_URL": url, "TODAY": marker.today})
    burst = burst_slots(scale.departments, scale.actions, scale.burst_users)
    spare = free_slots(app, quarter, {(s.action_id, s.department_id) for s in burst},
                       WRITE_SLOTS + SAVE_SLOTS, scale.departments, scale.actions)  # fmt: skip
    saving, streaming = spare[:SAVE_SLOTS], spare[SAVE_SLOTS:]
    everything = [*burst, *spare]
    reset_burst(app, everything, quarter)
    pages, missing = available(app)
    queries = query_counts(app, pages)
    result = table.Result(pages=pages, missing=missing, queries=queries)
    try:
        with serving(url, marker.today) as (port, server, cold):
            result.cold = cold
            clients = signed_in(port, app)
            for page in [*pages, table.trivial_page()]:
                result.loads[page.label] = measure(clients[page.role], page.path, args)
            result.saves = measure_saves(port, saving, quarter, args.seconds)
            planner_pages = [page for page in pages if page.role == "planner"]
            with WriteStream(port, streaming, quarter, WRITE_RATE) as stream:
                for page in planner_pages:
                    result.during[page.label] = run_load(clients[page.role], page.path,
                                                         CONNECTIONS, args.requests,
                                                         STREAM_SECONDS)  # fmt: skip
            result.stream = stream_summary(app, stream, quarter)
            result.burst = run_burst(port, burst, quarter)
            result.burst.lost = count_lost(app, burst, quarter)
            reset_burst(app, burst, quarter)
            result.arrival = run_arrival(port, burst, quarter, args.arrival)
            result.arrival.lost = count_lost(app, burst, quarter)
            result.memory = worker_rss_mb(server.pid)
        with serving(url, marker.today, extra_env={"TRACKER_CACHE_TYPE": "NullCache"}) as (
            port,
            _server,
            _cold,
        ):
            clients = signed_in(port, app)
            for page in pages:
                if page.label in MISS_PAGES:
                    result.misses[page.label] = measure(clients[page.role], page.path, args)
                    result.alone[page.label] = run_load(clients[page.role], page.path, 1,
                                                        ALONE_REQUESTS, args.seconds)  # fmt: skip
        with serving(url, marker.today, app_spec="bench.bare:app", ready="/hello") as (
            port,
            _server,
            _cold,
        ):
            result.bare = measure(Client(port), "/hello", args)
    finally:
        reset_burst(app, everything, quarter)
    result.probe = report_probe(url, scale.quarters[-1].year, marker.today)
    text = table.render(
        table.Context(marker=asdict(marker), dialect=url.split(":", 1)[0].split("+")[0],
                      machine=f"{platform.machine()}, {os.cpu_count()} cores, "
                              f"Python {platform.python_version()}",
                      connections=CONNECTIONS),
        result,
    )  # fmt: skip
    print(text)
    table.save(ROOT / "bench" / "results.md", text, small=args.small)


def stream_summary(app: Flask, stream: WriteStream, quarter: FiscalQuarter) -> table.Stream:
    """What the write stream did: updates started, errors, lost, and its achieved rate."""
    used = stream.used
    lost = count_lost(app, used, quarter)
    return table.Stream(len(used), stream.elapsed, len(stream.tally.problems), lost,
                        stream.tally.problems)  # fmt: skip


if __name__ == "__main__":
    main()
