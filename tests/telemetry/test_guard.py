"""Unbounded attributes never reach a metric: strict mode raises, production drops and counts."""

from __future__ import annotations

import pytest

from aztec.telemetry import attributes as a
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.telemetry import TELEMETRY_DROPPED_RECORDS
from aztec.telemetry.otel.guard import BannedAttributeError, UndeclaredAttributeError
from aztec.telemetry.testing import InMemoryTelemetryClient

CIRCUIT = {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"}


def test_strict_mode_raises_on_a_banned_attribute(telemetry: InMemoryTelemetryClient) -> None:
    histogram = telemetry.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
    with pytest.raises(BannedAttributeError, match=r"aztec\.tx\.hash"):
        histogram.record(1.0, {**CIRCUIT, a.TX_HASH: "0xabc"})
    with pytest.raises(BannedAttributeError):
        histogram.bind({a.BLOCK_NUMBER: 7})


def test_strict_mode_raises_on_undeclared_attributes_and_values(telemetry: InMemoryTelemetryClient) -> None:
    histogram = telemetry.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
    with pytest.raises(UndeclaredAttributeError, match="not declared"):
        histogram.record(1.0, {a.MERKLE_TREE_NAME: "note_hash"})
    with pytest.raises(UndeclaredAttributeError, match="not one of"):
        histogram.record(1.0, {a.PROTOCOL_CIRCUIT_NAME: "made-up-circuit"})


def test_production_mode_drops_and_counts() -> None:
    client = InMemoryTelemetryClient(strict=False)
    try:
        histogram = client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
        histogram.record(1.0, {**CIRCUIT, a.TX_HASH: "0xabc"})
        histogram.record(2.0, CIRCUIT)
        bound = histogram.bind({**CIRCUIT, a.TX_HASH: "0xdef"})
        bound.record(3.0)  # dropped: the binding was refused
        assert client.histogram(CIRCUIT_SIMULATION_DURATION).count == 1
        dropped = client.counter_value(
            TELEMETRY_DROPPED_RECORDS, {a.TELEMETRY_METRIC: CIRCUIT_SIMULATION_DURATION.name}
        )
        assert dropped == 2
        assert all("aztec.tx.hash" not in s.attributes for s in client.series(CIRCUIT_SIMULATION_DURATION))
    finally:
        client.stop()


def test_config_strict_flag_reaches_the_guard() -> None:
    assert TelemetryConfig.from_env({"AZTEC_TELEMETRY_STRICT": "true"}).strict
    assert not TelemetryConfig.from_env({}).strict
