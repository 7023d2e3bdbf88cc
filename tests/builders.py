"""Small builders for evaluator tests: clusters straight from the model dataclasses.

No YAML and no manifest loading here: namespaces, pods and policies are built directly, and
policies go through `policy_from_dict` on plain v1 mappings (so policyTypes inference is the
production one). `cluster_from_raw` turns the raw-dict form used by `tests/reference_model.py`
into a `Cluster`, so the property tests feed the same data to both sides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from k8snet_tutor.core.cluster import (
    NAME_LABEL,
    Cluster,
    ContainerPort,
    Namespace,
    NetworkPolicy,
    Pod,
    policy_from_dict,
)
from k8snet_tutor.core.evaluate import Evaluator


def ns(name: str, **labels: str) -> Namespace:
    """A namespace carrying the control-plane name label plus `labels`."""
    return Namespace(name, {**labels, NAME_LABEL: name})


def cport(port: int, name: str | None = None, protocol: str = "TCP") -> ContainerPort:
    return ContainerPort(port, protocol, name)


def pod(
    ident: str,
    labels: Mapping[str, str] | None = None,
    ports: Sequence[ContainerPort] = (),
    ip: str | None = None,
    owner: tuple[str, str] | None = None,
) -> Pod:
    """`pod("ns/name", {"app": "web"}, [cport(80, "http")], ip="10.0.0.5")`."""
    namespace, _, name = ident.partition("/")
    return Pod(
        namespace=namespace,
        name=name,
        labels=dict(labels or {}),
        ports=tuple(ports),
        ip=ip,
        owner_kind=owner[0] if owner else None,
        owner_name=owner[1] if owner else None,
    )


def netpol(ident: str, **spec: Any) -> NetworkPolicy:
    """`netpol("ns/name", podSelector={}, ingress=[...])`: a v1 policy through policy_from_dict.

    Python keywords can't be `from`, so rules are written as plain dicts by the caller:
    `ingress=[{"from": [...], "ports": [...]}]`.
    """
    namespace, _, name = ident.partition("/")
    return policy_from_dict(
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"namespace": namespace, "name": name},
            "spec": spec,
        }
    )


def cluster(
    pods: Iterable[Pod],
    policies: Iterable[NetworkPolicy] = (),
    namespaces: Iterable[Namespace] = (),
) -> Cluster:
    """A cluster; namespaces used by pods or policies but not given get just the name label."""
    pods = list(pods)
    policies = list(policies)
    spaces = {n.name: n for n in namespaces}
    for name in [p.namespace for p in pods] + [p.namespace for p in policies]:
        spaces.setdefault(name, ns(name))
    return Cluster(namespaces=spaces, pods=pods, policies=policies)


def conns(c: Cluster, src: str, dst: str, ipblocks: str = "pods") -> str:
    """The connection text between two pods, e.g. "TCP 80" or "No Connections"."""
    ev = Evaluator(c, ipblocks=ipblocks)  # type: ignore[arg-type]
    s, d = c.pod(src), c.pod(dst)
    assert s is not None and d is not None, (src, dst)
    return str(ev.connections(s, d))


def conns_from_ip(c: Cluster, ip: str, dst: str, ipblocks: str = "pods") -> str:
    ev = Evaluator(c, ipblocks=ipblocks, externals=[ip])  # type: ignore[arg-type]
    d = c.pod(dst)
    assert d is not None
    return str(ev.connections_from_external(ev.external_for_address(ip, as_source=True), d))


def conns_to_ip(c: Cluster, src: str, ip: str, ipblocks: str = "pods") -> str:
    ev = Evaluator(c, ipblocks=ipblocks, externals=[ip])  # type: ignore[arg-type]
    s = c.pod(src)
    assert s is not None
    return str(ev.connections_to_external(s, ev.external_for_address(ip, as_source=False)))


# --------------------------------------------------------------------------------------------
# The raw-dict form shared with the reference model


def cluster_from_raw(
    namespaces: Sequence[Mapping[str, Any]],
    pods: Sequence[Mapping[str, Any]],
    policies: Sequence[Mapping[str, Any]],
) -> Cluster:
    """Raw dicts (see reference_model.py) -> Cluster, namespaces labelled with their name."""
    spaces = {
        str(n["name"]): Namespace(
            str(n["name"]), {**dict(n.get("labels") or {}), NAME_LABEL: str(n["name"])}
        )
        for n in namespaces
    }
    built_pods = [
        Pod(
            namespace=str(p["namespace"]),
            name=str(p["name"]),
            labels=dict(p.get("labels") or {}),
            ports=tuple(
                ContainerPort(
                    int(cp["containerPort"]), str(cp.get("protocol") or "TCP"), cp.get("name")
                )
                for cp in p.get("containerPorts") or ()
            ),
            ip=p.get("podIP"),
            owner_kind=(p.get("owner") or (None, None))[0],
            owner_name=(p.get("owner") or (None, None))[1],
        )
        for p in pods
    ]
    built = Cluster(
        namespaces=spaces, pods=built_pods, policies=[policy_from_dict(dict(p)) for p in policies]
    )
    for name in [p.namespace for p in built.pods] + [p.namespace for p in built.policies]:
        if name not in built.namespaces:
            built.namespaces[name] = Namespace(name, {NAME_LABEL: name})
    return built
