"""The metrics stack as code: Prometheus names of registry metrics, dashboards, and deploy-file checks."""
