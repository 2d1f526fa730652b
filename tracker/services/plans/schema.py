"""The YAML plan format: read a plan document into typed specs, collecting every problem."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.fiscal import DEFAULT_START_MONTH, FiscalQuarter
from tracker.models import Department, Plan, PlanStatus, User
from tracker.models.plan import DEFAULT_LEVEL_NAMES
from tracker.services.calendar import clock, periods
from tracker.services.plans.fields import MISSING, Reader, Text, _, at

FORMAT = "roadmap-tracker/plan@1"
MAX_YEARS = 20
MIN_YEAR, MAX_YEAR = 1900, 2200
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
COLOUR_RE = re.compile(r"#[0-9A-Fa-f]{6}")
DEFAULT_COLOUR = "#1f6fb2"
URL_RE = re.compile(r"https?://\S+$")

TOP_KEYS = (("format", "plan", "areas"), ("departments",))
PLAN_KEYS = (
    ("slug", "title", "first_year", "last_year"),
    ("summary", "status", "owner", "source_url", "predecessor", "levels"),
)
LEVEL_KEYS = ((), ("area", "action"))
RETIRED_KEYS = (("reason",), ("at", "by"))
PARTICIPANT_KEYS = (("department",), ("since",))
DEPARTMENT_KEYS = (("acronym", "name"), ("acronym_fr",))
AREA_KEYS = (("code", "name"), ("colour", "goal", "actions"))
ACTION_KEYS = (
    ("code", "title", "lead", "start", "baseline_target"),
    ("description", "illustrative", "participants", "target", "milestones", "retired"),
)
# A draft plan's action may leave out its lead, start and targets until the plan is activated.
SCHEDULE_KEYS = ("lead", "start", "baseline_target")
DRAFT_ACTION_KEYS = (
    tuple(k for k in ACTION_KEYS[0] if k not in SCHEDULE_KEYS),
    (*SCHEDULE_KEYS, *ACTION_KEYS[1]),
)
MILESTONE_KEYS = (("code", "title", "baseline_due"), ("current_due", "completed", "retired"))


def _action_needs() -> dict[str, str]:
    """Why an action's lead and dates are required: an active plan's actions are reported on
    and measured against them; a draft may leave them out until it is activated."""
    why = _(
        "every action of an active or archived plan needs its lead, start and "
        "baseline_target; a draft plan may leave them out"
    )
    return dict.fromkeys(SCHEDULE_KEYS, why)


class PlanImportError(ValueError):
    """A plan document was refused whole; `errors` lists every problem with its location."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class DepartmentSpec:
    acronym: str
    name: Text
    acronym_fr: str | None = None  # None: not in the file (what is stored is kept)


@dataclass(frozen=True)
class RetiredSpec:
    """An action or milestone retired: why, and when and by whom (an e-mail) as stored."""

    reason: str
    at: datetime | None = None
    by: str = ""


@dataclass(frozen=True)
class MilestoneSpec:
    code: str
    title: Text
    baseline_due: date
    completed: date | None
    current_due: date | None = None
    retired: RetiredSpec | None = None


@dataclass(frozen=True)
class ActionSpec:
    code: str
    title: Text
    description: Text
    illustrative: bool
    lead: str | None  # None, and the quarters too: not set yet (a draft plan only)
    participants: tuple[str, ...]
    start: FiscalQuarter | None
    baseline_target: FiscalQuarter | None
    target: FiscalQuarter | None
    milestones: tuple[MilestoneSpec, ...]
    retired: RetiredSpec | None = None
    since: tuple[tuple[str, FiscalQuarter], ...] = ()  # participants owing from a later quarter


@dataclass(frozen=True)
class AreaSpec:
    code: str
    colour: str
    name: Text
    goal: Text
    actions: tuple[ActionSpec, ...]


@dataclass(frozen=True)
class PlanSpec:
    slug: str
    title: Text
    summary: Text
    first_year: int
    last_year: int
    status: str
    departments: tuple[DepartmentSpec, ...]
    areas: tuple[AreaSpec, ...]
    owner: Text = Text("", "")
    source_url: str = ""
    predecessor: str = ""  # a plan's slug
    levels: tuple[Text, Text] = (
        Text(DEFAULT_LEVEL_NAMES["area_label_en"], DEFAULT_LEVEL_NAMES["area_label_fr"]),
        Text(DEFAULT_LEVEL_NAMES["action_label_en"], DEFAULT_LEVEL_NAMES["action_label_fr"]),
    )


@dataclass(frozen=True)
class _Context:
    """What the rules need beyond the document itself."""

    departments: frozenset[str]
    start_month: int
    today: date
    draft: bool = False  # a draft plan's actions may leave out their lead and dates


