"""Public storage slots: where a contract's field lives in the public-data tree.

Contracts (in the simulator) write there, and clients (the bot reading a balance) read there.
"""

from __future__ import annotations

from aztec.foundation.fields import Fr, hash_bytes, hash_fields


def storage_slot(contract: Fr, field_name: str, key: Fr = 0) -> Fr:
    """The public-data tree slot of ``field_name[key]`` in ``contract`` (``key`` 0 for a plain value)."""
    return hash_fields((contract, hash_bytes(field_name.encode()), key))
