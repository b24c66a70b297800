"""The production path, proven: the real sandbox pushes OTLP through a real collector hop (rotel) while it
serves its Prometheus endpoints, and both paths carry the same metrics with the same values.

For every service instance (node, follower, bot), every metric family the scrape endpoint serves also
arrived over OTLP for that instance. Counters and histogram counts agree within one collection
interval: the scraped value lies between the OTLP exports just before and just after the scrape.
Gauges lie within the range the exports around the scrape reported. The names the collector's
Prometheus exporter would give (``collector_family``) are the embedded endpoint's. And every endpoint
passes ``promtool check metrics`` without a warning.
"""

from __future__ import annotations

import subprocess
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from aztec.telemetry.definitions import DEFINITION_CLASSES, InstrumentKind, MetricDefinition
from aztec.telemetry.exporters.prometheus_names import (
    SERVICE_INSTANCE_LABEL,
    SERVICE_NAME_LABEL,
    collector_family,
    label_name,
    prometheus_series,
)
from tests.e2e.sandbox_process import FAST_SANDBOX_ARGS, SandboxProcess, scrape
from tests.support.otlp_receivers import OtlpGrpcReceiver, ReceivedPoint
from tests.support.polling import wait_until
from tests.support.rotel import RotelCollector

pytestmark = pytest.mark.e2e

INTERVAL_MS = 1000
_SERVICE_LABELS = frozenset({SERVICE_NAME_LABEL, SERVICE_INSTANCE_LABEL})
_KINDS = {
    ("sum", True): InstrumentKind.COUNTER,
    ("sum", False): InstrumentKind.UP_DOWN_COUNTER,
    ("gauge", False): InstrumentKind.GAUGE,
    ("histogram", False): InstrumentKind.HISTOGRAM,
    ("exponential_histogram", False): InstrumentKind.HISTOGRAM,
}

SeriesKey = tuple[str, str, frozenset[tuple[str, str]]]
"""(instance, Prometheus sample name, labels without the service labels)."""


def _label_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _definition(point: ReceivedPoint) -> MetricDefinition:
    """What the received metric is, as the naming rules see it: name, unit and kind from the wire."""
    return DEFINITION_CLASSES[_KINDS[(point.kind, point.monotonic)]](point.metric, point.unit, "")


@dataclass
class Observed:
    time_ns: int
    value: float


def _otlp_series(points: list[ReceivedPoint]) -> tuple[dict[str, set[str]], dict[SeriesKey, list[Observed]]]:
    """Families per instance, and every observation per series, keyed like the scrape's samples."""
    families: dict[str, set[str]] = defaultdict(set)
    series: dict[SeriesKey, list[Observed]] = defaultdict(list)
    for point in points:
        prom = prometheus_series(_definition(point))
        families[point.instance].add(prom.family)
        labels = frozenset((label_name(k), _label_value(v)) for k, v in point.attributes.items())
        data = point.point
        if point.kind.endswith("histogram"):
            key: SeriesKey = (point.instance, f"{prom.family}_count", labels)
            value = float(data.count)
        else:
            key = (point.instance, prom.name, labels)
            value = float(data.as_int if data.WhichOneof("value") == "as_int" else data.as_double)
        series[key].append(Observed(data.time_unix_nano, value))
    return families, series


def _scrape_series(texts: list[str]) -> tuple[dict[str, dict[str, str]], dict[SeriesKey, tuple[str, float]]]:
    """Families (with their type) per instance, and every counter, histogram count and gauge sample with
    its family's type. An empty label is no label, as Prometheus reads it."""
    families: dict[str, dict[str, str]] = defaultdict(dict)
    samples: dict[SeriesKey, tuple[str, float]] = {}
    for text in texts:
        for family in text_string_to_metric_families(text):
            if family.name == "target_info":
                continue
            for sample in family.samples:
                instance = sample.labels[SERVICE_INSTANCE_LABEL]
                families[instance][family.name] = family.type
                if family.type == "histogram" and not sample.name.endswith("_count"):
                    continue
                if family.type == "counter" and not sample.name.endswith("_total"):
                    continue  # _created
                labels = frozenset((k, v) for k, v in sample.labels.items() if k not in _SERVICE_LABELS and v)
                samples[(instance, sample.name, labels)] = (family.type, sample.value)
    return families, samples


