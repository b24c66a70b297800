"""The public processor: executes transactions on a world-state fork and inserts their effects.

Per transaction: check the fee against the base fee, charge intrinsic gas, run setup, app logic and
teardown through a journal, then insert the effects in the canonical order that world state's block
application repeats (so the roots match):

1. all nullifiers, the tx's own first, in one all-or-nothing ``insert_nullifiers`` (a duplicate makes
   the tx fail as ``double_spend`` and leaves the fork untouched);
2. the note hashes, with ``append_leaves(NOTE_HASH, ...)``;
3. the kept public data writes, in order, with ``write_public``.

A setup revert fails the tx (nothing inserted). An app-logic revert discards app-logic writes; a teardown
revert discards app-logic and teardown writes; both still include the tx with ``reverted=True``, its
private effects and setup writes kept, and its fee charged. Fees are recorded, not transferred.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from aztec.foundation.timer import Timer
from aztec.simulator.contracts.registry import ContractRegistry
from aztec.simulator.executor import PublicExecutor
from aztec.simulator.gas_meter import GasMeter
from aztec.simulator.instrumentation import PublicProcessorInstrumentation
from aztec.simulator.journal import PublicStateJournal
from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.stdlib.trees import DuplicateNullifierError, TreeId
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.outcomes import TxOutcome, TxRejectionReason
from aztec.stdlib.tx.processed_tx import PhaseResult, ProcessedTx, TxEffect, TxInsertionWitnesses
from aztec.stdlib.tx.tx import Phase, Tx
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient


@dataclass(frozen=True, slots=True)
class FailedTx:
    """A transaction that cannot be included; the fork holds nothing of it."""

    tx: Tx
    reason: TxRejectionReason
    detail: str


@dataclass(frozen=True, slots=True)
class ProcessResult:
    processed: list[ProcessedTx]
    failed: list[FailedTx]
    total_gas: int
    """Gas used by the processed transactions."""
    skipped: list[Tx] = field(default_factory=list)
    """Transactions not attempted because a run limit was reached (still valid: keep them for later)."""


class PublicProcessor:
    """Processes transactions into ``fork`` under one block's global variables."""

    def __init__(
        self,
        fork: WorldStateFork,
        global_variables: GlobalVariables,
        telemetry: TelemetryClient,
        *,
        contracts: ContractRegistry | None = None,
        max_gas: int | None = None,
        max_txs: int | None = None,
    ) -> None:
        """``max_gas`` caps the gas one run uses (a tx is attempted only if its whole gas limit still fits), ``max_txs``
        the number of transactions it includes."""
        self._fork = fork
        self.global_variables = global_variables
        registry = ContractRegistry.with_defaults() if contracts is None else contracts
        self._executor = PublicExecutor(registry, telemetry)
        self._instrumentation = PublicProcessorInstrumentation(telemetry)
        self._tracer = telemetry.get_tracer("PublicProcessor")
        self._max_gas = max_gas
        self._max_txs = max_txs

    def process(self, txs: Iterable[Tx]) -> ProcessResult:
        """Process ``txs`` in order; a tx that does not fit the remaining gas budget is skipped, not failed."""
        timer = Timer()
        processed: list[ProcessedTx] = []
        failed: list[FailedTx] = []
        skipped: list[Tx] = []
        total_gas = 0
        with self._tracer.start_span(
            "PublicProcessor.process", {a.BLOCK_NUMBER: self.global_variables.block_number}
        ) as span:
            for tx in txs:
                if self._max_txs is not None and len(processed) >= self._max_txs:
                    skipped.append(tx)
                    continue
                if self._max_gas is not None and total_gas + tx.gas.gas_limit > self._max_gas:
                    skipped.append(tx)
                    continue
                result = self.process_tx(tx)
                if isinstance(result, FailedTx):
                    failed.append(result)
                    continue
                processed.append(result)
                total_gas += result.effect.gas_used
            span.set_attribute(a.BLOCK_TX_COUNT, len(processed))
        if processed:
            self._instrumentation.record_run(total_gas, timer.s())
        return ProcessResult(processed, failed, total_gas, skipped)

    def process_tx(self, tx: Tx) -> ProcessedTx | FailedTx:
        """Execute one transaction and insert its effects into the fork (or nothing, if it fails)."""
        timer = Timer()
        with self._tracer.span("PublicProcessor.process_tx", {a.TX_HASH: f"{tx.tx_hash:#x}"}) as span:
            result = self._process(tx)
            if isinstance(result, FailedTx):
                outcome = TxOutcome.FAILED
                span.set_attribute(a.REASON, str(result.reason))
            else:
                outcome = TxOutcome.REVERTED if result.effect.reverted else TxOutcome.SUCCESS
            span.set_attribute(a.OUTCOME, str(outcome))
        self._instrumentation.record_tx(outcome, timer.s())
        return result

    def _process(self, tx: Tx) -> ProcessedTx | FailedTx:
        base_fee = self.global_variables.base_fee_per_gas
        if tx.gas.max_fee_per_gas < base_fee:
            detail = f"max_fee_per_gas {tx.gas.max_fee_per_gas} is below the base fee {base_fee}"
            return FailedTx(tx, TxRejectionReason.FEE_TOO_LOW, detail)
        gas = GasMeter(tx.gas.gas_limit)
        gas.consume(tx.intrinsic_gas, "intrinsic gas")  # a Tx's gas limit always covers it
        journal = PublicStateJournal(self._fork)

        setup = self._run_phase(Phase.SETUP, tx, journal, gas)
        if setup.reverted:
            return FailedTx(tx, TxRejectionReason.SETUP_FAILED, setup.revert_reason or "setup reverted")
        app_logic = self._run_phase(Phase.APP_LOGIC, tx, journal, gas)
        teardown = self._run_phase(Phase.TEARDOWN, tx, journal, gas)
        if teardown.reverted and not app_logic.reverted:
            journal.discard(Phase.APP_LOGIC)
            app_logic = replace(
                app_logic, reverted=True, public_writes=(), revert_reason=f"discarded by {teardown.revert_reason}"
            )
        reverted = app_logic.reverted or teardown.reverted

        start_state = self._fork.get_state_reference()
        try:
            nullifier_witnesses = self._fork.insert_nullifiers(tx.all_nullifiers)
        except DuplicateNullifierError as error:
            return FailedTx(tx, TxRejectionReason.DOUBLE_SPEND, str(error))
        note_hash_witnesses = self._fork.append_leaves(TreeId.NOTE_HASH, tx.note_hashes) if tx.note_hashes else []
        writes = journal.kept_writes()
        public_witnesses = self._fork.write_public([(w.slot, w.value) for w in writes]) if writes else []
        end_state = self._fork.get_state_reference()

        effect = TxEffect(
            tx_hash=tx.tx_hash,
            reverted=reverted,
            fee=gas.used * base_fee,
            gas_used=gas.used,
            note_hashes=tx.note_hashes,
            nullifiers=tx.all_nullifiers,
            public_data_writes=writes,
        )
        witnesses = TxInsertionWitnesses(
            start_state=start_state,
            end_state=end_state,
            note_hashes=tuple(note_hash_witnesses),
            nullifiers=tuple(nullifier_witnesses),
            public_data=tuple(public_witnesses),
        )
        return ProcessedTx(tx.to_bytes(), effect, (setup, app_logic, teardown), witnesses)

    def _run_phase(self, phase: Phase, tx: Tx, journal: PublicStateJournal, gas: GasMeter) -> PhaseResult:
        calls = tx.calls(phase)
        timer = Timer()
        if not calls:
            return self._executor.run_phase(phase, calls, sender=tx.address, journal=journal, gas=gas)
        with self._tracer.span("PublicProcessor.phase", {a.TX_PHASE_NAME: str(phase)}) as span:
            result = self._executor.run_phase(phase, calls, sender=tx.address, journal=journal, gas=gas)
            if result.reverted:
                span.set_attribute(a.OUTCOME, "reverted")
        self._instrumentation.record_phase(phase, timer.s())
        return result
