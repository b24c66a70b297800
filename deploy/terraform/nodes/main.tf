# The node's roles on Kubernetes: the sequencer (with the development L1) as a StatefulSet of one, provers
# (`aztec start --prover` without --sequencer) as a StatefulSet of var.prover_replicas and followers as one of
# var.follower_replicas, each replica with its own data volume, and optionally the bot. With no prover
# replicas the sequencer proves its blocks in its own process (--prover). Settings are the `aztec start` environment variables (src/aztec/sandbox/validation.py),
# OTLP goes to the collector agent of the pod's node (the metrics module's collector_otlp_http_endpoint), and
# Prometheus finds the scrape endpoints by pod annotations or by a ServiceMonitor or PodMonitor.
# tests/deploy/test_terraform.py parses this module (hcl2), checks its wiring against the node's settings,
# and runs checkov's Kubernetes checks on it.
#
# The development L1 is a SQLite file: every pod reads it from one ReadWriteMany volume (the data directory's
# l1.sqlite is a symbolic link to it). That suits a test cluster; SQLite's locking is not reliable on NFS.

locals {
  namespace = var.create_namespace ? kubernetes_namespace_v1.nodes[0].metadata[0].name : var.namespace
  home      = "/var/lib/aztec"
  data_dir  = "${local.home}/data"
  l1_dir    = "${local.home}/l1"

  # --rpc-port / --metrics-port of every process; a follower serves on +1 / +2, the bot's metrics on +1, a
  # prover's on +3 (aztec.sandbox.settings: FOLLOWER_RPC_OFFSET, FOLLOWER_METRICS_OFFSET, BOT_METRICS_OFFSET,
  # PROVER_METRICS_OFFSET).
  rpc_port     = 8080
  metrics_port = 9464
  # The provers of their own replace the sequencer's in-process prover.
  sequencer_flags = var.prover_replicas > 0 ? "--l1 --sequencer" : "--l1 --sequencer --prover"

  roles = {
    sequencer = {
      replicas     = 1
      flags        = local.sequencer_flags
      rpc_port     = local.rpc_port
      metrics_port = local.metrics_port
    }
    follower = {
      replicas     = var.follower_replicas
      flags        = "--node"
      rpc_port     = local.rpc_port + 1
      metrics_port = local.metrics_port + 2
    }
  }
  bot_metrics_port    = local.metrics_port + 1
  prover_metrics_port = local.metrics_port + 3
  sequencer_url       = "http://aztec-sequencer-0.aztec-sequencer.${local.namespace}.svc.cluster.local:${local.rpc_port}/"

  settings = {
    AZTEC_DATA_DIR              = local.data_dir
    AZTEC_RPC_HOST              = "0.0.0.0"
    AZTEC_RPC_PORT              = tostring(local.rpc_port)
    AZTEC_PROMETHEUS_HOST       = "0.0.0.0"
    AZTEC_PROMETHEUS_PORT       = tostring(local.metrics_port)
    OTEL_EXPORTER_OTLP_ENDPOINT = var.otlp_endpoint
    OTEL_RESOURCE_ATTRIBUTES    = "service.instance.id=$(POD_NAME)"
  }
  # A prover serves no JSON-RPC: it fetches each block's txs from the sequencer.
  prover_settings = merge(local.settings, { AZTEC_PROVER_NODE_URL = local.sequencer_url })
  labels = {
    "app.kubernetes.io/part-of"    = "aztec-node"
    "app.kubernetes.io/managed-by" = "terraform"
  }

  # Scraping the nodes' own endpoints: with OTLP through the collector (the default), only `up` and the telemetry
  # self-metrics, which must arrive while OTLP export fails (AztecTelemetryExportFailing): compose's keep-list
  # (deploy/prometheus/prometheus.yml, job aztec-node; the test compares). Everything with scrape_all_metrics.
  telemetry_keep     = [{ sourceLabels = ["__name__"], regex = "aztec_telemetry_.+", action = "keep" }]
  metric_relabelings = var.scrape_all_metrics ? [] : local.telemetry_keep
  # The jobs the alert rules read (aztec-node, aztec-bot), and each target's role, from the pod's labels.
  relabelings = [
    { action = "replace", targetLabel = "job", replacement = "aztec-node" },
    {
      action       = "replace"
      sourceLabels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
      regex        = "aztec-bot"
      targetLabel  = "job"
      replacement  = "aztec-bot"
    },
    { action = "replace", sourceLabels = ["__meta_kubernetes_pod_label_app_kubernetes_io_component"], targetLabel = "role" },
  ]
  scrape_annotations = {
    "prometheus.io/scrape" = tostring(var.scrape_all_metrics)
    "prometheus.io/path"   = "/metrics"
  }
}

