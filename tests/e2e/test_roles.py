"""The README's multi-process example, verbatim, on default settings: four processes, no port collision.

It runs in a private network namespace (``unshare -n``, as root here) so that the fixed default ports
cannot meet another sandbox on the machine; where namespaces are not available it runs on the host after
checking that every default port is free, and fails saying which is taken otherwise.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from aztec.deploy.paths import REPO_ROOT

pytestmark = pytest.mark.e2e

DEFAULT_PORTS = (8080, 8081, 9464, 9465, 9466, 9467)


def readme_example() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text()
    match = re.search(r"<!-- multi-process example -->\n```sh\n(.*?)```", text, re.S)
    assert match, "README.md has no multi-process example"
    return [line.split("  #")[0].strip() for line in match.group(1).splitlines() if line.strip()]


def _netns_works() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], check=False, capture_output=True).returncode == 0


def _taken(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("roles")
    home, bot_home, logs = base / "home", base / "bot-home", base / "logs"
    for directory in (home, bot_home, logs):
        directory.mkdir()
    spec = {
        "commands": readme_example(),
        "home": str(home),
        "bot_home": str(bot_home),
        "logs": str(logs),
        "report": str(base / "report.json"),
        "timeout_s": 120,
    }
    driver = [sys.executable, "-m", "tests.e2e.roles_driver", json.dumps(spec)]
    if _netns_works():
        command = ["unshare", "-n", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *driver]
    else:
        taken = [port for port in DEFAULT_PORTS if _taken(port)]
        if taken:
            pytest.fail(f"no network namespace here, and default ports {taken} are in use on 127.0.0.1")
        command = driver
    subprocess.run(command, cwd=REPO_ROOT, check=True, timeout=300)
    result: dict[str, object] = json.loads((base / "report.json").read_text())
    result["home"] = str(home)
    result["bot_home"] = str(bot_home)
    return result


def test_the_example_is_the_four_roles() -> None:
    assert readme_example() == [
        "uv run aztec start --l1 --sequencer",
        "uv run aztec start --prover",
        "uv run aztec start --node",
        "uv run aztec start --bot",
    ]


def test_the_roles_run_side_by_side_on_defaults(report: dict[str, object]) -> None:
    outputs = report["outputs"]
    assert isinstance(outputs, list)
    assert report["exited_early"] == [], outputs
    for output in outputs:
        assert "started; Ctrl-C stops" in output, output
    follower_block = report["follower_block"]
    assert isinstance(follower_block, int) and follower_block >= 1, report
    bot_mined = report["bot_mined"]
    assert isinstance(bot_mined, float) and bot_mined >= 1, report
    assert "prover metrics: Prometheus scrape endpoint http://127.0.0.1:9467/metrics" in outputs[1]
    assert "prover fetches txs from: http://127.0.0.1:8080/" in outputs[1]
    assert "follower metrics: Prometheus scrape endpoint http://127.0.0.1:9466/metrics" in outputs[2]
    assert "bot metrics: Prometheus scrape endpoint http://127.0.0.1:9465/metrics" in outputs[3]


def test_every_role_serves_healthz_and_readyz_on_its_scrape_port(report: dict[str, object]) -> None:
    """The prover and the bot have no JSON-RPC: their metrics port answers the probes (Kubernetes asks it)."""
    probes = report["probes"]
    assert isinstance(probes, dict) and set(probes) == {"node", "bot", "follower", "prover"}, probes
    for role, answers in probes.items():
        assert answers["healthz"] == [200, {"status": "alive"}], (role, answers)
        status, body = answers["readyz"]
        assert status == 200 and body["ready"] is True, (role, answers)
    assert probes["prover"]["readyz"][1]["checks"] == {"l1Reachable": True, "synced": True, "notBehind": True}
    assert probes["bot"]["readyz"][1]["checks"] == {"funded": True, "running": True, "nodeAnswering": True}
    assert set(probes["node"]["readyz"][1]["checks"]) == {"l1Reachable", "synced", "notBehind"}


PROOFS_LANDED = 'aztec_l1_publisher_tx_count_total{aztec_l1_tx_type="submit_proof",aztec_outcome="success"'
PROVER_NAMESPACES = (
    # the prover's own parts: proving, its L1 publisher, and the archiver, world state and re-execution it
    # rebuilds blocks with; plus build info, runtime and telemetry, which every service has
    "aztec_proving_",
    "aztec_circuit_",
    "aztec_prover_node_",
    "aztec_l1_",
    "aztec_archiver_",
    "aztec_world_state_",
    "aztec_db_",
    "aztec_public_processor_",
    "aztec_public_executor_",
    "aztec_runtime_",
    "aztec_telemetry_",
    "aztec_node_info",
)


def _names(text: str) -> set[str]:
    return {line.split("{")[0].split(" ")[0] for line in text.splitlines() if line and not line.startswith("#")}


def test_blocks_are_proven_on_l1_by_the_separate_prover_alone(report: dict[str, object]) -> None:
    """The prover process landed the proofs (its scrape shows them); the sequencer proved nothing."""
    proven = report["proven_block"]
    assert isinstance(proven, int) and proven >= 1, report
    prover = report["prover_metrics"]
    assert isinstance(prover, str) and PROOFS_LANDED in prover, prover
    landed = report["prover_proofs_landed"]
    assert isinstance(landed, float) and landed >= 1, report
    node = report["node_metrics"]
    assert isinstance(node, str) and 'aztec_l1_tx_type="submit_proof"' not in node
    assert "aztec_proving_" not in node and "aztec_circuit_" not in node
    aztec = {name for name in _names(prover) if name.startswith("aztec_")}
    assert aztec and [name for name in aztec if not name.startswith(PROVER_NAMESPACES)] == []
    instances = set(re.findall(r'service_instance_id="([^"]+)"', prover))
    assert len(instances) == 1 and "-prover-" in next(iter(instances)), instances
    assert instances.isdisjoint(re.findall(r'service_instance_id="([^"]+)"', node))


def test_ctrl_c_to_each_process_group_stops_cleanly(report: dict[str, object]) -> None:
    """SIGINT to the whole group (the prover's workers included), as a terminal sends it."""
    assert report["exit_codes"] == [0, 0, 0, 0], report["outputs"]
    for output in report["outputs"]:  # type: ignore[attr-defined]
        assert "Traceback" not in output, output
        assert "KeyboardInterrupt" not in output, output
        assert output.rstrip().endswith("stopped; committed data kept, metrics flushed"), output


def test_a_bot_alone_serves_only_the_bot_s_metrics(report: dict[str, object]) -> None:
    text = report["bot_metrics"]
    assert isinstance(text, str)
    aztec = {name for name in _names(text) if name.startswith("aztec_")}
    own = ("aztec_bot_", "aztec_runtime_", "aztec_telemetry_", "aztec_node_info")  # build info: every service's
    assert aztec and all(name.startswith(own) for name in aztec), aztec
    services = set(re.findall(r'service_name="([^"]+)"', text))
    assert services == {"aztec-bot"}, services
    node = report["node_metrics"]
    assert isinstance(node, str) and "aztec_bot_" not in node and "aztec_sequencer_" in node


def test_only_processes_that_need_the_l1_create_files_in_home(report: dict[str, object]) -> None:
    bot_home = Path(str(report["bot_home"]))
    # (matplotlib's font cache may appear while ``aztec`` imports it eagerly: not the node's data)
    assert not (bot_home / ".aztec-node").exists(), "the bot alone creates no data directory"
    assert list(bot_home.rglob("*.sqlite")) == [] and list(bot_home.rglob("*.mdb")) == []
    data = Path(str(report["home"])) / ".aztec-node"
    assert (data / "l1.sqlite").is_file()
    assert {p.name for p in data.iterdir()} >= {"l1.sqlite", "sequencer", "follower", "prover"}
