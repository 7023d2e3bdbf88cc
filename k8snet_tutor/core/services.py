"""Services: which endpoints stand behind a Service, and whether a client reaches them through it.

What a client reaches depends on the kind of Service:

- **ClusterIP, NodePort, LoadBalancer** (with a virtual IP): the proxy sends a connection for a
  Service port to one endpoint, on the port `targetPort` resolves to for that endpoint (a
  number, or a container port name looked up per pod). Policies see the endpoint's port,
  never the Service port or the nodePort.
- **Headless** (`clusterIP: None`): no virtual IP and no proxy. DNS returns the endpoints'
  addresses and the client connects to them on the port it dials; `port` and `targetPort`
  translate nothing (an SRV lookup by port name returns the endpoint's port).
- **ExternalName**: a DNS alias (CNAME) for another name. No endpoints and no proxy: nothing
  in the cluster is reached through it.

Endpoints: with a selector, the pods of the Service's namespace whose labels include every
selector pair and that are Ready (or any that has not finished, with
`publishNotReadyAddresses: true`); a finished pod never is one. Without a selector Kubernetes
makes none: they come from EndpointSlice (discovery.k8s.io/v1) and Endpoints (v1) objects,
each address being a pod of the input (by `targetRef` or IP) or an address outside it, on the
port the object gives for the Service port's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from k8snet_tutor.core.cluster import Cluster, EndpointPort, Pod, Service, ServicePort
from k8snet_tutor.core.evaluate import Evaluator, External
from k8snet_tutor.core.explain import Explanation, explain
from k8snet_tutor.core.ipsets import V6_OFFSET, network_range
from k8snet_tutor.core.ports import PortProbe

Reach = Literal[
    "all",  # every endpoint accepts the connection
    "some",  # only some do
    "none",  # none does (policy)
    "no-endpoints",  # nothing stands behind the Service
    "no-port",  # the Service has no such port
    "not-exposed",  # an outside client, and the Service has no outside address
    "not-listening",  # no endpoint declares the port the connection arrives on
    "external-name",  # an ExternalName Service: a DNS alias, nothing in the cluster behind it
    "no-local-endpoint",  # internalTrafficPolicy Local, and no endpoint on the client's node
]

DEFAULT_AFFINITY_TIMEOUT = 10800
T = TypeVar("T")


# --------------------------------------------------------------------------------------------
# Endpoints


def endpoint_problem(service: Service, pod: Pod) -> str | None:
    """Why `pod`, whose labels match the Service's selector, is not one of its endpoints
    (None: it is one). The rules of the EndpointSlice controller."""
    if pod.phase in ("Succeeded", "Failed"):
        return f"it has finished (phase {pod.phase}), and a finished pod is never an endpoint"
    if pod.phase == "Pending" and not pod.ip:
        return "it is Pending and has no IP yet"
    if service.publish_not_ready:
        return None
    if pod.terminating:
        if not pod.ready:
            return (
                "it is terminating (it has a deletionTimestamp) and no longer passes its "
                "readiness check"
            )
        return (
            "it is terminating (it has a deletionTimestamp); the proxy sends it new "
            "connections only while no endpoint is Ready (with a Local traffic policy: none on "
            "the client's node), so that connections drain"
        )
    if not pod.ready:
        return (
            "it is not Ready, so it gets no traffic until its readiness check passes (with "
            "`publishNotReadyAddresses: true` it would be an endpoint anyway)"
        )
    return None


def _selected(cluster: Cluster, service: Service) -> list[Pod]:
    sel = service.selector or {}
    return [
        p
        for p in cluster.pods
        if p.namespace == service.namespace and all(p.labels.get(k) == v for k, v in sel.items())
    ]


@dataclass(frozen=True)
class Backend:
    """One endpoint of a Service: a pod of the input, or an address no pod of the input has.

    `ports` is None for endpoints made from the selector (the Service port's `targetPort`
    applies); for endpoints given by EndpointSlice / Endpoints objects it is their port list.
    """

    pod: Pod | None
    address: str | None
    ports: tuple[EndpointPort, ...] | None = None
    given_by: str = "selector"  # or "EndpointSlice ns/name", "Endpoints ns/name"

    @property
    def id(self) -> str:
        return self.pod.id if self.pod is not None else str(self.address)


@dataclass
class EndpointSet:
    """The endpoints of a Service, and what was left out and why."""

    backends: list[Backend] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (pod or address, why)
    given_by: list[str] = field(default_factory=list)  # the objects the endpoints came from
    # No endpoint is Ready: the backends are terminating pods that still pass their
    # readiness check, which the proxy falls back to while they shut down.
    draining: bool = False
    # Terminating pods that still pass readiness while Ready endpoints exist elsewhere: with a
    # Local traffic policy the proxy falls back to them on a node with no Ready endpoint.
    fallback: list[Backend] = field(default_factory=list)


def endpoint_set(cluster: Cluster, service: Service) -> EndpointSet:
    """Every endpoint of `service` (see the module text for the rules)."""
    out = EndpointSet()
    if service.type == "ExternalName":
        return out
    if service.selector:
        serving: list[Pod] = []  # terminating, and still passing the readiness check
        for pod in _selected(cluster, service):
            problem = endpoint_problem(service, pod)
            if problem is None:
                out.backends.append(Backend(pod, pod.ip))
            else:
                out.left_out.append((pod.id, problem))
                if pod.terminating and pod.ready and pod.phase not in ("Succeeded", "Failed"):
                    serving.append(pod)
        if not out.backends and serving:
            out.draining = True
            names = {p.id for p in serving}
            out.left_out = [(who, why) for who, why in out.left_out if who not in names]
            out.backends = [Backend(pod, pod.ip) for pod in serving]
        else:
            out.fallback = [Backend(pod, pod.ip) for pod in serving]
        return out
    by_id = {p.id: p for p in cluster.pods}
    by_ip = {p.ip: p for p in cluster.pods if p.ip}
    seen: set[tuple[str, tuple[EndpointPort, ...]]] = set()
    spare: list[Backend] = []  # terminating addresses that still serve
    for group in cluster.endpoint_groups:
        if group.service_id != service.id or not group.service or group.address_type == "FQDN":
            continue
        label = f"{group.kind} {group.id}"
        if label not in out.given_by:
            out.given_by.append(label)
        for addr in group.addresses:
            member: Pod | None = by_id.get(addr.target) if addr.target else None
            if member is None:
                member = by_ip.get(addr.ip)
            who = member.id if member is not None else addr.ip
            if not addr.ready:
                if addr.serving_terminating:
                    spare.append(Backend(member, addr.ip, group.ports, label))
                out.left_out.append((who, f"{label} marks it not ready"))
                continue
            key = (addr.ip, group.ports)
            if key in seen:
                continue
            seen.add(key)
            out.backends.append(Backend(member, addr.ip, group.ports, label))
    if spare and not out.backends:
        out.draining = True
        names = {b.id for b in spare}
        out.left_out = [(who, why) for who, why in out.left_out if who not in names]
        out.backends = spare
    else:
        out.fallback = spare
    return out


def endpoints(cluster: Cluster, service: Service) -> list[Pod]:
    """The pods that are endpoints of the Service (addresses outside the input left out)."""
    pods: list[Pod] = []
    for b in endpoint_set(cluster, service).backends:
        if b.pod is not None and b.pod not in pods:
            pods.append(b.pod)
    return pods


def target_port(service_port: ServicePort, pod: Pod) -> int | None:
    """The pod port a Service port sends to on this pod (None: the named port is missing)."""
    target = service_port.target_port
    if isinstance(target, int):
        return target
    cp = pod.named_port(target, service_port.protocol)
    return cp.port if cp else None


def backend_port(service_port: ServicePort, backend: Backend) -> int | None:
    """The port a Service port sends to on this endpoint (None: it has none for it).

    Endpoints given by hand carry their own port numbers, matched to the Service port by
    name and protocol; the Service's `targetPort` is not used for them.
    """
    if backend.ports is None:
        return target_port(service_port, backend.pod) if backend.pod is not None else None
    name = service_port.name or ""
    for ep in backend.ports:
        if ep.name == name and ep.protocol == service_port.protocol:
            return ep.port
    return None


def find_port(service: Service, probe: PortProbe, *, external: bool = False) -> ServicePort | None:
    """The Service port a client uses. From outside the cluster a NodePort Service is reached
    only on its nodePort; a LoadBalancer on its port (the balancer's address) or its nodePort."""
    for sp in service.ports:
        if sp.protocol != probe.protocol:
            continue
        by_port = probe.port in (sp.port, sp.name)
        by_node = sp.node_port is not None and probe.port == sp.node_port
        if not external and by_port:
            return sp
        if external and (by_node or (service.type == "LoadBalancer" and by_port)):
            return sp
    return None


def kind_text(service: Service) -> str:
    """`ClusterIP`, `headless ClusterIP`, `NodePort`, `ExternalName`, ..."""
    return f"headless {service.type}" if service.headless else service.type


def service_summary(cluster: Cluster, service: Service) -> dict[str, object]:
    """The Service as data (for JSON output): its kind, the fields that change how it is
    reached, its ports and its endpoints."""
    eps = endpoint_set(cluster, service)
    return {
        "service": service.id,
        "type": service.type,
        "headless": service.headless,
        "external_name": service.external_name,
        "selector": service.selector,
        "ports": [
            {
                "name": p.name,
                "port": p.port,
                "protocol": p.protocol,
                "target_port": None if service.headless else p.target_port,
                "node_port": p.node_port,
            }
            for p in service.ports
        ],
        "session_affinity": service.session_affinity,
        "session_affinity_timeout": service.session_affinity_timeout,
        "external_traffic_policy": service.external_traffic_policy,
        "internal_traffic_policy": service.internal_traffic_policy,
        "publish_not_ready_addresses": service.publish_not_ready,
        "endpoints": [b.id for b in eps.backends],
        "endpoints_from": eps.given_by or (["selector"] if service.selector else []),
        "not_endpoints": [{"target": who, "reason": why} for who, why in eps.left_out],
    }


# --------------------------------------------------------------------------------------------
# Reaching a Service


@dataclass
class EndpointVerdict:
    pod: Pod | External  # the endpoint: a pod, or an address outside the input's pods
    target_port: int | None
    allowed: bool
    explanation: Explanation | None
    reason: str
    listening: bool = True  # False: the pod declares its ports, and not this one


@dataclass
class ServiceVerdict:
    service: Service
    source: str
    probe: str
    reach: Reach
    port: ServicePort | None = None
    endpoints: list[EndpointVerdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    client_address_kept: bool | None = None  # outside clients only: is the source kept?

    @property
    def allowed(self) -> bool:
        """Every endpoint answers: the only state in which the Service works reliably."""
        return self.reach == "all"

    def sentences(self) -> list[str]:
        svc = self.service
        head = f"{self.source} -> service {svc.id} on {self.probe}"
        text = {
            "all": f"{head}: allowed to every endpoint.",
            "some": f"{head}: only some endpoints accept it, so requests fail depending on "
            "which pod the Service picks."
            if not svc.headless
            else f"{head}: only some endpoints accept it, so it fails for clients that pick "
            "one of the others from DNS.",
            "none": f"{head}: denied to every endpoint.",
            "no-endpoints": f"{head}: the Service has no endpoints, so nothing answers.",
            "no-port": f"{head}: the Service has no such port.",
            "not-exposed": f"{head}: not reachable from outside the cluster.",
            "not-listening": f"{head}: no endpoint declares the port the connection arrives "
            "on, so most likely nothing listens there (a program can listen on a port its pod "
            "does not declare; the tutor goes by the declared ports).",
            "no-local-endpoint": f"{head}: no endpoint runs on the client's node, and "
            "with internalTrafficPolicy Local the proxy drops the connection instead of "
            "sending it to another node.",
            "external-name": f"{head}: {svc.id} is an ExternalName Service, a DNS alias "
            f"(CNAME) for {svc.external_name}; it has no endpoints, and nothing in the cluster "
            "is reached through it.",
        }[self.reach]
        out = [text, *self.notes]
        for ev in self.endpoints:
            out.append(f"  {ev.pod.id}: {ev.reason}")
        return out

    def text(self) -> str:
        return "\n".join(self.sentences())

    def to_dict(self) -> dict[str, object]:
        svc = self.service
        return {
            "from": self.source,
            "to": f"svc:{svc.id}",
            "port": self.probe,
            "allowed": self.allowed,
            "reach": self.reach,
            "service": {
                "type": svc.type,
                "headless": svc.headless,
                "external_name": svc.external_name,
                "session_affinity": svc.session_affinity,
                "session_affinity_timeout": svc.session_affinity_timeout,
                "external_traffic_policy": svc.external_traffic_policy,
                "internal_traffic_policy": svc.internal_traffic_policy,
                "publish_not_ready_addresses": svc.publish_not_ready,
            },
            "service_port": None
            if self.port is None
            else {"name": self.port.name, "port": self.port.port, "protocol": self.port.protocol},
            "client_address_kept": self.client_address_kept,
            "summary": self.sentences()[0],
            "notes": self.notes,
            "endpoints": [
                {
                    "pod": e.pod.id if isinstance(e.pod, Pod) else None,
                    "address": e.pod.id if isinstance(e.pod, External) else None,
                    "target_port": e.target_port,
                    "allowed": e.allowed,
                    "listening": e.listening,
                    "explanation": e.explanation.to_dict() if e.explanation else None,
                    "reason": e.reason,
                }
                for e in self.endpoints
            ],
        }


def _listens(pod: Pod, port: int, protocol: str) -> bool:
    """Does the pod (as far as its spec says) listen on `port`? A pod that declares no ports
    may listen anywhere; one that lists its ports is taken at its word."""
    if not pod.ports:
        return True
    return any(cp.port == port and cp.protocol == protocol for cp in pod.ports)


def _declared(pod: Pod) -> str:
    return ", ".join(f"{cp.port}/{cp.protocol}" for cp in pod.ports)


def _no_endpoint_notes(cluster: Cluster, service: Service, eps: EndpointSet) -> list[str]:
    notes: list[str] = []
    if service.selector is None:
        if eps.given_by:
            notes.append(
                f"It has no selector; its endpoints come from {', '.join(eps.given_by)}, "
                "which list(s) no ready address."
            )
        else:
            notes.append(
                "It has no selector, so Kubernetes creates no endpoints for it, and no "
                "EndpointSlice or Endpoints object for it is in the input."
            )
    elif not _selected(cluster, service):
        sel = ",".join(f"{k}={v}" for k, v in sorted(service.selector.items()))
        notes.append(f"No pod in namespace {service.namespace} has all the labels {sel}.")
    for who, why in eps.left_out:
        notes.append(f"{who} is not an endpoint: {why}.")
    return notes


def _affinity_note(service: Service) -> str | None:
    if service.session_affinity != "ClientIP":
        return None
    if service.headless:
        return (
            "sessionAffinity ClientIP has no effect on a headless Service: there is no proxy, "
            "clients pick an address from DNS themselves."
        )
    seconds = service.session_affinity_timeout or DEFAULT_AFFINITY_TIMEOUT
    return (
        "sessionAffinity ClientIP: the proxy sends every connection from one client address "
        f"to the same endpoint, until the client has been idle for {seconds} s."
    )


def _admits_any_source(ev: Evaluator, exp: Explanation) -> bool:
    """Is the destination's ingress open to every source (not isolated, or admitted by a rule
    without `from`)? Then it does not matter which source address the pod sees."""
    side = exp.ingress
    if side is None or not side.isolated:
        return True
    rules = {p.id: p.ingress for p in ev.policies}
    return any(
        c.admits and not rules[c.policy][c.rule_index].peers
        for c in side.checks
        if c.policy in rules and c.rule_index < len(rules[c.policy])
    )


def _traffic_policy_notes(
    ev: Evaluator,
    verdict: ServiceVerdict,
    src: External,
    backends: list[Backend],
    sources: list[tuple[str | None, Pod | External]],
) -> None:
    svc = verdict.service
    if svc.external_traffic_policy == "Local":
        verdict.client_address_kept = True
        pods = [b.pod for b in backends if b.pod is not None]
        nodes = sorted({p.node for p in pods if p.node})
        where = f" (here: {', '.join(nodes)})" if pods and all(p.node for p in pods) else ""
        steer = (
            " (the load balancer's health check, on the Service's healthCheckNodePort, steers "
            "around them)"
            if svc.type == "LoadBalancer"
            else ""
        )
        verdict.notes.append(
            "externalTrafficPolicy Local: only the nodes that run one of its endpoints"
            f"{where} answer; any other node drops the connection{steer}. The client address "
            f"is kept, so the endpoints' ipBlock rules see {src.id} itself, as evaluated here "
            "(a load balancer that proxies connections, rather than passing packets through, "
            "puts its own address there instead)."
        )
        return
    verdict.client_address_kept = False
    if ev.mode == "external":
        verdict.notes.append(
            "externalTrafficPolicy Cluster (the default): with kube-proxy a node replaces the "
            "client address with its own (source NAT). Under --ipblocks external (as Cilium "
            "reads ipBlocks) a node's address is matched by no ipBlock, so only a rule that "
            f"admits every source would let such a connection in; Cilium without kube-proxy "
            f"often keeps the client's address, and this verdict evaluates {src.id} itself."
        )
        return
    head = (
        "externalTrafficPolicy Cluster (the default): every node answers and may pass the "
        "connection on to an endpoint on another node, replacing the client address with a "
        "node address (source NAT)."
    )
    if sources and sources[0][0] is not None:
        shown = ", ".join(f"{n} {a.id}" if n != a.id else a.id for n, a in sources[:4])
        more = f" and {len(sources) - 4} more" if len(sources) > 4 else ""
        verdict.notes.append(
            f"{head} So the endpoints' policies are evaluated here as seeing a node address "
            f"({shown}{more}), not {src.id}: an ipBlock that admits only the client's range "
            "does not admit it, and one that admits the node addresses admits every client. "
            "To keep the client address, set `externalTrafficPolicy: Local`. This depends on "
            "the network plugin: the address used is the node's InternalIP here (its pods' "
            "hostIP), while many plugins send from the node's address on the pod network, and "
            "some (Cilium without kube-proxy, or a plugin that enforces policy before the "
            "node's NAT for an endpoint on the same node) keep the client's address."
        )
        return
    matters = any(
        e.explanation is not None and not _admits_any_source(ev, e.explanation)
        for e in verdict.endpoints
    )
    text = (
        f"{head} The input gives no node addresses (Node objects, or pods' status.hostIP), so "
        f"this verdict is evaluated as if the client address were kept (as with "
        f"externalTrafficPolicy Local); on a cluster the endpoints' ipBlock rules see a node "
        f"address instead of {src.id}."
    )
    if matters:
        text += (
            " Here it can matter: an endpoint's ingress is restricted, so whether the "
            "connection gets in depends on which address its rules see."
        )
    else:
        text += " Here it makes no difference: no endpoint restricts where connections come from."
    verdict.notes.append(text)


@dataclass(frozen=True)
class Target:
    """Where a connection through the Service arrives: one endpoint and the port there."""

    endpoint: Pod | External
    port: int | None  # None: this endpoint has no port for the Service port
    listening: bool = True  # False: a pod that lists its ports, and not this one
    why_no_port: str = ""


@dataclass
class Plan:
    """A Service port as a client sees it, before any policy is asked: where each connection
    arrives, or (`reach` set) why there is nothing to ask the endpoints about."""

    service: Service
    protocol: str
    reach: Reach | None = None
    port: ServicePort | None = None
    targets: list[Target] = field(default_factory=list)
    endpoints: EndpointSet = field(default_factory=EndpointSet)
    notes: list[str] = field(default_factory=list)
    # Source NAT (an outside client, externalTrafficPolicy Cluster, node addresses known): the
    # (node, address) pairs the endpoints may see the connection come from. Empty: the client.
    nat_sources: tuple[tuple[str, External], ...] = ()
    # Where connections arrive on the endpoint set's `fallback` pods (see `EndpointSet`).
    fallback: list[Target] = field(default_factory=list)


def plan(ev: Evaluator, service: Service, probe: PortProbe, *, external: bool) -> Plan:
    """Where `probe` (a Service port number or name; a nodePort from outside; for a headless
    Service, the port dialled on its endpoints) arrives. The policies are not consulted: the
    fast matrix (`core.verdict`) and `reach_service` both start here, so they agree."""
    out = Plan(service, probe.protocol)
    if service.type == "ExternalName":
        out.reach = "external-name"
        out.notes.append(
            f"A client that looks the name up gets whatever {service.external_name} resolves "
            "to and connects there directly, on the port it dials (no proxy, no port "
            "translation, no endpoints). Whether its egress policies allow that depends on "
            "that address: explain the connection to the address itself to find out."
        )
        return out
    if external and not service.external:
        out.reach = "not-exposed"
        what = "A headless" if service.headless else f"A {service.type}"
        out.notes.append(
            f"{what} Service has, by default, only a cluster-internal address; to reach it "
            "from outside, make it type NodePort or LoadBalancer."
        )
        return out
    # Source NAT to node addresses, as kube-proxy does. Under `--ipblocks external` (Cilium's
    # reading) a node's address is never matched by an ipBlock, and Cilium without kube-proxy
    # often keeps the client's address: the client's own address is evaluated there.
    if external and service.external_traffic_policy == "Cluster" and ev.mode == "pods":
        out.nat_sources = node_sources(ev)
    sp = find_port(service, probe, external=external)
    if service.headless and sp is None and isinstance(probe.port, int):
        pass  # a headless Service is dialled on any port: no Service port needed
    elif sp is None:
        out.reach = "no-port"
        if service.headless:
            names = ", ".join(p.name for p in service.ports if p.name) or "none"
            out.notes.append(
                "A headless Service has no proxy; a port name means an SRV lookup of one of "
                f"its port names, and its named ports are: {names}."
            )
        elif external:
            ports = ", ".join(
                f"{p.node_port}/{p.protocol} (nodePort)" for p in service.ports if p.node_port
            )
            if service.type == "LoadBalancer":
                ports = ", ".join(
                    filter(None, [ports, *(f"{p.port}/{p.protocol}" for p in service.ports)])
                )
            out.notes.append(
                "From outside the cluster a NodePort Service answers only on its nodePort. "
                f"Ports open to outside clients: {ports or 'none (no nodePort set)'}."
            )
        else:
            ports = ", ".join(f"{p.port}/{p.protocol}" for p in service.ports) or "none"
            out.notes.append(f"Its ports are: {ports}.")
        return out
    # A headless Service dialled by number ignores its ports: no translation.
    dialled = service.headless and isinstance(probe.port, int)
    out.port = None if dialled else sp
    if sp is not None and not dialled:
        out.protocol = sp.protocol
    eps = out.endpoints = endpoint_set(ev.cluster, service)
    if not eps.backends:
        out.reach = "no-endpoints"
        out.notes.extend(_no_endpoint_notes(ev.cluster, service, eps))
        return out
    if service.headless:
        out.notes.append(_headless_note(service, probe, sp, dialled))
    if eps.given_by:
        tail = "" if dialled else ", with the port numbers given there"
        out.notes.append(
            f"It has no selector; its endpoints come from {', '.join(eps.given_by)}{tail}."
        )
    out.targets = [_arrival(ev, b, probe, sp, dialled, out.protocol) for b in eps.backends]
    out.fallback = [_arrival(ev, b, probe, sp, dialled, out.protocol) for b in eps.fallback]
    return out


def _arrival(
    ev: Evaluator,
    b: Backend,
    probe: PortProbe,
    sp: ServicePort | None,
    dialled: bool,
    protocol: str,
) -> Target:
    """Where a connection through the Service port arrives on one endpoint."""
    endpoint = _target(ev, b)
    port: int | None
    if dialled:
        assert isinstance(probe.port, int)
        port = probe.port
    else:
        assert sp is not None
        port = backend_port(sp, b)
    if port is None:
        assert sp is not None
        why = (
            f"targetPort {sp.target_port!r} is not a container port name on this pod"
            if b.ports is None
            else f"{b.given_by} has no {sp.protocol} port named {sp.name or '(unnamed)'!r} "
            "for this Service port"
        )
        return Target(endpoint, None, True, why)
    listening = not isinstance(endpoint, Pod) or _listens(endpoint, port, protocol)
    return Target(endpoint, port, listening)


def node_sources(ev: Evaluator) -> tuple[tuple[str, External], ...]:
    """Every node address of the input, as the peer a source-NATed connection comes from."""
    return tuple(
        (node, ev.external_for_address(address, as_source=True))
        for node, address in ev.cluster.node_addresses()
    )


def seen_sources(
    client: Pod | External, nat_sources: tuple[tuple[str, External], ...]
) -> list[tuple[str | None, Pod | External]]:
    """Who the endpoints see a connection from `client` come from: the client itself, or
    (source NAT) each node it may enter by, of the client's address family (none of that
    family given: the client itself). `(None, client)` for the client itself, else
    `(node name, node address)`."""
    if not nat_sources or not isinstance(client, External):
        return [(None, client)]
    v6 = client.lo >= V6_OFFSET
    same = [(n, a) for n, a in nat_sources if (a.lo >= V6_OFFSET) == v6]
    # No node address of the client's family given: which one it gets is unknown, so the
    # client's own address is evaluated (and the note says no node addresses are known).
    return list(same) if same else [(None, client)]


def _headless_note(
    service: Service, probe: PortProbe, sp: ServicePort | None, dialled: bool
) -> str:
    if not dialled:
        assert sp is not None
        return (
            "Headless Service (clusterIP: None): no virtual IP and no proxy. An SRV lookup of "
            f"port {sp.name!r} gives each endpoint's own port, and the client connects there."
        )
    text = (
        "Headless Service (clusterIP: None): no virtual IP and no proxy. DNS gives the "
        "client the endpoints' addresses and it connects to them on the port it dials, "
        f"{probe}; the Service's ports translate nothing."
    )
    moved = [
        p
        for p in service.ports
        if p.port == probe.port and p.protocol == probe.protocol and p.target_port != p.port
    ]
    if moved:
        text += (
            f" Its port {probe.port} has targetPort {moved[0].target_port!r}, but that only "
            "applies to Services with a virtual IP: here the connection still arrives on "
            f"port {probe.port}."
        )
    return text


def reach_service(
    ev: Evaluator, src: Pod | External, service: Service, probe: PortProbe
) -> ServiceVerdict:
    """Can `src` use `service` on `probe` (a Service port number or name; a nodePort from
    outside; for a headless Service, the port dialled on its endpoints)?"""
    external = isinstance(src, External)
    p = plan(ev, service, probe, external=external)
    verdict = ServiceVerdict(service, src.id, str(probe), "none", p.port, notes=list(p.notes))
    if p.reach is not None:
        verdict.reach = p.reach
        return verdict
    sources = seen_sources(src, p.nat_sources)
    targets = p.targets
    choice = local_choice(ev, service, src, p.targets, p.fallback, lambda t: t.endpoint)
    if isinstance(src, Pod) and node_local_applies(service, src):
        verdict.notes.append(_internal_policy_note(src, ev.node_of(src), choice))
        if choice is not None:
            targets = choice[0]
            if not targets:
                verdict.reach = "no-local-endpoint"
                _common_notes(verdict, p.endpoints)
                return verdict
    for t in targets:
        if t.port is None:
            verdict.endpoints.append(EndpointVerdict(t.endpoint, None, False, None, t.why_no_port))
        else:
            verdict.endpoints.append(_nat_endpoint_verdict(ev, sources, t, p.protocol))
    verdict.reach = decide(
        len(targets),
        sum(1 for e in verdict.endpoints if e.allowed),
        any(e.listening for e in verdict.endpoints),
    )
    _common_notes(verdict, p.endpoints)
    if isinstance(src, External):
        _traffic_policy_notes(ev, verdict, src, p.endpoints.backends, sources)
        if len(sources) > 1 and sources[0][0] is not None:
            _entry_node_note(ev, verdict, sources, targets, p.protocol)
        _source_ranges_note(verdict, src)
    return verdict


def _source_ranges_note(verdict: ServiceVerdict, src: External) -> None:
    """loadBalancerSourceRanges: said, with whether the client is inside them; not enforced."""
    svc = verdict.service
    if svc.type != "LoadBalancer" or not svc.lb_source_ranges:
        return
    inside = False
    for text in svc.lb_source_ranges:
        try:
            lo, hi = network_range(text)
        except ValueError:
            continue
        inside = inside or (lo <= src.lo and src.hi <= hi)
    where = "inside" if inside else "outside"
    verdict.notes.append(
        f"loadBalancerSourceRanges ({', '.join(svc.lb_source_ranges)}): the load balancer, or "
        "kube-proxy on the load balancer's address, accepts only clients from these ranges; "
        f"{src.id} is {where} them. This is enforced outside NetworkPolicy and not in this "
        "verdict (it does not cover the node port)."
    )


def _entry_node_note(
    ev: Evaluator,
    verdict: ServiceVerdict,
    sources: list[tuple[str | None, Pod | External]],
    targets: list[Target],
    protocol: str,
) -> None:
    """Under source NAT, say which entry nodes work when only some do."""
    good: list[str] = []
    bad: list[str] = []
    for node, seen in sources:
        ok = all(
            _endpoint_verdict(ev, seen, t, protocol).allowed
            for t in targets
            if t.port is not None and t.listening
        )
        (good if ok else bad).append(str(node))
    if good and bad:
        verdict.notes.append(
            f"Entering by {', '.join(good)}, a client gets in; by {', '.join(bad)}, it is "
            "refused: it works or fails depending on the node the load balancer (or the "
            "client) picks."
        )


def node_local_applies(service: Service, client: Pod | External) -> bool:
    """internalTrafficPolicy Local governs this connection: a pod's, through a Service with
    a virtual IP (a headless Service has no proxy)."""
    return service.internal_traffic_policy == "Local" and not service.headless and isinstance(
        client, Pod
    )


def _node_local_mask(
    ev: Evaluator, service: Service, client: Pod | External, endpoints: list[Pod | External]
) -> list[bool] | None:
    """internalTrafficPolicy Local: which endpoints a client in the cluster may be sent to
    (those on its own node). None when the rule does not apply or the input does not say
    where the client and every endpoint run (then every endpoint is evaluated)."""
    if not isinstance(client, Pod) or not node_local_applies(service, client):
        return None
    home = ev.node_of(client)
    if home is None:
        return None
    nodes = [ev.node_of(e) if isinstance(e, Pod) else None for e in endpoints]
    if any(n is None for n in nodes):
        return None
    return [n == home for n in nodes]


def local_choice(
    ev: Evaluator,
    service: Service,
    client: Pod | External,
    targets: list[T],
    fallback: list[T],
    endpoint: Callable[[T], Pod | External],
) -> tuple[list[T], bool] | None:
    """internalTrafficPolicy Local: the targets on the client's node, else (no Ready one
    there) its terminating ones that still pass readiness; the flag says the fallback was
    used. None when every target is evaluated (see `_node_local_mask`)."""
    every = [*targets, *fallback]
    mask = _node_local_mask(ev, service, client, [endpoint(t) for t in every])
    if mask is None:
        return None
    local = [t for t, keep in zip(targets, mask, strict=False) if keep]
    if local:
        return local, False
    spare = [t for t, keep in zip(fallback, mask[len(targets):], strict=True) if keep]
    return spare, bool(spare)


def _internal_policy_note(
    client: Pod, home: str | None, choice: tuple[list[Target], bool] | None
) -> str:
    head = (
        "internalTrafficPolicy Local: the proxy sends a client's connection only to endpoints "
        "on the client's own node, never to another node"
    )
    if choice is None:
        return (
            f"{head}. The input does not say which node {client.id} or every endpoint runs "
            "on (spec.nodeName or status.hostIP), so every endpoint is evaluated here."
        )
    kept = [t.endpoint.id for t in choice[0]]
    if not kept:
        return f"{head}; {client.id} runs on {home}, where no endpoint runs."
    if choice[1]:
        return (
            f"{head}; on {home}, {client.id}'s node, no endpoint is Ready, so it falls "
            f"back to the terminating ones that still pass readiness there: {', '.join(kept)}."
        )
    return f"{head}; on {home}, {client.id}'s node, that is {', '.join(kept)}."


def _nat_endpoint_verdict(
    ev: Evaluator,
    sources: list[tuple[str | None, Pod | External]],
    t: Target,
    protocol: str,
) -> EndpointVerdict:
    """The endpoint's verdict for the connection as it arrives: from the client, or (source
    NAT) from whichever node it entered by, so it must be allowed from every one of them."""
    verdicts = [(node, seen, _endpoint_verdict(ev, seen, t, protocol)) for node, seen in sources]
    if len(verdicts) == 1 and verdicts[0][0] is None:
        return verdicts[0][2]
    refused = [x for x in verdicts if not x[2].allowed]
    node, seen, first = refused[0] if refused else verdicts[0]
    if len(verdicts) == 1:
        lead = f"seen from node {node}'s address {seen.id} (source NAT)"
    elif not refused:
        lead = f"seen from a node address (source NAT), each of the {len(verdicts)} allowed, e.g. {seen.id}"
    elif len(refused) == len(verdicts):
        lead = f"seen from a node address (source NAT), none of the {len(verdicts)} allowed, e.g. {seen.id}"
    else:
        lead = (
            f"seen from a node address (source NAT): {len(refused)} of the {len(verdicts)} "
            f"{'is' if len(refused) == 1 else 'are'} refused, e.g. node {node}'s {seen.id}, so "
            "it fails for clients that enter there"
        )
    return EndpointVerdict(
        first.pod,
        first.target_port,
        not refused,
        first.explanation,
        f"{lead}; {first.reason}",
        first.listening,
    )


def _target(ev: Evaluator, b: Backend) -> Pod | External:
    if b.pod is not None:
        return b.pod
    return ev.external_for_address(str(b.address), as_source=False)


def _endpoint_verdict(
    ev: Evaluator, src: Pod | External, t: Target, protocol: str
) -> EndpointVerdict:
    dst, port = t.endpoint, t.port
    assert port is not None
    exp = explain(ev, src, dst, PortProbe(port, protocol))
    if isinstance(dst, External):
        where = "an address outside the input's pods"
        if isinstance(src, External):
            return EndpointVerdict(
                dst, port, True, exp,
                f"port {port}: {where}, and so is the client: no NetworkPolicy applies",
            )
        return EndpointVerdict(
            dst, port, exp.allowed, exp, f"port {port} ({where}): {exp.summary()}"
        )
    if not t.listening:
        return EndpointVerdict(
            dst, port, False, exp,
            f"port {port}: the pod declares its container ports ({_declared(dst)}), and "
            f"{port}/{protocol} is not one of them, so nothing is expected to answer there "
            f"(policy: {exp.verdict})",
            listening=False,
        )
    return EndpointVerdict(dst, port, exp.allowed, exp, f"port {port}: {exp.summary()}")


def decide(total: int, ok: int, any_listening: bool) -> Reach:
    """The reach of a Service port from how many of its `total` endpoints accept a client."""
    if ok == total:
        return "all"
    if not any_listening:
        return "not-listening"
    return "some" if ok else "none"


def _common_notes(verdict: ServiceVerdict, eps: EndpointSet) -> None:
    svc = verdict.service
    if eps.draining:
        pods = ", ".join(b.id for b in eps.backends)
        verdict.notes.append(
            f"No endpoint is Ready, so the proxy falls back to the terminating pods that still "
            f"pass their readiness check ({pods}): connections drain to them until they are "
            "gone, and then nothing answers unless a replacement becomes Ready."
        )
    if svc.publish_not_ready:
        unready = [b.pod.id for b in eps.backends if b.pod is not None and not b.pod.ready]
        if unready:
            verdict.notes.append(
                f"publishNotReadyAddresses: true, so {', '.join(unready)} "
                f"{'is an endpoint' if len(unready) == 1 else 'are endpoints'} although not Ready."
            )
    for who, why in eps.left_out:
        verdict.notes.append(f"{who} is not an endpoint: {why}.")
    note = _affinity_note(svc)
    if note is not None:
        if verdict.reach == "some" and not svc.headless:
            note += " So a client keeps working, or keeps failing, with the endpoint it got first."
        verdict.notes.append(note)