@pytest.fixture(scope="module", params=["http/protobuf", "grpc"])
def both_paths(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A sandbox pushing OTLP (``request.param``) through rotel to a decoding receiver, and its scrapes."""
    protocol = str(request.param)
    work = tmp_path_factory.mktemp("parity")
    receiver = OtlpGrpcReceiver()
    rotel = RotelCollector(receiver.endpoint, work)
    env = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": rotel.grpc_endpoint if protocol == "grpc" else rotel.http_base,
        "OTEL_EXPORTER_OTLP_PROTOCOL": protocol,
        "OTEL_METRIC_EXPORT_INTERVAL": str(INTERVAL_MS),
        "OTEL_TRACES_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
    }
    sandbox = SandboxProcess(work / "data", *FAST_SANDBOX_ARGS, env=env)
    try:
        urls = sandbox.urls()
        endpoints = [urls["node_metrics"], urls["follower_metrics"], urls["bot_metrics"]]
        _wait_for_blocks(urls["node_metrics"], 3)
        t0 = time.time_ns()
        texts = [scrape(url) for url in endpoints]
        t1 = time.time_ns()
        _, scraped = _scrape_series(texts)
        instances = {key[0] for key in scraped}
        # One more export from every instance after the scrape, so every series is bracketed.
        # Scrape every 0.1 s until every instance exported after the first scrape, then once more.
        rounds: list[list[str]] = []
        deadline = time.monotonic() + 30
        exported = False
        while not exported and time.monotonic() < deadline:
            exported = instances <= {p.instance for p in receiver.points() if p.point.time_unix_nano > t1}
            rounds.append([scrape(url) for url in endpoints])
            time.sleep(0.1)
        assert exported, "no OTLP export from every instance after the scrape"
        t2 = time.time_ns()
        yield {
            "protocol": protocol,
            "texts": texts,
            "rounds": rounds,
            "t0": t0,
            "t1": t1,
            "t2": t2,
            "points": list(receiver.points()),
            "output": sandbox.output,
        }
        assert sandbox.interrupt() == 0
    finally:
        sandbox.close()
        rotel.close()
        receiver.close()


def _wait_for_blocks(node_metrics: str, blocks: int, timeout_s: float = 90.0) -> None:
    def reached() -> bool:
        return any(
            family.name == "aztec_archiver_block_height" and any(s.value >= blocks for s in family.samples)
            for family in text_string_to_metric_families(scrape(node_metrics))
        )

    wait_until(reached, timeout=timeout_s, interval=0.2, message=f"the sandbox to reach block {blocks}")


def test_every_scraped_family_arrives_over_otlp_for_its_instance(both_paths: dict[str, object]) -> None:
    scraped_families, _ = _scrape_series(both_paths["texts"])  # type: ignore[arg-type]
    otlp_families, _ = _otlp_series(both_paths["points"])  # type: ignore[arg-type]
    assert len(scraped_families) == 3, sorted(scraped_families)  # node, follower, bot
    table = []
    for instance, families in sorted(scraped_families.items()):
        missing = sorted(set(families) - otlp_families.get(instance, set()))
        table.append(f"{instance}: {len(families)} scraped, {len(otlp_families.get(instance, ()))} over OTLP")
        assert not missing, f"{both_paths['protocol']}: {instance} never sent {missing} over OTLP"
    print("\n".join(table))


def test_counters_and_histogram_counts_agree_within_one_interval(both_paths: dict[str, object]) -> None:
    t0, t1 = int(both_paths["t0"]), int(both_paths["t1"])  # type: ignore[call-overload]
    _, scraped = _scrape_series(both_paths["texts"])  # type: ignore[arg-type]
    _, otlp = _otlp_series(both_paths["points"])  # type: ignore[arg-type]
    compared, disagreements = 0, []
    for key, (kind, value) in scraped.items():
        if kind not in ("counter", "histogram"):
            continue
        observations = otlp.get(key, [])
        before = [o.value for o in observations if o.time_ns <= t0]
        after = [o.value for o in observations if o.time_ns >= t1]
        if not after:
            disagreements.append(f"{key}: no OTLP export after the scrape")
            continue
        low = before[-1] if before else 0.0
        if not low <= value <= after[0]:
            disagreements.append(f"{key}: scraped {value}, OTLP {low} before and {after[0]} after")
        compared += 1
    assert compared > 50, compared
    assert not disagreements, "\n".join(disagreements[:20])


def test_gauges_that_held_still_agree_with_the_exports_meanwhile(both_paths: dict[str, object]) -> None:
    """A gauge is observed anew at each collection, so it can only be compared where it held still: a gauge
    series with the same value in every scrape (one every 0.1 s until each instance has exported again) must
    have that value in every OTLP export between the first and the last. Gauges that flicker faster than
    the scrapes can see (a proving job queued and taken within 0.1 s) are left out: those whose exports
    report more than one value while the scrapes all saw one. Host
    gauges are left out: they depend on the observer (a scrape runs on one more thread with one more open
    socket than an export does, and CPU utilization is per reader, since that reader's last collection)."""
    t1, t2 = int(both_paths["t1"]), int(both_paths["t2"])  # type: ignore[call-overload]
    _, first = _scrape_series(both_paths["texts"])  # type: ignore[arg-type]
    later = [_scrape_series(texts)[1] for texts in both_paths["rounds"]]  # type: ignore[attr-defined]
    _, otlp = _otlp_series(both_paths["points"])  # type: ignore[arg-type]
    compared, disagreements = 0, []
    for key, (kind, value) in first.items():
        if kind != "gauge" or not key[1].startswith("aztec_") or any(r.get(key) != (kind, value) for r in later):
            continue  # moved between the scrapes (heights, queue sizes, CPU): no common instant to compare
        between = [o.value for o in otlp.get(key, []) if t1 <= o.time_ns <= t2]
        if len({o.value for o in otlp.get(key, [])}) > 1 and value not in between:
            continue  # in flux during the run: an export caught a value no scrape did
        if not between:
            disagreements.append(f"{key}: no OTLP export between the scrapes")
        elif any(v != value for v in between):
            disagreements.append(f"{key}: scraped {value} twice, OTLP sent {sorted(set(between))} in between")
        compared += 1
    assert compared > 10, compared
    assert not disagreements, "\n".join(disagreements[:20])


def test_the_collector_path_gives_the_embedded_names(both_paths: dict[str, object]) -> None:
    """What the contrib collector's Prometheus exporter would name each received metric (after the
    compose config's unit transform) is what the embedded endpoint names it."""
    points: list[ReceivedPoint] = both_paths["points"]  # type: ignore[assignment]
    definitions = {(p.metric, p.unit, p.kind, p.monotonic): _definition(p) for p in points}
    divergent = {
        d.name: (prometheus_series(d).family, collector_family(d))
        for d in definitions.values()
        if prometheus_series(d).family != collector_family(d)
    }
    assert not divergent, divergent


def test_values_go_out_as_their_declared_type(both_paths: dict[str, object]) -> None:
    """The balance (a double in ETH) and every counter (ints) arrive with the registry's value type."""
    points: list[ReceivedPoint] = both_paths["points"]  # type: ignore[assignment]
    balances = [p for p in points if p.metric == "aztec.l1_publisher.balance"]
    assert balances and all(p.point.WhichOneof("value") == "as_double" for p in balances)
    assert 0 < balances[-1].point.as_double <= 1000  # ETH, not wei
    counters = [p for p in points if p.kind == "sum" and p.monotonic and p.metric.startswith("aztec.")]
    assert counters and all(p.point.WhichOneof("value") == "as_int" for p in counters)
    assert "Failed to encode" not in str(both_paths["output"])


def test_promtool_finds_nothing_to_lint_on_any_endpoint(both_paths: dict[str, object], tmp_path: Path) -> None:
    texts: list[str] = both_paths["texts"]  # type: ignore[assignment]
    for index, text in enumerate(texts):
        result = subprocess.run(
            ["promtool", "check", "metrics"], input=text, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0 and not result.stdout.strip() and not result.stderr.strip(), (
            f"endpoint {index}: {result.stdout}{result.stderr}"
        )


def test_endpoints_serve_the_identity(both_paths: dict[str, object]) -> None:
    """Resources carry service.version, service.namespace, telemetry.sdk.*, process.* and host.*, and the
    three services of the sandbox have three instance ids."""
    points: list[ReceivedPoint] = both_paths["points"]  # type: ignore[assignment]
    resources = {p.instance: p.resource or {} for p in points}
    assert len(resources) == 3, sorted(resources)
    for resource in resources.values():
        assert resource["service.namespace"] == "aztec"
        assert resource["service.version"]
        assert resource["telemetry.sdk.name"] == "opentelemetry"
        assert resource["telemetry.sdk.language"] == "python"
        assert isinstance(resource["process.pid"], int)
        assert resource["host.name"]
