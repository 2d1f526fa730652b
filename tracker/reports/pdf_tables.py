"""The PDF's closing sections: milestones, compliance, needs attention and definitions."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from flask_babel import gettext as _
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from tracker.reports import text
from tracker.reports.pdf_style import (
    COMPLIANCE_TINTS,
    FRAME_WIDTH,
    grid,
    markup,
    para,
    plain,
    safe,
)
from tracker.reports.snapshot import ReportSnapshot
from tracker.services.figures.progress import VARIANCE_THRESHOLD

Story = list[Flowable]


def _table(
    heads: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    wrap: Collection[int] = (1,),
) -> Flowable:
    """A text table whose `wrap` columns wrap (Paragraphs), the others are plain strings cut to
    fit; an empty table says so."""
    if not rows:
        return para(_("None."))
    cells: list[list[object]] = [[para(h, "head") for h in heads]]
    for row in rows:
        cells.append(
            [
                para(value, "cell") if n in wrap else plain(value, widths[n])
                for n, value in enumerate(row)
            ]
        )
    return grid(cells, widths)


def _days(value: int | None) -> str:
    """Signed days ('+3', '-14', '0'), or a dash."""
    if value is None:
        return "\u2014"
    return f"{value:+d}" if value else "0"


def milestones(snapshot: ReportSnapshot) -> Story:
    """Milestones due in the year, with how each stood at its end."""
    lang = snapshot.language
    heads = [
        _("Action"),
        _("Milestone"),
        _("Title"),
        _("Baseline due"),
        _("Completed"),
        _("Latest forecast"),
        _("Outcome"),
        _("Slippage (days)"),
    ]
    rows = [
        [
            m.action_code,
            m.code,
            m.title(lang),
            text.day(m.baseline_due),
            text.day(m.completed_on),
            text.day(m.forecast_on),
            text.outcome_text(m.outcome),
            _days(m.slippage_days),
        ]
        for m in snapshot.milestones
    ]
    return [
        CondPageBreak(150),
        para(_("Milestones due in the year"), "h1"),
        para(
            _(
                "Met on time: completed on or before the baseline due date. Completed late: "
                "completed after it, by the end of the year. Not completed: not done by the end "
                "of the year. Completion dates come from the plan or from accepted updates."
            ),
            "small",
        ),
        Spacer(1, 4),
        _table(heads, rows, [45, 50, 270, 62, 62, 66, 80, 60], wrap={2}),
    ]


def compliance(snapshot: ReportSnapshot) -> Story:
    """Each department's submissions in each quarter of the year."""
    c, lang = snapshot.compliance, snapshot.language
    heads = [
        _("Department"),
        _("Name"),
        *[snapshot.quarter_label(q) for q in c.quarters],
        _("On-time rate"),
    ]
    rows: list[list[object]] = [[para(h, "head") for h in heads]]
    extra: list[tuple[object, ...]] = []
    quarter_width = min(110.0, (FRAME_WIDTH - 370) / max(len(c.quarters), 1))
    for n, row in enumerate(c.rows, start=1):
        cells: list[object] = [plain(row.acronym, 70), para(row.name(lang), "cell")]
        for k, cell in enumerate(row.cells, start=2):
            label = text.compliance_text(cell.state)
            if cell.owed:
                detail = _("%(on_time)s of %(owed)s on time", on_time=cell.on_time, owed=cell.owed)
                label = f"{label}\n{detail}"
            cells.append(plain(label, quarter_width))
            if cell.state in COMPLIANCE_TINTS:
                extra.append(("BACKGROUND", (k, n), (k, n), COMPLIANCE_TINTS[cell.state]))
        rows.append([*cells, plain(text.rate_text(row.rate, lang), 100)])
    rates = [para(text.rate_text(r, lang), "cell_bold") for r in c.quarter_rates]
    rows.append(
        [
            para(_("All departments"), "cell_bold"),
            para("", "cell"),
            *rates,
            para(text.rate_text(c.rate, lang), "cell_bold"),
        ]
    )
    widths = [70, 200, *[quarter_width] * len(c.quarters), 100]
    intro = _(
        "Updates owed by each department (lead or participant of an action under way) and "
        "whether they were submitted by the due date. Counted at generation, %(when)s.",
        when=text.stamp(snapshot.generated_at),
    )
    story: Story = [
        CondPageBreak(150),
        para(_("Department submission compliance"), "h1"),
        para(intro, "small"),
        Spacer(1, 4),
    ]
    if not c.rows or not c.quarters:
        return [*story, para(_("No update was owed in this year."))]
    return [*story, grid(rows, widths, extra)]


