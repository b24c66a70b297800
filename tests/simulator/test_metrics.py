"""Metrics of the processor, executor and validator, recorded with the right attributes (and no-op safe)."""

from __future__ import annotations

from aztec.p2p.tx_validator import TxValidator
from aztec.simulator.contracts import COUNTER_ADDRESS
from aztec.simulator.processor import ProcessResult
from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.tx import Tx, call
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.public_processor import (
    PUBLIC_EXECUTOR_SIMULATION_COUNT,
    PUBLIC_EXECUTOR_SIMULATION_DURATION,
    PUBLIC_PROCESSOR_GAS_RATE,
    PUBLIC_PROCESSOR_PHASE_DURATION,
    PUBLIC_PROCESSOR_TOTAL_GAS,
    PUBLIC_PROCESSOR_TX_COUNT,
    PUBLIC_PROCESSOR_TX_DURATION,
    TX_VALIDATION_DURATION,
    TX_VALIDATION_REJECTIONS,
)
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state import WorldState
from tests.simulator.helpers import ALICE, processor, wallet

INCREMENT = call(COUNTER_ADDRESS, "increment")


def scenario() -> list[Tx]:
    """One success (setup + app logic), one app-logic revert (with teardown), one setup failure."""
    alice = wallet(ALICE)
    return [
        alice.create_tx(setup=[INCREMENT], app_logic=[INCREMENT, INCREMENT]),
        alice.create_tx(app_logic=[call(COUNTER_ADDRESS, "assert_count", 0)], teardown=[INCREMENT]),
        alice.create_tx(setup=[call(COUNTER_ADDRESS, "assert_count", 0)]),
    ]


def process_scenario(fork: WorldStateFork, telemetry: TelemetryClient) -> ProcessResult:
    result = processor(fork, telemetry).process(scenario())
    assert [p.effect.reverted for p in result.processed] == [False, True]
    assert [f.reason for f in result.failed] == [TxRejectionReason.SETUP_FAILED]
    return result


def test_processor_metrics(fork: WorldStateFork, telemetry: InMemoryTelemetryClient) -> None:
    result = process_scenario(fork, telemetry)

    assert telemetry.histogram(PUBLIC_PROCESSOR_TX_DURATION).count == 3
    for outcome in ("success", "reverted", "failed"):
        assert telemetry.counter_value(PUBLIC_PROCESSOR_TX_COUNT, {a.OUTCOME: outcome}) == 1
    phase_counts = {
        phase: telemetry.histogram(PUBLIC_PROCESSOR_PHASE_DURATION, {a.TX_PHASE_NAME: phase}).count
        for phase in ("setup", "app_logic", "teardown")
    }
    assert phase_counts == {"setup": 2, "app_logic": 2, "teardown": 1}, "only phases with calls are timed"
    total_gas = telemetry.histogram(PUBLIC_PROCESSOR_TOTAL_GAS)
    assert (total_gas.count, total_gas.sum) == (1, result.total_gas)
    gas_rate = telemetry.histogram(PUBLIC_PROCESSOR_GAS_RATE)
    assert gas_rate.count == 1 and gas_rate.sum > 0


def test_executor_metrics(fork: WorldStateFork, telemetry: InMemoryTelemetryClient) -> None:
    process_scenario(fork, telemetry)
    assert telemetry.counter_value(PUBLIC_EXECUTOR_SIMULATION_COUNT, {a.OUTCOME: "success"}) == 4
    assert telemetry.counter_value(PUBLIC_EXECUTOR_SIMULATION_COUNT, {a.OUTCOME: "reverted"}) == 2
    assert telemetry.histogram(PUBLIC_EXECUTOR_SIMULATION_DURATION).count == 6


def test_validator_metrics(world_state: WorldState, telemetry: InMemoryTelemetryClient) -> None:
    validator = TxValidator(world_state.committed, telemetry, max_gas_limit=100_000)
    good = wallet().create_tx(gas_limit=50_000)
    validator.validate(good, base_fee_per_gas=1)
    validator.validate_bytes(b"junk", base_fee_per_gas=1)
    validator.validate_bytes(good.to_bytes(), base_fee_per_gas=100)
    validator.validate(wallet().create_tx(gas_limit=100_001), base_fee_per_gas=1)
    validator.validate(good.with_signature(bytes(64)), base_fee_per_gas=1)

    assert telemetry.histogram(TX_VALIDATION_DURATION).count == 5
    rejections = {
        reason.value: telemetry.counter_value(TX_VALIDATION_REJECTIONS, {a.TX_VALIDATION_REASON: reason.value})
        for reason in TxRejectionReason
    }
    assert rejections == {
        "malformed": 1,
        "bad_signature": 1,
        "fee_too_low": 1,
        "gas_limit_too_high": 1,
        "double_spend": 0,
        "too_large": 0,
        "setup_failed": 0,
    }


def test_everything_runs_on_the_noop_client(world_state: WorldState) -> None:
    telemetry = NoopTelemetryClient()
    fork = world_state.fork()
    result = process_scenario(fork, telemetry)
    assert result.total_gas > 0
    validator = TxValidator(world_state.committed, telemetry)
    assert validator.validate_bytes(b"junk", base_fee_per_gas=1).reason is TxRejectionReason.MALFORMED
    fork.rollback()
