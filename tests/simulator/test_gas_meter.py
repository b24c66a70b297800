"""The gas meter, and the rejection reasons matching the telemetry attribute's values."""

from __future__ import annotations

import pytest

from aztec.simulator.gas_meter import GasMeter, OutOfGasError
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.telemetry.attributes import TX_VALIDATION_REASON


def test_meter_counts_until_the_limit() -> None:
    meter = GasMeter(100)
    meter.consume(60, "a")
    meter.consume(40, "b")
    assert (meter.used, meter.remaining) == (100, 0)


def test_running_out_names_the_charge_and_consumes_everything() -> None:
    meter = GasMeter(100)
    meter.consume(30, "a")
    with pytest.raises(OutOfGasError, match="write of balances needs 80 gas, total 110 exceeds limit 100"):
        meter.consume(80, "write of balances")
    assert meter.used == 100
    with pytest.raises(OutOfGasError):
        meter.consume(1, "anything")


def test_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="gas limit must be >= 0"):
        GasMeter(-1)


def test_rejection_reasons_are_values_of_the_metric_attribute() -> None:
    assert TX_VALIDATION_REASON.values is not None
    assert {reason.value for reason in TxRejectionReason} <= set(TX_VALIDATION_REASON.values)
