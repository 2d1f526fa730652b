"""The bench's one table, the same layout every run, and bench/results.md."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.burst import Burst
from bench.client import Load
from bench.pages import TRIVIAL, Page
from bench.writes import Saves

P95_PAGE_MS = 150.0
P95_STREAM_MS = 200.0
P95_BURST_MS = 500.0
RATIO = 0.2
FORM_RATIO = 0.2
SAVE_RATIO = 0.1
FLOOR_RATIO = 0.5
WORKER_MB = 150.0
# Issue 12: a yearly report (PDF + XLSX + CSV) of 40,000 updates in under 3 s and 200 MB.
REPORT_SECONDS = 3.0
REPORT_MB = 200.0


@dataclass(frozen=True)
class Context:
    marker: dict[str, Any]
    dialect: str
    machine: str
    connections: int


@dataclass
class Stream:
    """The background write stream: updates started, over how long, errors and lost ones."""

    updates: int
    elapsed: float
    errors: int
    lost: int
    problems: list[str]


@dataclass
class Result:
    """Everything one run measured."""

    pages: list[Page]
    missing: list[str]
    queries: dict[str, int]
    loads: dict[str, Load] = field(default_factory=dict)
    misses: dict[str, Load] = field(default_factory=dict)
    alone: dict[str, Load] = field(default_factory=dict)  # misses one request at a time
    during: dict[str, Load] = field(default_factory=dict)
    saves: Saves | None = None
    stream: Stream | None = None
    burst: Burst | None = None
    arrival: Burst | None = None
    bare: Load | None = None
    probe: dict[str, float] | None = None
    cold: float = 0.0
    memory: list[float] = field(default_factory=list)


def trivial_page() -> Page:
    return Page(TRIVIAL[0], TRIVIAL[2], TRIVIAL[3])


def _ok(met: bool) -> str:
    return "met" if met else "MISSED"


HEADER = [
    "| page | as | queries | p50 ms | p95 ms | req/s | ratio | errors | target |",
    "|---|---|--:|--:|--:|--:|--:|--:|---|",
]


def _row(label: str, role: str, queries: int | str, load: Load, trivial: Load,
         verdict: str) -> str:  # fmt: skip
    p50, p95 = 1000 * load.percentile(50), 1000 * load.percentile(95)
    ratio = load.rps / trivial.rps if trivial.rps else 0.0
    return (
        f"| {label:<34} | {role:<10} | {queries:>7} | {p50:>7.1f} | {p95:>7.1f} | "
        f"{load.rps:>7.1f} | {ratio:>5.2f} | {load.errors:>6} | {verdict:<6} |"
    )


def _verdict(load: Load, trivial: Load, p95_ms: float | None, ratio: float | None) -> str:
    """met when the load had no error, its p95 is under `p95_ms` and its throughput at least
    `ratio` of the trivial route's (a None bound is not checked)."""
    fast = p95_ms is None or 1000 * load.percentile(95) < p95_ms
    enough = ratio is None or (trivial.rps > 0 and load.rps / trivial.rps >= ratio)
    return _ok(fast and enough and not load.errors and bool(load.latencies))


