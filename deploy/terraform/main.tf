# The metrics stack of deploy/docker-compose.yml on Kubernetes: the OpenTelemetry Collector as a node-local agent
# (DaemonSet) forwarding to a gateway (Deployment) that serves the Prometheus exporter (./collector, Kubernetes
# provider), and Prometheus (with its Alertmanager), Grafana and Jaeger (all-in-one, in-memory traces) from their
# Helm charts, with the repository's collector configs, alert rules, Alertmanager config and generated dashboards
# (the rules and dashboards as ConfigMaps). tests/deploy/test_terraform.py parses this module, checks the files it
# reads exist, and runs checkov; tests/deploy/test_collector_topology.py checks ./collector.

locals {
  deploy_dir     = "${path.module}/.."
  dashboards_dir = "${local.deploy_dir}/grafana/dashboards"
  rules_dir      = "${local.deploy_dir}/prometheus/rules"

  namespace = var.create_namespace ? kubernetes_namespace.metrics[0].metadata[0].name : var.namespace
  labels = {
    "app.kubernetes.io/part-of"    = "aztec-metrics"
    "app.kubernetes.io/managed-by" = "terraform"
  }

  # Jaeger's chart in all-in-one mode serves OTLP on <release>-collector and its UI/API on <release>-query.
  jaeger_release        = "jaeger"
  jaeger_collector_host = "${local.jaeger_release}-collector.${local.namespace}.svc.cluster.local"
  jaeger_query_url      = "http://${local.jaeger_release}-query.${local.namespace}.svc.cluster.local:16686"

  # The compose Alertmanager's config (routing, grouping, inhibition, receivers), for the chart's Alertmanager.
  alertmanager_config = yamldecode(file("${local.deploy_dir}/alertmanager/alertmanager.yml"))

  prometheus_release = "prometheus"
  prometheus_url     = "http://${local.prometheus_release}-server.${local.namespace}.svc.cluster.local"

  # The compose Prometheus config's collector jobs, discovering every gateway replica (its exporter) and every
  # agent and gateway (their own telemetry) through the Kubernetes API instead of a static target: with several
  # gateways, a static Service address would reach a different replica at each scrape.
  compose_prometheus = yamldecode(file("${local.deploy_dir}/prometheus/prometheus.yml"))
  collector_job = merge(
    { for k, v in one([for job in local.compose_prometheus.scrape_configs : job if job.job_name == "otel-collector"]) : k => v if k != "static_configs" },
    {
      kubernetes_sd_configs = [{ role = "endpoints", namespaces = { names = [local.namespace] } }]
      relabel_configs = [{
        source_labels = ["__meta_kubernetes_service_name", "__meta_kubernetes_endpoint_port_name"]
        regex         = "${module.collector.gateway_service};${module.collector.prometheus_port_name}"
        action        = "keep"
      }]
    },
  )
  collector_telemetry_job = merge(
    { for k, v in one([for job in local.compose_prometheus.scrape_configs : job if job.job_name == "otel-collector-telemetry"]) : k => v if k != "static_configs" },
    {
      kubernetes_sd_configs = [{ role = "pod", namespaces = { names = [local.namespace] } }]
      relabel_configs = [{
        source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_part_of", "__meta_kubernetes_pod_container_port_name"]
        regex         = "otel-collector;telemetry"
        action        = "keep"
      }]
    },
  )
  # The nodes' own endpoints: `up` for liveness and the telemetry self-metrics (export failures), as in
  # compose (the same keep-list, taken from the compose job).
  node_jobs = length(var.node_scrape_targets) == 0 ? [] : [merge(
    one([for job in local.compose_prometheus.scrape_configs : job if job.job_name == "aztec-node"]),
    { static_configs = [{ targets = var.node_scrape_targets }] },
  )]
}

