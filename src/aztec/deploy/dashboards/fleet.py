"""The fleet dashboard: many nodes in one view, by role (sequencer, provers, followers), with follower lag,
proving backlog and the version each instance runs (from the build-info gauge ``aztec.node.info``).

A service's role comes from its build-info series (``aztec_service_role``), joined on the resource labels, so
these queries work on either path (embedded scrape endpoint or collector). Heights are read with
``last_over_time`` over :data:`FROZEN_WINDOW`, so a follower that stops answering (hung, SIGSTOP) keeps its last
height and its lag grows instead of vanishing; after the window it is only ``up == 0`` (AztecNodeDown).
"""

from __future__ import annotations

from typing import Final

from aztec.deploy.dashboards.spec import Dashboard, Row, Target, stat, table, timeseries
from aztec.deploy.promql import gauge, legend, selector
from aztec.telemetry import attributes as a
from aztec.telemetry.exporters.prometheus_names import SERVICE_INSTANCE_LABEL as NODE
from aztec.telemetry.exporters.prometheus_names import SERVICE_NAME_LABEL, label_name, prometheus_series
from aztec.telemetry.metrics import archiver, proving
from aztec.telemetry.metrics.node import NODE_INFO

FROZEN_WINDOW: Final = "2m"
"""How long a silent instance keeps its last height in the fleet views (AztecFollowerBehind keeps it 10m)."""

_HEIGHT: Final = prometheus_series(archiver.ARCHIVER_BLOCK_HEIGHT).name
_INFO: Final = prometheus_series(NODE_INFO).name
_STATUS: Final = label_name(a.CHAIN_STATUS)
_ROLE: Final = label_name(a.SERVICE_ROLE)
_IDENTITY: Final = f"{SERVICE_NAME_LABEL}, {NODE}"


def _with_role(role: str, *, node_filter: bool) -> str:
    """One series per service of this role (value 1), to multiply a per-service query by."""
    where = f'{NODE}=~"$node", ' if node_filter else ""
    return f'max by ({_IDENTITY}) (last_over_time({_INFO}{{{where}{_ROLE}="{role}"}}[{FROZEN_WINDOW}]))'


def _tip(role: str, *, node_filter: bool) -> str:
    """The proposed tip of each service of this role, frozen at its last value for a silent one."""
    where = f'{NODE}=~"$node", ' if node_filter else ""
    height = f'last_over_time({_HEIGHT}{{{where}{_STATUS}="proposed"}}[{FROZEN_WINDOW}])'
    return f"{height} * on ({_IDENTITY}) group_left () {_with_role(role, node_filter=node_filter)}"


SEQUENCER_TIP: Final = f"max ({_tip('sequencer', node_filter=False)})"
"""The highest proposed block of any sequencer (not filtered by ``$node``: every follower is compared to it)."""
_FOLLOWER_TIPS: Final = f"max by ({NODE}) ({_tip('follower', node_filter=True)})"
FOLLOWER_LAG: Final = f"clamp_min({SEQUENCER_TIP} - on () group_right () {_FOLLOWER_TIPS}, 0)"
"""Blocks each follower's proposed tip is behind the sequencer's (AztecFollowerBehind compares world states).
Clamped at 0: the services are scraped at different instants, so a follower scraped after the sequencer can
look a block or two ahead of it, which it never is."""


def _by_role(expr: str, *others: str) -> str:
    """``expr`` (per service) aggregated by the services' role (and ``others`` of its labels)."""
    # topk: one role per service even if one (wrongly) reports two, so the join never fails
    info = f'topk by ({_IDENTITY}) (1, max by ({_IDENTITY}, {_ROLE}) ({_INFO}{{{NODE}=~"$node"}}))'
    return f"max by ({', '.join((_ROLE, *others))}) ({expr} * on ({_IDENTITY}) group_left ({_ROLE}) {info})"


OVERVIEW = Row(
    "Fleet by role",
    (
        stat(
            "Instances per role",
            "Running services by role (sequencer with its prover, follower, bot), from their build info.",
            Target(gauge(NODE_INFO, by=(a.SERVICE_ROLE,), agg="count"), legend(a.SERVICE_ROLE)),
            width=8,
        ),
        timeseries(
            "Block height per instance",
            "Proposed chain tip each node has stored; followers should track the sequencer.",
            Target(
                gauge(archiver.ARCHIVER_BLOCK_HEIGHT, where={a.CHAIN_STATUS: "proposed"}, by=(NODE,), agg="max"),
                legend(NODE),
            ),
            width=16,
        ),
        timeseries(
            "Block height by role",
            "Highest proposed and proven tips per role.",
            Target(
                _by_role(f"max by ({_IDENTITY}, {_STATUS}) ({selector(archiver.ARCHIVER_BLOCK_HEIGHT)})", _STATUS),
                legend(a.SERVICE_ROLE, a.CHAIN_STATUS),
            ),
        ),
        timeseries(
            "Proving backlog",
            "Blocks proposed but not yet proven on each sequencer, and proving jobs waiting or running.",
            Target(
                f"max by ({NODE}) ({_tip('sequencer', node_filter=True)})"
                f" - max by ({NODE}) ({selector(archiver.ARCHIVER_BLOCK_HEIGHT, where={a.CHAIN_STATUS: 'proven'})})",
                "blocks awaiting proof " + legend(NODE),
            ),
            Target(gauge(proving.PROVING_QUEUE_SIZE, by=(NODE,)), "jobs queued " + legend(NODE)),
        ),
    ),
)

FOLLOWERS = Row(
    "Followers",
    (
        timeseries(
            "Follower lag behind the sequencer",
            f"Blocks each follower is behind the highest sequencer tip; a silent follower keeps its last height for "
            f"{FROZEN_WINDOW}, so a hung one shows a growing lag (alert AztecFollowerBehind).",
            Target(FOLLOWER_LAG, legend(NODE)),
            width=24,
        ),
    ),
)

VERSIONS = Row(
    "Versions",
    (
        table(
            "Version per instance",
            "Version, commit and role each running service reports (build-info gauge aztec.node.info).",
            Target(
                gauge(NODE_INFO, by=(NODE, a.SERVICE_ROLE, a.BUILD_VERSION, a.BUILD_COMMIT), agg="max"),
                legend(NODE),
            ),
            width=16,
        ),
        timeseries(
            "Instances per version",
            "How many services run each version and commit: a rollout shows as one line falling, one rising.",
            Target(gauge(NODE_INFO, by=(a.BUILD_VERSION, a.BUILD_COMMIT), agg="count"), legend(a.BUILD_VERSION)),
            width=8,
        ),
    ),
)

FLEET = Dashboard(
    uid="aztec-fleet",
    title="Aztec fleet",
    description="Many nodes by role: heights, follower lag, proving backlog, versions. Generated by "
    "`aztec dashboards generate`; edit the code, not the JSON.",
    file_name="fleet.json",
    rows=(OVERVIEW, FOLLOWERS, VERSIONS),
)
