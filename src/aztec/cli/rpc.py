"""``aztec rpc``: the node's JSON-RPC API reference, generated from its method declarations."""

from __future__ import annotations

import typer

from aztec.foundation.json_rpc.openrpc import render
from aztec.node.json_rpc_api import node_openrpc_document

app = typer.Typer(no_args_is_help=True, help="The node's JSON-RPC API.")


@app.command()
def openrpc() -> None:
    """Print the OpenRPC document of the node's API (committed as docs/openrpc.json; rpc.discover serves it)."""
    typer.echo(render(node_openrpc_document()), nl=False)
