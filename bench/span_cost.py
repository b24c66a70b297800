"""Cost of one span, measured side by side in one run (ns per span, best of several repeats).

Run: ``uv run python bench/span_cost.py``. Target: with traces off (the no-op tracer, what a node gets
when no traces endpoint is set) a span costs what a plain call costs (within 2x a plain ``with`` block
of a trivial context manager, and a ``@traced`` method within 2x a plain method call).
"""

from __future__ import annotations

import functools
import time
import timeit
from collections.abc import Sequence
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from aztec.telemetry import attributes as a
from aztec.telemetry.api import Tracer
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.noop import NOOP_TRACER
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.trace_settings import DEFAULT_RATIO, SamplerSettings
from aztec.telemetry.traced import traced

try:
    from bench.otlp_sink import OtlpSink
except ModuleNotFoundError:  # run as a script (python bench/<name>.py): bench/ is on the path, not its parent
    from otlp_sink import OtlpSink  # type: ignore[import-not-found,no-redef]

NUMBER = 20_000
REPEAT = 7
ATTRS = {a.BLOCK_NUMBER: 12, a.TX_HASH: "0xabc"}


class _Plain:
    def __enter__(self) -> _Plain:
        return self

    def __exit__(self, *args: object) -> None:
        pass


DEFAULT_ROOT = f"traces on, default sampler (parentbased_traceidratio {DEFAULT_RATIO:g}), root span"


