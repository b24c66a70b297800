output "otlp_http_endpoint" {
  description = "The workloads' OTEL_EXPORTER_OTLP_ENDPOINT: the agent of their own node, OTLP over HTTP."
  value       = "http://${local.agent_name}.${var.namespace}.svc.cluster.local:${local.otlp_http_port}"
}

output "otlp_grpc_endpoint" {
  description = "The node-local agent over OTLP/gRPC (with OTEL_EXPORTER_OTLP_PROTOCOL=grpc)."
  value       = "http://${local.agent_name}.${var.namespace}.svc.cluster.local:${local.otlp_grpc_port}"
}

output "gateway_host" {
  description = "The gateways' headless Service (one DNS record per replica)."
  value       = local.gateway_host
}

output "gateway_service" {
  description = "Name of the gateways' Service, whose prom-exporter port Prometheus scrapes on every replica."
  value       = kubernetes_service_v1.gateway.metadata[0].name
}

output "prometheus_port_name" {
  description = "Port name of the gateways' Prometheus exporter."
  value       = "prom-exporter"
}
