"""A multi-node topology on one machine, real processes only: one sequencer with its prover, three followers
and a bot (five ``aztec start`` processes, each its own ports and identity), two "hosts" each with a
Prometheus in agent mode discovering its processes through the file SD files the CLI writes, remote-writing
to a central Prometheus that evaluates the shipped alert rules (durations scaled), AztecFollowerBehind among them.

Everything is started once (module fixture) and shared by the assertions; every port is the OS's choice.
The followers have their own data directories whose ``l1.sqlite`` is a symbolic link to the sequencer's,
so that they read the same L1 (SQLite follows the link; its WAL lives beside the real file).
"""

from __future__ import annotations

import json
import os
import re
import signal
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from aztec.deploy.dashboards.fleet import FLEET, FOLLOWER_LAG
from aztec.deploy.paths import DASHBOARDS_DIR, PROMETHEUS_DIR, RULES_DIR
from aztec.sandbox.service_discovery import read_groups
from tests.e2e.fleet_sizing import Measured, sizing_table
from tests.e2e.sandbox_process import SandboxProcess, scrape
from tests.support.alert_configs import rules_test_copy
from tests.support.deploy.live_check import firing_alerts, panel_queries, query
from tests.support.polling import wait_until
from tests.support.prometheus_server import PrometheusServer

pytestmark = pytest.mark.e2e


