"""Pieces behind the browser-test fixtures: the live server, offline routing and axe reports."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Route

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A package file as a CDN serves it: /npm/<package>@<version>/<path>. Matched on the path
# alone, so the tests work whichever CDN a template names, and never reach it.
NPM_PATH = re.compile(r"^/npm/(?P<package>(?:@[^/@]+/)?[^/@]+)@(?P<version>[^/]+)/(?P<path>.+)$")


def in_ci() -> bool:
    """True in continuous integration, where a skipped browser test counts as a failure."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def free_port() -> int:
    """A TCP port on the loopback interface that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    """The environment of the server and its CLI commands: our database, a test secret."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env.update(
        TRACKER_DATABASE_URL=database_url,
        TRACKER_SECRET_KEY="e2e-secret-key-only-for-the-browser-tests",
        TRACKER_ENV="development",
        # Every browser test signs in from 127.0.0.1; the sign-in limit per address (tested in
        # tests/auth) would refuse the tenth within a minute when the tests run fast.
        TRACKER_LOGIN_RATE_LIMIT="1000 per minute",
        FLASK_APP="tracker",
        PYTHONUNBUFFERED="1",
    )
    return env


def flask(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run `flask --app tracker ARGS` and return its output; a failure says what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tracker", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class LiveServer:
    """The application served by gunicorn on a free loopback port."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop gunicorn and its workers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(env: dict[str, str], log_path: Path, timeout: float = 30.0) -> LiveServer:
    """Start gunicorn and wait until /healthz answers 200."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--timeout",
        "60",
        "tracker:create_app()",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"/healthz did not answer within {timeout:.0f}s:\n{server.log()}")


@dataclass
class OfflineRouter:
    """Route a page's requests: same origin passes, CDN package files come from node_modules.

    Anything else is aborted and remembered, so a test can fail on a page that needs the internet.
    """

    origin: str
    blocked: list[str] = field(default_factory=list)

    def __call__(self, route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
            return
        local, problem = npm_file(parts.path)
        if local is not None:
            route.fulfill(path=local)
            return
        self.blocked.append(f"{url} ({problem})" if problem else url)
        route.abort()


def npm_file(path: str) -> tuple[Path | None, str | None]:
    """The node_modules file for a CDN path `/npm/<package>@<version>/<file>`, or why not."""
    match = NPM_PATH.match(path)
    if match is None:
        return None, None
    package_dir = NODE_MODULES / match["package"]
    manifest = package_dir / "package.json"
    if not manifest.is_file():
        return None, f"{match['package']} is not in package.json; run `npm ci`"
    installed = json.loads(manifest.read_text())["version"]
    if installed != match["version"]:
        return None, f"page asks for {match['version']}, package.json pins {installed}"
    local = (package_dir / match["path"]).resolve()
    if not local.is_relative_to(package_dir.resolve()) or not local.is_file():
        return None, f"no file {match['path']} in {match['package']}"
    return local, None


def axe_report(url: str, violations: list[dict[str, Any]]) -> str:
    """A readable list of axe violations: rule, impact, help, and each offending element."""
    lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f" [{violation.get('helpUrl', '')}]"
        )
        for node in violation["nodes"]:
            target = ", ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}: {node.get('html', '')[:200]}")
            summary = node.get("failureSummary", "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)
