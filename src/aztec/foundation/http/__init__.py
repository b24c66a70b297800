"""HTTP listeners that hold under hostile clients: a connection cap and header, body and idle timeouts."""

from aztec.foundation.http.guard import ConnectionGuard, ConnectionLimits, GuardStats
from aztec.foundation.http.listener import GuardedListener

__all__ = ["ConnectionGuard", "ConnectionLimits", "GuardStats", "GuardedListener"]
