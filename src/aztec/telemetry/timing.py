"""``timed``: records elapsed seconds into a histogram, as a context manager or a decorator (sync or async)."""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, cast, overload

from aztec.telemetry.api import BoundHistogram, Histogram
from aztec.telemetry.definitions import Attributes

P = ParamSpec("P")
R = TypeVar("R")


class timed:  # noqa: N801 - reads as a verb at call sites: ``with timed(histogram):``
    """Time a block or every call of a function; the duration is recorded even when it raises."""

    __slots__ = ("_attributes", "_histogram", "_start")

    def __init__(self, histogram: Histogram | BoundHistogram, attributes: Attributes | None = None) -> None:
        self._histogram = histogram
        self._attributes = attributes
        self._start = 0.0

    def _record(self, seconds: float) -> None:
        if self._attributes is None:
            self._histogram.record(seconds)
        else:
            cast("Histogram", self._histogram).record(seconds, self._attributes)

    def __enter__(self) -> timed:
        self._start = time.perf_counter()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._record(time.perf_counter() - self._start)

    async def __aenter__(self) -> timed:
        return self.__enter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(exc_type, exc, tb)

    @overload
    def __call__(self, function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]: ...
    @overload
    def __call__(self, function: Callable[P, R]) -> Callable[P, R]: ...
    def __call__(self, function: Callable[P, Any]) -> Callable[P, Any]:
        record = self._record
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def timed_async(*args: P.args, **kwargs: P.kwargs) -> Any:
                start = time.perf_counter()
                try:
                    return await function(*args, **kwargs)
                finally:
                    record(time.perf_counter() - start)

            return timed_async

        @functools.wraps(function)
        def timed_sync(*args: P.args, **kwargs: P.kwargs) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                record(time.perf_counter() - start)

        return timed_sync
