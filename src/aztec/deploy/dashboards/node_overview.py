"""The node overview dashboard: chain, transactions, sequencer, proving, world state, L1, JSON-RPC."""

from __future__ import annotations

from aztec.deploy.dashboards.spec import Dashboard, Row, Target, stat, timeseries
from aztec.deploy.promql import gauge, legend, quantile, rate, ratio
from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import AttributeKey, MetricDefinition
from aztec.telemetry.exporters.prometheus_names import SERVICE_INSTANCE_LABEL as NODE
from aztec.telemetry.metrics import archiver, bot, circuit, l1, mempool, node, proving, public_processor, sequencer
from aztec.telemetry.metrics import world_state as ws


def _quantiles(definition: MetricDefinition, *by: AttributeKey) -> tuple[Target, ...]:
    """p50 and p95 of a histogram, per node and per ``by`` attribute; latencies (unit s) show exemplars on the
    p95, each a link to the trace of a slow record."""
    return tuple(
        Target(
            quantile(definition, q, by=(NODE, *by)),
            f"p{int(q * 100)} " + legend(NODE, *by),
            exemplars=definition.unit == "s" and q == 0.95,
        )
        for q in (0.5, 0.95)
    )


def _p95(definition: MetricDefinition, *by: AttributeKey) -> Target:
    return Target(quantile(definition, 0.95, by=(NODE, *by)), legend(NODE, *by))


def _height(status: str) -> Target:
    return Target(
        gauge(archiver.ARCHIVER_BLOCK_HEIGHT, where={a.CHAIN_STATUS: status}, by=(NODE,), agg="max"), legend(NODE)
    )


CHAIN = Row(
    "Chain",
    (
        stat("Proposed block", "Latest L2 block the archiver stored (proposed chain tip).", _height("proposed")),
        stat("Proven block", "Latest L2 block whose proof was verified (proven chain tip).", _height("proven")),
        stat(
            "World state block",
            "Block number of the committed world state; lags the proposed tip while it syncs.",
            Target(gauge(ws.WORLD_STATE_COMMITTED_HEIGHT, by=(NODE,), agg="max"), legend(NODE)),
        ),
        stat(
            "L1 block",
            "Latest L1 block the archiver has read.",
            Target(gauge(archiver.ARCHIVER_L1_BLOCK_HEIGHT, by=(NODE,), agg="max"), legend(NODE)),
        ),
        timeseries(
            "Chain heights",
            "Proposed and proven tips; a widening gap means proving falls behind.",
            Target(
                gauge(archiver.ARCHIVER_BLOCK_HEIGHT, by=(NODE, a.CHAIN_STATUS), agg="max"),
                legend(NODE, a.CHAIN_STATUS),
            ),
        ),
        timeseries(
            "Block attempts per minute",
            "Blocks the sequencer built, by outcome (published, failed, empty).",
            Target(
                f"60 * {rate(sequencer.SEQUENCER_BLOCK_COUNT, by=(NODE, a.BLOCK_OUTCOME))}",
                legend(NODE, a.BLOCK_OUTCOME),
            ),
            stacked=True,
        ),
    ),
)

