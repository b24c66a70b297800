"""The compose file's and the Dockerfile's health check commands, runnable against a node on any port."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Final

from aztec.deploy.paths import COMPOSE_FILE, DEPLOY_DIR
from tests.support.deploy.consistency import load_yaml

DOCKERFILE: Final = DEPLOY_DIR / "Dockerfile"
IMAGE_RPC_PORT: Final = 8080
"""The sequencer node's JSON-RPC port inside the image (AZTEC_RPC_PORT's default)."""


def compose_healthcheck() -> list[str]:
    """The node service's healthcheck ``test`` (``CMD`` form)."""
    test: list[str] = load_yaml(COMPOSE_FILE)["services"]["node"]["healthcheck"]["test"]
    assert test[0] == "CMD", test
    return test[1:]


def dockerfile_healthcheck() -> list[str]:
    """The Dockerfile's ``HEALTHCHECK ... CMD [...]`` exec array."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK\b.*?\bCMD\s+(\[.*\])\s*$", text, re.MULTILINE)
    assert match is not None, "no HEALTHCHECK ... CMD [...] in the Dockerfile"
    command: list[str] = json.loads(match.group(1))
    return command


def run_against(command: list[str], port: int) -> int:
    """Run a ``python -c`` health check against ``port``: the image's RPC port swapped for it in a literal URL,
    and ``AZTEC_RPC_PORT`` set to it for a check that reads the port from the environment; its exit code."""
    assert command[:2] == ["python", "-c"], command
    code = command[2].replace(f":{IMAGE_RPC_PORT}/", f":{port}/")
    env = {**os.environ, "AZTEC_RPC_PORT": str(port)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=30, check=False, env=env
    ).returncode
