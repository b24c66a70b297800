"""``aztec start`` refuses what it cannot run, with a message and exit status 2, before starting anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aztec.cli.main import app


def _start(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["start", *args], env=env)
    text = " ".join(result.output.replace("│", " ").split())  # one line, without the error box
    return result.exit_code, text


def test_no_role_is_refused() -> None:
    code, text = _start()
    assert code == 2
    assert "Say what to start: --sandbox, or roles among --l1 --sequencer --prover --node --bot" in text


def test_a_prover_without_a_sequencer_is_refused() -> None:
    code, text = _start("--prover")
    assert code == 2
    assert "--prover proves the blocks of this process's sequencer: add --sequencer" in text


def test_an_unknown_prover_kind_is_refused() -> None:
    code, text = _start("--sequencer", "--prover", "--prover-kind", "gpu")
    assert code == 2
    assert "AZTEC_PROVER / --prover-kind='gpu': expected native or test" in text


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("AZTEC_RPC_PORT", "abc", "valid integer"),
        ("AZTEC_RPC_PORT", "70000", "less than or equal to 65535"),
        ("AZTEC_SLOT_DURATION", "-1", "greater than or equal to 0.01"),
        ("AZTEC_MIN_TXS_PER_BLOCK", "0", "greater than or equal to 1"),
        ("AZTEC_L1_BLOCK_TIME", "soon", "valid number"),
    ],
)
def test_a_bad_environment_value_names_its_variable(tmp_path: Path, variable: str, value: str, complaint: str) -> None:
    code, text = _start("--node", "--no-metrics", "--data-dir", str(tmp_path), env={variable: value})
    assert code == 2
    assert f"(env var: '{variable}')" in text
    assert complaint in text
    assert not any(tmp_path.iterdir()), "nothing was started"


def test_min_txs_above_max_txs_is_refused_naming_both(tmp_path: Path) -> None:
    code, text = _start("--node", "--no-metrics", "--data-dir", str(tmp_path), "--min-txs", "5", "--max-txs", "2")
    assert code == 2
    assert "invalid settings: need 1 <= min txs per block (5) <= max (2)" in text
