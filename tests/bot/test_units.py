"""The bot's parts on their own: pacing, nonces, config checks, percentiles, fee plan."""

from __future__ import annotations

import pytest

from aztec.bot import BotConfig, BotError
from aztec.bot.accounts import TRANSFER_GAS, FeePlan
from aztec.bot.nonces import NonceAllocator
from aztec.bot.pacer import Pacer
from aztec.bot.stats import BotRecords
from aztec.stdlib.interfaces.aztec_node import NodeInfo


def test_pacer_keeps_the_schedule_through_jitter() -> None:
    pacer = Pacer(10.0)  # a slot every 0.1 s
    now = 100.0
    sends = []
    for _ in range(50):
        now += pacer.delay(now) + 0.03  # every wake-up 30 ms late
        sends.append(now)
        pacer.take(now)
    # the schedule starts at the first send, and lateness under one interval does not accumulate:
    # the 50th send is 30 ms after its slot, not 50 x 30 ms
    assert sends[-1] == pytest.approx(sends[0] + 49 * 0.1 + 0.03)


def test_pacer_does_not_burst_after_a_stall() -> None:
    pacer = Pacer(10.0)
    pacer.take(0.0)
    stalled_until = 5.0  # e.g. waiting for in-flight txs
    assert pacer.delay(stalled_until) == 0.0
    pacer.take(stalled_until)
    assert pacer.delay(stalled_until) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="rate must be positive"):
        Pacer(0)


def test_pacer_catches_up_after_a_hiccup_but_not_after_a_stall() -> None:
    pacer = Pacer(100.0, max_lag_s=0.1)  # a slot every 10 ms
    pacer.take(0.0)
    hiccup_end = 0.05  # 50 ms late: the 5 missed slots are used at once, the schedule holds
    due = 0
    while pacer.delay(hiccup_end) == 0.0:
        pacer.take(hiccup_end)
        due += 1
    assert due == 5
    assert pacer.delay(hiccup_end) == pytest.approx(0.01)
    stall_end = 1.0  # far behind: the schedule restarts, one send now and the next a full interval later
    assert pacer.delay(stall_end) == 0.0
    pacer.take(stall_end)
    assert pacer.delay(stall_end) == pytest.approx(0.01)


def test_pacer_never_exceeds_the_rate() -> None:
    pacer = Pacer(4.0)
    now, sends = 0.0, []
    for lateness in [0.0, 0.2, 0.0, 0.01, 0.3, 0.0, 0.0, 1.0, 0.0, 0.0]:
        now += pacer.delay(now) + lateness
        sends.append(now)
        pacer.take(now)
    for count in range(2, len(sends) + 1):
        for start in range(len(sends) - count + 1):
            window = sends[start + count - 1] - sends[start]
            assert window >= (count - 1) / 4.0 - 0.25 - 1e-9  # at most one interval absorbed


def test_nonces_are_unique_and_released_ones_reused_first() -> None:
    nonces = NonceAllocator()
    assert [nonces.take() for _ in range(4)] == [0, 1, 2, 3]
    nonces.release(2)
    nonces.release(1)
    assert nonces.issued == 2
    assert [nonces.take() for _ in range(3)] == [1, 2, 4]
    with pytest.raises(ValueError, match="not handed out"):
        nonces.release(9)
    nonces.release(4)
    with pytest.raises(ValueError, match="already released"):
        nonces.release(4)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tx_per_second": 0}, "tx_per_second must be a positive number"),
        ({"tx_per_second": float("inf")}, "tx_per_second must be a positive number"),
        ({"accounts": 0}, "accounts must be an integer >= 1"),
        ({"max_in_flight": 0}, "max_in_flight must be an integer >= 1"),
        ({"max_txs": -1}, "max_txs must be None or an integer >= 0"),
        ({"fee_headroom": 0.5}, "fee_headroom must be at least 1"),
        ({"mint_amount": 1, "transfer_amount": 2}, "must cover at least one transfer"),
    ],
)
def test_config_refuses_nonsense(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BotConfig(**changes)  # type: ignore[arg-type]


def test_percentiles() -> None:
    records = BotRecords()
    assert records.percentiles() == (None, None)
    records.latencies.append(0.5)
    assert records.percentiles() == (0.5, 0.5)
    records.latencies.extend(float(i) for i in range(1, 101))
    p50, p99 = records.percentiles()
    assert p50 is not None and 49 <= p50 <= 51
    assert p99 is not None and 98 <= p99 <= 100


def info(base_fee: int, block_gas_limit: int = 10_000_000) -> NodeInfo:
    return NodeInfo("v", "sequencer", 1, "0x0", base_fee, block_gas_limit, 32_768, {})


def test_fee_plan() -> None:
    assert FeePlan.from_node_info(info(7), BotConfig(fee_headroom=1.5)) == FeePlan(11, 100_000)
    assert FeePlan.from_node_info(info(0), BotConfig()) == FeePlan(0, 100_000)
    assert FeePlan.from_node_info(info(1, 50_000), BotConfig()).gas_limit == 50_000
    with pytest.raises(BotError, match=f"below a transfer's {TRANSFER_GAS} gas"):
        FeePlan.from_node_info(info(1, 20_000), BotConfig())
