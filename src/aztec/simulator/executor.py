"""The public executor: runs a phase's public calls against the journal, metering gas."""

from __future__ import annotations

from dataclasses import dataclass

from aztec.foundation.fields import Fr
from aztec.foundation.timer import Timer
from aztec.simulator.contracts.context import CallContext, ContractRevertError
from aztec.simulator.contracts.registry import ContractRegistry
from aztec.simulator.gas_meter import GasMeter, OutOfGasError
from aztec.simulator.instrumentation import PublicExecutorInstrumentation
from aztec.simulator.journal import PublicStateJournal
from aztec.stdlib.gas.costs import CALL_GAS, DEFAULT_BLOCK_GAS_LIMIT
from aztec.stdlib.interfaces.world_state import WorldStateView
from aztec.stdlib.tx.processed_tx import PhaseResult
from aztec.stdlib.tx.tx import Phase, PublicCall
from aztec.telemetry.api import TelemetryClient


@dataclass(frozen=True, slots=True)
class CallResult:
    """Outcome of :meth:`PublicExecutor.simulate`: nothing it wrote is kept."""

    returns: tuple[Fr, ...]
    gas_used: int
    reverted: bool
    revert_reason: str | None


class PublicExecutor:
    """Dispatches public calls to the contracts of a :class:`ContractRegistry`."""

    def __init__(self, contracts: ContractRegistry, telemetry: TelemetryClient) -> None:
        self._contracts = contracts
        self._instrumentation = PublicExecutorInstrumentation(telemetry)

    def execute(self, call: PublicCall, *, sender: Fr, journal: PublicStateJournal, gas: GasMeter) -> tuple[Fr, ...]:
        """Run one call; raises :class:`ContractRevertError` or :class:`OutOfGasError` when it reverts."""
        timer = Timer()
        reverted = True
        try:
            contract = self._contracts.get(call.contract)
            if contract is None:
                raise ContractRevertError(f"no contract at address {call.contract:#x}")
            gas.consume(CALL_GAS, f"call to {contract.contract_name}.{call.function}")
            returns = contract.invoke(CallContext(call.contract, sender, journal, gas), call.function, call.args)
            reverted = False
            return returns
        finally:
            self._instrumentation.record_call(reverted, timer.s())

    def run_phase(
        self, phase: Phase, calls: tuple[PublicCall, ...], *, sender: Fr, journal: PublicStateJournal, gas: GasMeter
    ) -> PhaseResult:
        """Run ``calls`` in order; the first revert stops the phase and discards its writes."""
        journal.begin_phase(phase)
        gas_before = gas.used
        executed = 0
        revert_reason: str | None = None
        for public_call in calls:
            executed += 1
            try:
                self.execute(public_call, sender=sender, journal=journal, gas=gas)
            except (ContractRevertError, OutOfGasError) as error:
                revert_reason = f"{phase} call {executed - 1} ({public_call.function}): {error}"
                journal.discard(phase)
                break
        return PhaseResult(
            phase=phase.value,
            calls=executed,
            gas_used=gas.used - gas_before,
            reverted=revert_reason is not None,
            public_reads=journal.reads(phase),
            public_writes=journal.writes(phase),
            revert_reason=revert_reason,
        )

    def simulate(
        self, state: WorldStateView, call: PublicCall, *, sender: Fr = 0, gas_limit: int = DEFAULT_BLOCK_GAS_LIMIT
    ) -> CallResult:
        """Run one call against ``state`` without keeping its writes (e.g. to read a balance)."""
        journal = PublicStateJournal(state)
        journal.begin_phase(Phase.APP_LOGIC)
        gas = GasMeter(gas_limit)
        try:
            returns = self.execute(call, sender=sender, journal=journal, gas=gas)
        except (ContractRevertError, OutOfGasError) as error:
            return CallResult((), gas.used, True, str(error))
        return CallResult(returns, gas.used, False, None)
