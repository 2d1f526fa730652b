"""The PDF's opening sections: cover, executive summary, roadmap and one section per area."""

from __future__ import annotations

from flask_babel import gettext as _
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, Table

from tracker.fiscal import FiscalQuarter
from tracker.reports import text
from tracker.reports.pdf_charts import area_chart, legend, roadmap_charts, status_chart
from tracker.reports.pdf_style import (
    FRAME_WIDTH,
    STATUS_COLOURS,
    STATUS_TINTS,
    grid,
    markup,
    para,
    plain,
    safe,
)
from tracker.reports.snapshot import ActionRow, AreaRow, ReportSnapshot
from tracker.services.figures.progress import VARIANCE_THRESHOLD

Story = list[Flowable]


def cover(snapshot: ReportSnapshot, version: int) -> Story:
    """Title page: the plan in both languages, the year, the version and the pending note."""
    lang = snapshot.language
    other = "fr" if lang == "en" else "en"
    plan = snapshot.plan
    years = _(
        "Plan years %(first)s to %(last)s",
        first=snapshot.year_label_of(plan.first_year),
        last=snapshot.year_label_of(plan.last_year),
    )
    story: Story = [Spacer(1, 70), para(plan.title(lang), "cover_title")]
    if plan.title(other) != plan.title(lang):
        story.append(para(plan.title(other), "cover_other"))
    period = _(
        "From %(start)s to %(end)s",
        start=text.day(snapshot.year_start),
        end=text.day(snapshot.year_end),
    )
    story += [
        para(text.report_title(snapshot), "cover_sub"),
        para(f"{period}. {years}.", "cover_other"),
        Spacer(1, 40),
        para(text.version_stamp(snapshot, version)),
        Spacer(1, 8),
        para(text.pending_note(snapshot), "small"),
        PageBreak(),
    ]
    return story


def summary(snapshot: ReportSnapshot) -> Story:
    """Headline figures beside the status chart, the pending note and progress by area."""
    lang = snapshot.language
    figures = [
        [para(label, "cell"), para(value, "cell_bold")]
        for label, value in text.headline_figures(snapshot)
    ]
    headline = grid([[para(_("Figure"), "head"), para(_("Value"), "head")], *figures], [220, 110])
    counts = snapshot.status_counts
    side_width = FRAME_WIDTH - 360
    chart = status_chart(counts, [text.status_text(s) for s, _n in counts], side_width)
    side: Story = [para(_("Actions by status at the end of the year"), "h3"), chart]
    if snapshot.areas:
        legend = [_("Reported (mean)"), _("Expected (mean)")]
        side += [
            para(_("Percent complete by area at the end of the year"), "h3"),
            area_chart(snapshot.areas, lang, side_width, legend),
        ]
    layout = Table([[headline, side]], colWidths=[360, side_width], hAlign="LEFT")
    layout.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    story: Story = [
        para(_("Executive summary"), "h1"),
        para(
            _(
                "This report covers fiscal year %(year)s of the plan, from %(start)s to %(end)s. "
                "Each action's figures come from its accepted update of the latest quarter up "
                "to the end of the year, the lead department's first.",
                year=snapshot.year_label(),
                start=text.day(snapshot.year_start),
                end=text.day(snapshot.year_end),
            )
        ),
        Spacer(1, 6),
        para(text.pending_note(snapshot)),
        Spacer(1, 8),
        layout,
    ]
    return [*story, PageBreak()]


def roadmap(snapshot: ReportSnapshot) -> Story:
    """The roadmap chart with its legend; the area tables that follow hold the same dates."""
    story: Story = [
        para(_("Roadmap"), "h1"),
        para(
            _(
                "Each action runs from its start quarter. The thin grey bar ends at the baseline "
                "target (as planned); the thick bar ends at the current target (as re-planned) "
                "and is coloured by the status at the end of the year. The shaded band is "
                "fiscal year %(year)s.",
                year=snapshot.year_label(),
            )
        ),
        Spacer(1, 4),
        legend([(text.status_text(s), c) for s, c in STATUS_COLOURS.items()], FRAME_WIDTH),
        Spacer(1, 6),
    ]
    for chart in roadmap_charts(snapshot, FRAME_WIDTH):
        story += [CondPageBreak(chart.height + 10), chart, Spacer(1, 8)]
    return [*story, PageBreak()]


def area_sections(snapshot: ReportSnapshot) -> Story:
    """One section per strategic area: goal, actions table and narrative highlights."""
    story: Story = []
    for area in snapshot.areas:
        story += [CondPageBreak(220), *_area(snapshot, area)]
    return story


