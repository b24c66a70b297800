"""``aztec start``'s JSON-RPC settings (their bad values are in tests/sandbox/test_cli_start.py's table)."""

from __future__ import annotations

from aztec.node.config import RpcConfig, split_list


def test_lists_are_comma_separated() -> None:
    assert split_list(" a.example, ,b.example ") == ("a.example", "b.example")
    assert split_list("") == ()
    assert RpcConfig().limits.max_connections == 256
