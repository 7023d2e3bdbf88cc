"""Naming things on the command line and in lessons: `ns/pod`, `ns/service`, an IP address."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from k8snet_tutor.core.cluster import Pod, Service
from k8snet_tutor.core.evaluate import Evaluator, External


@dataclass(frozen=True)
class Unresolved:
    text: str
    reason: str
    hint: str | None = None


def resolve(ev: Evaluator, text: str, *, as_source: bool) -> Pod | Service | External | Unresolved:
    """`ns/name` (pod, then workload, then Service), `svc:ns/name`, `name` (namespace default),
    or an IP address / CIDR for an external peer."""
    raw = text.strip()
    want_service = raw.startswith(("svc:", "service:", "svc/"))
    if want_service:
        raw = raw.split(":", 1)[1] if ":" in raw else raw[4:]
    try:
        ipaddress.ip_network(raw, strict=False)
    except ValueError:
        pass
    else:
        return ev.external_for_address(raw, as_source=as_source)
    ns, _, name = raw.rpartition("/")
    ns = ns or "default"
    pod_id = f"{ns}/{name}"
    if not want_service:
        idx = ev.pod_index(pod_id)
        if idx is not None:
            return ev.pods[idx]
        for pod in ev.pods:
            if pod.namespace == ns and pod.owner_name == name:
                return pod
    svc = ev.cluster.service(pod_id)
    if svc is not None:
        return svc
    near = sorted(
        {p.id for p in ev.pods if p.name.startswith(name[:3])} | {s.id for s in ev.cluster.services}
    )[:5]
    hint = f"known names include: {', '.join(near)}" if near else "write it as namespace/name"
    return Unresolved(text, f"no pod, workload or Service named {pod_id}", hint)
