"""Every attribute name the node puts on metrics (or, for unbounded ones, only on spans and logs).

Semantic-convention attributes keep their OpenTelemetry names; Aztec's own are prefixed ``aztec.``.
Attributes marked ``unbounded`` may never be recorded on a metric: each value would create a new
time series. The guard in :mod:`aztec.telemetry.otel.guard` enforces that at record time.
"""

from __future__ import annotations

from typing import Final

from aztec.telemetry.definitions import AttributeKey

# --- bounded: safe on metrics -------------------------------------------------------------------

PROTOCOL_CIRCUIT_NAME: Final = AttributeKey(
    "aztec.circuit.protocol_circuit_name",
    "Protocol name of a circuit, e.g. base-rollup or public-kernel-setup",
    values=(
        "public-kernel-setup",
        "public-kernel-app-logic",
        "public-kernel-teardown",
        "public-kernel-tail",
        "base-rollup",
        "merge-rollup",
        "root-rollup",
        "base-parity",
        "root-parity",
    ),
)
PROTOCOL_CIRCUIT_TYPE: Final = AttributeKey(
    "aztec.circuit.protocol_circuit_type",
    "Where a circuit runs: server (node-side) or client",
    values=("server", "client"),
)
PROVER_TYPE: Final = AttributeKey(
    "aztec.proving.prover_type",
    "Which ServerCircuitProver implementation did the work: test or native",
    values=("test", "native"),
)
PROVING_JOB_TYPE: Final = AttributeKey("aztec.proving.job_type", "Kind of proving job (the circuit it proves)")
MERKLE_TREE_NAME: Final = AttributeKey(
    "aztec.world_state.merkle_tree_name",
    "A world-state tree",
    values=("note_hash", "nullifier", "public_data", "archive"),
)
DB_NAME: Final = AttributeKey("aztec.db.name", "Name of an LMDB environment or sub-database")
TX_PHASE_NAME: Final = AttributeKey(
    "aztec.tx.phase_name", "Public execution phase", values=("setup", "app_logic", "teardown")
)
OUTCOME: Final = AttributeKey(
    "aztec.outcome", "How an operation ended: success, failure, reverted, rejected, timeout, ..."
)
REASON: Final = AttributeKey(
    "aztec.reason", "Why a transaction or job was rejected, evicted or failed (a fixed set per metric)"
)
SEQUENCER_STATE: Final = AttributeKey(
    "aztec.sequencer.state",
    "Sequencer state",
    values=("idle", "synchronizing", "proposer_check", "creating_block", "publishing", "stopped"),
)
L1_TX_TYPE: Final = AttributeKey("aztec.l1.tx_type", "Kind of L1 transaction", values=("propose", "submit_proof"))
L1_SENDER: Final = AttributeKey("aztec.l1.sender_role", "Role of an L1 account, e.g. publisher")
CHAIN_STATUS: Final = AttributeKey(
    "aztec.chain.status", "Which chain tip a height belongs to", values=("proposed", "proven")
)
RPC_METHOD: Final = AttributeKey(
    "rpc.method", "JSON-RPC method (semantic convention); unregistered methods are reported as unknown"
)
RPC_STATUS: Final = AttributeKey(
    "aztec.json_rpc.status", "JSON-RPC outcome: ok or the error's name (parse_error, invalid_params, ...)"
)
RPC_SYSTEM: Final = AttributeKey("rpc.system", "RPC system (semantic convention): jsonrpc", values=("jsonrpc",))
RPC_JSONRPC_VERSION: Final = AttributeKey(
    "rpc.jsonrpc.version", "JSON-RPC protocol version (semantic convention)", values=("2.0",)
)
RPC_JSONRPC_ERROR_CODE: Final = AttributeKey("rpc.jsonrpc.error_code", "JSON-RPC error code (semantic convention)")
SERVER_ADDRESS: Final = AttributeKey("server.address", "Host a client connects to (semantic convention)")
SERVER_PORT: Final = AttributeKey("server.port", "Port a client connects to (semantic convention)")
GC_GENERATION: Final = AttributeKey("cpython.gc.generation", "CPython GC generation (semantic convention)")
TELEMETRY_EXPORTER: Final = AttributeKey(
    "aztec.telemetry.exporter",
    "An exporter of the telemetry client (otlp_http_traces and otlp_http_logs export spans and logs)",
    values=("otlp_http", "otlp_grpc", "ndjson", "console", "otlp_http_traces", "otlp_http_logs"),
)
TELEMETRY_METRIC: Final = AttributeKey(
    "aztec.telemetry.metric_name", "A registry metric's name (bounded by the registry)"
)
BUILD_VERSION: Final = AttributeKey("aztec.build.version", "The running software's version (one per deployment)")
BUILD_COMMIT: Final = AttributeKey("aztec.build.commit", "The commit it was built from, or unknown")
SERVICE_ROLE: Final = AttributeKey(
    "aztec.service.role",
    "What a service does: sequencer (with or without its prover), follower, bot, or node (L1 only)",
    values=("sequencer", "follower", "bot", "prover", "node"),
)
TELEMETRY_DROP_REASON: Final = AttributeKey(
    "aztec.telemetry.drop_reason",
    "Why a record or point was dropped",
    values=("banned_attribute", "value_out_of_range", "value_not_finite"),
)

