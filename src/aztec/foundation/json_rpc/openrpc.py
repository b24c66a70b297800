"""The OpenRPC document of a method registry (https://spec.open-rpc.org/), generated, never written.

Every method's params (name, required, JSON Schema of its declared type, description), result,
application errors and, where every param and the result have one, an example pairing. The standard
errors (-32700 to -32603) apply to every method and are listed once under ``components.errors``.
"""

from __future__ import annotations

import json
from typing import Any, Final

from aztec.foundation.json_rpc.errors import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
)
from aztec.foundation.json_rpc.registry import NO_EXAMPLE, Method, MethodRegistry

OPENRPC_VERSION: Final = "1.3.2"

STANDARD_ERRORS: Final = {
    "ParseError": {"code": PARSE_ERROR, "message": "Parse error: the body is not JSON"},
    "InvalidRequest": {
        "code": INVALID_REQUEST,
        "message": "Invalid request: not a JSON-RPC 2.0 request, a refused host, content type or size",
    },
    "MethodNotFound": {"code": METHOD_NOT_FOUND, "message": "Method not found"},
    "InvalidParams": {
        "code": INVALID_PARAMS,
        "message": "Invalid params: a parameter is missing, of the wrong type or out of its range",
    },
    "InternalError": {"code": INTERNAL_ERROR, "message": "Internal error: the node's own fault (logged)"},
}


def _method(method: Method) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": method.name}
    if method.summary:
        doc["summary"] = method.summary
    doc["paramStructure"] = "either"
    params = []
    for param in method.params:
        descriptor: dict[str, Any] = {"name": param.name, "required": not param.optional}
        if param.description:
            descriptor["description"] = param.description
        descriptor["schema"] = param.json_type.schema()
        params.append(descriptor)
    doc["params"] = params
    result: dict[str, Any] = {"name": method.result.name}
    if method.result.description:
        result["description"] = method.result.description
    result["schema"] = method.result.json_type.schema()
    doc["result"] = result
    errors = [{"$ref": "#/components/errors/InvalidParams"}] if method.params else []
    for error in method.errors:
        entry: dict[str, Any] = {"code": error.code, "message": error.message}
        if error.data is not None:
            entry["data"] = error.data
        errors.append(entry)
    if errors:
        doc["errors"] = errors
    examples = [p.example for p in method.params]
    if method.result.example is not NO_EXAMPLE and NO_EXAMPLE not in examples:
        doc["examples"] = [
            {
                "name": f"{method.name} example",
                "params": [{"name": p.name, "value": p.example} for p in method.params],
                "result": {"name": method.result.name, "value": method.result.example},
            }
        ]
    return doc


def openrpc_document(registry: MethodRegistry, *, title: str, version: str, description: str = "") -> dict[str, Any]:
    """The OpenRPC document of every method in ``registry``, in registration order."""
    info: dict[str, Any] = {"title": title, "version": version}
    if description:
        info["description"] = description
    return {
        "openrpc": OPENRPC_VERSION,
        "info": info,
        "methods": [_method(m) for m in registry.methods()],
        "components": {"errors": STANDARD_ERRORS},
    }


def render(document: dict[str, Any]) -> str:
    """The document as committed in ``docs/openrpc.json`` (indented, stable, newline at the end)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