def parse_plan_document(
    data: object,
    known_departments: Collection[str] = (),
    start_month: int = DEFAULT_START_MONTH,
    today: date | None = None,
) -> tuple[PlanSpec | None, list[str]]:
    """The document as a PlanSpec, or None and every problem found (pure: no database)."""
    r = Reader()
    top = r.fields(data, "", TOP_KEYS)
    if top["format"] is not MISSING and top["format"] != FORMAT:
        problem = _(
            '"%(value)s" is not supported (expected "%(format)s")',
            value=top["format"],
            format=FORMAT,
        )
        r.error("format", problem)
    plan = _plan(r, top["plan"])
    departments, acronyms = _departments(r, top["departments"])
    today = today or datetime.now(UTC).date()
    draft = plan is None or plan.status == PlanStatus.DRAFT.value
    context = _Context(frozenset(known_departments) | acronyms, start_month, today, draft)
    areas = _areas(r, top["areas"], context)
    if r.errors or plan is None:
        return None, r.errors
    return replace(plan, departments=departments, areas=areas), []


def validate_plan_document(data: object) -> list[str]:
    """Every problem in a plan document; reads the known departments, plans and users, writes
    nothing."""
    spec, errors = parse_plan_document(
        data, existing_departments(), periods.start_month(), clock.today()
    )
    return errors if spec is None else reference_errors(spec)


def reference_errors(spec: PlanSpec) -> list[str]:
    """What a checked document names that the database lacks: the predecessor plan and the
    people who retired actions or milestones."""
    errors = []
    if spec.predecessor and not db.session.scalar(
        select(Plan.id).where(Plan.slug == spec.predecessor)
    ):
        problem = _('no plan "%(value)s" (import the predecessor first)', value=spec.predecessor)
        errors.append(f"plan.predecessor: {problem}")
    wanted = {
        (loc, item.retired.by)
        for loc, item in _retirable(spec)
        if item.retired is not None and item.retired.by
    }
    emails = {email for _loc, email in wanted}
    known = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    for loc, email in sorted(wanted):
        if email not in known:
            errors.append(f"{loc}.retired.by: " + _('no user "%(value)s"', value=email))
    return errors


def _retirable(spec: PlanSpec) -> list[tuple[str, ActionSpec | MilestoneSpec]]:
    """Every action and milestone with its location in the document."""
    found: list[tuple[str, ActionSpec | MilestoneSpec]] = []
    for i, area in enumerate(spec.areas):
        for j, action in enumerate(area.actions):
            loc = f"areas[{i}].actions[{j}]"
            found.append((loc, action))
            found += [(f"{loc}.milestones[{k}]", m) for k, m in enumerate(action.milestones)]
    return found


def existing_departments() -> set[str]:
    """The acronyms of the departments already in the database."""
    return set(db.session.scalars(select(Department.acronym)))


def _plan(r: Reader, value: object) -> PlanSpec | None:
    f = r.fields(value, "plan", PLAN_KEYS)
    slug = r.text(f["slug"], "plan.slug", 80)
    if slug and not SLUG_RE.fullmatch(slug):
        r.error(
            "plan.slug",
            _(
                '"%(value)s" is not a valid slug (lowercase letters and digits, '
                "words joined by single hyphens)",
                value=slug,
            ),
        )
    title = r.bilingual(f["title"], "plan.title", 300)
    summary = r.bilingual(f["summary"], "plan.summary", required=False)
    first = r.integer(f["first_year"], "plan.first_year", MIN_YEAR, MAX_YEAR)
    last = r.integer(f["last_year"], "plan.last_year", MIN_YEAR, MAX_YEAR)
    status = r.choice(f["status"], "plan.status", [s.value for s in PlanStatus], "draft")
    owner = r.bilingual(f["owner"], "plan.owner", 300, required=False)
    source_url = _url(r, f["source_url"], "plan.source_url")
    predecessor = r.text(f["predecessor"], "plan.predecessor", 80, required=False)
    if predecessor and predecessor == slug:
        r.error("plan.predecessor", _("a plan cannot be its own predecessor"))
    levels = _levels(r, f["levels"])
    if first is None or last is None:
        return None
    if last < first:
        r.error(
            "plan.last_year", _("%(last)s is before first_year %(first)s", last=last, first=first)
        )
    elif last - first + 1 > MAX_YEARS:
        r.error("plan.last_year", _("a plan covers at most %(num)s fiscal years", num=MAX_YEARS))
    return PlanSpec(
        slug, title, summary, first, last, status, (), (), owner, source_url, predecessor, levels
    )


def _url(r: Reader, value: object, loc: str) -> str:
    url = r.text(value, loc, 500, required=False)
    if url and not URL_RE.match(url):
        problem = _('"%(value)s" is not a web address (expected http:// or https://)', value=url)
        r.error(loc, problem)
    return url


