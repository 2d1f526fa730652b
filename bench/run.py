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
from dataclasses import asdict
from pathlib import Path

from bench import report as table
from bench.burst import count_lost, reset_burst, run_burst
from bench.client import Client, Load, run_load
from bench.content import PASSWORD, burst_slots
from bench.dataset import build, default_url
from bench.generate import PLAN_SLUG, SMALL, Scale
from bench.pages import ACCOUNTS, TRIVIAL, api_token, available, query_counts
from tracker import create_app

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
SLOW_SECONDS = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, today: str) -> tuple[subprocess.Popen[bytes], float]:
    """gunicorn with the production config file on loopback; seconds until /login answers."""
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "TRACKER_ENV": "production",
           "TRACKER_SECRET_KEY": secrets.token_urlsafe(40), "TRACKER_TODAY": today,
           "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESS_LOG": str(ROOT / "bench" / "data" / "access.log")}  # fmt: skip
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
         "tracker:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=open(ROOT / "bench" / "data" / "gunicorn.log", "wb"),  # noqa: SIM115
    )  # fmt: skip
    client = Client(port)
    while time.perf_counter() - started < 120:
        try:
            if client.get("/login").status == 200:
                return server, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
        if server.poll() is not None:
            break
    server.kill()
    raise RuntimeError("gunicorn did not serve /login; see bench/data/gunicorn.log")


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
    args = parser.parse_args()
    scale = SMALL if args.small else Scale()
    url = default_url()
    (ROOT / "bench" / "data").mkdir(exist_ok=True)
    marker = build(url, scale)
    quarter = scale.quarters[-1]
    slots = burst_slots(scale.departments, scale.actions, scale.burst_users)
    app = create_app({"DATABASE_URL": url, "TODAY": marker.today})
    reset_burst(app, slots, quarter)
    pages, missing = available(app)
    queries = query_counts(app, pages)
    port = free_port()
    server, cold = start_server(url, port, marker.today)
    try:
        clients = {"anonymous": Client(port), "api": Client(port, bearer=api_token(app))}
        for role, email in ACCOUNTS.items():
            clients[role] = Client(port)
            clients[role].login(email, PASSWORD)
        loads = {}
        for page in [*pages, table.trivial_page()]:
            loads[page.label] = measure(clients[page.role], page.path, args)
        burst = run_burst(port, slots, quarter)
        burst.lost = count_lost(app, slots, quarter)
        memory = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    reset_burst(app, slots, quarter)
    probe = report_probe(url, scale.quarters[-1].year, marker.today)
    text = table.render(
        table.Context(marker=asdict(marker), dialect=url.split(":", 1)[0].split("+")[0],
                      machine=f"{platform.machine()}, {os.cpu_count()} cores, "
                              f"Python {platform.python_version()}",
                      connections=CONNECTIONS),
        pages, missing, queries, loads, TRIVIAL[0], burst, probe, cold, memory,
    )  # fmt: skip
    print(text)
    table.save(ROOT / "bench" / "results.md", text, small=args.small)


if __name__ == "__main__":
    main()
