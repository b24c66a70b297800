"""Declared JSON types of JSON-RPC parameters and results: one definition validates and documents.

Each type checks a decoded JSON value (:meth:`JsonType.problem`) and describes itself as JSON Schema
(:meth:`JsonType.schema`), which the OpenRPC document is generated from. Numbers that no Python float
or int can hold arrive as :class:`JsonNumberText` (see the dispatcher) and are refused by every
numeric type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

U64_MAX: Final = (1 << 64) - 1
I64_MIN: Final = -(1 << 63)
I64_MAX: Final = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class JsonNumberText:
    """A JSON number kept as its text: too many digits for an int, or beyond a float's range."""

    text: str


class JsonFloat(float):
    """A JSON number with a fraction or exponent, remembering its text (so an id echoes exactly)."""

    __slots__ = ("text",)

    text: str

    def __new__(cls, text: str) -> JsonFloat:
        value = super().__new__(cls, text)
        value.text = text
        return value


def json_kind(value: Any) -> str:
    """The JSON type name of a decoded value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | JsonNumberText):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class JsonType(Protocol):
    """A declared type: what is wrong with a value (None if nothing), and its JSON Schema."""

    def problem(self, value: Any) -> str | None: ...

    def schema(self) -> dict[str, Any]: ...


def _preview(value: Any) -> str:
    if isinstance(value, JsonNumberText):
        return f"a {len(value.text)}-character number"
    if isinstance(value, JsonFloat):
        return value.text if len(value.text) <= 40 else f"a {len(value.text)}-character number"
    if isinstance(value, int) and value.bit_length() > 128:
        return f"a {value.bit_length()}-bit integer"
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


@dataclass(frozen=True, slots=True)
class Integer:
    """An integer in ``[minimum, maximum]`` (a JSON number without fraction)."""

    minimum: int = I64_MIN
    maximum: int = I64_MAX
    title: str = ""
    description: str = ""

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float | JsonNumberText):
            return f"must be an integer, got {json_kind(value)}"
        if isinstance(value, float):
            return f"must be an integer written without fraction or exponent, got {_preview(value)}"
        if isinstance(value, JsonNumberText) or not self.minimum <= value <= self.maximum:
            return f"must be an integer in [{self.minimum}, {self.maximum}], got {_preview(value)}"
        return None

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        return _annotate(schema, self.title, self.description)


@dataclass(frozen=True, slots=True)
class String:
    """A string, optionally matching ``pattern`` and at most ``max_length`` characters long."""

    pattern: str | None = None
    max_length: int | None = None
    title: str = ""
    description: str = ""
    _regex: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", None if self.pattern is None else re.compile(self.pattern))

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string, got {json_kind(value)}"
        if self.max_length is not None and len(value) > self.max_length:
            return f"must be at most {self.max_length} characters, got {len(value)}"
        if self._regex is not None and not self._regex.fullmatch(value):
            what = self.description or f"match {self.pattern}"
            return f"must be {what}, got {_preview(value)}"
        return None

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string"}
        if self.pattern is not None:
            schema["pattern"] = f"^{self.pattern}$"
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        return _annotate(schema, self.title, self.description)


_HEX_DIGITS: Final = re.compile(r"[0-9a-fA-F]*")


@dataclass(frozen=True, slots=True)
class HexBytes:
    """``0x`` and an even number of hex digits (a byte string), checked in linear time for any length."""

    title: str = ""
    description: str = "0x followed by an even number of hex digits"

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a string, got {json_kind(value)}"
        if not value.startswith("0x") or len(value) % 2 or not _HEX_DIGITS.fullmatch(value, 2):
            return f"must be {self.description}, got {_preview(value)}"
        return None

    def schema(self) -> dict[str, Any]:
        return _annotate({"type": "string", "pattern": "^0x(?:[0-9a-fA-F]{2})*$"}, self.title, self.description)


@dataclass(frozen=True, slots=True)
class Boolean:
    title: str = ""
    description: str = ""

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else f"must be a boolean, got {json_kind(value)}"

    def schema(self) -> dict[str, Any]:
        return _annotate({"type": "boolean"}, self.title, self.description)


@dataclass(frozen=True, slots=True)
class Described:
    """A result type documented by a JSON Schema only (results are produced by the node, not checked)."""

    json_schema: dict[str, Any]

    def problem(self, value: Any) -> str | None:
        return None

    def schema(self) -> dict[str, Any]:
        return dict(self.json_schema)


def nullable(inner: JsonType) -> Described:
    """``inner`` or null, for results."""
    return Described({"oneOf": [inner.schema(), {"type": "null"}]})


def _annotate(schema: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    if title:
        schema["title"] = title
    if description:
        schema["description"] = description
    return schema


PLAIN_TYPES: Final[dict[type, JsonType]] = {
    str: String(),
    int: Integer(),
    bool: Boolean(),
}
"""What a plain Python type in a :class:`~aztec.foundation.json_rpc.registry.Param` means (int: i64)."""
