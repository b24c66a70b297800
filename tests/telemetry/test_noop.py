"""With nothing configured the node gets the no-op client and needs no infrastructure."""

from __future__ import annotations

from aztec.telemetry import NoopTelemetryClient, create_telemetry_client, telemetry_client_from_env, timed
from aztec.telemetry import attributes as a
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.sequencer import SEQUENCER_BLOCK_COUNT, SEQUENCER_STATE
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.telemetry.example_metrics import EXAMPLE_IN_FLIGHT, EXAMPLE_OPERATION_COUNT


def test_nothing_configured_gives_the_noop_client() -> None:
    client = telemetry_client_from_env({})
    assert isinstance(client, NoopTelemetryClient)
    assert not client.is_enabled()


def test_any_exporter_gives_the_otel_client(tmp_path: object) -> None:
    client = create_telemetry_client(
        TelemetryConfig(console=False, ndjson_path=None, prometheus_port=0, host_metrics=False)
    )
    try:
        assert isinstance(client, OtelTelemetryClient)
        assert client.is_enabled()
    finally:
        client.stop()


def test_noop_instruments_accept_every_call() -> None:
    client = NoopTelemetryClient()
    meter = client.get_meter("Anything")
    assert meter.name == "Anything"
    histogram = meter.create_histogram(CIRCUIT_SIMULATION_DURATION)
    histogram.record(1.0)
    histogram.record(1.0, {a.PROTOCOL_CIRCUIT_NAME: "base-rollup"})
    histogram.bind({a.PROTOCOL_CIRCUIT_NAME: "base-rollup"}).record(2.0)
    meter.create_counter(EXAMPLE_OPERATION_COUNT).add(1)
    meter.create_up_down_counter(EXAMPLE_IN_FLIGHT).add(-1)
    gauge = meter.create_observable_gauge(SEQUENCER_STATE, lambda result: result.observe(1))
    meter.add_batch_observable_callback(lambda result: None, [gauge])
    meter.remove_batch_observable_callback(lambda result: None, [gauge])
    meter.create_counter(SEQUENCER_BLOCK_COUNT).bind({a.BLOCK_OUTCOME: "published"}).add()
    with timed(histogram), client.get_tracer("T").start_span("span") as span:
        span.set_attribute(a.TX_HASH, "0x1")
    assert client.flush()
    client.stop()
    client.stop()
