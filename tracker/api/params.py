"""Query-parameter parsing for the API: every problem is collected, then reported at once."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from tracker.api.problems import FieldError, InvalidParameters
from tracker.fiscal import FiscalQuarter
from tracker.services.plans.fields import CODE_RE

E = TypeVar("E", bound=StrEnum)

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
PAGING = ("page", "per_page")


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


class QueryArgs:
    """Read query parameters one by one, collecting errors instead of stopping at the first."""

    def __init__(self, args: MultiDict[str, str], allowed: Iterable[str]) -> None:
        self._args = args
        self.errors: list[FieldError] = []
        known = set(allowed)
        for name in sorted(set(args.keys()) - known):
            self.errors.append(FieldError(name, _("Unknown parameter.")))

    def _single(self, name: str) -> str | None:
        values = self._args.getlist(name)
        if len(values) > 1:
            self.errors.append(FieldError(name, _("Give this parameter once.")))
            return None
        if not values or values[0] == "":
            return None
        return values[0]

    def integer(self, name: str, default: int, low: int, high: int | None = None) -> int:
        """An integer between `low` and `high`, or `default` when absent."""
        text = self._single(name)
        if text is None:
            return default
        value = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None
        if value is None or value < low or (high is not None and value > high):
            message = (
                _("Give a whole number from %(low)s to %(high)s.", low=low, high=high)
                if high is not None
                else _("Give a whole number of at least %(low)s.", low=low)
            )
            self.errors.append(FieldError(name, f'"{text}": {message}'))
            return default
        return value

    def paging(self) -> Paging:
        """`page` (from 1) and `per_page` (1 to MAX_PER_PAGE)."""
        return Paging(
            self.integer("page", 1, 1),
            self.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        )

    def quarter(self, name: str) -> FiscalQuarter | None:
        """A fiscal quarter written like 2025-Q3."""
        text = self._single(name)
        if text is None:
            return None
        try:
            return FiscalQuarter.parse(text)
        except ValueError:
            message = _('"%(value)s" is not a quarter (write it like 2025-Q3).', value=text[:40])
            self.errors.append(FieldError(name, message))
            return None

    def choice(self, name: str, enum: type[E], allowed: Collection[E] | None = None) -> E | None:
        """One of the enum's values (or of `allowed`)."""
        text = self._single(name)
        if text is None:
            return None
        options = list(allowed) if allowed is not None else list(enum)
        if text not in {o.value for o in options}:
            message = _(
                '"%(value)s" is not one of: %(options)s.',
                value=text[:40],
                options=", ".join(o.value for o in options),
            )
            self.errors.append(FieldError(name, message))
            return None
        return enum(text)

    def code(self, name: str, max_length: int = 20) -> str | None:
        """A short code such as a department acronym (upper-cased)."""
        text = self._single(name)
        if text is None:
            return None
        if len(text) > max_length or not text.replace("-", "").replace("_", "").isalnum():
            self.errors.append(FieldError(name, _('"%(value)s" is not a code.', value=text[:40])))
            return None
        return text.upper()

    def item_code(self, name: str) -> str | None:
        """An action's or milestone's code as the plan writes it (e.g. S1.2), case kept."""
        text = self._single(name)
        if text is None:
            return None
        if len(text) > 20 or not CODE_RE.fullmatch(text):
            self.errors.append(FieldError(name, _('"%(value)s" is not a code.', value=text[:40])))
            return None
        return text

    def year(self, name: str) -> int | None:
        """A fiscal year named by the calendar year it starts in (2017 for 2017-18)."""
        if self._single(name) is None:
            return None
        return self.integer(name, 0, 1900, 2999) or None

    def finish(self) -> None:
        """Raise InvalidParameters when any parameter was wrong."""
        if self.errors:
            raise InvalidParameters(self.errors)