def _passthrough(method: Any) -> Any:
    """A decorator that only forwards the call: what any wrapper costs."""

    @functools.wraps(method)
    def forward(obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        return method(obj, *args, **kwargs)

    return forward


class _Subject:
    def __init__(self, tracer: Tracer) -> None:
        self.tracer = tracer

    def plain(self, value: int) -> int:
        return value

    @_passthrough
    def wrapped(self, value: int) -> int:
        return value

    @traced("Subject.work")
    def work(self, value: int) -> int:
        return value


class _DroppingExporter(SpanExporter):
    """Takes spans and drops them: the cost measured is the node's, not an exporter's."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def _client(sampler: SamplerSettings) -> OtelTelemetryClient:
    return OtelTelemetryClient(
        TelemetryConfig(host_metrics=False, trace_sampler=sampler),
        extra_span_processors=[BatchSpanProcessor(_DroppingExporter(), max_queue_size=100_000)],
    )


def tx_path(bot: Tracer, node: Tracer, tx_hash: str) -> None:
    """The spans of one tx from the bot's send to the node's pool admission, W3C carrier included."""
    rpc = {a.RPC_METHOD: "node_sendTx"}
    with bot.span("Bot.send_transfer", {a.TX_HASH: tx_hash}), bot.span("node_sendTx", rpc, kind="client"):
        carrier = bot.inject()
    with (
        node.span("node_sendTx", rpc, kind="server", parent=carrier),
        node.span("TxPool.add_tx", {a.TX_HASH: tx_hash}) as span,
    ):
        span.set_attribute(a.OUTCOME, "added")


def tx_path_cpu_us(endpoint: str, sampler: SamplerSettings | None, n: int = 2000) -> float:
    """CPU (all threads) per tx path with real OTLP/HTTP export to ``endpoint``, flushed: what a tx costs."""
    config = TelemetryConfig(
        host_metrics=False, otlp_traces=OtlpExport(endpoint), trace_sampler=sampler or SamplerSettings()
    )
    client = OtelTelemetryClient(config) if sampler is not None else None
    tracer: Tracer = client.get_tracer("bench") if client is not None else NOOP_TRACER
    started = time.process_time()
    for i in range(n):
        tx_path(tracer, tracer, f"0x{i:064x}")
    if client is not None:
        client.flush(30)
    cpu = (time.process_time() - started) / n * 1e6
    if client is not None:
        client.stop()
    return cpu


def ns_per_call(statement: str, namespace: dict[str, Any]) -> float:
    runs = timeit.repeat(statement, globals=namespace, number=NUMBER, repeat=REPEAT)
    return min(runs) / NUMBER * 1e9


def measure() -> list[tuple[str, float]]:
    never, always, default = (
        _client(SamplerSettings("always_off", 0.0)),
        _client(SamplerSettings("always_on", 1.0)),
        _client(SamplerSettings()),
    )
    ns = {
        "plain_cm": _Plain(),
        "noop": NOOP_TRACER,
        "noop_subject": _Subject(NOOP_TRACER),
        "never": never.get_tracer("bench"),
        "always": always.get_tracer("bench"),
        "default": default.get_tracer("bench"),
        "attrs": ATTRS,
    }
    rows = [
        ("plain `with` of a trivial context manager", "with plain_cm: pass"),
        ("traces off: `with tracer.span(name, 2 attributes)`", "with noop.span('x', attrs): pass"),
        ("plain method call", "noop_subject.plain(1)"),
        ("method call through a pass-through decorator", "noop_subject.wrapped(1)"),
        ("traces off: `@traced` method call", "noop_subject.work(1)"),
        ("traces on, sampler always_off (span not recorded)", "with never.span('x', attrs): pass"),
        (DEFAULT_ROOT, "with default.span('x', attrs): pass"),
        ("traces on, always_on, span recorded and exported", "with always.span('x', attrs): pass"),
    ]
    unsampled = _client(SamplerSettings("parentbased_traceidratio", 0.0))
    ns["unsampled"] = unsampled.get_tracer("bench")
    try:
        results = [(label, ns_per_call(stmt, ns)) for label, stmt in rows]
        root = ns_per_call("with unsampled.span('x', attrs): pass", ns)
        results.append(("traces on, parent-based ratio sampler, unsampled root span", root))
        with unsampled.get_tracer("bench").span("root"):  # timeit runs in this context: inside the root
            child = ns_per_call("with unsampled.span('x', attrs): pass", ns)
        results.append(("traces on, parent-based sampler, child of an unsampled span", child))
        return results
    finally:
        for client in (never, always, default, unsampled):
            client.stop()


def main() -> None:
    results = measure()
    by_label = dict(results)
    plain = results[0][1]
    print(f"Span cost, ns per span (best of {REPEAT} x {NUMBER:,}, side by side in one run)\n")
    print("| path | ns/span | x plain `with` |")
    print("|---|---:|---:|")
    for label, value in results:
        print(f"| {label} | {value:,.0f} | {value / plain:.1f} |")
    noop = by_label["traces off: `with tracer.span(name, 2 attributes)`"]
    verdict = "met" if noop <= 2 * plain else "NOT met"
    print(f"\nTarget: traces-off span within 2x a plain `with`: {noop / plain:.2f}x, {verdict}.")
    wrapped, traced_method = (
        by_label["method call through a pass-through decorator"],
        by_label["traces off: `@traced` method call"],
    )
    verdict = "met" if traced_method <= 1.5 * wrapped else "NOT met"
    print(
        f"Target: traces-off `@traced` call within 1.5x a pass-through decorator's: {traced_method / wrapped:.2f}x, "
        f"{verdict}."
    )
    print(
        "Default sampling: a root span (sampled or not) "
        f"{by_label[DEFAULT_ROOT] / 1000:.1f} us, "
        f"an unsampled root {by_label['traces on, parent-based ratio sampler, unsampled root span'] / 1000:.2f} us, "
        f"a child of one {by_label['traces on, parent-based sampler, child of an unsampled span'] / 1000:.2f} us; "
        f"a recorded span {by_label['traces on, always_on, span recorded and exported'] / 1000:.1f} us."
    )


def tx_path_table() -> None:
    sink = OtlpSink()
    rows = [
        ("traces off", None),
        (f"default sampling (parentbased_traceidratio {DEFAULT_RATIO:g})", SamplerSettings()),
        ("100% (parentbased_always_on)", SamplerSettings("parentbased_always_on", 1.0)),
    ]
    print("\nOne tx's spans from the bot's send to pool admission (5 spans, W3C carrier, OTLP/HTTP export to a")
    print("local endpoint, flushed), CPU us per tx over all threads, best of 3:\n")
    print("| traces | CPU us per tx |")
    print("|---|---:|")
    for label, sampler in rows:
        traces = f"{sink.base}/v1/traces"
        print(f"| {label} | {min(tx_path_cpu_us(traces, sampler) for _ in range(3)):.1f} |")
    sink.close()


if __name__ == "__main__":
    main()
    tx_path_table()