resource "kubernetes_namespace_v1" "nodes" {
  count = var.create_namespace ? 1 : 0

  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

resource "kubernetes_persistent_volume_claim_v1" "l1" {
  metadata {
    name      = "aztec-l1"
    namespace = local.namespace
    labels    = local.labels
  }
  spec {
    access_modes       = ["ReadWriteMany"]
    storage_class_name = var.l1_storage_class_name
    resources {
      requests = { storage = var.l1_storage_size }
    }
  }
  wait_until_bound = false
}

resource "kubernetes_service_v1" "role" {
  for_each = local.roles

  metadata {
    name      = "aztec-${each.key}"
    namespace = local.namespace
    labels    = merge(local.labels, { "app.kubernetes.io/component" = each.key })
  }
  spec {
    cluster_ip = "None"
    selector   = { "app.kubernetes.io/name" = "aztec-${each.key}" }
    # A node that is not ready (syncing) keeps its DNS name and is still scraped through a ServiceMonitor.
    publish_not_ready_addresses = true
    port {
      name        = "rpc"
      port        = each.value.rpc_port
      target_port = "rpc"
    }
    port {
      name        = "metrics"
      port        = each.value.metrics_port
      target_port = "metrics"
    }
  }
}

resource "kubernetes_stateful_set_v1" "role" {
  for_each = local.roles

  metadata {
    name      = "aztec-${each.key}"
    namespace = local.namespace
    labels    = merge(local.labels, { "app.kubernetes.io/component" = each.key })
  }
  spec {
    service_name = kubernetes_service_v1.role[each.key].metadata[0].name
    replicas     = each.value.replicas
    selector {
      match_labels = { "app.kubernetes.io/name" = "aztec-${each.key}" }
    }
    template {
      metadata {
        labels      = merge(local.labels, { "app.kubernetes.io/name" = "aztec-${each.key}", "app.kubernetes.io/component" = each.key })
        annotations = merge(local.scrape_annotations, { "prometheus.io/port" = tostring(each.value.metrics_port) })
      }
      spec {
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = 10001
          run_as_group    = 10001
          fs_group        = 10001
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name = "aztec"
          # checkov:skip=CKV_K8S_14: var.image is pinned by its validation (a tag other than latest, or a digest)
          # checkov:skip=CKV_K8S_43: the operator builds deploy/Dockerfile and passes var.image (tag or digest)
          image             = var.image
          image_pull_policy = "Always"
          command           = ["/bin/sh", "-c", "ln -sf ${local.l1_dir}/l1.sqlite \"$AZTEC_DATA_DIR/l1.sqlite\" && exec aztec start ${each.value.flags} --no-status"]

          env {
            name = "POD_NAME"
            value_from {
              field_ref {
                field_path = "metadata.name"
              }
            }
          }
          dynamic "env" {
            for_each = local.settings
            content {
              name  = env.key
              value = env.value
            }
          }

          port {
            name           = "rpc"
            container_port = each.value.rpc_port
          }
          port {
            name           = "metrics"
            container_port = each.value.metrics_port
          }

          liveness_probe {
            http_get {
              path = "/healthz"
              port = "rpc"
            }
            initial_delay_seconds = 10
            period_seconds        = 10
            failure_threshold     = 6
          }
          readiness_probe {
            http_get {
              path = "/readyz"
              port = "rpc"
            }
            period_seconds    = 5
            failure_threshold = 3
          }

          resources {
            requests = {
              cpu    = var.resources[each.key].cpu_request
              memory = var.resources[each.key].memory_request
            }
            limits = {
              cpu    = var.resources[each.key].cpu_limit
              memory = var.resources[each.key].memory_limit
            }
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
            name       = "data"
            mount_path = local.data_dir
          }
          volume_mount {
            name       = "l1"
            mount_path = local.l1_dir
          }
          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }
        }
        volume {
          name = "l1"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.l1.metadata[0].name
          }
        }
        volume {
          name = "tmp"
          empty_dir {}
        }
      }
    }
    volume_claim_template {
      metadata {
        name = "data"
      }
      spec {
        access_modes       = ["ReadWriteOnce"]
        storage_class_name = var.storage_class_name
        resources {
          requests = { storage = var.storage_size }
        }
      }
    }
  }
}

