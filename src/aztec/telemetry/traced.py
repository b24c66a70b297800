"""``traced``: a method decorator that runs each call in a span of the object's own tracer.

    class Archiver:
        def __init__(self, telemetry: TelemetryClient) -> None:
            self.tracer = telemetry.get_tracer("Archiver")

        @traced("Archiver.sync")
        async def sync(self) -> None: ...

The object needs a ``tracer`` attribute (a :class:`~aztec.telemetry.api.Tracer`); sync and async methods
both work, and an exception leaving the method is recorded on the span. For a block of code use
``with self.tracer.span(name, attributes):`` instead.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, overload

from aztec.telemetry.api import SpanKind, Tracer
from aztec.telemetry.definitions import Attributes
from aztec.telemetry.noop import NOOP_TRACER

P = ParamSpec("P")
R = TypeVar("R")


class HasTracer(Protocol):
    @property
    def tracer(self) -> Tracer: ...


S = TypeVar("S", bound=HasTracer)


class traced:  # noqa: N801 - reads as an adjective at call sites: ``@traced("Archiver.sync")``
    __slots__ = ("_attributes", "_kind", "_name")

    def __init__(self, name: str, attributes: Attributes | None = None, *, kind: SpanKind = "internal") -> None:
        self._name = name
        self._attributes = attributes
        self._kind = kind

    @overload
    def __call__(
        self, method: Callable[Concatenate[S, P], Coroutine[Any, Any, R]]
    ) -> Callable[Concatenate[S, P], Coroutine[Any, Any, R]]: ...
    @overload
    def __call__(self, method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]: ...
    def __call__(self, method: Callable[Concatenate[S, P], Any]) -> Callable[Concatenate[S, P], Any]:
        name, attributes, kind = self._name, self._attributes, self._kind
        if inspect.iscoroutinefunction(method):

            @functools.wraps(method)
            async def traced_async(obj: S, /, *args: P.args, **kwargs: P.kwargs) -> Any:
                tracer = obj.tracer
                if tracer is NOOP_TRACER:  # traces off: a plain call
                    return await method(obj, *args, **kwargs)
                async with tracer.span(name, attributes, kind=kind):
                    return await method(obj, *args, **kwargs)

            return traced_async

        @functools.wraps(method)
        def traced_sync(obj: S, /, *args: P.args, **kwargs: P.kwargs) -> Any:
            tracer = obj.tracer
            if tracer is NOOP_TRACER:  # traces off: a plain call
                return method(obj, *args, **kwargs)
            with tracer.span(name, attributes, kind=kind):
                return method(obj, *args, **kwargs)

        return traced_sync
