"""JSON-RPC 2.0 errors: the standard codes, application errors, and the client's transport error.

The same classes serve both sides: a handler raises one to answer with that error, and the client
raises the one matching a response's code (an unknown code gives a plain :class:`JsonRpcError`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

PARSE_ERROR: Final = -32700
INVALID_REQUEST: Final = -32600
METHOD_NOT_FOUND: Final = -32601
INVALID_PARAMS: Final = -32602
INTERNAL_ERROR: Final = -32603
APPLICATION_ERROR: Final = -32000
"""The first code of the range JSON-RPC leaves to servers (-32000 to -32099)."""


class JsonRpcError(Exception):
    """An error response: ``code``, ``message`` and optional ``data`` (any JSON value).

    ``name`` labels the error in metrics (the ``aztec.json_rpc.status`` attribute), so it must come
    from a fixed set: subclasses set it once, never from request contents.
    """

    code: int = APPLICATION_ERROR
    name: ClassVar[str] = "application_error"

    def __init__(self, message: str, data: Any = None, *, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data
        if code is not None:
            self.code = code

    def to_json(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code}, message={self.message!r}, data={self.data!r})"


class ParseError(JsonRpcError):
    code = PARSE_ERROR
    name = "parse_error"


class InvalidRequestError(JsonRpcError):
    code = INVALID_REQUEST
    name = "invalid_request"


class RequestTooLargeError(InvalidRequestError):
    """The body is over the server's size limit (an invalid request, answered with HTTP 413)."""

    name = "request_too_large"


class HostNotAllowedError(InvalidRequestError):
    """The Host header is not on the server's allow-list (answered with HTTP 403)."""

    name = "host_not_allowed"


class UnsupportedMediaTypeError(InvalidRequestError):
    """The body is not declared as JSON (answered with HTTP 415)."""

    name = "unsupported_media_type"


class RequestTimeoutError(InvalidRequestError):
    """The body did not arrive within the body timeout (answered with HTTP 408)."""

    name = "request_timeout"


class MethodNotFoundError(JsonRpcError):
    code = METHOD_NOT_FOUND
    name = "method_not_found"


class InvalidParamsError(JsonRpcError):
    code = INVALID_PARAMS
    name = "invalid_params"


class InternalError(JsonRpcError):
    code = INTERNAL_ERROR
    name = "internal_error"


_BY_CODE: Final[dict[int, type[JsonRpcError]]] = {
    cls.code: cls for cls in (ParseError, InvalidRequestError, MethodNotFoundError, InvalidParamsError, InternalError)
}


def error_from_response(error: Any) -> JsonRpcError:
    """The exception for a response's ``error`` member (a malformed member gives an internal error)."""
    if not isinstance(error, dict) or not isinstance(error.get("code"), int) or isinstance(error.get("code"), bool):
        return InternalError(f"malformed error object in response: {error!r}")
    code: int = error["code"]
    message = error.get("message")
    text = message if isinstance(message, str) else repr(message)
    cls = _BY_CODE.get(code, JsonRpcError)
    return cls(text, error.get("data"), code=code)


class JsonRpcTransportError(Exception):
    """The client got no JSON-RPC answer: connection failure, timeout, or a body that is not a response."""
