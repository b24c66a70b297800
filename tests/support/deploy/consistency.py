"""Static checks of the deploy files: they must agree with each other and with the metric registry.

No Docker engine or collector runs here, so these checks stand in for ``docker compose config`` and a
collector dry run: every mounted file exists, ports and hosts line up from the node to Grafana, pipelines
reference defined components, images are pinned. Each function returns a list of readable problems.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, Final
from urllib.parse import urlsplit

import yaml

from aztec.deploy.paths import COLLECTOR_CONFIG, COMPOSE_FILE
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.exporters.prometheus_names import collector_family, path_divergences, prometheus_series

DEFAULT_SERVICES: Final = frozenset({"node"})
METRICS_PROFILE: Final = "metrics"
METRICS_SERVICES: Final = frozenset(
    {"otel-collector", "otel-collector-health", "prometheus", "alertmanager", "grafana", "jaeger"}
)
JAEGER_OTLP_GRPC_PORT: Final = 4317
JAEGER_QUERY_PORT: Final = 16686
NODE_JOB: Final = "aztec-node"
BOT_JOB: Final = "aztec-bot"
SANDBOX_METRICS_PORTS: Final = {NODE_JOB: (0, 2), BOT_JOB: (1,)}
"""``aztec start --sandbox`` serves the node on AZTEC_PROMETHEUS_PORT, the bot on +1 and the follower node on +2."""

_KNOWN_COMPONENTS: Final[dict[str, frozenset[str]]] = {
    "receivers": frozenset({"otlp", "prometheus", "hostmetrics"}),
    "processors": frozenset({"memory_limiter", "batch", "transform", "resource", "filter", "attributes"}),
    "exporters": frozenset({"prometheus", "debug", "otlp", "otlphttp", "prometheusremotewrite"}),
    "extensions": frozenset({"health_check", "pprof", "zpages"}),
}
"""Component types of the contrib distribution that this stack may use; anything else is a typo."""
_PINNED_IMAGE = re.compile(r"^[\w./-]+(:v?\d+\.\d+(\.\d+)?([-.][\w.]+)?|@sha256:[0-9a-f]{64})$")

Yaml = dict[str, Any]


def load_yaml(path: Path) -> Yaml:
    loaded = yaml.safe_load(path.read_text())
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a YAML mapping at the top level")
    return loaded


def _port(endpoint: str) -> int:
    """The port of ``host:port`` or of a URL."""
    if "//" in endpoint:
        port = urlsplit(endpoint).port
        if port is None:
            raise ValueError(f"{endpoint}: no port")
        return port
    return int(endpoint.rsplit(":", 1)[1])


# --- the collector ----------------------------------------------------------------------------------


def collector_problems(config: Yaml) -> list[str]:
    """Pipelines reference defined components, in a sane order, with the settings the stack relies on."""
    problems: list[str] = []
    service = config.get("service") or {}
    used: dict[str, set[str]] = {kind: set() for kind in _KNOWN_COMPONENTS}
    for extension in service.get("extensions") or []:
        used["extensions"].add(extension)
    for pipeline_name, pipeline in (service.get("pipelines") or {}).items():
        for kind in ("receivers", "processors", "exporters"):
            for component in pipeline.get(kind) or []:
                used[kind].add(component)
                if component not in (config.get(kind) or {}):
                    problems.append(f"pipeline {pipeline_name}: {kind[:-1]} {component} is not defined under {kind}")
        if not pipeline.get("receivers") or not pipeline.get("exporters"):
            problems.append(f"pipeline {pipeline_name}: needs at least one receiver and one exporter")
        processors = [p.split("/")[0] for p in pipeline.get("processors") or []]
        if processors[:1] != ["memory_limiter"]:
            problems.append(f"pipeline {pipeline_name}: memory_limiter must be the first processor")
        if processors[-1:] != ["batch"]:
            problems.append(f"pipeline {pipeline_name}: batch must be the last processor")
    for kind, known in _KNOWN_COMPONENTS.items():
        for name in config.get(kind) or {}:
            if name.split("/")[0] not in known:
                problems.append(f"{kind}: unknown component type {name.split('/')[0]!r} in {name!r}")
            if name not in used[kind]:
                problems.append(f"{kind}: {name} is defined but no pipeline uses it")
    pipelines = service.get("pipelines") or {}
    problems += [
        f"service: no {signal} pipeline" for signal in ("metrics", "traces", "logs") if signal not in pipelines
    ]
    if "traces" in pipelines and not any(
        e.split("/")[0] in ("otlp", "otlphttp") for e in pipelines["traces"].get("exporters") or []
    ):
        problems.append("pipeline traces: needs an otlp exporter to the trace back end")
    protocols = ((config.get("receivers") or {}).get("otlp") or {}).get("protocols") or {}
    problems += [f"receivers.otlp: no {p} protocol" for p in ("grpc", "http") if p not in protocols]
    exporter = (config.get("exporters") or {}).get("prometheus") or {}
    if (exporter.get("resource_to_telemetry_conversion") or {}).get("enabled"):
        problems.append(
            "exporters.prometheus: resource_to_telemetry_conversion must be off (process.pid and host.* would "
            "label every series; transform/service_labels copies the two service labels)"
        )
    labels = (config.get("processors") or {}).get("transform/service_labels") or {}
    statements = " ".join(labels.get("metric_statements") or [])
    for attribute in ("service.name", "service.instance.id"):
        if f'datapoint.attributes["{attribute}"]' not in statements:
            problems.append(f"processors.transform/service_labels: does not copy {attribute} onto every point")
    if not exporter.get("enable_open_metrics"):
        problems.append("exporters.prometheus: enable_open_metrics must be true (exemplars reach Prometheus only so)")
    if "health_check" not in used["extensions"]:
        problems.append("service.extensions: health_check is not enabled")
    return problems


def trace_exporter_endpoint(config: Yaml) -> str | None:
    """The endpoint of the traces pipeline's OTLP exporter (``host:port`` or a URL)."""
    pipeline = ((config.get("service") or {}).get("pipelines") or {}).get("traces") or {}
    for name in pipeline.get("exporters") or []:
        if name.split("/")[0] in ("otlp", "otlphttp"):
            endpoint = ((config.get("exporters") or {}).get(name) or {}).get("endpoint")
            return None if endpoint is None else str(endpoint)
    return None


