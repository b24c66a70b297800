"""The node's JSON-RPC listener settings (:class:`aztec.node.config.NodeConfig`, ``RpcConfig``).

The connection limits' defaults are the HTTP listener's own (:mod:`aztec.foundation.listener_defaults`).
"""

from __future__ import annotations

from typing import Final

from aztec.foundation.listener_defaults import BODY_TIMEOUT_S, HEADER_TIMEOUT_S, IDLE_TIMEOUT_S, MAX_CONNECTIONS
from aztec.foundation.settings import FloatSetting, HostSetting, IntSetting, TextSetting
from aztec.stdlib.config.bounds import MAX_PORT, MAX_TIMEOUT_S

FOLLOWER_RPC_OFFSET: Final = 1
"""The follower's JSON-RPC port is ``--rpc-port`` + 1."""

RPC_HOST: Final = HostSetting(
    key="rpc_host",
    flag="--rpc-host",
    variable="AZTEC_RPC_HOST",
    default="127.0.0.1",
    metavar="HOST",
    help="JSON-RPC bind address.",
)
RPC_PORT: Final = IntSetting(
    key="rpc_port",
    flag="--rpc-port",
    variable="AZTEC_RPC_PORT",
    default=8080,
    minimum=0,
    maximum=MAX_PORT,
    metavar="PORT",
    help=f"Sequencer node JSON-RPC port (follower: +{FOLLOWER_RPC_OFFSET}; 0: any).",
    accepted_doc="the follower's port in range too",
)
RPC_ALLOWED_HOSTS: Final = TextSetting(
    key="rpc_allowed_hosts",
    flag="--rpc-allowed-hosts",
    variable="AZTEC_RPC_ALLOWED_HOSTS",
    default="",
    metavar="HOSTS",
    help="Host names the RPC answers, comma-separated (* any).",
    default_doc="`localhost` and the bound address",
    accepted_doc="comma-separated host names or addresses (`*.` prefix allowed); `*` any",
)
RPC_CORS_ORIGINS: Final = TextSetting(
    key="rpc_cors_origins",
    flag="--rpc-cors-origins",
    variable="AZTEC_RPC_CORS_ORIGINS",
    default="",
    metavar="ORIGINS",
    help="Origins allowed by CORS (default: CORS off).",
    default_doc="none: CORS off",
    accepted_doc="comma-separated origins (`scheme://host[:port]`); `*` any",
)
RPC_MAX_CONNECTIONS: Final = IntSetting(
    key="rpc_max_connections",
    flag="--rpc-max-connections",
    variable="AZTEC_RPC_MAX_CONNECTIONS",
    default=MAX_CONNECTIONS,
    minimum=1,
    maximum=1_000_000,
    metavar="N",
    help="Most open JSON-RPC connections.",
)
RPC_HEADER_TIMEOUT: Final = FloatSetting(
    key="rpc_header_timeout",
    flag="--rpc-header-timeout",
    variable="AZTEC_RPC_HEADER_TIMEOUT",
    default=HEADER_TIMEOUT_S,
    minimum=0.001,
    maximum=MAX_TIMEOUT_S,
    unit="s",
    metavar="S",
    help="Seconds a request's headers may take.",
)
RPC_BODY_TIMEOUT: Final = FloatSetting(
    key="rpc_body_timeout",
    flag="--rpc-body-timeout",
    variable="AZTEC_RPC_BODY_TIMEOUT",
    default=BODY_TIMEOUT_S,
    minimum=0.001,
    maximum=MAX_TIMEOUT_S,
    unit="s",
    metavar="S",
    help="Seconds a request body may take.",
)
RPC_IDLE_TIMEOUT: Final = FloatSetting(
    key="rpc_idle_timeout",
    flag="--rpc-idle-timeout",
    variable="AZTEC_RPC_IDLE_TIMEOUT",
    default=IDLE_TIMEOUT_S,
    minimum=0.001,
    maximum=MAX_TIMEOUT_S,
    unit="s",
    metavar="S",
    help="Seconds an idle keep-alive connection is kept.",
)
