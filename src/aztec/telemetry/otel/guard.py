"""Refuses records that would explode cardinality: unbounded attributes never reach a metric.

In strict mode (tests, ``AZTEC_TELEMETRY_STRICT``) a bad record raises, and so does an attribute the
metric does not declare or a value outside an attribute's declared set. In production a record with
a banned attribute is dropped and counted in ``aztec.telemetry.dropped_records``.
"""

from __future__ import annotations

from collections.abc import Callable

from aztec.telemetry.definitions import Attributes, MetricDefinition
from aztec.telemetry.registry import banned_attribute_names


class BannedAttributeError(ValueError):
    """A record carried an attribute whose values are unbounded (tx hash, block number, ...)."""


class UndeclaredAttributeError(ValueError):
    """Strict mode: a record carried an attribute (or value) its metric definition does not declare."""


class AttributeGuard:
    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self._banned = banned_attribute_names()
        self._on_drop: Callable[[MetricDefinition], None] = lambda _definition: None

    def set_drop_handler(self, on_drop: Callable[[MetricDefinition], None]) -> None:
        self._on_drop = on_drop

    def admits(self, definition: MetricDefinition, attributes: Attributes) -> bool:
        """True if the record may be recorded; False (after counting) if it must be dropped."""
        if self.strict:
            self._check_strictly(definition, attributes)
            return True
        if self._banned.isdisjoint(attributes):
            return True
        self._on_drop(definition)
        return False

    def _check_strictly(self, definition: MetricDefinition, attributes: Attributes) -> None:
        banned = sorted(self._banned.intersection(attributes))
        if banned:
            raise BannedAttributeError(
                f"{definition.name}: attribute(s) {', '.join(banned)} are unbounded and banned on metrics"
            )
        declared = definition.attributes
        for key, value in attributes.items():
            if key not in declared:
                raise UndeclaredAttributeError(
                    f"{definition.name}: attribute {key!s} is not declared in its definition "
                    f"(declared: {', '.join(map(str, declared)) or 'none'})"
                )
            allowed = getattr(key, "values", None)
            if allowed is not None and value not in allowed:
                raise UndeclaredAttributeError(
                    f"{definition.name}: value {value!r} of {key!s} is not one of {', '.join(allowed)}"
                )
