"""Input validation that reports every invalid field at once (400 with ``errors``).

The same field rules the OpenAPI contract states; API Gateway's request validator may reject
a body earlier, but handlers never trust that it ran (it is optional per method).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .http import BadRequest

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The blanks a JSON Schema / ECMAScript ``\s`` matches (what an OpenAPI ``pattern: "\\S"``
# means). Python's bare ``str.strip()`` also drops control characters such as U+001E and
# U+0085, which the contract counts as content: a value the spec allows was refused.
BLANKS = (" \t\n\r\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
          "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")


class Fields:
    """Collects cleaned values and field errors from one JSON object."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.values: dict[str, Any] = {}
        self.errors: dict[str, str] = {}

    def _present(self, name: str, required: bool) -> bool:
        if name not in self.data:
            if required:
                self.errors[name] = "required"
            return False
        if self.data[name] is None:
            # No field of the contract is nullable: an explicit null is invalid input,
            # not "absent" (it used to slip through and be stored as null).
            self.errors[name] = "required" if required else "must not be null"
            return False
        return True

    def string(self, name: str, *, required: bool = True, min_length: int = 1,
               max_length: int = 10_000, pattern: re.Pattern[str] | None = None,
               choices: Iterable[str] | None = None, strip: bool = True) -> str | None:
        """A string field; ``strip=False`` checks the value exactly as sent (a contract whose
        pattern forbids surrounding whitespace must not see it silently removed)."""
        if not self._present(name, required):
            return None
        value = self.data[name]
        if not isinstance(value, str):
            self.errors[name] = "must be a string"
            return None
        # The upper limit applies to what was sent (the contract's maxLength), the lower one
        # to the text without surrounding blanks: stripping first let over-long input in.
        sent_length = len(value)
        if strip:
            value = value.strip(BLANKS)
        allowed = list(choices) if choices is not None else None
        if len(value) < min_length:
            self.errors[name] = f"must be at least {min_length} characters"
        elif sent_length > max_length:
            self.errors[name] = f"must be at most {max_length} characters"
        elif pattern is not None and not pattern.match(value):
            self.errors[name] = "has an invalid format"
        elif allowed is not None and value not in allowed:
            self.errors[name] = f"must be one of {', '.join(allowed)}"
        else:
            self.values[name] = value
            return value
        return None

    def email(self, name: str = "email", *, required: bool = True) -> str | None:
        value = self.string(name, required=required, max_length=254)
        if value is None:
            return None
        if not EMAIL_RE.match(value):
            self.errors[name] = "must be an email address"
            self.values.pop(name, None)
            return None
        self.values[name] = value.lower()
        return value.lower()

    def integer(self, name: str, *, required: bool = True, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        if not self._present(name, required):
            return None
        value = self.data[name]
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors[name] = "must be an integer"
            return None
        if minimum is not None and value < minimum:
            self.errors[name] = f"must be at least {minimum}"
        elif maximum is not None and value > maximum:
            self.errors[name] = f"must be at most {maximum}"
        else:
            self.values[name] = value
            return value
        return None

    def boolean(self, name: str, *, required: bool = True) -> bool | None:
        if not self._present(name, required):
            return None
        value = self.data[name]
        if not isinstance(value, bool):
            self.errors[name] = "must be true or false"
            return None
        self.values[name] = value
        return value

    def only(self, *names: str) -> None:
        """Refuse fields other than ``names`` (a schema with ``additionalProperties: false``)."""
        for name in self.data:
            if name not in names:
                self.errors[str(name)] = "is not an allowed field"

    def no_nulls(self) -> None:
        """Refuse explicit ``null`` values (a schema whose properties are not nullable)."""
        for name, value in self.data.items():
            if value is None:
                self.errors[str(name)] = "must not be null"

    def check(self) -> dict[str, Any]:
        """The cleaned values, or BadRequest naming every invalid field."""
        if self.errors:
            raise BadRequest("Invalid request", errors=self.errors)
        return self.values


def parse_date(value: str | None, name: str = "date") -> dt.date:
    """An ISO ``YYYY-MM-DD`` date; 400 with a field error otherwise."""
    if not value:
        raise BadRequest("Invalid request", errors={name: "required"})
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest("Invalid request", errors={name: "must be a date YYYY-MM-DD"}) from exc


def parse_limit(value: str | None, *, default: int = 10, maximum: int = 50) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise BadRequest("Invalid request",
                         errors={"limit": f"must be an integer from 1 to {maximum}"})
    return int(value)
