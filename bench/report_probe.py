"""Time one yearly report in a fresh process: `python -m bench.report_probe URL SLUG YEAR TODAY`.

Prints one JSON line: seconds, Python heap peak (tracemalloc) and the process's peak RSS. A
separate process keeps the bench's own memory out of the figures.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
import tracemalloc


def main() -> None:
    url, slug, year, today = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    try:
        module = importlib.import_module("tracker.services.reports")
        generate = module.generate_annual_report
    except (ImportError, AttributeError):
        print(json.dumps({"available": False}))
        return
    from tracker import create_app

    app = create_app({"DATABASE_URL": url, "TODAY": today})
    with app.app_context():
        tracemalloc.start()
        started = time.perf_counter()
        generate(plan_slug=slug, fiscal_year=year, triggered_by="bench")
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"available": True, "seconds": seconds, "heap_peak_mb": peak / 2**20,
                      "max_rss_mb": rss_kib / 1024}))  # fmt: skip


if __name__ == "__main__":
    main()
