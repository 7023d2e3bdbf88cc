"""Deterministic generator of synthetic Kubernetes clusters for benchmarks.

    python benchmarks/generate.py --pods 1000 [--policies 333] [--seed 0] -o cluster.yaml

`generate(pods, policies=None, seed=0)` returns multi-document YAML with:

- about pods/200 + 3 namespaces (one is `kube-system`, with a kube-dns workload), labelled with
  `team` and `env` (our loader adds `kubernetes.io/metadata.name` itself);
- workloads of 1-8 replicas, written as real Pods with a controlling `ownerReferences` entry
  (ReplicaSet `<app>-<hash>`, or StatefulSet `<app>` for databases) so they group into
  workloads; pods of one workload share their labels (app, tier, version, team) and containers
  with named ports (http 8080, metrics 9090, grpc 50051, dns 53/UDP, ...); `status.podIP`
  addresses come from 10.x;
- about pods/3 NetworkPolicies (unless `policies` is given): default-deny (ingress, or
  ingress+egress), ingress from podSelector, from namespaceSelector (matchLabels and
  matchExpressions In/NotIn/Exists), AND peers (namespaceSelector + podSelector in one item),
  ipBlocks with except, egress with a DNS allowance to kube-system (UDP+TCP 53), ports numeric,
  named and endPort ranges, explicit and implicit policyTypes.

Only the standard library is used, and the output depends on nothing but the arguments.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from typing import Any

# --------------------------------------------------------------------------------------------
# Vocabularies

TEAMS = ("payments", "search", "identity", "catalog", "platform", "growth", "data", "infra")
ENVS = ("prod", "staging", "dev")
VERSIONS = ("v1", "v2", "v3")
# app name -> (tier, container kind)
APPS: tuple[tuple[str, str, str], ...] = (
    ("web", "frontend", "http"),
    ("storefront", "frontend", "http"),
    ("admin-ui", "frontend", "http"),
    ("gateway", "frontend", "http"),
    ("api", "backend", "http"),
    ("cart", "backend", "grpc"),
    ("checkout", "backend", "grpc"),
    ("orders", "backend", "grpc"),
    ("billing", "backend", "grpc"),
    ("accounts", "backend", "http"),
    ("auth", "backend", "grpc"),
    ("search", "backend", "http"),
    ("recommend", "backend", "grpc"),
    ("inventory", "backend", "grpc"),
    ("pricing", "backend", "http"),
    ("notify", "backend", "http"),
    ("profile", "backend", "grpc"),
    ("reports", "backend", "http"),
    ("ledger", "backend", "grpc"),
    ("shipping", "backend", "http"),
    ("redis", "cache", "redis"),
    ("memcached", "cache", "memcached"),
    ("postgres", "db", "postgres"),
    ("mysql", "db", "mysql"),
    ("rabbitmq", "queue", "amqp"),
    ("kafka", "queue", "kafka"),
    ("worker", "worker", "metrics"),
    ("scheduler", "worker", "metrics"),
    ("exporter", "worker", "metrics"),
    ("etl", "batch", "metrics"),
)
# container kind -> named ports (name, port, protocol)
PORTS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "http": (("http", 8080, "TCP"), ("metrics", 9090, "TCP")),
    "grpc": (("grpc", 50051, "TCP"), ("metrics", 9090, "TCP")),
    "redis": (("redis", 6379, "TCP"),),
    "memcached": (("memcache", 11211, "TCP"), ("memcache-udp", 11211, "UDP")),
    "postgres": (("postgres", 5432, "TCP"), ("metrics", 9187, "TCP")),
    "mysql": (("mysql", 3306, "TCP"),),
    "amqp": (("amqp", 5672, "TCP"), ("management", 15672, "TCP")),
    "kafka": (("kafka", 9092, "TCP"), ("kafka-ctrl", 9093, "TCP")),
    "metrics": (("metrics", 9090, "TCP"),),
    "dns": (("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")),
}
IMAGES = {
    "http": "registry.example.com/{app}:1.{minor}.0",
    "grpc": "registry.example.com/{app}:2.{minor}.1",
    "redis": "redis:7.2",
    "memcached": "memcached:1.6",
    "postgres": "postgres:16",
    "mysql": "mysql:8.4",
    "amqp": "rabbitmq:3.13-management",
    "kafka": "bitnami/kafka:3.7",
    "metrics": "registry.example.com/{app}:0.{minor}.3",
    "dns": "registry.k8s.io/coredns/coredns:v1.11.1",
}
# External address ranges seen in real policies (documentation and private ranges).
EXTERNAL_BLOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("0.0.0.0/0", ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")),
    ("0.0.0.0/0", ("169.254.169.254/32",)),
    ("203.0.113.0/24", ()),
    ("198.51.100.0/24", ("198.51.100.128/25",)),
    ("192.0.2.0/24", ()),
    ("172.16.0.0/12", ("172.16.5.0/24",)),
    ("192.168.0.0/16", ("192.168.1.0/24", "192.168.2.0/24")),
    ("100.64.0.0/10", ()),
)
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # the alphabet Kubernetes uses for generated names


# --------------------------------------------------------------------------------------------
# A small YAML emitter (block style, like `kubectl get -o yaml`)

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*\Z")
_RESERVED = {
    "y", "yes", "n", "no", "on", "off", "true", "false", "null", "~",
}  # fmt: skip


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _emit(value: Any, indent: int, out: list[str]) -> None:
    """Append the lines of a mapping or list value, indented by `indent` spaces."""
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict) and v:
                out.append(f"{pad}{_scalar(k)}:")
                _emit(v, indent + 2, out)
            elif isinstance(v, list) and v:
                out.append(f"{pad}{_scalar(k)}:")
                _emit(v, indent, out)  # lists sit at their key's indent, like kubectl
            elif isinstance(v, dict | list):
                out.append(f"{pad}{_scalar(k)}: {'{}' if isinstance(v, dict) else '[]'}")
            else:
                out.append(f"{pad}{_scalar(k)}: {_scalar(v)}")
        return
    assert isinstance(value, list)
    for item in value:
        if isinstance(item, dict) and item:
            sub: list[str] = []
            _emit(item, indent + 2, sub)
            sub[0] = f"{pad}- " + sub[0][indent + 2 :]
            out.extend(sub)
        elif isinstance(item, list) and item:
            sub = []
            _emit(item, indent + 2, sub)
            sub[0] = f"{pad}- " + sub[0][indent + 2 :]
            out.extend(sub)
        elif isinstance(item, dict | list):
            out.append(f"{pad}- {'{}' if isinstance(item, dict) else '[]'}")
        else:
            out.append(f"{pad}- {_scalar(item)}")


def to_yaml(documents: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for doc in documents:
        out.append("---")
        _emit(doc, 0, out)
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# The model


class _Workload:
    __slots__ = ("namespace", "name", "app", "tier", "kind", "labels", "replicas", "owner_kind")

    def __init__(
        self,
        namespace: str,
        name: str,
        app: str,
        tier: str,
        kind: str,
        labels: dict[str, str],
        replicas: int,
        owner_kind: str,
    ) -> None:
        self.namespace = namespace
        self.name = name
        self.app = app
        self.tier = tier
        self.kind = kind
        self.labels = labels
        self.replicas = replicas
        self.owner_kind = owner_kind


def _hash(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(n))


def _uid(*parts: object) -> str:
    h = hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class _Generator:
    def __init__(self, pods: int, policies: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.want_pods = max(1, pods)
        self.want_policies = max(0, policies)
        self.docs: list[dict[str, Any]] = []
        self.namespaces: list[tuple[str, dict[str, str]]] = []
        self.workloads: list[_Workload] = []
        self.by_ns: dict[str, list[_Workload]] = {}
        self.pod_count = 0
        self.ip_counter = 0

    # -- namespaces ----------------------------------------------------------------------
    def make_namespaces(self) -> None:
        rng = self.rng
        count = self.want_pods // 200 + 3
        self.namespaces.append(
            ("kube-system", {"team": "platform", "env": "prod", "control-plane": "true"})
        )
        used: set[str] = {"kube-system"}
        for i in range(count - 1):
            team = TEAMS[i % len(TEAMS)] if i < len(TEAMS) else rng.choice(TEAMS)
            env = ENVS[0] if i < len(TEAMS) else rng.choices(ENVS, weights=(5, 3, 2))[0]
            name = f"{team}-{env}"
            n = 2
            while name in used:
                name = f"{team}-{env}-{n}"
                n += 1
            used.add(name)
            labels = {"team": team, "env": env}
            if rng.random() < 0.3:
                labels["istio-injection"] = "enabled"
            if rng.random() < 0.2:
                labels["compliance"] = rng.choice(("pci", "sox", "none"))
            self.namespaces.append((name, labels))
        for name, labels in self.namespaces:
            self.docs.append(
                {
                    "apiVersion": "v1",
                    "kind": "Namespace",
                    "metadata": {"name": name, "labels": labels},
                }
            )
            self.by_ns[name] = []

    # -- workloads and pods ----------------------------------------------------------------
    def next_ip(self) -> str:
        # 10.<1..>.<0..255>.<1..254>: node-sized /24 blocks, 254 addresses each.
        i = self.ip_counter
        self.ip_counter += 1
        block, host = divmod(i, 254)
        return f"10.{1 + block // 256}.{block % 256}.{host + 1}"

    def make_workloads(self) -> None:
        rng = self.rng
        # kube-dns first: two replicas in kube-system.
        self.add_workload(
            "kube-system", "coredns", "coredns", "system", "dns",
            {"k8s-app": "kube-dns"}, min(2, self.want_pods), "ReplicaSet",
        )  # fmt: skip
        app_ns = [name for name, _ in self.namespaces if name != "kube-system"]
        ns_labels = dict(self.namespaces)
        names_used: dict[str, set[str]] = {ns: set() for ns in self.by_ns}
        names_used["kube-system"].add("coredns")
        while self.pod_count < self.want_pods:
            left = self.want_pods - self.pod_count
            ns = rng.choice(app_ns)
            app, tier, kind = rng.choice(APPS)
            version = rng.choices(VERSIONS, weights=(6, 3, 1))[0]
            name = app if app not in names_used[ns] else f"{app}-{version}"
            n = 2
            while name in names_used[ns]:
                name = f"{app}-{n}"
                n += 1
            names_used[ns].add(name)
            replicas = min(left, rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8)))
            labels = {"app": app, "tier": tier, "version": version, "team": ns_labels[ns]["team"]}
            owner = "StatefulSet" if tier in ("db", "queue") else "ReplicaSet"
            self.add_workload(ns, name, app, tier, kind, labels, replicas, owner)

    def add_workload(
        self,
        ns: str,
        name: str,
        app: str,
        tier: str,
        kind: str,
        labels: dict[str, str],
        replicas: int,
        owner_kind: str,
    ) -> None:
        rng = self.rng
        w = _Workload(ns, name, app, tier, kind, labels, replicas, owner_kind)
        self.workloads.append(w)
        self.by_ns[ns].append(w)
        minor = rng.randrange(20)
        image = IMAGES[kind].format(app=app, minor=minor)
        ports = [
            {"name": pn, "containerPort": port, "protocol": proto}
            for pn, port, proto in PORTS[kind]
        ]
        containers: list[dict[str, Any]] = [{"name": app, "image": image, "ports": ports}]
        if kind in ("http", "grpc") and rng.random() < 0.2:
            containers.append(
                {
                    "name": "istio-proxy",
                    "image": "docker.io/istio/proxyv2:1.22.0",
                    "ports": [
                        {"name": "http-envoy-prom", "containerPort": 15090, "protocol": "TCP"}
                    ],
                }
            )
        if owner_kind == "StatefulSet":
            owner_name = name
            pod_names = [f"{name}-{i}" for i in range(replicas)]
            extra = {"statefulset.kubernetes.io/pod-name": ""}
        else:
            owner_name = f"{name}-{_hash(rng, 10)}"
            pod_names = [f"{owner_name}-{_hash(rng, 5)}" for _ in range(replicas)]
            extra = {"pod-template-hash": owner_name.rsplit("-", 1)[1]}
        for pod_name in pod_names:
            plabels = dict(labels)
            for k, v in extra.items():
                plabels[k] = v or pod_name
            self.docs.append(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "name": pod_name,
                        "namespace": ns,
                        "labels": plabels,
                        "ownerReferences": [
                            {
                                "apiVersion": "apps/v1",
                                "kind": owner_kind,
                                "name": owner_name,
                                "uid": _uid(self.seed, ns, owner_name),
                                "controller": True,
                                "blockOwnerDeletion": True,
                            }
                        ],
                    },
                    "spec": {"containers": containers, "nodeName": f"node-{rng.randrange(64):02d}"},
                    "status": {
                        "phase": "Running",
                        "podIP": self.next_ip(),
                        "conditions": [{"type": "Ready", "status": "True"}],
                    },
                }
            )
            self.pod_count += 1

    # -- policies --------------------------------------------------------------------------
    def policy(
        self,
        ns: str,
        name: str,
        pod_selector: dict[str, Any],
        *,
        ingress: list[dict[str, Any]] | None = None,
        egress: list[dict[str, Any]] | None = None,
        types: list[str] | None = None,
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {"podSelector": pod_selector}
        if ingress is not None:
            spec["ingress"] = ingress
        if egress is not None:
            spec["egress"] = egress
        if types is not None:
            spec["policyTypes"] = types
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns},
            "spec": spec,
        }

    def ns_peer(self) -> dict[str, Any]:
        """A namespaceSelector peer: matchLabels, or matchExpressions In / NotIn / Exists."""
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            return {"namespaceSelector": {"matchLabels": {"team": rng.choice(TEAMS)}}}
        if r < 0.55:
            envs = sorted(rng.sample(ENVS, 2))
            return {
                "namespaceSelector": {
                    "matchExpressions": [{"key": "env", "operator": "In", "values": envs}]
                }
            }
        if r < 0.7:
            return {
                "namespaceSelector": {
                    "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]
                }
            }
        if r < 0.8:
            return {
                "namespaceSelector": {
                    "matchExpressions": [{"key": "istio-injection", "operator": "Exists"}]
                }
            }
        if r < 0.9:
            return {
                "namespaceSelector": {
                    "matchLabels": {"kubernetes.io/metadata.name": rng.choice(self.namespaces)[0]}
                }
            }
        return {
            "namespaceSelector": {
                "matchLabels": {"env": "prod"},
                "matchExpressions": [
                    {"key": "team", "operator": "In", "values": sorted(rng.sample(TEAMS, 3))}
                ],
            }
        }

    def pod_selector_for(self, w: _Workload) -> dict[str, Any]:
        rng = self.rng
        r = rng.random()
        if r < 0.6:
            return {"matchLabels": {"app": w.app}}
        if r < 0.75:
            return {"matchLabels": {"app": w.app, "version": w.labels["version"]}}
        if r < 0.9:
            return {"matchLabels": {"tier": w.tier}}
        return {
            "matchLabels": {"app": w.app},
            "matchExpressions": [{"key": "version", "operator": "NotIn", "values": ["v3"]}],
        }

    def ports_for(self, w: _Workload) -> list[dict[str, Any]] | None:
        rng = self.rng
        named = PORTS[w.kind]
        r = rng.random()
        if r < 0.1:
            return None  # every port
        if r < 0.45:
            name, _, proto = named[0]
            out: list[dict[str, Any]] = [{"protocol": proto, "port": name}]  # named port
            if len(named) > 1 and rng.random() < 0.5:
                out.append({"port": named[1][0]})  # named, protocol defaulted
            return out
        if r < 0.8:
            _, port, proto = named[0]
            return [{"protocol": proto, "port": port}]
        if r < 0.9:
            _, port, proto = named[0]
            return [
                {"protocol": proto, "port": port - port % 100, "endPort": port - port % 100 + 99}
            ]
        return [
            {"protocol": "TCP", "port": 8000, "endPort": 8999},
            {"protocol": "TCP", "port": 9090},
        ]

    def ip_peer(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.1:
            # A pod range (a "legacy monitoring subnet"): it splits pods by address.
            index = rng.randrange(max(1, self.ip_counter // 254))
            cidr = f"10.{1 + index // 256}.{index % 256}.0/24"
            return {"ipBlock": {"cidr": cidr, "except": [cidr.replace(".0/24", ".128/25")]}}
        cidr, excepts = rng.choice(EXTERNAL_BLOCKS)
        block: dict[str, Any] = {"cidr": cidr}
        if excepts:
            block["except"] = list(excepts)
        return {"ipBlock": block}

    def make_policies(self) -> None:
        rng = self.rng
        budget = self.want_policies
        made: list[dict[str, Any]] = []
        dns_peer = {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }
        dns_ports = [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]
        # Namespace baselines: most namespaces deny ingress by default, some deny egress too
        # (and then allow DNS); a few have no baseline at all.
        app_ns = [ns for ns, _ in self.namespaces if ns != "kube-system" and self.by_ns[ns]]
        for ns in app_ns:
            if len(made) >= budget:
                break
            r = rng.random()
            if r < 0.55:
                made.append(self.policy(ns, "default-deny-ingress", {}, types=["Ingress"]))
            elif r < 0.85:
                made.append(self.policy(ns, "default-deny-all", {}, types=["Ingress", "Egress"]))
                if len(made) < budget:
                    made.append(
                        self.policy(
                            ns, "allow-dns", {}, egress=[{"to": [dns_peer], "ports": dns_ports}],
                            types=["Egress"],
                        )
                    )  # fmt: skip
        # Workload policies, round-robin over workloads in a shuffled order.
        order = [w for w in self.workloads if w.namespace != "kube-system"]
        rng.shuffle(order)
        counter: dict[str, int] = {}
        i = 0
        while len(made) < budget and order:
            w = order[i % len(order)]
            i += 1
            base = f"{w.name}"
            k = counter.get(f"{w.namespace}/{base}", 0)
            counter[f"{w.namespace}/{base}"] = k + 1
            suffix = "" if k == 0 else f"-{k + 1}"
            made.append(self.workload_policy(w, suffix, dns_peer, dns_ports))
        # kube-system: allow DNS from everywhere (only when the budget allows).
        if len(made) < budget:
            made.append(
                self.policy(
                    "kube-system", "kube-dns-ingress", {"matchLabels": {"k8s-app": "kube-dns"}},
                    ingress=[{"from": [{"namespaceSelector": {}}], "ports": dns_ports}],
                )
            )  # fmt: skip
        self.docs.extend(made[:budget])

    def workload_policy(
        self, w: _Workload, suffix: str, dns_peer: dict[str, Any], dns_ports: list[dict[str, Any]]
    ) -> dict[str, Any]:
        rng = self.rng
        ns = w.namespace
        target = self.pod_selector_for(w)
        siblings = self.by_ns[ns]
        explicit = rng.random() < 0.6
        r = rng.random()
        if r < 0.62:
            # Ingress: 1-3 rules with a mix of peers.
            rules = []
            for _ in range(rng.choice((1, 1, 2, 3))):
                peers: list[dict[str, Any]] = []
                for _ in range(rng.choice((1, 1, 2))):
                    p = rng.random()
                    if p < 0.35:
                        other = rng.choice(siblings)
                        peers.append({"podSelector": {"matchLabels": {"app": other.app}}})
                    elif p < 0.45:
                        peers.append(
                            {
                                "podSelector": {
                                    "matchExpressions": [
                                        {
                                            "key": "tier",
                                            "operator": "In",
                                            "values": sorted(
                                                rng.sample(("frontend", "backend", "worker"), 2)
                                            ),
                                        }
                                    ]
                                }
                            }
                        )
                    elif p < 0.65:
                        peers.append(self.ns_peer())
                    elif p < 0.87:
                        peer = self.ns_peer()  # AND: both selectors in one item
                        peer["podSelector"] = {
                            "matchLabels": {"tier": rng.choice(("frontend", "backend", "worker"))}
                        }
                        peers.append(peer)
                    else:
                        peers.append(self.ip_peer())
                rule: dict[str, Any] = {"from": peers}
                ports = self.ports_for(w)
                if ports is not None:
                    rule["ports"] = ports
                rules.append(rule)
            if rng.random() < 0.05:
                rules = [{}]  # allow everything to these pods
            return self.policy(
                ns, f"allow-{w.name}-ingress{suffix}", target, ingress=rules,
                types=["Ingress"] if explicit else None,
            )  # fmt: skip
        if r < 0.9:
            # Egress: to a database or cache, to the outside on 443, plus DNS.
            egress: list[dict[str, Any]] = [{"to": [dns_peer], "ports": dns_ports}]
            backends = [s for s in siblings if s.tier in ("db", "cache", "queue", "backend")]
            if backends:
                other = rng.choice(backends)
                egress.append(
                    {
                        "to": [{"podSelector": {"matchLabels": {"app": other.app}}}],
                        "ports": [
                            {"protocol": PORTS[other.kind][0][2], "port": PORTS[other.kind][0][1]}
                        ],
                    }
                )
            if rng.random() < 0.5:
                egress.append({"to": [self.ip_peer()], "ports": [{"protocol": "TCP", "port": 443}]})
            if rng.random() < 0.2:
                egress.append(
                    {
                        "to": [self.ns_peer()],
                        "ports": [
                            {"protocol": "TCP", "port": 8080},
                            {"protocol": "TCP", "port": "grpc"},
                        ],
                    }
                )
            # Egress rules without `policyTypes`: the API infers Ingress+Egress (a classic trap).
            return self.policy(
                ns, f"allow-{w.name}-egress{suffix}", target, egress=egress,
                types=["Egress"] if explicit else None,
            )  # fmt: skip
        # Both directions in one policy.
        peer = self.ns_peer()
        return self.policy(
            ns, f"{w.name}-netpol{suffix}", target,
            ingress=[{"from": [peer, {"podSelector": {}}], "ports": self.ports_for(w) or []}],
            egress=[{"to": [dns_peer], "ports": dns_ports}, {"to": [{"podSelector": {}}]}],
            types=["Ingress", "Egress"] if explicit else None,
        )  # fmt: skip

    def run(self) -> str:
        self.make_namespaces()
        self.make_workloads()
        self.make_policies()
        return to_yaml(self.docs)


def generate(pods: int, policies: int | None = None, seed: int = 0) -> str:
    """Multi-document YAML for a synthetic cluster with `pods` pods, deterministic for `seed`."""
    if policies is None:
        policies = max(1, pods // 3)
    return _Generator(pods, policies, seed).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, required=True)
    parser.add_argument("--policies", type=int, default=None, help="default: pods/3")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", default="-", help="file to write ('-': stdout)")
    args = parser.parse_args(argv)
    text = generate(args.pods, args.policies, args.seed)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
