"""The method registry: async handlers with declared, validated parameters, results and errors.

One :class:`Method` per RPC method is the single definition the dispatcher validates calls against
and the OpenRPC document (:mod:`aztec.foundation.json_rpc.openrpc`) is generated from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from aztec.foundation.json_rpc.errors import InvalidParamsError
from aztec.foundation.json_rpc.types import PLAIN_TYPES, Described, JsonType

Handler = Callable[..., Awaitable[Any]]
"""An async function taking the method's parameters positionally and returning a JSON value."""

UNKNOWN_METHOD: Final = "unknown"
"""The metric label of every method that is not registered."""

DISCOVER: Final = "rpc.discover"
"""The OpenRPC service discovery method (the only ``rpc.`` name served)."""

NO_EXAMPLE: Final[Any] = object()


def _json_type(name: str, kind: JsonType | type) -> JsonType:
    if isinstance(kind, type):
        plain = PLAIN_TYPES.get(kind)
        if plain is None:
            raise ValueError(f"parameter {name!r}: {kind.__name__} is not one of the JSON types {list(PLAIN_TYPES)}")
        return plain
    return kind


@dataclass(frozen=True, slots=True)
class Param:
    """One positional parameter: its name (used in messages and for by-name params) and declared type."""

    name: str
    json_type: JsonType
    optional: bool = False
    """May be left out; the handler then gets its own default."""
    description: str = ""
    example: Any = NO_EXAMPLE

    def __init__(
        self,
        name: str,
        kind: JsonType | type,
        *,
        optional: bool = False,
        description: str = "",
        example: Any = NO_EXAMPLE,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "json_type", _json_type(name, kind))
        object.__setattr__(self, "optional", optional)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "example", example)


@dataclass(frozen=True, slots=True)
class Result:
    """What a method returns: a name, a type (documented, not checked) and an example."""

    name: str
    json_type: JsonType
    description: str = ""
    example: Any = NO_EXAMPLE


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """An application error a method may answer with (OpenRPC's error object)."""

    code: int
    message: str
    data: Any = None


ANY_RESULT: Final = Result("result", Described({}))


@dataclass(frozen=True, slots=True)
class Method:
    name: str
    handler: Handler
    params: tuple[Param, ...]
    result: Result = ANY_RESULT
    summary: str = ""
    errors: tuple[ErrorSpec, ...] = ()

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
            problem = param.json_type.problem(value)
            if problem is not None:
                raise InvalidParamsError(
                    f"{self.name}: parameter {index} ({param.name}) {problem}", {"param": param.name, "index": index}
                )
        return values

    def _from_names(self, params: dict[str, Any]) -> list[Any]:
        known = {p.name for p in self.params}
        unknown = sorted(set(params) - known)
        if unknown:
            shown = [name[:40] for name in unknown[:5]]
            raise InvalidParamsError(f"{self.name}: unknown parameter(s) {shown}", {"expected": sorted(known)})
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

    def register(
        self,
        name: str,
        handler: Handler,
        params: Sequence[Param] = (),
        *,
        result: Result = ANY_RESULT,
        summary: str = "",
        errors: Sequence[ErrorSpec] = (),
    ) -> None:
        if not name or name.startswith("rpc.") or name == UNKNOWN_METHOD:
            raise ValueError(f"method name {name!r} is reserved or empty")
        self._add(Method(name, handler, tuple(params), result, summary, tuple(errors)))

    def register_discovery(self, handler: Handler, result: Result) -> None:
        """Serve ``rpc.discover`` (the OpenRPC document) with ``handler``."""
        self._add(Method(DISCOVER, handler, (), result, "The OpenRPC document describing this API."))

    def _add(self, method: Method) -> None:
        if method.name in self._methods:
            raise ValueError(f"method {method.name!r} is already registered")
        seen_optional = False
        for param in method.params:
            if seen_optional and not param.optional:
                raise ValueError(f"{method.name}: required parameter {param.name!r} follows an optional one")
            seen_optional = seen_optional or param.optional
        self._methods[method.name] = method

    def get(self, name: str) -> Method | None:
        return self._methods.get(name)

    def methods(self) -> list[Method]:
        return list(self._methods.values())

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def __iter__(self) -> Iterator[str]:
        return iter(self._methods)

    def __len__(self) -> int:
        return len(self._methods)
