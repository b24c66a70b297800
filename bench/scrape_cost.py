"""Cost of a Prometheus scrape and of an OTLP export, renderers side by side on the same series in one run.

Run: ``uv run python bench/scrape_cost.py [--samples 2000,20000,200000] [--repeat 5]``.

For each size the same series (histograms of 20 bounds, counters and gauges, each with one bounded
attribute and the ``service_name`` / ``service_instance_id`` labels) are recorded into:

- this client (local aggregation, the default), scraped through its endpoint's renderer;
- the same client's data through the old path: ``PrometheusMetricReader`` into a ``prometheus_client``
  registry, then ``generate_latest`` (what the endpoint did before);
- the OpenTelemetry SDK's Prometheus reader (local aggregation off), as the endpoint serves it then;
- ``prometheus_client``'s own metrics holding the same series, rendered by its ``generate_latest``.

It prints CPU ms per scrape and µs per sample (median of the repeats, with min-max), memory per series
for this client and for the SDK (tracemalloc, after one scrape), and CPU ms per OTLP/HTTP export of
2,000 series to a local sink, this client against the SDK path, and of that the request's encoding
(OpenTelemetry's encoder against ours, on the same collection). Target: this endpoint at least 4x
faster than ``prometheus_client``'s ``generate_latest`` on the same series.
"""

from __future__ import annotations

import argparse
import gc
import logging
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.sdk.metrics.export import MetricsData
from prometheus_client import CollectorRegistry, disable_created_metrics, generate_latest
from prometheus_client import Counter as PromCounter
from prometheus_client import Gauge as PromGauge
from prometheus_client import Histogram as PromHistogram

from aztec.telemetry.buckets import SECONDS
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.definitions import (
    AttributeKey,
    CounterDefinition,
    GaugeDefinition,
    HistogramDefinition,
    counter,
    gauge,
    histogram,
)
from aztec.telemetry.exporters.otlp import OtlpHttpMetricExporter
from aztec.telemetry.exporters.otlp_encoding import MetricsRequestEncoder
from aztec.telemetry.exporters.prometheus import RESOURCE_LABELS
from aztec.telemetry.otel.client import OtelTelemetryClient

try:
    from bench.otlp_sink import OtlpSink
except ModuleNotFoundError:  # run as a script (python bench/<name>.py): bench/ is on the path, not its parent
    from otlp_sink import OtlpSink  # type: ignore[import-not-found,no-redef]

KIND = AttributeKey("aztec.bench.kind", "which series (bounded in real use; one value per series here)")
PER_METRIC = 1000
"""Series per metric (under the 2,000 cardinality limit)."""
HISTOGRAM_SAMPLES = len(SECONDS) + 3  # buckets with +Inf, _count, _sum
UNIT_SAMPLES = HISTOGRAM_SAMPLES + 4
"""One unit of data: 1 histogram series, 2 counter series, 2 gauge series."""
SERVICE = {"service_name": "bench", "service_instance_id": "bench-1"}


