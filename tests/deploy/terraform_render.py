"""A Terraform module's Kubernetes resources as the Kubernetes objects they stand for, from python-hcl2's parse.

Terraform cannot plan here (no provider can be downloaded), so this renders what the Kubernetes provider would
send: blocks become camelCase fields (repeated blocks lists), ``${local.x}``, ``${var.x}`` (defaults, or the
values given), ``${each.key}``/``${each.value.x}`` of a ``for_each`` over a local map, references to another
resource's ``metadata[0].name`` (``[each.key]``: the same key's instance), ``merge(...)`` of maps, an index
(``var.x["key"]``, ``var.x[each.key]``), ``local.x + N``, ``c ? a : b`` (``c`` a reference or one compared with a
number) and ``dynamic`` blocks iterating over a map are evaluated; any other expression
(``sha256(...)``, ``tostring(...)``) stays as its text. ``# checkov:skip=ID: reason`` comments inside a resource
become the ``checkov.io/skipN`` annotations checkov's Kubernetes framework reads, so a skip is honoured (and
must give its reason) in both frameworks.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from tests.support.deploy.terraform_files import load_module

REPEATED_BLOCKS: Final = {
    "container": "containers",
    "init_container": "initContainers",
    "port": "ports",
    "env": "env",
    "volume_mount": "volumeMounts",
    "volume": "volumes",
    "volume_claim_template": "volumeClaimTemplates",
    "rule": "rules",
    "subject": "subjects",
    "ingress": "ingress",
    "egress": "egress",
    "from": "from",
    "to": "to",
    "toleration": "tolerations",
}
"""Blocks that may repeat, and the list field each stands for."""
MAP_ATTRIBUTES: Final = frozenset(
    {"labels", "annotations", "match_labels", "selector", "requests", "limits", "data", "node_selector", "manifest"}
)
"""Map attributes whose keys are data (label names, resource names), not field names."""
RENAMED: Final = {"cluster_ip": "clusterIP"}
KINDS: Final = {
    "kubernetes_config_map_v1": ("v1", "ConfigMap"),
    "kubernetes_service_account_v1": ("v1", "ServiceAccount"),
    "kubernetes_service_v1": ("v1", "Service"),
    "kubernetes_cluster_role_v1": ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    "kubernetes_cluster_role_binding_v1": ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    "kubernetes_daemon_set_v1": ("apps/v1", "DaemonSet"),
    "kubernetes_deployment_v1": ("apps/v1", "Deployment"),
    "kubernetes_stateful_set_v1": ("apps/v1", "StatefulSet"),
    "kubernetes_pod_disruption_budget_v1": ("policy/v1", "PodDisruptionBudget"),
    "kubernetes_network_policy_v1": ("networking.k8s.io/v1", "NetworkPolicy"),
    "kubernetes_persistent_volume_claim_v1": ("v1", "PersistentVolumeClaim"),
}
_META_KEYS: Final = frozenset({"count", "for_each", "depends_on", "lifecycle", "dynamic", "wait_until_bound"})
_WHOLE: Final = re.compile(r"^\$\{(.*)\}$", re.DOTALL)
_EMBEDDED: Final = re.compile(r"\$\{((?:local|var|each)\.[\w.]+)\}")
_RESOURCE_NAME: Final = re.compile(r"^(kubernetes_\w+)\.(\w+)(?:\[(?:0|each\.key)\])?\.metadata\[0\]\.name$")
_TERNARY: Final = re.compile(r"^([\w.]+(?:\s*(?:==|!=|>=|<=|>|<)\s*-?\d+)?)\s*\?\s*(.+?)\s*:\s*(.+)$")
_COMPARISON: Final = re.compile(r"^([\w.]+)\s*(==|!=|>=|<=|>|<)\s*(-?\d+)$")
_COMPARE: Final = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}
_TOSTRING: Final = re.compile(r"^tostring\((.+)\)$")
_YAMLDECODE_FILE: Final = re.compile(r'^yamldecode\(file\("([^"]+)"\)\)$')
_YAMLENCODE: Final = re.compile(r"^yamlencode\((.+)\)$")
_INDEXED: Final = re.compile(r'((?:local|var)\.[\w.]+)\[("[\w-]+"|each\.key)\]((?:\.\w+)*)')
_SUM: Final = re.compile(r"^((?:local|var|each)\.[\w.]+)\s*\+\s*(\d+)$")
_SKIP: Final = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+):\s*(.+)")
_RESOURCE_HEADER: Final = re.compile(r'^resource "(\w+)" "(\w+)"', re.MULTILINE)


def _camel(name: str) -> str:
    if name in RENAMED:
        return RENAMED[name]
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _split_top_level(text: str) -> list[str]:
    """``a, {b = 1, c = 2}`` -> ``["a", "{b = 1, c = 2}"]``."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


