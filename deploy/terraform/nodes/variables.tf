variable "namespace" {
  description = "Kubernetes namespace of the node workloads."
  type        = string
  default     = "aztec"
}

variable "create_namespace" {
  description = "Create the namespace (false when it is managed elsewhere)."
  type        = bool
  default     = true
}

variable "image" {
  description = "The node image built from deploy/Dockerfile, pinned (a tag other than latest, or a digest)."
  type        = string

  validation {
    condition     = can(regex("(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]*)$", var.image)) && !endswith(var.image, ":latest")
    error_message = "image must be pinned: repository:tag (not latest) or repository@sha256:digest."
  }
}

variable "follower_replicas" {
  description = "Follower nodes (a StatefulSet, each replica with its own volume)."
  type        = number
  default     = 3
}

variable "prover_replicas" {
  description = "Prover nodes (a StatefulSet, each replica with its own volume); 0: the sequencer proves in its own process."
  type        = number
  default     = 1

  validation {
    condition     = var.prover_replicas >= 0 && floor(var.prover_replicas) == var.prover_replicas
    error_message = "prover_replicas must be a whole number, 0 or more."
  }
}

variable "collector_namespace" {
  description = "Namespace of the collector agents (the metrics module's namespace), which the provers' egress may reach."
  type        = string
  default     = "aztec-metrics"
}

variable "bot_enabled" {
  description = "Run the transaction bot against the sequencer."
  type        = bool
  default     = false
}

variable "otlp_endpoint" {
  description = "OTEL_EXPORTER_OTLP_ENDPOINT of every workload: the metrics module's collector_otlp_http_endpoint."
  type        = string
}

variable "storage_size" {
  description = "Size of each node's data volume."
  type        = string
  default     = "20Gi"
}

variable "l1_storage_size" {
  description = "Size of the shared development L1 volume (ReadWriteMany)."
  type        = string
  default     = "5Gi"
}

variable "storage_class_name" {
  description = "Storage class of the data volumes; null uses the cluster's default."
  type        = string
  default     = null
}

variable "l1_storage_class_name" {
  description = "Storage class of the shared L1 volume; it must support ReadWriteMany."
  type        = string
  default     = null
}

variable "resources" {
  description = "Requests and limits per role."
  type = map(object({
    cpu_request    = string
    memory_request = string
    cpu_limit      = string
    memory_limit   = string
  }))
  default = {
    sequencer = { cpu_request = "1", memory_request = "1Gi", cpu_limit = "2", memory_limit = "2Gi" }
    follower  = { cpu_request = "250m", memory_request = "512Mi", cpu_limit = "1", memory_limit = "1Gi" }
    prover    = { cpu_request = "1", memory_request = "1Gi", cpu_limit = "2", memory_limit = "2Gi" }
    bot       = { cpu_request = "100m", memory_request = "256Mi", cpu_limit = "500m", memory_limit = "512Mi" }
  }
}

variable "monitor_kind" {
  description = "Prometheus Operator discovery of the nodes: none (pod annotations), ServiceMonitor or PodMonitor (its CRDs must be installed)."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "ServiceMonitor", "PodMonitor"], var.monitor_kind)
    error_message = "monitor_kind must be none, ServiceMonitor or PodMonitor."
  }
}

variable "scrape_all_metrics" {
  description = "Scrape every metric from the nodes' own endpoints (no collector); false: only up and the telemetry self-metrics, the rest comes by OTLP."
  type        = bool
  default     = false
}

variable "scrape_interval" {
  description = "Scrape interval of the ServiceMonitor or PodMonitor (the deploy configs' 15s)."
  type        = string
  default     = "15s"
}
