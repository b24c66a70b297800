"""docs/openrpc.json: generated from the method declarations, valid OpenRPC, served by rpc.discover."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest
from referencing import Registry, Resource
from typer.testing import CliRunner

from aztec.cli.main import app
from aztec.foundation.json_rpc import JsonRpcServer
from aztec.foundation.json_rpc.openrpc import render
from aztec.foundation.json_rpc.registry import DISCOVER, NO_EXAMPLE
from aztec.node.json_rpc_api import NodeRpcHandlers, node_openrpc_document
from aztec.node.json_rpc_methods import declarations

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openrpc.json"
META_SCHEMA = json.loads((Path(__file__).parent / "openrpc-schema.json").read_text())
DRAFT_07 = Resource.from_contents(jsonschema.Draft7Validator.META_SCHEMA)
OFFLINE: Registry[Any] = Registry().with_resource("https://json-schema.org/draft-07/schema", DRAFT_07)
"""The meta-schema refers to JSON Schema draft 7 by its https URL; jsonschema bundles it (no network here)."""
SAMPLES: list[Any] = [
    0,
    7,
    -1,
    2**64 - 1,
    2**64,
    2**70,
    1.5,
    True,
    None,
    "",
    "0x",
    "0x12",
    "0xzz",
    "0x" + "ab" * 32,
    [],
    {},
]


def test_the_committed_document_is_up_to_date() -> None:
    assert COMMITTED.read_text() == render(node_openrpc_document()), (
        "docs/openrpc.json is stale: run `uv run aztec rpc openrpc > docs/openrpc.json`"
    )


def test_the_document_is_valid_openrpc() -> None:
    jsonschema.Draft7Validator.check_schema(META_SCHEMA)
    jsonschema.Draft7Validator(META_SCHEMA, registry=OFFLINE).validate(json.loads(COMMITTED.read_text()))


def test_the_meta_schema_refuses_a_broken_document() -> None:
    broken = json.loads(COMMITTED.read_text())
    del broken["methods"][0]["result"]
    with pytest.raises(jsonschema.ValidationError, match="'result' is a required property"):
        jsonschema.Draft7Validator(META_SCHEMA, registry=OFFLINE).validate(broken)


def test_every_declared_method_is_documented_with_its_declared_types() -> None:
    document = json.loads(COMMITTED.read_text())
    documented = {m["name"]: m for m in document["methods"]}
    assert list(documented) == [d.name for d in declarations()]
    served = set(NodeRpcHandlers(None).registry()) - {DISCOVER}  # type: ignore[arg-type]
    assert served == set(documented)
    for decl in declarations():
        method = documented[decl.name]
        assert [p["name"] for p in method["params"]] == [p.name for p in decl.params]
        for param, doc in zip(decl.params, method["params"], strict=True):
            assert doc["schema"] == param.json_type.schema()


def test_the_schemas_and_the_validation_are_one_definition() -> None:
    """For every param, the published JSON Schema and the server's check agree on sample values."""
    for decl in declarations():
        for param in decl.params:
            validator = jsonschema.Draft7Validator(param.json_type.schema())
            for value in SAMPLES:
                assert validator.is_valid(value) == (param.json_type.problem(value) is None), (decl.name, value)
            if param.example is not NO_EXAMPLE:
                assert param.json_type.problem(param.example) is None
                validator.validate(param.example)
        if decl.result.example is not NO_EXAMPLE:
            jsonschema.Draft7Validator(decl.result.json_type.schema()).validate(decl.result.example)


async def test_rpc_discover_serves_the_document(node_server: JsonRpcServer) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": DISCOVER}
    async with aiohttp.ClientSession() as http, http.post(node_server.url, json=body) as response:
        answer = await response.json()
    assert answer["result"] == json.loads(COMMITTED.read_text())


def test_aztec_rpc_openrpc_prints_it() -> None:
    result = CliRunner().invoke(app, ["rpc", "openrpc"])
    assert result.exit_code == 0, result.output
    assert result.output == COMMITTED.read_text()
