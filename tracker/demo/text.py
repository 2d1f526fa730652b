"""Narratives for the demo's progress updates, filled from the phrase templates in tracker/demo."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date

from tracker.fiscal import FiscalQuarter

NARRATIVES_FILE = Path(__file__).resolve().parent / "narratives.yaml"
LOCALES = {"en": "en_CA", "fr": "fr_CA"}


@cache
def phrases() -> dict[str, Any]:
    """The phrase templates (read once)."""
    with NARRATIVES_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


@dataclass(frozen=True)
class Decrease:
    """A scripted drop in one action's reported percent, with the lead's explanation."""

    quarter: FiscalQuarter
    drop: int
    reason: dict[str, str]


@cache
def decreases() -> dict[tuple[str, str], Decrease]:
    """Scripted decreases by (plan slug, action code)."""
    return {
        (d["plan"], d["action"]): Decrease(
            FiscalQuarter.parse(d["quarter"]), d["drop"], d["reason"]
        )
        for d in phrases()["decreases"]
    }


@cache
def long_date(day: date, lang: str) -> str:
    """A date as people write it: 'September 30, 2016' or '30 septembre 2016'."""
    return str(format_date(day, "long", locale=LOCALES[lang]))


def join_names(names: list[str], lang: str) -> str:
    """'A, B and C' or 'A, B et C'."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {'et' if lang == 'fr' else 'and'} {names[-1]}"


@dataclass(frozen=True)
class Slip:
    """The milestone behind an at-risk or off-track status, for the risks narrative."""

    title: str
    due: date
    forecast: date


@dataclass(frozen=True)
class Facts:
    """What one update says, in one language: the input of the narrative templates."""

    lang: str
    lead: bool
    action: str
    lead_department: str
    partners: list[str]
    percent: int
    status: str
    next_milestone: str
    next_forecast: date | None
    done: list[tuple[str, date, int]]  # (milestone title, completed on, days late)
    slip: Slip | None
    cause: int  # stable index of the cause of this action's delays
    carried: str | None  # title of a milestone never completed, at the plan's end


class Narrator:
    """Writes the accomplishments, risks and next steps of an update from its facts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.last: dict[int, str] = {}

    def _pick(self, options: list[str]) -> str:
        """A random option, not the one this narrator picked from the same list last time."""
        fresh = [o for o in options if o != self.last.get(id(options))] or options
        choice = self.rng.choice(fresh)
        self.last[id(options)] = choice
        return choice

    def _fill(self, template: str, facts: Facts, **extra: Any) -> str:
        values = {
            "action": facts.action,
            "lead": facts.lead_department,
            "partners": join_names(facts.partners, facts.lang),
            "percent": facts.percent,
            "next": facts.next_milestone,
            **extra,
        }
        return template.format_map(values)

    @staticmethod
    def _phase(facts: Facts) -> str:
        return "start" if facts.percent < 20 else "build" if facts.percent < 75 else "finish"

    def accomplishments(self, facts: Facts) -> str:
        """Milestones completed this quarter, then what the department did."""
        text = phrases()[facts.lang]
        parts = []
        if facts.lead:
            for title, day, late in facts.done:
                key = "milestone_done_late" if late > 7 else "milestone_done"
                when = long_date(day, facts.lang)
                parts.append(text[key].format(milestone=title, date=when, weeks=late // 7))
        if facts.status == "completed":
            parts.append(self._pick(text["completed"]))
        else:
            group = text["lead" if facts.lead else "partner"][self._phase(facts)]
            parts.append(self._fill(self._pick(group), facts))
        return " ".join(parts)

    def risks(self, facts: Facts) -> str:
        """The risks and issues: the slipping milestone and why, or a quiet quarter."""
        text = phrases()[facts.lang]
        parts = []
        if facts.slip is not None and facts.status in ("at_risk", "off_track"):
            slip = facts.slip
            parts.append(
                text["risks"][facts.status].format(
                    milestone=slip.title,
                    due=long_date(slip.due, facts.lang),
                    forecast=long_date(slip.forecast, facts.lang),
                    cause=text["causes"][facts.cause % len(text["causes"])],
                    mitigation=self._pick(text["mitigations"]),
                )
            )
        elif facts.status != "completed":
            parts.append(self._pick(text["risks"]["none"]))
        if facts.carried:
            parts.append(text["carried"].format(milestone=facts.carried))
        return " ".join(p for p in parts if p)

    def next_steps(self, facts: Facts) -> str:
        """The next milestone and its forecast, then the next piece of work."""
        text = phrases()[facts.lang]["next"]
        if facts.status == "completed":
            return str(text["completed"])
        parts = []
        if facts.lead and facts.next_forecast is not None:
            when = long_date(facts.next_forecast, facts.lang)
            parts.append(text["milestone"].format(milestone=facts.next_milestone, forecast=when))
        parts.append(self._fill(self._pick(text[self._phase(facts)]), facts))
        return " ".join(parts)

    def review_comment(self, lang: str, milestone: str) -> str:
        """A planner's reason for returning an update."""
        return self._pick(phrases()[lang]["review"]).format(milestone=milestone)
