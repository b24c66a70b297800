"""The world state's settings (:class:`aztec.world_state.WorldState`'s LMDB map)."""

from __future__ import annotations

from typing import Final

from aztec.foundation.settings import IntSetting

WORLD_STATE_MAP_SIZE: Final = IntSetting(
    key="world_state_map_size_kb",
    flag="--world-state-map-size-kb",
    variable="AZTEC_WORLD_STATE_MAP_SIZE_KB",
    default=4 << 20,
    minimum=64,
    maximum=1 << 34,
    unit="KiB",
    metavar="KIB",
    help="World-state LMDB map size (KiB).",
    accepted_doc="a full map stops block commits until raised (restart with a larger value; data are kept)",
)
WORLD_STATE_MAP_SIZE_BYTES: Final = WORLD_STATE_MAP_SIZE.default * 1024
"""The default map size in bytes, as :class:`~aztec.world_state.WorldState` and the node configs take it."""