resource "kubernetes_namespace" "metrics" {
  count = var.create_namespace ? 1 : 0

  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

resource "kubernetes_config_map" "alert_rules" {
  metadata {
    name      = "aztec-alert-rules"
    namespace = local.namespace
    labels    = local.labels
  }

  data = { for name in fileset(local.rules_dir, "*.yml") : name => file("${local.rules_dir}/${name}") }
}

resource "kubernetes_config_map" "dashboards" {
  metadata {
    name      = "aztec-dashboards"
    namespace = local.namespace
    # The Grafana chart's sidecar loads every ConfigMap with this label, into the annotated folder.
    labels      = merge(local.labels, { grafana_dashboard = "1" })
    annotations = { grafana_folder = "Aztec" }
  }

  data = { for name in fileset(local.dashboards_dir, "*.json") : name => file("${local.dashboards_dir}/${name}") }
}

module "collector" {
  source = "./collector"

  namespace        = local.namespace
  image            = "otel/opentelemetry-collector-contrib:${var.image_tags.collector}"
  gateway_replicas = var.collector_gateway_replicas
  jaeger_endpoint  = "${local.jaeger_collector_host}:4317"
  monitor_kind     = var.monitor_kind
}

resource "helm_release" "prometheus" {
  name       = local.prometheus_release
  namespace  = local.namespace
  repository = "https://prometheus-community.github.io/helm-charts"
  chart      = "prometheus"
  version    = var.chart_versions.prometheus

  values = [yamlencode({
    alertmanager = {
      enabled = true
      image   = { tag = var.image_tags.alertmanager }
      config  = local.alertmanager_config
      persistence = {
        enabled      = true
        size         = var.alertmanager_storage_size
        storageClass = var.storage_class_name
      }
    }
    "kube-state-metrics"       = { enabled = false }
    "prometheus-node-exporter" = { enabled = false }
    "prometheus-pushgateway"   = { enabled = false }
    server = {
      image = { tag = var.image_tags.prometheus }
      # Keeps the exemplars of the collector's OpenMetrics endpoint (links from latency panels to traces).
      extraFlags = ["web.enable-lifecycle", "enable-feature=exemplar-storage"]
      retention  = var.prometheus_retention
      persistentVolume = {
        enabled      = true
        size         = var.prometheus_storage_size
        storageClass = var.storage_class_name
      }
      extraConfigmapMounts = [{
        name      = "aztec-alert-rules"
        mountPath = "/etc/config/aztec-rules"
        configMap = kubernetes_config_map.alert_rules.metadata[0].name
        readOnly  = true
      }]
    }
    serverFiles = {
      "prometheus.yml" = {
        rule_files = [
          "/etc/config/recording_rules.yml",
          "/etc/config/alerting_rules.yml",
          "/etc/config/aztec-rules/*.yml",
        ]
      }
    }
    extraScrapeConfigs = yamlencode(concat([local.collector_job, local.collector_telemetry_job], local.node_jobs))
  })]
}

resource "helm_release" "grafana" {
  name       = "grafana"
  namespace  = local.namespace
  repository = "https://grafana.github.io/helm-charts"
  chart      = "grafana"
  version    = var.chart_versions.grafana

  values = [yamlencode(merge(
    {
      image = { tag = var.image_tags.grafana }
      persistence = {
        enabled          = true
        size             = var.grafana_storage_size
        storageClassName = var.storage_class_name
      }
      datasources = {
        "datasources.yaml" = {
          apiVersion = 1
          datasources = [{
            name      = "Prometheus"
            uid       = "prometheus"
            type      = "prometheus"
            access    = "proxy"
            url       = local.prometheus_url
            isDefault = true
            jsonData = {
              timeInterval                = "15s"
              exemplarTraceIdDestinations = [{ name = "trace_id", datasourceUid = "jaeger" }]
            }
            }, {
            name   = "Jaeger"
            uid    = "jaeger"
            type   = "jaeger"
            access = "proxy"
            url    = local.jaeger_query_url
          }]
        }
      }
      sidecar = {
        dashboards = {
          enabled          = true
          label            = "grafana_dashboard"
          labelValue       = "1"
          folderAnnotation = "grafana_folder"
          provider         = { foldersFromFilesStructure = true, allowUiUpdates = false }
        }
      }
    },
    var.grafana_admin_password == null ? {} : { adminPassword = var.grafana_admin_password },
  ))]

  depends_on = [kubernetes_config_map.dashboards]
}

resource "helm_release" "jaeger" {
  name       = local.jaeger_release
  namespace  = local.namespace
  repository = "https://jaegertracing.github.io/helm-charts"
  chart      = "jaeger"
  version    = var.chart_versions.jaeger

  values = [yamlencode({
    # One pod keeping traces in memory, as in compose; for production, the chart's collector/query with a
    # storage back end.
    allInOne = {
      enabled  = true
      image    = { repository = "jaegertracing/all-in-one", tag = var.image_tags.jaeger }
      extraEnv = [{ name = "COLLECTOR_OTLP_ENABLED", value = "true" }]
    }
    storage            = { type = "memory" }
    provisionDataStore = { cassandra = false, elasticsearch = false, kafka = false }
    agent              = { enabled = false }
    collector          = { enabled = false }
    query              = { enabled = false }
  })]
}
