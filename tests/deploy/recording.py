"""Records every registry metric through a real client, with every declared value of each attribute."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from aztec.telemetry.api import Meter, ObservableResult
from aztec.telemetry.definitions import (
    AttributeKey,
    AttributeValue,
    CounterDefinition,
    GaugeDefinition,
    HistogramDefinition,
    MetricDefinition,
    ObservableCounterDefinition,
    ObservableGaugeDefinition,
    ObservableUpDownCounterDefinition,
    UpDownCounterDefinition,
)
from aztec.telemetry.registry import all_metrics

_MAX_COMBINATIONS = 64
AttributeSet = dict[AttributeKey, AttributeValue]


def attribute_sets(definition: MetricDefinition) -> list[AttributeSet]:
    """Every combination of declared values (``x`` for free-form attributes), at most 64."""
    choices = [key.values or ("x",) for key in definition.attributes]
    combos = itertools.islice(itertools.product(*choices), _MAX_COMBINATIONS)
    return [dict(zip(definition.attributes, combo, strict=True)) for combo in combos]


class EveryMetric:
    """One instrument per aztec (non-semconv) metric; each :meth:`record` adds a round of data to all."""

    def __init__(self, meter: Meter) -> None:
        self.rounds = 0
        self._recorders = [
            self._recorder(meter, definition, attribute_sets(definition))
            for definition in all_metrics()
            if not definition.semconv
        ]

    def record(self) -> None:
        self.rounds += 1
        for recorder in self._recorders:
            recorder()

    def _recorder(self, meter: Meter, definition: MetricDefinition, sets: list[AttributeSet]) -> Callable[[], None]:
        def observe(result: ObservableResult) -> None:
            for attributes in sets:
                result.observe(3 + self.rounds, attributes)

        def nothing() -> None:
            """Observable instruments are read by their callback at collection time."""

        match definition:
            case HistogramDefinition():
                histogram = meter.create_histogram(definition)

                def record_histogram() -> None:
                    for attributes in sets:
                        for value in (0.05, 0.1, 0.2):
                            histogram.record(value, attributes)

                return record_histogram
            case CounterDefinition():
                counter = meter.create_counter(definition)

                def add() -> None:
                    for attributes in sets:
                        counter.add(2, attributes)

                return add
            case UpDownCounterDefinition():
                up_down = meter.create_up_down_counter(definition)

                def add_up_down() -> None:
                    for attributes in sets:
                        up_down.add(2, attributes)

                return add_up_down
            case GaugeDefinition():
                gauge = meter.create_gauge(definition)

                def set_gauge() -> None:
                    for attributes in sets:
                        gauge.set(2, attributes)

                return set_gauge
            case ObservableGaugeDefinition():
                meter.create_observable_gauge(definition, observe)
            case ObservableCounterDefinition():
                meter.create_observable_counter(definition, observe)
            case ObservableUpDownCounterDefinition():
                meter.create_observable_up_down_counter(definition, observe)
        return nothing
