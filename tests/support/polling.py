"""Polling with a deadline: call a predicate until it returns something truthy, or fail naming what was awaited.

``wait_until`` blocks (for tests driving processes and servers from the test thread); ``wait_until_async``
sleeps on the event loop (for tests of in-process asyncio components) and accepts a coroutine function too.
Both return the predicate's last, truthy, value and raise ``WaitTimeoutError`` (an ``AssertionError``) with the
message and the last value seen once ``timeout`` seconds have passed.
"""

# ruff: noqa: ASYNC109  (the deadline is checked between calls: asyncio.timeout would cancel the predicate)

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")


class WaitTimeoutError(AssertionError):
    """The predicate stayed falsy until the deadline; ``last`` is the value it returned the last time."""

    def __init__(self, message: str, timeout: float, last: object) -> None:
        super().__init__(f"timed out after {timeout} s waiting for {message} (last value: {last!r})")
        self.last = last


def wait_until(
    predicate: Callable[[], T], *, timeout: float = 10.0, interval: float = 0.1, message: str = "the condition"
) -> T:
    """Call ``predicate`` every ``interval`` seconds until it returns a truthy value, and return that value."""
    deadline = time.monotonic() + timeout
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() > deadline:
            raise WaitTimeoutError(message, timeout, last)
        time.sleep(interval)


@overload
async def wait_until_async(
    predicate: Callable[[], Awaitable[T]],
    *,
    timeout: float = ...,
    interval: float = ...,
    message: str = ...,
) -> T: ...


@overload
async def wait_until_async(
    predicate: Callable[[], T], *, timeout: float = ..., interval: float = ..., message: str = ...
) -> T: ...


async def wait_until_async(
    predicate: Callable[[], Any], *, timeout: float = 10.0, interval: float = 0.01, message: str = "the condition"
) -> Any:
    """``wait_until`` on the event loop: ``predicate`` may be a plain or a coroutine function."""
    deadline = time.monotonic() + timeout
    while True:
        last = predicate()
        if inspect.isawaitable(last):
            last = await last
        if last:
            return last
        if time.monotonic() > deadline:
            raise WaitTimeoutError(message, timeout, last)
        await asyncio.sleep(interval)
