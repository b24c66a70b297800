"""``L1Publisher``: sends block proposals and proofs to the rollup contract and waits for their inclusion.

It works against any :class:`~aztec.l1.client.L1Client`. A transaction that fails (refused at submission,
reverted in its block, or not included before the deadline) is reported in the :class:`PublishResult`,
not raised. After a timeout the transaction may still land later: check ``tx_hash`` before resending.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from aztec.foundation.timer import Timer
from aztec.l1.client import L1Client, wait_for_receipt
from aztec.l1.errors import L1Error
from aztec.l1.publisher_instrumentation import L1Observation, L1PublisherInstrumentation, L1TxOutcome, L1TxType
from aztec.l1.rollup import encode_propose, encode_submit_proof
from aztec.l1.types import L1TxRequest, TxReceipt, normalize_address
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.proofs.proof import Proof
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs
from aztec.telemetry.api import TelemetryClient


@dataclass(frozen=True, slots=True)
class PublishResult:
    tx_type: L1TxType
    outcome: L1TxOutcome
    """success; failure (included, reverted: see ``error``); rejected (refused at submission); timeout (not
    seen included before the deadline, or the L1 stopped answering: it may still land)."""
    tx_hash: str | None
    """None when the L1 refused the transaction at submission."""
    receipt: TxReceipt | None
    """The receipt once included (successful or failed)."""
    calldata_size: int
    duration_s: float
    """From sending to inclusion (or to the failure)."""
    error: str | None = None
    """The revert reason, the refusal or the timeout, when not successful."""

    @property
    def success(self) -> bool:
        return self.outcome == "success"

    @property
    def l1_block_number(self) -> int | None:
        return None if self.receipt is None else self.receipt.block_number


class L1Publisher:
    """Sends from ``sender`` (an L1 account the client can send from; the development chain funds
    ``DEV_PUBLISHER_ADDRESS``). ``sender_role`` labels the balance metric. Each transaction is awaited by
    polling for its receipt every ``poll_interval_s`` for at most ``timeout_s``."""

    def __init__(
        self,
        l1: L1Client,
        sender: str,
        telemetry: TelemetryClient,
        *,
        sender_role: str = "publisher",
        timeout_s: float = 60.0,
        poll_interval_s: float = 0.1,
    ) -> None:
        if timeout_s <= 0 or poll_interval_s <= 0:
            raise ValueError(f"timeout_s and poll_interval_s must be > 0, got {timeout_s} and {poll_interval_s}")
        self.l1 = l1
        self.sender = normalize_address(sender)
        self.timeout_s = timeout_s
        self.poll_interval_s = poll_interval_s
        self._observation: L1Observation | None = None
        self._instrumentation = L1PublisherInstrumentation(telemetry, sender_role, lambda: self._observation)

    @property
    def last_observation(self) -> L1Observation | None:
        """The L1 state as last read (by :meth:`refresh`, which every transaction ends with)."""
        return self._observation

    async def publish_block(self, block: L2Block) -> PublishResult:
        """Propose ``block`` to the rollup contract (calldata: the block's canonical encoding)."""
        return await self._send("propose", encode_propose(block), l2_tx_count=len(block.body))

    async def submit_proof(self, block_number: int, outputs: RootRollupPublicInputs, proof: Proof) -> PublishResult:
        """Submit the proof of proposed block ``block_number``: the root rollup's public outputs and proof, as
        :class:`~aztec.prover.orchestrator.ProvenBlock` holds them (``proven.outputs``, ``proven.proof``)."""
        return await self._send("submit_proof", encode_submit_proof(block_number, outputs, proof.data))

    async def refresh(self) -> L1Observation:
        """Read the L1 block number, base fee and the sender's balance (what the observables report)."""
        block_number, base_fee, balance = await asyncio.gather(
            self.l1.get_block_number(), self.l1.get_base_fee(), self.l1.get_balance(self.sender)
        )
        self._observation = L1Observation(block_number, base_fee, balance)
        return self._observation

    def close(self) -> None:
        """Stop reporting the observables."""
        self._instrumentation.close()

    async def _send(self, tx_type: L1TxType, data: bytes, *, l2_tx_count: int | None = None) -> PublishResult:
        timer = Timer()
        tx_hash: str | None = None
        receipt: TxReceipt | None = None
        error: str | None = None
        try:
            tx_hash = await self.l1.send_transaction(L1TxRequest(self.sender, self.l1.rollup_address, data))
            receipt = await wait_for_receipt(
                self.l1, tx_hash, timeout_s=self.timeout_s, poll_interval_s=self.poll_interval_s
            )
        except L1Error as failure:
            error = str(failure)
        outcome: L1TxOutcome
        if receipt is not None:
            self._instrumentation.record_included(
                tx_type,
                duration_s=timer.s(),
                gas_used=receipt.gas_used,
                gas_price=receipt.effective_gas_price,
                calldata_size=len(data),
                l2_tx_count=l2_tx_count,
            )
            outcome, error = ("success", None) if receipt.succeeded else ("failure", receipt.revert_reason)
        else:
            outcome = "rejected" if tx_hash is None else "timeout"
        self._instrumentation.record_outcome(tx_type, outcome)
        result = PublishResult(tx_type, outcome, tx_hash, receipt, len(data), timer.s(), error)
        await self._refresh_quietly()
        return result

    async def _refresh_quietly(self) -> None:
        """Refresh the observables; an unreachable L1 keeps the last values (the result says what failed)."""
        with contextlib.suppress(L1Error):
            await self.refresh()
