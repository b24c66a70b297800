"""An async JSON-RPC 2.0 client over HTTP (aiohttp).

    async with JsonRpcClient("http://127.0.0.1:8080/") as client:
        number = await client.call("node_getBlockNumber")

An error response raises the :class:`JsonRpcError` subclass of its code; a failed connection, a
timeout or an answer that is not a JSON-RPC response raises :class:`JsonRpcTransportError`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import aiohttp

from aztec.foundation.json_rpc.dispatcher import JSONRPC_VERSION
from aztec.foundation.json_rpc.errors import (
    JsonRpcError,
    JsonRpcTransportError,
    RequestTooLargeError,
    error_from_response,
)
from aztec.foundation.json_rpc.hooks import NO_CLIENT_HOOKS, JsonRpcClientHooks

BatchCall = tuple[str, Sequence[Any]]
"""One call of a batch: the method and its positional parameters."""


class JsonRpcClient:
    """Calls one server's methods; its HTTP session opens on first use and keeps connections alive."""

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 30.0,
        max_connections: int = 100,
        hooks: JsonRpcClientHooks = NO_CLIENT_HOOKS,
    ) -> None:
        """``hooks`` observe each call (``aztec.telemetry.wrappers.json_rpc.JsonRpcClientTracing``: a client
        span whose context goes to the server in ``traceparent``)."""
        self.url = url
        self._hooks = hooks
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)

    async def call(self, method: str, *params: Any) -> Any:
        """The method's result; raises the error the server answered with."""
        request_id = next(self._ids)
        if not self._hooks.traced:
            return await self._call(method, params, request_id)
        async with self._hooks.call_scope(method, request_id) as scope:
            try:
                return await self._call(method, params, request_id)
            except JsonRpcError as error:
                scope.failed(error.code)
                raise

    async def _call(self, method: str, params: Sequence[Any], request_id: int) -> Any:
        answer = await self._post(_request(method, params, request_id))
        response = _single_response(answer, self.url)
        if response.get("id") != request_id and "error" not in response:
            raise JsonRpcTransportError(f"{self.url}: response id {response.get('id')!r} is not {request_id}")
        return _result(response, self.url)

    async def notify(self, method: str, *params: Any) -> None:
        """Send a notification: the server runs it and answers nothing."""
        await self._post(_request(method, params, None))

    async def batch(self, calls: Sequence[BatchCall]) -> list[Any]:
        """Each call's result, in order; a call that failed has its :class:`JsonRpcError` in its place.

        An error for the batch as a whole (e.g. it is too large) is raised.
        """
        if not calls:
            return []
        ids = [next(self._ids) for _ in calls]
        answer = await self._post([_request(m, p, i) for (m, p), i in zip(calls, ids, strict=True)])
        if isinstance(answer, dict):
            raise _error_of(answer, self.url)
        if not isinstance(answer, list):
            raise JsonRpcTransportError(f"{self.url}: a batch answer must be an array, got {type(answer).__name__}")
        by_id = {r.get("id"): r for r in answer if isinstance(r, dict)}
        results: list[Any] = []
        for request_id in ids:
            response = by_id.get(request_id)
            if response is None:
                raise JsonRpcTransportError(f"{self.url}: the batch answer has no response for id {request_id}")
            try:
                results.append(_result(response, self.url))
            except JsonRpcError as error:
                results.append(error)
        return results

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def __aenter__(self) -> JsonRpcClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _post(self, payload: Any) -> Any:
        """The decoded answer, or None for HTTP 204 (notifications only)."""
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._max_connections)
            self._session = aiohttp.ClientSession(timeout=self._timeout, connector=connector)
        data = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()
        headers = {"Content-Type": "application/json", **self._hooks.trace_headers()}
        try:
            async with self._session.post(self.url, data=data, headers=headers) as response:
                status = response.status
                body = await response.read()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise JsonRpcTransportError(f"POST {self.url} failed: {error!r}") from error
        if status == 204:
            return None
        try:
            answer = json.loads(body)
        except ValueError:
            raise JsonRpcTransportError(f"HTTP {status} from {self.url} is not JSON: {body[:200]!r}") from None
        if status == 413 and isinstance(answer, dict) and isinstance(answer.get("error"), dict):
            refusal = answer["error"]
            raise RequestTooLargeError(str(refusal.get("message")), refusal.get("data"))
        return answer


def _request(method: str, params: Sequence[Any], request_id: int | None) -> dict[str, Any]:
    request: dict[str, Any] = {"jsonrpc": JSONRPC_VERSION, "method": method, "params": list(params)}
    if request_id is not None:
        request["id"] = request_id
    return request


def _single_response(answer: Any, url: str) -> dict[str, Any]:
    if not isinstance(answer, dict):
        raise JsonRpcTransportError(f"{url}: expected a response object, got {type(answer).__name__}")
    return answer


def _error_of(response: dict[str, Any], url: str) -> JsonRpcError | JsonRpcTransportError:
    if "error" in response:
        return error_from_response(response["error"])
    return JsonRpcTransportError(f"{url}: expected an error or a batch answer, got {response!r}")


def _result(response: dict[str, Any], url: str) -> Any:
    if response.get("jsonrpc") != JSONRPC_VERSION:
        raise JsonRpcTransportError(f"{url}: response is not JSON-RPC {JSONRPC_VERSION}: {response!r}")
    if "error" in response:
        raise error_from_response(response["error"])
    if "result" not in response:
        raise JsonRpcTransportError(f"{url}: response has neither result nor error")
    return response["result"]
