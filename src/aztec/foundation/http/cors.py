"""CORS for a JSON API: off unless origins are listed (geth's ``--http.corsdomain``), preflight included."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

ANY_ORIGIN: Final = "*"
PREFLIGHT_MAX_AGE_S: Final = 600


class CorsPolicy:
    """The origins a browser page may call from; empty means no CORS headers at all."""

    def __init__(self, origins: Iterable[str]) -> None:
        listed = [o.strip().rstrip("/") for o in origins if o.strip()]
        self.any = ANY_ORIGIN in listed
        self.origins = frozenset(o.lower() for o in listed if o != ANY_ORIGIN)

    @property
    def enabled(self) -> bool:
        return self.any or bool(self.origins)

    def allowed_origin(self, origin: str | None) -> str | None:
        """The value of Access-Control-Allow-Origin for a request from ``origin`` (None: no header)."""
        if origin is None or not self.enabled:
            return None
        if self.any:
            return ANY_ORIGIN
        return origin if origin.rstrip("/").lower() in self.origins else None

    def response_headers(self, origin: str | None) -> dict[str, str]:
        allowed = self.allowed_origin(origin)
        if allowed is None:
            return {}
        return {"Access-Control-Allow-Origin": allowed, "Vary": "Origin"}

    def preflight_headers(self, origin: str | None) -> dict[str, str] | None:
        """Headers of the answer to a preflight (OPTIONS) from ``origin``; None when it is refused."""
        allowed = self.allowed_origin(origin)
        if allowed is None:
            return None
        return {
            "Access-Control-Allow-Origin": allowed,
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_S),
            "Vary": "Origin",
        }
