"""Fixtures the telemetry tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.otlp_receivers import OtlpHttpReceiver


@pytest.fixture
def http_receiver() -> Iterator[OtlpHttpReceiver]:
    """An OTLP/HTTP receiver on 127.0.0.1, closed after the test."""
    receiver = OtlpHttpReceiver()
    yield receiver
    receiver.close()