def collector_ports(config: Yaml) -> dict[str, int]:
    """``otlp_grpc``, ``otlp_http``, ``prometheus`` (the exporter) and ``health_check`` ports."""
    protocols = config["receivers"]["otlp"]["protocols"]
    return {
        "otlp_grpc": _port(protocols["grpc"]["endpoint"]),
        "otlp_http": _port(protocols["http"]["endpoint"]),
        "prometheus": _port(config["exporters"]["prometheus"]["endpoint"]),
        "health_check": _port(config["extensions"]["health_check"]["endpoint"]),
        "telemetry": _telemetry_port(config),
    }


def _telemetry_port(config: Yaml) -> int:
    """The port of the collector's own metrics (``service.telemetry.metrics``; 8888 unless set)."""
    readers = (((config.get("service") or {}).get("telemetry") or {}).get("metrics") or {}).get("readers") or []
    for reader in readers:
        prometheus = ((reader.get("pull") or {}).get("exporter") or {}).get("prometheus")
        if prometheus:
            return int(prometheus.get("port", 8888))
    return 8888


def _collector_health_problems(services: Mapping[str, Service], health_port: int) -> list[str]:
    """The sidecar's healthcheck probes the collector's health_check endpoint, and Prometheus waits for it."""
    sidecar = services["otel-collector-health"]
    test = " ".join(str(part) for part in (sidecar.spec.get("healthcheck") or {}).get("test") or [])
    problems = []
    if f"http://otel-collector:{health_port}/" not in test:
        problems.append(f"otel-collector-health: healthcheck does not probe http://otel-collector:{health_port}/")
    depends = services["prometheus"].spec.get("depends_on") or {}
    if not isinstance(depends, Mapping) or (depends.get("otel-collector-health") or {}).get("condition") != (
        "service_healthy"
    ):
        problems.append("prometheus: does not wait for otel-collector-health to be healthy")
    return problems


