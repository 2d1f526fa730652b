"""Production gunicorn settings: `gunicorn -c gunicorn.conf.py 'tracker:create_app()'`.

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS, ...), so
the same file serves one small machine, a large one and the benchmark (bench/run.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip().isdigit() else default


_cores = multiprocessing.cpu_count()

# Behind a reverse proxy on the same host; set 0.0.0.0:8000 only behind a firewall.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Pages spend most of their time in Python, so processes give the parallelism: two per core plus
# one (gunicorn's advice), capped so that a big machine does not multiply memory. Threads cover
# the time spent waiting on the database or on slow clients. (Three workers instead of five on
# two cores measured the same within the bench's noise, bench/README.md.)
workers = _int("GUNICORN_WORKERS", min(2 * _cores + 1, 12))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)

# A request that takes longer than this is stuck; the annual report runs in the scheduler
# process or the CLI, not in a request.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so that a slow leak or fragmentation never grows unbounded; the
# jitter keeps them from restarting all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)

# Load the application once in the master: faster start, memory shared until written.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"

# Access log to stdout ("-") by default, with the request time in microseconds (%(D)s).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn's control socket (`gunicornc`) is off: one shared path would clash between several
# servers on a host, and nothing here uses it.
control_socket_disable = True

# The proxy in front terminates TLS; trust its X-Forwarded-* headers only from loopback.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


# A full page builds tens of thousands of short-lived objects: collect the young generation
# every GC_YOUNG allocations instead of Python's 700, so that a request is not interrupted by
# collections that find nothing to free.
GC_THRESHOLDS = (_int("GUNICORN_GC_YOUNG", 10_000), 20, 20)


def pre_fork(server: object, worker: object) -> None:
    """Move what the master built (the application, its modules) out of the collector's sight
    before forking: a worker's full collections then skip those objects, and do not write to
    them, so their pages stay shared with the master (Python's `gc.freeze` advice)."""
    gc.freeze()


def post_fork(server: object, worker: object) -> None:
    """Each worker opens its own database connections: never share the master's."""
    from tracker.extensions import db

    gc.set_threshold(*GC_THRESHOLDS)

    app = getattr(server, "app", None)
    wsgi = getattr(app, "callable", None)
    if wsgi is not None and "sqlalchemy" in getattr(wsgi, "extensions", {}):
        with wsgi.app_context():
            db.engine.dispose(close=False)
