"""The bench's one table, the same layout every run, and bench/results.md."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.burst import Burst
from bench.client import Load
from bench.pages import TRIVIAL, Page

P95_PAGE_MS = 150.0
P95_BURST_MS = 500.0
RATIO = 0.2
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


def trivial_page() -> Page:
    return Page(TRIVIAL[0], TRIVIAL[2], TRIVIAL[3])


def _ok(met: bool) -> str:
    return "met" if met else "MISSED"


def _page_row(label: str, role: str, queries: int, load: Load, trivial: Load) -> str:
    p50, p95 = 1000 * load.percentile(50), 1000 * load.percentile(95)
    ratio = load.rps / trivial.rps if trivial.rps else 0.0
    is_trivial = label == TRIVIAL[0]
    verdict = "-" if is_trivial else _ok(p95 < P95_PAGE_MS and ratio >= RATIO and not load.errors)
    return (
        f"| {label:<34} | {role:<10} | {queries:>7} | {p50:>7.1f} | {p95:>7.1f} | "
        f"{load.rps:>7.1f} | {ratio:>5.2f} | {load.errors:>6} | {verdict:<6} |"
    )


def render(
    ctx: Context, pages: list[Page], missing: list[str], queries: dict[str, int],
    loads: dict[str, Load], trivial_label: str, burst: Burst, probe: dict[str, float] | None,
    cold: float, memory: list[float],
) -> str:  # fmt: skip
    """The whole result as Markdown."""
    counts = ctx.marker["counts"]
    trivial = loads[trivial_label]
    lines = [
        f"### {ctx.dialect}: {counts['updates']:,} updates, {counts['revisions']:,} revisions",
        "",
        f"Machine: {ctx.machine}. Server: gunicorn with gunicorn.conf.py on loopback. "
        f"{ctx.connections} concurrent connections. Run at "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; bench 'today' {ctx.marker['today']}.",
        "",
        "| page | as | queries | p50 ms | p95 ms | req/s | ratio | errors | target |",
        "|---|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in [*pages, Page(trivial_label, "", TRIVIAL[3])]:
        lines.append(_page_row(page.label, page.role, queries[page.label], loads[page.label],
                               trivial))  # fmt: skip
    lines += ["", _burst_line(burst), _report_line(probe), f"Cold start to first served page "
              f"(/login): {cold:.2f} s.", _memory_line(memory)]  # fmt: skip
    if missing:
        lines.append(f"Not built yet, so not measured: {', '.join(missing)}.")
    lines.append(
        f"Targets: p95 < {P95_PAGE_MS:.0f} ms and throughput >= {RATIO} x the trivial route per "
        f"page; burst 0 errors, 0 lost, p95 < {P95_BURST_MS:.0f} ms; worker RSS < "
        f"{WORKER_MB:.0f} MB. Query counts are checked at two data sizes by "
        "tests/test_query_budget.py."
    )
    return "\n".join(lines) + "\n"


def _burst_line(burst: Burst) -> str:
    p95 = 1000 * Load(burst.latencies, 0, 1).percentile(95) if burst.latencies else 0.0
    median = 1000 * statistics.median(burst.latencies) if burst.latencies else 0.0
    met = burst.errors == 0 and burst.lost == 0 and p95 < P95_BURST_MS
    line = (
        f"Quarter-end burst: {burst.users} department users x (open form, save draft, open, "
        f"submit) = {burst.requests} requests in {burst.elapsed:.1f} s; errors {burst.errors}, "
        f"lost updates {burst.lost}, p50 {median:.0f} ms, p95 {p95:.0f} ms: {_ok(met)}."
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
