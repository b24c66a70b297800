"""``TxPool``: validated pending transactions, bounded, ordered by fee, persisted in LMDB.

Every change (an add with the eviction it causes, a batch of removals) is one LMDB write transaction,
made before the in-memory indexes change, so a process killed at any point reopens with a consistent
pool. Methods are synchronous and short; a lock makes them safe from the event loop and worker threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType

from aztec.foundation.fields import Fr
from aztec.p2p.config import TxPoolConfig
from aztec.p2p.dropped import DroppedHistory
from aztec.p2p.instrumentation import TxPoolInstrumentation, TxPoolStats
from aztec.p2p.pending_index import PendingIndex
from aztec.p2p.reasons import EvictionReason, PoolRejectionReason, check_validation_reason
from aztec.p2p.results import AddTxResult, PoolTxLookup, PoolTxStatus
from aztec.p2p.store import PendingRecord, TxPoolStore, TxPoolStoreError, TxPoolStoreFullError
from aztec.p2p.tx_validator import TxValidationResult, TxValidator
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.interfaces.world_state import WorldStateView
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.span_context import SpanRef

log = logging.getLogger(__name__)

Clock = Callable[[], float]
"""Unix seconds; arrival times are persisted, so the mined delay spans restarts."""


class TxPool:
    """The pending transactions a sequencer takes blocks from. Open with :meth:`open`."""

    def __init__(
        self,
        store: TxPoolStore,
        state: WorldStateView,
        telemetry: TelemetryClient,
        config: TxPoolConfig,
        clock: Clock,
    ) -> None:
        self.config = config
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._closed = False
        self._validator = TxValidator(
            state, telemetry, max_tx_size=config.max_tx_size, max_gas_limit=config.max_gas_limit
        )
        self._index = PendingIndex()
        self._dropped = DroppedHistory(config.dropped_history)
        self._next_seq = 0
        self._instrumentation = TxPoolInstrumentation(telemetry, self._stats)
        self.tracer = telemetry.get_tracer("TxPool")
        self._span_refs: dict[Fr, SpanRef] = {}
        """The admission span of each pending tx (not persisted), for the block's span links."""
        try:
            self._load()
        except BaseException:
            self._instrumentation.close()
            raise

    @classmethod
    def open(
        cls,
        path: Path,
        state: WorldStateView,
        telemetry: TelemetryClient,
        config: TxPoolConfig | None = None,
        *,
        clock: Clock = time.time,
    ) -> TxPool:
        """Open (or create) the pool in the directory ``path``; ``state`` is the committed world state.

        Pending transactions of an earlier run are restored; if more are stored than
        ``max_pending_txs``, the cheapest are evicted (``low_fee``).
        """
        config = config or TxPoolConfig()
        store = TxPoolStore.open(
            Path(path),
            map_size=config.map_size,
            dropped_history=config.dropped_history,
            fsync=config.fsync,
            mined_history=config.mined_history,
        )
        try:
            return cls(store, state, telemetry, config, clock)
        except BaseException:
            store.close()
            raise

    # --- arrivals ----------------------------------------------------------------------------------

    def add_tx(self, tx: Tx, *, base_fee_per_gas: int) -> AddTxResult:
        """Validate ``tx`` and add it; a rejection is a result with a reason, never an exception."""
        return self._traced_admit(lambda: self._validator.validate(tx, base_fee_per_gas=base_fee_per_gas))

    def span_refs(self, tx_hashes: Iterable[Fr]) -> list[SpanRef]:
        """The admission spans of those pending txs that have one (sampled), to link a block to them."""
        with self._lock:
            return [ref for tx_hash in tx_hashes if (ref := self._span_refs.get(tx_hash)) is not None]

    def add_tx_bytes(self, data: bytes, *, base_fee_per_gas: int) -> AddTxResult:
        """Decode, validate and add a transaction as received from the network."""
        return self._traced_admit(lambda: self._validator.validate_bytes(data, base_fee_per_gas=base_fee_per_gas))

    def _traced_admit(self, validate: Callable[[], TxValidationResult]) -> AddTxResult:
        """One admission in a ``TxPool.add_tx`` span (a block's build span links to the sampled ones)."""
        with self.tracer.span("TxPool.add_tx") as span:
            validation = validate()
            tx = validation.tx
            if tx is not None:
                span.set_attribute(a.TX_HASH, f"{tx.tx_hash:#x}")
            result = self._admit(validation)
            if result.reason is not None:
                span.set_attributes({a.OUTCOME: "rejected", a.REASON: str(result.reason)})
            else:
                span.set_attribute(a.OUTCOME, "added")
                ref = span.ref
                if tx is not None and ref is not None and ref.sampled:
                    with self._lock:
                        if tx.tx_hash in self._index:
                            self._span_refs[tx.tx_hash] = ref
            return result

    def _admit(self, validation: TxValidationResult) -> AddTxResult:
        tx = validation.tx
        if validation.reason is not None or tx is None:
            reason = PoolRejectionReason.from_validation(validation.reason or TxRejectionReason.MALFORMED)
            return self._reject(tx, reason, validation.detail)
        with self._lock:
            self._require_open()
            if tx.tx_hash in self._index:
                return self._reject(tx, PoolRejectionReason.DUPLICATE, "the tx is already pending")
            conflict = self._index.conflict(tx)
            if conflict is not None:
                nullifier, other = conflict
                detail = f"nullifier {nullifier:#x} is already claimed by pending tx {other:#x}"
                return self._reject(tx, PoolRejectionReason.DOUBLE_SPEND, detail)
            victim = self._index.cheapest() if len(self._index) >= self.config.max_pending_txs else None
            if victim is not None and tx.gas.max_fee_per_gas <= victim.tx.gas.max_fee_per_gas:
                detail = (
                    f"the pool holds {len(self._index)} txs (its capacity) and the cheapest pays "
                    f"{victim.tx.gas.max_fee_per_gas} per gas; this tx must pay more than that"
                )
                return self._reject(tx, PoolRejectionReason.POOL_FULL, detail)
            record = PendingRecord(tx, self._clock(), self._next_seq)
            try:
                with self._store.write() as writer:
                    if victim is not None:
                        writer.delete_pending(victim.tx.tx_hash)
                        writer.add_dropped(victim.tx.tx_hash, EvictionReason.LOW_FEE.value)
                    writer.put_pending(record)
            except TxPoolStoreFullError as error:
                return self._reject(tx, PoolRejectionReason.POOL_FULL, str(error))
            self._next_seq += 1
            if victim is not None:
                self._index.remove(victim.tx.tx_hash)
                self._span_refs.pop(victim.tx.tx_hash, None)
                self._dropped.add(victim.tx.tx_hash, EvictionReason.LOW_FEE.value)
            self._index.add(record)
        self._instrumentation.record_added(tx.size)
        if victim is None:
            return AddTxResult(tx, None)
        self._instrumentation.record_evicted(EvictionReason.LOW_FEE, 1)
        return AddTxResult(tx, None, evicted=(victim.tx.tx_hash,))

    def _reject(self, tx: Tx | None, reason: PoolRejectionReason, detail: str) -> AddTxResult:
        self._instrumentation.record_rejected(reason)
        return AddTxResult(tx, reason, detail)

    # --- what the sequencer and the node read ------------------------------------------------------

    def get_pending(self, limit: int | None = None) -> list[Tx]:
        """Up to ``limit`` pending txs in the order to take them: highest max_fee_per_gas first, then arrival."""
        if limit is not None and (type(limit) is not int or limit < 0):
            raise ValueError(f"limit must be None or an int >= 0, got {limit!r}")
        with self._lock:
            return self._index.best(limit)

    def get_tx(self, tx_hash: Fr) -> Tx | None:
        """The pending transaction with that hash, or a recently mined one (``mined_history``), if any."""
        with self._lock:
            record = self._index.get(tx_hash)
            if record is not None:
                return record.tx
            self._require_open()
            return self._store.get_mined(tx_hash)

    def get_status(self, tx_hash: Fr) -> PoolTxLookup:
        """Pending, dropped (with its reason, for recently dropped hashes) or unknown."""
        with self._lock:
            if tx_hash in self._index:
                return PoolTxLookup(PoolTxStatus.PENDING)
            reason = self._dropped.reason(tx_hash)
        if reason is None:
            return PoolTxLookup(PoolTxStatus.UNKNOWN)
        return PoolTxLookup(PoolTxStatus.DROPPED, reason)

    @property
    def pending_count(self) -> int:
        return len(self._index)

    def __len__(self) -> int:
        return len(self._index)

    # --- departures ---------------------------------------------------------------------------------

    def handle_mined_block(self, block: L2Block, state: WorldStateView) -> list[Fr]:
        """The one path for a mined block's bookkeeping: its txs leave the pool as mined (:meth:`mark_mined`)
        and pending txs claiming a nullifier it inserted are evicted (:meth:`evict_spent` against ``state``,
        which has the block committed). Returns the hashes that were pending and are now mined.

        The sequencer calls it for the block it has just committed, the node for every block its archiver
        stores (a follower's only source). A second call for the same block marks nothing and evicts only
        txs that claimed the block's nullifiers in between.
        """
        mined = self.mark_mined([effect.tx_hash for effect in block.body], block.number)
        spent = [nullifier for effect in block.body for nullifier in effect.nullifiers]
        self.evict_spent(state, new_nullifiers=spent)
        return mined

    def mark_mined(self, tx_hashes: Iterable[Fr], block_number: int) -> list[Fr]:
        """Remove the txs of block ``block_number`` and record their mined delay; returns those that were pending.

        Hashes not in the pool (e.g. a block built by another node) are ignored.
        """
        with self._lock:
            records = self._remove(tx_hashes, dropped_reason=None, mined=True)
            now = self._clock()
        for record in records:
            self._instrumentation.record_mined(max(0.0, now - record.arrival_time))
        if records:
            log.debug("block %d mined %d pooled txs", block_number, len(records))
        return [record.tx.tx_hash for record in records]

    def evict_invalid(self, tx_hashes: Iterable[Fr], reason: TxRejectionReason | PoolRejectionReason | str) -> list[Fr]:
        """Evict txs the sequencer found invalid; they become dropped with ``reason`` (a TX_VALIDATION_REASON
        value, else ValueError). Returns the hashes that were pending."""
        dropped_reason = check_validation_reason(reason)
        with self._lock:
            records = self._remove(tx_hashes, dropped_reason=dropped_reason)
        self._instrumentation.record_evicted(EvictionReason.INVALID, len(records))
        return [record.tx.tx_hash for record in records]

    def evict_spent(self, state: WorldStateView, *, new_nullifiers: Iterable[Fr] | None = None) -> list[Fr]:
        """After a block is committed: evict (invalid, dropped as double_spend) every pending tx with a
        nullifier already in ``state``'s nullifier tree, since it can never be mined. Returns their hashes.

        Without ``new_nullifiers`` every pending tx is checked against ``state`` (one LMDB read per
        nullifier, ~30 us each). Pass the nullifiers the committed block inserted to check only the
        pending txs that claim one of them: a tx's nullifiers were checked against the tree when it
        arrived. (A tx validated just before the commit and added just after this call can still be
        pending though spent; the sequencer then finds it invalid and calls :meth:`evict_invalid`.)
        """
        with self._lock:
            if new_nullifiers is None:
                pending = [(record.tx.tx_hash, record.tx.all_nullifiers) for record in self._index.records()]
            else:
                claimants = self._index.claimants(new_nullifiers)
                pending = [(tx_hash, (nullifier,)) for nullifier, tx_hash in claimants]
        spent = list(
            dict.fromkeys(tx_hash for tx_hash, nullifiers in pending if any(map(state.has_nullifier, nullifiers)))
        )
        if not spent:
            return []
        return self.evict_invalid(spent, PoolRejectionReason.DOUBLE_SPEND)

    def _remove(
        self, tx_hashes: Iterable[Fr], dropped_reason: str | None, *, mined: bool = False
    ) -> list[PendingRecord]:
        """Remove the pending ones of ``tx_hashes`` in one write transaction (kept as mined if ``mined``);
        caller holds the lock."""
        self._require_open()
        present = [tx_hash for tx_hash in dict.fromkeys(tx_hashes) if tx_hash in self._index]
        if not present:
            return []
        with self._store.write() as writer:
            for tx_hash in present:
                writer.delete_pending(tx_hash)
                if mined:
                    pending = self._index.get(tx_hash)
                    if pending is not None:
                        writer.add_mined(pending.tx)
                if dropped_reason is not None:
                    writer.add_dropped(tx_hash, dropped_reason)
        records: list[PendingRecord] = []
        for tx_hash in present:
            self._span_refs.pop(tx_hash, None)
            record = self._index.remove(tx_hash)
            if record is not None:
                records.append(record)
            if dropped_reason is not None:
                self._dropped.add(tx_hash, dropped_reason)
        return records

    # --- life cycle -----------------------------------------------------------------------------------

    def _load(self) -> None:
        records = sorted(self._store.load_pending(), key=lambda record: record.seq)
        for record in records:
            conflict = self._index.conflict(record.tx)
            if record.tx.tx_hash in self._index or conflict is not None:
                raise TxPoolStoreError(f"stored pending tx {record.tx.tx_hash:#x} clashes with another stored tx")
            self._index.add(record)
        self._next_seq = records[-1].seq + 1 if records else 0
        for dropped in self._store.load_dropped():
            self._dropped.add(dropped.tx_hash, dropped.reason)
        excess = len(self._index) - self.config.max_pending_txs
        if excess > 0:
            victims = [tx.tx_hash for tx in self._index.best(None)[-excess:]]
            self._remove(victims, dropped_reason=EvictionReason.LOW_FEE.value)
            self._instrumentation.record_evicted(EvictionReason.LOW_FEE, excess)
            log.info("tx pool: evicted %d cheapest txs to fit max_pending_txs=%d", excess, self.config.max_pending_txs)

    def _stats(self) -> TxPoolStats | None:
        if self._closed:
            return None
        return TxPoolStats(pending=len(self._index), capacity=self.config.max_pending_txs)

    def _require_open(self) -> None:
        if self._closed:
            raise TxPoolStoreError("the tx pool is closed")

    def close(self) -> None:
        """Close the store; safe to call more than once."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._store.close()
        self._instrumentation.close()

    def __enter__(self) -> TxPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
