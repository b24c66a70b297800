"""``NativeCircuitProver``: witness generation and proof computation in a pool of worker processes.

Each job runs in a worker (real parallel CPU work): the circuit is simulated to generate the witness
(every check runs, so a bad input fails there), then the proof is computed by iterated hashing over
the witness, as much work as :mod:`aztec.prover.cost_model` says the circuit's size is::

    gates  = BASE_GATES[circuit] + GATES_PER_WITNESS_BYTE * (input bytes + output bytes)
    hashes = ceil(gates * scale / GATES_PER_HASH)

The proof is ``PROOF_FIELDS`` field elements. Workers are spawned (not forked) on first use; ``workers``
sets how many jobs prove at once; workers ignore Ctrl-C and exit when the node's process is gone
(even killed with SIGKILL), see :func:`aztec.prover.native_worker.init_worker`; when a worker dies (killed,
out of memory) the jobs under way fail and the next job starts a new pool. Call
:meth:`NativeCircuitProver.stop` (or use ``async with``) to end them.
A job abandoned by its caller (e.g. a timeout) still runs to completion in its worker.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from aztec.prover.cost_model import CircuitCostModel
from aztec.prover.instrumentation import ProverInstrumentation
from aztec.prover.native_worker import init_worker, run_native_job
from aztec.prover.server_prover import CircuitProof, SerializingCircuitProver
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.proof import Proof
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient


class NativeCircuitProver(SerializingCircuitProver):
    def __init__(
        self, telemetry: TelemetryClient, *, workers: int = 1, cost_model: CircuitCostModel | None = None
    ) -> None:
        if workers < 1:
            raise ValueError(f"the native prover needs at least 1 worker, got {workers}")
        self.workers = workers
        self.cost_model = cost_model or CircuitCostModel()
        self._instrumentation = ProverInstrumentation(telemetry, "NativeCircuitProver", "native")
        self.tracer = telemetry.get_tracer("NativeCircuitProver")
        self._pool: ProcessPoolExecutor | None = None
        self._stopped = False

    def _executor(self) -> ProcessPoolExecutor:
        if self._stopped:
            raise RuntimeError("the native prover was stopped")
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
                initargs=(os.getpid(), self.tracer.child_process_settings()),
            )
        return self._pool

    async def start(self) -> None:
        """Spawn every worker now (otherwise the first jobs pay for it)."""
        loop = asyncio.get_running_loop()
        pool = self._executor()
        await asyncio.gather(*(loop.run_in_executor(pool, _warm_up) for _ in range(self.workers)))

    async def prove(self, circuit: CircuitName, inputs: bytes) -> CircuitProof:
        cost = self.cost_model.for_circuit(circuit)
        loop = asyncio.get_running_loop()
        attributes = {a.PROTOCOL_CIRCUIT_NAME: str(circuit), a.PROVER_TYPE: "native"}
        async with self.tracer.span("NativeCircuitProver.prove", attributes):
            carrier = self.tracer.inject() or None  # the worker's span becomes a child of this one
            pool = self._executor()
            try:
                result = await loop.run_in_executor(pool, run_native_job, circuit, inputs, cost, carrier)
            except BrokenProcessPool as error:
                # A worker died (killed, out of memory): this job fails, the next one gets a new pool.
                if self._pool is pool:
                    self._pool = None
                    pool.shutdown(wait=False, cancel_futures=True)
                raise RuntimeError(f"{circuit}: a native prover worker died ({error})") from error
        instrumentation = self._instrumentation
        instrumentation.record_duration("witgen_duration", circuit, result.witgen_s)
        instrumentation.record_duration("proving_duration", circuit, result.proving_s)
        instrumentation.record_size("input_size", circuit, len(inputs))
        instrumentation.record_size("output_size", circuit, len(result.outputs))
        instrumentation.record_size("proof_size", circuit, len(result.proof))
        return CircuitProof(result.outputs, Proof(circuit, result.proof))

    async def stop(self) -> None:
        """End the workers (waiting for jobs under way); later jobs raise."""
        self._stopped = True
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)

    async def __aenter__(self) -> NativeCircuitProver:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


def _warm_up() -> None:
    """Runs in a worker: importing this module there is the point."""
