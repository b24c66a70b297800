"""The body and batch limits of the ``server`` fixture's JSON-RPC server (small, so tests reach them)."""

MAX_BODY_BYTES = 4096
MAX_BATCH_SIZE = 8
