"""Each setting's default is written once, in its definition: the component configs reference it, and the
distinctive literals (8080, 9464, the pool's 10,000, the 256 connections, the 4 GiB map) appear nowhere
else in src/, so that a copy cannot come back."""

from __future__ import annotations

import ast
import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from aztec.bot.config import BotConfig
from aztec.foundation.http import ConnectionLimits
from aztec.foundation.settings import Setting
from aztec.l1.dev_chain import DevL1Config
from aztec.node.config import NodeConfig, RpcConfig
from aztec.p2p.config import TxPoolConfig
from aztec.prover_node.config import ProverConfig
from aztec.prover_node.standalone import StandaloneProverConfig
from aztec.sequencer.config import SequencerConfig
from aztec.stdlib.config.bot import BOT_ACCOUNTS
from aztec.stdlib.config.l1 import L1_BLOCK_TIME, PUBLISH_TIMEOUT
from aztec.stdlib.config.node import (
    RPC_BODY_TIMEOUT,
    RPC_HEADER_TIMEOUT,
    RPC_HOST,
    RPC_IDLE_TIMEOUT,
    RPC_MAX_CONNECTIONS,
    RPC_PORT,
)
from aztec.stdlib.config.p2p import TX_POOL_SIZE
from aztec.stdlib.config.prover import PROVER_KIND, PROVER_SCALE, PROVER_WORKERS
from aztec.stdlib.config.sequencer import MAX_BLOCK_WAIT, MAX_TXS, MIN_TXS, SLOT_DURATION
from aztec.stdlib.config.world_state import WORLD_STATE_MAP_SIZE

SRC = Path(__file__).resolve().parents[2] / "src"

LITERALS: dict[str, tuple[re.Pattern[str], frozenset[str]]] = {
    "the JSON-RPC port 8080": (re.compile(r"\b8080\b"), frozenset({"aztec/stdlib/config/node.py"})),
    "the Prometheus port 9464": (re.compile(r"\b9464\b"), frozenset({"aztec/foundation/otel_defaults.py"})),
    "the tx pool size 10,000": (
        re.compile(r"(pool|pending).*\b10_?000\b|\b10_?000\b.*(pool|pending)", re.IGNORECASE),
        frozenset({"aztec/stdlib/config/p2p.py"}),
    ),
    "256 connections": (
        re.compile(r"connections\W.*\b256\b|\b256\b.*connection", re.IGNORECASE),
        frozenset({"aztec/foundation/listener_defaults.py"}),
    ),
    "the 4 GiB world-state map": (
        re.compile(r"\b4\s*<<\s*(20|30)\b|\b4\s*\*\s*1024\s*\*\*?\s*3\b"),
        frozenset({"aztec/stdlib/config/world_state.py"}),
    ),
}
"""Each default, how it would be written out, and the one module allowed to write it."""

ELSEWHERE: frozenset[tuple[str, str]] = frozenset(
    {
        ("the JSON-RPC port 8080", "aztec/foundation/json_rpc/client.py"),
    }
)
"""Known copies: the JSON-RPC client's docstring shows a usage example."""


def _copies() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for what, (pattern, home) in LITERALS.items():
                if relative not in home and pattern.search(line):
                    found.setdefault((what, relative), []).append(f"src/{relative}:{number}: {line.strip()}")
    return found


def test_no_setting_default_is_written_outside_its_definition() -> None:
    copies = _copies()
    unexpected = [hit for key, hits in copies.items() if key not in ELSEWHERE for hit in hits]
    assert not unexpected, "a default written out again; reference its definition instead:\n" + "\n".join(unexpected)
    stale = sorted(ELSEWHERE - set(copies))
    assert not stale, f"ELSEWHERE lists copies that are gone, remove them: {stale}"


