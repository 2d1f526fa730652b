"""Plan files as YAML text: reading them (with problems in plain words), and writing them.

PyYAML's own messages ("found character '\\t' that cannot start any token") name parser states,
not what the person typing the file did. Each known slip is told here in plain words, at the
line and column where it is (counted from 1, as editors do).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml

from tracker.services.plans.fields import SourceFloat, SourceInt, _, kind
from tracker.services.plans.schema import PlanImportError


def load_plan_yaml(content: str | bytes) -> Mapping[str, Any]:
    """Parse YAML text into a mapping, or raise PlanImportError with the line and column."""
    if isinstance(content, bytes):
        content = decode_text(content)
    loader = _PlanLoader(content)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        raise PlanImportError([yaml_problem(error, content)]) from error
    except yaml.YAMLError as error:
        problem = _("file: this is not valid YAML (%(problem)s)", problem=error)
        raise PlanImportError([problem]) from error
    finally:
        loader.dispose()
    if node is None:
        raise PlanImportError([located(0, 0, _("the file is empty"))])
    if not isinstance(data, Mapping):
        mark = node.start_mark
        problem = _(
            "expected a mapping with format, plan, departments and areas, not %(kind)s",
            kind=kind(data),
        )
        raise PlanImportError([located(mark.line, mark.column, problem)])
    return data


def decode_text(content: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped), or PlanImportError for anything else."""
    if b"\0" in content:
        raise PlanImportError([_("file: this is not a text file (a YAML plan file is text)")])
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n")
        column = error.start - (content.rfind(b"\n", 0, error.start) + 1)
        problem = _("the file is not UTF-8 text; save it as UTF-8 and upload it again")
        raise PlanImportError([located(line, column, problem)]) from error


def located(line: int, column: int, problem: str) -> str:
    """'line L, column C: problem', from a zero-based line and column."""
    where = _("line %(line)s, column %(column)s", line=line + 1, column=column + 1)
    return f"{where}: {problem}"


def yaml_problem(error: yaml.MarkedYAMLError, text: str = "") -> str:
    """A parser error in plain words, where it is."""
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return _("file: this is not valid YAML (%(problem)s)", problem=error.problem or error)
    problem, context = error.problem or "", error.context or ""
    if "quoted scalar" in context and "end of stream" in problem and error.context_mark:
        opened = error.context_mark
        return located(
            opened.line,
            opened.column,
            _("this quotation mark is never closed; close it at the end of the text"),
        )
    return located(mark.line, mark.column, _plain_words(problem, context, text, mark))


_CANNOT_START = re.compile(r"found character '(.+)' that cannot start any token")
_DUPLICATE = re.compile(r'duplicate key "(.*)"')


def _plain_words(problem: str, context: str, text: str, mark: yaml.Mark) -> str:
    line = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
    if "'\\t'" in problem or "\t" in line[: mark.column + 1]:
        return _("a tab character; indent with spaces, not tabs")
    if found := _CANNOT_START.search(problem):
        return _("a value cannot start with %(char)s; put the value in quotes", char=found.group(1))
    if found := _DUPLICATE.search(problem):
        return _('the key "%(key)s" is written twice in the same mapping', key=found.group(1))
    if "mapping values are not allowed" in problem:
        return _(
            'a ": " inside a value, or a line indented more than the one above; put the value '
            "in quotes, or line the key up with the keys above it"
        )
    if "but found '<scalar>'" in problem:
        return _(
            "text after a quoted value; inside single quotes write a quote twice (It''s), or put "
            "the value in double quotes"
        )
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return _("this line is not indented like the lines around it, or it is not key: value")
    if "unknown escape character" in problem:
        return _(
            "a backslash in double quotes; put the value in single quotes, or write the "
            "backslash twice"
        )
    if "flow sequence" in context:
        return _("a list in square brackets [ ] is not closed, or lacks a comma")
    if "flow mapping" in context:
        return _("a mapping in braces { } is not closed, or lacks a comma")
    return _("this is not valid YAML (%(problem)s)", problem=problem or context)


class _PlanLoader(yaml.SafeLoader):
    """yaml.safe_load, except that a repeated key is an error (a typo must not silently win)
    and numbers remember how they were written (a code such as 1.10 is text)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _value in node.value:
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


def _int_with_source(loader: _PlanLoader, node: yaml.ScalarNode) -> SourceInt:
    return SourceInt(loader.construct_yaml_int(node), str(node.value))


def _float_with_source(loader: _PlanLoader, node: yaml.ScalarNode) -> SourceFloat:
    return SourceFloat(loader.construct_yaml_float(node), str(node.value))


_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_PlanLoader.add_constructor("tag:yaml.org,2002:int", _int_with_source)
_PlanLoader.add_constructor("tag:yaml.org,2002:float", _float_with_source)


def dump_plan_yaml(document: Mapping[str, Any]) -> str:
    """A plan document as YAML text, keys in the documented order."""
    return yaml.dump(
        document,
        Dumper=_PlanDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )


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
