"""Time one yearly report in a fresh process: `python -m bench.report_probe URL SLUG YEAR TODAY`.

Prints one JSON line: seconds and the process's peak RSS. A separate process keeps the bench's
own memory out of the figures. No tracemalloc: tracing every allocation would make the timed
run two to three times slower than a real one.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time


def main() -> None:
    url, slug, year, today = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    try:
        module = importlib.import_module("tracker.reports.service")
        generate = module.generate_annual_report
    except (ImportError, AttributeError):
        print(json.dumps({"available": False}))
        return
    from tracker import create_app

    app = create_app({"DATABASE_URL": url, "TODAY": today})
    with app.app_context():
        started = time.perf_counter()
        generate(plan_slug=slug, fiscal_year=year, triggered_by="bench")
        seconds = time.perf_counter() - started
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"available": True, "seconds": seconds, "max_rss_mb": rss_kib / 1024}))


if __name__ == "__main__":
    main()
