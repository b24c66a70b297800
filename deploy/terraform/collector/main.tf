# The OpenTelemetry Collector as agent and gateway, with the Kubernetes provider:
# - the agent, a DaemonSet (one per node) with deploy/otel-collector/agent.yaml: the pods on its node send it OTLP
#   through the Service otel-agent, whose internal traffic policy Local keeps the traffic on the node; it adds the
#   sender's Kubernetes metadata (k8sattributes, hence its service account) and forwards to the gateway;
# - the gateway, a Deployment of var.gateway_replicas with deploy/otel-collector/config.yaml (the compose
#   collector: service labels, the Prometheus exporter on :8889, traces to Jaeger), behind the headless Service
#   otel-gateway, whose DNS name lists every replica for the agents' load-balancing exporter.
# tests/deploy/test_collector_topology.py parses this module (hcl2), checks its wiring against the configs, runs
# checkov's Kubernetes checks on its rendered manifests, and runs the agent -> gateway hop with real collectors.

locals {
  deploy_dir = "${path.module}/../.."

  agent_name   = "otel-agent"
  gateway_name = "otel-gateway"
  gateway_host = "${local.gateway_name}.${var.namespace}.svc.cluster.local"

  agent_config = yamldecode(file("${local.deploy_dir}/otel-collector/agent.yaml"))
  # The compose collector's config, its traces exporter pointed at the in-cluster Jaeger.
  compose_collector = yamldecode(file("${local.deploy_dir}/otel-collector/config.yaml"))
  gateway_config = merge(local.compose_collector, {
    exporters = merge(local.compose_collector.exporters, {
      "otlp/jaeger" = merge(local.compose_collector.exporters["otlp/jaeger"], { endpoint = var.jaeger_endpoint })
    })
  })

  # Ports of both configs (receivers.otlp, the gateway's exporters.prometheus, extensions.health_check,
  # service.telemetry); the test checks them against the YAML.
  otlp_grpc_port  = 4317
  otlp_http_port  = 4318
  prometheus_port = 8889
  health_port     = 13133
  telemetry_port  = 8888

  # Literal maps (no merge), so that the test renders them as they are.
  labels = {
    "app.kubernetes.io/part-of"    = "otel-collector"
    "app.kubernetes.io/managed-by" = "terraform"
  }
  agent_labels = {
    "app.kubernetes.io/part-of"    = "otel-collector"
    "app.kubernetes.io/managed-by" = "terraform"
    "app.kubernetes.io/name"       = local.agent_name
    "app.kubernetes.io/component"  = "agent"
  }
  gateway_labels = {
    "app.kubernetes.io/part-of"    = "otel-collector"
    "app.kubernetes.io/managed-by" = "terraform"
    "app.kubernetes.io/name"       = local.gateway_name
    "app.kubernetes.io/component"  = "gateway"
  }

  # The Prometheus job names of compose (deploy/prometheus/prometheus.yml), which the alert rules read
  # (AztecCollectorDown: up{job="otel-collector"}).
  exporter_job  = "otel-collector"
  telemetry_job = "otel-collector-telemetry"
}

# --- the agent ------------------------------------------------------------------------------------------

resource "kubernetes_config_map_v1" "agent" {
  metadata {
    name      = "${local.agent_name}-config"
    namespace = var.namespace
    labels    = local.agent_labels
  }
  data = { "config.yaml" = yamlencode(local.agent_config) }
}

resource "kubernetes_service_account_v1" "agent" {
  metadata {
    name      = local.agent_name
    namespace = var.namespace
    labels    = local.agent_labels
  }
}

