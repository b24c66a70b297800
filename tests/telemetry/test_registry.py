"""The spec's naming rules, over the whole registry and on deliberately bad definitions."""

from __future__ import annotations

import pytest

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import (
    AttributeKey,
    CounterDefinition,
    InstrumentKind,
    MetricDefinition,
    counter,
    histogram,
)
from aztec.telemetry.naming import attribute_problems, metric_problems, namespace_problems
from aztec.telemetry.registry import (
    RegisteredMetric,
    all_attributes,
    all_metrics,
    banned_attribute_names,
    registered_metrics,
)


def _registered(*definitions: MetricDefinition) -> list[RegisteredMetric]:
    return [RegisteredMetric(d, "test", d.name) for d in definitions]


def test_registry_follows_every_naming_rule() -> None:
    assert metric_problems(registered_metrics()) == []
    assert attribute_problems(all_attributes()) == []
    assert namespace_problems([d.name for d in all_metrics()], [str(k) for k in all_attributes()]) == []


def test_registry_covers_the_spec_example_and_every_subsystem() -> None:
    names = {d.name for d in all_metrics()}
    assert "aztec.circuit.simulation.duration" in names
    subsystems = {n.split(".")[1] for n in names if n.startswith("aztec.")}
    assert {"circuit", "world_state", "sequencer", "mempool", "telemetry", "runtime"} <= subsystems
    assert any(d.semconv for d in all_metrics())


def test_only_host_metrics_may_skip_the_prefix() -> None:
    for definition in all_metrics():
        assert definition.name.startswith("aztec.") != definition.semconv, definition.name


@pytest.mark.parametrize(
    ("name", "unit", "problem"),
    [
        ("circuit.simulation.duration", "s", "must start with"),
        ("aztec.Circuit.duration", "s", "lowercase"),
        ("aztec.circuit-sim.duration", "s", "lowercase"),
        ("aztec.circuit..duration", "s", "lowercase"),
        ("aztec.circuit.duration_ms", "ms", "unit belongs in the unit field"),
        ("aztec.circuit.duration", "ms", "not a base unit"),
        ("aztec.proof.size_bytes", "By", "unit belongs in the unit field"),
        ("aztec.db.size", "MB", "not a base unit"),
        ("aztec.tx.latency_seconds", "s", "unit belongs in the unit field"),
    ],
)
def test_naming_rules_catch_bad_metric_names(name: str, unit: str, problem: str) -> None:
    problems = metric_problems(_registered(histogram(name, unit, "something")))
    assert any(problem in p for p in problems), problems


def test_duplicate_metric_names_are_caught() -> None:
    one = counter("aztec.a.count", "1", "one")
    two = counter("aztec.a.count", "1", "two")
    assert any("defined 2 times" in p for p in metric_problems(_registered(one, two)))


def test_a_name_that_is_also_a_namespace_is_caught() -> None:
    problems = namespace_problems(["aztec.a.b", "aztec.a.b.c"], [])
    assert problems == ["aztec.a.b: is a name and also the namespace of aztec.a.b.c"]
    assert namespace_problems(["aztec.x.count"], ["aztec.x"]) != []
    assert namespace_problems(["aztec.x"], ["aztec.x"]) != []


def test_metrics_may_not_declare_unbounded_attributes() -> None:
    bad = histogram("aztec.block.duration", "s", "per block", attributes=(a.BLOCK_NUMBER,))
    assert any("unbounded" in p for p in metric_problems(_registered(bad)))


def test_buckets_must_increase_and_belong_to_histograms() -> None:
    bad = histogram("aztec.x.duration", "s", "x", buckets=(1.0, 0.5))
    assert any("strictly increasing" in p for p in metric_problems(_registered(bad)))
    not_histogram = CounterDefinition("aztec.x.count", "1", "x", buckets=(1.0,))
    assert any("only histograms" in p for p in metric_problems(_registered(not_histogram)))


def test_attribute_names_need_the_prefix_unless_semantic_conventions() -> None:
    assert attribute_problems([AttributeKey("circuit_name", "x")]) != []
    assert attribute_problems([AttributeKey("rpc.method", "x"), AttributeKey("aztec.ok", "x")]) == []


def test_banned_attributes_are_the_unbounded_ones() -> None:
    banned = banned_attribute_names()
    for key in (
        a.TX_HASH,
        a.BLOCK_NUMBER,
        a.BLOCK_HASH,
        a.SLOT_NUMBER,
        a.EPOCH_NUMBER,
        a.PEER_ID,
        a.TARGET_ADDRESS,
        a.PROVING_JOB_ID,
    ):
        assert str(key) in banned
    assert str(a.PROTOCOL_CIRCUIT_NAME) not in banned


def test_attribute_keys_are_strings_with_documentation() -> None:
    key = a.PROTOCOL_CIRCUIT_NAME
    assert key == "aztec.circuit.protocol_circuit_name"
    assert {str(key): 1}["aztec.circuit.protocol_circuit_name"] == 1
    assert hash(key) == hash("aztec.circuit.protocol_circuit_name")
    assert key.description and key.values and "base-rollup" in key.values


def test_gauges_in_seconds_are_doubles() -> None:
    """A duration observed as an INT gauge is rounded on the wire (0.25 s slots became 0): seconds are doubles."""
    from aztec.telemetry.definitions import ValueType
    from aztec.telemetry.registry import all_metrics

    gauges = (InstrumentKind.GAUGE, InstrumentKind.OBSERVABLE_GAUGE)
    wrong = [
        d.name for d in all_metrics() if d.kind in gauges and d.unit == "s" and d.value_type is not ValueType.DOUBLE
    ]
    assert wrong == []


def test_the_registry_holds_node_metrics_only() -> None:
    """The benchmark's demo metrics and the demo circuit are not part of the node."""
    from aztec.telemetry import attributes as a

    assert [d.name for d in all_metrics() if ".demo." in d.name] == []
    assert [str(k) for k in all_attributes() if ".demo." in str(k)] == []
    assert a.PROTOCOL_CIRCUIT_NAME.values is not None and "demo" not in a.PROTOCOL_CIRCUIT_NAME.values