# --- unbounded: spans and logs only; recording one on a metric is refused --------------------------

TX_HASH: Final = AttributeKey("aztec.tx.hash", "Hash of a transaction", unbounded=True)
BLOCK_NUMBER: Final = AttributeKey("aztec.block.number", "An L2 block number", unbounded=True)
BLOCK_HASH: Final = AttributeKey("aztec.block.hash", "An L2 block hash", unbounded=True)
BLOCK_ARCHIVE: Final = AttributeKey("aztec.block.archive", "An archive tree root", unbounded=True)
BLOCK_PARENT: Final = AttributeKey("aztec.block.parent", "A parent block hash", unbounded=True)
BLOCK_TX_COUNT: Final = AttributeKey("aztec.block.tx_count", "Number of transactions in a block", unbounded=True)
SLOT_NUMBER: Final = AttributeKey("aztec.slot.number", "A slot number", unbounded=True)
EPOCH_NUMBER: Final = AttributeKey("aztec.epoch.number", "An epoch number", unbounded=True)
PROVING_JOB_ID: Final = AttributeKey("aztec.proving.job_id", "A proving job's id", unbounded=True)
PEER_ID: Final = AttributeKey("aztec.p2p.peer_id", "A peer's id", unbounded=True)
TARGET_ADDRESS: Final = AttributeKey("aztec.address", "A contract or account address", unbounded=True)
MANA_USED: Final = AttributeKey("aztec.mana.used", "Mana (gas) used", unbounded=True)
L1_TX_HASH: Final = AttributeKey("aztec.l1.tx_hash", "An L1 transaction hash", unbounded=True)
L1_BLOCK_NUMBER: Final = AttributeKey("aztec.l1.block_number", "An L1 block number", unbounded=True)
RPC_JSONRPC_REQUEST_ID: Final = AttributeKey(
    "rpc.jsonrpc.request_id", "JSON-RPC request id (semantic convention)", unbounded=True
)
PROVING_ATTEMPT: Final = AttributeKey("aztec.proving.attempt", "Which attempt at a proving job, from 1", unbounded=True)
PROCESS_PID: Final = AttributeKey("process.pid", "Process id (semantic convention)", unbounded=True)

# --- semantic-convention attributes emitted by OpenTelemetry's system-metrics instrumentation ------

HOST_CPU: Final = AttributeKey("cpu", "Logical CPU number (semantic convention)")
HOST_STATE: Final = AttributeKey("state", "CPU or memory state (semantic convention)")
HOST_DEVICE: Final = AttributeKey("device", "Disk or network device name (semantic convention)")
HOST_DIRECTION: Final = AttributeKey("direction", "I/O direction (semantic convention)")
HOST_TYPE: Final = AttributeKey("type", "CPU time or context switch type (semantic convention)")
GC_GENERATION_LEGACY: Final = AttributeKey("generation", "CPython GC generation (older semantic convention)")

# --- added for the engine and the node ---------------------------------------------------------------
TX_VALIDATION_REASON: Final = AttributeKey(
    "aztec.tx.rejection_reason",
    "Why a transaction failed validation",
    values=(
        "malformed",
        "bad_signature",
        "fee_too_low",
        "gas_limit_too_high",
        "double_spend",
        "too_large",
        "pool_full",
        "duplicate",
        "setup_failed",
        "invalid_nonce",
    ),
)
EVICTION_REASON: Final = AttributeKey(
    "aztec.mempool.eviction_reason",
    "Why a pending transaction left the pool unmined",
    values=("low_fee", "invalid", "expired"),
)
BLOCK_OUTCOME: Final = AttributeKey(
    "aztec.sequencer.block_outcome",
    "How a block attempt ended",
    values=("published", "failed", "empty"),
)
ERROR_TYPE: Final = AttributeKey("error.type", "Class of error (semantic convention), from a fixed set")
BLOCK_SIZE_CLASS: Final = AttributeKey(
    "aztec.block.size_class",
    "A block's tx count rounded up to a power of two (bounded, unlike the exact count)",
    values=("0", "1", "2", "4", "8", "16", "32", "64", "128", "128+"),
)
BATCH_SIZE_CLASS: Final = AttributeKey(
    "aztec.world_state.batch_size_class",
    "Leaves in one tree insertion, rounded up to a power of two",
    values=("0", "1", "2", "4", "8", "16", "32", "64", "128", "256", "512", "1024", "1024+"),
)
SYNC_RUN_BLOCKS: Final = AttributeKey(
    "aztec.world_state.sync_run_blocks",
    "Blocks a fresh node caught up on in one sync run (recorded by benchmarks only, for a few fixed run sizes)",
)
