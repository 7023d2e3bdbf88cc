"""The cluster model: validated objects the evaluator works on, built from loaded documents.

Data flows one way: `manifests` (text -> documents with positions) -> `validation` (problems)
-> `cluster` (objects) -> `evaluate`. An object with validation errors is left out, as the API
server would refuse it; its problems are reported with file, line and column.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from k8snet_tutor.core.ipsets import IPSet
from k8snet_tutor.core.manifests import Document, load_paths, load_text
from k8snet_tutor.core.problems import Problem, format_path
from k8snet_tutor.core.selectors import LabelSelector
from k8snet_tutor.core.validation import WORKLOAD_KINDS
from k8snet_tutor.core.wording import did_you_mean

NAME_LABEL = "kubernetes.io/metadata.name"
# What to do with the pre-1.7 namespace isolation annotations: report them, or apply them.
LegacyAnnotations = Literal["ignore", "apply"]
IGNORED_QUIETLY = {"List"}
# Every kind the model reads; others are skipped with a note.
READ_KINDS = (
    "Namespace", "Pod", "Service", "NetworkPolicy", "EndpointSlice", "Endpoints", "Node",
    *WORKLOAD_KINDS,
)


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
    ready: bool = True  # the Ready condition (or, without one, phase Running); True without status
    origin: Origin = field(default_factory=Origin, compare=False)
    phase: str | None = field(default=None, compare=False)  # status.phase, when given
    terminating: bool = field(default=False, compare=False)  # metadata.deletionTimestamp is set
    node: str | None = field(default=None, compare=False)  # spec.nodeName, when given
    host_ip: str | None = field(default=None, compare=False)  # status.hostIP: its node's address

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
    cluster_ip: str | None = None  # "None" for a headless Service
    external_name: str | None = None  # type ExternalName: the DNS name it aliases
    publish_not_ready: bool = False  # spec.publishNotReadyAddresses
    # "Cluster" or "Local" for a Service reachable from outside (NodePort, LoadBalancer),
    # None otherwise (the field does not apply).
    external_traffic_policy: str | None = None
    # "Local": clients in the cluster only reach endpoints on their own node.
    internal_traffic_policy: str = "Cluster"
    session_affinity: str = "None"  # "None" or "ClientIP"
    session_affinity_timeout: int | None = None  # seconds, with ClientIP (default 10800)
    lb_source_ranges: tuple[str, ...] = ()  # spec.loadBalancerSourceRanges (shown, not enforced)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def headless(self) -> bool:
        """`clusterIP: None`: no virtual IP, so no proxying and no port translation."""
        return self.cluster_ip == "None" and self.type != "ExternalName"

    @property
    def external(self) -> bool:
        """Reachable from outside the cluster (through a nodePort or a load balancer)."""
        return self.type in ("NodePort", "LoadBalancer")


@dataclass(frozen=True)
class EndpointAddress:
    """One address of an EndpointSlice or Endpoints object."""

    ip: str
    ready: bool = True
    target: str | None = None  # "ns/name" of the Pod named by `targetRef`, if any
    # Not ready, but terminating and still serving (an EndpointSlice's conditions): the
    # proxy's fallback while no address is ready.
    serving_terminating: bool = False


@dataclass(frozen=True)
class EndpointPort:
    """A port of an EndpointSlice or Endpoints object: the number on the endpoint itself."""

    name: str  # "" when unnamed; matches the Service port's name
    port: int | None
    protocol: str = "TCP"


@dataclass(frozen=True)
class EndpointGroup:
    """Addresses x ports given by hand for a Service: one EndpointSlice, or one subset of an
    Endpoints object. Kubernetes only uses these for Services without a selector (with a
    selector, the control plane computes the endpoints from the pods and owns these objects)."""

    kind: str  # "EndpointSlice" or "Endpoints"
    namespace: str
    name: str
    service: str  # the Service's name (the slice's kubernetes.io/service-name label)
    addresses: tuple[EndpointAddress, ...]
    ports: tuple[EndpointPort, ...]
    origin: Origin = field(default_factory=Origin, compare=False)
    address_type: str = "IPv4"  # an EndpointSlice's addressType; FQDN addresses are not used

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def service_id(self) -> str:
        return f"{self.namespace}/{self.service}"


@dataclass(frozen=True)
class IPBlock:
    cidr: str
    excepts: tuple[str, ...] = ()

    @functools.cached_property
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
    origin: Origin = field(default_factory=Origin, compare=False)

    @property
    def id(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def policy_types(self) -> tuple[str, ...]:
        return tuple(
            t for t, on in (("Ingress", self.affects_ingress), ("Egress", self.affects_egress)) if on
        )


@dataclass(frozen=True)
class Node:
    """A node of the cluster, known from a Node object or from a pod's `status.hostIP`.

    Only its addresses matter here: they are where a node sends from when it source-NATs a
    connection (a NodePort or LoadBalancer Service with `externalTrafficPolicy: Cluster`).
    """

    name: str
    addresses: tuple[str, ...]  # its InternalIP addresses
    origin: Origin = field(default_factory=Origin, compare=False)

    @property
    def id(self) -> str:
        return self.name


@dataclass
class Cluster:
    namespaces: dict[str, Namespace] = field(default_factory=dict)
    pods: list[Pod] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    policies: list[NetworkPolicy] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    endpoint_groups: list[EndpointGroup] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)

    def node_addresses(self) -> list[tuple[str, str]]:
        """(node, address) for every node address the input gives: Node objects' addresses,
        then the `status.hostIP` of pods on nodes without an address from a Node object (a
        pod without `spec.nodeName` names its node by that address)."""
        out: list[tuple[str, str]] = []
        known: set[str] = set()
        for node in self.nodes:
            if node.addresses:
                known.add(node.name)
                out.extend((node.name, a) for a in node.addresses)
        seen = {a for _, a in out}
        for pod in self.pods:
            if pod.host_ip is None or pod.host_ip in seen:
                continue
            name = pod.node or pod.host_ip
            if name in known and pod.node is not None:
                continue
            seen.add(pod.host_ip)
            out.append((name, pod.host_ip))
        return out

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
    """Labels (or a Service selector) as text. A null value is the empty string, as the API
    server reads `key:` with nothing after it; anything but a mapping is no labels at all."""
    if not isinstance(raw, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def _generated_name(meta: dict[str, Any], origin: Origin) -> str:
    """`metadata.name`, or for an object with only `generateName` a stable made-up name.

    The API server appends five random characters to `generateName`; a suffix derived from the
    document keeps two such objects apart (and the output the same from run to run).
    """
    name = meta.get("name")
    if name is not None:
        return str(name)
    prefix = meta.get("generateName")
    if not isinstance(prefix, str) or not prefix:
        return ""
    import zlib

    doc = origin.document
    seed = f"{doc.source}\0{doc.index}" if doc is not None else prefix
    number = zlib.crc32(seed.encode("utf-8", "replace"))
    alphabet = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet Kubernetes uses for these suffixes
    suffix = ""
    for _ in range(5):
        number, digit = divmod(number, len(alphabet))
        suffix += alphabet[digit]
    return prefix + suffix


def _selector(raw: Any) -> LabelSelector | None:
    """None for an absent/null selector, an empty selector for `{}`.

    Validation has checked the shape; this still reads defensively: null label values (and
    null `values` items) are the empty string, and entries of the wrong shape are skipped.
    """
    if raw is None:
        return None
    if not isinstance(raw, dict):
        return LabelSelector()
    clean: dict[str, Any] = {}
    labels = raw.get("matchLabels")
    if isinstance(labels, dict):
        clean["matchLabels"] = {str(k): "" if v is None else str(v) for k, v in labels.items()}
    exprs = raw.get("matchExpressions")
    if isinstance(exprs, list):
        clean_exprs = []
        for expr in exprs:
            if not isinstance(expr, dict) or expr.get("key") is None:
                continue
            values = expr.get("values")
            clean_exprs.append(
                {
                    "key": str(expr["key"]),
                    "operator": str(expr.get("operator")),
                    "values": [
                        "" if v is None else str(v)
                        for v in (values if isinstance(values, list) else [])
                    ],
                }
            )
        clean["matchExpressions"] = clean_exprs
    return LabelSelector.from_dict(clean)


def _policy_port(raw: Any) -> PolicyPort:
    raw = raw if isinstance(raw, dict) else {}
    protocol = raw.get("protocol")
    port = raw.get("port")
    if isinstance(port, str) and port.isascii() and port.strip().isdigit():
        port = int(port)
    if isinstance(port, bool) or not isinstance(port, int | str):
        port = None
    end = raw.get("endPort")
    if isinstance(end, bool) or not isinstance(end, int):
        end = None
    return PolicyPort(protocol if isinstance(protocol, str) and protocol else "TCP", port, end)


def _rule(raw: Any, peers_key: str) -> Rule:
    raw = raw if isinstance(raw, dict) else {}
    peers = []
    raw_peers = raw.get(peers_key)
    for p in raw_peers if isinstance(raw_peers, list) else []:
        if p is None:
            p = {}
        if not isinstance(p, dict):
            continue
        block = p.get("ipBlock")
        ip_block = None
        if isinstance(block, dict) and block.get("cidr") is not None:
            excepts = block.get("except")
            ip_block = IPBlock(
                str(block["cidr"]),
                tuple(str(e) for e in (excepts if isinstance(excepts, list) else ())),
            )
        peers.append(
            Peer(_selector(p.get("podSelector")), _selector(p.get("namespaceSelector")), ip_block)
        )
    raw_ports = raw.get("ports")
    ports = tuple(_policy_port(p) for p in (raw_ports if isinstance(raw_ports, list) else []))
    return Rule(tuple(peers), ports)


def policy_from_dict(obj: dict[str, Any], origin: Origin = Origin()) -> NetworkPolicy:
    """A validated v1 NetworkPolicy mapping -> NetworkPolicy, inferring policyTypes."""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    assert isinstance(meta, dict) and isinstance(spec, dict)
    raw_in, raw_eg = spec.get("ingress"), spec.get("egress")
    ingress = tuple(_rule(r, "from") for r in (raw_in if isinstance(raw_in, list) else []))
    egress = tuple(_rule(r, "to") for r in (raw_eg if isinstance(raw_eg, list) else []))
    types = spec.get("policyTypes")
    if not isinstance(types, list):
        types = None
    if types:
        affects_in, affects_eg = "Ingress" in types, "Egress" in types
    else:
        # The API's defaulting: Ingress always; Egress only when there are egress rules.
        affects_in, affects_eg = True, bool(egress)
    return NetworkPolicy(
        namespace=str(meta.get("namespace") or "default"),
        name=_generated_name(meta, origin),
        pod_selector=_selector(spec.get("podSelector")) or LabelSelector(),
        ingress=ingress,
        egress=egress,
        affects_ingress=affects_in,
        affects_egress=affects_eg,
        origin=origin,
    )


def _container_ports(pod_spec: dict[str, Any]) -> tuple[ContainerPort, ...]:
    out: list[ContainerPort] = []
    if not isinstance(pod_spec, dict):
        return ()
    for key in ("containers", "initContainers"):
        containers = pod_spec.get(key)
        for c in containers if isinstance(containers, list) else []:
            if not isinstance(c, dict):
                continue
            ports = c.get("ports")
            for p in ports if isinstance(ports, list) else []:
                if not isinstance(p, dict):
                    continue
                number = p.get("containerPort")
                if isinstance(number, bool) or not isinstance(number, int):
                    continue
                protocol = p.get("protocol")
                out.append(
                    ContainerPort(
                        number,
                        protocol if isinstance(protocol, str) and protocol else "TCP",
                        str(p["name"]) if p.get("name") else None,
                        str(c.get("name") or ""),
                    )
                )
    return tuple(out)


def _template(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    if obj.get("kind") == "CronJob":
        job = spec.get("jobTemplate")
        job_spec = job.get("spec") if isinstance(job, dict) else None
        spec = job_spec if isinstance(job_spec, dict) else {}
    template = spec.get("template")
    return template if isinstance(template, dict) else {}


def _ready(obj: dict[str, Any]) -> bool:
    """Is the pod Ready? A manifest without `status` describes a pod as it will run, so it
    counts as ready. Otherwise the Ready condition decides, and without one only a Running
    pod is ready (a Pending pod has not started its containers yet)."""
    status = obj.get("status")
    if not isinstance(status, dict):
        return True
    conditions = status.get("conditions")
    for cond in conditions if isinstance(conditions, list) else []:
        if isinstance(cond, dict) and cond.get("type") == "Ready":
            return str(cond.get("status")) == "True"
    phase = status.get("phase")
    return phase == "Running" if phase is not None else True


def _owner(meta: dict[str, Any]) -> tuple[str | None, str | None]:
    refs = meta.get("ownerReferences") if isinstance(meta, dict) else None
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and ref.get("controller") is True and ref.get("kind") != "Node":
            return (str(ref["kind"]) if ref.get("kind") else None), str(ref.get("name") or "")
    return None, None


def _pod_from(obj: dict[str, Any], origin: Origin) -> Pod:
    kind = obj.get("kind")
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    ns = str(meta.get("namespace") or "default")
    name = _generated_name(meta, origin)
    spec = obj.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    if kind == "Pod":
        status = obj.get("status")
        status = status if isinstance(status, dict) else {}
        owner_kind, owner_name = _owner(meta)
        return Pod(
            namespace=ns,
            name=name,
            labels=_str_map(meta.get("labels")),
            ports=_container_ports(spec),
            ip=str(status["podIP"]) if status.get("podIP") else None,
            owner_kind=owner_kind,
            owner_name=owner_name,
            host_network=spec.get("hostNetwork") is True,
            ready=_ready(obj),
            origin=origin,
            phase=str(status["phase"]) if isinstance(status.get("phase"), str) else None,
            terminating=meta.get("deletionTimestamp") is not None,
            node=str(spec["nodeName"]) if isinstance(spec.get("nodeName"), str) else None,
            host_ip=str(status["hostIP"]) if isinstance(status.get("hostIP"), str) and status["hostIP"] else None,
        )
    template = _template(obj)
    tmeta = template.get("metadata")
    tmeta = tmeta if isinstance(tmeta, dict) else {}
    tspec = template.get("spec")
    tspec = tspec if isinstance(tspec, dict) else {}
    replicas = spec.get("replicas", 1)
    return Pod(
        namespace=ns,
        name=name,
        labels=_str_map(tmeta.get("labels")),
        ports=_container_ports(tspec),
        owner_kind=str(kind),
        owner_name=name,
        replicas=replicas
        if isinstance(replicas, int) and not isinstance(replicas, bool) and replicas > 0
        else 1,
        host_network=tspec.get("hostNetwork") is True,
        origin=origin,
    )


def _service_from(obj: dict[str, Any], origin: Origin) -> Service:
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    spec = obj.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    ports = []
    raw_ports = spec.get("ports")
    for p in raw_ports if isinstance(raw_ports, list) else []:
        if not isinstance(p, dict):
            continue
        number = p.get("port")
        if isinstance(number, bool) or not isinstance(number, int):
            continue
        target = p.get("targetPort")
        if isinstance(target, str) and target.isascii() and target.strip().isdigit():
            target = int(target)
        if isinstance(target, bool) or not isinstance(target, int | str) or target in (0, ""):
            target = number  # absent, null or 0: the same as `port`, as the API server defaults it
        protocol = p.get("protocol")
        node_port = p.get("nodePort")
        ports.append(
            ServicePort(
                number,
                target,
                protocol if isinstance(protocol, str) and protocol else "TCP",
                str(p["name"]) if p.get("name") else None,
                node_port
                if isinstance(node_port, int) and not isinstance(node_port, bool) and node_port
                else None,
            )
        )
    selector = spec.get("selector")
    svc_type = spec.get("type")
    svc_type = svc_type if isinstance(svc_type, str) and svc_type else "ClusterIP"
    cluster_ip = spec.get("clusterIP")
    if cluster_ip is None or cluster_ip == "":
        ips = spec.get("clusterIPs")
        cluster_ip = ips[0] if isinstance(ips, list) and ips else None
    external_name = spec.get("externalName")
    policy: str | None = None
    if svc_type in ("NodePort", "LoadBalancer"):
        raw_policy = spec.get("externalTrafficPolicy")
        policy = raw_policy if raw_policy in ("Cluster", "Local") else "Cluster"
    ranges = spec.get("loadBalancerSourceRanges")
    ranges = ranges if isinstance(ranges, list) else []
    affinity = spec.get("sessionAffinity")
    affinity = affinity if affinity in ("None", "ClientIP") else "None"
    timeout: int | None = None
    if affinity == "ClientIP":
        timeout = 10800  # the API server's default: three hours
        config = spec.get("sessionAffinityConfig")
        client = config.get("clientIP") if isinstance(config, dict) else None
        raw_timeout = client.get("timeoutSeconds") if isinstance(client, dict) else None
        if isinstance(raw_timeout, int) and not isinstance(raw_timeout, bool) and raw_timeout > 0:
            timeout = raw_timeout
    return Service(
        namespace=str(meta.get("namespace") or "default"),
        name=_generated_name(meta, origin),
        type=svc_type,
        selector=_str_map(selector) if isinstance(selector, dict) and selector else None,
        ports=tuple(ports),
        origin=origin,
        cluster_ip=str(cluster_ip) if isinstance(cluster_ip, str) and cluster_ip else None,
        external_name=str(external_name)
        if svc_type == "ExternalName" and isinstance(external_name, str) and external_name
        else None,
        publish_not_ready=spec.get("publishNotReadyAddresses") is True,
        external_traffic_policy=policy,
        internal_traffic_policy="Local"
        if spec.get("internalTrafficPolicy") == "Local"
        else "Cluster",
        session_affinity=affinity,
        session_affinity_timeout=timeout,
        lb_source_ranges=tuple(r for r in ranges if isinstance(r, str) and r),
    )


def _node_from(obj: dict[str, Any], origin: Origin) -> Node:
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    status = obj.get("status")
    status = status if isinstance(status, dict) else {}
    raw = status.get("addresses")
    entries = [e for e in raw if isinstance(e, dict)] if isinstance(raw, list) else []

    def of_type(kind: str) -> list[str]:
        return [
            str(e["address"])
            for e in entries
            if e.get("type") == kind and isinstance(e.get("address"), str) and e["address"]
        ]

    # Only InternalIP: a cloud's ExternalIP is usually translated by the provider and is not an
    # address of the node's own interfaces, so the node never sends from it.
    addresses = of_type("InternalIP")
    return Node(_generated_name(meta, origin), tuple(dict.fromkeys(addresses)), origin)


SERVICE_NAME_LABEL = "kubernetes.io/service-name"
ENDPOINT_KINDS = ("EndpointSlice", "Endpoints")
# The API versions read; another group's kind of the same name is skipped as unmodelled.
ENDPOINT_API = {"EndpointSlice": "discovery.k8s.io/v1", "Endpoints": "v1"}


def _endpoint_port(raw: Any) -> EndpointPort | None:
    if not isinstance(raw, dict):
        return None
    number = raw.get("port")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 65535:
        number = None
    protocol = raw.get("protocol")
    name = raw.get("name")
    return EndpointPort(
        str(name) if isinstance(name, str) else "",
        number,
        protocol if isinstance(protocol, str) and protocol else "TCP",
    )


def _target_pod(raw: Any, namespace: str) -> str | None:
    """`ns/name` of the Pod a `targetRef` names (None: no targetRef, or not a Pod)."""
    if not isinstance(raw, dict) or raw.get("kind", "Pod") != "Pod":
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        return None
    ns = raw.get("namespace")
    return f"{ns if isinstance(ns, str) and ns else namespace}/{name}"


def _endpoint_groups(obj: dict[str, Any], origin: Origin) -> list[EndpointGroup]:
    """An EndpointSlice (discovery.k8s.io/v1) or Endpoints (v1) object -> address groups.

    Read defensively: entries of the wrong shape are skipped. A slice's endpoint uses only its
    first address (kube-proxy ignores the others); `conditions.ready` missing means ready.
    Endpoints' `notReadyAddresses` are the not-ready ones.
    """
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    ns = str(meta.get("namespace") or "default")
    name = _generated_name(meta, origin)
    out: list[EndpointGroup] = []
    if obj.get("kind") == "EndpointSlice":
        labels = _str_map(meta.get("labels"))
        raw_ports = obj.get("ports")
        ports = tuple(
            p for p in map(_endpoint_port, raw_ports if isinstance(raw_ports, list) else []) if p
        )
        addresses: list[EndpointAddress] = []
        address_type = obj.get("addressType")
        address_type = address_type if isinstance(address_type, str) else "IPv4"
        raw_eps = obj.get("endpoints")
        for ep in raw_eps if isinstance(raw_eps, list) and address_type != "FQDN" else []:
            if not isinstance(ep, dict):
                continue
            ips = ep.get("addresses")
            if not isinstance(ips, list) or not ips or not isinstance(ips[0], str):
                continue
            cond = ep.get("conditions")
            ready = not (isinstance(cond, dict) and cond.get("ready") is False)
            draining = (
                not ready
                and isinstance(cond, dict)
                and cond.get("terminating") is True
                and cond.get("serving") is True
            )
            addresses.append(
                EndpointAddress(ips[0], ready, _target_pod(ep.get("targetRef"), ns), draining)
            )
        out.append(
            EndpointGroup(
                "EndpointSlice", ns, name, labels.get(SERVICE_NAME_LABEL, ""),
                tuple(addresses), ports, origin, address_type,
            )
        )
        return out
    subsets = obj.get("subsets")
    for subset in subsets if isinstance(subsets, list) else []:
        if not isinstance(subset, dict):
            continue
        raw_ports = subset.get("ports")
        ports = tuple(
            p for p in map(_endpoint_port, raw_ports if isinstance(raw_ports, list) else []) if p
        )
        addresses = []
        for key, ready in (("addresses", True), ("notReadyAddresses", False)):
            items = subset.get(key)
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("ip"), str) and item["ip"]:
                    addresses.append(
                        EndpointAddress(item["ip"], ready, _target_pod(item.get("targetRef"), ns))
                    )
        out.append(EndpointGroup("Endpoints", ns, name, name, tuple(addresses), ports, origin))
    return out


def describe_object(obj: dict[str, Any]) -> str:
    """`Pod shop/web` for messages; never fails, and keeps hostile names short."""

    def short(value: Any) -> str:
        text = value if isinstance(value, str) else str(value)
        return text if len(text) <= 80 else text[:77] + "..."

    if not isinstance(obj, dict):
        return "object"
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    name = short(meta.get("name") or meta.get("generateName") or "<unnamed>")
    kind = obj.get("kind")
    kind = short(kind) if isinstance(kind, str) and kind else "object"
    if kind == "Namespace":
        return f"Namespace {name}"
    return f"{kind} {short(meta.get('namespace') or 'default')}/{name}"


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


def build_cluster(
    documents: Iterable[Document],
    problems: Sequence[Problem] = (),
    *,
    legacy_annotations: LegacyAnnotations = "ignore",
) -> Cluster:
    """Validate every document and build the cluster from those the API server would accept.

    The pre-1.7 namespace isolation annotations are reported as ignored, as every cluster since
    1.7 ignores them; `legacy_annotations="apply"` turns them into default-deny policies.

    Never raises for bad input. Validation reports every shape the builders cannot read, so
    they only see accepted objects; should one still fail, that object is left out with an
    error at its position (code "internal-error") and the rest of the input is still used.
    """
    from k8snet_tutor.core import legacy, unmodelled, validation

    cluster = Cluster(problems=list(problems))
    skipped: dict[str, tuple[int, Document]] = {}  # kind -> (count, first document)
    extra_policies: list[tuple[dict[str, Any], Origin]] = []

    def internal(doc: Document | None, label: str | None, exc: Exception) -> None:
        cluster.problems.append(
            problem_at(
                doc,
                (),
                f"internal error while reading this object ({type(exc).__name__}: "
                f"{str(exc)[:200]}); it was left out",
                hint="the rest of the input was still evaluated; please report this input as a bug",
                obj=label,
                code="internal-error",
            )
        )

    for doc in documents:
        obj = doc.data
        if not isinstance(obj, dict):
            continue
        label = describe_object(obj)
        try:
            kind = obj.get("kind")
            if legacy.is_alpha_policy(obj):
                translated, issues = legacy.translate_alpha_policy(obj)
                bad = _report(cluster, doc, label, issues)
                if not bad:
                    extra_policies.append((translated, Origin(doc)))
                continue
            plugin_kind = unmodelled.plugin_policy_label(kind, obj.get("apiVersion"))
            modelled = plugin_kind is None and kind in READ_KINDS and (
                kind not in ENDPOINT_API or obj.get("apiVersion") == ENDPOINT_API[kind]
            )
            if not modelled:
                if isinstance(kind, str) and kind not in IGNORED_QUIETLY:
                    guess = None if kind in READ_KINDS else _near_miss_kind(kind)
                    if guess is not None:
                        cluster.problems.append(
                            problem_at(
                                doc,
                                ("kind",),
                                f"unknown kind `{kind}`, so this object was skipped",
                                severity="warning",
                                hint=f"did you mean `{guess}`? kinds are case-sensitive",
                                obj=label,
                                code="misspelt-kind",
                            )
                        )
                    else:
                        key = plugin_kind or kind
                        count, first = skipped.get(key, (0, doc))
                        skipped[key] = (count + 1, first)
                elif not isinstance(kind, str):
                    cluster.problems.append(
                        problem_at(
                            doc,
                            ("kind",),
                            "this document has no `kind`, so it is not a Kubernetes object"
                            if kind is None
                            else f"`kind` must be a string such as `Pod`, but it is "
                            f"{validation.describe_type(kind)}",
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
                meta = obj.get("metadata")
                meta = meta if isinstance(meta, dict) else {}
                name = _generated_name(meta, origin)
                labels = _str_map(meta.get("labels"))
                labels.setdefault(NAME_LABEL, name)
                policies, issues = legacy.namespace_isolation_policies(
                    obj, apply=legacy_annotations == "apply"
                )
                cluster.namespaces[name] = Namespace(name, labels, True, origin)
                _report(cluster, doc, label, issues)
                extra_policies.extend((p, origin) for p in policies)
            elif kind == "Service":
                cluster.services.append(_service_from(obj, origin))
            elif kind == "NetworkPolicy":
                cluster.policies.append(policy_from_dict(obj, origin))
            elif kind in ENDPOINT_KINDS:
                cluster.endpoint_groups.extend(_endpoint_groups(obj, origin))
            elif kind == "Node":
                cluster.nodes.append(_node_from(obj, origin))
            else:
                cluster.pods.append(_pod_from(obj, origin))
        except Exception as exc:  # last-resort guard: one bad object never stops the rest
            internal(doc, label, exc)
    for raw, origin in extra_policies:
        try:
            cluster.policies.append(policy_from_dict(raw, origin))
        except Exception as exc:
            internal(origin.document, describe_object(raw), exc)
    for kind, (count, first) in sorted(skipped.items()):
        shown = kind if len(kind) <= 80 else kind[:77] + "..."
        where = f" (the first is {describe_object(first.data)})" if count > 1 else ""
        cluster.problems.append(
            problem_at(
                first,
                ("kind",),
                unmodelled.skipped_kind_message(shown, count, where),
                severity=unmodelled.skipped_kind_severity(kind),
                code="skipped-kind",
            )
        )
    _dedupe(cluster)
    _implicit_namespaces(cluster)
    _check_endpoint_groups(cluster)
    return cluster


def _check_endpoint_groups(cluster: Cluster) -> None:
    """Say so when an EndpointSlice or Endpoints object given in the input is not used."""
    services = {s.id: s for s in cluster.services}
    seen: set[tuple[str, str]] = set()
    for group in cluster.endpoint_groups:
        if (group.kind, group.id) in seen:
            continue  # one note per object (an Endpoints object has a group per subset)
        seen.add((group.kind, group.id))
        label = f"{group.kind} {group.id}"
        svc = services.get(group.service_id) if group.service else None
        reason = hint = None
        if not group.service:
            reason = (
                f"it has no `{SERVICE_NAME_LABEL}` label, so it belongs to no Service and "
                "is not used"
            )
            hint = f"add the label `{SERVICE_NAME_LABEL}: <service name>` to attach it"
        elif svc is None:
            reason = f"it belongs to Service {group.service_id}, which is not in the input"
        elif svc.type == "ExternalName":
            reason = (
                f"Service {svc.id} is an ExternalName Service, a DNS alias with no endpoints, "
                "so these addresses are not used"
            )
        elif svc.selector:
            reason = (
                f"Service {svc.id} has a selector, so Kubernetes computes its endpoints from "
                "the pods it selects and these hand-written addresses are not used"
            )
            hint = "remove the Service's selector to use endpoints given by hand"
        elif group.address_type == "FQDN":
            reason = "its addressType is FQDN, which kube-proxy does not use"
        if reason is not None:
            cluster.problems.append(
                problem_at(
                    group.origin.document, (), reason, severity="note", hint=hint,
                    obj=label, code="unused-endpoints",
                )
            )


def _near_miss_kind(kind: str) -> str | None:
    """The connectivity kind `kind` is probably a typo of (`networkpolicy`, `Services`), or None.

    Strict on purpose: real custom kinds such as CiliumNetworkPolicy are not typos.
    """
    guess = did_you_mean(kind, READ_KINDS, cutoff=0.85)
    if guess is None or guess[0].lower() != kind[:1].lower():
        return None
    return guess


def _report(cluster: Cluster, doc: Document, label: str, issues: Iterable[Any]) -> bool:
    """Add validation issues as problems; True when the object must be left out.

    Errors that cannot change connectivity (a malformed name, a container without a name) are
    reported but keep the object, as the reference analyzer does; every other error drops it,
    as the API server would refuse it.
    """
    import dataclasses

    from k8snet_tutor.core.validation import NOT_AFFECTING_CONNECTIVITY

    def brief(text: str | None, limit: int) -> str | None:
        if text is None or len(text) <= limit:
            return text
        return text[: limit - 20] + " ... (cut short)"

    bad = False
    for issue in issues:
        problem = problem_at(
            doc,
            tuple(issue.path),
            brief(issue.message, 1000) or "",
            severity=issue.severity,
            hint=brief(issue.hint, 5000),
            obj=label,
            code=issue.code,
        )
        if problem.field is not None and len(problem.field) > 200:
            # Hostile keys (a 1 MB label name) must not make a 1 MB message line.
            short = tuple(
                part if not isinstance(part, str) or len(part) <= 40 else part[:37] + "..."
                for part in issue.path
            )
            problem = dataclasses.replace(problem, field=brief(format_path(short), 200))
        cluster.problems.append(problem)
        if issue.severity == "error" and issue.code not in NOT_AFFECTING_CONNECTIVITY:
            bad = True
    return bad


def _dedupe(cluster: Cluster) -> None:
    """Two objects of one kind with one namespace/name: the later one wins, with a warning."""
    kinds = (("pods", "Pod"), ("services", "Service"), ("policies", "NetworkPolicy"), ("nodes", "Node"))
    for attr, kind in kinds:
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


def load_cluster(
    paths: Sequence[str], *, legacy_annotations: LegacyAnnotations = "ignore"
) -> Cluster:
    """Files, folders or '-' -> a validated cluster (problems inside, never an exception)."""
    docs, problems = load_paths(paths)
    return build_cluster(docs, problems, legacy_annotations=legacy_annotations)


def cluster_from_text(
    text: str, source: str = "<string>", *, legacy_annotations: LegacyAnnotations = "ignore"
) -> Cluster:
    docs, problems = load_text(text, source)
    return build_cluster(docs, problems, legacy_annotations=legacy_annotations)


def merge_text(texts: Sequence[tuple[str, str]]) -> Cluster:
    """Several (text, source) pieces -> one cluster (a lesson's background plus the learner's YAML)."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for text, source in texts:
        d, p = load_text(text, source)
        docs.extend(d)
        problems.extend(p)
    return build_cluster(docs, problems)
