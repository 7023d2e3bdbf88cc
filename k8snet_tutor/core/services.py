"""Services: which pods stand behind a Service, and whether a client reaches them through it.

Reaching a Service means reaching its endpoints: the ready pods in the Service's namespace whose
labels include every `selector` pair, on the port `targetPort` resolves to for each pod (a number,
or a container port name looked up per pod). Policies see the pod port, never the Service port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from k8snet_tutor.core.cluster import Cluster, Pod, Service, ServicePort
from k8snet_tutor.core.evaluate import Evaluator, External
from k8snet_tutor.core.explain import Explanation, explain
from k8snet_tutor.core.ports import PortProbe

Reach = Literal["all", "some", "none", "no-endpoints", "no-port", "not-exposed"]


def endpoints(cluster: Cluster, service: Service) -> list[Pod]:
    """Ready pods selected by the Service (none when it has no selector)."""
    if not service.selector:
        return []
    sel = service.selector
    return [
        p
        for p in cluster.pods
        if p.namespace == service.namespace
        and p.ready
        and all(p.labels.get(k) == v for k, v in sel.items())
    ]


def target_port(service_port: ServicePort, pod: Pod) -> int | None:
    """The pod port a Service port sends to on this pod (None: the named port is missing)."""
    target = service_port.target_port
    if isinstance(target, int):
        return target
    cp = pod.named_port(target, service_port.protocol)
    return cp.port if cp else None


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


@dataclass
class EndpointVerdict:
    pod: Pod
    target_port: int | None
    allowed: bool
    explanation: Explanation | None
    reason: str


@dataclass
class ServiceVerdict:
    service: Service
    source: str
    probe: str
    reach: Reach
    port: ServicePort | None = None
    endpoints: list[EndpointVerdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        """Every endpoint answers: the only state in which the Service works reliably."""
        return self.reach == "all"

    def sentences(self) -> list[str]:
        head = f"{self.source} -> service {self.service.id} on {self.probe}"
        text = {
            "all": f"{head}: allowed to every endpoint.",
            "some": f"{head}: only some endpoints accept it, so requests fail depending on "
            "which pod the Service picks.",
            "none": f"{head}: denied to every endpoint.",
            "no-endpoints": f"{head}: the Service has no endpoints, so nothing answers.",
            "no-port": f"{head}: the Service has no such port.",
            "not-exposed": f"{head}: not reachable from outside the cluster.",
        }[self.reach]
        out = [text, *self.notes]
        for ev in self.endpoints:
            out.append(f"  {ev.pod.id}: {ev.reason}")
        return out

    def text(self) -> str:
        return "\n".join(self.sentences())


def reach_service(
    ev: Evaluator, src: Pod | External, service: Service, probe: PortProbe
) -> ServiceVerdict:
    """Can `src` use `service` on `probe` (a Service port number or name; a nodePort from outside)?"""
    external = isinstance(src, External)
    verdict = ServiceVerdict(service, src.id, str(probe), "none")
    if external and service.type not in ("NodePort", "LoadBalancer"):
        verdict.reach = "not-exposed"
        verdict.notes.append(
            f"A {service.type} Service only has a cluster-internal address; to reach it from "
            "outside, make it type NodePort or LoadBalancer."
        )
        return verdict
    sp = find_port(service, probe, external=external)
    if sp is None:
        verdict.reach = "no-port"
        if external:
            ports = ", ".join(
                f"{p.node_port}/{p.protocol} (nodePort)" for p in service.ports if p.node_port
            )
            if service.type == "LoadBalancer":
                ports = ", ".join(filter(None, [ports, *(f"{p.port}/{p.protocol}" for p in service.ports)]))
            verdict.notes.append(
                "From outside the cluster a NodePort Service answers only on its nodePort. "
                f"Ports open to outside clients: {ports or 'none (no nodePort set)'}."
            )
        else:
            ports = ", ".join(f"{p.port}/{p.protocol}" for p in service.ports) or "none"
            verdict.notes.append(f"Its ports are: {ports}.")
        return verdict
    verdict.port = sp
    pods = endpoints(ev.cluster, service)
    if not pods:
        verdict.reach = "no-endpoints"
        if service.selector is None:
            verdict.notes.append("It has no selector, so Kubernetes creates no endpoints for it.")
        else:
            sel = ",".join(f"{k}={v}" for k, v in sorted(service.selector.items()))
            verdict.notes.append(
                f"No ready pod in namespace {service.namespace} has all the labels {sel}."
            )
        return verdict
    if external:
        verdict.notes.append(
            "CNI-dependent: traffic through a NodePort or LoadBalancer may reach the pod with the "
            "node's address as source (source NAT); this assumes the client address is kept."
        )
    for pod in pods:
        tp = target_port(sp, pod)
        if tp is None:
            verdict.endpoints.append(
                EndpointVerdict(
                    pod, None, False, None,
                    f"targetPort {sp.target_port!r} is not a container port name on this pod",
                )
            )
            continue
        exp = explain(ev, src, pod, PortProbe(tp, sp.protocol))
        verdict.endpoints.append(
            EndpointVerdict(pod, tp, exp.allowed, exp, f"port {tp}: {exp.summary()}")
        )
    ok = sum(1 for e in verdict.endpoints if e.allowed)
    verdict.reach = "all" if ok == len(verdict.endpoints) else ("some" if ok else "none")
    return verdict