# Provers of their own (`aztec start --prover`): each replica follows the shared L1 file with a world state of
# its own (data/prover/ on its volume), fetches each block's txs from the sequencer's JSON-RPC and submits
# the proofs to L1. It serves no JSON-RPC, so the probes ask its scrape endpoint, which serves /healthz and
# /readyz too (ready: L1 answers and its world state is within the node's lag tolerance), as the bot's does.
resource "kubernetes_service_v1" "prover" {
  count = var.prover_replicas > 0 ? 1 : 0

  metadata {
    name      = "aztec-prover"
    namespace = local.namespace
    labels    = merge(local.labels, { "app.kubernetes.io/component" = "prover" })
  }
  spec {
    cluster_ip                  = "None"
    selector                    = { "app.kubernetes.io/name" = "aztec-prover" }
    publish_not_ready_addresses = true
    port {
      name        = "metrics"
      port        = local.prover_metrics_port
      target_port = "metrics"
    }
  }
}

resource "kubernetes_stateful_set_v1" "prover" {
  count = var.prover_replicas > 0 ? 1 : 0

  metadata {
    name      = "aztec-prover"
    namespace = local.namespace
    labels    = merge(local.labels, { "app.kubernetes.io/component" = "prover" })
  }
  spec {
    service_name = kubernetes_service_v1.prover[0].metadata[0].name
    replicas     = var.prover_replicas
    selector {
      match_labels = { "app.kubernetes.io/name" = "aztec-prover" }
    }
    template {
      metadata {
        labels      = merge(local.labels, { "app.kubernetes.io/name" = "aztec-prover", "app.kubernetes.io/component" = "prover" })
        annotations = merge(local.scrape_annotations, { "prometheus.io/port" = tostring(local.prover_metrics_port) })
      }
      spec {
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = 10001
          run_as_group    = 10001
          fs_group        = 10001
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name = "aztec"
          # checkov:skip=CKV_K8S_14: var.image is pinned by its validation (a tag other than latest, or a digest)
          # checkov:skip=CKV_K8S_43: the operator builds deploy/Dockerfile and passes var.image (tag or digest)
          image             = var.image
          image_pull_policy = "Always"
          command           = ["/bin/sh", "-c", "ln -sf ${local.l1_dir}/l1.sqlite \"$AZTEC_DATA_DIR/l1.sqlite\" && exec aztec start --prover --no-status"]

          env {
            name = "POD_NAME"
            value_from {
              field_ref {
                field_path = "metadata.name"
              }
            }
          }
          dynamic "env" {
            for_each = local.prover_settings
            content {
              name  = env.key
              value = env.value
            }
          }

          port {
            name           = "metrics"
            container_port = local.prover_metrics_port
          }

          liveness_probe {
            http_get {
              path = "/healthz"
              port = "metrics"
            }
            initial_delay_seconds = 10
            period_seconds        = 10
            failure_threshold     = 6
          }
          readiness_probe {
            http_get {
              path = "/readyz"
              port = "metrics"
            }
            period_seconds    = 5
            failure_threshold = 3
          }

          resources {
            requests = {
              cpu    = var.resources["prover"].cpu_request
              memory = var.resources["prover"].memory_request
            }
            limits = {
              cpu    = var.resources["prover"].cpu_limit
              memory = var.resources["prover"].memory_limit
            }
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
            name       = "data"
            mount_path = local.data_dir
          }
          volume_mount {
            name       = "l1"
            mount_path = local.l1_dir
          }
          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }
        }
        volume {
          name = "l1"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.l1.metadata[0].name
          }
        }
        volume {
          name = "tmp"
          empty_dir {}
        }
      }
    }
    volume_claim_template {
      metadata {
        name = "data"
      }
      spec {
        access_modes       = ["ReadWriteOnce"]
        storage_class_name = var.storage_class_name
        resources {
          requests = { storage = var.storage_size }
        }
      }
    }
  }
}

