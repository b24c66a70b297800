"""The node's settings, one definition each (flag, variable, type, bounds, default, help), per component.

Each module holds one component's settings, in the style of Aztec's per-component config mappings; the
component's config dataclass takes its field defaults (and any bounds it re-checks) from them, and
:mod:`aztec.sandbox.settings` lists them as ``aztec start``'s options. Light on purpose: every module
imports only :mod:`aztec.foundation.settings` (and constants), since ``aztec start --help`` imports them.
"""
