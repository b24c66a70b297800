"""Renders a :class:`~aztec.deploy.dashboards.spec.Dashboard` to Grafana JSON with grafana-foundation-sdk."""

from __future__ import annotations

import json
import string
from typing import Any

from grafana_foundation_sdk.builders import dashboard as gd
from grafana_foundation_sdk.builders import prometheus as gp
from grafana_foundation_sdk.builders import stat as gstat
from grafana_foundation_sdk.builders import table as gtable
from grafana_foundation_sdk.builders import timeseries as gts
from grafana_foundation_sdk.builders.common import ReduceDataOptions, StackingConfig, VizLegendOptions
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as gc
from grafana_foundation_sdk.models import dashboard as gm
from grafana_foundation_sdk.models import prometheus as gpm

from aztec.deploy.dashboards.spec import Dashboard, Panel, PanelKind
from aztec.deploy.promql import NODE_VARIABLE
from aztec.telemetry.exporters.prometheus_names import SERVICE_INSTANCE_LABEL, prometheus_series
from aztec.telemetry.metrics.host import PROCESS_CPU_TIME

DATASOURCE_VARIABLE = "datasource"
DATASOURCE = gm.DataSourceRef(type_val="prometheus", uid=f"${{{DATASOURCE_VARIABLE}}}")


def _node_variable_query() -> str:
    """Every instance that reports process CPU time: nodes, bots and provers alike."""
    return f"label_values({prometheus_series(PROCESS_CPU_TIME).name}, {SERVICE_INSTANCE_LABEL})"


def _panel(panel: Panel, panel_id: int) -> gts.Panel | gstat.Panel | gtable.Panel:
    builder: gts.Panel | gstat.Panel | gtable.Panel
    if panel.kind is PanelKind.TABLE:
        builder = gtable.Panel()
    elif panel.kind is PanelKind.STAT:
        builder = (
            gstat.Panel()
            .graph_mode(gc.BigValueGraphMode.AREA)
            .color_mode(gc.BigValueColorMode.VALUE)
            .reduce_options(ReduceDataOptions().calcs(["lastNotNull"]))
        )
    else:
        builder = gts.Panel().legend(
            VizLegendOptions()
            .show_legend(True)
            .display_mode(gc.LegendDisplayMode.LIST)
            .placement(gc.LegendPlacement.BOTTOM)
        )
        if panel.stacked:
            builder = builder.stacking(StackingConfig().mode(gc.StackingMode.NORMAL)).fill_opacity(40)
    builder = (
        builder.id(panel_id)
        .title(panel.title)
        .description(panel.description)
        .datasource(DATASOURCE)
        .unit(panel.unit)
        .span(panel.width)
        .height(panel.height)
    )
    for ref, target in zip(string.ascii_uppercase, panel.targets, strict=False):
        query = gp.Dataquery().expr(target.expr).legend_format(target.legend or "__auto").ref_id(ref)
        table = panel.kind is PanelKind.TABLE
        query = query.instant().format(gpm.PromQueryFormat.TABLE) if table else query.range()
        if target.exemplars:
            query = query.exemplar(True)
        builder = builder.with_target(query)
    return builder


def render(dashboard: Dashboard) -> dict[str, Any]:
    """The dashboard's JSON model (schemaVersion 41), as a plain dict."""
    builder = (
        gd.Dashboard(dashboard.title)
        .uid(dashboard.uid)
        .description(dashboard.description)
        .tags(["aztec", "generated"])
        .refresh("30s")
        .time("now-1h", "now")
        .timezone("browser")
        .editable()
        .tooltip(gm.DashboardCursorSync.CROSSHAIR)
        .with_variable(gd.DatasourceVariable(DATASOURCE_VARIABLE).label("Data source").type("prometheus"))
        .with_variable(
            gd.QueryVariable(NODE_VARIABLE)
            .label("Node")
            .description("service.instance.id of the node(s) to show")
            .datasource(DATASOURCE)
            .query(_node_variable_query())
            .refresh(gm.VariableRefresh.ON_TIME_RANGE_CHANGED)
            .sort(gm.VariableSort.ALPHABETICAL_ASC)
            .multi(True)
            .include_all(True)
            .all_value(".*")
        )
    )
    panel_id = 0
    for row in dashboard.rows:
        panel_id += 1
        builder = builder.with_row(gd.Row(row.title).id(panel_id))
        for panel in row.panels:
            panel_id += 1
            builder = builder.with_panel(_panel(panel, panel_id))
    model: dict[str, Any] = json.loads(json.dumps(builder.build(), cls=JSONEncoder))
    return model


def to_json(model: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, trailing newline (what is committed)."""
    return json.dumps(model, indent=2, sort_keys=True) + "\n"
