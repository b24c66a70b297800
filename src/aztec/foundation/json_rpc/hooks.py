"""What the JSON-RPC server and client tell an observer: the hooks metrics and traces attach to.

The foundation knows nothing of telemetry; ``aztec.telemetry.wrappers.json_rpc`` implements these
protocols (metrics and spans), the way Aztec's telemetry client wraps its JSON-RPC server. The
defaults observe nothing and cost a method call.

Every method name handed to a hook is bounded: a registered method's name, or ``unknown``. Statuses
are ``ok`` or a :class:`~aztec.foundation.json_rpc.errors.JsonRpcError` subclass's fixed ``name``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Final, Protocol

STATUS_OK: Final = "ok"
"""The status of a call that returned a result."""


class CallScope(Protocol):
    """One call under observation (a span, when traced): told how it failed, if it did."""

    def failed(self, code: int, error: BaseException | None = None) -> None:
        """The call ends with JSON-RPC error ``code``; ``error`` is the node's own exception, if that was it."""
        ...


class JsonRpcServerHooks(Protocol):
    """What a :class:`~aztec.foundation.json_rpc.server.JsonRpcServer` reports while it serves."""

    @property
    def traced(self) -> bool:
        """False when :meth:`call_scope` and :meth:`batch_scope` observe nothing (the server skips them)."""
        ...

    def call_scope(
        self, method: str, request_id: str | None, trace_headers: Mapping[str, str]
    ) -> AbstractAsyncContextManager[CallScope]:
        """Wraps one single (not batched) call; ``trace_headers`` are the request's W3C trace headers."""
        ...

    def batch_scope(self, trace_headers: Mapping[str, str]) -> AbstractAsyncContextManager[object]:
        """Wraps all the calls of one batch."""
        ...

    def on_call(self, method: str, status: str, duration_s: float) -> None:
        """After each call (a single request, one entry of a batch, or a body refused before parsing)."""
        ...

    def on_batch(self, size: int) -> None:
        """A batch of ``size`` calls was accepted."""
        ...


class JsonRpcClientHooks(Protocol):
    """What a :class:`~aztec.foundation.json_rpc.client.JsonRpcClient` reports for each call."""

    @property
    def traced(self) -> bool:
        """False when :meth:`call_scope` observes nothing (the client skips it)."""
        ...

    def call_scope(self, method: str, request_id: int) -> AbstractAsyncContextManager[CallScope]:
        """Wraps one call, from sending it to its answer."""
        ...

    def trace_headers(self) -> Mapping[str, str]:
        """W3C trace headers to send with a request (empty when not traced)."""
        ...


class _Unobserved:
    """A scope that records nothing: one object serves every call."""

    __slots__ = ()

    def failed(self, code: int, error: BaseException | None = None) -> None:
        pass

    async def __aenter__(self) -> _Unobserved:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass


_UNOBSERVED: Final = _Unobserved()


class NoServerHooks:
    """Observes nothing: a server built without hooks."""

    __slots__ = ()

    @property
    def traced(self) -> bool:
        return False

    def call_scope(
        self, method: str, request_id: str | None, trace_headers: Mapping[str, str]
    ) -> AbstractAsyncContextManager[CallScope]:
        return _UNOBSERVED

    def batch_scope(self, trace_headers: Mapping[str, str]) -> AbstractAsyncContextManager[object]:
        return _UNOBSERVED

    def on_call(self, method: str, status: str, duration_s: float) -> None:
        pass

    def on_batch(self, size: int) -> None:
        pass


class NoClientHooks:
    """Observes nothing: a client built without hooks."""

    __slots__ = ()

    @property
    def traced(self) -> bool:
        return False

    def call_scope(self, method: str, request_id: int) -> AbstractAsyncContextManager[CallScope]:
        return _UNOBSERVED

    def trace_headers(self) -> Mapping[str, str]:
        return {}


NO_SERVER_HOOKS: Final = NoServerHooks()
NO_CLIENT_HOOKS: Final = NoClientHooks()
