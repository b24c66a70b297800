output "collector_otlp_http_endpoint" {
  description = "Set the nodes' OTEL_EXPORTER_OTLP_ENDPOINT to this: the collector agent of their own node (OTLP over HTTP)."
  value       = module.collector.otlp_http_endpoint
}

output "collector_otlp_grpc_endpoint" {
  description = "OTLP over gRPC to the node-local agent (OTEL_EXPORTER_OTLP_ENDPOINT with OTEL_EXPORTER_OTLP_PROTOCOL=grpc)."
  value       = module.collector.otlp_grpc_endpoint
}

output "collector_gateway_host" {
  description = "The collector gateways' headless Service (the agents forward to it)."
  value       = module.collector.gateway_host
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
  value       = "${module.collector.otlp_http_endpoint}/v1/traces"
}

output "collector_otlp_logs_endpoint" {
  description = "Set the nodes' OTEL_EXPORTER_OTLP_LOGS_ENDPOINT to this."
  value       = "${module.collector.otlp_http_endpoint}/v1/logs"
}

output "jaeger_query_url" {
  description = "In-cluster URL of Jaeger's UI and API (Grafana's Jaeger data source)."
  value       = local.jaeger_query_url
}
