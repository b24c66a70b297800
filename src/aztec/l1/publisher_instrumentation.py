"""Metrics of the L1 publisher: per transaction, and the L1 state it last saw (as observables)."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from aztec.telemetry import attributes as a
from aztec.telemetry.api import BatchObservableResult, BoundCounter, BoundHistogram, Histogram, TelemetryClient
from aztec.telemetry.metrics.l1 import (
    L1_BASE_FEE,
    L1_BLOCK_HEIGHT,
    L1_PUBLISHER_BALANCE,
    L1_PUBLISHER_GAS_PRICE,
    L1_PUBLISHER_TX_CALLDATA_SIZE,
    L1_PUBLISHER_TX_COUNT,
    L1_PUBLISHER_TX_DURATION,
    L1_PUBLISHER_TX_GAS,
)
from aztec.telemetry.size_class import block_size_class

L1TxType = Literal["propose", "submit_proof"]
L1TxOutcome = Literal["success", "failure", "rejected", "timeout"]
"""``failure``: included but reverted; ``rejected``: refused at submission; ``timeout``: not included in time."""

TX_TYPES: tuple[L1TxType, ...] = ("propose", "submit_proof")
TX_OUTCOMES: tuple[L1TxOutcome, ...] = ("success", "failure", "rejected", "timeout")


@dataclass(frozen=True, slots=True)
class L1Observation:
    """What the publisher last read from the L1."""

    block_number: int
    base_fee: int
    balance: int
    """Of the publisher's sender account, in wei."""


class _TxInstruments:
    """The bound instruments of one transaction type."""

    def __init__(
        self,
        duration: BoundHistogram,
        gas: BoundHistogram,
        calldata_size: BoundHistogram,
        gas_price: BoundHistogram,
        outcomes: dict[L1TxOutcome, BoundCounter],
    ) -> None:
        self.duration = duration
        self.gas = gas
        self.calldata_size = calldata_size
        self.gas_price = gas_price
        self.outcomes = outcomes


class _L1Observables:
    """The observables of every publisher on one telemetry client: each role's balance, and the L1 block
    height and base fee once (from the freshest observation), so two publishers (a sequencer's and a
    prover's) sharing a client neither clash nor report the chain twice."""

    def __init__(self, telemetry: TelemetryClient) -> None:
        self._meter = telemetry.get_meter("L1Publisher")
        self._balance = self._meter.create_observable_gauge(L1_PUBLISHER_BALANCE)
        self._height = self._meter.create_observable_gauge(L1_BLOCK_HEIGHT)
        self._base_fee = self._meter.create_observable_gauge(L1_BASE_FEE)
        self._lock = threading.Lock()
        self._sources: dict[object, tuple[str, Callable[[], L1Observation | None]]] = {}
        self._meter.add_batch_observable_callback(self._observe, (self._balance, self._height, self._base_fee))

    def add(self, token: object, role: str, observation: Callable[[], L1Observation | None]) -> None:
        with self._lock:
            self._sources[token] = (role, observation)

    def remove(self, token: object) -> None:
        with self._lock:
            self._sources.pop(token, None)

    def _observe(self, result: BatchObservableResult) -> None:
        with self._lock:
            sources = list(self._sources.values())
        by_role: dict[str, L1Observation] = {}
        for role, source in sources:
            observation = source()
            if observation is not None and (
                role not in by_role or observation.block_number >= by_role[role].block_number
            ):
                by_role[role] = observation
        for role, observation in by_role.items():
            # A float: OTLP integer points are int64 and a balance in wei (1e21 at genesis) does not fit, which
            # made the whole OTLP metric export of the node fail to encode.
            result.observe(self._balance, float(observation.balance), {a.L1_SENDER: role})
        if by_role:
            latest = max(by_role.values(), key=lambda observation: observation.block_number)
            result.observe(self._height, latest.block_number)
            result.observe(self._base_fee, latest.base_fee)


_OBSERVABLES: weakref.WeakKeyDictionary[TelemetryClient, _L1Observables] = weakref.WeakKeyDictionary()
_OBSERVABLES_LOCK = threading.Lock()


def _observables_of(telemetry: TelemetryClient) -> _L1Observables:
    with _OBSERVABLES_LOCK:
        observables = _OBSERVABLES.get(telemetry)
        if observables is None:
            observables = _OBSERVABLES[telemetry] = _L1Observables(telemetry)
        return observables


class L1PublisherInstrumentation:
    """Meter ``L1Publisher``: duration, gas, calldata size and gas price of included transactions and the
    count of every transaction by type and outcome; the sender's balance (by ``sender_role``), the L1 block
    height and base fee as observables fed by ``observation`` (None: nothing read yet). The observables are
    shared by every publisher on the same telemetry client (see :class:`_L1Observables`)."""

    def __init__(
        self, telemetry: TelemetryClient, sender_role: str, observation: Callable[[], L1Observation | None]
    ) -> None:
        meter = telemetry.get_meter("L1Publisher")
        duration = meter.create_histogram(L1_PUBLISHER_TX_DURATION)
        gas = meter.create_histogram(L1_PUBLISHER_TX_GAS)
        calldata = meter.create_histogram(L1_PUBLISHER_TX_CALLDATA_SIZE)
        gas_price = meter.create_histogram(L1_PUBLISHER_GAS_PRICE)
        count = meter.create_counter(L1_PUBLISHER_TX_COUNT)
        self._gas: Histogram = gas
        self._calldata: Histogram = calldata
        self._tx: dict[L1TxType, _TxInstruments] = {}
        for tx_type in TX_TYPES:
            attributes = {a.L1_TX_TYPE: tx_type}
            self._tx[tx_type] = _TxInstruments(
                duration.bind(attributes),
                gas.bind(attributes),
                calldata.bind(attributes),
                gas_price.bind(attributes),
                {outcome: count.bind({**attributes, a.OUTCOME: outcome}) for outcome in TX_OUTCOMES},
            )
        self._observables = _observables_of(telemetry)
        self._token = object()
        self._observables.add(self._token, sender_role, observation)

    def record_included(
        self,
        tx_type: L1TxType,
        *,
        duration_s: float,
        gas_used: int,
        gas_price: int,
        calldata_size: int,
        l2_tx_count: int | None = None,
    ) -> None:
        """A transaction that made it into a block (successful or reverted: it paid for its gas either way).

        ``l2_tx_count`` (proposals): the L2 block's transactions; gas and calldata then also carry its size class.
        """
        instruments = self._tx[tx_type]
        instruments.duration.record(duration_s)
        instruments.gas_price.record(gas_price)
        if l2_tx_count is None:
            instruments.gas.record(gas_used)
            instruments.calldata_size.record(calldata_size)
            return
        attributes = {a.L1_TX_TYPE: tx_type, a.BLOCK_SIZE_CLASS: block_size_class(l2_tx_count)}
        self._gas.record(gas_used, attributes)
        self._calldata.record(calldata_size, attributes)

    def record_outcome(self, tx_type: L1TxType, outcome: L1TxOutcome) -> None:
        self._tx[tx_type].outcomes[outcome].add()

    def close(self) -> None:
        """Stop observing this publisher (the others on the client go on)."""
        self._observables.remove(self._token)
