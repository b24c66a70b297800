"""Proving queue and orchestrator metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import counter, histogram, observable_gauge

_JOB = (a.PROVING_JOB_TYPE,)

PROVING_QUEUE_SIZE: Final = observable_gauge(
    "aztec.proving_queue.size", "{job}", "Proving jobs waiting or running", attributes=_JOB
)
PROVING_QUEUE_JOB_DURATION: Final = histogram(
    "aztec.proving_queue.job_duration", "s", "Time a proving job ran, per attempt", attributes=_JOB
)
PROVING_QUEUE_JOB_WAIT: Final = histogram(
    "aztec.proving_queue.job_wait",
    "s",
    "Time a proving job waited in the queue before it started",
    attributes=_JOB,
)
PROVING_QUEUE_RESOLVED_JOBS: Final = counter(
    "aztec.proving_queue.resolved_jobs", "{job}", "Proving jobs that succeeded", attributes=_JOB
)
PROVING_QUEUE_REJECTED_JOBS: Final = counter(
    "aztec.proving_queue.rejected_jobs",
    "{job}",
    "Proving jobs that failed for good after retries",
    attributes=_JOB,
)
PROVING_QUEUE_RETRIED_JOBS: Final = counter(
    "aztec.proving_queue.retried_jobs",
    "{job}",
    "Proving job attempts that failed and were retried",
    attributes=_JOB,
)
PROVING_QUEUE_TIMED_OUT_JOBS: Final = counter(
    "aztec.proving_queue.timed_out_jobs",
    "{job}",
    "Proving job attempts that exceeded their timeout",
    attributes=_JOB,
)
PROVING_ORCHESTRATOR_BLOCK_DURATION: Final = histogram(
    "aztec.proving_orchestrator.block_duration", "s", "Time to prove a whole block, from hand-over to root proof"
)
PROVING_ORCHESTRATOR_BLOCK_OUTCOME: Final = counter(
    "aztec.proving_orchestrator.blocks",
    "{block}",
    "Blocks the prover finished, by outcome",
    attributes=(a.OUTCOME,),
)
PROVER_NODE_TX_FETCH_FAILURES: Final = counter(
    "aztec.prover_node.tx_fetch_failures",
    "{request}",
    "Standalone prover fetches of a block's txs from its node that failed, by error.type: connection_refused, "
    "timeout, connection_error, invalid_response, rpc_error (an error answer), not_found (the node has not got "
    "a tx: pruned, or never received), mismatch (a tx other than the block's)",
    attributes=(a.ERROR_TYPE,),
)