def render(ctx: Context, result: Result) -> str:
    """The whole result as Markdown."""
    counts = ctx.marker["counts"]
    trivial = result.loads[TRIVIAL[0]]
    lines = [
        f"### {ctx.dialect}: {counts['updates']:,} updates, {counts['revisions']:,} revisions",
        "",
        f"Machine: {ctx.machine}. Server: gunicorn with gunicorn.conf.py on loopback. "
        f"{ctx.connections} concurrent connections. Run at "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; bench 'today' {ctx.marker['today']}.",
        "",
        f"Pages, cache on (steady state between writes; target p95 < {P95_PAGE_MS:.0f} ms, "
        f"ratio >= {RATIO}):",
        "",
        *HEADER,
    ]
    for page in result.pages:
        load = result.loads[page.label]
        lines.append(_row(page.label, page.role, result.queries[page.label], load, trivial,
                          _verdict(load, trivial, P95_PAGE_MS, RATIO)))  # fmt: skip
    if result.saves is not None:
        form, save = result.saves.form, result.saves.save
        lines.append(_row("update form page", "department", "-", form, trivial,
                          _verdict(form, trivial, None, FORM_RATIO)))  # fmt: skip
        lines.append(_row("save a draft", "department", "-", save, trivial,
                          _verdict(save, trivial, None, SAVE_RATIO)))  # fmt: skip
    lines.append(_row(TRIVIAL[0], TRIVIAL[3], result.queries[TRIVIAL[0]], trivial, trivial, "-"))
    if result.bare is not None:
        lines.append(_row("bare Flask app (/hello, no database)", "anonymous", 0, result.bare,
                          trivial, "-"))  # fmt: skip
    lines += _misses(result, trivial) + _during(result, trivial)
    lines += [
        "",
        _floor_line(trivial, result.bare),
        _burst_line("Quarter-end arrival", result.arrival, target=True),
        _burst_line("Quarter-end burst, all at once (information)", result.burst, target=False),
        _report_line(result.probe),
        f"Cold start to first served page (/login): {result.cold:.2f} s.",
        _memory_line(result.memory),
    ]
    if result.missing:
        lines.append(f"Not built yet, so not measured: {', '.join(result.missing)}.")
    lines.append(
        f"Targets: pages p95 < {P95_PAGE_MS:.0f} ms (cache on and off) and throughput >= "
        f"{RATIO} x the trivial route; pages during the write stream p95 < {P95_STREAM_MS:.0f} "
        f"ms; form page >= {FORM_RATIO} and save >= {SAVE_RATIO} x the trivial route; trivial "
        f"route >= {FLOOR_RATIO} x the bare app; arrival 0 errors, 0 lost, p95 < "
        f"{P95_BURST_MS:.0f} ms; worker RSS < {WORKER_MB:.0f} MB. Query counts are checked at "
        "two data sizes by tests/test_query_budget.py."
    )
    return "\n".join(lines) + "\n"


def _misses(result: Result, trivial: Load) -> list[str]:
    if not result.misses:
        return []
    lines = ["", f"Miss path: the same pages with the cache disabled (TRACKER_CACHE_TYPE="
             f"NullCache), every request computes its figures; target p95 < {P95_PAGE_MS:.0f} "
             "ms:", "", *HEADER]  # fmt: skip
    for page in result.pages:
        if page.label in result.misses:
            load = result.misses[page.label]
            lines.append(_row(page.label, page.role, result.queries[page.label], load, trivial,
                              _verdict(load, trivial, P95_PAGE_MS, None)))  # fmt: skip
    return lines + _alone(result)


def _alone(result: Result) -> list[str]:
    """The miss path again with one connection: what a miss costs without a queue (16
    connections on a few cores wait for each other's misses)."""
    if not result.alone:
        return []
    cells = [
        f"{label} {1000 * load.percentile(50):.0f}/{1000 * load.percentile(95):.0f}"
        + (f" ({load.errors} errors)" if load.errors else "")
        for label, load in result.alone.items()
    ]
    return ["", "The same misses one request at a time (information: p50/p95 ms, no queue): "
            + ", ".join(cells) + "."]  # fmt: skip


