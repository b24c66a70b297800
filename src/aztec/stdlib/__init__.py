"""``aztec.stdlib``: the data types and interfaces the components share (the role of Aztec's ``stdlib``).

Below every component and above :mod:`aztec.foundation`: transactions and their effects, blocks and
their headers, tree snapshots and witnesses, gas and fees, proofs, canonical encodings, and the
protocols one component needs from another. It imports only :mod:`aztec.foundation` (and, for the node
client's tracer type, :mod:`aztec.telemetry.api`).
"""
