"""Fuzzing (Hypothesis, bounded): the JSON-RPC dispatcher over the node's methods, the tx decoder and the
block codec give a result or a typed error for every input, never anything else.

Each test counts the inputs it ran and checks that the count reached its budget; run with
``--hypothesis-show-statistics`` to see timings. Budgets keep the three at a few seconds together.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aztec.foundation.json_rpc.dispatcher import JsonRpcDispatcher, parse_body
from aztec.foundation.json_rpc.types import JsonNumberText
from aztec.node.json_rpc_api import NodeRpcHandlers
from aztec.simulator import TOKEN_ADDRESS
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.encoding.canonical import EncodingError
from aztec.stdlib.tx.tx import Tx, TxDecodeError, call
from aztec.world_state import WorldState
from tests.circuits.strategies import fields, headers, tx_effects
from tests.json_rpc.fake_node import FakeNode

DISPATCHER_EXAMPLES: Final = 400
CODEC_EXAMPLES: Final = 600
CLIENT_ERROR_CODES: Final = frozenset({-32700, -32600, -32601, -32602, -32000})

ALICE: Final = Account.from_seed(bytes(range(32)))
VALID_TX: Final = Wallet(ALICE).create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, 5)])

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**300), max_value=2**300)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.from_regex(r"0x[0-9a-fA-F]{0,70}", fullmatch=True)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ids = st.one_of(
    st.integers(),
    st.integers(min_value=2**63, max_value=2**300),
    st.text(max_size=20),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    json_values,
)
METHODS: Final = [
    "node_sendTx",
    "node_getTxReceipt",
    "node_getTxByHash",
    "node_getBlockNumber",
    "node_getProvenBlockNumber",
    "node_getBlock",
    "node_getPublicStorageAt",
    "node_getNodeInfo",
    "node_isReady",
    "rpc.discover",
]
field_hex = fields.map(lambda f: f"0x{f:064x}")
node_params = st.one_of(
    st.lists(json_values, max_size=3),
    st.dictionaries(st.sampled_from(["txHex", "txHash", "number", "slotHex", "x"]), json_values, max_size=2),
    st.tuples(field_hex).map(list),
    st.tuples(st.just("0x" + VALID_TX.to_bytes().hex())).map(list),
    st.tuples(st.binary(max_size=300).map(lambda b: "0x" + b.hex())).map(list),
    st.tuples(st.integers(min_value=-5, max_value=2**70)).map(list),
    st.just([]),
)
requests = st.fixed_dictionaries(
    {
        "jsonrpc": st.sampled_from(["2.0"] * 9 + ["1.0"]),
        "method": st.sampled_from(METHODS) | st.text(max_size=12),
        "params": node_params,
    },
    optional={"id": ids},
)
odd_requests = st.fixed_dictionaries(
    {}, optional={"jsonrpc": json_values, "method": json_values, "id": ids, "params": json_values}
)


def _numeric_tricks(text: str) -> str:
    """Swap some digits after the "jsonrpc" member for numbers no float or int conversion holds."""
    head, _, tail = text.partition('"method"')
    return head + '"method"' + tail.replace("1", "1e400", 1).replace("2", "9" * 5000, 1)


bodies = st.one_of(
    requests.map(lambda r: json.dumps(r).encode()),
    st.lists(requests, min_size=1, max_size=5).map(lambda r: json.dumps(r).encode()),
    requests.map(lambda r: _numeric_tricks(json.dumps(r)).encode()),
    odd_requests.map(lambda r: json.dumps(r).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.integers(min_value=1, max_value=3000).map(lambda depth: b"[" * depth + b"]" * depth),
)


@pytest.fixture
def node(world_state: WorldState) -> FakeNode:
    return FakeNode(world_state)


def _check_answer(raw: bytes, outcomes: Counter[str]) -> None:
    answer = parse_body(raw)
    entries = answer if isinstance(answer, list) else [answer]
    assert entries, "an empty batch answer"
    for entry in entries:
        assert isinstance(entry, dict) and entry["jsonrpc"] == "2.0", entry
        assert ("result" in entry) != ("error" in entry), entry
        if "error" in entry:
            code = entry["error"]["code"]
            assert code in CLIENT_ERROR_CODES, f"unexpected error {entry['error']}"
            outcomes[str(code)] += 1
        else:
            outcomes["result"] += 1


def test_fuzz_json_rpc_dispatcher(node: FakeNode) -> None:
    registry = NodeRpcHandlers(node).registry()
    dispatcher = JsonRpcDispatcher(registry, max_batch_size=100)
    loop = asyncio.new_event_loop()
    tried = 0
    outcomes: Counter[str] = Counter()

    @settings(max_examples=DISPATCHER_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=bodies)
    def run(body: bytes) -> None:
        nonlocal tried
        tried += 1
        raw = loop.run_until_complete(dispatcher.handle(body))
        if raw is None:
            outcomes["no answer (notifications)"] += 1
        else:
            _check_answer(raw, outcomes)

    try:
        run()
    finally:
        loop.close()
    print(f"\nJSON-RPC dispatcher fuzz: {tried} bodies, answers {dict(sorted(outcomes.items()))}")
    assert tried >= DISPATCHER_EXAMPLES


def _mutations(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with a byte changed, a slice cut out, bytes inserted, or truncated."""
    size = len(data)
    flip = st.tuples(st.integers(0, size - 1), st.integers(0, 255)).map(
        lambda p: data[: p[0]] + bytes([p[1]]) + data[p[0] + 1 :]
    )
    cut = st.tuples(st.integers(0, size), st.integers(0, size)).map(lambda p: data[: min(p)] + data[max(p) :])
    insert = st.tuples(st.integers(0, size), st.binary(min_size=1, max_size=16)).map(
        lambda p: data[: p[0]] + p[1] + data[p[0] :]
    )
    return flip | cut | insert | st.integers(0, size).map(lambda n: data[:n])


