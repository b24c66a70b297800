"""A small description of a dashboard (rows of panels of PromQL targets), rendered by :mod:`.render`.

Dashboard modules only build these from :mod:`aztec.deploy.promql`, which takes registry definitions,
so every query names a metric that exists. The same description gives the queries to check live.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class PanelKind(enum.Enum):
    TIMESERIES = "timeseries"
    STAT = "stat"
    TABLE = "table"
    """An instant query shown as a table, one row per series (e.g. the version each instance runs)."""


@dataclass(frozen=True)
class Target:
    expr: str
    legend: str = ""
    sparse: bool = False
    """True when a healthy node may legitimately have no data for this query (see :attr:`Panel.sparse`)."""
    exemplars: bool = False
    """Show the exemplars of the histogram behind the query (points linking to their traces)."""


@dataclass(frozen=True)
class Panel:
    title: str
    description: str
    targets: tuple[Target, ...]
    unit: str = "short"
    kind: PanelKind = PanelKind.TIMESERIES
    stacked: bool = False
    sparse: bool = False
    """True when a healthy node may legitimately have no data here (failures, evictions, rejections)."""
    width: int = 12
    height: int = 8


@dataclass(frozen=True)
class Row:
    title: str
    panels: tuple[Panel, ...]


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    file_name: str
    rows: tuple[Row, ...] = field(default_factory=tuple)

    def panels(self) -> list[Panel]:
        return [panel for row in self.rows for panel in row.panels]


def timeseries(
    title: str,
    description: str,
    *targets: Target,
    unit: str = "short",
    stacked: bool = False,
    sparse: bool = False,
    width: int = 12,
) -> Panel:
    return Panel(title, description, targets, unit, PanelKind.TIMESERIES, stacked, sparse, width)


def stat(title: str, description: str, target: Target, *, unit: str = "none", width: int = 6) -> Panel:
    return Panel(title, description, (target,), unit, PanelKind.STAT, width=width, height=4)


def table(title: str, description: str, target: Target, *, width: int = 12) -> Panel:
    return Panel(title, description, (target,), "none", PanelKind.TABLE, width=width)
