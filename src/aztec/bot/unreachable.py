"""Why the bot's node did not answer: a bounded ``error.type`` for the metric and a reason for the operator."""

from __future__ import annotations

from aztec.foundation.json_rpc.failures import ERROR_TYPES, classify

__all__ = ["ERROR_TYPES", "classify"]
