"""Include and exclude filters by metric-name prefix (``OTEL_INCLUDE_METRICS`` / ``OTEL_EXCLUDE_METRICS``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricFilter:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def allows(self, name: str) -> bool:
        """Included (or no include list) and not excluded; exclude wins."""
        if self.include and not name.startswith(self.include):
            return False
        return not (self.exclude and name.startswith(self.exclude))
