"""The cluster model: validated objects the evaluator works on, built from loaded documents.

Data flows one way: `manifests` (text -> documents with positions) -> `validation` (problems)
-> `cluster` (objects) -> `evaluate`. An object with validation errors is left out, as the API
server would refuse it; its problems are reported with file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from k8snet_tutor.core.ipsets import IPSet
from k8snet_tutor.core.manifests import Document, load_paths, load_text
from k8snet_tutor.core.problems import Problem, format_path
from k8snet_tutor.core.selectors import LabelSelector

NAME_LABEL = "kubernetes.io/metadata.name"
WORKLOAD_KINDS = (
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
)
IGNORED_QUIETLY = {"List"}


@dataclass(frozen=True)
class Origin:
    """Where an object came from, so any later message can point at it."""

    document: Document | None = None

    @property
    def source(self) -> str:
        return self.document.source if self.document else "<built-in>"

    def position(self, path: tuple[str | int, ...] = ()) -> tuple[int | None, int | None]:
        if self.document is None:
            return None, None
        pos = self.document.position(path)
        return pos if pos else (None, None)


@dataclass(frozen=True)
class Namespace:
    name: str
    labels: dict[str, str]
    declared: bool = True
    origin: Origin = field(default_factory=Origin, compare=False)


@dataclass(frozen=True)
class ContainerPort:
    port: int
    protocol: str = "TCP"
    name: str | None = None
    container: str = ""


@dataclass(frozen=True)
class Pod:
    """A pod, or the pod template of a workload (which stands for all its replicas)."""

    namespace: str
    name: str
    labels: dict[str, str]
    ports: tuple[ContainerPort, ...] = ()
    ip: str | None = None
    owner_kind: str | None = None  # direct controller owner, or the workload kind for templates
    owner_name: str | None = None
    replicas: int = 1
    host_network: bool = False
    ready: bool = True
    origin: Origin = field(default_factory=Origin, compare=False)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def workload_id(self) -> str:
        if self.owner_name:
            return f"{self.namespace}/{self.owner_name}[{self.owner_kind or 'Pod'}]"
        return f"{self.namespace}/{self.name}[Pod]"

    def named_port(self, name: str, protocol: str) -> ContainerPort | None:
        for cp in self.ports:
            if cp.name == name and cp.protocol == protocol:
                return cp
        return None


@dataclass(frozen=True)
class ServicePort:
    port: int
    target_port: int | str
    protocol: str = "TCP"
    name: str | None = None
    node_port: int | None = None


@dataclass(frozen=True)
class Service:
    namespace: str
    name: str
    type: str
    selector: dict[str, str] | None
    ports: tuple[ServicePort, ...]
    origin: Origin = field(default_factory=Origin, compare=False)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class IPBlock:
    cidr: str
    excepts: tuple[str, ...] = ()

    @property
    def ipset(self) -> IPSet:
        return IPSet.from_block(self.cidr, self.excepts)

    def describe(self) -> str:
        if self.excepts:
            return f"ipBlock {self.cidr} except {', '.join(self.excepts)}"
        return f"ipBlock {self.cidr}"


@dataclass(frozen=True)
class Peer:
    """One `from`/`to` item. Absent selectors are None; `{}` is an empty LabelSelector."""

    pod_selector: LabelSelector | None = None
    namespace_selector: LabelSelector | None = None
    ip_block: IPBlock | None = None

    def describe(self, policy_namespace: str) -> str:
        if self.ip_block is not None:
            return self.ip_block.describe()
        pods = self.pod_selector
        nss = self.namespace_selector
        if nss is None:
            sel = pods.describe() if pods else "{}"
            return f"pods matching {sel} in namespace {policy_namespace}"
        ns_text = (
            "any namespace" if nss.is_empty else f"namespaces matching {nss.describe()}"
        )
        if pods is None or pods.is_empty:
            return f"all pods in {ns_text}"
        return f"pods matching {pods.describe()} in {ns_text}"


@dataclass(frozen=True)
class PolicyPort:
    protocol: str = "TCP"
    port: int | str | None = None
    end_port: int | None = None

    def describe(self) -> str:
        if self.port is None:
            return f"all {self.protocol} ports"
        if self.end_port is not None:
            return f"{self.protocol} {self.port}-{self.end_port}"
        return f"{self.protocol} {self.port}"


@dataclass(frozen=True)
class Rule:
    """An ingress or egress rule: empty `peers` means every peer, empty `ports` every port."""

    peers: tuple[Peer, ...] = ()
    ports: tuple[PolicyPort, ...] = ()


@dataclass(frozen=True)
class NetworkPolicy:
    namespace: str
    name: str
    pod_selector: LabelSelector
    ingress: tuple[Rule, ...] = ()
    egress: tuple[Rule, ...] = ()
    affects_ingress: bool = True
    affects_egress: bool = False
    policy_types_explicit: bool = False
    origin: Origin = field(default_factory=Origin, compare=False)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def policy_types(self) -> tuple[str, ...]:
        return tuple(
            t for t, on in (("Ingress", self.affects_ingress), ("Egress", self.affects_egress)) if on
        )


@dataclass
class Cluster:
    namespaces: dict[str, Namespace] = field(default_factory=dict)
    pods: list[Pod] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    policies: list[NetworkPolicy] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def pod(self, pod_id: str) -> Pod | None:
        for p in self.pods:
            if p.id == pod_id:
                return p
        return None

    def service(self, service_id: str) -> Service | None:
        for s in self.services:
            if s.id == service_id:
                return s
        return None

    def namespace_labels(self, name: str) -> dict[str, str]:
        ns = self.namespaces.get(name)
        return ns.labels if ns else {NAME_LABEL: name}


# --------------------------------------------------------------------------------------------
# Building


def _str_map(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): str(v) for k, v in raw.items()}


def _selector(raw: Any) -> LabelSelector | None:
    """None for an absent/null selector, an empty selector for `{}`."""
    if raw is None:
        return None
    return LabelSelector.from_dict(raw if isinstance(raw, dict) else {})


def _policy_port(raw: dict[str, Any]) -> PolicyPort:
    port = raw.get("port")
    if isinstance(port, str) and port.isdigit():
        port = int(port)
    end = raw.get("endPort")
    return PolicyPort(str(raw.get("protocol") or "TCP"), port, int(end) if end is not None else None)


def _rule(raw: Any, peers_key: str) -> Rule:
    raw = raw if isinstance(raw, dict) else {}
    peers = []
    for p in raw.get(peers_key) or []:
        p = p or {}
        block = p.get("ipBlock")
        ip_block = (
            IPBlock(str(block["cidr"]), tuple(str(e) for e in block.get("except") or ()))
            if isinstance(block, dict)
            else None
        )
        peers.append(
            Peer(_selector(p.get("podSelector")), _selector(p.get("namespaceSelector")), ip_block)
        )
    ports = tuple(_policy_port(p or {}) for p in raw.get("ports") or [])
    return Rule(tuple(peers), ports)


def policy_from_dict(obj: dict[str, Any], origin: Origin = Origin()) -> NetworkPolicy:
    """A validated v1 NetworkPolicy mapping -> NetworkPolicy, inferring policyTypes."""
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    ingress = tuple(_rule(r, "from") for r in spec.get("ingress") or [])
    egress = tuple(_rule(r, "to") for r in spec.get("egress") or [])
    types = spec.get("policyTypes")
    if types:
        affects_in, affects_eg = "Ingress" in types, "Egress" in types
    else:
        # The API's defaulting: Ingress always; Egress only when there are egress rules.
        affects_in, affects_eg = True, bool(spec.get("egress"))
    return NetworkPolicy(
        namespace=str(meta.get("namespace") or "default"),
        name=str(meta.get("name") or ""),
        pod_selector=LabelSelector.from_dict(spec.get("podSelector") or {}),
        ingress=ingress,
        egress=egress,
        affects_ingress=affects_in,
        affects_egress=affects_eg,
        policy_types_explicit=bool(types),
        origin=origin,
    )


def _container_ports(pod_spec: dict[str, Any]) -> tuple[ContainerPort, ...]:
    out: list[ContainerPort] = []
    for key in ("containers", "initContainers"):
        for c in pod_spec.get(key) or []:
            if not isinstance(c, dict):
                continue
            for p in c.get("ports") or []:
                if not isinstance(p, dict) or p.get("containerPort") is None:
                    continue
                out.append(
                    ContainerPort(
                        int(p["containerPort"]),
                        str(p.get("protocol") or "TCP"),
                        str(p["name"]) if p.get("name") else None,
                        str(c.get("name") or ""),
                    )
                )
    return tuple(out)


def _template(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec")) or {}
    template = spec.get("template") or {}
    return template if isinstance(template, dict) else {}


def _ready(obj: dict[str, Any]) -> bool:
    status = obj.get("status") or {}
    for cond in status.get("conditions") or []:
        if isinstance(cond, dict) and cond.get("type") == "Ready":
            return str(cond.get("status")) == "True"
    phase = status.get("phase")
    return phase in (None, "Running", "Pending") if phase is not None else True


def _owner(meta: dict[str, Any]) -> tuple[str | None, str | None]:
    for ref in meta.get("ownerReferences") or []:
        if isinstance(ref, dict) and ref.get("controller") and ref.get("kind") != "Node":
            return (str(ref["kind"]) if ref.get("kind") else None), str(ref.get("name") or "")
    return None, None


def _pod_from(obj: dict[str, Any], origin: Origin) -> Pod:
    kind = obj.get("kind")
    meta = obj.get("metadata") or {}
    ns = str(meta.get("namespace") or "default")
    if kind == "Pod":
        spec = obj.get("spec") or {}
        status = obj.get("status") or {}
        owner_kind, owner_name = _owner(meta)
        return Pod(
            namespace=ns,
            name=str(meta.get("name")),
            labels=_str_map(meta.get("labels")),
            ports=_container_ports(spec),
            ip=str(status["podIP"]) if status.get("podIP") else None,
            owner_kind=owner_kind,
            owner_name=owner_name,
            host_network=bool(spec.get("hostNetwork")),
            ready=_ready(obj),
            origin=origin,
        )
    template = _template(obj)
    tmeta = template.get("metadata") or {}
    tspec = template.get("spec") or {}
    replicas = (obj.get("spec") or {}).get("replicas", 1)
    return Pod(
        namespace=ns,
        name=str(meta.get("name")),
        labels=_str_map(tmeta.get("labels")),
        ports=_container_ports(tspec),
        owner_kind=str(kind),
        owner_name=str(meta.get("name")),
        replicas=replicas if isinstance(replicas, int) and replicas > 0 else 1,
        host_network=bool(tspec.get("hostNetwork")),
        origin=origin,
    )


def _service_from(obj: dict[str, Any], origin: Origin) -> Service:
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    ports = []
    for p in spec.get("ports") or []:
        target = p.get("targetPort", p.get("port"))
        if isinstance(target, str) and target.isdigit():
            target = int(target)
        ports.append(
            ServicePort(
                int(p["port"]),
                target,
                str(p.get("protocol") or "TCP"),
                str(p["name"]) if p.get("name") else None,
                int(p["nodePort"]) if p.get("nodePort") else None,
            )
        )
    selector = spec.get("selector")
    return Service(
        namespace=str(meta.get("namespace") or "default"),
        name=str(meta.get("name")),
        type=str(spec.get("type") or "ClusterIP"),
        selector=_str_map(selector) if isinstance(selector, dict) and selector else None,
        ports=tuple(ports),
        origin=origin,
    )


def describe_object(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    name = meta.get("name") or "<unnamed>"
    kind = obj.get("kind") or "object"
    if kind == "Namespace":
        return f"Namespace {name}"
    return f"{kind} {meta.get('namespace') or 'default'}/{name}"


def problem_at(
    doc: Document | None,
    path: tuple[str | int, ...],
    message: str,
    *,
    severity: str = "error",
    hint: str | None = None,
    obj: str | None = None,
    code: str = "",
) -> Problem:
    line, col = (doc.position(path) or (None, None)) if doc else (None, None)
    return Problem(
        severity,  # type: ignore[arg-type]
        message,
        file=doc.source if doc else None,
        line=line,
        column=col,
        obj=obj,
        field=format_path(path) or None,
        hint=hint,
        code=code,
    )


def build_cluster(documents: Iterable[Document], problems: Sequence[Problem] = ()) -> Cluster:
    """Validate every document and build the cluster from those the API server would accept."""
    from k8snet_tutor.core import legacy, validation

    cluster = Cluster(problems=list(problems))
    skipped: dict[str, int] = {}
    extra_policies: list[tuple[dict[str, Any], Origin]] = []
    for doc in documents:
        obj = doc.data
        if not isinstance(obj, dict):
            continue
        kind = obj.get("kind")
        label = describe_object(obj)
        if legacy.is_alpha_policy(obj):
            translated, issues = legacy.translate_alpha_policy(obj)
            bad = _report(cluster, doc, label, issues)
            if not bad:
                extra_policies.append((translated, Origin(doc)))
            continue
        if kind not in ("Namespace", "Pod", "Service", "NetworkPolicy", *WORKLOAD_KINDS):
            if isinstance(kind, str) and kind not in IGNORED_QUIETLY:
                skipped[kind] = skipped.get(kind, 0) + 1
            elif not isinstance(kind, str):
                cluster.problems.append(
                    problem_at(
                        doc,
                        ("kind",),
                        "this document has no `kind`, so it is not a Kubernetes object",
                        hint="every object needs `apiVersion` and `kind`, e.g. `kind: Pod`",
                        obj=label,
                        code="no-kind",
                    )
                )
            continue
        if _report(cluster, doc, label, validation.validate_object(obj)):
            continue
        origin = Origin(doc)
        if kind == "Namespace":
            name = str(obj["metadata"]["name"])
            labels = _str_map(obj["metadata"].get("labels"))
            labels.setdefault(NAME_LABEL, name)
            cluster.namespaces[name] = Namespace(name, labels, True, origin)
            policies, issues = legacy.namespace_isolation_policies(obj)
            _report(cluster, doc, label, issues)
            extra_policies.extend((p, origin) for p in policies)
        elif kind == "Service":
            cluster.services.append(_service_from(obj, origin))
        elif kind == "NetworkPolicy":
            cluster.policies.append(policy_from_dict(obj, origin))
        else:
            cluster.pods.append(_pod_from(obj, origin))
    for raw, origin in extra_policies:
        cluster.policies.append(policy_from_dict(raw, origin))
    for kind, count in sorted(skipped.items()):
        cluster.problems.append(
            Problem(
                "note",
                f"skipped {count} object(s) of kind {kind}: they do not affect connectivity here",
                code="skipped-kind",
            )
        )
    _dedupe(cluster)
    _implicit_namespaces(cluster)
    return cluster


def _report(cluster: Cluster, doc: Document, label: str, issues: Iterable[Any]) -> bool:
    """Add validation issues as problems; True when the object must be left out.

    Errors that cannot change connectivity (a malformed name, a container without a name) are
    reported but keep the object, as the reference analyzer does; every other error drops it,
    as the API server would refuse it.
    """
    from k8snet_tutor.core.validation import NOT_AFFECTING_CONNECTIVITY

    bad = False
    for issue in issues:
        cluster.problems.append(
            problem_at(
                doc,
                tuple(issue.path),
                issue.message,
                severity=issue.severity,
                hint=issue.hint,
                obj=label,
                code=issue.code,
            )
        )
        if issue.severity == "error" and issue.code not in NOT_AFFECTING_CONNECTIVITY:
            bad = True
    return bad


def _dedupe(cluster: Cluster) -> None:
    """Two objects of one kind with one namespace/name: the later one wins, with a warning."""
    for attr, kind in (("pods", "Pod"), ("services", "Service"), ("policies", "NetworkPolicy")):
        seen: dict[str, Any] = {}
        for item in getattr(cluster, attr):
            if item.id in seen:
                line, col = item.origin.position(("metadata", "name"))
                cluster.problems.append(
                    Problem(
                        "warning",
                        f"{kind} {item.id} is defined twice; the later definition is used",
                        file=item.origin.source,
                        line=line,
                        column=col,
                        obj=f"{kind} {item.id}",
                        code="duplicate-object",
                    )
                )
            seen[item.id] = item
        setattr(cluster, attr, list(seen.values()))


def _implicit_namespaces(cluster: Cluster) -> None:
    used = [p.namespace for p in cluster.pods]
    used += [s.namespace for s in cluster.services]
    used += [p.namespace for p in cluster.policies]
    for name in used:
        if name not in cluster.namespaces:
            cluster.namespaces[name] = Namespace(name, {NAME_LABEL: name}, declared=False)


def load_cluster(paths: Sequence[str]) -> Cluster:
    """Files, folders or '-' -> a validated cluster (problems inside, never an exception)."""
    docs, problems = load_paths(paths)
    return build_cluster(docs, problems)


def cluster_from_text(text: str, source: str = "<string>") -> Cluster:
    docs, problems = load_text(text, source)
    return build_cluster(docs, problems)


def merge_text(texts: Sequence[tuple[str, str]]) -> Cluster:
    """Several (text, source) pieces -> one cluster (a lesson's background plus the learner's YAML)."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for text, source in texts:
        d, p = load_text(text, source)
        docs.extend(d)
        problems.extend(p)
    return build_cluster(docs, problems)
