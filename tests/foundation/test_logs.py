"""The logging filters: identical lines rate-limited with a count, no traceback below ERROR."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from aztec.foundation.logs import LOG_FORMAT, NoTracebackBelowError, RepeatFilter, add_filters


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, Clock]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    clock = Clock()
    handler.addFilter(NoTracebackBelowError())
    handler.addFilter(RepeatFilter(60.0, clock=clock))
    logger = logging.getLogger("tests.foundation.logs")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield logger, stream, clock
    logger.removeHandler(handler)


def test_repeated_identical_errors_are_one_line_then_a_count_per_interval(
    logged: tuple[logging.Logger, io.StringIO, Clock],
) -> None:
    logger, stream, clock = logged
    for _ in range(400):
        logger.error("export to %s failed: %s", "http://c:4318", "refused")
        clock.now += 0.125  # 50 s in all
    logger.error("something else")
    assert stream.getvalue().splitlines() == ["ERROR export to http://c:4318 failed: refused", "ERROR something else"]
    clock.now += 10.0  # 60 s after the first
    logger.error("export to %s failed: %s", "http://c:4318", "refused")
    assert stream.getvalue().splitlines()[-1] == (
        "ERROR export to http://c:4318 failed: refused (399 more like this in the last 60 s)"
    )
    clock.now += 61.0
    logger.error("export to %s failed: %s", "http://c:4318", "refused")
    assert stream.getvalue().splitlines()[-1] == "ERROR export to http://c:4318 failed: refused", (
        "no count: none dropped"
    )


def test_the_same_text_at_another_level_or_logger_is_not_a_repeat(
    logged: tuple[logging.Logger, io.StringIO, Clock],
) -> None:
    logger, stream, _clock = logged
    logger.warning("x")
    logger.error("x")
    logger.getChild("other").error("x")
    assert len(stream.getvalue().splitlines()) == 3


def test_a_warning_or_info_never_carries_a_traceback(logged: tuple[logging.Logger, io.StringIO, Clock]) -> None:
    logger, stream, _clock = logged
    for level in (logging.INFO, logging.WARNING):
        try:
            raise ValueError("client sent a bad id")
        except ValueError:
            logger.log(level, "request %d refused", level, exc_info=True)
    assert "Traceback" not in stream.getvalue()
    assert stream.getvalue().splitlines() == [
        "INFO request 20 refused (ValueError: client sent a bad id)",
        "WARNING request 30 refused (ValueError: client sent a bad id)",
    ]


def test_an_error_keeps_its_traceback(logged: tuple[logging.Logger, io.StringIO, Clock]) -> None:
    logger, stream, _clock = logged
    try:
        raise RuntimeError("the node's own fault")
    except RuntimeError:
        logger.exception("internal error")
    assert "Traceback (most recent call last)" in stream.getvalue()
    assert "RuntimeError: the node's own fault" in stream.getvalue()


def test_add_filters_installs_both() -> None:
    handler = add_filters(logging.StreamHandler(io.StringIO()))
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    kinds = {type(f) for f in handler.filters}
    assert kinds == {RepeatFilter, NoTracebackBelowError}
