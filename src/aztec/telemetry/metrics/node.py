"""Node service and JSON-RPC server metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import counter, histogram, observable_gauge

NODE_INFO: Final = observable_gauge(
    "aztec.node.info",
    "1",
    "Build information of a running service: always 1, with its version, commit and role",
    attributes=(a.BUILD_VERSION, a.BUILD_COMMIT, a.SERVICE_ROLE),
)

NODE_RECEIVE_TX_DURATION: Final = histogram(
    "aztec.node.receive_tx.duration", "s", "Time to validate and pool a transaction received over RPC"
)
NODE_RECEIVE_TX_COUNT: Final = counter(
    "aztec.node.receive_tx.count",
    "{tx}",
    "Transactions received, by outcome (accepted, rejected)",
    attributes=(a.OUTCOME,),
)
JSON_RPC_REQUEST_DURATION: Final = histogram(
    "aztec.json_rpc.request.duration",
    "s",
    "Time to serve one JSON-RPC call",
    attributes=(a.RPC_METHOD, a.RPC_STATUS),
)
JSON_RPC_REQUEST_COUNT: Final = counter(
    "aztec.json_rpc.request.count",
    "{request}",
    "JSON-RPC calls, by method and status",
    attributes=(a.RPC_METHOD, a.RPC_STATUS),
)
JSON_RPC_BATCH_SIZE: Final = histogram("aztec.json_rpc.batch_size", "{request}", "Calls per JSON-RPC batch")
