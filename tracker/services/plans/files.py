"""Plans in and out as YAML: import a whole plan in one transaction, export it losslessly.

The format is documented in docs/plan-format.md; schema.py holds its rules, yaml_text.py reads
and writes the text, store.py writes a checked plan, diff.py previews what an import changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.models import User
from tracker.services.calendar import clock, periods
from tracker.services.errors import Conflict, NotFound
from tracker.services.plans.diff import PlanDiff, diff_plan, plan_fingerprint
from tracker.services.plans.schema import (
    FORMAT,
    PlanImportError,
    PlanSpec,
    existing_departments,
    parse_plan_document,
    reference_errors,
    validate_plan_document,
)
from tracker.services.plans.store import ImportResult, load_plan, plan_document, write_plan
from tracker.services.plans.yaml_text import decode_text, dump_plan_yaml, load_plan_yaml

__all__ = [
    "FORMAT",
    "ImportResult",
    "Expected",
    "PlanChangedError",
    "PlanImportError",
    "PlanNotFoundError",
    "Preview",
    "export_plan",
    "export_plan_yaml",
    "import_plan",
    "import_plan_file",
    "load_plan_yaml",
    "apply_plan_file",
    "preview_plan_file",
    "validate_plan_document",
]


class PlanNotFoundError(NotFound, LookupError):
    """No plan has the requested slug."""


@dataclass(frozen=True)
class Expected:
    """What a previewed import was shown: the plan it may write and how that plan stood."""

    slug: str | None  # the plan the file updates; None when it must create a new plan
    fingerprint: str  # diff.plan_fingerprint of the plan at the preview ("" when none)


@dataclass(frozen=True)
class Preview:
    """What importing a file would do, and what applying it must still find."""

    diff: PlanDiff
    expected: Expected
    text: str  # the file as text, to apply once the planner has seen the preview


class PlanChangedError(Conflict):
    """The plan changed between the preview and the apply, so nothing was written."""


def import_plan(
    data: Mapping[str, Any],
    actor: User | None = None,
    expected: Expected | None = None,
    reason: str = "",
) -> ImportResult:
    """Create or update the plan a document describes, all or nothing, and commit. With
    `expected` (a browser import), only if the plan still stands as it did at the preview;
    `reason` is logged for each target or due date moved and each item retired."""
    prepare_write()
    try:
        spec = _parse(data)
        if expected is not None:
            plan = load_plan(spec.slug, lock=True)
            _check_target(spec, expected.slug, plan is not None)
            if plan_fingerprint(plan) != expected.fingerprint:
                raise PlanChangedError(spec.slug)
        result = write_plan(spec, actor, reason)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


def preview_plan_file(content: str | bytes, slug: str | None) -> Preview:
    """What importing a plan file would change, for the plan `slug` (None: a new plan).
    Writes nothing; raises PlanImportError with every problem of the file."""
    text = decode_text(content) if isinstance(content, bytes) else content
    spec = _parse(load_plan_yaml(text))
    plan = load_plan(spec.slug)
    _check_target(spec, slug, plan is not None)
    return Preview(diff_plan(plan, spec), Expected(slug, plan_fingerprint(plan)), text)


def apply_plan_file(
    content: str | bytes, expected: Expected, actor: User, reason: str = ""
) -> ImportResult:
    """Import a previewed plan file, checked again in full; PlanChangedError if the plan moved."""
    return import_plan(load_plan_yaml(content), actor, expected, reason)


def _parse(data: Mapping[str, Any]) -> PlanSpec:
    spec, errors = parse_plan_document(
        data, existing_departments(), periods.start_month(), clock.today()
    )
    if spec is None:
        raise PlanImportError(errors)
    if errors := reference_errors(spec):
        raise PlanImportError(errors)
    return spec


def _check_target(spec: PlanSpec, slug: str | None, exists: bool) -> None:
    """A file uploaded as a new plan must not name an existing one; on a plan's page, that plan."""
    if slug is None and exists:
        problem = gettext(
            'a plan "%(slug)s" already exists; to change it, upload the file from its page',
            slug=spec.slug,
        )
    elif slug is not None and spec.slug != slug:
        problem = gettext(
            '"%(found)s" is another plan; this page changes only "%(slug)s"',
            found=spec.slug,
            slug=slug,
        )
    else:
        return
    raise PlanImportError([f"plan.slug: {problem}"])


def import_plan_file(path: str | Path, actor: User | None = None) -> ImportResult:
    """Import a plan from a YAML file (see import_plan)."""
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        raise PlanImportError([f"{path}: {error.strerror or error}"]) from error
    return import_plan(load_plan_yaml(content), actor)


def export_plan(slug: str) -> dict[str, Any]:
    """The plan as a document in the import format (dates as `date`, quarters as text)."""
    plan = load_plan(slug)
    if plan is None:
        raise PlanNotFoundError(f'no plan with slug "{slug}"')
    return plan_document(plan)


def export_plan_yaml(slug: str) -> str:
    """The plan as YAML text, keys in the documented order."""
    return dump_plan_yaml(export_plan(slug))