@dataclass(frozen=True)
class Data:
    """``units`` histogram series, twice as many counter and gauge series; spread over metrics."""

    units: int

    @property
    def samples(self) -> int:
        return self.units * UNIT_SAMPLES

    @property
    def series(self) -> int:
        return self.units * 5

    def histograms(self) -> Iterator[tuple[int, int]]:
        """(metric index, series index) of every histogram series."""
        return ((i // PER_METRIC, i) for i in range(self.units))

    def numbers(self) -> Iterator[tuple[int, int]]:
        return ((i // PER_METRIC, i) for i in range(2 * self.units))


def _definitions(index: int) -> tuple[HistogramDefinition, CounterDefinition, GaugeDefinition]:
    return (
        histogram(f"aztec.bench.h{index}.duration", "s", "Bench histogram", attributes=(KIND,), buckets=SECONDS),
        counter(f"aztec.bench.c{index}.events", "{event}", "Bench counter", attributes=(KIND,)),
        gauge(f"aztec.bench.g{index}.level", "1", "Bench gauge", attributes=(KIND,)),
    )


def _record(client: OtelTelemetryClient, data: Data) -> None:
    meter = client.get_meter("Bench")
    instruments: dict[int, Any] = {}
    for metric, i in data.histograms():
        if metric not in instruments:
            h, c, g = _definitions(metric)
            instruments[metric] = (meter.create_histogram(h), meter.create_counter(c), meter.create_gauge(g))
        h_instrument = instruments[metric][0]
        for value in (0.0003, 0.02 * (1 + i % 7), 3.0):
            h_instrument.record(value, {KIND: f"series-{i}"})
    for metric, i in data.numbers():
        if metric not in instruments:
            h, c, g = _definitions(metric)
            instruments[metric] = (meter.create_histogram(h), meter.create_counter(c), meter.create_gauge(g))
        instruments[metric][1].add(i + 1, {KIND: f"series-{i}"})
        instruments[metric][2].set(i * 0.5, {KIND: f"series-{i}"})


def _prometheus_client_registry(data: Data) -> CollectorRegistry:
    """prometheus_client's own metrics with the same names, label sets and values (no ``_created``)."""
    disable_created_metrics()  # type: ignore[no-untyped-call]  # process-wide: the OpenTelemetry paths have none
    registry = CollectorRegistry(auto_describe=False)
    labels = ["aztec_bench_kind", *SERVICE]
    families: dict[int, tuple[PromHistogram, PromCounter, PromGauge]] = {}

    def family(metric: int) -> tuple[PromHistogram, PromCounter, PromGauge]:
        if metric not in families:
            families[metric] = (
                PromHistogram(
                    f"aztec_bench_h{metric}_duration_seconds",
                    "Bench histogram",
                    labels,
                    registry=registry,
                    buckets=SECONDS,
                ),
                PromCounter(f"aztec_bench_c{metric}_events", "Bench counter", labels, registry=registry),
                PromGauge(f"aztec_bench_g{metric}_level", "Bench gauge", labels, registry=registry),
            )
        return families[metric]

    for metric, i in data.histograms():
        child = family(metric)[0].labels(f"series-{i}", *SERVICE.values())
        for value in (0.0003, 0.02 * (1 + i % 7), 3.0):
            child.observe(value)
    for metric, i in data.numbers():
        _, c, g = family(metric)
        c.labels(f"series-{i}", *SERVICE.values()).inc(i + 1)
        g.labels(f"series-{i}", *SERVICE.values()).set(i * 0.5)
    return registry


def _config(**changes: Any) -> TelemetryConfig:
    base = TelemetryConfig(
        service_name="bench",
        resource_attributes={"service.instance.id": "bench-1"},
        host_metrics=False,
        collect_interval_ms=3_600_000,
    )
    return TelemetryConfig(**{**base.__dict__, **changes})


def _cpu_ms(render: Callable[[], Sized], repeat: int) -> tuple[list[float], int]:
    """CPU ms of each of ``repeat`` renders or encodings (after one warm-up), and the output's size."""
    body = render()
    runs = []
    for _ in range(repeat):
        gc.collect()
        started = time.thread_time()
        render()
        runs.append((time.thread_time() - started) * 1000)
    return runs, len(body)


def _count_samples(body: bytes) -> int:
    return sum(1 for line in body.splitlines() if line and not line.startswith(b"#"))


def scrape_rows(data: Data, repeat: int) -> list[tuple[str, list[float], int]]:
    old_registry = CollectorRegistry(auto_describe=False)
    old_reader = PrometheusMetricReader(
        scope_info_enabled=False, registry=old_registry, resource_attribute_filter=RESOURCE_LABELS.__contains__
    )
    ours = OtelTelemetryClient(_config(prometheus_port=0), extra_readers=[old_reader])
    sdk = OtelTelemetryClient(_config(prometheus_port=0, local_aggregation=False))
    try:
        _record(ours, data)
        _record(sdk, data)
        native = _prometheus_client_registry(data)
        assert ours.prometheus is not None and sdk.prometheus is not None
        ours_endpoint, sdk_endpoint = ours.prometheus, sdk.prometheus
        renderers: list[tuple[str, Callable[[], bytes]]] = [
            ("this endpoint (local cells, text)", lambda: ours_endpoint.render("")[0]),
            (
                "this endpoint (local cells, OpenMetrics)",
                lambda: ours_endpoint.render("application/openmetrics-text; version=1.0.0")[0],
            ),
            ("prometheus_client generate_latest (its own metrics)", lambda: generate_latest(native)),
            ("before: local cells -> PrometheusMetricReader -> generate_latest", lambda: generate_latest(old_registry)),
            ("OpenTelemetry SDK's Prometheus reader (local aggregation off)", lambda: sdk_endpoint.render("")[0]),
        ]
        rows = []
        for label, render in renderers:
            runs, _ = _cpu_ms(render, repeat)
            rows.append((label, runs, _count_samples(render())))
        return rows
    finally:
        ours.stop()
        sdk.stop()


def memory_per_series(local_aggregation: bool, data: Data) -> float:
    """Bytes allocated per series by recording ``data`` and one scrape (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    client = OtelTelemetryClient(_config(prometheus_port=0, local_aggregation=local_aggregation))
    try:
        _record(client, data)
        assert client.prometheus is not None
        client.prometheus.render("")
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        client.stop()
    return (after - before) / data.series


@contextmanager
def _otlp_client(local_aggregation: bool, endpoint: str) -> Iterator[OtelTelemetryClient]:
    client = OtelTelemetryClient(
        _config(otlp_metrics=OtlpExport(endpoint), local_aggregation=local_aggregation), probe_otlp=False
    )
    try:
        yield client
    finally:
        client.stop()


def otlp_export_ms(data: Data, repeat: int) -> list[tuple[str, list[float]]]:
    """CPU ms of the flushing thread per export (collection, encoding, the HTTP request)."""
    sink = OtlpSink()
    rows = []
    try:
        for label, local in (("this client (local aggregation)", True), ("OpenTelemetry SDK path", False)):
            with _otlp_client(local, sink.endpoint) as client:
                _record(client, data)
                client.flush()
                runs = []
                for _ in range(repeat):
                    _record(client, data)  # new data in every series, so delta and cumulative both export it all
                    gc.collect()
                    started = time.thread_time()
                    assert client.flush()
                    runs.append((time.thread_time() - started) * 1000)
                rows.append((label, runs))
    finally:
        sink.close()
    return rows


def otlp_encode_ms(data: Data, repeat: int) -> list[tuple[str, list[float]]]:
    """CPU ms to encode one export's request: the SDK's encoder against ours, on the same collection."""
    given: list[MetricsData] = []
    export = OtlpHttpMetricExporter.export

    def keep(self: OtlpHttpMetricExporter, metrics_data: MetricsData, *args: Any, **kwargs: Any) -> Any:
        given.append(metrics_data)
        return export(self, metrics_data, *args, **kwargs)

    sink = OtlpSink()
    OtlpHttpMetricExporter.export = keep  # type: ignore[method-assign]
    try:
        with _otlp_client(True, sink.endpoint) as client:
            _record(client, data)
            assert client.flush()
    finally:
        OtlpHttpMetricExporter.export = export  # type: ignore[method-assign]
        sink.close()
    collection = given[-1]
    encoder = MetricsRequestEncoder()
    encoders: list[tuple[str, Callable[[], Sized]]] = [
        ("OpenTelemetry's encode_metrics, serialized", lambda: encode_metrics(collection).SerializeToString()),
        (
            "ours (exporters/otlp_encoding), parsed back and serialized, as the exporter sends it",
            lambda: ExportMetricsServiceRequest.FromString(encoder.encode(collection)).SerializeToString(),
        ),
    ]
    return [(label, _cpu_ms(encode, repeat)[0]) for label, encode in encoders]


def _spread(runs: list[float]) -> str:
    return f"{statistics.median(runs):,.2f} ({min(runs):,.2f}-{max(runs):,.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default="2000,20000,200000", help="approximate samples per scrape")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("aztec.telemetry").setLevel(logging.ERROR)
    sizes = [Data(max(1, int(s) // UNIT_SAMPLES)) for s in args.samples.split(",")]
    print(f"Scrape cost: CPU ms per scrape, median of {args.repeat} (min-max), and µs per sample\n")
    print("| samples | renderer | ms per scrape | µs per sample | x this endpoint |")
    print("|---:|---|---:|---:|---:|")
    verdicts = []
    for data in sizes:
        rows = scrape_rows(data, args.repeat)
        ours = statistics.median(rows[0][1])
        for label, runs, samples in rows:
            median = statistics.median(runs)
            print(f"| {samples:,} | {label} | {_spread(runs)} | {median * 1000 / samples:.2f} | {median / ours:.1f} |")
        native = statistics.median(rows[2][1])
        verdicts.append(f"{data.samples:,} samples: {native / ours:.1f}x")
    met = all(float(v.split(": ")[1][:-1]) >= 4 for v in verdicts)
    print(f"\nTarget: at least 4x faster than prometheus_client's generate_latest: {', '.join(verdicts)}; ", end="")
    print("met." if met else "NOT met.")
    memory_data = Data(400)
    ours_bytes = memory_per_series(True, memory_data)
    sdk_bytes = memory_per_series(False, memory_data)
    mix = "1 histogram to 2 counters to 2 gauges, after one scrape"
    print(f"\nMemory per series ({memory_data.series:,} series: {mix}):")
    print("\n| client | bytes per series |\n|---|---:|")
    print(f"| this client (local aggregation) | {ours_bytes:,.0f} |")
    print(f"| OpenTelemetry SDK path | {sdk_bytes:,.0f} |")
    export_data = Data(400)
    print(f"\nOTLP/HTTP export of {export_data.series:,} series to a local sink: CPU ms per export, ", end="")
    print(f"median of {args.repeat} (min-max)")
    export_rows = otlp_export_ms(export_data, args.repeat)
    ratio = _print_rows("client", export_rows)
    print(f"\nThe SDK path costs {ratio:.2f}x this client's per export.")
    print("\nOf that, the request's encoding (the same collection):")
    ratio = 1 / _print_rows("encoder", otlp_encode_ms(export_data, args.repeat))
    print(f"\nThe SDK's encoder costs {ratio:.2f}x ours.")


def _print_rows(what: str, rows: list[tuple[str, list[float]]]) -> float:
    """A table of ms per export; returns the second row's median over the first's."""
    print(f"\n| {what} | ms per export |\n|---|---:|")
    for label, runs in rows:
        print(f"| {label} | {_spread(runs)} |")
    return statistics.median(rows[1][1]) / statistics.median(rows[0][1])


if __name__ == "__main__":
    main()