def test_fuzz_tx_decoder() -> None:
    tried = decoded = 0
    valid = VALID_TX.to_bytes()

    @settings(max_examples=CODEC_EXAMPLES, deadline=None)
    @given(data=st.binary(max_size=400) | _mutations(valid) | st.binary(max_size=64).map(lambda b: valid[:9] + b))
    def run(data: bytes) -> None:
        nonlocal tried
        tried += 1
        try:
            tx = Tx.from_bytes(data, max_size=4096)
        except TxDecodeError:
            return
        nonlocal decoded
        decoded += 1
        assert tx.to_bytes() == data, "a decoded tx re-encodes to other bytes"

    run()
    print(f"\ntx decoder fuzz: {tried} inputs, {decoded} decoded (each re-encoded identically), the rest TxDecodeError")
    assert tried >= CODEC_EXAMPLES


blocks = st.builds(L2Block, header=headers, archive_root=fields, body=st.lists(tx_effects, max_size=3).map(tuple))


def test_fuzz_block_codec() -> None:
    tried = decoded = 0

    @settings(max_examples=CODEC_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.binary(max_size=600) | blocks.flatmap(lambda b: _mutations(b.to_bytes())))
    def run(data: bytes) -> None:
        nonlocal tried
        tried += 1
        try:
            block = L2Block.from_bytes(data)
        except EncodingError:
            return
        nonlocal decoded
        decoded += 1
        assert block.to_bytes() == data, "a decoded block re-encodes to other bytes"
        block.to_json()

    run()
    print(
        f"\nblock codec fuzz: {tried} inputs, {decoded} decoded (each re-encoded identically), the rest EncodingError"
    )
    assert tried >= CODEC_EXAMPLES


def test_numbers_beyond_any_conversion_are_kept_as_text() -> None:
    decoded: Any = parse_body(b"[" + b"9" * 5000 + b"]")
    assert isinstance(decoded[0], JsonNumberText)