# A prover reaches only the sequencer's JSON-RPC (the txs), its node's collector agent (OTLP) and DNS.
resource "kubernetes_network_policy_v1" "prover" {
  count = var.prover_replicas > 0 ? 1 : 0

  metadata {
    name      = "aztec-prover"
    namespace = local.namespace
    labels    = local.labels
  }
  spec {
    pod_selector {
      match_labels = { "app.kubernetes.io/name" = "aztec-prover" }
    }
    policy_types = ["Egress"]
    egress {
      to {
        pod_selector {
          match_labels = { "app.kubernetes.io/name" = "aztec-sequencer" }
        }
      }
      port {
        port     = "rpc"
        protocol = "TCP"
      }
    }
    egress {
      to {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = var.collector_namespace }
        }
        pod_selector {
          match_labels = { "app.kubernetes.io/name" = "otel-agent" }
        }
      }
      port {
        port     = "otlp-http"
        protocol = "TCP"
      }
      port {
        port     = "otlp-grpc"
        protocol = "TCP"
      }
    }
    egress {
      to {
        namespace_selector {}
      }
      port {
        port     = "53"
        protocol = "UDP"
      }
      port {
        port     = "53"
        protocol = "TCP"
      }
    }
  }
}

resource "kubernetes_deployment_v1" "bot" {
  count = var.bot_enabled ? 1 : 0

  metadata {
    name      = "aztec-bot"
    namespace = local.namespace
    labels    = merge(local.labels, { "app.kubernetes.io/component" = "bot" })
  }
  spec {
    replicas = 1
    selector {
      match_labels = { "app.kubernetes.io/name" = "aztec-bot" }
    }
    template {
      metadata {
        labels      = merge(local.labels, { "app.kubernetes.io/name" = "aztec-bot", "app.kubernetes.io/component" = "bot" })
        annotations = merge(local.scrape_annotations, { "prometheus.io/port" = tostring(local.bot_metrics_port) })
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
          name = "aztec"
          # checkov:skip=CKV_K8S_14: var.image is pinned by its validation (a tag other than latest, or a digest)
          # checkov:skip=CKV_K8S_43: the operator builds deploy/Dockerfile and passes var.image (tag or digest)
          image             = var.image
          image_pull_policy = "Always"
          args              = ["start", "--bot", "--no-status"]

          env {
            name = "POD_NAME"
            value_from {
              field_ref {
                field_path = "metadata.name"
              }
            }
          }
          dynamic "env" {
            for_each = merge(local.settings, { AZTEC_BOT_RPC_URL = local.sequencer_url })
            content {
              name  = env.key
              value = env.value
            }
          }

          port {
            name           = "metrics"
            container_port = local.bot_metrics_port
          }

          # The bot has no JSON-RPC port: its scrape endpoint serves the probes (ready: funded, and its node
          # answered its last request).
          liveness_probe {
            http_get {
              path = "/healthz"
              port = "metrics"
            }
            initial_delay_seconds = 10
            period_seconds        = 10
          }
          readiness_probe {
            http_get {
              path = "/readyz"
              port = "metrics"
            }
            period_seconds = 10
          }

          resources {
            requests = {
              cpu    = var.resources["bot"].cpu_request
              memory = var.resources["bot"].memory_request
            }
            limits = {
              cpu    = var.resources["bot"].cpu_limit
              memory = var.resources["bot"].memory_limit
            }
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
            name       = "tmp"
            mount_path = "/tmp"
          }
        }
        volume {
          name = "tmp"
          empty_dir {}
        }
      }
    }
  }
}

