"""Every ``aztec …`` command in a code block of README.md and deploy/README.md runs, so the docs cannot drift.

How it works:

- The commands are parsed from the fenced code blocks of :data:`READMES`: every command that, after
  optional ``VAR=value`` assignments and ``uv run``, starts with ``aztec`` (``\\`` continuations joined,
  ``#`` comments dropped, lines split at ``&&``, ``||``, ``;`` and ``|``, shell keywords such as ``do``
  dropped). A command added to a README is picked up and run with no change here.
- Each README's commands run in order in one temporary working directory (later ones read what earlier
  ones wrote, as a reader following the README would), through the real ``aztec`` app in this process,
  with the README's variable assignments set. A command passes when it exits 0 (or as its rule allows)
  without a traceback; a failure names the README, the line and the command.
- Commands that must be adapted to run here have a :class:`Rule` in :data:`RULES`, by command prefix
  (the longest matching prefix wins): arguments appended to scale them down or to point them at temporary
  directories and OS-chosen ports (an option given twice takes its last value, so an appended option
  overrides the README's), other exit statuses allowed, or a reason they cannot run at all.
- A command that starts a long-running service gets ``ready=`` in its rule: it runs as a real process,
  must print that line, is then stopped with SIGINT and must exit 0.
- Commands that are not ``aztec`` are not run. ``docker compose`` needs a Docker engine, which this
  machine does not have: the test only checks that the compose file it names exists.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pytest
from typer.testing import CliRunner

from aztec.cli.main import app
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.archiver import ARCHIVER_TX_COUNT
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.support.prometheus_server import free_port

ROOT: Final = Path(__file__).resolve().parents[2]
READMES: Final = ("README.md", "deploy/README.md")
FENCE: Final = re.compile(r"^```")
ASSIGNMENT: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
SEPARATORS: Final = frozenset({"&&", "||", ";", "|", "&"})
KEYWORDS: Final = frozenset({"do", "then", "else", "time"})
READY_TIMEOUT_S: Final = 60.0
STOP_TIMEOUT_S: Final = 30.0


@dataclass(frozen=True)
class Rule:
    """How to run the commands that start with a prefix; placeholders: ``{tmp}``, ``{metrics_url}``."""

    extra: tuple[str, ...] = ()
    """Appended to the command: scale it down, temporary directories, OS-chosen ports."""
    exit_codes: frozenset[int] = frozenset({0})
    ready: str | None = None
    """A long-running service: the line it prints once up; it is then stopped with SIGINT."""
    cannot_run: str | None = None
    """Why the command cannot run here (it is then only listed)."""
    why: str = ""


RULES: Final[dict[str, Rule]] = {
    "aztec bench run": Rule(
        extra=("--scale", "0.05", "--repeats", "2", "--scenario", "telemetry"),
        why="the whole flow, on the quick self-test scenario (the node scenarios have their own tests)",
    ),
    "aztec top": Rule(
        extra=("--url", "{metrics_url}", "--interval", "0.2", "--count", "2"),
        why="against a real scrape endpoint on an OS-chosen port; two scrapes, then it exits",
    ),
    "aztec telemetry check": Rule(
        exit_codes=frozenset({0, 1}), why="exits 1 when a configured exporter is unreachable (documented)"
    ),
    "aztec dashboards generate": Rule(
        extra=("--dir", "{tmp}/dashboards"), why="writes (and checks) a temporary copy, not the committed JSON"
    ),
    "aztec start": Rule(
        extra=("--data-dir", "{tmp}/data", "--rpc-port", "0", "--metrics-port", "0", "--no-status"),
        ready="started; Ctrl-C stops",
        why="a long-running node: temporary data directory, OS-chosen ports; started, then stopped",
    ),
    "aztec start --prover": Rule(
        extra=(
            "--data-dir",
            "{tmp}/data",
            "--metrics-port",
            "0",
            "--no-status",
            "--prover-node-url",
            "{closed_url}",
        ),
        ready="started; Ctrl-C stops",
        why="a prover alone fetches txs from the sequencer's default port; here from a closed local port (it "
        "follows the L1 file the sequencer line left, warns when a block's txs cannot be fetched, and runs)",
    ),
    "aztec start --bot": Rule(
        extra=("--data-dir", "{tmp}/data", "--metrics-port", "0", "--no-status", "--bot-rpc-url", "{closed_url}"),
        ready="started; Ctrl-C stops",
        why="a bot alone sends to the sequencer's default port; here to a closed local port (it warns and runs)",
    ),
}


@dataclass(frozen=True)
class Command:
    readme: str
    line: int
    text: str
    """The command as the README gives it (without ``uv run``)."""
    env: dict[str, str] = field(default_factory=dict)
    argv: tuple[str, ...] = ()
    """After ``aztec``."""

    @property
    def name(self) -> str:
        return f"{self.readme}:{self.line}: {self.text}"

    def rule(self) -> Rule:
        words = ["aztec", *self.argv]
        matches = [prefix for prefix in RULES if words[: len(prefix.split())] == prefix.split()]
        return RULES[max(matches, key=len)] if matches else Rule()


def code_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of every line inside a fenced code block, continuations joined."""
    inside, pending, start = False, "", 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line.strip()):
            inside, pending = not inside, ""
            continue
        if not inside:
            continue
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        yield start, pending + line
        pending = ""


