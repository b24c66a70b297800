output "collector_otlp_http_endpoint" {
  description = "Set the nodes' OTEL_EXPORTER_OTLP_ENDPOINT to this (OTLP over HTTP, in-cluster)."
  value       = "http://${local.collector_host}:4318"
}

output "collector_otlp_grpc_endpoint" {
  description = "OTLP over gRPC (OTEL_EXPORTER_OTLP_ENDPOINT with OTEL_EXPORTER_OTLP_PROTOCOL=grpc)."
  value       = "http://${local.collector_host}:4317"
}

output "prometheus_url" {
  description = "In-cluster URL of Prometheus."
  value       = local.prometheus_url
}

output "grafana_service" {
  description = "Grafana's service (kubectl port-forward svc/grafana 3000:80 -n <namespace>)."
  value       = "grafana.${local.namespace}.svc.cluster.local"
}

output "collector_otlp_traces_endpoint" {
  description = "Set the nodes' OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to this (spans go on to Jaeger)."
  value       = "http://${local.collector_host}:4318/v1/traces"
}

output "collector_otlp_logs_endpoint" {
  description = "Set the nodes' OTEL_EXPORTER_OTLP_LOGS_ENDPOINT to this."
  value       = "http://${local.collector_host}:4318/v1/logs"
}

output "jaeger_query_url" {
  description = "In-cluster URL of Jaeger's UI and API (Grafana's Jaeger data source)."
  value       = local.jaeger_query_url
}
