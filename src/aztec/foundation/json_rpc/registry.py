"""The method registry: async handlers with declared, validated positional parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from aztec.foundation.json_rpc.errors import InvalidParamsError

Handler = Callable[..., Awaitable[Any]]
"""An async function taking the method's parameters positionally and returning a JSON value."""

JsonType = type[str] | type[int] | type[float] | type[bool] | type[list[Any]] | type[dict[str, Any]] | type[None]

UNKNOWN_METHOD: Final = "unknown"
"""The metric label of every method that is not registered."""

_JSON_NAMES: Final[dict[type, str]] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    dict: "object",
    type(None): "null",
}


@dataclass(frozen=True, slots=True)
class Param:
    """One positional parameter: its name (used in messages and for by-name params) and JSON type(s)."""

    name: str
    types: tuple[JsonType, ...]
    optional: bool = False
    """May be left out; the handler then gets its own default."""

    def __init__(self, name: str, *types: JsonType, optional: bool = False) -> None:
        if not types:
            raise ValueError(f"parameter {name!r} needs at least one type")
        unsupported = [t for t in types if t not in _JSON_NAMES]
        if unsupported:
            raise ValueError(f"parameter {name!r}: {unsupported} are not JSON types")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "types", types)
        object.__setattr__(self, "optional", optional)

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool):  # a JSON boolean is not a number
            return bool in self.types
        if isinstance(value, int):
            return int in self.types or float in self.types
        return any(isinstance(value, t) for t in self.types if t not in (int, bool))

    def describe(self) -> str:
        return " or ".join(_JSON_NAMES[t] for t in self.types)


def _json_type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    for python_type, name in _JSON_NAMES.items():
        if python_type is not bool and isinstance(value, python_type):
            return name
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class Method:
    name: str
    handler: Handler
    params: tuple[Param, ...]

    def bind(self, params: Any) -> list[Any]:
        """The handler's positional arguments from a request's ``params`` (absent, array or object)."""
        if params is None:
            values: list[Any] = []
        elif isinstance(params, list):
            values = list(params)
        elif isinstance(params, dict):
            values = self._from_names(params)
        else:  # the request check only lets arrays and objects through
            raise InvalidParamsError(f"{self.name}: params must be an array or an object")
        required = sum(1 for p in self.params if not p.optional)
        if not required <= len(values) <= len(self.params):
            expected = str(required) if required == len(self.params) else f"{required} to {len(self.params)}"
            raise InvalidParamsError(
                f"{self.name} takes {expected} parameter(s), got {len(values)}",
                {"expected": [p.name for p in self.params], "received": len(values)},
            )
        for index, (param, value) in enumerate(zip(self.params, values, strict=False)):
            if not param.accepts(value):
                raise InvalidParamsError(
                    f"{self.name}: parameter {index} ({param.name}) must be {param.describe()}, "
                    f"got {_json_type_name(value)}",
                    {"param": param.name, "index": index},
                )
        return values

    def _from_names(self, params: dict[str, Any]) -> list[Any]:
        known = {p.name for p in self.params}
        unknown = sorted(set(params) - known)
        if unknown:
            raise InvalidParamsError(f"{self.name}: unknown parameter(s) {unknown}", {"expected": sorted(known)})
        values: list[Any] = []
        for param in self.params:
            if param.name not in params:
                if param.optional:
                    break
                raise InvalidParamsError(f"{self.name}: missing parameter {param.name!r}", {"param": param.name})
            values.append(params[param.name])
        if len(values) < len(params):
            raise InvalidParamsError(f"{self.name}: an optional parameter is given without the ones before it")
        return values


class MethodRegistry:
    """Methods by name; only these are served, and only these name a metric series."""

    __slots__ = ("_methods",)

    def __init__(self) -> None:
        self._methods: dict[str, Method] = {}

    def register(self, name: str, handler: Handler, params: Sequence[Param] = ()) -> None:
        if not name or name.startswith("rpc.") or name == UNKNOWN_METHOD:
            raise ValueError(f"method name {name!r} is reserved or empty")
        if name in self._methods:
            raise ValueError(f"method {name!r} is already registered")
        seen_optional = False
        for param in params:
            if seen_optional and not param.optional:
                raise ValueError(f"{name}: required parameter {param.name!r} follows an optional one")
            seen_optional = seen_optional or param.optional
        self._methods[name] = Method(name, handler, tuple(params))

    def get(self, name: str) -> Method | None:
        return self._methods.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def __iter__(self) -> Iterator[str]:
        return iter(self._methods)

    def __len__(self) -> int:
        return len(self._methods)
