"""Plans in and out as YAML: import a whole plan in one transaction, export it losslessly.

The format is documented in docs/plan-format.md; plan_schema.py holds its rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from tracker.db import prepare_write
from tracker.extensions import db
from tracker.models import User
from tracker.services.calendar import clock, periods
from tracker.services.plans.fields import kind
from tracker.services.plans.schema import (
    FORMAT,
    PlanImportError,
    existing_departments,
    parse_plan_document,
    validate_plan_document,
)
from tracker.services.plans.store import ImportResult, load_plan, plan_document, write_plan

__all__ = [
    "FORMAT",
    "ImportResult",
    "PlanImportError",
    "PlanNotFoundError",
    "export_plan",
    "export_plan_yaml",
    "import_plan",
    "import_plan_file",
    "load_plan_yaml",
    "validate_plan_document",
]


class PlanNotFoundError(LookupError):
    """No plan has the requested slug."""


def import_plan(data: Mapping[str, Any], actor: User | None = None) -> ImportResult:
    """Create or update the plan a document describes, all or nothing, and commit."""
    prepare_write()
    try:
        spec, errors = parse_plan_document(
            data, existing_departments(), periods.start_month(), clock.today()
        )
        if spec is None:
            raise PlanImportError(errors)
        result = write_plan(spec, actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result


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
    return yaml.dump(
        export_plan(slug),
        Dumper=_PlanDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


def load_plan_yaml(content: str | bytes) -> Mapping[str, Any]:
    """Parse YAML text into a mapping, or raise PlanImportError with the line and column."""
    loader = _PlanLoader(content)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise PlanImportError([_yaml_problem(error)]) from error
    except yaml.YAMLError as error:
        raise PlanImportError([f"file: {error}"]) from error
    finally:
        loader.dispose()
    if node is None:
        raise PlanImportError(["line 1, column 1: the file is empty"])
    if not isinstance(data, Mapping):
        mark = node.start_mark
        raise PlanImportError(
            [
                f"line {mark.line + 1}, column {mark.column + 1}: expected a mapping with "
                f"format, plan, departments and areas, not {kind(data)}"
            ]
        )
    return data


# -- reading and writing YAML ---------------------------------------------------------------


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
    problem = error.problem or error.context or "not valid YAML"
    context = f" ({error.context})" if error.context and error.problem else ""
    return f"{where}: {problem}{context}"


class _PlanLoader(yaml.SafeLoader):
    """yaml.safe_load, except that a repeated key is an error (a typo must not silently win)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f'duplicate key "{key_node.value}"',
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep)


def _timestamp_or_text(loader: _PlanLoader, node: yaml.ScalarNode) -> object:
    """An impossible date such as 2019-02-30 stays text so validation can say where it is."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class _PlanDumper(yaml.SafeDumper):
    """Block style with indented lists; text with line breaks as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: _PlanDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    )


def _represent_list(dumper: _PlanDumper, value: list[Any]) -> yaml.SequenceNode:
    flow = all(isinstance(item, str) for item in value)  # participants: [SSC, TBS]
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_PlanDumper.add_representer(str, _represent_text)
_PlanDumper.add_representer(list, _represent_list)
