"""Audit events in words: a translated sentence per event naming the actor and the object by what
people know (a plan's title, an action's code, a quarter), with links to the objects that still
exist and that the reader may open, and field changes as "field: before → after".

The sentences are in `sentences`; this module fills them. A sentence that cannot be filled (an
unknown kind, an object deleted since) falls back to a generic one: describing never fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from tracker.access import rule_for
from tracker.audit import details
from tracker.audit.kinds import KIND_LABELS, kind_label, object_type_label
from tracker.audit.sentences import GENERIC, GENERIC_WITH_OBJECT, SENTENCES
from tracker.i18n import localized, quarter_label
from tracker.models import (
    Action,
    AnnualReport,
    ApiToken,
    AuditEvent,
    Department,
    Milestone,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    StrategicArea,
    User,
    WorkflowState,
)
from tracker.services.audit.subjects import Subjects
from tracker.vocab import actor_label


@dataclass(frozen=True)
class Segment:
    """A piece of a sentence's named place: text, linked when `url` is set."""

    text: str
    url: str | None = None

    def html(self) -> Markup:
        if self.url is None:
            return escape(self.text)
        return Markup('<a href="{}">{}</a>').format(self.url, self.text)


Ref = tuple[Segment, ...]


@dataclass(frozen=True)
class Description:
    """One event in words: the filled sentence, then lines such as "Role: Planner → Admin"."""

    template: str  # translated, with %(name)s places
    refs: Mapping[str, Ref]
    lines: tuple[str, ...] = ()

    def sentence(self) -> str:
        """The sentence as plain text (the CSV's description)."""
        return self.template % {k: "".join(s.text for s in ref) for k, ref in self.refs.items()}

    def text(self) -> str:
        """The sentence and its lines as one line of plain text."""
        if not self.lines:
            return self.sentence()
        return f"{self.sentence()} {'. '.join(self.lines)}."

    def html(self) -> Markup:
        """The sentence with its links, and its lines as a list."""
        filled = Markup(escape(self.template)) % {
            k: Markup("").join(s.html() for s in ref) for k, ref in self.refs.items()
        }
        if not self.lines:
            return filled
        items = Markup("").join(Markup("<li>{}</li>").format(line) for line in self.lines)
        return filled + Markup('<ul class="audit-changes">{}</ul>').format(items)


@dataclass(frozen=True)
class EventRow:
    """An event as the trail's table shows it."""

    event: AuditEvent
    kind: str
    description: Description


def _text(value: str) -> Ref:
    return (Segment(value),)