# What k8sattributes reads: the pods of the agent's node, their namespaces and the ReplicaSets behind
# Deployments (for k8s.deployment.name). Read-only.
resource "kubernetes_cluster_role_v1" "agent" {
  metadata {
    name   = local.agent_name
    labels = local.agent_labels
  }
  rule {
    api_groups = [""]
    resources  = ["pods", "namespaces"]
    verbs      = ["get", "list", "watch"]
  }
  rule {
    api_groups = ["apps"]
    resources  = ["replicasets"]
    verbs      = ["get", "list", "watch"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "agent" {
  metadata {
    name   = local.agent_name
    labels = local.agent_labels
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.agent.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = kubernetes_service_account_v1.agent.metadata[0].name
    namespace = var.namespace
  }
}

resource "kubernetes_daemon_set_v1" "agent" {
  metadata {
    name      = local.agent_name
    namespace = var.namespace
    labels    = local.agent_labels
  }
  spec {
    selector {
      match_labels = { "app.kubernetes.io/name" = local.agent_name }
    }
    template {
      metadata {
        labels = local.agent_labels
        # A changed config rolls the agents.
        annotations = { "checksum/config" = sha256(yamlencode(local.agent_config)) }
      }
      spec {
        service_account_name = kubernetes_service_account_v1.agent.metadata[0].name
        # checkov:skip=CKV_K8S_38: the k8sattributes processor reads pods and namespaces from the API with this token
        automount_service_account_token = true
        security_context {
          run_as_non_root = true
          run_as_user     = 10001
          run_as_group    = 10001
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name = "otel-agent"
          # checkov:skip=CKV_K8S_43: pinned by tag as in compose (var.image); pass repository@sha256:digest to pin by digest
          image             = var.image
          image_pull_policy = "Always"
          args              = ["--config=/conf/config.yaml"]

          env {
            name = "K8S_NODE_NAME"
            value_from {
              field_ref {
                field_path = "spec.nodeName"
              }
            }
          }
          env {
            name  = "OTEL_GATEWAY_HOST"
            value = local.gateway_host
          }
          env {
            name  = "GOMEMLIMIT"
            value = var.agent_resources.gomemlimit
          }

          port {
            name           = "otlp-grpc"
            container_port = local.otlp_grpc_port
          }
          port {
            name           = "otlp-http"
            container_port = local.otlp_http_port
          }
          port {
            name           = "telemetry"
            container_port = local.telemetry_port
          }
          port {
            name           = "health"
            container_port = local.health_port
          }

          liveness_probe {
            http_get {
              path = "/"
              port = "health"
            }
            period_seconds = 10
          }
          readiness_probe {
            http_get {
              path = "/"
              port = "health"
            }
            period_seconds = 5
          }

          resources {
            requests = { cpu = var.agent_resources.cpu_request, memory = var.agent_resources.memory_request }
            limits   = { cpu = var.agent_resources.cpu_limit, memory = var.agent_resources.memory_limit }
          }

          security_context {
            allow_privilege_escalation = false
            privileged                 = false
            read_only_root_filesystem  = true
            run_as_non_root            = true
            run_as_user                = 10001
            capabilities {
              drop = ["ALL"]
            }
          }

          volume_mount {
            name       = "config"
            mount_path = "/conf"
            read_only  = true
          }
        }
        volume {
          name = "config"
          config_map {
            name = kubernetes_config_map_v1.agent.metadata[0].name
          }
        }
      }
    }
  }
}

# The workloads' OTLP endpoint: node-local, so a pod always reaches the agent of its own node (with no agent on
# that node the traffic is dropped; the node logs the failed exports and retries).
resource "kubernetes_service_v1" "agent" {
  metadata {
    name      = local.agent_name
    namespace = var.namespace
    labels    = local.agent_labels
  }
  spec {
    selector                = { "app.kubernetes.io/name" = local.agent_name }
    internal_traffic_policy = "Local"
    port {
      name        = "otlp-grpc"
      port        = local.otlp_grpc_port
      target_port = "otlp-grpc"
    }
    port {
      name        = "otlp-http"
      port        = local.otlp_http_port
      target_port = "otlp-http"
    }
    port {
      name        = "telemetry"
      port        = local.telemetry_port
      target_port = "telemetry"
    }
  }
}

# --- the gateway ----------------------------------------------------------------------------------------

resource "kubernetes_config_map_v1" "gateway" {
  metadata {
    name      = "${local.gateway_name}-config"
    namespace = var.namespace
    labels    = local.gateway_labels
  }
  data = { "config.yaml" = yamlencode(local.gateway_config) }
}

resource "kubernetes_deployment_v1" "gateway" {
  metadata {
    name      = local.gateway_name
    namespace = var.namespace
    labels    = local.gateway_labels
  }
  spec {
    replicas = var.gateway_replicas
    selector {
      match_labels = { "app.kubernetes.io/name" = local.gateway_name }
    }
    template {
      metadata {
        labels      = local.gateway_labels
        annotations = { "checksum/config" = sha256(yamlencode(local.gateway_config)) }
      }
      spec {
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = 10001
          run_as_group    = 10001
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name = "otel-gateway"
          # checkov:skip=CKV_K8S_43: pinned by tag as in compose (var.image); pass repository@sha256:digest to pin by digest
          image             = var.image
          image_pull_policy = "Always"
          args              = ["--config=/conf/config.yaml"]

          env {
            name  = "GOMEMLIMIT"
            value = var.gateway_resources.gomemlimit
          }

          port {
            name           = "otlp-grpc"
            container_port = local.otlp_grpc_port
          }
          port {
            name           = "otlp-http"
            container_port = local.otlp_http_port
          }
          port {
            name           = "prom-exporter"
            container_port = local.prometheus_port
          }
          port {
            name           = "telemetry"
            container_port = local.telemetry_port
          }
          port {
            name           = "health"
            container_port = local.health_port
          }

          liveness_probe {
            http_get {
              path = "/"
              port = "health"
            }
            period_seconds = 10
          }
          readiness_probe {
            http_get {
              path = "/"
              port = "health"
            }
            period_seconds = 5
          }

          resources {
            requests = { cpu = var.gateway_resources.cpu_request, memory = var.gateway_resources.memory_request }
            limits   = { cpu = var.gateway_resources.cpu_limit, memory = var.gateway_resources.memory_limit }
          }

          security_context {
            allow_privilege_escalation = false
            privileged                 = false
            read_only_root_filesystem  = true
            run_as_non_root            = true
            run_as_user                = 10001
            capabilities {
              drop = ["ALL"]
            }
          }

          volume_mount {
            name       = "config"
            mount_path = "/conf"
            read_only  = true
          }
        }
        volume {
          name = "config"
          config_map {
            name = kubernetes_config_map_v1.gateway.metadata[0].name
          }
        }
      }
    }
  }
}

# Headless: its DNS name resolves to every ready replica, which the agents' load-balancing exporter routes
# between (by resource) and Prometheus discovers one by one.
resource "kubernetes_service_v1" "gateway" {
  metadata {
    name      = local.gateway_name
    namespace = var.namespace
    labels    = local.gateway_labels
  }
  spec {
    cluster_ip = "None"
    selector   = { "app.kubernetes.io/name" = local.gateway_name }
    port {
      name        = "otlp-grpc"
      port        = local.otlp_grpc_port
      target_port = "otlp-grpc"
    }
    port {
      name        = "otlp-http"
      port        = local.otlp_http_port
      target_port = "otlp-http"
    }
    port {
      name        = "prom-exporter"
      port        = local.prometheus_port
      target_port = "prom-exporter"
    }
    port {
      name        = "telemetry"
      port        = local.telemetry_port
      target_port = "telemetry"
    }
  }
}

resource "kubernetes_pod_disruption_budget_v1" "gateway" {
  metadata {
    name      = local.gateway_name
    namespace = var.namespace
    labels    = local.gateway_labels
  }
  spec {
    max_unavailable = "1"
    selector {
      match_labels = { "app.kubernetes.io/name" = local.gateway_name }
    }
  }
}

# Ingress to the collectors only on their OTLP, metrics and health ports (the workloads, the agents, Prometheus,
# the kubelet's probes); egress is not restricted (the gateways, Jaeger, the Kubernetes API).
resource "kubernetes_network_policy_v1" "collectors" {
  metadata {
    name      = "otel-collector"
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    pod_selector {
      match_labels = { "app.kubernetes.io/part-of" = "otel-collector" }
    }
    policy_types = ["Ingress"]
    ingress {
      from {
        namespace_selector {}
      }
      port {
        port     = "otlp-grpc"
        protocol = "TCP"
      }
      port {
        port     = "otlp-http"
        protocol = "TCP"
      }
      port {
        port     = "prom-exporter"
        protocol = "TCP"
      }
      port {
        port     = "telemetry"
        protocol = "TCP"
      }
      port {
        port     = "health"
        protocol = "TCP"
      }
    }
  }
}

# --- discovery by the Prometheus Operator (optional: its CRDs must exist at plan time) -----------------
# Jobs as in compose: the gateways' exporter is `otel-collector`, every collector's own metrics
# `otel-collector-telemetry`.

resource "kubernetes_manifest" "service_monitor" {
  count = var.monitor_kind == "ServiceMonitor" ? 1 : 0

  manifest = {
    apiVersion = "monitoring.coreos.com/v1"
    kind       = "ServiceMonitor"
    metadata = {
      name      = "otel-collector"
      namespace = var.namespace
      labels    = local.labels
    }
    spec = {
      selector = { matchLabels = { "app.kubernetes.io/part-of" = "otel-collector" } }
      endpoints = [
        {
          port        = "prom-exporter"
          interval    = var.scrape_interval
          relabelings = [{ action = "replace", targetLabel = "job", replacement = local.exporter_job }]
        },
        {
          port        = "telemetry"
          interval    = var.scrape_interval
          relabelings = [{ action = "replace", targetLabel = "job", replacement = local.telemetry_job }]
        },
      ]
    }
  }
}

resource "kubernetes_manifest" "pod_monitor" {
  count = var.monitor_kind == "PodMonitor" ? 1 : 0

  manifest = {
    apiVersion = "monitoring.coreos.com/v1"
    kind       = "PodMonitor"
    metadata = {
      name      = "otel-collector"
      namespace = var.namespace
      labels    = local.labels
    }
    spec = {
      selector = { matchLabels = { "app.kubernetes.io/part-of" = "otel-collector" } }
      podMetricsEndpoints = [
        {
          port        = "prom-exporter"
          interval    = var.scrape_interval
          relabelings = [{ action = "replace", targetLabel = "job", replacement = local.exporter_job }]
        },
        {
          port        = "telemetry"
          interval    = var.scrape_interval
          relabelings = [{ action = "replace", targetLabel = "job", replacement = local.telemetry_job }]
        },
      ]
    }
  }
}
