"""deploy/alertmanager/alertmanager.yml: amtool checks it and tests its routes; a real Alertmanager shows the
grouping by node and the inhibition (a node that is down silences its other alerts)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from aztec.deploy.paths import RULES_DIR
from tests.support.alert_configs import ALERTMANAGER_CONFIG, alertmanager_test_copy
from tests.support.alertmanager_server import AlertmanagerServer, WebhookReceiver
from tests.support.prometheus_server import require_binary

RECEIVER_BY_SEVERITY = {"critical": "aztec-critical", "warning": "aztec-warning"}


def _amtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([require_binary("amtool"), *args], capture_output=True, text=True, check=False)


def _alerts() -> list[dict[str, Any]]:
    return [
        rule
        for path in sorted(RULES_DIR.glob("*.yml"))
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def _route(*labels: str, config: Path = ALERTMANAGER_CONFIG) -> str:
    result = _amtool("config", "routes", "test", f"--config.file={config}", *labels)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def test_amtool_check_config() -> None:
    result = _amtool("check-config", str(ALERTMANAGER_CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout and "2 receivers" in result.stdout and "4 inhibit rules" in result.stdout


def test_amtool_check_config_can_fail(tmp_path: Path) -> None:
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text())
    config["route"]["routes"][0]["receiver"] = "nobody"
    broken = tmp_path / "alertmanager.yml"
    broken.write_text(yaml.safe_dump(config))
    result = _amtool("check-config", str(broken))
    assert result.returncode != 0 and "nobody" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (("severity=critical", "alertname=AztecNodeDown", "service_instance_id=n1"), "aztec-critical"),
        (("severity=warning", "alertname=AztecHighCpu", "service_instance_id=n1"), "aztec-warning"),
        (("alertname=SomethingUnlabelled",), "aztec-critical"),
        (("severity=info",), "aztec-critical"),
    ],
    ids=["critical-pages", "warning-to-chat", "no-severity-pages", "unknown-severity-pages"],
)
def test_amtool_routes_test(labels: tuple[str, ...], receiver: str) -> None:
    result = _amtool(
        "config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}", f"--verify.receivers={receiver}", *labels
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == receiver


def test_amtool_routes_test_can_fail() -> None:
    result = _amtool(
        "config",
        "routes",
        "test",
        f"--config.file={ALERTMANAGER_CONFIG}",
        "--verify.receivers=aztec-warning",
        "severity=critical",
    )
    assert result.returncode != 0


@pytest.mark.parametrize("rule", _alerts(), ids=lambda r: f"{r['alert']}-{r['labels'].get('metric', '')}".rstrip("-"))
def test_every_alert_routes_by_its_severity(rule: dict[str, Any]) -> None:
    severity = rule["labels"]["severity"]
    assert _route(f"alertname={rule['alert']}", f"severity={severity}") == RECEIVER_BY_SEVERITY[severity]


def test_every_receiver_posts_to_the_webhook_with_resolved_notifications_and_grouping_is_by_node() -> None:
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text())
    for receiver in config["receivers"]:
        webhooks = receiver.get("webhook_configs") or []
        assert webhooks and all(w["send_resolved"] for w in webhooks), receiver["name"]
    assert set(config["route"]["group_by"]) == {"service_instance_id", "instance"}
    text = ALERTMANAGER_CONFIG.read_text()
    for example in ("# slack_configs:", "# pagerduty_configs:", "# email_configs:"):
        assert example in text


def _alert(name: str, severity: str, instance: str) -> dict[str, Any]:
    return {
        "labels": {"alertname": name, "severity": severity, "service_instance_id": instance},
        "annotations": {"summary": f"{name} on {instance}"},
    }


def test_a_node_that_is_down_silences_its_other_alerts(tmp_path: Path) -> None:
    """Real Alertmanager: NodeDown on n1 inhibits n1's other alert, not n2's; alerts are grouped per node."""
    webhook = WebhookReceiver()
    server = AlertmanagerServer(alertmanager_test_copy(webhook.url), tmp_path / "alertmanager")
    try:
        server.post_alerts([_alert("AztecNodeDown", "critical", "n1")])
        webhook.wait_for(lambda n: n.labels["alertname"] == "AztecNodeDown", 20, "AztecNodeDown notified")
        server.post_alerts([_alert("AztecNoNewBlocks", "critical", "n1"), _alert("AztecNoNewBlocks", "critical", "n2")])
        webhook.wait_for(
            lambda n: n.labels["alertname"] == "AztecNoNewBlocks" and n.labels["service_instance_id"] == "n2",
            20,
            "n2's alert notified",
        )

        def poll_states() -> dict[tuple[str, str], str]:
            return {
                (a["labels"]["alertname"], a["labels"]["service_instance_id"]): a["status"]["state"]
                for a in server.alerts()
            }

        deadline = time.monotonic() + 10
        while poll_states().get(("AztecNoNewBlocks", "n1")) != "suppressed" and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # two group intervals of n1's group: an alert not inhibited would have been posted
        silenced = webhook.received(
            lambda n: n.labels["service_instance_id"] == "n1" and n.labels["alertname"] != "AztecNodeDown"
        )
        assert silenced == []
        states = poll_states()
        assert states[("AztecNoNewBlocks", "n1")] == "suppressed"
        assert states[("AztecNoNewBlocks", "n2")] == "active"
    finally:
        server.stop()
        webhook.stop()
