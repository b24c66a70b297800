"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aztec.telemetry.testing import InMemoryTelemetryClient


@pytest.fixture
def telemetry() -> Iterator[InMemoryTelemetryClient]:
    """A strict in-memory telemetry client, stopped after the test."""
    client = InMemoryTelemetryClient()
    yield client
    client.stop()
