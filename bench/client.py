"""A small HTTP client for the bench: sessions with cookies, CSRF tokens, and a load runner.

Standard library only (http.client and threads): each thread keeps its own keep-alive
connection, like a browser tab.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from http.client import HTTPConnection, HTTPException
from urllib.parse import urlencode

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
HIDDEN_RE = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME_RE = re.compile(r'name="([^"]+)"')
VALUE_RE = re.compile(r'value="([^"]*)"')


@dataclass
class Reply:
    status: int
    location: str
    body: str


@dataclass
class Client:
    """One user's session on the server at host:port (the session cookie is kept by hand, so
    that the production config's Secure cookies work over plain loopback HTTP)."""

    port: int
    host: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    bearer: str | None = None  # an API token, sent as `Authorization: Bearer`
    _local: threading.local = field(default_factory=threading.local)

    def _conn(self) -> HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = HTTPConnection(self.host, self.port, timeout=60)
            self._local.conn = conn
        return conn

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, keep_cookies: bool = True
    ) -> Reply:
        """Send one request on this thread's connection (reconnecting once if it was closed);
        `keep_cookies=False` leaves the session as it was (see `post`)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            conn = self._conn()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read().decode("utf-8", "replace")
                break
            except (HTTPException, OSError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if keep_cookies and name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return Reply(response.status, response.getheader("Location") or "", data)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str], keep_cookies: bool = True) -> Reply:
        """POST a form. A browser follows a save's redirect, whose page takes the save's flash
        message out of the session; a client that posts again and again without doing so
        (`keep_cookies=False`: the session cookie of the reply is dropped instead) would send
        a cookie one message longer each time."""
        return self.request("POST", path, form, keep_cookies)

    def login(self, email: str, password: str) -> None:
        """Sign in through the real login form; raise if it does not redirect."""
        token = csrf_token(self.get("/login").body)
        reply = self.post("/login", {"csrf_token": token, "email": email, "password": password})
        if reply.status != 302:
            raise RuntimeError(f"login of {email} failed: HTTP {reply.status}")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on the page."""
    match = CSRF_RE.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return next(group for group in match.groups() if group)


def hidden_fields(html: str) -> dict[str, str]:
    """Every hidden input of the page, by name."""
    found = {}
    for tag in HIDDEN_RE.findall(html):
        name, value = NAME_RE.search(tag), VALUE_RE.search(tag)
        if name:
            found[name.group(1)] = value.group(1) if value else ""
    return found


@dataclass
class Load:
    """Latencies (seconds) of the successful requests, errors, and the wall time they took."""

    latencies: list[float]
    errors: int
    elapsed: float

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1]


def run_load(client: Client, path: str, connections: int, requests: int, seconds: float) -> Load:
    """GET `path` from `connections` threads until `requests` are done or `seconds` pass."""
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    budget = [requests]
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            started = time.perf_counter()
            try:
                ok = client.get(path).status == 200
            except (HTTPException, OSError):
                ok = False
            took = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(took)
                else:
                    errors += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(latencies, errors, time.perf_counter() - started)