def _levels(r: Reader, value: object) -> tuple[Text, Text]:
    """What the plan calls its two levels; each, when given, in English and French."""
    defaults = PlanSpec.levels
    if value is MISSING or value is None:
        return defaults
    f = r.fields(value, "plan.levels", LEVEL_KEYS)
    return (
        defaults[0]
        if f["area"] is MISSING
        else r.bilingual(f["area"], "plan.levels.area", 60, french=True),
        defaults[1]
        if f["action"] is MISSING
        else r.bilingual(f["action"], "plan.levels.action", 60, french=True),
    )


def _retired(r: Reader, value: object, loc: str) -> RetiredSpec | None:
    """`retired: {reason, at, by}` (absent or null: not retired)."""
    if value is MISSING or value is None:
        return None
    f = r.fields(value, loc, RETIRED_KEYS)
    reason = r.text(f["reason"], at(loc, "reason"), None)
    when = None
    if f["at"] is not MISSING and f["at"] is not None:
        when = _moment(r, f["at"], at(loc, "at"))
    by = r.text(f["by"], at(loc, "by"), 254, required=False)
    return RetiredSpec(reason, when, by)


def _moment(r: Reader, value: object, loc: str) -> datetime | None:
    """A date and time (UTC unless it says otherwise), as YAML reads it or as ISO text."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    problem = _(
        '"%(value)s" is not a date and time (expected e.g. 2019-05-01 14:30:00+00:00)',
        value=value,
    )
    r.error(loc, problem)
    return None


def _departments(r: Reader, value: object) -> tuple[tuple[DepartmentSpec, ...], frozenset[str]]:
    specs, seen = [], set[str]()
    for i, item in enumerate(r.items(value, "departments")):
        loc = f"departments[{i}]"
        f = r.fields(item, loc, DEPARTMENT_KEYS)
        acronym = r.code(f["acronym"], at(loc, "acronym"), seen, what="acronym")
        # Departments are shared by every plan: their names stay complete in both languages.
        name = r.bilingual(f["name"], at(loc, "name"), 200, french=True)
        french = None
        if f["acronym_fr"] is not MISSING and f["acronym_fr"] is not None:
            french = r.code(f["acronym_fr"], at(loc, "acronym_fr"), set(), what="acronym")
        specs.append(DepartmentSpec(acronym, name, french or None))
    return tuple(specs), frozenset(seen - {""})


def _areas(r: Reader, value: object, context: _Context) -> tuple[AreaSpec, ...]:
    areas, area_codes, action_codes = [], set[str](), set[str]()
    for i, item in enumerate(r.items(value, "areas")):
        loc = f"areas[{i}]"
        f = r.fields(item, loc, AREA_KEYS)
        code = r.code(f["code"], at(loc, "code"), area_codes)
        name = r.bilingual(f["name"], at(loc, "name"), 200)
        goal = r.bilingual(f["goal"], at(loc, "goal"), required=False)
        colour = _colour(r, f["colour"], at(loc, "colour"))
        actions = []
        for j, entry in enumerate(r.items(f["actions"], at(loc, "actions"))):
            action = _action(r, entry, f"{loc}.actions[{j}]", context, action_codes)
            if action is not None:
                actions.append(action)
        areas.append(AreaSpec(code, colour, name, goal, tuple(actions)))
    return tuple(areas)


def _colour(r: Reader, value: object, loc: str) -> str:
    if value is MISSING:
        return DEFAULT_COLOUR
    if value is None:
        # An unquoted #rrggbb is a YAML comment, which leaves the key empty.
        r.error(loc, _('empty (write the colour in quotes, e.g. "#1f6fb2")'))
        return DEFAULT_COLOUR
    colour = r.text(value, loc, None)
    if colour and not COLOUR_RE.fullmatch(colour):
        r.error(
            loc, _('"%(value)s" is not a colour (expected "#rrggbb", e.g. "#1f6fb2")', value=colour)
        )
    return colour


def _action(
    r: Reader, value: object, loc: str, context: _Context, codes: set[str]
) -> ActionSpec | None:
    before = len(r.errors)
    if context.draft:
        f = r.fields(value, loc, DRAFT_ACTION_KEYS)
        f |= {k: MISSING for k in (*SCHEDULE_KEYS, "target") if f[k] is None}  # null: not set
    else:
        f = r.fields(value, loc, ACTION_KEYS, _action_needs())
    code = r.code(f["code"], at(loc, "code"), codes)
    title = r.bilingual(f["title"], at(loc, "title"), 300)
    description = r.bilingual(f["description"], at(loc, "description"), required=False)
    illustrative = r.boolean(f["illustrative"], at(loc, "illustrative"), False)
    lead = _department(r, f["lead"], at(loc, "lead"), context)
    participants, since = _participants(
        r, f["participants"], at(loc, "participants"), context, lead
    )
    start = r.quarter(f["start"], at(loc, "start"))
    baseline = r.quarter(f["baseline_target"], at(loc, "baseline_target"))
    given = f["target"] is not MISSING and f["target"] is not None
    target = r.quarter(f["target"], at(loc, "target")) if given else baseline
    for key, quarter in (("baseline_target", baseline), ("target", target)):
        if start is not None and quarter is not None and quarter < start:
            r.error(
                at(loc, key),
                _("%(quarter)s is before the start %(start)s", quarter=quarter, start=start),
            )
    milestones = _milestones(r, f["milestones"], at(loc, "milestones"), context, (start, baseline))
    retired = _retired(r, f["retired"], at(loc, "retired"))
    if len(r.errors) > before:
        return None
    if not context.draft and (start is None or baseline is None or target is None):
        return None
    return ActionSpec(
        code=code,
        title=title,
        description=description,
        illustrative=illustrative,
        lead=lead or None,
        participants=participants,
        start=start,
        baseline_target=baseline,
        target=target,
        milestones=milestones,
        retired=retired,
        since=since,
    )


def _department(r: Reader, value: object, loc: str, context: _Context) -> str:
    acronym = r.text(value, loc, 20)
    if acronym and acronym not in context.departments:
        r.error(loc, _('unknown department "%(value)s"', value=acronym))
    return acronym


def _participants(
    r: Reader, value: object, loc: str, context: _Context, lead: str
) -> tuple[tuple[str, ...], tuple[tuple[str, FiscalQuarter], ...]]:
    """Acronyms, each plain or as `{department, since}` (a participant owing updates only from
    the quarter `since`); returns the acronyms and the (acronym, since) pairs."""
    acronyms, seen, since = [], set[str](), []
    for i, item in enumerate(r.items(value, loc)):
        if isinstance(item, dict):
            f = r.fields(item, f"{loc}[{i}]", PARTICIPANT_KEYS)
            item = f["department"]
            if f["since"] is not MISSING:
                quarter = r.quarter(f["since"], f"{loc}[{i}].since")
                acronym = item if isinstance(item, str) else ""
                if quarter is not None and acronym:
                    since.append((acronym.strip(), quarter))
        acronym = _department(r, item, f"{loc}[{i}]", context)
        if acronym and acronym == lead:
            problem = _(
                '"%(value)s" is the lead; the lead is not also a participant', value=acronym
            )
            r.error(f"{loc}[{i}]", problem)
        elif acronym in seen:
            r.error(f"{loc}[{i}]", _('duplicate "%(value)s"', value=acronym))
        seen.add(acronym)
        acronyms.append(acronym)
    return tuple(acronyms), tuple(since)


def _milestones(
    r: Reader,
    value: object,
    loc: str,
    context: _Context,
    quarters: tuple[FiscalQuarter | None, FiscalQuarter | None],
) -> tuple[MilestoneSpec, ...]:
    milestones, codes = [], set[str]()
    for i, item in enumerate(r.items(value, loc)):
        here = f"{loc}[{i}]"
        f = r.fields(item, here, MILESTONE_KEYS)
        code = r.code(f["code"], at(here, "code"), codes)
        title = r.bilingual(f["title"], at(here, "title"), 300)
        due = r.day(f["baseline_due"], at(here, "baseline_due"))
        completed = r.day(f["completed"], at(here, "completed"), required=False)
        current = r.day(f["current_due"], at(here, "current_due"), required=False)
        _check_dates(r, here, context, quarters, (due, completed))
        retired = _retired(r, f["retired"], at(here, "retired"))
        if due is not None:
            current = None if current == due else current  # not moved
            milestones.append(MilestoneSpec(code, title, due, completed, current, retired))
    return tuple(milestones)


def _check_dates(
    r: Reader,
    loc: str,
    context: _Context,
    quarters: tuple[FiscalQuarter | None, FiscalQuarter | None],
    days: tuple[date | None, date | None],
) -> None:
    """A milestone falls due between its action's start and baseline target, and is not
    completed before the action starts or after today."""
    (start, baseline), (due, completed) = quarters, days
    if start is not None:
        begins = start.start_date(context.start_month)
        for key, day in (("baseline_due", due), ("completed", completed)):
            if day is not None and day < begins:
                problem = _(
                    "%(day)s is before the action starts (%(start)s begins %(begins)s)",
                    day=day,
                    start=start,
                    begins=begins,
                )
                r.error(at(loc, key), problem)
    if baseline is not None and due is not None:
        ends = baseline.end_date(context.start_month)
        if due > ends:
            problem = _(
                "%(day)s is after the action's baseline target (%(quarter)s ends %(ends)s)",
                day=due,
                quarter=baseline,
                ends=ends,
            )
            r.error(at(loc, "baseline_due"), problem)
    if completed is not None and completed > context.today:
        r.error(at(loc, "completed"), _("%(day)s is in the future", day=completed))