TRANSACTIONS = Row(
    "Transactions",
    (
        timeseries(
            "Transactions per second",
            "Received over RPC (by outcome) and mined in stored blocks.",
            Target(rate(node.NODE_RECEIVE_TX_COUNT, by=(NODE, a.OUTCOME)), "received " + legend(NODE, a.OUTCOME)),
            Target(rate(archiver.ARCHIVER_TX_COUNT), "mined " + legend(NODE)),
            unit="reqps",
        ),
        timeseries(
            "Pending pool",
            "Transactions waiting in the pool, and the pool's capacity.",
            Target(gauge(mempool.MEMPOOL_PENDING_TXS, by=(NODE,)), "pending " + legend(NODE)),
            Target(gauge(mempool.MEMPOOL_CAPACITY, by=(NODE,)), "capacity " + legend(NODE)),
        ),
        timeseries(
            "Rejections per second",
            "Transactions refused by the pool or failing validation, by reason.",
            Target(
                rate(mempool.MEMPOOL_TX_REJECTED_COUNT, by=(NODE, a.TX_VALIDATION_REASON)),
                "pool " + legend(NODE, a.TX_VALIDATION_REASON),
            ),
            Target(
                rate(public_processor.TX_VALIDATION_REJECTIONS, by=(NODE, a.TX_VALIDATION_REASON)),
                "validation " + legend(NODE, a.TX_VALIDATION_REASON),
            ),
            stacked=True,
            sparse=True,
        ),
        timeseries(
            "Evictions per second",
            "Pending transactions that left the pool unmined, by reason.",
            Target(
                rate(mempool.MEMPOOL_TX_EVICTED_COUNT, by=(NODE, a.EVICTION_REASON)), legend(NODE, a.EVICTION_REASON)
            ),
            stacked=True,
            sparse=True,
        ),
        timeseries(
            "Time to inclusion",
            "From a transaction's arrival in the pool to its inclusion in a block.",
            *_quantiles(mempool.MEMPOOL_TX_MINED_DELAY),
            unit="s",
        ),
        timeseries(
            "Receive and validate",
            "Time to validate and pool a transaction received over RPC.",
            *_quantiles(node.NODE_RECEIVE_TX_DURATION),
            unit="s",
        ),
        timeseries(
            "Transaction size",
            "Size of transactions added to the pool.",
            *_quantiles(mempool.MEMPOOL_TX_SIZE),
            unit="bytes",
        ),
        timeseries(
            "Public processing",
            "Time to process one transaction's public part.",
            *_quantiles(public_processor.PUBLIC_PROCESSOR_TX_DURATION),
            unit="s",
        ),
    ),
)

SEQUENCER = Row(
    "Sequencer",
    (
        timeseries(
            "Sequencer state",
            "1 for the state the sequencer is in.",
            Target(
                gauge(sequencer.SEQUENCER_STATE, by=(NODE, a.SEQUENCER_STATE), agg="max"),
                legend(NODE, a.SEQUENCER_STATE),
            ),
            stacked=True,
        ),
        timeseries(
            "Block build time",
            "From taking transactions to a block ready to publish.",
            *_quantiles(sequencer.SEQUENCER_BLOCK_BUILD_DURATION),
            unit="s",
        ),
        timeseries(
            "Transactions per block",
            "Transactions in each published block.",
            *_quantiles(sequencer.SEQUENCER_BLOCK_TX_COUNT),
        ),
        timeseries(
            "Time between blocks",
            "Time between two consecutive published blocks.",
            *_quantiles(sequencer.SEQUENCER_INTER_BLOCK_TIME),
            unit="s",
        ),
        timeseries(
            "Slots filled",
            "Share of the slots this sequencer proposed for in which it published a block.",
            Target(
                ratio(rate(sequencer.SEQUENCER_SLOT_FILLED_COUNT), rate(sequencer.SEQUENCER_SLOT_COUNT)),
                legend(NODE),
            ),
            unit="percentunit",
        ),
        timeseries(
            "Public phases (p95)",
            "Time to run one public execution phase, by phase.",
            _p95(public_processor.PUBLIC_PROCESSOR_PHASE_DURATION, a.TX_PHASE_NAME),
            unit="s",
        ),
    ),
)

