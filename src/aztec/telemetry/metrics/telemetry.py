"""Self-metrics of the telemetry client: an operator must see when export fails."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import counter

TELEMETRY_EXPORT_COUNT: Final = counter(
    "aztec.telemetry.export.count",
    "{export}",
    "Metric exports attempted, by exporter and outcome (success or failure)",
    attributes=(a.TELEMETRY_EXPORTER, a.OUTCOME),
)
TELEMETRY_DROPPED_RECORDS: Final = counter(
    "aztec.telemetry.dropped_records",
    "{record}",
    "Records and points dropped, by metric and reason: an unbounded (banned) attribute, or a value its "
    "declared type cannot represent (out of int64 range, not finite)",
    attributes=(a.TELEMETRY_METRIC, a.TELEMETRY_DROP_REASON),
)
