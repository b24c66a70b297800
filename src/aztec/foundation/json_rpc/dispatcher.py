"""JSON-RPC 2.0 request handling without HTTP: body bytes in, response bytes (or nothing) out.

Per the specification: a batch is answered with an array of the non-notification responses (an empty
batch is an invalid request; an all-notification batch gets no answer), a request whose id cannot be
read is answered with id null, and notifications are never answered, even on error.

Any JSON is a client's to send: numbers are decoded without loss (a float keeps its text, an integer
too long for Python's int conversion stays text, see :mod:`aztec.foundation.json_rpc.types`), so an id
of any type and size is echoed exactly and a parameter out of its declared range is an invalid param.
Only a handler's own failure is an internal error (-32603): logged once with its traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any, Final

from aztec.foundation.json_rpc.errors import (
    InternalError,
    InvalidRequestError,
    JsonRpcError,
    MethodNotFoundError,
    ParseError,
)
from aztec.foundation.json_rpc.hooks import NO_SERVER_HOOKS, STATUS_OK, CallScope, JsonRpcServerHooks
from aztec.foundation.json_rpc.registry import UNKNOWN_METHOD, MethodRegistry
from aztec.foundation.json_rpc.types import JsonFloat, JsonNumberText
from aztec.foundation.timer import Timer

log = logging.getLogger(__name__)

JSONRPC_VERSION: Final = "2.0"
_NO_ID: Final = object()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_int(text: str) -> int | JsonNumberText:
    try:
        return int(text)
    except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
        return JsonNumberText(text)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def _encode_id(request_id: Any) -> str:
    """The id as the client sent it (a number's own text when it has one)."""
    if isinstance(request_id, JsonFloat | JsonNumberText):
        return request_id.text
    return _dumps(request_id)


def _result_response(request_id: Any, result: Any) -> str:
    return f'{{"jsonrpc":"{JSONRPC_VERSION}","id":{_encode_id(request_id)},"result":{_dumps(result)}}}'


def _error_response(request_id: Any, error: JsonRpcError) -> str:
    return f'{{"jsonrpc":"{JSONRPC_VERSION}","id":{_encode_id(request_id)},"error":{_dumps(error.to_json())}}}'


def parse_body(body: bytes) -> Any:
    """The decoded JSON of a request body, or :class:`ParseError` saying what is wrong with it."""
    try:
        return json.loads(body, parse_constant=_reject_constant, parse_float=JsonFloat, parse_int=_parse_int)
    except UnicodeDecodeError as error:
        raise ParseError(f"Parse error: body is not UTF-8 ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ParseError(f"Parse error: {error.msg} at line {error.lineno} column {error.colno}") from None
    except ValueError as error:
        raise ParseError(f"Parse error: {error}") from None
    except RecursionError:
        raise ParseError("Parse error: nested too deeply") from None


def _valid_id(value: Any) -> bool:
    return value is None or (isinstance(value, str | int | float | JsonNumberText) and not isinstance(value, bool))


class JsonRpcDispatcher:
    """Runs the calls of a request body against ``registry`` and reports each to ``hooks``."""

    def __init__(
        self, registry: MethodRegistry, hooks: JsonRpcServerHooks = NO_SERVER_HOOKS, *, max_batch_size: int
    ) -> None:
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, got {max_batch_size}")
        self._registry = registry
        self._hooks = hooks
        self.max_batch_size = max_batch_size

    def method_label(self, method: object) -> str:
        """The method's name when it is registered, else ``unknown``: bounded, for metrics and span names."""
        return method if isinstance(method, str) and method in self._registry else UNKNOWN_METHOD

    def reject(self, error: JsonRpcError, duration_s: float) -> bytes:
        """The response to a body refused before parsing (e.g. too large), reported as a call."""
        self._hooks.on_call(UNKNOWN_METHOD, error.name, duration_s)
        return _error_response(None, error).encode()

    async def handle(self, body: bytes, carrier: Mapping[str, str] | None = None) -> bytes | None:
        """The response body, or None when there is nothing to answer (notifications only).

        ``carrier`` holds the request's W3C trace headers: each call's span is a child of the caller's.
        """
        timer = Timer()
        try:
            payload = parse_body(body)
        except ParseError as error:
            return self.reject(error, timer.s())
        if not isinstance(payload, list):
            response = await self._traced_call(payload, timer, carrier)
            return None if response is None else response.encode()
        if not payload:
            return self.reject(InvalidRequestError("Invalid request: empty batch"), timer.s())
        if len(payload) > self.max_batch_size:
            message = f"Invalid request: batch of {len(payload)} calls, the limit is {self.max_batch_size}"
            return self.reject(InvalidRequestError(message, {"limit": self.max_batch_size}), timer.s())
        self._hooks.on_batch(len(payload))
        responses = await self._traced_batch(payload, carrier)
        answered = [r for r in responses if r is not None]
        return f"[{','.join(answered)}]".encode() if answered else None

    async def _traced_batch(self, payload: list[Any], carrier: Mapping[str, str] | None) -> list[str | None]:
        """A batch's calls in one scope (one span): a span per entry would multiply polling traffic."""
        calls = (self._call(entry, Timer(), None) for entry in payload)
        if not self._hooks.traced:
            return await asyncio.gather(*calls)
        async with self._hooks.batch_scope(carrier or {}):
            return await asyncio.gather(*calls)

    async def _traced_call(self, request: Any, timer: Timer, carrier: Mapping[str, str] | None) -> str | None:
        """One call in a scope named after its (bounded) method, with the request id when it has one."""
        if not self._hooks.traced:
            return await self._call(request, timer, None)
        method = self.method_label(request.get("method") if isinstance(request, dict) else None)
        request_id = None
        if isinstance(request, dict) and _valid_id(request.get("id")) and request.get("id") is not None:
            request_id = str(request["id"])
        async with self._hooks.call_scope(method, request_id, carrier or {}) as scope:
            return await self._call(request, timer, scope)

    async def _call(self, request: Any, timer: Timer, scope: CallScope | None) -> str | None:
        """One call's encoded response (None for a notification), recorded with its status."""
        request_id: Any = None
        method: Any = None
        notification = False
        try:
            if not isinstance(request, dict):
                raise InvalidRequestError(f"Invalid request: a request is an object, got {type(request).__name__}")
            method = request.get("method")
            raw_id = request.get("id", _NO_ID)
            if raw_id is not _NO_ID and not _valid_id(raw_id):
                raise InvalidRequestError("Invalid request: id must be a string, a number or null")
            request_id = None if raw_id is _NO_ID else raw_id
            if request.get("jsonrpc") != JSONRPC_VERSION:
                raise InvalidRequestError(f'Invalid request: "jsonrpc" must be "{JSONRPC_VERSION}"')
            if not isinstance(method, str):
                raise InvalidRequestError('Invalid request: "method" must be a string')
            params = request.get("params")
            if "params" in request and not isinstance(params, list | dict):
                raise InvalidRequestError('Invalid request: "params" must be an array or an object')
            notification = raw_id is _NO_ID
            spec = self._registry.get(method)
            if spec is None:
                raise MethodNotFoundError(f"Method not found: {method[:100]!r}")
            result = await spec.handler(*spec.bind(params))
            response = None if notification else _result_response(request_id, result)
            status = STATUS_OK
        except JsonRpcError as error:
            response, status = _error_response(request_id, error), error.name
            if scope is not None:
                scope.failed(error.code)
        except Exception as error:  # the node's own fault, never the client's
            log.exception("JSON-RPC method %s failed", method if method in self._registry else "(unregistered)")
            internal = InternalError("Internal error")
            response, status = _error_response(request_id, internal), internal.name
            if scope is not None:
                scope.failed(internal.code, error)
        self._hooks.on_call(self.method_label(method), status, timer.s())
        return None if notification else response
