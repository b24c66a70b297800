"""The one polling helper: it returns the first truthy value and fails at its deadline naming what it awaited."""

from __future__ import annotations

import itertools

import pytest

from tests.support.polling import WaitTimeoutError, wait_until, wait_until_async


def test_wait_until_returns_the_first_truthy_value() -> None:
    calls = itertools.count()
    assert wait_until(lambda: next(calls) >= 2 and "ready", interval=0.001) == "ready"


def test_wait_until_fails_at_its_deadline_with_the_message_and_the_last_value() -> None:
    with pytest.raises(WaitTimeoutError, match=r"waiting for the block \(last value: 0\)") as raised:
        wait_until(lambda: 0, timeout=0.02, interval=0.005, message="the block")
    assert raised.value.last == 0
    assert isinstance(raised.value, AssertionError)


async def test_wait_until_async_awaits_a_coroutine_predicate() -> None:
    calls = itertools.count()

    async def height() -> int:
        return next(calls)

    assert await wait_until_async(height, interval=0.001) == 1


async def test_wait_until_async_fails_at_its_deadline() -> None:
    with pytest.raises(WaitTimeoutError, match="the proof"):
        await wait_until_async(lambda: None, timeout=0.02, message="the proof")
