"""Runs the README's multi-process example and writes what it saw as JSON (``python -m tests.e2e.roles_driver``).

Run by ``tests/e2e/test_roles.py``, usually inside a private network namespace (``unshare -n``), where the
default ports are free whatever else runs on the machine; the test asserts on the report. Each command
runs verbatim, except that ``uv run aztec`` is this interpreter's ``-m aztec.cli.main``; each in its own
process group, stopped as a terminal's Ctrl-C does (SIGINT to the group).
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

FOLLOWER_RPC = "http://127.0.0.1:8081/"
SEQUENCER_RPC = "http://127.0.0.1:8080/"
NODE_METRICS = "http://127.0.0.1:9464/metrics"
BOT_METRICS = "http://127.0.0.1:9465/metrics"
FOLLOWER_METRICS = "http://127.0.0.1:9466/metrics"
PROVER_METRICS = "http://127.0.0.1:9467/metrics"
SCRAPE_ENDPOINTS = {"node": NODE_METRICS, "bot": BOT_METRICS, "follower": FOLLOWER_METRICS, "prover": PROVER_METRICS}
READY_WAIT_S = 30.0


def argv(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    assert words[:3] == ["uv", "run", "aztec"], command
    return [sys.executable, "-m", "aztec.cli.main", *words[3:]]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())
    except OSError:
        return None


def _probe(url: str) -> list[Any]:
    """``[status, JSON body]`` of a health probe, ``[None, error]`` when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return [response.status, json.loads(response.read())]
    except urllib.error.HTTPError as error:
        return [error.code, json.loads(error.read() or b"null")]
    except (OSError, ValueError) as error:
        return [None, repr(error)]


def _probes(deadline: float) -> dict[str, dict[str, list[Any]]]:
    """Each role's ``/healthz`` and ``/readyz`` on its scrape port, waiting up to ``deadline`` for ready."""
    probes: dict[str, dict[str, list[Any]]] = {}
    for role, metrics in SCRAPE_ENDPOINTS.items():
        base = metrics.removesuffix("/metrics")
        ready = _probe(base + "/readyz")
        while ready[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
            ready = _probe(base + "/readyz")
        probes[role] = {"healthz": _probe(base + "/healthz"), "readyz": ready}
    return probes


def _block_number(url: str, method: str = "node_getBlockNumber") -> int | None:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": []}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(json.loads(response.read())["result"])
    except (OSError, KeyError, ValueError):
        return None


def _sample(metrics: str | None, prefix: str) -> float:
    """The first sample whose line starts with ``prefix`` (name and labels), else 0."""
    for line in (metrics or "").splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _bot_mined(metrics: str | None) -> float:
    return _sample(metrics, "aztec_bot_tx_mined_total")


def _proofs_landed(metrics: str | None) -> float:
    return _sample(metrics, 'aztec_l1_publisher_tx_count_total{aztec_l1_tx_type="submit_proof",aztec_outcome="success"')


def main(commands: list[str], home: Path, bot_home: Path, logs: Path, report_path: Path, timeout_s: float) -> None:
    report: dict[str, Any] = {"commands": commands, "timeline": []}
    processes: list[tuple[str, subprocess.Popen[bytes], Path]] = []
    try:
        for index, command in enumerate(commands):
            log = logs / f"process{index}.log"
            # the bot gets a HOME of its own, so that the test can see it creates nothing there
            environment = {**os.environ, "HOME": str(bot_home if "--bot" in command else home)}
            environment["PYTHONUNBUFFERED"] = "1"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    argv(command), stdout=out, stderr=subprocess.STDOUT, env=environment, start_new_session=True
                )
            processes.append((command, process, log))
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(p.poll() is not None for _, p, _ in processes):
                break
            follower_block = _block_number(FOLLOWER_RPC)
            bot_mined = _bot_mined(_get(BOT_METRICS))
            proofs = _proofs_landed(_get(PROVER_METRICS))
            report["follower_block"] = follower_block
            report["bot_mined"] = bot_mined
            report["prover_proofs_landed"] = proofs
            if follower_block and follower_block >= 1 and bot_mined >= 1 and proofs >= 1:
                break
            time.sleep(0.5)
        report["sequencer_block"] = _block_number(SEQUENCER_RPC)
        report["bot_metrics"] = _get(BOT_METRICS)
        report["node_metrics"] = _get(NODE_METRICS)
        report["follower_metrics"] = _get(FOLLOWER_METRICS)
        report["prover_metrics"] = _get(PROVER_METRICS)
        report["proven_block"] = _block_number(SEQUENCER_RPC, "node_getProvenBlockNumber")
        report["probes"] = _probes(time.monotonic() + READY_WAIT_S)
        report["exited_early"] = [c for c, p, _ in processes if p.poll() is not None]
    finally:
        for _command, process, _log in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
        codes = []
        for _command, process, _log in processes:
            try:
                codes.append(process.wait(timeout=60))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                codes.append(process.wait(timeout=30))
        report["exit_codes"] = codes
        report["outputs"] = [log.read_text(errors="replace") for _, _, log in processes]
        report_path.write_text(json.dumps(report))


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    main(
        spec["commands"],
        Path(spec["home"]),
        Path(spec["bot_home"]),
        Path(spec["logs"]),
        Path(spec["report"]),
        float(spec["timeout_s"]),
    )
