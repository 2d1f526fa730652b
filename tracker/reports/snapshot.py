"""The frozen snapshot of a plan's fiscal year: plain typed data every renderer reads.

A snapshot is built once (`tracker.reports.builder`), stored as JSON beside the report's files
(`to_dict` / `from_dict`) and never changed. Figures derived from it (headline counts, area
means) are properties, so they are never stored twice and never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tracker.fiscal import FiscalQuarter, fiscal_year_label
from tracker.reports.codec import decode, encode
from tracker.vocab import ActionStatus

SCHEMA_VERSION = 1

# Outcomes of a milestone at the end of the fiscal year.
MET = "met"  # completed on or before its baseline due date
LATE = "late"  # completed after its baseline due date, but by the end of the year
MISSED = "missed"  # not completed by the end of the year
MILESTONE_OUTCOMES = (MET, LATE, MISSED)

# Year-end statuses in the order reports list them; None means "no accepted update".
STATUS_ORDER: tuple[str | None, ...] = (*(s.value for s in ActionStatus), None)
ATTENTION_STATUSES = (ActionStatus.OFF_TRACK.value, ActionStatus.AT_RISK.value)


def _text(en: str, fr: str, lang: str) -> str:
    """The text in `lang`, falling back to the other language when empty."""
    return (fr or en) if lang == "fr" else (en or fr)


@dataclass(frozen=True)
class PlanInfo:
    slug: str
    title_en: str
    title_fr: str
    first_year: int
    last_year: int
    # The organisation that owns the plan; absent from reports stored before it was added.
    owner_en: str = ""
    owner_fr: str = ""

    def title(self, lang: str) -> str:
        """The plan's title in `lang`."""
        return _text(self.title_en, self.title_fr, lang)

    def owner(self, lang: str) -> str:
        """The plan's owner in `lang` (empty when the plan names none)."""
        return _text(self.owner_en, self.owner_fr, lang)


@dataclass(frozen=True)
class Highlight:
    """Narrative of an action's accepted year-end update (Q4, else the latest of the year)."""

    quarter: FiscalQuarter
    department: str
    accomplishments: str
    risks: str
    language: str = ""  # the language the department wrote in ('' in older reports)


@dataclass(frozen=True)
class ActionRow:
    """One action at the end of the fiscal year, from accepted updates only."""

    code: str
    title_en: str
    title_fr: str
    lead: str
    start_quarter: FiscalQuarter
    baseline_target: FiscalQuarter
    current_target: FiscalQuarter
    slippage: int  # quarters from the baseline to the current target (positive = late)
    status: str | None  # None: no accepted update up to the end of the year
    status_quarter: FiscalQuarter | None
    percent: int | None
    expected: float  # expected percent at the end of the year
    variance: float | None  # percent minus expected
    flag: str | None  # progress.status_flag code
    quarterly: tuple[str | None, ...]  # accepted status in each quarter of the year
    milestones_due: int
    milestones_met: int
    milestones_late: int
    milestones_missed: int
    highlight: Highlight | None

    def title(self, lang: str) -> str:
        """The action's title in `lang`."""
        return _text(self.title_en, self.title_fr, lang)


@dataclass(frozen=True)
class AreaRow:
    code: str
    name_en: str
    name_fr: str
    goal_en: str
    goal_fr: str
    colour: str
    actions: tuple[ActionRow, ...]

    def name(self, lang: str) -> str:
        """The area's name in `lang`."""
        return _text(self.name_en, self.name_fr, lang)

    def goal(self, lang: str) -> str:
        """The area's goal statement in `lang`."""
        return _text(self.goal_en, self.goal_fr, lang)

    @property
    def mean_percent(self) -> float | None:
        """Mean reported percent of the actions with an accepted update."""
        values = [a.percent for a in self.actions if a.percent is not None]
        return sum(values) / len(values) if values else None

    @property
    def mean_expected(self) -> float | None:
        """Mean expected percent at the end of the year, over all actions."""
        values = [a.expected for a in self.actions]
        return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class MilestoneRow:
    action_code: str
    code: str
    title_en: str
    title_fr: str
    baseline_due: date
    completed_on: date | None  # as known at the end of the year
    forecast_on: date | None  # from the latest accepted forecast up to the end of the year
    outcome: str  # MET, LATE or MISSED
    slippage_days: int | None

    def title(self, lang: str) -> str:
        """The milestone's title in `lang`."""
        return _text(self.title_en, self.title_fr, lang)


@dataclass(frozen=True)
class RateFigure:
    """Updates submitted on time out of those owed for past-due periods."""

    on_time: int
    due: int

    @property
    def percent(self) -> float | None:
        """On-time share in percent; None when nothing was due."""
        return 100.0 * self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class ComplianceCell:
    state: str  # compliance.ON_TIME, LATE, MISSING, PENDING or NOT_APPLICABLE
    owed: int
    on_time: int
    late: int
    missing: int
    pending: int


@dataclass(frozen=True)
class ComplianceRow:
    acronym: str
    name_en: str
    name_fr: str
    cells: tuple[ComplianceCell, ...]  # one per quarter of ComplianceTable.quarters
    rate: RateFigure

    def name(self, lang: str) -> str:
        """The department's name in `lang`."""
        return _text(self.name_en, self.name_fr, lang)


@dataclass(frozen=True)
class ComplianceTable:
    quarters: tuple[FiscalQuarter, ...]  # the year's periods that had opened at generation
    rows: tuple[ComplianceRow, ...]
    quarter_rates: tuple[RateFigure, ...]
    rate: RateFigure