@dataclass
class Module:
    """One parsed module; ``variables`` override the variables' defaults."""

    directory: Path
    variables: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parsed = load_module(self.directory)
        self.locals: dict[str, Any] = {}
        self.defaults: dict[str, Any] = {}
        self.resources: dict[str, dict[str, Any]] = {}
        for body in parsed.values():
            for block in body.get("locals", []):
                self.locals.update(block)
            for block in body.get("variable", []):
                for name, spec in block.items():
                    self.defaults[name] = spec.get("default", [None])[0] if "default" in spec else None
            for block in body.get("resource", []):
                for kind, named in block.items():
                    self.resources.setdefault(kind, {}).update(named)
        self._skips = self._skip_comments()

    # --- expressions -----------------------------------------------------------------------------------

    def _reference(self, expression: str, each: tuple[str, Any] | None) -> Any:
        scope, _, path = expression.partition(".")
        names = path.split(".")
        value: Any
        if scope == "local":
            value = self.value(self.locals[names[0]][0], each=each, data=True)
        elif scope == "var":
            raw = self.variables[names[0]] if names[0] in self.variables else self.defaults[names[0]]
            value = self.value(raw, each=each, data=True)
        elif scope == "each" and each is not None:
            value = each[0] if names[0] == "key" else each[1]
            names = names[1:] if names[0] == "value" else []
            return self._walk(value, names, each)
        else:
            raise KeyError(expression)
        return self._walk(value, names[1:], each)

    def _walk(self, value: Any, names: list[str], each: tuple[str, Any] | None) -> Any:
        for name in names:
            value = self.value(value[name], each=each, data=True)
        return value

    def _expression(self, expression: str, each: tuple[str, Any] | None) -> Any:
        expression = expression.strip()
        if match := _TERNARY.match(expression):
            condition, yes, no = match.groups()
            return self._expression(yes if self._condition(condition, each) else no, each)
        if match := _TOSTRING.match(expression):
            value = self._expression(match.group(1), each)
            return str(value).lower() if isinstance(value, bool) else str(value)
        if match := _YAMLDECODE_FILE.match(expression):
            return yaml.safe_load(Path(match.group(1)).read_text())
        if match := _YAMLENCODE.match(expression):
            return yaml.safe_dump(self._expression(match.group(1), each), sort_keys=False)
        if match := _RESOURCE_NAME.match(expression):
            kind, name = match.groups()
            return self.value(self.resources[kind][name]["metadata"], each=each)["name"]
        if expression == "[]":
            return []
        if expression.startswith("{") and expression.endswith("}"):
            literal = ast.literal_eval(expression)
            if not isinstance(literal, dict):
                raise ValueError(expression)
            return {k: self.value(v, each=each, data=True) for k, v in literal.items()}
        if re.fullmatch(r"-?\d+", expression):
            return int(expression)
        if expression in ("true", "false"):
            return expression == "true"
            kind, name = match.groups()
            return self.value(self.resources[kind][name]["metadata"], each=each)["name"]
        if match := _SUM.match(expression):
            return int(self._reference(match.group(1), each)) + int(match.group(2))
        if re.fullmatch(r"(?:local|var|each)\.[\w.]+", expression):
            return self._reference(expression, each)
        if match := _INDEXED.fullmatch(expression):  # var.resources["prover"].cpu_limit, local.x[each.key]
            key = each[0] if match.group(2) == "each.key" and each is not None else match.group(2).strip('"')
            return self._reference(f"{match.group(1)}.{key}{match.group(3)}", each)
        if expression.startswith("merge(") and expression.endswith(")"):
            merged: dict[str, Any] = {}
            for part in _split_top_level(expression[len("merge(") : -1]):
                merged.update(self._object(part, each))
            return merged
        if re.fullmatch(r'"[^"$]*"', expression):
            return expression[1:-1]
        raise ValueError(expression)

    def _condition(self, condition: str, each: tuple[str, Any] | None) -> bool:
        if match := _COMPARISON.match(condition):
            reference, operator, number = match.groups()
            return bool(_COMPARE[operator](int(self._reference(reference, each)), int(number)))
        return bool(self._reference(condition, each))

    def _dynamic(self, blocks: list[dict[str, Any]], each: tuple[str, Any] | None) -> dict[str, list[Any]]:
        """``dynamic "NAME" { for_each = <a map>; content { x = NAME.key; y = NAME.value } }``: the NAME blocks."""
        expanded: dict[str, list[Any]] = {}
        for block in blocks:
            for name, spec in block.items():
                collection = self.value(spec["for_each"], each=each)
                if not isinstance(collection, dict):
                    raise ValueError(f"dynamic {name}: for_each is not a map: {collection!r}")
                (content,) = spec["content"]
                for key, item in collection.items():
                    iterator = {f"${{{name}.key}}": key, f"${{{name}.value}}": item}
                    expanded.setdefault(name, []).append(
                        {
                            _camel(field): iterator.get(self.value(raw), self.value(raw, field, each))
                            for field, raw in content.items()
                            if not field.startswith("__")
                        }
                    )
        return expanded

    def _object(self, text: str, each: tuple[str, Any] | None) -> dict[str, Any]:
        value = self._expression(text, each)
        if not isinstance(value, dict):
            raise ValueError(text)
        return value

    def _substitute(self, text: str, each: tuple[str, Any] | None) -> str:
        text = text.replace("${path.module}", str(self.directory))
        return _EMBEDDED.sub(lambda m: str(self._reference(m.group(1), each)), text)

    def _string(self, text: str, each: tuple[str, Any] | None) -> Any:
        try:
            if match := _WHOLE.match(text):
                return self._expression(self._substitute(match.group(1), each), each)
            return self._substitute(text, each)
        except (KeyError, ValueError, TypeError, SyntaxError):
            return text

    def value(self, raw: Any, key: str = "", each: tuple[str, Any] | None = None, *, data: bool = False) -> Any:
        """An hcl2 value (attributes wrapped in one-element lists, blocks as lists of dicts) as plain data;
        ``data``: a local's or variable's value, whose keys stay as they are."""
        if isinstance(raw, list):
            if data:  # a value inside a local, a variable or a map attribute: hcl2 wraps nothing there
                return [self.value(item, each=each, data=True) for item in raw]
            if len(raw) == 1 and isinstance(raw[0], list):
                return [self.value(item, each=each, data=data) for item in raw[0]]
            if key in REPEATED_BLOCKS and all(isinstance(item, dict) for item in raw):
                return [self.value(item, each=each, data=data) for item in raw]
            if len(raw) == 1:
                return self.value(raw[0], key, each, data=data)
            return [self.value(item, each=each, data=data) for item in raw]
        if isinstance(raw, dict):
            raw = {k: v for k, v in raw.items() if not k.startswith("__")}  # hcl2's __start_line__, ...
            if data or (key in MAP_ATTRIBUTES and not any(isinstance(v, list) for v in raw.values())):
                return {k: self.value(v, k, each, data=True) for k, v in raw.items()}
            rendered = {self._field(k, v): self.value(v, k, each) for k, v in raw.items() if k not in _META_KEYS}
            for name, blocks in self._dynamic(raw.get("dynamic", []), each).items():
                rendered.setdefault(REPEATED_BLOCKS.get(name, _camel(name)), []).extend(blocks)
            return rendered
        if isinstance(raw, str):
            return self._string(raw, each)
        return raw

    @staticmethod
    def _field(key: str, raw: Any) -> str:
        """The Kubernetes field of a block or attribute: a repeated block's list name, else camelCase."""
        repeated = isinstance(raw, list) and bool(raw) and all(isinstance(item, dict) for item in raw)
        return (REPEATED_BLOCKS.get(key) if repeated else None) or _camel(key)

    # --- resources ---------------------------------------------------------------------------------------

    def _skip_comments(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        found: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for path in sorted(self.directory.glob("*.tf")):
            text = path.read_text()
            headers = list(_RESOURCE_HEADER.finditer(text))
            for index, header in enumerate(headers):
                end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
                skips = [(m.group(1), m.group(2).strip()) for m in _SKIP.finditer(text[header.start() : end])]
                found[(header.group(1), header.group(2))] = skips
        return found

    def instances(self, kind: str, name: str) -> list[tuple[str, Any] | None]:
        """``each`` of every instance of a resource: its ``for_each`` over a local map, else one instance."""
        body = self.resources[kind][name]
        if "for_each" not in body:
            return [None]
        collection = self.value(body["for_each"])
        return list(collection.items())

    def manifest(self, kind: str, name: str, each: tuple[str, Any] | None = None) -> dict[str, Any]:
        """The Kubernetes object of one resource instance (``kubernetes_manifest``: its manifest)."""
        body = self.resources[kind][name]
        if kind == "kubernetes_manifest":
            rendered: dict[str, Any] = self.value(body["manifest"], "manifest", each)
            return rendered
        api_version, object_kind = KINDS[kind]
        fields = {k: v for k, v in body.items() if k not in _META_KEYS and not k.startswith("__")}
        document: dict[str, Any] = {"apiVersion": api_version, "kind": object_kind}
        for key, raw in fields.items():
            document[self._field(key, raw)] = self.value(raw, key, each)
        skips = self._skips.get((kind, name), [])
        if skips:
            annotations = document["metadata"].setdefault("annotations", {})
            for index, (check, reason) in enumerate(skips, start=1):
                annotations[f"checkov.io/skip{index}"] = f"{check}={reason}"
        return document

    def local(self, name: str) -> Any:
        """A local's value, evaluated as far as this renderer can."""
        return self._reference(f"local.{name}", None)

    def output(self, name: str) -> Any:
        """An output's value, evaluated as far as this renderer can."""
        for body in load_module(self.directory).values():
            for block in body.get("output", []):
                if name in block:
                    return self.value(block[name]["value"])
        raise KeyError(name)

    def manifests(self, kinds: frozenset[str] | None = None) -> list[dict[str, Any]]:
        """Every instance of every Kubernetes resource (of ``kinds``, if given), rendered."""
        documents = []
        for kind, named in self.resources.items():
            if kind not in KINDS or (kinds is not None and kind not in kinds):
                continue
            for name in named:
                documents += [self.manifest(kind, name, each) for each in self.instances(kind, name)]
        return documents


def dump(documents: list[dict[str, Any]]) -> str:
    return "\n---\n".join(yaml.safe_dump(d, sort_keys=False) for d in documents)
