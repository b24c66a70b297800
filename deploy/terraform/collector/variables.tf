variable "namespace" {
  description = "Namespace of the agents and gateways (it must exist)."
  type        = string
}

variable "image" {
  description = "The collector image: the contrib distribution (it has k8sattributes, loadbalancing and the Prometheus exporter), pinned."
  type        = string
  default     = "otel/opentelemetry-collector-contrib:0.123.0"

  validation {
    condition     = can(regex("(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]*)$", var.image)) && !endswith(var.image, ":latest")
    error_message = "image must be pinned: repository:tag (not latest) or repository@sha256:digest."
  }
}

variable "gateway_replicas" {
  description = "Gateway replicas; each node's series go to one of them (the agents route by resource)."
  type        = number
  default     = 2

  validation {
    condition     = var.gateway_replicas >= 1
    error_message = "gateway_replicas must be at least 1."
  }
}

variable "jaeger_endpoint" {
  description = "host:port of the trace back end's OTLP/gRPC receiver, for the gateway's traces exporter."
  type        = string
}

variable "monitor_kind" {
  description = "Prometheus Operator discovery of the collectors: none, ServiceMonitor or PodMonitor (its CRDs must be installed)."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "ServiceMonitor", "PodMonitor"], var.monitor_kind)
    error_message = "monitor_kind must be none, ServiceMonitor or PodMonitor."
  }
}

variable "scrape_interval" {
  description = "Scrape interval of the ServiceMonitor or PodMonitor (the deploy configs' 15s)."
  type        = string
  default     = "15s"
}

variable "agent_resources" {
  description = "Requests and limits of each agent; gomemlimit a little under the memory limit."
  type = object({
    cpu_request    = string
    memory_request = string
    cpu_limit      = string
    memory_limit   = string
    gomemlimit     = string
  })
  default = { cpu_request = "50m", memory_request = "128Mi", cpu_limit = "500m", memory_limit = "512Mi", gomemlimit = "400MiB" }
}

variable "gateway_resources" {
  description = "Requests and limits of each gateway replica; gomemlimit a little under the memory limit."
  type = object({
    cpu_request    = string
    memory_request = string
    cpu_limit      = string
    memory_limit   = string
    gomemlimit     = string
  })
  default = { cpu_request = "100m", memory_request = "256Mi", cpu_limit = "1", memory_limit = "1Gi", gomemlimit = "800MiB" }
}