class Describer:
    """Describes events for one reader: links only to pages the reader's role may open."""

    def __init__(self, subjects: Subjects, reader_role: str | None) -> None:
        self.subjects = subjects
        self.reader_role = reader_role  # None: no links at all (the CSV)

    def link(self, endpoint: str, **values: Any) -> str | None:
        """The URL of `endpoint` when the reader may open it, else None."""
        if self.reader_role is None:
            return None
        rule = rule_for(endpoint)
        if rule is None or not (
            rule.public or rule.roles is None or self.reader_role in rule.roles
        ):
            return None
        return url_for(endpoint, **values)

    # ---- the named places ---------------------------------------------------------------

    def user(self, user: User) -> Ref:
        return (Segment(user.name or user.email, self.link("admin.edit_user", user_id=user.id)),)

    def actor(self, event: AuditEvent) -> Ref:
        user = self.subjects.actor_of(event)
        if user is not None:
            return self.user(user)
        return _text(actor_label(event.actor_label) or gettext("Someone"))

    def plan(self, plan: Plan) -> Ref:
        return (Segment(localized(plan, "title"), self.link("plans.overview", slug=plan.slug)),)

    def action(self, action: Action) -> Ref:
        slug = action.area.plan.slug
        return (Segment(action.code, self.link("plans.action", slug=slug, code=action.code)),)

    def object_refs(self, obj: Any) -> dict[str, Ref]:
        """The named places an existing object fills."""
        if isinstance(obj, Plan):
            return {"plan": self.plan(obj)}
        if isinstance(obj, StrategicArea):
            area = Segment(f"{obj.code} – {localized(obj, 'name')}")
            return {"area": (area,), "plan": self.plan(obj.plan)}
        if isinstance(obj, Action):
            return {"action": self.action(obj), "plan": self.plan(obj.area.plan)}
        if isinstance(obj, Milestone):
            refs = self.object_refs(obj.action)
            return {**refs, "milestone": _text(obj.code)}
        if isinstance(obj, ProgressUpdate):
            return {**self.object_refs(obj.action), "update": self.update(obj)}
        if isinstance(obj, ReportingPeriod):
            url = self.link("admin.edit_period", period_id=obj.id)
            return {"period": (Segment(quarter_label(obj.quarter), url),)}
        if isinstance(obj, AnnualReport):
            return self.report(obj)
        if isinstance(obj, User):
            return {"user": self.user(obj)}
        if isinstance(obj, Department):
            return {"department": _text(f"{localized(obj, 'name')} ({obj.acronym})")}
        if isinstance(obj, ApiToken):
            return {"name": _text(details.quoted(obj.name))}
        return {}

    def update(self, update: ProgressUpdate) -> Ref:
        """The update's quarter, linked to the update (review) or else the action's history;
        a draft is its department's alone, so it is not linked."""
        if update.state == WorkflowState.DRAFT:
            return _text(quarter_label(update.period.quarter))
        url = self.link("review.show", update_id=update.id)
        if url is None:
            slug, code = update.action.area.plan.slug, update.action.code
            url = self.link("plans.action_history", slug=slug, code=code)
        return (Segment(quarter_label(update.period.quarter), url),)

    def report(self, report: AnnualReport) -> dict[str, Ref]:
        url = self.link("reports.show", report_id=report.id)
        return {
            "plan": self.plan(report.plan),
            "year": _text(details.year(report.fiscal_year)),
            "version": (Segment(str(report.version), url),),
        }

    # ---- the sentence ---------------------------------------------------------------------

    def describe(self, event: AuditEvent) -> Description:
        """The event in words; a generic sentence when its own cannot be filled."""
        detail = event.detail if isinstance(event.detail, dict) else {}
        refs = {"actor": self.actor(event), "kind": _text(kind_label(event.action))}
        refs |= {k: _text(v) for k, v in details.values(event.action, detail).items()}
        if detail.get("from") and event.action == "plan.copied":
            source = self.subjects.plans_by_slug.get(str(detail["from"]))
            refs["source"] = self.plan(source) if source else _text(str(detail["from"]))
        if event.action in ("plan.imported", "area.added", "action.added"):
            slug = str(detail.get("plan") or detail.get("slug") or "")
            if slug in self.subjects.plans_by_slug:
                refs["plan"] = self.plan(self.subjects.plans_by_slug[slug])
        obj = self.subjects.object_of(event)
        if obj is not None:
            refs |= self.object_refs(obj)
        else:
            refs |= {k: _text(v) for k, v in details.gone(event.action, detail).items()}
        template = SENTENCES.get(f"{event.action}:{details.variant(event.action, detail)}")
        if template is None:
            template = SENTENCES.get(event.action)
        lines = details.lines(event.action, detail)
        if template is not None and _fills(str(template), refs):
            return Description(str(template), refs, lines)
        return self.generic(event, refs, detail)

    def generic(
        self, event: AuditEvent, refs: dict[str, Ref], detail: dict[str, Any]
    ) -> Description:
        """The fallback: who, which kind, which object, and what was recorded, in plain words."""
        if event.action in KIND_LABELS:
            lines = details.lines(event.action, detail)
        else:
            lines = details.generic_lines(detail)
        if not event.object_type:
            return Description(str(GENERIC), refs, lines)
        known = [refs[k] for k in ("action", "milestone", "area", "plan", "user") if k in refs]
        label = object_type_label(event.object_type)
        if known:
            what = (Segment(f"{label} "), *known[0])
        else:
            what = _text(f"{label} {event.object_id}".strip())
        return Description(str(GENERIC_WITH_OBJECT), {**refs, "object": what}, lines)


def _fills(template: str, refs: Mapping[str, Ref]) -> bool:
    """True when every named place of `template` has a value."""
    try:
        template % {k: "" for k in refs}
    except (KeyError, TypeError, ValueError):
        return False
    return True


def describe_events(
    events: Iterable[AuditEvent], subjects: Subjects, reader_role: str | None
) -> list[EventRow]:
    """The table rows of `events` for a reader of `reader_role` (None: without links)."""
    describer = Describer(subjects, reader_role)
    return [EventRow(e, kind_label(e.action), describer.describe(e)) for e in events]


CSV_HEADER = (
    _l("When (UTC, ISO 8601)"),
    _l("Kind"),
    _l("Description"),
    _l("Actor id"),
    _l("Object type"),
    _l("Object id"),
)


def csv_rows(batches: Iterable[tuple[list[AuditEvent], Subjects]]) -> Iterator[list[object]]:
    """The header, then one row per event: its description in the reader's language and the
    machine columns (cells are made formula-safe by the CSV writer)."""
    yield [str(name) for name in CSV_HEADER]
    for events, subjects in batches:
        describer = Describer(subjects, None)
        for event in events:
            yield [
                event.occurred_at.isoformat(),
                event.action,
                describer.describe(event).text(),
                event.actor_id if event.actor_id is not None else "",
                event.object_type,
                event.object_id,
            ]
