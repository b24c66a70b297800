"""Cost of one metric record, measured side by side in one run (ns per call, best of several repeats).

Run: ``uv run python bench/record_cost.py``. Targets: the no-op path within 2x a plain method call; this
client's record (local aggregation, the default) at least 5x cheaper than the OpenTelemetry SDK's.
"""

from __future__ import annotations

import logging
import random
import statistics
import time
import timeit
from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from prometheus_client import CollectorRegistry
from prometheus_client import Histogram as PromHistogram

from aztec.telemetry import NoopTelemetryClient
from aztec.telemetry import attributes as a
from aztec.telemetry.buckets import boundaries_for
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.node import JSON_RPC_REQUEST_COUNT
from aztec.telemetry.otel.cells import HistogramCell, refusal
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.trace_settings import SamplerSettings

NUMBER = 50_000
REPEAT = 7
ATTRS = {a.PROTOCOL_CIRCUIT_NAME: "base-rollup", a.PROVER_TYPE: "native"}
COUNTER_ATTRS = {a.RPC_METHOD: "node_getTxReceipt", a.RPC_STATUS: "ok"}


class _DroppingSpanExporter(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


class _Plain:
    def record(self, value: float, attributes: Any = None) -> None:
        pass


def ns_per_call(statement: str, namespace: dict[str, Any]) -> float:
    """Best of REPEAT runs of NUMBER calls, in ns per call (timeit's loop overhead included alike)."""
    runs = timeit.repeat(statement, globals=namespace, number=NUMBER, repeat=REPEAT)
    return min(runs) / NUMBER * 1e9


def interleaved_ns(
    statements: list[str], namespace: dict[str, Any], rounds: int = 40, reset: Callable[[], None] = lambda: None
) -> list[float]:
    """The statements timed in alternation, best round of each: on a loaded machine a few percent between
    two paths only shows when both are measured under the same load. ``reset`` runs before each timed
    chunk (see :func:`measure`)."""
    best = [float("inf")] * len(statements)
    number = NUMBER // 5
    for _ in range(rounds):
        for i, statement in enumerate(statements):
            reset()
            best[i] = min(best[i], timeit.timeit(statement, globals=namespace, number=number) / number * 1e9)
    return best


def _black_hole_endpoint() -> tuple[str, Callable[[], None]]:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return f"http://127.0.0.1:{sock.getsockname()[1]}/v1/metrics", sock.close


def measure() -> list[tuple[str, float]]:
    noop = NoopTelemetryClient().get_meter("bench").create_histogram(CIRCUIT_SIMULATION_DURATION)
    ours_client = OtelTelemetryClient(TelemetryConfig(prometheus_port=0, host_metrics=False))
    ours = ours_client.get_meter("bench").create_histogram(CIRCUIT_SIMULATION_DURATION)
    ours_counter = ours_client.get_meter("bench").create_counter(JSON_RPC_REQUEST_COUNT)
    via_sdk_client = OtelTelemetryClient(
        TelemetryConfig(prometheus_port=0, host_metrics=False, local_aggregation=False)
    )
    via_sdk = via_sdk_client.get_meter("bench").create_histogram(CIRCUIT_SIMULATION_DURATION)
    endpoint, close_hole = _black_hole_endpoint()
    holed_client = OtelTelemetryClient(
        TelemetryConfig(
            otlp_metrics=OtlpExport(endpoint), collect_interval_ms=200, export_timeout_ms=2000, host_metrics=False
        ),
        probe_otlp=False,
    )
    holed = holed_client.get_meter("bench").create_histogram(CIRCUIT_SIMULATION_DURATION)
    # Traces on (spans dropped, not exported): histogram cells then keep exemplars.
    traced_client = OtelTelemetryClient(
        TelemetryConfig(host_metrics=False, trace_sampler=SamplerSettings("always_on", 1.0)),
        extra_span_processors=[BatchSpanProcessor(_DroppingSpanExporter())],
    )
    traced = traced_client.get_meter("bench").create_histogram(CIRCUIT_SIMULATION_DURATION)
    traced_tracer = traced_client.get_tracer("bench")
    # One reader, as our client has: with none the SDK skips aggregation and the comparison is unfair.
    sdk_provider = MeterProvider(metric_readers=[InMemoryMetricReader()])
    sdk = sdk_provider.get_meter("bench").create_histogram("sdk.histogram", unit="s")
    raw_attrs = {str(k): v for k, v in ATTRS.items()}
    prom = PromHistogram("bench_seconds", "bench", ["circuit", "prover"], registry=CollectorRegistry())
    prom_child = prom.labels("base-rollup", "native")
    ns = {
        "plain": _Plain(),
        "noop": noop,
        "noop_bound": noop.bind(ATTRS),
        "ours": ours,
        "ours_bound": ours.bind(ATTRS),
        "ours_counter": ours_counter,
        "counter_attrs": COUNTER_ATTRS,
        "via_sdk": via_sdk,
        "via_sdk_bound": via_sdk.bind(ATTRS),
        "holed_bound": holed.bind(ATTRS),
        "traced_bound": traced.bind(ATTRS),
        "sdk": sdk,
        "prom_child": prom_child,
        "attrs": ATTRS,
        "raw_attrs": raw_attrs,
    }
    rows = [
        ("plain Python method call, 2 attributes", "plain.record(0.5, attrs)"),
        ("no-op client histogram, 2 attributes", "noop.record(0.5, attrs)"),
        ("no-op client bound histogram", "noop_bound.record(0.5)"),
        ("this client's histogram, 0 attributes", "ours.record(0.5)"),
        ("this client's histogram, 2 attributes", "ours.record(0.5, attrs)"),
        ("this client's bound histogram (2 attributes)", "ours_bound.record(0.5)"),
        ("this client's bound histogram, OTLP endpoint black-holed", "holed_bound.record(0.5)"),
        ("this client's bound histogram, traces on, outside a span", "traced_bound.record(0.5)"),
        ("this client's counter, 2 attributes", "ours_counter.add(1, counter_attrs)"),
        ("this client through the SDK (local aggregation off), 2 attributes", "via_sdk.record(0.5, attrs)"),
        ("this client through the SDK (local aggregation off), bound", "via_sdk_bound.record(0.5)"),
        ("OpenTelemetry SDK histogram directly, 2 attributes", "sdk.record(0.5, raw_attrs)"),
        ("prometheus_client bound histogram child .observe", "prom_child.observe(0.5)"),
    ]
    try:
        results = [(label, ns_per_call(stmt, ns)) for label, stmt in rows]
        with traced_tracer.span("sampled"):  # timeit runs in this thread's context: inside the span
            inside = ns_per_call("traced_bound.record(0.5)", ns)
        results.insert(8, ("this client's bound histogram, traces on, in a sampled span (keeps an exemplar)", inside))

        # Each chunk starts with no value pending, as in the node, where the pending folder keeps a series'
        # pending values short: a list grown to a million values (the folder wakes once a second) pays
        # page faults as it grows, more for whichever grew longer, which a 10% comparison cannot bear.
        pending = [bound for bound in (ns["ours_bound"], ns["traced_bound"]) if isinstance(bound, list)]
        assert len(pending) == 2, "a bound histogram of this client is its list of pending values"

        def drop_pending() -> None:
            for values in pending:
                values.clear()

        off, on = interleaved_ns(["ours_bound.record(0.5)", "traced_bound.record(0.5)"], ns, reset=drop_pending)
        results.append(("interleaved: bound histogram, traces off", off))
        results.append(("interleaved: bound histogram, traces on, outside a span", on))
        return results
    finally:
        ours_client.stop()
        via_sdk_client.stop()
        holed_client.stop()
        traced_client.stop()
        sdk_provider.shutdown()
        close_hole()


def cold_ns_per_call(record: Callable[[float], None], records: int = 3000, touched: int = 2000) -> float:
    """ns per call when the caches were just filled with other data (touching ``touched`` random lists).

    This is how a record runs inside the node: between two records the pipeline's own work evicts the
    cell, its bounds, its lock and its counts from the CPU caches.
    """
    rng = random.Random(0)
    junk = [[rng.random() for _ in range(50)] for _ in range(40_000)]
    clock = time.perf_counter_ns
    total = empty = 0
    for _ in range(records):
        sum(chunk[0] for chunk in rng.sample(junk, touched))
        started = clock()
        record(0.02)
        total += clock() - started
        started = clock()
        empty += clock() - started
    return (total - empty) / records


def fold_ns_per_value(batch: int, batches: int = 200) -> float:
    """ns per value of folding a bound histogram's pending values (at a collection, or by the folder).

    A bound record only appends; the bucketing, sum and min/max run when the values are folded, a
    batch at a time. Best of :data:`REPEAT` runs of ``batches`` folds of ``batch`` values each.
    """
    rng = random.Random(1)
    values = [rng.uniform(0, 0.1) for _ in range(batch)]
    best = float("inf")
    for _ in range(REPEAT):
        cell = HistogramCell(boundaries_for(CIRCUIT_SIMULATION_DURATION), refusal("bench", "histogram"))
        bound, clock, total = cell.bound(), time.perf_counter_ns, 0
        for _ in range(batches):
            for value in values:
                bound.record(value)
            started = clock()
            cell.drain()
            total += clock() - started
        best = min(best, total / (batch * batches))
    return best


def main() -> None:
    logging.getLogger("aztec.telemetry").setLevel(logging.ERROR)  # the black-holed exporter's warning
    results = measure()
    plain = results[0][1]
    print(f"Record cost, ns per call (best of {REPEAT} x {NUMBER:,} calls, side by side in one run)\n")
    print("| path | ns/call | x plain call |")
    print("|---|---:|---:|")
    for label, value in results:
        print(f"| {label} | {value:,.0f} | {value / plain:.1f} |")
    noop = results[1][1]
    verdict = "met" if noop <= 2 * plain else "NOT met"
    print(f"\nTarget: no-op within 2x a plain method call: {noop / plain:.2f}x, {verdict}.")
    by_label = dict(results)
    local, through_sdk = (
        by_label["this client's histogram, 2 attributes"],
        by_label["this client through the SDK (local aggregation off), 2 attributes"],
    )
    verdict = "met" if through_sdk >= 5 * local else "NOT met"
    print(f"Target: local aggregation at least 5x cheaper than the SDK: {through_sdk / local:.1f}x, {verdict}.")
    bound, holed = results[5][1], results[6][1]
    print(f"Black-holed OTLP endpoint vs none (bound): {holed / bound:.2f}x (recording does not wait on export).")
    off = by_label["interleaved: bound histogram, traces off"]
    outside = by_label["interleaved: bound histogram, traces on, outside a span"]
    verdict = "met" if outside <= 1.10 * off else "NOT met"
    print(
        f"Target: traces on, a record outside a sampled span at most 10% dearer than traces off: "
        f"{outside / off - 1:+.1%} (interleaved rounds), {verdict}."
    )
    print(f"Median of all paths: {statistics.median(v for _, v in results):,.0f} ns")
    client = OtelTelemetryClient(TelemetryConfig(host_metrics=False))
    cold_bound = client.get_meter("bench").create_histogram(CIRCUIT_SIMULATION_DURATION).bind(ATTRS)
    prom = PromHistogram("cold_seconds", "bench", ["circuit"], registry=CollectorRegistry()).labels("base-rollup")
    cold = [
        ("this client's bound histogram, caches cold", cold_ns_per_call(cold_bound.record)),
        ("prometheus_client bound histogram child .observe, caches cold", cold_ns_per_call(prom.observe)),
    ]
    client.stop()
    print("\nThe same calls with the caches cold (other data touched between calls, as inside the node):\n")
    print("| path | ns/call |\n|---|---:|")
    for label, value in cold:
        print(f"| {label} | {value:,.0f} |")
    print("\nWhat a bound record leaves for later: folding its value (at a collection, or by the pending folder):\n")
    print("| fold | ns per value |\n|---|---:|")
    for batch in (128, 1000):
        print(f"| {batch:,} values pending | {fold_ns_per_value(batch):,.0f} |")


if __name__ == "__main__":
    main()
