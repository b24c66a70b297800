"""Slow clients (slowloris) for the listener tests: connections that start a request and never finish it."""

from __future__ import annotations

import socket
from typing import Final

SLOW_SOCKETS: Final = 200
"""How many slow connections the listener tests hold open at once."""


def slow_socket(port: int) -> socket.socket:
    """A client that starts a request and never finishes its headers (slowloris)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed this connection (without waiting more than 10 ms)."""
    sock.settimeout(0.01)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True