@dataclass(frozen=True)
class MissingCount:
    """A department's updates still missing for periods past due at the end of the year."""

    acronym: str
    name_en: str
    name_fr: str
    count: int
    quarters: tuple[FiscalQuarter, ...]


@dataclass(frozen=True)
class SilentRow:
    action_code: str
    title_en: str
    title_fr: str
    last_reported: FiscalQuarter | None

    def title(self, lang: str) -> str:
        """The action's title in `lang`."""
        return _text(self.title_en, self.title_fr, lang)


@dataclass(frozen=True)
class AttentionSummary:
    """Needs-attention items as of the last day of the year (see docs/reports.md)."""

    as_of: date
    missing: tuple[MissingCount, ...]
    overdue_milestones: tuple[MilestoneRow, ...]
    silent: tuple[SilentRow, ...]
    silent_quarters: tuple[FiscalQuarter, ...]


@dataclass(frozen=True)
class UpdateCounts:
    """The year's updates by workflow state at generation; only accepted ones count."""

    accepted: int
    submitted: int
    returned: int
    draft: int

    @property
    def pending(self) -> int:
        """Updates not accepted (submitted, returned or draft): left out of the figures."""
        return self.submitted + self.returned + self.draft

    @property
    def total(self) -> int:
        """All updates of the year."""
        return self.accepted + self.pending


@dataclass(frozen=True)
class PlanChangeRow:
    """A change to the plan made in the year (the plan's change log): what, from -> to, why,
    who and when. Values are stored as the log keeps them (quarters and dates in ISO form)."""

    at: datetime
    who: str
    kind: str  # a ChangeKind value
    action_code: str
    milestone_code: str
    field: str
    old_value: str
    new_value: str
    reason: str


@dataclass(frozen=True)
class ReportSnapshot:
    schema: int
    plan: PlanInfo
    fiscal_year: int
    start_month: int
    year_start: date
    year_end: date
    generated_at: datetime
    language: str  # the language the files are rendered in
    quarters: tuple[FiscalQuarter, ...]  # the four quarters of the year
    areas: tuple[AreaRow, ...]
    milestones: tuple[MilestoneRow, ...]  # due in the year
    compliance: ComplianceTable
    attention: AttentionSummary
    updates: UpdateCounts
    # Reports made before the change log existed have none (absent from their stored JSON).
    changes: tuple[PlanChangeRow, ...] = ()

    def year_label(self, lang: str | None = None) -> str:
        """The report's fiscal year as people write it, e.g. '2018-19' or '2018-2019'."""
        return self.year_label_of(self.fiscal_year, lang)

    def year_label_of(self, year: int, lang: str | None = None) -> str:
        """Any fiscal year's label in the report's language and calendar."""
        return fiscal_year_label(year, lang or self.language, self.start_month)

    def quarter_label(self, quarter: FiscalQuarter, lang: str | None = None) -> str:
        """A quarter's label in the report's language."""
        return quarter.label(lang or self.language, self.start_month)

    @property
    def plan_quarters(self) -> tuple[FiscalQuarter, ...]:
        """Every quarter of the plan, first to last (the roadmap chart's axis)."""
        first = FiscalQuarter(self.plan.first_year, 1)
        last = FiscalQuarter(self.plan.last_year, 4)
        return tuple(first + n for n in range(last - first + 1))

    @property
    def actions(self) -> tuple[ActionRow, ...]:
        """All actions in plan order."""
        return tuple(a for area in self.areas for a in area.actions)

    @property
    def status_counts(self) -> tuple[tuple[str | None, int], ...]:
        """(status, number of actions) for every status, in STATUS_ORDER."""
        counts = Counter(a.status for a in self.actions)
        return tuple((status, counts[status]) for status in STATUS_ORDER)

    @property
    def milestone_counts(self) -> dict[str, int]:
        """Milestones due in the year by outcome."""
        counts = Counter(m.outcome for m in self.milestones)
        return {outcome: counts[outcome] for outcome in MILESTONE_OUTCOMES}

    @property
    def attention_actions(self) -> tuple[ActionRow, ...]:
        """Actions off track, then at risk, at the end of the year."""
        rows = [a for a in self.actions if a.status in ATTENTION_STATUSES]
        return tuple(sorted(rows, key=lambda a: ATTENTION_STATUSES.index(a.status or "")))

    @property
    def flagged_actions(self) -> tuple[ActionRow, ...]:
        """Actions reported on track while their schedule says otherwise."""
        return tuple(a for a in self.actions if a.flag is not None)

    @property
    def slipped_actions(self) -> tuple[ActionRow, ...]:
        """Actions whose current target is later than the baseline."""
        return tuple(a for a in self.actions if a.slippage > 0)

    @property
    def mean_percent(self) -> float | None:
        """Mean reported percent of actions with an accepted update."""
        values = [a.percent for a in self.actions if a.percent is not None]
        return sum(values) / len(values) if values else None

    @property
    def mean_expected(self) -> float | None:
        """Mean expected percent at the end of the year."""
        values = [a.expected for a in self.actions]
        return sum(values) / len(values) if values else None


def to_dict(snapshot: ReportSnapshot) -> dict[str, Any]:
    """The snapshot as a JSON-ready dict (what AnnualReport.snapshot stores)."""
    data: dict[str, Any] = encode(snapshot)
    return data


def from_dict(data: dict[str, Any]) -> ReportSnapshot:
    """The snapshot stored by `to_dict`."""
    if data.get("schema") != SCHEMA_VERSION:
        raise ValueError(f"unsupported report snapshot schema {data.get('schema')!r}")
    return decode(ReportSnapshot, data)
