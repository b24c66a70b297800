"""``aztec start`` refuses every bad setting before starting anything: one line naming the flag, the variable
and the value, exit status 2, no traceback, nothing written to the data directory.

The table runs in-process (CliRunner); a representative subset runs the real command as a subprocess.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aztec.cli.main import app


@dataclass(frozen=True)
class Bad:
    """A bad setting: the flags (or variables) giving it, and what the one-line refusal must name."""

    args: tuple[str, ...]
    names: tuple[str, ...]
    value: str
    env: dict[str, str] = field(default_factory=dict)
    roles: tuple[str, ...] = ("--sandbox",)
    prepare: Callable[[Path], None] | None = None
    """Creates what the case needs under the data directory (e.g. a corrupt store) before the run."""
    reason: str = ""


def flag(name: str, variable: str, value: str, reason: str = "", **extra: object) -> Bad:
    return Bad((name, value), (name, variable), value, reason=reason, **extra)  # type: ignore[arg-type]


def env(variable: str, value: str, flag_name: str | None, reason: str = "", **extra: object) -> Bad:
    names = (variable,) if flag_name is None else (flag_name, variable)
    return Bad((), names, value, env={variable: value}, reason=reason, **extra)  # type: ignore[arg-type]


def _garbage(relative: str) -> Callable[[Path], None]:
    def prepare(data: Path) -> None:
        path = data / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"this is not a database, just some text written by another program\n" * 8)

    return prepare


def _another_sqlite_database(data: Path) -> None:
    data.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(data / "l1.sqlite")) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
        conn.commit()


def _file_at_data_dir(data: Path) -> None:
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text("a file where the data directory should be\n")


RPC = ("--rpc-port", "AZTEC_RPC_PORT")
METRICS = ("--metrics-port", "AZTEC_PROMETHEUS_PORT")

BAD_SETTINGS: list[Bad] = [
    # ports, including the follower's and the bot's, derived from these
    flag(*RPC, "abc", "expected a whole number"),
    flag(*RPC, "70000", "must be at most 65535"),
    flag(*RPC, "-1", "must be at least 0"),
    flag(*RPC, "8080.5", "expected a whole number"),
    flag(*RPC, "1e3", "expected a whole number"),
    flag(*RPC, "99999999999999999999999999999999", "must be at most 65535"),
    flag(*RPC, "", "expected a whole number"),
    flag(*RPC, "65535", "follower's JSON-RPC port would be 65536"),
    flag(*METRICS, "port", "expected a whole number"),
    flag(*METRICS, "65536", "must be at most 65535"),
    flag(*METRICS, "65534", "follower's scrape port would be 65536"),
    Bad(
        ("--metrics-port", "65535"),
        METRICS,
        "65535",
        roles=("--bot", "--bot-rpc-url", "http://127.0.0.1:1/"),
        reason="bot's scrape port would be 65536",
    ),
    Bad(
        ("--metrics-port", "65533"), METRICS, "65533", roles=("--prover",), reason="prover's scrape port would be 65536"
    ),
    Bad(("--rpc-port", "9464"), METRICS, "9464", roles=("--l1", "--sequencer"), reason="collides"),
    Bad(
        ("--rpc-port", "9466", "--metrics-port", "9464"),
        METRICS,
        "9464",
        roles=("--node", "--prover"),
        reason="port 9467 collides",
    ),
    Bad(
        ("--rpc-port", "9465", "--metrics-port", "9464"),
        RPC,
        "9465",
        roles=("--sequencer", "--node"),
        reason="collides",
    ),
    # addresses
    flag("--rpc-host", "AZTEC_RPC_HOST", "bad_host!", "expected an IP address or a host name"),
    flag("--rpc-host", "AZTEC_RPC_HOST", "", "expected an IP address or a host name"),
    flag("--metrics-host", "AZTEC_PROMETHEUS_HOST", "a b", "expected an IP address or a host name"),
    flag("--metrics-host", "AZTEC_PROMETHEUS_HOST", "-leading-dash", "expected an IP address or a host name"),
    # times: finite, in range, and not so long that no block is ever built or published
    flag("--l1-block-time", "AZTEC_L1_BLOCK_TIME", "soon", "expected a number"),
    flag("--l1-block-time", "AZTEC_L1_BLOCK_TIME", "0", "must be at least 0.01"),
    flag("--l1-block-time", "AZTEC_L1_BLOCK_TIME", "nan", "expected a finite number"),
    flag("--l1-block-time", "AZTEC_L1_BLOCK_TIME", "1e309", "expected a finite number"),
    flag("--l1-block-time", "AZTEC_L1_BLOCK_TIME", "20", "no block would be published"),
    flag("--slot-duration", "AZTEC_SLOT_DURATION", "0", "must be at least 0.01"),
    flag("--slot-duration", "AZTEC_SLOT_DURATION", "-1", "must be at least 0.01"),
    flag("--slot-duration", "AZTEC_SLOT_DURATION", "inf", "expected a finite number"),
    flag("--slot-duration", "AZTEC_SLOT_DURATION", "1e9", "must be at most 3600"),
    flag("--max-block-wait", "AZTEC_MAX_BLOCK_WAIT", "-1", "must be at least 0"),
    flag("--max-block-wait", "AZTEC_MAX_BLOCK_WAIT", "NaN", "expected a finite number"),
    flag("--max-block-wait", "AZTEC_MAX_BLOCK_WAIT", "1e7", "must be at most 3600"),
    # counts
    flag("--min-txs", "AZTEC_MIN_TXS_PER_BLOCK", "0", "must be at least 1"),
    flag("--min-txs", "AZTEC_MIN_TXS_PER_BLOCK", "1.5", "expected a whole number"),
    Bad(
        ("--min-txs", "5", "--max-txs", "2"),
        ("--min-txs", "AZTEC_MIN_TXS_PER_BLOCK"),
        "5",
        reason="must not exceed --max-txs / AZTEC_MAX_TXS_PER_BLOCK (2)",
    ),
    flag("--max-txs", "AZTEC_MAX_TXS_PER_BLOCK", "0", "must be at least 1"),
    flag("--max-txs", "AZTEC_MAX_TXS_PER_BLOCK", "100000", "must be at most 1024"),
    flag("--tx-pool-size", "AZTEC_TX_POOL_MAX_TXS", "0", "must be at least 1"),
    flag("--tx-pool-size", "AZTEC_TX_POOL_MAX_TXS", "10", "must hold at least one full block"),
    flag("--tx-pool-size", "AZTEC_TX_POOL_MAX_TXS", "100000000000", "must be at most 10000000"),
    flag("--rpc-max-connections", "AZTEC_RPC_MAX_CONNECTIONS", "0", "must be at least 1"),
    flag("--rpc-max-connections", "AZTEC_RPC_MAX_CONNECTIONS", "many", "expected a whole number"),
    flag("--rpc-max-connections", "AZTEC_RPC_MAX_CONNECTIONS", "99999999999999999999999", "must be at most"),
    flag("--rpc-header-timeout", "AZTEC_RPC_HEADER_TIMEOUT", "nan", "expected a finite number"),
    flag("--rpc-header-timeout", "AZTEC_RPC_HEADER_TIMEOUT", "0", "must be at least"),
    flag("--rpc-body-timeout", "AZTEC_RPC_BODY_TIMEOUT", "inf", "expected a finite number"),
    flag("--rpc-body-timeout", "AZTEC_RPC_BODY_TIMEOUT", "-1", "must be at least"),
    flag("--rpc-idle-timeout", "AZTEC_RPC_IDLE_TIMEOUT", "1e300", "must be at most"),
    flag("--rpc-idle-timeout", "AZTEC_RPC_IDLE_TIMEOUT", "soon", "expected a number"),
    flag("--rpc-allowed-hosts", "AZTEC_RPC_ALLOWED_HOSTS", "ok.example,bad host!", "is not a host name"),
    flag("--rpc-cors-origins", "AZTEC_RPC_CORS_ORIGINS", "example.com", "is not an origin"),
    flag("--world-state-map-size-kb", "AZTEC_WORLD_STATE_MAP_SIZE_KB", "8", "must be at least 64"),
    flag("--world-state-map-size-kb", "AZTEC_WORLD_STATE_MAP_SIZE_KB", "lots", "expected a whole number"),
    flag("--publish-timeout", "AZTEC_L1_PUBLISH_TIMEOUT", "0", "must be at least 0.1"),
    flag("--publish-timeout", "AZTEC_L1_PUBLISH_TIMEOUT", "nan", "expected a finite number"),
    # the prover: a known kind, a sane number of workers, a cost it can finish
    flag("--prover-kind", "AZTEC_PROVER", "gpu", "expected native or test"),
    flag("--prover-workers", "AZTEC_PROVER_WORKERS", "0", "must be at least 1"),
    flag("--prover-workers", "AZTEC_PROVER_WORKERS", "two", "expected a whole number"),
    flag("--prover-workers", "AZTEC_PROVER_WORKERS", "100000", "must be at most"),
    flag("--prover-scale", "AZTEC_PROVER_SCALE", "0", "must be above 0"),
    flag("--prover-scale", "AZTEC_PROVER_SCALE", "-0.5", "must be above 0"),
    flag("--prover-scale", "AZTEC_PROVER_SCALE", "nan", "expected a finite number"),
    flag("--prover-scale", "AZTEC_PROVER_SCALE", "1e6", "must be at most 1000"),
    flag("--prover-scale", "AZTEC_PROVER_SCALE", "900", "the prover would never catch up"),
    # the bot
    flag("--bot-tps", "AZTEC_BOT_TPS", "0", "must be at least 0.001"),
    flag("--bot-tps", "AZTEC_BOT_TPS", "inf", "expected a finite number"),
    flag("--bot-tps", "AZTEC_BOT_TPS", "1e6", "must be at most 10000"),
    flag("--bot-accounts", "AZTEC_BOT_ACCOUNTS", "0", "must be at least 1"),
    flag("--bot-accounts", "AZTEC_BOT_ACCOUNTS", "18446744073709551617", "must be at most 10000"),
    flag("--bot-rpc-url", "AZTEC_BOT_RPC_URL", "ftp://node:8080/", "URL scheme must be one of http, https"),
    flag("--bot-rpc-url", "AZTEC_BOT_RPC_URL", "http://", "URL has no host"),
    flag("--bot-rpc-url", "AZTEC_BOT_RPC_URL", "http://node:99999/", "not a valid URL"),
    Bad(("--rpc-port", "0"), ("--bot-rpc-url", "AZTEC_BOT_RPC_URL"), "", roles=("--bot",), reason="needs the URL"),
    # a prover in a process of its own
    flag("--prover-node-url", "AZTEC_PROVER_NODE_URL", "ftp://node:8080/", "URL scheme must be one of http, https"),
    env("AZTEC_PROVER_NODE_URL", "http://", "--prover-node-url", "URL has no host", roles=("--prover",)),
    Bad(
        ("--rpc-port", "0"),
        ("--prover-node-url", "AZTEC_PROVER_NODE_URL"),
        "",
        roles=("--prover",),
        reason="a prover without --sequencer needs the URL of a node",
    ),
    # Prometheus file service discovery
    flag("--prometheus-sd-file", "AZTEC_PROMETHEUS_SD_FILE", "targets.yml", "must end in .json"),
    Bad(
        ("--no-metrics", "--prometheus-sd-file", "targets.json"),
        ("--prometheus-sd-file", "AZTEC_PROMETHEUS_SD_FILE"),
        "targets.json",
        reason="serves no scrape endpoint",
    ),
    env("AZTEC_PROMETHEUS_SD_FILE", "/etc/hostname/t.json", "--prometheus-sd-file", "exists and is not a directory"),
    # the data directory and its stores
    Bad((), ("--data-dir", "AZTEC_DATA_DIR"), "", prepare=_file_at_data_dir, reason="exists and is not a directory"),
    Bad((), ("--data-dir", "AZTEC_DATA_DIR"), "", prepare=_garbage("l1.sqlite"), reason="not an SQLite database"),
    Bad(
        (),
        ("--data-dir", "AZTEC_DATA_DIR"),
        "",
        prepare=_another_sqlite_database,
        reason="another program's SQLite database (tables photos)",
    ),
    Bad(
        (),
        ("--data-dir", "AZTEC_DATA_DIR"),
        "",
        prepare=_garbage("sequencer/world_state/data.mdb"),
        reason="not an LMDB database",
    ),
    Bad(
        (),
        ("--data-dir", "AZTEC_DATA_DIR"),
        "",
        prepare=_garbage("follower/tx_pool/data.mdb"),
        roles=("--node",),
        reason="not an LMDB database",
    ),
    Bad((), ("--data-dir", "AZTEC_DATA_DIR"), "", prepare=_garbage("sequencer"), reason="is not a directory"),
    # the same settings from their environment variables
    env("AZTEC_RPC_PORT", "abc", "--rpc-port", "expected a whole number"),
    env("AZTEC_PROMETHEUS_PORT", "123456", "--metrics-port", "must be at most 65535"),
    env("AZTEC_SLOT_DURATION", "nan", "--slot-duration", "expected a finite number"),
    env("AZTEC_BOT_TPS", "-3", "--bot-tps", "must be at least 0.001"),
    env("AZTEC_PROVER", "fpga", "--prover-kind", "expected native or test"),
    env("AZTEC_MIN_TXS_PER_BLOCK", "0", "--min-txs", "must be at least 1"),
    # telemetry variables (no flag), checked before start-up too
    env("OTEL_COLLECT_INTERVAL_MS", "ten", None, "expected a whole number"),
    env("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "udp", None, "expected one of"),
    env("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "ftp://collector", None, "URL scheme"),
    env("AZTEC_HOST_METRICS", "maybe", None, "expected one of true/false"),
]


def _start(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["start", *args], env=env)
    return result.exit_code, result.output


def _snapshot(directory: Path) -> dict[str, bytes]:
    if directory.is_file():
        return {"": directory.read_bytes()}
    if not directory.exists():
        return {}
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def _case_id(case: Bad) -> str:
    where = " ".join(case.args) or " ".join(f"{k}={v}" for k, v in case.env.items())
    return f"{' '.join(case.roles)} {where} {case.reason}".strip()


def test_the_table_covers_every_setting_with_at_least_40_bad_values() -> None:
    assert len(BAD_SETTINGS) >= 40
    named = {name for case in BAD_SETTINGS for name in case.names}
    from aztec.foundation.settings import Switch
    from aztec.sandbox.settings import CHECKED_SETTINGS

    every = {s.flag for s in CHECKED_SETTINGS if not isinstance(s, Switch)}
    assert every <= named, every - named


@pytest.mark.parametrize("case", BAD_SETTINGS, ids=_case_id)
def test_a_bad_setting_is_one_line_naming_it_and_nothing_is_written(tmp_path: Path, case: Bad) -> None:
    data = tmp_path / "data"
    if case.prepare is not None:
        case.prepare(data)
    before = _snapshot(data)
    environment = {"AZTEC_DATA_DIR": str(data), **case.env}
    code, output = _start([*case.roles, "--no-status", *case.args], env=environment)
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    line = lines[0]
    assert line.startswith("cannot start: invalid setting "), line
    for name in case.names:
        assert name in line, (name, line)
    shown = case.value if case.value or case.prepare is None else str(data)
    assert f"={shown!r}" in line, line
    assert case.reason in line, line
    assert "Traceback" not in output
    assert _snapshot(data) == before, "nothing is written to the data directory"


SUBPROCESS_SUBSET = [
    BAD_SETTINGS[7],  # the follower's port, derived from --rpc-port
    next(c for c in BAD_SETTINGS if "catch up" in c.reason),
    next(c for c in BAD_SETTINGS if "SQLite" in c.reason),
    next(c for c in BAD_SETTINGS if c.env.get("AZTEC_BOT_TPS")),
    next(c for c in BAD_SETTINGS if c.env.get("OTEL_COLLECT_INTERVAL_MS")),
]


@pytest.mark.parametrize("case", SUBPROCESS_SUBSET, ids=_case_id)
def test_the_real_command_refuses_bad_settings_in_one_line(tmp_path: Path, case: Bad) -> None:
    """The command as a process: exit 2, one line on stdout, nothing on stderr, no traceback, nothing written."""
    data = tmp_path / "data"
    if case.prepare is not None:
        case.prepare(data)
    before = _snapshot(data)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZTEC_", "OTEL_"))}
    environment.update({"AZTEC_DATA_DIR": str(data), **case.env})
    command = [sys.executable, "-m", "aztec.cli.main", "start", *case.roles, "--no-status", *case.args]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=180, check=False)
    assert done.returncode == 2, done
    assert done.stderr == "", done.stderr
    assert "Traceback" not in done.stdout
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cannot start: invalid setting "), done.stdout
    assert all(name in lines[0] for name in case.names), lines[0]
    assert _snapshot(data) == before


def test_no_role_is_refused() -> None:
    code, text = _start([])
    assert code == 2
    assert "Say what to start: --sandbox, or roles among --l1 --sequencer --prover --node --bot" in text


def test_a_prover_alone_proves_from_the_sequencer_s_default_address_on_its_own_port(tmp_path: Path) -> None:
    from aztec.sandbox.roles import Roles
    from aztec.sandbox.validation import StartArgs, validate_start

    config = validate_start(StartArgs(roles=Roles(prover=True), data_dir=str(tmp_path / "data")))
    assert config.roles.standalone_prover and config.needs_l1
    assert (config.prover_node_url, config.prover_metrics_port) == ("http://127.0.0.1:8080/", 9467)
    assert not (tmp_path / "data").exists(), "validation writes nothing"
    moved = validate_start(
        StartArgs(roles=Roles(prover=True), data_dir=str(tmp_path / "data"), rpc_port="9000", metrics_port="0")
    )
    assert (moved.prover_node_url, moved.prover_metrics_port) == ("http://127.0.0.1:9000/", 0)
    sandbox = validate_start(StartArgs(roles=Roles.sandbox(), data_dir=str(tmp_path / "data")))
    assert sandbox.prover_node_url is None, "the sandbox's prover is its sequencer's"


def test_a_bot_alone_needs_no_data_directory(tmp_path: Path) -> None:
    """Validation of a bot-only process does not look at (or create) the data directory."""
    data = tmp_path / "file"
    data.write_text("not a directory")
    code, text = _start(["--bot", "--no-status", "--bot-tps", "0"], env={"AZTEC_DATA_DIR": str(data)})
    assert code == 2
    assert "--bot-tps / AZTEC_BOT_TPS='0'" in text, text


def test_a_data_directory_of_this_node_passes_and_is_left_untouched(tmp_path: Path) -> None:
    """Real stores (an L1 file and LMDB environments) are read without writing a byte, and accepted."""
    from aztec.l1.dev_chain import DevL1Chain, DevL1Config
    from aztec.sandbox.roles import Roles
    from aztec.sandbox.validation import StartArgs, validate_start
    from aztec.telemetry.noop import NoopTelemetryClient
    from aztec.world_state import WorldState
    from aztec.world_state.genesis import genesis_archive_root

    data = tmp_path / "data"
    data.mkdir()
    DevL1Chain.open(data / "l1.sqlite", genesis_archive_root(), DevL1Config()).close()
    WorldState.open(data / "sequencer" / "world_state", NoopTelemetryClient()).close()
    before = _snapshot(data)
    names = sorted(p.name for p in data.rglob("*"))
    config = validate_start(StartArgs(roles=Roles.sandbox(), data_dir=str(data)), env={})
    assert config.data_dir == data
    assert _snapshot(data) == before and sorted(p.name for p in data.rglob("*")) == names


def test_a_data_directory_on_a_read_only_filesystem_is_refused(tmp_path: Path) -> None:
    """A real read-only mount (a private mount namespace, as root here): existing and to-be-created dirs."""
    if subprocess.run(["unshare", "-m", "true"], check=False, capture_output=True).returncode != 0:
        pytest.fail("this test needs `unshare -m` (root, util-linux) to mount a read-only filesystem")
    mount = tmp_path / "ro"
    mount.mkdir()
    python = f"{sys.executable} -m aztec.cli.main start --sandbox --no-status --data-dir"
    script = f"mount -t tmpfs -o ro tmpfs {mount} && {python} {mount} ; echo rc=$? ; {python} {mount}/data ; echo rc=$?"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZTEC_", "OTEL_"))}
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=180, check=False, env=environment
    )
    assert done.stderr == "" and "Traceback" not in done.stdout, done
    assert done.stdout.splitlines() == [
        f"cannot start: invalid setting --data-dir / AZTEC_DATA_DIR='{mount}': directory is not writable",
        "rc=2",
        f"cannot start: invalid setting --data-dir / AZTEC_DATA_DIR='{mount}/data': cannot be created: {mount} is not "
        "writable",
        "rc=2",
    ]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["top", "--interval", "abc"], "error: invalid setting --interval='abc': expected a number"),
        (["top", "--window", "nan"], "error: invalid setting --window='nan': expected a finite number"),
        (["top", "--count", "1e3"], "error: invalid setting --count='1e3': expected a whole number"),
        (["top", "--count", "-2"], "error: invalid setting --count='-2': must be at least 0"),
        (
            ["telemetry", "check", "--timeout", "-1"],
            "configuration error: invalid setting --timeout='-1': must be at least 0.01",
        ),
    ],
)
def test_other_commands_echo_a_bad_value_in_one_line_too(args: list[str], line: str) -> None:
    """Numbers once checked by the flag parser (which does not echo the value) are checked like the settings."""
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert result.output.strip() == line
