"""Run the app's work in a separate process for the fault drills: `python -m
tests.resilience.launch MODE`, configured by TRACKER_* variables like the real processes.

- `job-hang`: the yearly report job, stopped forever just before its transaction commits
  (the report and its files are inserted, not committed): the drill kills it there.
- `scheduler-hang`: the scheduler (catch-up first), stopped at the same point.
- `writer`: saves one update again and again through the web pages (see test_concurrency).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from tracker import create_app


def _hang_before_commit(marker: Path) -> None:
    from tracker.reports import service

    real = service.add_event

    def add_event_then_hang(*args: Any, **kwargs: Any) -> Any:
        event = real(*args, **kwargs)
        service.db.session.flush()
        marker.write_text("inside the report's transaction")
        time.sleep(3600)
        return event

    service.add_event = add_event_then_hang  # type: ignore[assignment]


def main(mode: str) -> None:
    app = create_app()
    from tracker import scheduling

    if mode == "job-hang":
        _hang_before_commit(Path(os.environ["DRILL_MARKER"]))
        scheduling.run_job(app, "yearly_reports")
    elif mode == "scheduler-hang":
        _hang_before_commit(Path(os.environ["DRILL_MARKER"]))
        scheduling.run_scheduler(app)
    elif mode == "writer":
        from tests.resilience.writer import write_updates

        print(json.dumps(write_updates(app, json.loads(os.environ["DRILL_WORLD"]))), flush=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1])