def _shipped_lag_threshold() -> float:
    """The blocks behind at which the shipped AztecFollowerBehind fires (its expression's ``> N``)."""
    for path in sorted(RULES_DIR.glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                threshold = re.search(r">\s*(\d+)\s*$", rule.get("expr", ""))
                if rule.get("alert") == "AztecFollowerBehind" and threshold:
                    return float(threshold.group(1))
    raise AssertionError("no AztecFollowerBehind in deploy/prometheus/rules/")


LAG_THRESHOLD = _shipped_lag_threshold()
"""Blocks behind at which the shipped AztecFollowerBehind fires (5); a healthy follower here is 0-2 behind."""
RULE_TIME_FACTOR = 1 / 30
"""The shipped rules' durations scaled (tests.support.alert_configs): AztecFollowerBehind's ``for: 5m`` becomes
10 s and its 10 min window 20 s, ten of the agents' 2 s scrapes."""
SCRAPE_INTERVAL_S = 2.0
"""With a scrape timeout as long (a loaded sequencer can take over a second to answer)."""
SEQUENCER_ARGS: tuple[str, ...] = (
    *("--l1", "--sequencer", "--prover", "--prover-kind", "native", "--prover-scale", "0.01"),
    *("--l1-block-time", "0.5", "--slot-duration", "0.5", "--max-block-wait", "1"),
)


@dataclass
class Fleet:
    processes: dict[str, SandboxProcess]
    sd_files: dict[str, Path]
    """host -> its file SD file; the sequencer and the bot are on host-a, the followers on host-b."""
    central: PrometheusServer
    agents: dict[str, PrometheusServer]
    instance_ids: dict[str, str] = field(default_factory=dict)
    """process name -> service_instance_id, read from the SD files."""
    metrics_urls: dict[str, str] = field(default_factory=dict)


def _agent_config(sd_file: Path, host: str, central_url: str) -> str:
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.agent.yml").read_text())
    config["global"]["scrape_interval"] = f"{SCRAPE_INTERVAL_S:g}s"
    config["global"]["scrape_timeout"] = f"{SCRAPE_INTERVAL_S:g}s"
    config["global"]["external_labels"]["host"] = host
    (job,) = config["scrape_configs"]
    job["file_sd_configs"] = [{"files": [str(sd_file)], "refresh_interval": "1s"}]
    (remote,) = config["remote_write"]
    remote["url"] = f"{central_url}/api/v1/write"
    remote["queue_config"] = {"batch_send_deadline": "1s"}
    return yaml.safe_dump(config)


def _central_config(rules: Path) -> str:
    """The central config with the shipped rule files (deploy/prometheus/rules/), durations scaled."""
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.central.yml").read_text())
    config["global"]["evaluation_interval"] = "1s"
    config["rule_files"] = [str(rules / Path(name).name) for name in config["rule_files"]]
    return yaml.safe_dump(config)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    base = tmp_path_factory.mktemp("fleet")
    sd_files = {"host-a": base / "host-a" / "targets.json", "host-b": base / "host-b" / "targets.json"}
    rules = rules_test_copy(base / "rules", factor=RULE_TIME_FACTOR)
    processes: dict[str, SandboxProcess] = {}
    servers: list[PrometheusServer] = []
    try:
        central = PrometheusServer(
            _central_config(rules), base / "central", extra_args=("--web.enable-remote-write-receiver",)
        )
        servers.append(central)
        agents = {}
        for host, sd_file in sd_files.items():
            sd_file.parent.mkdir()
            config = _agent_config(sd_file, host, central.url)
            agents[host] = PrometheusServer(config, base / f"agent-{host}", agent=True)
            servers.append(agents[host])
        sequencer_dir = base / "sequencer"
        processes["sequencer"] = SandboxProcess(
            sequencer_dir, *SEQUENCER_ARGS, "--prometheus-sd-file", str(sd_files["host-a"])
        )
        sequencer_rpc = processes["sequencer"].wait_for_line(r"sequencer node JSON-RPC: (http://\S+)", 120).group(1)
        for index in (1, 2, 3):
            data = base / f"follower-{index}"
            data.mkdir()
            (data / "l1.sqlite").symlink_to(sequencer_dir / "l1.sqlite")
            processes[f"follower-{index}"] = SandboxProcess(
                data, "--node", "--prometheus-sd-file", str(sd_files["host-b"])
            )
        processes["bot"] = SandboxProcess(
            base / "bot",
            "--bot",
            "--bot-rpc-url",
            sequencer_rpc,
            "--bot-tps",
            "3",
            env={"AZTEC_PROMETHEUS_SD_FILE": str(sd_files["host-a"])},
        )
        result = Fleet(processes, sd_files, central, agents)
        for name, process in processes.items():
            process.wait_for_line(r"^started", 120)
            url = process.wait_for_line(r"metrics: Prometheus scrape endpoint (http://\S+)").group(1)
            result.metrics_urls[name] = url
        for sd_file in sd_files.values():
            for group in read_groups(sd_file):
                (address,) = group["targets"]
                name = next(n for n, u in result.metrics_urls.items() if f"//{address}/" in u)
                result.instance_ids[name] = group["labels"]["service_instance_id"]
        yield result
    finally:
        for process in processes.values():
            process.close()
        for server in servers:
            server.stop()


def test_each_host_s_file_lists_its_processes_with_their_bound_ports(fleet: Fleet) -> None:
    jobs = {}
    for host, sd_file in fleet.sd_files.items():
        for group in read_groups(sd_file):
            jobs[group["labels"]["service_instance_id"]] = (host, group["labels"]["job"], group["labels"]["role"])
    assert sorted(jobs.values()) == [
        ("host-a", "aztec-bot", "bot"),
        ("host-a", "aztec-node", "sequencer"),
        *[("host-b", "aztec-node", "follower")] * 3,
    ]
    assert len(set(fleet.instance_ids.values())) == 5, fleet.instance_ids


def test_every_node_answers_its_probes(fleet: Fleet) -> None:
    """GET /healthz and /readyz on each node's JSON-RPC port, what Kubernetes probes (deploy/terraform/nodes)."""
    for name, process in fleet.processes.items():
        if name == "bot":
            continue
        rpc = process.wait_for_line(r"node JSON-RPC: (http://\S+)").group(1)
        assert json.loads(scrape(f"{rpc}healthz")) == {"status": "alive"}
        readyz = f"{rpc}readyz"
        wait_until(lambda: _status(readyz) == 200, timeout=60, message=f"{name} ready")  # noqa: B023 (called here)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_the_central_prometheus_has_every_instance_s_series(fleet: Fleet) -> None:
    expected = set(fleet.instance_ids.values())

    def instances() -> set[str]:
        found = query(fleet.central.url, "count by (service_instance_id) (aztec_node_info)")
        return {r["metric"]["service_instance_id"] for r in found}

    wait_until(
        lambda: instances() == expected,
        timeout=60,
        message="build info of all five instances in the central Prometheus",
    )

    def up() -> list[tuple[str, str, str]] | None:
        found = query(fleet.central.url, 'up{job=~"aztec-node|aztec-bot"} == 1')
        return sorted((r["metric"]["host"], r["metric"]["job"], r["metric"]["role"]) for r in found) or None

    by_host = wait_until(
        lambda: (found := up()) and len(found) == 5 and found, timeout=30, message="all five targets up"
    )
    assert by_host == [
        ("host-a", "aztec-bot", "bot"),
        ("host-a", "aztec-node", "sequencer"),
        *[("host-b", "aztec-node", "follower")] * 3,
    ]
    exported = query(fleet.central.url, '{exported_service_instance_id!=""}')
    assert exported == [], "honor_labels keeps one service_instance_id label"


def test_the_dashboards_instance_variable_lists_all_five(fleet: Fleet) -> None:
    model = json.loads((DASHBOARDS_DIR / FLEET.file_name).read_text())
    variable = next(v for v in model["templating"]["list"] if v["name"] == "node")
    match = re.fullmatch(r"label_values\((\w+), (\w+)\)", variable["query"])
    assert match, variable["query"]
    metric, label = match.groups()

    def values() -> set[str]:
        return set(fleet.central.api(f"label/{label}/values", **{"match[]": metric}))

    wait_until(
        lambda: values() == set(fleet.instance_ids.values()), timeout=60, message="the node variable listing all five"
    )


def test_the_fleet_panels_answer(fleet: Fleet) -> None:
    followers = {fleet.instance_ids[f"follower-{i}"] for i in (1, 2, 3)}
    nodes = followers | {fleet.instance_ids["sequencer"]}
    empty: list[str] = []

    def all_answer() -> bool:
        empty[:] = [str(q) for q in panel_queries([FLEET], rate_interval="5s") if not query(fleet.central.url, q.expr)]
        return not empty

    wait_until(all_answer, timeout=60, interval=1.0, message="data for every fleet panel")

    def panel(title: str, ref: str = "A") -> list[dict[str, Any]]:
        (found,) = [q for q in panel_queries([FLEET]) if q.panel == title and q.ref_id == ref]
        return query(fleet.central.url, found.expr)

    assert {r["metric"]["service_instance_id"] for r in panel("Block height per instance")} == nodes
    lag = {r["metric"]["service_instance_id"]: float(r["value"][1]) for r in panel("Follower lag behind the sequencer")}
    assert set(lag) == followers and all(v >= 0 for v in lag.values()), lag
    backlog = panel("Proving backlog")
    assert {r["metric"]["service_instance_id"] for r in backlog} == {fleet.instance_ids["sequencer"]}
    versions = panel("Version per instance")
    assert {r["metric"]["service_instance_id"] for r in versions} == set(fleet.instance_ids.values())
    assert {r["metric"]["aztec_service_role"] for r in versions} == {"sequencer", "follower", "bot"}
    roles = {r["metric"]["aztec_service_role"]: float(r["value"][1]) for r in panel("Instances per role")}
    assert roles == {"sequencer": 1.0, "follower": 3.0, "bot": 1.0}


def test_sizing_numbers(fleet: Fleet, capsys: pytest.CaptureFixture[str]) -> None:
    """Series per node, bytes per scrape and samples per second, measured here and extrapolated (deploy/README)."""
    wait_until(
        lambda: len(query(fleet.central.url, "scrape_samples_scraped")) == 5,
        timeout=60,
        message="scrape_samples_scraped of five",
    )
    samples = {
        r["metric"]["service_instance_id"]: float(r["value"][1])
        for r in query(fleet.central.url, "max by (service_instance_id) (scrape_samples_scraped)")
    }
    series = {
        r["metric"]["service_instance_id"]: float(r["value"][1])
        for r in query(fleet.central.url, 'count by (service_instance_id) ({service_instance_id!="", job!=""})')
    }
    role_of = {iid: name.split("-")[0] for name, iid in fleet.instance_ids.items()}
    scrape_bytes = {fleet.instance_ids[name]: len(scrape(url).encode()) for name, url in fleet.metrics_urls.items()}
    head = fleet.central.api("status/tsdb")["headStats"]["numSeries"]
    measured = Measured(
        per_role_samples={role_of[i]: samples[i] for i in samples},
        per_role_series={role_of[i]: series[i] for i in series},
        per_role_bytes={role_of[i]: float(scrape_bytes[i]) for i in scrape_bytes},
        central_head_series=int(head),
        instances=len(samples),
    )
    assert set(measured.per_role_samples) == {"sequencer", "follower", "bot"}
    predicted = sum(series.values())  # what the extrapolation adds up, against what the central head holds
    assert abs(predicted - head) <= 0.1 * head, (predicted, head)
    assert all(v > 50 for v in measured.per_role_samples.values()), measured
    table = sizing_table(measured)
    with capsys.disabled():
        print("\n" + table)
    assert "1,000" in table


def test_a_stopped_follower_s_lag_alert_fires(fleet: Fleet) -> None:
    """SIGSTOP freezes one follower: its last height stays while the sequencer moves on, and the shipped
    AztecFollowerBehind (deploy/prometheus/rules/, durations scaled) fires for it.

    Runs last (file order) of the assertions on live data; SIGCONT at the end so it stops cleanly.
    """
    name = "follower-2"
    stopped = fleet.instance_ids[name]

    def lag_of(instance: str) -> float | None:
        found = query(fleet.central.url, FOLLOWER_LAG.replace("$node", instance))
        return float(found[0]["value"][1]) if found else None

    wait_until(
        lambda: (lag := lag_of(stopped)) is not None and lag <= LAG_THRESHOLD,
        timeout=60,
        message=f"{name} in sync first",
    )
    pid = fleet.processes[name].pid
    os.kill(pid, signal.SIGSTOP)
    try:

        def firing() -> list[dict[str, Any]]:
            return [
                a
                for a in firing_alerts(fleet.central.url)
                if a["labels"]["alertname"] == "AztecFollowerBehind" and a["labels"]["service_instance_id"] == stopped
            ]

        (alert,) = wait_until(firing, timeout=90, interval=0.5, message=f"AztecFollowerBehind firing for {name}")
        assert float(alert["value"]) > LAG_THRESHOLD
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_until(
        lambda: (lag := lag_of(stopped)) is not None and lag <= LAG_THRESHOLD,
        timeout=60,
        message=f"{name} caught up after SIGCONT",
    )


def test_every_process_stops_cleanly_and_removes_its_entries(fleet: Fleet) -> None:
    for name in ("bot", "follower-1", "follower-2", "follower-3", "sequencer"):
        process = fleet.processes[name]
        assert process.interrupt() == 0, process.output[-3000:]
        assert "Traceback" not in process.output
    for sd_file in fleet.sd_files.values():
        assert read_groups(sd_file) == [], sd_file.read_text()