# --- Prometheus ---------------------------------------------------------------------------------------


def scrape_targets(config: Yaml) -> dict[str, list[str]]:
    """Each job's static targets."""
    return {
        job["job_name"]: [t for static in job.get("static_configs") or [] for t in static.get("targets") or []]
        for job in config.get("scrape_configs") or []
    }


def apply_metric_relabel(configs: Sequence[Mapping[str, Any]], name: str) -> str | None:
    """The metric name after a job's ``metric_relabel_configs`` (``replace`` on ``__name__``, ``drop``, ``keep``)."""
    for rule in configs:
        if list(rule.get("source_labels") or []) != ["__name__"]:
            continue
        match = re.fullmatch(str(rule.get("regex", "(.*)")), name)
        action = rule.get("action", "replace")
        if (action == "drop" and match) or (action == "keep" and not match):
            return None
        if action == "replace" and match and rule.get("target_label") == "__name__":
            name = match.expand(str(rule.get("replacement", "$1")).replace("$", "\\"))
    return name


def prometheus_problems(config_path: Path, *, collector_job: str | None = None) -> list[str]:
    """Rule files exist; the collector job (if any) renames every collector name that differs from the registry's."""
    config = load_yaml(config_path)
    problems = []
    for pattern in config.get("rule_files") or []:
        if not list(config_path.parent.glob(pattern)):
            problems.append(f"{config_path.name}: rule_files {pattern!r} matches no file")
    if collector_job is not None:
        jobs = {job["job_name"]: job for job in config.get("scrape_configs") or []}
        if collector_job not in jobs:
            return [*problems, f"{config_path.name}: no {collector_job} job"]
        relabel = jobs[collector_job].get("metric_relabel_configs") or []
        for divergence in path_divergences():
            series = prometheus_series(divergence.definition)
            suffixes = [n[len(series.family) :] for n in series.names]
            for suffix, expected in zip(suffixes, series.names, strict=True):
                got = apply_metric_relabel(relabel, collector_family(divergence.definition) + suffix)
                if got != expected:
                    problems.append(
                        f"{config_path.name}: job {collector_job} turns the collector's "
                        f"{collector_family(divergence.definition)}{suffix} into {got}, not {expected}"
                    )
    return problems


# --- docker compose -------------------------------------------------------------------------------------


class Service:
    """One compose service, with helpers to map container paths back to repository files."""

    def __init__(self, name: str, spec: Yaml, compose_dir: Path) -> None:
        self.name = name
        self.spec = spec
        self.directory = compose_dir

    @property
    def environment(self) -> dict[str, str]:
        env = self.spec.get("environment") or {}
        if isinstance(env, list):
            return dict(item.split("=", 1) for item in env)
        return {key: str(value) for key, value in env.items()}

    def bind_mounts(self) -> list[tuple[Path, PurePosixPath]]:
        mounts = []
        for volume in self.spec.get("volumes") or []:
            source, target = str(volume).split(":")[:2]
            if source.startswith((".", "/")):
                mounts.append(((self.directory / source).resolve(), PurePosixPath(target)))
        return mounts

    def named_volumes(self) -> list[str]:
        return [str(v).split(":")[0] for v in self.spec.get("volumes") or [] if not str(v).startswith((".", "/"))]

    def repo_path(self, container_path: str) -> Path | None:
        """The repository file mounted at ``container_path``, if any (longest mount target wins)."""
        path = PurePosixPath(container_path)
        best: tuple[Path, PurePosixPath] | None = None
        for source, target in self.bind_mounts():
            if (path == target or target in path.parents) and (best is None or len(target.parts) > len(best[1].parts)):
                best = (source, target)
        return None if best is None else best[0] / path.relative_to(best[1])

    def published_ports(self) -> dict[int, str]:
        """Container port -> host address it is published on."""
        ports = {}
        for entry in self.spec.get("ports") or []:
            parts = str(entry).split(":")
            host = parts[0] if len(parts) == 3 else "0.0.0.0"
            ports[int(parts[-1].split("/")[0])] = host
        return ports

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value`` in the service's command."""
        for arg in self.spec.get("command") or []:
            if str(arg).startswith(f"--{name}="):
                return str(arg).split("=", 1)[1]
        return None


