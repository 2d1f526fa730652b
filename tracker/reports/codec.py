"""Turn frozen dataclasses into JSON-ready dicts and back, driven by their type hints.

Supports what snapshots hold: nested dataclasses, `tuple[X, ...]`, `X | None`, `date`,
`datetime` (ISO 8601), `FiscalQuarter` ('2019-Q4') and JSON scalars.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from typing import Any, TypeVar

from tracker.fiscal import FiscalQuarter

T = TypeVar("T")


def encode(value: Any) -> Any:
    """A JSON-ready copy of `value`."""
    if isinstance(value, FiscalQuarter):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [encode(item) for item in value]
    return value


def decode(kind: type[T], data: Any) -> T:
    """Rebuild a value of type `kind` from what `encode` produced."""
    return typing.cast(T, _decode(kind, data))


def _decode(kind: Any, data: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _decode(inner, data)
    if origin is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_decode(item, value) for value in data)
    if kind is FiscalQuarter:
        return FiscalQuarter.parse(data)
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = dataclasses.fields(kind)
        # A field added later with a default may be absent from older stored data.
        return kind(
            **{f.name: _decode(hints[f.name], data[f.name]) for f in fields if f.name in data}
        )
    return data
