"""Protocols one component needs from another: world-state views and forks, a block source, the node's API."""
