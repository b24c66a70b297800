"""Why a JSON-RPC server did not answer: a bounded ``error.type`` for a metric and a reason for the operator."""

from __future__ import annotations

from typing import Final

import aiohttp

from aztec.foundation.json_rpc.errors import JsonRpcTransportError

ERROR_TYPES: Final = ("connection_refused", "timeout", "invalid_response", "connection_error")


def classify(error: JsonRpcTransportError) -> tuple[str, str]:
    """(``error.type``, a short human reason) for a request that got no JSON-RPC answer."""
    cause = error.__cause__
    if isinstance(cause, aiohttp.ClientConnectorError):
        return "connection_refused", f"cannot connect ({cause.os_error.strerror or cause.os_error})"
    if isinstance(cause, TimeoutError | aiohttp.ServerTimeoutError):
        return "timeout", "no answer in time"
    if isinstance(cause, aiohttp.ClientError):
        return "connection_error", f"{type(cause).__name__}: {cause}"
    return "invalid_response", str(error)
