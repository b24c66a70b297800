"""An HTTP listener's default limits, once: :class:`aztec.foundation.http.ConnectionLimits`' field defaults
and the ``--rpc-max-connections`` / ``--rpc-*-timeout`` settings' (:mod:`aztec.stdlib.config.node`).

Outside :mod:`aztec.foundation.http` so that the settings read them without importing aiohttp.
"""

from __future__ import annotations

from typing import Final

MAX_CONNECTIONS: Final = 256
"""Open connections at most."""
HEADER_TIMEOUT_S: Final = 10.0
BODY_TIMEOUT_S: Final = 30.0
IDLE_TIMEOUT_S: Final = 60.0
