"""The metrics stack as code: the Prometheus names of registry metrics and the dashboards.

The checks of the deploy files are test code (tests/support/deploy).
"""