def compose_problems(compose_path: Path = COMPOSE_FILE) -> list[str]:
    """Every way the compose file disagrees with the repository or with itself."""
    compose = load_yaml(compose_path)
    services = {name: Service(name, spec, compose_path.parent) for name, spec in compose["services"].items()}
    problems = _profile_and_image_problems(compose, services)
    for service in services.values():
        problems += [
            f"{service.name}: mounts {source}, which does not exist"
            for source, _ in service.bind_mounts()
            if not source.exists()
        ]
        problems += [
            f"{service.name}: named volume {v} is not declared under volumes"
            for v in service.named_volumes()
            if v not in (compose.get("volumes") or {})
        ]
        problems += [
            f"{service.name}: port {port} is published on {host}, not on 127.0.0.1"
            for port, host in service.published_ports().items()
            if host != "127.0.0.1"
        ]
    if not problems:
        problems += _wiring_problems(services)
    return problems


def _profile_and_image_problems(compose: Yaml, services: dict[str, Service]) -> list[str]:
    problems = []
    if set(services) != DEFAULT_SERVICES | METRICS_SERVICES:
        problems.append(f"services are {sorted(services)}, expected {sorted(DEFAULT_SERVICES | METRICS_SERVICES)}")
    for name, service in services.items():
        profiles = service.spec.get("profiles") or []
        if name in DEFAULT_SERVICES and profiles:
            problems.append(f"{name}: must run without a profile, has {profiles}")
        if name in METRICS_SERVICES and profiles != [METRICS_PROFILE]:
            problems.append(f"{name}: profiles must be [{METRICS_PROFILE}], not {profiles}")
        build = service.spec.get("build")
        if build is not None:
            context = (service.directory / build["context"]).resolve()
            if not (context / build["dockerfile"]).exists():
                problems.append(f"{name}: Dockerfile {build['dockerfile']} not found in {context}")
        elif not _PINNED_IMAGE.match(str(service.spec.get("image", ""))):
            problems.append(f"{name}: image {service.spec.get('image')!r} is not pinned to a version")
        for dependency in service.spec.get("depends_on") or []:
            dep_profiles = (compose["services"].get(dependency) or {}).get("profiles") or []
            if dep_profiles and dep_profiles != profiles:
                problems.append(f"{name}: depends on {dependency}, which only runs with profile {dep_profiles}")
    return problems


