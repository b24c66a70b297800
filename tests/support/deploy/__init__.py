"""Checks of the deploy files used by the tests: static consistency of compose, collector and Prometheus files,
the Terraform module's HCL, and queries against a running Prometheus."""
