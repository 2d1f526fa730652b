"""Time one yearly report in a fresh process: `python -m bench.report_probe URL SLUG YEAR TODAY`.

Prints one JSON line: seconds (wall clock, and CPU time of this process and its children, which
a busy machine does not inflate) and peak memory. A separate process keeps the bench's own memory
out of the figures. The report renders its files in child processes, so memory is the peak,
sampled every 10 ms, of the resident memory of this process and its children added up
(`max_rss_mb`: pages the children share with this process are counted once per process, so
this overstates; `max_pss_mb`: shared pages split between the processes that share them). The
process's own `ru_maxrss` is kept too (`parent_rss_mb`). No tracemalloc: tracing every
allocation would make the timed run two to three times slower than a real one.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import threading
import time
from pathlib import Path

SAMPLE_SECONDS = 0.01


def _children(pid: int) -> list[int]:
    """Every descendant of `pid` (from /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids = [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_children(kid)]
    return found


def _memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, from /proc/PID/smaps_rollup; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class TreeMemory(threading.Thread):
    """Samples the memory of this process and its children until stopped; keeps the peaks."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = 0
        self.most_processes = 1

    def run(self) -> None:
        me = int(Path("/proc/self").resolve().name)
        while not self.stop.is_set():
            pids = [me, *_children(me)]
            sizes = [_memory_kib(pid) for pid in pids]
            self.peak_rss = max(self.peak_rss, sum(r for r, _p in sizes))
            self.peak_pss = max(self.peak_pss, sum(p for _r, p in sizes))
            self.most_processes = max(self.most_processes, len(pids))
            self.stop.wait(SAMPLE_SECONDS)


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
    memory = TreeMemory()
    memory.start()
    with app.app_context():
        before = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = before.ru_utime + before.ru_stime
        started = time.perf_counter()
        generate(plan_slug=slug, fiscal_year=year, triggered_by="bench")
        seconds = time.perf_counter() - started
    memory.stop.set()
    memory.join()
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    own, children = me.ru_maxrss, kids.ru_maxrss
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime - cpu_before
    result = {
        "available": True,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "max_rss_mb": max(memory.peak_rss, own) / 1024,
        "max_pss_mb": memory.peak_pss / 1024,
        "parent_rss_mb": own / 1024,
        "child_rss_mb": children / 1024,
        "processes": memory.most_processes,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