# Ingress to the nodes only on their JSON-RPC and metrics ports (the collector, Prometheus, the bot and
# clients in the cluster); egress is not restricted (OTLP to the collector, other nodes).
resource "kubernetes_network_policy_v1" "nodes" {
  metadata {
    name      = "aztec-nodes"
    namespace = local.namespace
    labels    = local.labels
  }
  spec {
    pod_selector {
      match_labels = { "app.kubernetes.io/part-of" = "aztec-node" }
    }
    policy_types = ["Ingress"]
    ingress {
      from {
        namespace_selector {}
      }
      port {
        port     = "rpc"
        protocol = "TCP"
      }
      port {
        port     = "metrics"
        protocol = "TCP"
      }
    }
  }
}

# The bot's metrics port as a Service, for a ServiceMonitor (the bot has no JSON-RPC). A bot that is not ready
# (its node is down) is still scraped: that is when its aztec_bot_node_unreachable_total matters.
resource "kubernetes_service_v1" "bot" {
  count = var.bot_enabled ? 1 : 0

  metadata {
    name      = "aztec-bot"
    namespace = local.namespace
    labels    = merge(local.labels, { "app.kubernetes.io/component" = "bot" })
  }
  spec {
    selector                    = { "app.kubernetes.io/name" = "aztec-bot" }
    publish_not_ready_addresses = true
    port {
      name        = "metrics"
      port        = local.bot_metrics_port
      target_port = "metrics"
    }
  }
}

# For the Prometheus Operator (var.monitor_kind; its CRDs must exist at plan time, hence none by default, when the
# pod annotations above serve Prometheus's kubernetes-pods job): every node's, prover's and the bot's `metrics`
# port, with the jobs and roles of the deploy configs and, unless scrape_all_metrics, compose's keep-list.
resource "kubernetes_manifest" "service_monitor" {
  count = var.monitor_kind == "ServiceMonitor" ? 1 : 0

  manifest = {
    apiVersion = "monitoring.coreos.com/v1"
    kind       = "ServiceMonitor"
    metadata = {
      name      = "aztec-nodes"
      namespace = local.namespace
      labels    = local.labels
    }
    spec = {
      selector = { matchLabels = { "app.kubernetes.io/part-of" = "aztec-node" } }
      endpoints = [{
        port              = "metrics"
        path              = "/metrics"
        interval          = var.scrape_interval
        relabelings       = local.relabelings
        metricRelabelings = local.metric_relabelings
      }]
    }
  }
}

resource "kubernetes_manifest" "pod_monitor" {
  count = var.monitor_kind == "PodMonitor" ? 1 : 0

  manifest = {
    apiVersion = "monitoring.coreos.com/v1"
    kind       = "PodMonitor"
    metadata = {
      name      = "aztec-nodes"
      namespace = local.namespace
      labels    = local.labels
    }
    spec = {
      selector = { matchLabels = { "app.kubernetes.io/part-of" = "aztec-node" } }
      podMetricsEndpoints = [{
        port              = "metrics"
        path              = "/metrics"
        interval          = var.scrape_interval
        relabelings       = local.relabelings
        metricRelabelings = local.metric_relabelings
      }]
    }
  }
}