def _wiring_problems(services: dict[str, Service]) -> list[str]:
    """Node -> collector -> Prometheus -> Grafana: hosts and ports agree at every hop."""
    problems = []
    node, collector, prometheus, grafana = (services[n] for n in ("node", "otel-collector", "prometheus", "grafana"))

    collector_file = collector.repo_path(collector.flag("config") or "")
    if collector_file is None or not collector_file.exists():
        return [f"otel-collector: --config={collector.flag('config')} is not a mounted repository file"]
    collector_config = load_yaml(collector_file)
    problems += [f"{collector_file.name}: {p}" for p in collector_problems(collector_config)]
    ports = collector_ports(collector_config)

    env = node.environment
    export = TelemetryConfig.from_env(env).otlp_metrics  # resolved as the node resolves it
    endpoint = urlsplit(export.endpoint if export is not None else "")
    protocol = export.protocol if export is not None else "http/protobuf"
    expected_port = ports["otlp_grpc"] if protocol == "grpc" else ports["otlp_http"]
    expected_path = "" if protocol == "grpc" else "/v1/metrics"
    if endpoint.hostname != collector.name or endpoint.port != expected_port or endpoint.path != expected_path:
        problems.append(
            f"node: its OTLP metrics endpoint {endpoint.geturl()!r} is not the collector's {protocol} "
            f"receiver http://{collector.name}:{expected_port}{expected_path}"
        )
    problems += _collector_health_problems(services, ports["health_check"])
    resolved = TelemetryConfig.from_env(env)
    for signal, signal_export in (("traces", resolved.otlp_traces), ("logs", resolved.otlp_logs)):
        expected = f"http://{collector.name}:{ports['otlp_http']}/v1/{signal}"
        got = signal_export.endpoint if signal_export is not None else None
        if got != expected:
            problems.append(f"node: its OTLP {signal} endpoint {got!r} is not the collector's {expected}")
    trace_endpoint = trace_exporter_endpoint(collector_config) or ""
    jaeger_target = trace_endpoint.split("//")[-1]
    if jaeger_target != f"{services['jaeger'].name}:{JAEGER_OTLP_GRPC_PORT}":
        problems.append(
            f"otel-collector: the traces pipeline exports to {trace_endpoint!r}, not to Jaeger's OTLP receiver "
            f"jaeger:{JAEGER_OTLP_GRPC_PORT}"
        )
    if env.get("AZTEC_PROMETHEUS_HOST") != "0.0.0.0":
        problems.append("node: AZTEC_PROMETHEUS_HOST must be 0.0.0.0 inside the container")
    node_metrics_port = int(env.get("AZTEC_PROMETHEUS_PORT", "0"))
    sandbox_ports = {job: [node_metrics_port + o for o in offsets] for job, offsets in SANDBOX_METRICS_PORTS.items()}
    problems += [
        f"node: metrics port {port} ({job}) is not published"
        for job, ports_of_job in sandbox_ports.items()
        for port in ports_of_job
        if port not in node.published_ports()
    ]
    if env.get("AZTEC_RPC_HOST") != "0.0.0.0" or 8080 not in node.published_ports():
        problems.append("node: JSON-RPC must listen on 0.0.0.0 (AZTEC_RPC_HOST) and 8080 be published")

    prometheus_file = prometheus.repo_path(prometheus.flag("config.file") or "")
    if prometheus_file is None or not prometheus_file.exists():
        return [*problems, f"prometheus: --config.file={prometheus.flag('config.file')} is not a mounted file"]
    prometheus_config = load_yaml(prometheus_file)
    targets = scrape_targets(prometheus_config)
    if f"{collector.name}:{ports['prometheus']}" not in targets.get("otel-collector", []):
        problems.append(f"prometheus: job otel-collector does not scrape {collector.name}:{ports['prometheus']}")
    if f"{collector.name}:{ports['telemetry']}" not in targets.get("otel-collector-telemetry", []):
        problems.append(
            f"prometheus: job otel-collector-telemetry does not scrape {collector.name}:{ports['telemetry']}"
        )
    for job, ports_of_job in sandbox_ports.items():
        problems += [
            f"prometheus: job {job} does not scrape {node.name}:{port} (liveness)"
            for port in ports_of_job
            if f"{node.name}:{port}" not in targets.get(job, [])
        ]
    container_config = PurePosixPath(prometheus.flag("config.file") or "")
    for pattern in prometheus_config.get("rule_files") or []:
        rules_dir = prometheus.repo_path(str(container_config.parent / PurePosixPath(pattern).parent))
        if rules_dir is None or not list(rules_dir.glob(PurePosixPath(pattern).name)):
            problems.append(f"prometheus: rule_files {pattern!r} resolves to no mounted rule file")
    problems += [f"prometheus: {p}" for p in prometheus_problems(prometheus_file, collector_job="otel-collector")]

    problems += _alertmanager_problems(services["alertmanager"], prometheus_config)
    if "exemplar-storage" not in (prometheus.flag("enable-feature") or "").split(","):
        problems.append("prometheus: --enable-feature=exemplar-storage is missing (exemplars would be dropped)")
    listen_port = _port(prometheus.flag("web.listen-address") or ":9090")
    problems += _grafana_problems(grafana, f"http://{prometheus.name}:{listen_port}")
    problems += _grafana_trace_problems(grafana, f"http://{services['jaeger'].name}:{JAEGER_QUERY_PORT}")
    return problems


