"""What the PDF template shows: the snapshot turned into translated, locale-formatted rows.

Call inside `force_locale(snapshot.language)`. Numbers and dates go through
`tracker.reports.typography`, so the French file writes '62,8 %' and '22 janvier 2027'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from tracker.i18n import language_marker
from tracker.reports import charts, messages, text
from tracker.reports.roadmap import layout
from tracker.reports.snapshot import LATE, MET, MISSED, ActionRow, ReportSnapshot
from tracker.reports.typography import long_date, percent, stamp
from tracker.services.figures.progress import VARIANCE_THRESHOLD


@dataclass(frozen=True)
class Chart:
    src: str  # data: URI of the SVG
    alt: str


def marking(lang: str) -> str:
    """The security marking printed on the cover and on every page (a setting)."""
    key = "REPORT_SECURITY_MARKING_FR" if lang == "fr" else "REPORT_SECURITY_MARKING_EN"
    return str(current_app.config[key])


def report_context(snapshot: ReportSnapshot, version: int) -> dict[str, Any]:
    """Everything the template `reports/pdf/report.html` needs."""
    lang = snapshot.language
    plan = snapshot.plan
    figures = messages.year_figures(snapshot)
    return {
        "lang": lang,
        "plan_title": plan.title(lang),
        "owner": plan.owner(lang),
        "report_title": text.report_title(snapshot),
        "year": snapshot.year_label(),
        "version": version,
        "version_stamp": _(
            "Version %(version)s, generated %(when)s",
            version=version,
            when=stamp(snapshot.generated_at, lang),
        ),
        "marking": marking(lang),
        "as_of": long_date(snapshot.year_end, lang),
        "period": _(
            "From %(start)s to %(end)s",
            start=long_date(snapshot.year_start, lang),
            end=long_date(snapshot.year_end, lang),
        ),
        "pending_note": text.pending_note(snapshot),
        "messages": messages.key_messages(snapshot),
        "headline": headline(snapshot, figures),
        "status_chart": status_chart(snapshot),
        "status_rows": [(text.status_text(s), n) for s, n in snapshot.status_counts],
        "area_chart": area_chart(snapshot),
        "area_rows": [
            (
                a.name(lang),
                len(a.actions),
                percent(a.mean_percent, lang, 1),
                percent(a.mean_expected, lang, 1),
            )
            for a in snapshot.areas
        ],  # fmt: skip
        "roadmap": roadmap(snapshot),
        "areas": [
            {
                "name": area.name(lang),
                "goal": area.goal(lang),
                "actions": [action_row(snapshot, a) for a in area.actions],
            }
            for area in snapshot.areas
        ],
        "quarters": [snapshot.quarter_label(q) for q in snapshot.quarters],
    }


def headline(snapshot: ReportSnapshot, f: messages.YearFigures) -> list[tuple[str, str]]:
    """The executive summary's figures: every number a key message states is here."""
    lang, counts, rate = snapshot.language, snapshot.milestone_counts, snapshot.compliance.rate
    return [
        (_("Actions in the plan"), str(f.actions)),
        (_("Completed by the end of the year"), str(f.completed)),
        (_("Completed during the year"), str(f.completed_in_year)),
        (_("Off track or at risk at the end of the year"), str(f.attention)),
        (_("Reported on track but behind schedule"), str(len(snapshot.flagged_actions))),
        (_("Actions with a later target than planned"), str(f.slipped)),
        (_("Mean percent complete (reported)"), percent(snapshot.mean_percent, lang, 1)),
        (_("Mean percent complete (expected)"), percent(snapshot.mean_expected, lang, 1)),
        (_("Milestones due in the year"), str(f.milestones_due)),
        (_("Milestones met on time"), str(counts[MET])),
        (_("Milestones completed late"), str(counts[LATE])),
        (_("Milestones not completed"), str(counts[MISSED])),
        (_("Milestones overdue at the end of the year"), str(f.overdue)),
        (
            _("Updates submitted on time"),
            _(
                "%(share)s (%(on_time)s of %(due)s)",
                share=percent(rate.percent, lang, 1),
                on_time=rate.on_time,
                due=rate.due,
            )
            if rate.due
            else _("n/a"),
        ),  # fmt: skip
        (_("Accepted updates counted"), str(snapshot.updates.accepted)),
        (_("Updates pending (not counted)"), str(snapshot.updates.pending)),
    ]


