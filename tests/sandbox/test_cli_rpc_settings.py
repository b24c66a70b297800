"""``aztec start``'s JSON-RPC settings: a bad value is refused naming its flag and variable, nothing started."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from aztec.cli.main import app
from aztec.node.config import RpcConfig, split_list


def _start(tmp_path: Path, env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["start", "--node", "--no-metrics", "--data-dir", str(tmp_path)], env=env)
    return result.exit_code, " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("AZTEC_RPC_MAX_CONNECTIONS", "0", "AZTEC_RPC_MAX_CONNECTIONS / --rpc-max-connections=0"),
        ("AZTEC_RPC_MAX_CONNECTIONS", "-5", "AZTEC_RPC_MAX_CONNECTIONS / --rpc-max-connections=-5"),
        ("AZTEC_RPC_MAX_CONNECTIONS", "many", "(env var: 'AZTEC_RPC_MAX_CONNECTIONS')"),
        ("AZTEC_RPC_MAX_CONNECTIONS", "99999999999999999999999", "--rpc-max-connections=99999999999999999999999"),
        ("AZTEC_RPC_HEADER_TIMEOUT", "nan", "AZTEC_RPC_HEADER_TIMEOUT / --rpc-header-timeout=nan"),
        ("AZTEC_RPC_HEADER_TIMEOUT", "0", "AZTEC_RPC_HEADER_TIMEOUT / --rpc-header-timeout=0.0"),
        ("AZTEC_RPC_BODY_TIMEOUT", "inf", "AZTEC_RPC_BODY_TIMEOUT / --rpc-body-timeout=inf"),
        ("AZTEC_RPC_BODY_TIMEOUT", "-1", "AZTEC_RPC_BODY_TIMEOUT / --rpc-body-timeout=-1.0"),
        ("AZTEC_RPC_IDLE_TIMEOUT", "1e300", "AZTEC_RPC_IDLE_TIMEOUT / --rpc-idle-timeout=1e+300"),
        ("AZTEC_RPC_IDLE_TIMEOUT", "soon", "(env var: 'AZTEC_RPC_IDLE_TIMEOUT')"),
    ],
)
def test_a_bad_rpc_setting_names_its_flag_and_variable(
    tmp_path: Path, variable: str, value: str, complaint: str
) -> None:
    code, text = _start(tmp_path, {variable: value})
    assert code == 2
    assert complaint in text, text
    assert "Traceback" not in text
    assert not any(tmp_path.iterdir()), "nothing was started"


def test_lists_are_comma_separated() -> None:
    assert split_list(" a.example, ,b.example ") == ("a.example", "b.example")
    assert split_list("") == ()
    assert RpcConfig().limits.max_connections == 256
