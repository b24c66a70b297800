"""``aztec top``: a live terminal view of a running node's key figures, read from its metrics endpoint."""
