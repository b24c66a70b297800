"""Checks against a running Prometheus: dashboard queries that return nothing, and alerts that fire.

For end-to-end tests: ``queries_without_data("http://127.0.0.1:9090")`` lists every
panel query with no series; ``firing_alerts(url)`` lists the alerts in the ``firing`` state.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aztec.deploy.dashboards.generate import DASHBOARDS
from aztec.deploy.dashboards.spec import Dashboard
from aztec.deploy.promql import NODE_VARIABLE, RATE_WINDOW


class PrometheusApiError(RuntimeError):
    """Prometheus refused a request or answered with an error (the message says which query)."""


@dataclass(frozen=True)
class PanelQuery:
    dashboard: str
    panel: str
    ref_id: str
    expr: str
    """The query with the dashboard variables substituted."""
    sparse: bool

    def __str__(self) -> str:
        return f"{self.dashboard} / {self.panel} [{self.ref_id}]: {self.expr}"


def panel_queries(
    dashboards: Iterable[Dashboard] = DASHBOARDS, *, node: str = ".*", rate_interval: str = "1m"
) -> list[PanelQuery]:
    """Every panel query, with ``$node`` and ``$__rate_interval`` replaced as Grafana would."""
    found = []
    for dashboard in dashboards:
        for panel in dashboard.panels():
            for ref, target in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", panel.targets, strict=False):
                expr = target.expr.replace(RATE_WINDOW, rate_interval).replace(f"${NODE_VARIABLE}", node)
                found.append(PanelQuery(dashboard.title, panel.title, ref, expr, panel.sparse or target.sparse))
    return found


def query(prometheus_url: str, expr: str, timeout_s: float = 10.0) -> list[dict[str, Any]]:
    """An instant query through Prometheus's HTTP API; the result vector."""
    url = f"{prometheus_url.rstrip('/')}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
    body = _get_json(url, timeout_s, what=f"query {expr!r}")
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def queries_without_data(
    prometheus_url: str,
    *,
    node: str = ".*",
    rate_interval: str = "1m",
    include_sparse: bool = False,
    dashboards: Iterable[Dashboard] = DASHBOARDS,
) -> list[PanelQuery]:
    """Panel queries that return no series. Sparse panels (failures, evictions) only if asked."""
    return [
        q
        for q in panel_queries(dashboards, node=node, rate_interval=rate_interval)
        if (include_sparse or not q.sparse) and not query(prometheus_url, q.expr)
    ]


def firing_alerts(prometheus_url: str, timeout_s: float = 10.0) -> list[dict[str, Any]]:
    """Alerts in the ``firing`` state (pending ones are not), each with its labels and annotations."""
    body = _get_json(f"{prometheus_url.rstrip('/')}/api/v1/alerts", timeout_s, what="alerts")
    return [alert for alert in body["data"]["alerts"] if alert.get("state") == "firing"]


def _get_json(url: str, timeout_s: float, *, what: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            body: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:500]
        raise PrometheusApiError(f"{what}: HTTP {error.code} from {url}: {detail}") from error
    except OSError as error:
        raise PrometheusApiError(f"{what}: cannot reach Prometheus at {url}: {error}") from error
    if body.get("status") != "success":
        raise PrometheusApiError(f"{what}: {body.get('errorType')}: {body.get('error')}")
    return body