def attention(snapshot: ReportSnapshot) -> Story:
    """The needs-attention lists as of the last day of the year."""
    lang, a = snapshot.language, snapshot.attention
    label = snapshot.quarter_label
    off_track = [
        [x.code, x.title(lang), text.status_text(x.status), text.percent(x.percent, lang)]
        for x in snapshot.attention_actions
    ]
    flagged = [
        [
            x.code,
            x.title(lang),
            text.flag_text(x.flag),
            text.percent(x.percent, lang),
            text.percent(x.expected, lang),
        ]
        for x in snapshot.flagged_actions
    ]
    overdue = [
        [
            m.action_code,
            f"{m.code} {m.title(lang)}",
            text.day(m.baseline_due),
            text.day(m.forecast_on),
            str((a.as_of - m.baseline_due).days),
        ]
        for m in a.overdue_milestones
    ]
    missing = [
        [
            m.acronym,
            m.name_fr if lang == "fr" else m.name_en,
            str(m.count),
            ", ".join(label(q) for q in m.quarters),
        ]
        for m in a.missing
    ]
    silent = [
        [s.action_code, s.title(lang), label(s.last_reported) if s.last_reported else "\u2014"]
        for s in a.silent
    ]
    quarters = ", ".join(label(q) for q in a.silent_quarters) or "\u2014"
    return [
        CondPageBreak(150),
        para(_("Needs attention at the end of the year"), "h1"),
        para(_("As of %(day)s.", day=text.day(a.as_of)), "small"),
        para(_("Off track or at risk"), "h3"),
        _table(
            [_("Action"), _("Title"), _("Status"), _("Percent complete")],
            off_track,
            [50, 420, 110, 90],
        ),
        para(_("Reported on track but behind schedule"), "h3"),
        _table(
            [_("Action"), _("Title"), _("Flag"), _("Reported"), _("Expected")],
            flagged,
            [50, 360, 150, 60, 60],
            wrap={1, 2},
        ),
        para(_("Overdue milestones"), "h3"),
        _table(
            [
                _("Action"),
                _("Milestone"),
                _("Baseline due"),
                _("Latest forecast"),
                _("Days overdue"),
            ],
            overdue,
            [50, 390, 80, 80, 70],
        ),
        para(_("Missing updates by department"), "h3"),
        para(_("Updates owed for periods past their due date and still not submitted."), "small"),
        _table(
            [_("Department"), _("Name"), _("Missing"), _("Quarters")],
            missing,
            [70, 260, 50, 330],
            wrap={1, 3},
        ),
        para(_("Silent actions"), "h3"),
        para(
            _("Actions under way with no update in %(quarters)s or since.", quarters=quarters),
            "small",
        ),
        _table([_("Action"), _("Title"), _("Last reported")], silent, [50, 480, 110]),
    ]


def plan_changes(snapshot: ReportSnapshot) -> Story:
    """Changes to the plan made in the year, from its change log, oldest first."""
    rows = [text.change_cells(snapshot, c) for c in snapshot.changes]
    heads = [str(h) for h in text.CHANGE_HEADINGS]
    return [
        CondPageBreak(150),
        para(_("Changes to the plan this year"), "h1"),
        para(
            _(
                "Every change made to the plan's structure and dates during the year, from the "
                "plan's change log: re-planned targets, the yearly review and its re-baselined "
                "actions, each with its reason, who made it and when."
            ),
            "small",
        ),
        Spacer(1, 4),
        _table(heads, rows, [78, 90, 80, 52, 66, 66, 263], wrap={2, 6}),
    ]


def notes(snapshot: ReportSnapshot, version: int) -> Story:
    """How the figures are computed, and how to check this file."""
    items = [
        _(
            "Status at year end: the status of the action's accepted update of the latest quarter "
            "up to the end of the year; the lead department's update comes first."
        ),
        _(
            "Expected percent: linear from the first day of the start quarter (0%) to the last "
            "day of the current target quarter (100%), at the last day of the year."
        ),
        _(
            "A status reported as on track is flagged when it is more than %(points)s points "
            "behind the expected percent, or when a milestone has slipped.",
            points=f"{VARIANCE_THRESHOLD:.0f}",
        ),
        _("Slippage: quarters from the baseline target to the current target."),
        _(
            "Only accepted updates are counted. Updates submitted, returned or in draft when the "
            "report was generated are left out and counted in the pending figure."
        ),
        _(
            "This is version %(version)s of this report. Each file's SHA-256 checksum is listed on "
            "the report's page in the tracker, where a copy can be verified.",
            version=version,
        ),
    ]
    story: Story = [CondPageBreak(120), para(_("Definitions"), "h1")]
    story += [markup(f"\u2022 {safe(item)}") for item in items]
    return story
