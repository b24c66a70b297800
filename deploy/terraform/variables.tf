variable "namespace" {
  description = "Kubernetes namespace for the collector, Prometheus and Grafana."
  type        = string
  default     = "aztec-metrics"
}

variable "create_namespace" {
  description = "Create the namespace (false when it is managed elsewhere)."
  type        = bool
  default     = true
}

variable "prometheus_retention" {
  description = "How long Prometheus keeps samples (Prometheus duration, e.g. 15d)."
  type        = string
  default     = "15d"

  validation {
    condition     = can(regex("^[0-9]+(ms|s|m|h|d|w|y)$", var.prometheus_retention))
    error_message = "prometheus_retention must be a Prometheus duration such as 15d or 720h."
  }
}

variable "prometheus_storage_size" {
  description = "Size of Prometheus's persistent volume."
  type        = string
  default     = "50Gi"
}

variable "alertmanager_storage_size" {
  description = "Size of Alertmanager's persistent volume (silences and notification log)."
  type        = string
  default     = "2Gi"
}

variable "grafana_storage_size" {
  description = "Size of Grafana's persistent volume."
  type        = string
  default     = "5Gi"
}

variable "storage_class_name" {
  description = "Storage class of the persistent volumes; null uses the cluster's default."
  type        = string
  default     = null
}

variable "node_scrape_targets" {
  description = "host:port of the nodes' embedded metrics endpoints, scraped for liveness only (AztecNodeDown)."
  type        = list(string)
  default     = []
}

variable "grafana_admin_password" {
  description = "Grafana admin password; null lets the chart generate one into a Secret."
  type        = string
  default     = null
  sensitive   = true
}

variable "collector_gateway_replicas" {
  description = "Replicas of the collector gateway (the agents run one per node)."
  type        = number
  default     = 2
}

variable "monitor_kind" {
  description = "Also create Prometheus Operator objects for the collectors: none, ServiceMonitor or PodMonitor (CRDs needed)."
  type        = string
  default     = "none"
}

variable "chart_versions" {
  description = "Pinned Helm chart versions."
  type = object({
    prometheus = string
    grafana    = string
    jaeger     = string
  })
  default = {
    prometheus = "27.11.0"
    grafana    = "8.11.4"
    jaeger     = "3.4.1"
  }
}

variable "image_tags" {
  description = "Pinned images, the same versions as deploy/docker-compose.yml."
  type = object({
    collector    = string
    prometheus   = string
    alertmanager = string
    grafana      = string
    jaeger       = string
  })
  default = {
    collector    = "0.123.0"
    prometheus   = "v2.53.4"
    alertmanager = "v0.27.0"
    grafana      = "11.6.0"
    jaeger       = "1.62.0"
  }
}
