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
    "Records refused because they carried an unbounded (banned) attribute",
    attributes=(a.TELEMETRY_METRIC,),
)
