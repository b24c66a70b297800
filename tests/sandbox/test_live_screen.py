"""The live status screen in a real terminal (tmux): log lines go above it and it never leaves stale copies."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aztec.deploy.paths import REPO_ROOT


@pytest.fixture
def tmux() -> Iterator[list[str]]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for this test (apt-get install tmux)")
    command = ["tmux", "-L", f"aztec-test-{os.getpid()}", "-f", "/dev/null"]
    yield command
    subprocess.run([*command, "kill-server"], check=False, capture_output=True)


def _screen(tmux: list[str]) -> str:
    return subprocess.run(
        [*tmux, "capture-pane", "-p", "-t", "live"], check=True, capture_output=True, text=True
    ).stdout


def test_log_lines_go_above_the_screen_and_no_stale_copy_is_left(tmux: list[str], tmp_path: Path) -> None:
    stop_file = tmp_path / "stop"
    script = f"cd {REPO_ROOT} && {sys.executable} -m tests.sandbox.live_screen_script {stop_file}; sleep 30"
    subprocess.run([*tmux, "new-session", "-d", "-s", "live", "-x", "110", "-y", "70", script], check=True)
    deadline = time.monotonic() + 60
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(tmux)
        if "LOGS DONE" in screen and "aztec --node" in screen.split("LOGS DONE", 1)[1]:
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the screen never settled:\n{screen}")
    lines = screen.splitlines()
    titles = [i for i, line in enumerate(lines) if "aztec --node" in line]
    assert len(titles) == 1, f"stale copies of the screen:\n{screen}"
    assert sum("proving queue" in line for line in lines) == 1, screen
    for i in range(30):
        matching = [n for n, line in enumerate(lines) if line.rstrip().endswith(f"log line {i}")]
        assert len(matching) == 1, (i, screen)
        assert matching[0] < titles[0], f"log line {i} is not above the screen:\n{screen}"
    assert "Traceback" not in screen
    stop_file.touch()