PROVING = Row(
    "Proving",
    (
        timeseries(
            "Proving queue",
            "Proving jobs waiting or running, by job type.",
            Target(gauge(proving.PROVING_QUEUE_SIZE, by=(NODE, a.PROVING_JOB_TYPE)), legend(NODE, a.PROVING_JOB_TYPE)),
            stacked=True,
        ),
        timeseries(
            "Jobs resolved per second",
            "Proving jobs that succeeded, by job type.",
            Target(
                rate(proving.PROVING_QUEUE_RESOLVED_JOBS, by=(NODE, a.PROVING_JOB_TYPE)),
                legend(NODE, a.PROVING_JOB_TYPE),
            ),
            stacked=True,
        ),
        timeseries(
            "Job failures per second",
            "Proving jobs rejected for good, retried and timed out, by job type.",
            Target(
                rate(proving.PROVING_QUEUE_REJECTED_JOBS, by=(NODE, a.PROVING_JOB_TYPE)),
                "rejected " + legend(NODE, a.PROVING_JOB_TYPE),
            ),
            Target(
                rate(proving.PROVING_QUEUE_RETRIED_JOBS, by=(NODE, a.PROVING_JOB_TYPE)),
                "retried " + legend(NODE, a.PROVING_JOB_TYPE),
            ),
            Target(
                rate(proving.PROVING_QUEUE_TIMED_OUT_JOBS, by=(NODE, a.PROVING_JOB_TYPE)),
                "timed out " + legend(NODE, a.PROVING_JOB_TYPE),
            ),
            sparse=True,
        ),
        timeseries(
            "Job duration and wait (p95)",
            "How long proving jobs ran and how long they waited in the queue, by job type.",
            Target(
                quantile(proving.PROVING_QUEUE_JOB_DURATION, 0.95, by=(NODE, a.PROVING_JOB_TYPE)),
                "run " + legend(NODE, a.PROVING_JOB_TYPE),
            ),
            Target(
                quantile(proving.PROVING_QUEUE_JOB_WAIT, 0.95, by=(NODE, a.PROVING_JOB_TYPE)),
                "wait " + legend(NODE, a.PROVING_JOB_TYPE),
            ),
            unit="s",
        ),
        timeseries(
            "Proving time per circuit (p95)",
            "Time to compute a circuit's proof.",
            _p95(circuit.CIRCUIT_PROVING_DURATION, a.PROTOCOL_CIRCUIT_NAME),
            unit="s",
        ),
        timeseries(
            "Simulation time per circuit (p95)",
            "Time to simulate a circuit (recorded when circuits are simulated, e.g. with the test prover).",
            _p95(circuit.CIRCUIT_SIMULATION_DURATION, a.PROTOCOL_CIRCUIT_NAME),
            unit="s",
            sparse=True,
        ),
        timeseries(
            "Witness generation per circuit (p95)",
            "Time to generate a circuit's witness.",
            _p95(circuit.CIRCUIT_WITNESS_GENERATION_DURATION, a.PROTOCOL_CIRCUIT_NAME),
            unit="s",
        ),
        timeseries(
            "Proof size per circuit (p50)",
            "Size of a circuit's proof.",
            Target(
                quantile(circuit.CIRCUIT_PROVING_PROOF_SIZE, 0.5, by=(NODE, a.PROTOCOL_CIRCUIT_NAME)),
                legend(NODE, a.PROTOCOL_CIRCUIT_NAME),
            ),
            unit="bytes",
        ),
        timeseries(
            "Block proving time",
            "From hand-over to the root proof of a whole block.",
            *_quantiles(proving.PROVING_ORCHESTRATOR_BLOCK_DURATION),
            unit="s",
        ),
    ),
)

WORLD_STATE = Row(
    "World state",
    (
        timeseries(
            "Tree sizes",
            "Leaves in each tree of the committed state.",
            Target(gauge(ws.WORLD_STATE_TREE_SIZE, by=(NODE, a.MERKLE_TREE_NAME)), legend(NODE, a.MERKLE_TREE_NAME)),
        ),
        timeseries(
            "Block sync time",
            "Time to apply one block's effects and commit them.",
            *_quantiles(ws.WORLD_STATE_SYNC_DURATION),
            unit="s",
        ),
        timeseries(
            "Tree insertion (p95)",
            "Time to insert a batch of leaves, by tree.",
            _p95(ws.WORLD_STATE_TREE_INSERTION_DURATION, a.MERKLE_TREE_NAME),
            unit="s",
        ),
        timeseries(
            "Database size",
            "LMDB pages in use and map size, by database.",
            Target(gauge(ws.DB_USED_SIZE, by=(NODE, a.DB_NAME)), "used " + legend(NODE, a.DB_NAME)),
            Target(gauge(ws.DB_MAP_SIZE, by=(NODE, a.DB_NAME)), "map " + legend(NODE, a.DB_NAME)),
            unit="bytes",
        ),
        timeseries(
            "Archiver sync per block",
            "Time to fetch, check and store one L2 block.",
            *_quantiles(archiver.ARCHIVER_SYNC_DURATION),
            unit="s",
        ),
        timeseries(
            "Fork lifetime",
            "How long a world-state fork lived, from creation to commit or rollback.",
            *_quantiles(ws.WORLD_STATE_FORK_DURATION),
            unit="s",
        ),
    ),
)

