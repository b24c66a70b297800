"""Generic JSON-RPC 2.0 over HTTP: a server with a typed method registry, and an async client."""

from aztec.foundation.json_rpc.client import BatchCall, JsonRpcClient
from aztec.foundation.json_rpc.errors import (
    APPLICATION_ERROR,
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    InternalError,
    InvalidParamsError,
    InvalidRequestError,
    JsonRpcError,
    JsonRpcTransportError,
    MethodNotFoundError,
    ParseError,
    RequestTooLargeError,
)
from aztec.foundation.json_rpc.registry import UNKNOWN_METHOD, Handler, MethodRegistry, Param
from aztec.foundation.json_rpc.server import (
    DEFAULT_HOST,
    DEFAULT_MAX_BATCH_SIZE,
    DEFAULT_MAX_BODY_BYTES,
    JsonRpcServer,
)

__all__ = [
    "APPLICATION_ERROR",
    "DEFAULT_HOST",
    "DEFAULT_MAX_BATCH_SIZE",
    "DEFAULT_MAX_BODY_BYTES",
    "INTERNAL_ERROR",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "PARSE_ERROR",
    "UNKNOWN_METHOD",
    "BatchCall",
    "Handler",
    "InternalError",
    "InvalidParamsError",
    "InvalidRequestError",
    "JsonRpcClient",
    "JsonRpcError",
    "JsonRpcServer",
    "JsonRpcTransportError",
    "MethodNotFoundError",
    "MethodRegistry",
    "Param",
    "ParseError",
    "RequestTooLargeError",
]