ACTION_WIDTHS = [34, 122, 50, 70, 58, 86, 50, 46, 46, 46, 46, 58]


def _area(snapshot: ReportSnapshot, area: AreaRow) -> Story:
    lang = snapshot.language
    story: Story = [para(f"{area.code} \u2014 {area.name(lang)}", "h2")]
    if area.goal(lang):
        story.append(para(area.goal(lang)))
    if not area.actions:
        return [*story, para(_("This area has no actions."))]
    quarter = snapshot.quarter_label
    heads = [
        _("Code"),
        _("Action"),
        _("Lead"),
        _("Status at year end"),
        _("Percent complete (expected)"),
        _("Targets"),
        _("Slippage"),
        *[quarter(q) for q in snapshot.quarters],
        _("Milestones due in the year"),
    ]
    rows: list[list[object]] = [[para(h, "head") for h in heads]]
    extra: list[tuple[object, ...]] = []
    for n, action in enumerate(area.actions, start=1):
        rows.append(_action_cells(snapshot, action))
        if action.status in STATUS_TINTS:
            extra.append(("BACKGROUND", (3, n), (3, n), STATUS_TINTS[action.status]))
        for k, status in enumerate(action.quarterly, start=7):
            if status in STATUS_TINTS:
                extra.append(("BACKGROUND", (k, n), (k, n), STATUS_TINTS[status]))
    story += [Spacer(1, 4), grid(rows, ACTION_WIDTHS, extra)]
    return [*story, *_highlights(snapshot, area)]


def _action_cells(snapshot: ReportSnapshot, a: ActionRow) -> list[object]:
    lang, label = snapshot.language, snapshot.quarter_label
    status = safe(text.status_text(a.status))
    if a.status_quarter is not None and a.status_quarter < snapshot.quarters[0]:
        status += (
            f"<br/><font size=6.5>({safe(_('as of %(q)s', q=label(a.status_quarter)))})</font>"
        )
    if a.flag:
        status += f"<br/><font size=6.5 color='#b3261e'>{safe(text.flag_text(a.flag))}</font>"
    progress = f"{text.percent(a.percent, lang)} ({text.percent(a.expected, lang)})"
    if a.variance is not None and a.variance < -VARIANCE_THRESHOLD:
        progress = f"<font color='#b3261e'>{safe(progress)}</font>"
    else:
        progress = safe(progress)
    targets = (
        f"{safe(_('Baseline'))}: {safe(label(a.baseline_target))}<br/>"
        f"{safe(_('Current'))}: {safe(label(a.current_target))}"
    )
    milestones = "\u2014"
    if a.milestones_due:
        milestones = _(
            "%(due)s: %(met)s met, %(late)s late, %(missed)s not done",
            due=a.milestones_due,
            met=a.milestones_met,
            late=a.milestones_late,
            missed=a.milestones_missed,
        )
    w = ACTION_WIDTHS
    return [
        plain(a.code, w[0]),
        para(a.title(lang), "cell"),
        plain(a.lead, w[2]),
        markup(status, "cell"),
        markup(progress, "cell"),
        markup(targets, "cell"),
        para(text.slippage_text(a.slippage), "cell"),
        *[para(text.status_text(s) if s else "\u2014", "cell") for s in a.quarterly],
        para(milestones, "cell"),
    ]


def _highlights(snapshot: ReportSnapshot, area: AreaRow) -> Story:
    """Accomplishments and risks of each action's accepted year-end update."""
    lang = snapshot.language
    found = [a for a in area.actions if a.highlight is not None]
    if not found:
        return []
    story: Story = [para(_("Highlights from the accepted year-end updates"), "h3")]
    for action in found:
        h = action.highlight
        assert h is not None
        source = _(
            "%(quarter)s, %(department)s", quarter=_q(snapshot, h.quarter), department=h.department
        )
        story.append(
            markup(
                f"<b>{safe(action.code)} {safe(action.title(lang))}</b> "
                f"<font color='#5b6570'>({safe(source)})</font>"
            )
        )
        for label, value in (
            (_("Accomplishments"), h.accomplishments),
            (_("Risks and issues"), h.risks),
        ):
            if value.strip():
                story.append(markup(f"<i>{safe(label)}:</i> {safe(value, 1500)}", "body"))
        story.append(Spacer(1, 4))
    return story


def _q(snapshot: ReportSnapshot, quarter: FiscalQuarter) -> str:
    return snapshot.quarter_label(quarter)
