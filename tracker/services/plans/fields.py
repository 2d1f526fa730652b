"""Reading values out of a parsed YAML or JSON document, each problem recorded with its location."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext

from tracker.fiscal import FiscalQuarter

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CODE_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def _(text: str, **values: object) -> str:
    """A problem in the reader's language (English outside a request, as for the CLI)."""
    return str(gettext(text, **values))


@dataclass(frozen=True)
class Text:
    """A text in English and French."""

    en: str
    fr: str


class SourceInt(int):
    """A whole number read from YAML that remembers how it was written (`010` stays "010")."""

    source: str

    def __new__(cls, value: int, source: str) -> SourceInt:
        number = super().__new__(cls, value)
        number.source = source
        return number


class SourceFloat(float):
    """A decimal read from YAML that remembers how it was written: a code `1.10` is text."""

    source: str

    def __new__(cls, value: float, source: str) -> SourceFloat:
        number = super().__new__(cls, value)
        number.source = source
        return number


class _Missing:
    """The value of a key absent from the document; its absence is reported once, by `fields`."""


MISSING: Any = _Missing()


def at(loc: str, key: object) -> str:
    """The location of `key` inside `loc`, e.g. `plan.slug`."""
    return f"{loc}.{key}" if loc else str(key)


def kind(value: object) -> str:
    """What a value is, in the words of an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float):
        return _("a number")
    if isinstance(value, date):
        return _("a date")
    if isinstance(value, Mapping):
        return _("a mapping")
    if isinstance(value, list | tuple):
        return _("a list")
    return _("text") if isinstance(value, str) else type(value).__name__


class Reader:
    """Reads values out of a document, recording each problem with its location."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, loc: str, problem: str) -> None:
        """Record a problem at `loc`."""
        self.errors.append(f"{loc}: {problem}")

    def fields(
        self,
        value: object,
        loc: str,
        keys: tuple[tuple[str, ...], ...],
        why: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The mapping's known keys (absent ones as MISSING); reports unknown and missing keys
        (a missing key's message may say why it is needed, from `why`)."""
        required, optional = keys
        allowed = (*required, *optional)
        if value is MISSING:
            return dict.fromkeys(allowed, MISSING)
        if not isinstance(value, Mapping):
            self.error(loc or "document", _("expected a mapping, not %(kind)s", kind=kind(value)))
            return dict.fromkeys(allowed, MISSING)
        for key in value:
            if key not in allowed:
                expected = ", ".join(allowed)
                self.error(
                    at(loc, key), _("unknown key (expected one of: %(keys)s)", keys=expected)
                )
        for key in required:
            if key not in value:
                reason = (why or {}).get(key)
                missing = _("missing (%(why)s)", why=reason) if reason else _("missing")
                self.error(at(loc, key), missing)
        return {key: value.get(key, MISSING) for key in allowed}

    def text(self, value: object, loc: str, max_len: int | None, required: bool = True) -> str:
        """A stripped string; empty is an error when required."""
        if value is MISSING or (value is None and not required):
            return ""
        if isinstance(value, SourceInt | SourceFloat):
            value = value.source  # a code such as 1.1 written without quotes is text
        if not isinstance(value, str):
            if value is None:
                self.error(loc, _("empty"))
            elif isinstance(value, int | float | date):
                self.error(
                    loc, _("expected text, not %(kind)s (put it in quotes)", kind=kind(value))
                )
            else:
                self.error(loc, _("expected text, not %(kind)s", kind=kind(value)))
            return ""
        text = value.strip()
        if required and not text:
            self.error(loc, _("empty"))
        elif max_len is not None and len(text) > max_len:
            self.error(
                loc, _("longer than %(max)s characters (%(length)s)", max=max_len, length=len(text))
            )
        return text

    def bilingual(
        self,
        value: object,
        loc: str,
        max_len: int | None = None,
        required: bool = True,
        french: bool = False,
    ) -> Text:
        """An {en, fr} mapping. When required, the English must be non-empty and the French too
        if `french`; otherwise the French may be left out or empty (it is then to translate),
        and plain text is read as the English."""
        if value is MISSING or (value is None and not required):
            return Text("", "")
        if value is None:
            self.error(loc, _("empty"))
            return Text("", "")
        if required and not french and not isinstance(value, Mapping):
            return Text(self.text(value, loc, max_len), "")
        languages = ("en", "fr") if french else ("en",)
        keys = (languages, ("en", "fr")[len(languages) :]) if required else ((), ("en", "fr"))
        found = self.fields(value, loc, keys)
        return Text(
            self.text(found["en"], at(loc, "en"), max_len, required),
            self.text(found["fr"], at(loc, "fr"), max_len, required and french),
        )

    def integer(self, value: object, loc: str, low: int, high: int) -> int | None:
        """A whole number between low and high."""
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(loc, _("expected a whole number, not %(kind)s", kind=kind(value)))
            return None
        if not low <= value <= high:
            self.error(
                loc,
                _("%(value)s is not between %(low)s and %(high)s", value=value, low=low, high=high),
            )
            return None
        return value

    def boolean(self, value: object, loc: str, default: bool) -> bool:
        """true or false."""
        if value is MISSING or value is None:
            return default
        if not isinstance(value, bool):
            self.error(loc, _("expected true or false, not %(kind)s", kind=kind(value)))
            return default
        return value

    def choice(self, value: object, loc: str, choices: Collection[str], default: str) -> str:
        """One of `choices`."""
        if value is MISSING or value is None:
            return default
        if not isinstance(value, str) or value not in choices:
            listed = ", ".join(choices)
            self.error(
                loc, _('"%(value)s" is not one of: %(choices)s', value=value, choices=listed)
            )
            return default
        return value

    def quarter(self, value: object, loc: str) -> FiscalQuarter | None:
        """A fiscal quarter such as 2019-Q4."""
        if value is MISSING:
            return None
        if value is None:
            self.error(loc, _("empty"))
            return None
        try:
            return FiscalQuarter.parse(str(value))
        except ValueError:
            self.error(
                loc, _('"%(value)s" is not a quarter (expected a form like "2019-Q4")', value=value)
            )
            return None

    def day(self, value: object, loc: str, required: bool = True) -> date | None:
        """An ISO date (YYYY-MM-DD), as YAML reads it or as text."""
        if value is MISSING or (value is None and not required):
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and DATE_RE.fullmatch(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        if value is None:
            self.error(loc, _("empty"))
        elif isinstance(value, datetime):
            self.error(loc, _("expected a date (YYYY-MM-DD), not a date and time"))
        else:
            self.error(loc, _('"%(value)s" is not a date (expected YYYY-MM-DD)', value=value))
        return None

    def items(self, value: object, loc: str) -> list[Any]:
        """A list (absent or null means empty)."""
        if value is MISSING or value is None:
            return []
        if not isinstance(value, list | tuple):
            self.error(loc, _("expected a list, not %(kind)s", kind=kind(value)))
            return []
        return list(value)

    def code(self, value: object, loc: str, seen: set[str], what: str = "code") -> str:
        """A code or acronym, unique among `seen` (which it joins)."""
        code = self.text(value, loc, 20)
        if code and not CODE_RE.fullmatch(code):
            self.error(loc, _invalid_code(code, what))
        elif code in seen:
            self.error(loc, _('duplicate "%(value)s"', value=code))
        seen.add(code)
        return code


def _invalid_code(code: str, what: str) -> str:
    if what == "acronym":
        return _(
            "\"%(value)s\" is not a valid acronym (letters, digits, '.', '_' or '-', starting "
            "and ending with a letter or digit)",
            value=code,
        )
    return _(
        "\"%(value)s\" is not a valid code (letters, digits, '.', '_' or '-', starting and "
        "ending with a letter or digit)",
        value=code,
    )
