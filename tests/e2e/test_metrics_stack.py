"""The stack's Prometheus side against a live sandbox: the single-host config and the alert rules in a real
Prometheus, every dashboard panel's query answered, and no alert firing on a healthy sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.e2e.sandbox_process import FAST_SANDBOX_ARGS, SandboxProcess
from tests.support.deploy.live_check import firing_alerts, queries_without_data
from tests.support.polling import wait_until
from tests.support.prometheus_server import PrometheusServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SINGLE_HOST = ROOT / "deploy" / "prometheus" / "prometheus.single-host.yml"
RULES = ROOT / "deploy" / "prometheus" / "rules"


def _hostport(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}"


def _single_host_config(urls: dict[str, str], rules_dir: Path) -> str:
    """The committed single-host config, pointed at this sandbox's ports and scraping every second."""
    config = yaml.safe_load(SINGLE_HOST.read_text())
    config["global"]["scrape_interval"] = "1s"
    config["global"]["evaluation_interval"] = "1s"
    config["rule_files"] = [str(rules_dir / Path(pattern).name) for pattern in config["rule_files"]]
    targets = {
        "aztec-node": [_hostport(urls["node_metrics"]), _hostport(urls["follower_metrics"])],
        "aztec-bot": [_hostport(urls["bot_metrics"])],
    }
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == set(targets), "the single-host config's jobs changed: update this test"
    for name, job in jobs.items():
        job["static_configs"] = [{"targets": targets[name]}]
    return yaml.safe_dump(config)


def test_every_panel_has_data_and_no_alert_fires(tmp_path: Path) -> None:
    sandbox = SandboxProcess(tmp_path / "data", *FAST_SANDBOX_ARGS)
    prometheus: PrometheusServer | None = None
    try:
        urls = sandbox.urls()
        rules = tmp_path / "rules"
        shutil.copytree(RULES, rules)
        prometheus = PrometheusServer(_single_host_config(urls, rules), tmp_path / "prometheus")
        server = prometheus
        wait_until(
            lambda: len(server.query('up{job=~"aztec-node|aztec-bot"} == 1')) == 3,
            timeout=60,
            message="all three targets up",
        )
        empty: list[str] = []

        def all_panels_answer() -> bool:
            empty[:] = [str(q) for q in queries_without_data(server.url, rate_interval="5s")]
            return not empty

        wait_until(all_panels_answer, timeout=120, interval=1.0, message="data for every panel query")
        assert empty == []
        rule_groups = server.api("rules")["groups"]
        assert sum(len(group["rules"]) for group in rule_groups) >= 12
        assert firing_alerts(server.url) == []
        assert sandbox.interrupt() == 0
    finally:
        if prometheus is not None:
            prometheus.stop()
        sandbox.close()
