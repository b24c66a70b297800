"""The node service: wires the components with one telemetry client and serves JSON-RPC."""