REMOVED_COPIES: dict[str, tuple[str, ...]] = {
    "the JSON-RPC port 8080": ("    rpc_port: int = 8080", 'DEFAULT_SCRAPE_URL = "http://127.0.0.1:8080/"'),
    "the Prometheus port 9464": ("DEFAULT_PROMETHEUS_PORT: Final = 9464", '"its --metrics-port (9464) unless"'),
    "the tx pool size 10,000": ("    tx_pool_max_txs: int = 10_000", "DEFAULT_MAX_PENDING_TXS: Final = 10_000"),
    "256 connections": ("    max_connections: int = 256", "RPC_MAX_CONNECTIONS = 256  # connections"),
    "the 4 GiB world-state map": ("    world_state_map_size: int = 4 << 30", "DEFAULT_MAP_SIZE: Final = 4 << 30"),
}
"""Copies that were written before the definitions were shared: each pattern must still catch them."""


@pytest.mark.parametrize("what", sorted(LITERALS))
def test_each_pattern_catches_the_copies_it_was_written_for(what: str) -> None:
    pattern, _ = LITERALS[what]
    for line in REMOVED_COPIES[what]:
        assert pattern.search(line), f"{what}: {pattern.pattern!r} misses {line!r}"


CONFIG_DEFAULTS: list[tuple[type[Any], str, Setting[Any], int]] = [
    (SequencerConfig, "slot_duration_s", SLOT_DURATION, 1),
    (SequencerConfig, "min_txs_per_block", MIN_TXS, 1),
    (SequencerConfig, "max_txs_per_block", MAX_TXS, 1),
    (SequencerConfig, "max_block_wait_s", MAX_BLOCK_WAIT, 1),
    (SequencerConfig, "publish_timeout_s", PUBLISH_TIMEOUT, 1),
    (RpcConfig, "max_connections", RPC_MAX_CONNECTIONS, 1),
    (RpcConfig, "header_timeout_s", RPC_HEADER_TIMEOUT, 1),
    (RpcConfig, "body_timeout_s", RPC_BODY_TIMEOUT, 1),
    (RpcConfig, "idle_timeout_s", RPC_IDLE_TIMEOUT, 1),
    (ConnectionLimits, "max_connections", RPC_MAX_CONNECTIONS, 1),
    (ConnectionLimits, "header_timeout_s", RPC_HEADER_TIMEOUT, 1),
    (ConnectionLimits, "body_timeout_s", RPC_BODY_TIMEOUT, 1),
    (ConnectionLimits, "idle_timeout_s", RPC_IDLE_TIMEOUT, 1),
    (NodeConfig, "rpc_host", RPC_HOST, 1),
    (NodeConfig, "rpc_port", RPC_PORT, 1),
    (NodeConfig, "tx_pool_max_txs", TX_POOL_SIZE, 1),
    (NodeConfig, "world_state_map_size", WORLD_STATE_MAP_SIZE, 1024),
    (StandaloneProverConfig, "world_state_map_size", WORLD_STATE_MAP_SIZE, 1024),
    (TxPoolConfig, "max_pending_txs", TX_POOL_SIZE, 1),
    (ProverConfig, "kind", PROVER_KIND, 1),
    (ProverConfig, "workers", PROVER_WORKERS, 1),
    (ProverConfig, "scale", PROVER_SCALE, 1),
    (BotConfig, "accounts", BOT_ACCOUNTS, 1),
    (DevL1Config, "block_time_s", L1_BLOCK_TIME, 1),
]
"""Each component config field an ``aztec start`` setting sets, its definition, and the unit factor."""


@pytest.mark.parametrize(
    ("config", "name", "setting", "factor"),
    CONFIG_DEFAULTS,
    ids=[f"{c.__name__}.{n}" for c, n, _, _ in CONFIG_DEFAULTS],
)
def test_a_component_config_default_references_its_definition(
    config: type[Any], name: str, setting: Setting[Any], factor: int
) -> None:
    (field,) = (f for f in fields(config) if f.name == name)
    assert field.default == setting.default * factor, f"{config.__name__}.{name}"
    source = Path(__import__(config.__module__, fromlist=["_"]).__file__ or "").read_text()
    (cls,) = (n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef) and n.name == config.__name__)
    (assignment,) = (
        n for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id == name
    )
    assert assignment.value is not None
    written = ast.unparse(assignment.value)
    assert not isinstance(assignment.value, ast.Constant), (
        f"{config.__name__}.{name} = {written}: a literal; reference {setting.key}'s definition ({setting.flag})"
    )