def alertmanager_targets(prometheus_config: Yaml) -> list[str]:
    """Every Alertmanager address in a Prometheus config's ``alerting`` block."""
    return [
        target
        for manager in (prometheus_config.get("alerting") or {}).get("alertmanagers") or []
        for static in manager.get("static_configs") or []
        for target in static.get("targets") or []
    ]


def _alertmanager_problems(alertmanager: Service, prometheus_config: Yaml) -> list[str]:
    problems = []
    flag = alertmanager.flag("config.file")
    config_file = alertmanager.repo_path(flag or "")
    if config_file is None or not config_file.is_file():
        problems.append(f"alertmanager: --config.file={flag} is not a mounted repository file")
    address = f"{alertmanager.name}:{_port(alertmanager.flag('web.listen-address') or ':9093')}"
    targets = alertmanager_targets(prometheus_config)
    if address not in targets:
        problems.append(f"prometheus: alerting does not send to {address} (found {targets})")
    return problems


def _grafana_problems(grafana: Service, prometheus_url: str) -> list[str]:
    problems = []
    datasources_dir = grafana.repo_path("/etc/grafana/provisioning/datasources")
    providers_dir = grafana.repo_path("/etc/grafana/provisioning/dashboards")
    if datasources_dir is None or providers_dir is None:
        return ["grafana: /etc/grafana/provisioning is not mounted from the repository"]
    urls = [
        ds.get("url")
        for path in sorted(datasources_dir.glob("*.yml"))
        for ds in load_yaml(path).get("datasources") or []
        if ds.get("type") == "prometheus"
    ]
    if prometheus_url not in urls:
        problems.append(f"grafana: no provisioned Prometheus data source at {prometheus_url} (found {urls})")
    for path in sorted(providers_dir.glob("*.yml")):
        for provider in load_yaml(path).get("providers") or []:
            folder = grafana.repo_path(provider["options"]["path"])
            if folder is None or not list(folder.glob("*.json")):
                problems.append(
                    f"grafana: provider {provider['name']} reads {provider['options']['path']}, "
                    "which holds no mounted dashboard"
                )
    return problems


def _grafana_trace_problems(grafana: Service, jaeger_url: str) -> list[str]:
    """A Jaeger data source at ``jaeger_url``, and the Prometheus data source's exemplars link to it."""
    datasources_dir = grafana.repo_path("/etc/grafana/provisioning/datasources")
    if datasources_dir is None:
        return []
    sources = [ds for path in sorted(datasources_dir.glob("*.yml")) for ds in load_yaml(path).get("datasources") or []]
    jaeger = [ds for ds in sources if ds.get("type") == "jaeger" and ds.get("url") == jaeger_url]
    if not jaeger:
        return [f"grafana: no provisioned Jaeger data source at {jaeger_url}"]
    uid = jaeger[0].get("uid")
    links = [
        link
        for ds in sources
        if ds.get("type") == "prometheus"
        for link in (ds.get("jsonData") or {}).get("exemplarTraceIdDestinations") or []
    ]
    if not any(link.get("name") == "trace_id" and link.get("datasourceUid") == uid for link in links):
        return [
            f"grafana: the Prometheus data source's exemplars (trace_id) do not link to the Jaeger data source {uid!r}"
        ]
    return []


def collector_config_problems(path: Path = COLLECTOR_CONFIG) -> list[str]:
    return collector_problems(load_yaml(path))