def status_chart(snapshot: ReportSnapshot) -> Chart:
    """Actions by status at the end of the year."""
    counts = snapshot.status_counts
    rows = [
        (text.status_text(s), float(n), charts.STATUS_COLOURS.get(s, "#5b6570"), str(n))
        for s, n in counts
    ]
    top = max((n for _s, n in counts), default=0)
    alt = _(
        "Bar chart of the actions by status at the end of the year: %(items)s.",
        items="; ".join(f"{label} {shown}" for label, _v, _c, shown in rows),
    )
    return Chart(charts.data_uri(charts.bars_svg(rows, top)), alt)


def area_chart(snapshot: ReportSnapshot) -> Chart:
    """Mean reported percent complete by area."""
    lang = snapshot.language
    rows = [
        (a.name(lang), a.mean_percent, a.colour, percent(a.mean_percent, lang, 1))
        for a in snapshot.areas
    ]
    alt = _(
        "Bar chart of the mean reported percent complete by strategic area: %(items)s.",
        items="; ".join(f"{label} {shown}" for label, _v, _c, shown in rows),
    )
    return Chart(charts.data_uri(charts.bars_svg(rows, 100)), alt)


def roadmap(snapshot: ReportSnapshot) -> dict[str, Any]:
    """The roadmap's images (one per page), legend and text alternative."""
    drawn = layout(snapshot)
    axis = drawn.axis
    labels = {
        "baseline": _("Baseline target (as planned)"),
        "current": _("Current target (bar in the area's colour)"),
        "report_date": _(
            "Report date: %(day)s", day=long_date(snapshot.year_end, snapshot.language)
        ),
    }
    milestone_labels = {
        MET: _("Milestone met on time"),
        LATE: _("Milestone completed late"),
        MISSED: _("Milestone not completed"),
    }
    areas = ", ".join(a.name(snapshot.language) for a in snapshot.areas)
    alt = _(
        "Roadmap of the plan's %(count)s actions from %(first)s to %(last)s, one bar per action "
        "from its start quarter to its current target, coloured by strategic area (%(areas)s), "
        "with the baseline target, the milestones due in the year and a line at the report "
        "date. The area tables that follow give each action's dates.",
        count=len(snapshot.actions),
        first=snapshot.quarter_label(axis.first),
        last=snapshot.quarter_label(axis.last),
        areas=areas,
    )
    pages = drawn.pages()
    images = []
    for n, rows in enumerate(pages, start=1):
        svg = charts.roadmap_svg(snapshot, drawn, rows)
        part = alt if len(pages) == 1 else _("Part %(n)s of %(total)s.", n=n, total=len(pages))
        images.append(Chart(charts.data_uri(svg), part))
    legend = charts.roadmap_legend_svg(snapshot, labels, milestone_labels)
    return {"images": images, "legend": charts.data_uri(legend), "alt": alt,
            "legend_items": [*labels.values(), *milestone_labels.values()]}  # fmt: skip


def action_row(snapshot: ReportSnapshot, a: ActionRow) -> dict[str, Any]:
    """One action as the area table shows it."""
    lang, label = snapshot.language, snapshot.quarter_label
    as_of = ""
    if a.status_quarter is not None and a.status_quarter < snapshot.quarters[0]:
        as_of = _("as of %(q)s", q=label(a.status_quarter))
    milestones = ""
    if a.milestones_due:
        milestones = _(
            "%(due)s: %(met)s met, %(late)s late, %(missed)s not done",
            due=a.milestones_due,
            met=a.milestones_met,
            late=a.milestones_late,
            missed=a.milestones_missed,
        )
    highlight = None
    if a.highlight is not None:
        h = a.highlight
        highlight = {
            "source": _("%(quarter)s, %(department)s", quarter=label(h.quarter),
                        department=h.department),
            "accomplishments": h.accomplishments.strip(),
            "risks": h.risks.strip(),
            # Written in the other language: shown as written, marked, e.g. "[FR]".
            "language": h.language if h.language and h.language != lang else "",
            "marker": language_marker(h.language, lang),
        }  # fmt: skip
    return {
        "code": a.code,
        "title": a.title(lang),
        "lead": a.lead,
        "status": a.status or "none",
        "status_text": text.status_text(a.status),
        "as_of": as_of,
        "flag": text.flag_text(a.flag),
        "percent": percent(a.percent, lang),
        "expected": percent(a.expected, lang),
        "behind": a.variance is not None and a.variance < -VARIANCE_THRESHOLD,
        "baseline": _("Baseline: %(quarter)s", quarter=label(a.baseline_target)),
        "current": _("Current: %(quarter)s", quarter=label(a.current_target)),
        "slippage": text.slippage_text(a.slippage),
        "quarterly": [(s or "none", text.status_text(s) if s else "\u2014") for s in a.quarterly],
        "milestones": milestones,
        "highlight": highlight,
    }
