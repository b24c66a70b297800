"""``aztec start --prometheus-sd-file``: the real command writes its bound scrape endpoints, keeps other
processes' groups, and removes its own on a clean stop."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aztec.cli.main import app
from aztec.sandbox.service_discovery import ScrapeTarget, deregister, read_groups, register

OTHER = {"targets": ["10.0.0.9:9466"], "labels": {"job": "aztec-node", "role": "follower", "service_instance_id": "x"}}


def test_groups_are_added_and_removed_keeping_others_and_replacing_stale_ones(tmp_path: Path) -> None:
    path = tmp_path / "sd" / "targets.json"
    stale = {"targets": ["127.0.0.1:1"], "labels": {"service_instance_id": "me-bot"}}
    path.parent.mkdir()
    path.write_text(json.dumps([OTHER, stale]))
    mine = [ScrapeTarget("127.0.0.1", 4242, "aztec-bot", "bot", "me-bot")]
    register(path, mine)
    groups = read_groups(path)
    assert groups == [OTHER, mine[0].group()]
    assert groups[1] == {
        "targets": ["127.0.0.1:4242"],
        "labels": {"job": "aztec-bot", "role": "bot", "service_instance_id": "me-bot"},
    }
    deregister(path, mine)
    assert read_groups(path) == [OTHER]
    assert sorted(p.name for p in path.parent.iterdir()) == ["targets.json", "targets.json.lock"], "no temp files"


def test_a_file_that_is_not_file_sd_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    path.write_text("{not json")
    args = ["start", "--bot", "--bot-rpc-url", "http://127.0.0.1:1/", "--no-status", "--prometheus-sd-file"]
    result = CliRunner().invoke(app, [*args, str(path)])
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and "--prometheus-sd-file / AZTEC_PROMETHEUS_SD_FILE" in line and "is not JSON" in line
    assert path.read_text() == "{not json", "left untouched"


@pytest.mark.e2e
def test_the_command_lists_its_bound_endpoint_and_removes_it_on_stop(tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    path.write_text(json.dumps([OTHER]))
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZTEC_", "OTEL_"))}
    environment.update({"AZTEC_PROMETHEUS_SD_FILE": str(path), "PYTHONUNBUFFERED": "1"})
    command = [sys.executable, "-m", "aztec.cli.main", "start", "--bot", "--bot-rpc-url", "http://127.0.0.1:1/"]
    command += ["--no-status", "--metrics-port", "0", "--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    try:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("started"):
                break
        output = "".join(lines)
        url = re.search(r"bot metrics: Prometheus scrape endpoint (http://127\.0\.0\.1:(\d+)/metrics)", output)
        assert url, output
        assert f"scrape targets: 1 in Prometheus file SD {path}" in output
        groups = read_groups(path)
        assert groups[0] == OTHER and len(groups) == 2, groups
        assert groups[1]["targets"] == [f"127.0.0.1:{url.group(2)}"], "the OS-chosen port, as bound"
        assert groups[1]["labels"]["job"] == "aztec-bot" and groups[1]["labels"]["role"] == "bot"
        with urllib.request.urlopen(url.group(1), timeout=10) as response:
            text = response.read().decode()
        instance = groups[1]["labels"]["service_instance_id"]
        assert f'service_instance_id="{instance}"' in text, "the label is the series' own instance id"
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=60)[0]
        assert process.returncode == 0, output + rest
        assert read_groups(path) == [OTHER], "its entry is removed on a clean stop, the other's kept"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
