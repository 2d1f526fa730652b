"""Deterministic quarterly history for the demo plans: updates, milestone forecasts, revisions.

Everything is derived from the plan itself (start, baseline and current targets, milestone
dates) and from random generators seeded with the plan, action, department and quarter, so
every run writes the same rows. The rows follow the rules of the update workflow (a completed
action is at 100 % with every milestone completed, at risk or off track comes with a risks
narrative, a lower percent with a reason, forecasts inside the plan) and are written in bulk.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from tracker.demo.text import Decrease, Facts, Narrator, Slip, decreases
from tracker.demo.workflow import Draft, Reporter, Setting, plan_steps
from tracker.fiscal import FiscalQuarter, quarter_of, quarters_between
from tracker.models import Action, ActionStatus, Department, Milestone
from tracker.services.plans.actions import scheduled
from tracker.services.updates.rules import PlanWindow

LATE_TOLERANCE_DAYS = 21  # a milestone this close to its baseline date never worried anyone
OFF_TRACK_DAYS = 90  # later than this, and already past due: off track
VISIBLE_BEFORE_DUE = timedelta(days=92)  # a slip shows in the report of the quarter before
NEVER = date(9999, 12, 31)
OPTIMIST_RATE = 0.3  # participants that report a milder status than the lead's
FORECAST_LEAD = timedelta(days=14)  # an overdue milestone's forecast: two weeks out

ON_TRACK, AT_RISK, OFF_TRACK = ActionStatus.ON_TRACK, ActionStatus.AT_RISK, ActionStatus.OFF_TRACK
MILDER = {OFF_TRACK: AT_RISK, AT_RISK: ON_TRACK}


class Trajectory:
    """How one action unfolds quarter by quarter, as its plan data tell it."""

    def __init__(self, action: Action, s: Setting) -> None:
        self.action, self.s = action, s
        self.schedule = scheduled(action)  # the demo plans are active: every action has one
        self.milestones: list[Milestone] = list(action.milestones)
        self.done = {m.id: self._done(m) for m in self.milestones}
        finished = [d for d in self.done.values() if d is not None]
        complete = bool(self.milestones) and len(finished) == len(self.milestones)
        self.completion = quarter_of(max(finished), s.start_month) if complete else None
        last = self.completion or max(
            self.schedule.current_target, FiscalQuarter(s.plan.last_year, 4)
        )
        if s.live is not None:
            last = min(last, s.live)
        self.quarters = quarters_between(self.schedule.start_quarter, last)
        self.window = PlanWindow.of(s.plan, s.start_month)

    def _done(self, m: Milestone) -> date | None:
        return m.completed_on if m.completed_on and m.completed_on <= self.s.today else None

    def end(self, q: FiscalQuarter) -> date:
        """The last day of quarter q: the date a report on q speaks for."""
        return q.end_date(self.s.start_month)

    def lateness(self, m: Milestone) -> int:
        """Days the milestone ends up late (a guess for the live plan's open milestones)."""
        done = self.done[m.id]
        if done is not None:
            return (done - m.baseline_due).days
        if self.s.live is None:
            return (NEVER - m.baseline_due).days
        overdue = (self.s.today - m.baseline_due).days
        return overdue + 60 if overdue > 0 else 0

    def trouble(self, q: FiscalQuarter) -> list[tuple[Milestone, ActionStatus]]:
        """Open milestones visibly slipping at the end of q, each with the status it warrants."""
        q_end, found = self.end(q), []
        for m in self.milestones:
            done, late = self.done[m.id], self.lateness(m)
            if (done is not None and done <= q_end) or late <= LATE_TOLERANCE_DAYS:
                continue
            if q_end < m.baseline_due - VISIBLE_BEFORE_DUE:
                continue
            past_due = q_end > m.baseline_due + timedelta(days=30)
            found.append((m, OFF_TRACK if late > OFF_TRACK_DAYS and past_due else AT_RISK))
        return found

    def forecast(self, m: Milestone, q: FiscalQuarter) -> tuple[date | None, date | None]:
        """(forecast, completed) for milestone m as reported at the end of q."""
        q_end, done, late = self.end(q), self.done[m.id], self.lateness(m)
        if done is not None and done <= q_end:
            return None, done
        guess = m.baseline_due
        if late > LATE_TOLERANCE_DAYS and q_end >= m.baseline_due - VISIBLE_BEFORE_DUE:
            actual = done or max(m.baseline_due, q_end) + timedelta(days=120)
            # The first warning underestimates the slip; the next reports see it whole.
            guess = (
                actual
                if q_end >= m.baseline_due
                else m.baseline_due + (actual - m.baseline_due) / 2
            )
        if guess <= q_end:  # a date already past when the report was written
            guess = done if done is not None else q_end + FORECAST_LEAD
        return min(guess, self.window.ends_on), None

    def base_percent(self, q: FiscalQuarter) -> float:
        """Work done by the end of q: two parts elapsed time, one part milestones completed."""
        start = self.schedule.start_quarter
        span_end = self.completion or self.schedule.current_target
        if self.completion is None and self.quarters[-1] >= span_end and self.s.live is None:
            span_end = self.quarters[-1] + 2  # never finished: the curve stops short of 100
        elapsed = min(1.0, (q - start + 1) / (span_end - start + 1))
        q_end = self.end(q)
        done = sum(1 for d in self.done.values() if d is not None and d <= q_end)
        return 100 * (0.65 * elapsed + 0.35 * done / max(1, len(self.milestones)))

    def forecast_completion(self, q: FiscalQuarter, troubled: bool) -> FiscalQuarter:
        """The completion quarter the report names: the baseline until a slip shows."""
        if self.completion == q:
            return q
        schedule = self.schedule
        target = schedule.current_target if troubled else schedule.baseline_target
        return min(max(target, q + 1), self.window.last_quarter)


class DepartmentReports:
    """One department's reports on one action, quarter after quarter."""

    def __init__(self, t: Trajectory, department: Department, showcase_slot: int | None) -> None:
        s = t.s
        self.t, self.department, self.slot = t, department, showcase_slot
        self.lead = department.id == t.action.lead_department_id
        self.reporter = s.reporters[department.id]
        self.lang = self.reporter.language
        seed = f"{s.plan.slug}:{t.action.code}:{department.acronym}"
        self.rng = random.Random(seed)
        self.narrator = Narrator(self.rng)
        self.cause = random.Random(f"{s.plan.slug}:{t.action.code}:cause").randrange(1000)
        self.optimist = not self.lead and self.rng.random() < OPTIMIST_RATE
        self.decrease: Decrease | None = decreases().get((s.plan.slug, t.action.code))
        self.gap = 0.0  # after a decrease: how far below the usual curve the percent restarts
        self.reporting = Reporter(s, department.acronym, self.reporter.id, showcase_slot, self.rng)

    def drafts(self) -> list[Draft]:
        """Every update this department filed on the action (missing quarters left out)."""
        found, previous, troubled = [], 0, False
        for q in self.t.quarters:
            trouble = self.t.trouble(q)
            troubled = troubled or bool(trouble)
            percent, reason = self._percent(q, previous)
            previous = percent
            status = self._status(q, trouble, percent)
            draft = self._draft(q, status, percent, reason, trouble, troubled)
            if draft is not None:
                found.append(draft)
        return found

    def must_report(self, q: FiscalQuarter) -> bool:
        """The lead's completion report and its explained decrease are never missing."""
        d = self.decrease
        return self.lead and (q == self.t.completion or (d is not None and q == d.quarter))

    def _percent(self, q: FiscalQuarter, previous: int) -> tuple[int, str]:
        if self.t.completion == q:
            return 100, ""
        base = self.t.base_percent(q) + self.rng.randint(*((-2, 2) if self.lead else (-6, 6)))
        d = self.decrease if self.lead else None
        if d is not None and q == d.quarter:
            lowered = max(0, previous - d.drop)
            self.gap = base - lowered
            return lowered, d.reason[self.lang]
        if d is not None and q > d.quarter:
            # The re-scoped work catches up with the usual curve by the last report.
            base -= self.gap * (1 - (q - d.quarter) / (self.t.quarters[-1] - d.quarter + 1))
        if q == self.t.quarters[0] and not self.lead and self.rng.random() < 0.3:
            return 0, ""  # this partner's part has not started yet
        return max(previous, min(95, round(base))), ""

    def _status(
        self, q: FiscalQuarter, trouble: list[tuple[Milestone, ActionStatus]], percent: int
    ) -> ActionStatus:
        if self.t.completion == q:
            return ActionStatus.COMPLETED
        if trouble:
            worst = OFF_TRACK if any(st is OFF_TRACK for _, st in trouble) else AT_RISK
            if self.optimist:
                return MILDER[worst]
            return worst
        return ActionStatus.NOT_STARTED if percent == 0 else ON_TRACK

    def _draft(
        self,
        q: FiscalQuarter,
        status: ActionStatus,
        percent: int,
        reason: str,
        trouble: list[tuple[Milestone, ActionStatus]],
        troubled: bool,
    ) -> Draft | None:
        t = self.t
        dates = {m.id: t.forecast(m, q) for m in t.milestones}
        forecasts = [
            {"milestone_id": mid, "forecast_on": f, "completed_on": c}
            for mid, (f, c) in dates.items()
        ]
        facts = self._facts(q, status, percent, trouble, dates)
        topic = facts.next_milestone
        steps = plan_steps(
            self.reporting,
            q,
            self.must_report(q),
            lambda: self.narrator.review_comment(self.lang, topic),
        )
        if not steps:
            return None
        values = {
            "action_id": t.action.id,
            "department_id": self.department.id,
            "period_id": t.s.periods[q].id,
            "status": status.value,
            "percent_complete": percent,
            "forecast_completion": t.forecast_completion(q, troubled),
            "accomplishments": self.narrator.accomplishments(facts),
            "risks": self.narrator.risks(facts),
            "next_steps": self.narrator.next_steps(facts),
            "decrease_reason": reason,
            # Written in the reporter's language, and so is the planner's comment to them.
            "narrative_language": self.lang,
            "review_comment_language": self.lang,
        }
        return Draft(values, forecasts, steps)

    def _facts(
        self,
        q: FiscalQuarter,
        status: ActionStatus,
        percent: int,
        trouble: list[tuple[Milestone, ActionStatus]],
        dates: dict[int, tuple[date | None, date | None]],
    ) -> Facts:
        t, lang = self.t, self.lang
        start, q_end = q.start_date(t.s.start_month), t.end(q)
        pending = [m for m in t.milestones if dates[m.id][1] is None]
        upcoming = pending[0] if pending else None
        worst = sorted(trouble, key=lambda mt: mt[1] is not OFF_TRACK)[0][0] if trouble else None
        action = t.action
        final = t.s.live is None and t.completion is None and q == t.quarters[-1]
        return Facts(
            lang=lang,
            lead=self.lead,
            action=action.text("title", lang),
            lead_department=_lead(action).acronym,
            partners=[
                d.acronym
                for d in [_lead(action), *action.participants]
                if d.id != self.department.id
            ],
            percent=percent,
            status=status.value,
            next_milestone=(upcoming or action).text("title", lang),
            next_forecast=dates[upcoming.id][0] if upcoming else None,
            done=[
                (m.text("title", lang), d, (d - m.baseline_due).days)
                for m in t.milestones
                if (d := t.done[m.id]) is not None and start <= d <= q_end
            ],
            slip=Slip(worst.text("title", lang), worst.baseline_due, dates[worst.id][0] or q_end)
            if worst
            else None,
            cause=self.cause,
            carried=pending[0].text("title", lang) if final and pending else None,
        )


def _lead(action: Action) -> Department:
    """The action's lead: every action of the demo's active plans has one."""
    assert action.lead_department is not None, action.code
    return action.lead_department


def plan_drafts(s: Setting, actions: list[Action]) -> list[Draft]:
    """Every update of the plan's history, in a stable order."""
    drafts: list[Draft] = []
    slots: dict[int, int] = {}
    for action in actions:
        t = Trajectory(action, s)
        departments = [_lead(action)] + ([] if s.lead_only else action.participants)
        for department in departments:
            slot = None
            if s.live is not None and t.quarters and t.quarters[-1] == s.live:
                if department.id in s.showcase:
                    slot = slots[department.id] = slots.get(department.id, -1) + 1
            drafts.extend(DepartmentReports(t, department, slot).drafts())
    return drafts