L1_PUBLISHER = Row(
    "L1 publisher",
    (
        timeseries(
            "Publisher balance",
            "Balance of the publisher's L1 account; it pays for every proposal and proof.",
            Target(gauge(l1.L1_PUBLISHER_BALANCE, by=(NODE, a.L1_SENDER)), legend(NODE, a.L1_SENDER)),
            unit="none",
        ),
        timeseries(
            "L1 transactions per minute",
            "L1 transactions sent, by type and outcome.",
            Target(
                f"60 * {rate(l1.L1_PUBLISHER_TX_COUNT, by=(NODE, a.L1_TX_TYPE, a.OUTCOME))}",
                legend(NODE, a.L1_TX_TYPE, a.OUTCOME),
            ),
        ),
        timeseries(
            "L1 inclusion time (p95)",
            "From sending an L1 transaction to its inclusion, by type.",
            _p95(l1.L1_PUBLISHER_TX_DURATION, a.L1_TX_TYPE),
            unit="s",
        ),
        timeseries(
            "L1 gas used and price (p50)",
            "Gas per L1 transaction and the gas price paid, by type; and the L1 base fee.",
            Target(quantile(l1.L1_PUBLISHER_TX_GAS, 0.5, by=(NODE, a.L1_TX_TYPE)), "gas " + legend(NODE, a.L1_TX_TYPE)),
            Target(
                quantile(l1.L1_PUBLISHER_GAS_PRICE, 0.5, by=(NODE, a.L1_TX_TYPE)),
                "price " + legend(NODE, a.L1_TX_TYPE),
            ),
            Target(gauge(l1.L1_BASE_FEE, by=(NODE,)), "base fee " + legend(NODE)),
        ),
    ),
)

JSON_RPC = Row(
    "JSON-RPC",
    (
        timeseries(
            "Requests per second",
            "JSON-RPC calls by method.",
            Target(rate(node.JSON_RPC_REQUEST_COUNT, by=(NODE, a.RPC_METHOD)), legend(NODE, a.RPC_METHOD)),
            unit="reqps",
            stacked=True,
        ),
        timeseries(
            "Errors per second",
            "JSON-RPC calls that ended in an error, by method and error.",
            Target(
                rate(node.JSON_RPC_REQUEST_COUNT, by=(NODE, a.RPC_METHOD, a.RPC_STATUS), where={a.RPC_STATUS: "!ok"}),
                legend(NODE, a.RPC_METHOD, a.RPC_STATUS),
            ),
            unit="reqps",
            sparse=True,
        ),
        timeseries(
            "Request duration (p95)",
            "Time to serve one JSON-RPC call, by method.",
            _p95(node.JSON_RPC_REQUEST_DURATION, a.RPC_METHOD),
            unit="s",
        ),
    ),
)

BOT = Row(
    "Transaction bot",
    (
        timeseries(
            "Bot transactions per second",
            "The load generator's transactions: sent, seen mined, and failed (rejected, dropped or reverted).",
            Target(rate(bot.BOT_TX_SENT), "sent " + legend(NODE)),
            Target(rate(bot.BOT_TX_MINED), "mined " + legend(NODE)),
            Target(rate(bot.BOT_TX_FAILED), "failed " + legend(NODE), sparse=True),
            unit="reqps",
        ),
        timeseries(
            "Bot time to inclusion",
            "From sending a bot transaction to seeing it mined.",
            *_quantiles(bot.BOT_TX_LATENCY),
            unit="s",
        ),
    ),
)

NODE_OVERVIEW = Dashboard(
    uid="aztec-node-overview",
    title="Aztec node overview",
    description="Generated from the metric registry by `aztec dashboards generate`; edit the code, not the JSON.",
    file_name="node-overview.json",
    rows=(CHAIN, TRANSACTIONS, SEQUENCER, PROVING, WORLD_STATE, L1_PUBLISHER, JSON_RPC, BOT),
)
