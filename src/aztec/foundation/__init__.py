"""Shared helpers used by every component: timers and configuration parsing."""
