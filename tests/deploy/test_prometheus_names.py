"""Predicted Prometheus names against a real scrape of the embedded endpoint, and the collector path."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from aztec.telemetry import attributes as a
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.definitions import MetricDefinition, counter
from aztec.telemetry.exporters.prometheus_names import (
    SERVICE_INSTANCE_LABEL,
    SERVICE_NAME_LABEL,
    PromType,
    collector_family,
    label_name,
    path_divergences,
    prometheus_series,
    series_index,
)
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.host import PROCESS_CPU_TIME, SYSTEM_CPU_UTILIZATION
from aztec.telemetry.metrics.public_processor import PUBLIC_PROCESSOR_GAS_RATE
from aztec.telemetry.metrics.world_state import WORLD_STATE_TREE_SIZE
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.registry import all_metrics
from tests.deploy.recording import EveryMetric


@pytest.fixture(scope="module")
def scrape() -> Iterator[dict[str, list[dict[str, str]]]]:
    """One scrape of a real client that recorded every aztec metric and collects host metrics.

    Maps each sample name to the label sets it was seen with.
    """
    client = OtelTelemetryClient(
        TelemetryConfig(
            service_name="names-test",
            resource_attributes={"service.instance.id": "box-1"},
            prometheus_port=0,
            host_metrics=True,
        )
    )
    try:
        EveryMetric(client.get_meter("PrometheusNamesTest")).record()
        assert client.prometheus is not None
        with urllib.request.urlopen(client.prometheus.url, timeout=10) as response:
            text = response.read().decode()
        samples: dict[str, list[dict[str, str]]] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                samples.setdefault(sample.name, []).append(dict(sample.labels))
        yield samples
    finally:
        client.stop()


@pytest.mark.parametrize("definition", all_metrics(), ids=lambda d: d.name)
def test_every_predicted_name_appears_in_a_real_scrape(
    definition: MetricDefinition, scrape: dict[str, list[dict[str, str]]]
) -> None:
    series = prometheus_series(definition)
    missing = [name for name in series.names if name not in scrape]
    nearby = sorted(n for n in scrape if n.startswith(series.family[:12]))
    assert not missing, f"{definition.name}: predicted {missing}, the scrape has {nearby}"


@pytest.mark.parametrize("definition", all_metrics(), ids=lambda d: d.name)
def test_every_series_carries_the_resource_labels_and_its_attribute_labels(
    definition: MetricDefinition, scrape: dict[str, list[dict[str, str]]]
) -> None:
    for labels in scrape[prometheus_series(definition).name]:
        assert labels[SERVICE_NAME_LABEL] == "names-test"
        assert labels[SERVICE_INSTANCE_LABEL] == "box-1"
        if not definition.semconv:
            assert {label_name(k) for k in definition.attributes} <= labels.keys()


def test_translation_rules_on_examples() -> None:
    assert prometheus_series(CIRCUIT_SIMULATION_DURATION).names == (
        "aztec_circuit_simulation_duration_seconds_bucket",
        "aztec_circuit_simulation_duration_seconds_sum",
        "aztec_circuit_simulation_duration_seconds_count",
    )
    assert prometheus_series(PROCESS_CPU_TIME).name == "process_cpu_time_seconds_total"
    assert prometheus_series(WORLD_STATE_TREE_SIZE).name == "aztec_world_state_tree_size"  # {leaf} dropped
    assert prometheus_series(PUBLIC_PROCESSOR_GAS_RATE).family == "aztec_public_processor_gas_rate_per_second"
    # opentelemetry-exporter-prometheus 0.66b1 maps unit "1" to no suffix (the collector would add _ratio).
    assert prometheus_series(SYSTEM_CPU_UTILIZATION).type is PromType.GAUGE
    assert prometheus_series(SYSTEM_CPU_UTILIZATION).name == "system_cpu_utilization"
    assert label_name(a.CHAIN_STATUS) == "aztec_chain_status"
    assert label_name(a.RPC_METHOD) == "rpc_method"


def test_histogram_parts_are_refused_on_other_types() -> None:
    with pytest.raises(ValueError, match=r"process\.cpu\.time is a counter"):
        _ = prometheus_series(PROCESS_CPU_TIME).sum


def test_collector_model_matches_known_collector_names() -> None:
    """Names the collector's Go translator gives, from its own test cases' rules."""
    assert collector_family(CIRCUIT_SIMULATION_DURATION) == "aztec_circuit_simulation_duration_seconds"
    assert collector_family(SYSTEM_CPU_UTILIZATION, unit_one_dropped=False) == "system_cpu_utilization_ratio"
    assert collector_family(SYSTEM_CPU_UTILIZATION) == "system_cpu_utilization"
    # The Go translator removes every "total" token from a counter's name before appending _total.
    assert collector_family(counter("aztec.x.total_count", "1", "a counter")) == "aztec_x_count"
    assert prometheus_series(counter("aztec.x.total_count", "1", "a counter")).family == "aztec_x_total_count"


def test_no_metric_is_named_differently_on_the_two_paths() -> None:
    """A divergence must be fixed in the registry (or relabelled in prometheus.yml: see consistency)."""
    assert path_divergences() == []


def test_series_index_maps_every_sample_name_back_to_its_definition() -> None:
    index = series_index()
    assert index["aztec_circuit_simulation_duration_seconds_count"].definition is CIRCUIT_SIMULATION_DURATION
    assert len({s.definition.name for s in index.values()}) == len(all_metrics())