def shell_commands(line: str) -> list[list[str]]:
    """The simple commands of a shell line: split at separators, comments and shell keywords dropped."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:
        return []  # not shell (output, Python...)
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token in SEPARATORS:
            commands.append([])
        elif commands[-1] or token not in KEYWORDS:
            commands[-1].append(token)
    return [words for words in commands if words]


def parse(readme: str) -> list[Command]:
    """The ``aztec`` commands of ``readme``'s code blocks, in order."""
    commands = []
    for number, line in code_lines(ROOT / readme):
        for shell_words in shell_commands(line):
            words = list(shell_words)
            env = {}
            while words and ASSIGNMENT.match(words[0]):
                name, _, value = words.pop(0).partition("=")
                env[name] = value
            if words[:2] == ["uv", "run"]:
                words = words[2:]
            if not words or words[0] != "aztec":
                continue
            text = shlex.join([*(f"{k}={v}" for k, v in env.items()), "aztec", *words[1:]])
            commands.append(Command(readme, number, text, env, tuple(words[1:])))
    return commands


def docker_compose_files(readme: str) -> list[tuple[int, str]]:
    """``(line, file)`` for every ``docker compose -f FILE`` in ``readme``'s code blocks."""
    found = []
    for number, line in code_lines(ROOT / readme):
        for words in shell_commands(line):
            if words[:2] == ["docker", "compose"] and "-f" in words:
                found.append((number, words[words.index("-f") + 1]))
    return found


COMMANDS: Final = [command for readme in READMES for command in parse(readme)]


def test_the_readmes_show_aztec_commands() -> None:
    """The parser finds the commands we know are there (so an empty parse cannot pass silently)."""
    shown = [(command.readme, command.argv[:2]) for command in COMMANDS]
    assert ("README.md", ("bench", "run")) in shown, shown
    assert ("deploy/README.md", ("dashboards", "generate")) in shown, shown


@pytest.fixture(scope="module")
def workdirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One working directory per README, shared by its commands in order."""
    return {readme: tmp_path_factory.mktemp(readme.replace("/", "-")) for readme in READMES}


@pytest.fixture(scope="module")
def metrics_url() -> Iterator[str]:
    """A real Prometheus scrape endpoint on an OS-chosen port, with a little data, for ``aztec top``."""
    client = OtelTelemetryClient(TelemetryConfig(service_name="aztec-node", prometheus_port=0, host_metrics=True))
    try:
        assert client.prometheus is not None
        client.get_meter("ReadmeTest").create_counter(ARCHIVER_TX_COUNT).add(3)
        yield client.prometheus.url
    finally:
        client.stop()


@pytest.mark.parametrize("command", COMMANDS, ids=[command.name for command in COMMANDS])
def test_the_command_runs(
    command: Command, workdirs: dict[str, Path], metrics_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = command.rule()
    if rule.cannot_run is not None:
        pytest.skip(f"{command.name}: cannot run here: {rule.cannot_run}")
    workdir = workdirs[command.readme]
    values = {
        "tmp": str(workdir / ".tmp"),
        "metrics_url": metrics_url,
        "closed_url": f"http://127.0.0.1:{free_port()}/",
    }
    argv = [*command.argv, *(argument.format(**values) for argument in rule.extra)]
    monkeypatch.chdir(workdir)
    for name, value in command.env.items():
        if name == "TMPDIR":
            Path(value).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    if rule.ready is not None:
        _run_briefly(command, argv, rule.ready)
        return
    result = CliRunner().invoke(app, argv, catch_exceptions=True)
    shown = f"{command.name}\n(ran: aztec {shlex.join(argv)})\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), f"{shown}\n{result.exception!r}"
    assert result.exit_code in rule.exit_codes, f"exit {result.exit_code}: {shown}"
    assert "Traceback" not in result.output, shown


def _run_briefly(command: Command, argv: list[str], ready: str) -> None:
    """Start the service as a real process, wait for ``ready``, stop it with SIGINT; it must exit 0."""
    aztec = Path(sys.executable).parent / "aztec"
    process = subprocess.Popen(
        [str(aztec), *argv], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy()
    )
    seen: list[str] = []
    up = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if ready in line:
                up.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        started = up.wait(READY_TIMEOUT_S)
        assert started, f"{command.name}: no {ready!r} within {READY_TIMEOUT_S:g} s:\n{''.join(seen)}"
        process.send_signal(signal.SIGINT)
        code = process.wait(STOP_TIMEOUT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(5)
    assert code == 0, f"{command.name}: exit {code} after SIGINT:\n{''.join(seen)}"


@pytest.mark.parametrize("readme", READMES)
def test_docker_commands_name_files_that_exist(readme: str) -> None:
    """No Docker engine here: a ``docker compose -f FILE`` command is checked only for its file."""
    for number, name in docker_compose_files(readme):
        assert (ROOT / name).is_file(), f"{readme}:{number}: docker compose -f {name}: no such file"


def test_every_rule_is_for_a_command_the_readmes_show_or_a_long_running_one() -> None:
    shown = {" ".join(["aztec", *c.argv]) for c in COMMANDS}
    stale = [p for p, r in RULES.items() if r.ready is None and not any(s.startswith(p) for s in shown)]
    assert stale == [], f"rules for commands no README shows any more: {stale}"


def test_the_parser_splits_shell_lines() -> None:
    line = "for i in 1 2; do git pull && TMPDIR=/x uv run aztec bench run --out 'a b' --append; done  # note"
    assert shell_commands(line) == [
        ["for", "i", "in", "1", "2"],
        ["git", "pull"],
        ["TMPDIR=/x", "uv", "run", "aztec", "bench", "run", "--out", "a b", "--append"],
        ["done"],
    ]
    assert shell_commands("node metrics: Prometheus scrape endpoint http://127.0.0.1:9464/metrics") != []
    assert shell_commands("it's not shell") == []