def _during(result: Result, trivial: Load) -> list[str]:
    stream = result.stream
    if stream is None or not result.during:
        return []
    rate = stream.updates / stream.elapsed if stream.elapsed else 0.0
    lines = ["", f"Pages during a write stream: {stream.updates} department updates (open, save "
             f"a draft, open, submit) started at {rate:.1f} a second while the planner pages "
             f"were read; stream errors {stream.errors}, lost updates {stream.lost}; target p95 "
             f"< {P95_STREAM_MS:.0f} ms, 0 errors:", "", *HEADER]  # fmt: skip
    if stream.problems:
        lines[1] += " First problems: " + "; ".join(stream.problems[:3]) + "."
    for page in result.pages:
        if page.label in result.during:
            load = result.during[page.label]
            verdict = _verdict(load, trivial, P95_STREAM_MS, None)
            if stream.errors or stream.lost:
                verdict = "MISSED"
            lines.append(_row(page.label, page.role, result.queries[page.label], load, trivial,
                              verdict))  # fmt: skip
    return lines


def _floor_line(trivial: Load, bare: Load | None) -> str:
    if bare is None or not bare.rps:
        return "Floor: n/a (the bare app was not measured)."
    ratio = trivial.rps / bare.rps
    return (
        f"Floor: the trivial route serves {trivial.rps:.0f} req/s, the bare Flask app "
        f"{bare.rps:.0f} under the same gunicorn settings: ratio {ratio:.2f} (target >= "
        f"{FLOOR_RATIO}): {_ok(ratio >= FLOOR_RATIO)}."
    )


def _burst_line(title: str, burst: Burst | None, target: bool) -> str:
    if burst is None:
        return f"{title}: n/a."
    p95 = 1000 * Load(burst.latencies, 0, 1).percentile(95) if burst.latencies else 0.0
    median = 1000 * statistics.median(burst.latencies) if burst.latencies else 0.0
    met = burst.errors == 0 and burst.lost == 0 and p95 < P95_BURST_MS
    line = (
        f"{title}: {burst.users} department users x (open form, save draft, open, "
        f"submit) = {burst.requests} requests in {burst.elapsed:.1f} s; errors {burst.errors}, "
        f"lost updates {burst.lost}, p50 {median:.0f} ms, p95 {p95:.0f} ms"
        + (f": {_ok(met)}." if target else ".")
    )
    if burst.problems:
        line += " First problems: " + "; ".join(burst.problems[:3]) + "."
    return line


def _report_line(probe: dict[str, float] | None) -> str:
    if probe is None:
        return "Yearly report: n/a: reports not built."
    if "error" in probe:
        return "Yearly report: FAILED (run `python -m bench.report_probe` to see why)."
    met = probe["seconds"] < REPORT_SECONDS and probe["max_rss_mb"] < REPORT_MB
    cpu = f", CPU {probe['cpu_seconds']:.1f} s" if "cpu_seconds" in probe else ""
    processes = int(probe.get("processes", 1))
    tree = f" in {processes} processes (PSS {probe['max_pss_mb']:.0f} MB)" if processes > 1 else ""
    return (
        f"Yearly report (tracker.reports.service.generate_annual_report, last fiscal year, "
        f"PDF + XLSX + CSV files): {probe['seconds']:.1f} s{cpu}, peak RSS "
        f"{probe['max_rss_mb']:.0f} MB{tree} (goal < {REPORT_SECONDS:.0f} s, "
        f"< {REPORT_MB:.0f} MB): {_ok(met)}."
    )


def _memory_line(memory: list[float]) -> str:
    if not memory:
        return "Worker memory: n/a."
    worst = max(memory)
    sizes = ", ".join(f"{m:.0f}" for m in memory)
    verdict = _ok(worst < WORKER_MB)
    return f"Gunicorn worker RSS after the bench: {sizes} MB (max {worst:.0f}): {verdict}."


def save(path: Path, text: str, small: bool) -> None:
    """Keep one section per database (and per scale) in bench/results.md, replacing this one."""
    dialect = text.split(":", 1)[0].removeprefix("### ")
    key = f"{dialect}{'-small' if small else ''}"
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    body = path.read_text() if path.exists() else "# Latest bench results\n\n"
    section = f"{start}\n{text}{end}\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.S)
    body = pattern.sub(lambda _m: section, body) if start in body else body + "\n" + section
    path.write_text(body)
