"""Telemetry that wraps foundation code through its hooks (the JSON-RPC server and client), as Aztec's
``telemetry-client/src/wrappers`` does: the foundation never imports telemetry."""
