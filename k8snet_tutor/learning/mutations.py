"""Goal strength by mutation: can a wrong answer pass a lesson's goal?

From a lesson's reference solution we derive one-change variants (mutations): a peer widened or
split, or retargeted to another existing label value or namespace, ports dropped or changed, an
extra port added, a selector emptied, a policy deleted or moved, policyTypes changed, a label
value changed, a Service made headless, and so on. Each variant is evaluated twice:

- through the lesson's goal, exactly as a learner's answer would be (`checks.check`);
- for its meaning, over the lesson's whole *scope*: every pod of the cluster plus probe objects
  that could exist (a copy of every pod in a new namespace and in every other namespace, a
  twin of every labelled namespace, a pod without labels in every namespace, look-alike pods
  one label away, and outside addresses around every ipBlock edge), on every declared port.

A variant that changes some verdict in the scope yet passes the goal *survives*: the goal is
too loose. Goal strength is caught / connectivity-changing variants (n/a, not 100%, when no
variant changes connectivity). A lesson (or a quiz `fix` question) lists the variants that are
right answers for its task under `equivalent_mutations` (id and reason); they are not counted.

The probe objects exist only in the comparison, never in grading. Nothing here imports Textual.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from k8snet_tutor.core.cluster import NAME_LABEL, Cluster, Namespace, Pod, build_cluster
from k8snet_tutor.core.evaluate import Evaluator
from k8snet_tutor.core.manifests import load_text
from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import FieldPath, Problem
from k8snet_tutor.core.selectors import LabelSelector
from k8snet_tutor.core.services import reach_service
from k8snet_tutor.learning.checks import BACKGROUND_SOURCE, check, goal_addresses
from k8snet_tutor.learning.evaluation import LessonEvaluator
from k8snet_tutor.learning.lesson import Check, ContentFile, Lesson

ELSEWHERE = "lint-elsewhere"  # a namespace that the lesson does not have
STRANGER = "lint-stranger"  # a pod without labels
OUTSIDE = "203.0.113.250"  # a client outside the cluster
DNS_PORTS = ((53, "UDP"), (53, "TCP"))
STRUCTURAL = ("max_policies", "forbid", "require", "objects")

Doc = dict[str, Any]


# --------------------------------------------------------------------------------------------
# Mutations


@dataclass(frozen=True)
class Mutation:
    """One variant of the solution: `id` is stable (lessons name it to mark it equivalent)."""

    id: str
    description: str
    documents: tuple[Doc, ...] = field(repr=False, compare=False)

    def text(self) -> str:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return yaml.dump_all(list(self.documents), Dumper=dumper, sort_keys=False)


def _obj_name(doc: Doc) -> str:
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    kind = str(doc.get("kind") or "?")
    ns = meta.get("namespace") or "default"
    if kind == "Namespace":
        return f"Namespace/{meta.get('name')}"
    return f"{kind}/{ns}/{meta.get('name')}"


def _fmt(path: Sequence[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _get(doc: Any, path: Sequence[str | int]) -> Any:
    for p in path:
        doc = doc[p]
    return doc


class _Maker:
    """Collects mutations of one document list (`cluster`: the solution's cluster, which the
    mutations that pick an existing port or label value look into)."""

    def __init__(self, docs: list[Doc], cluster: Cluster | None = None) -> None:
        self.docs = docs
        self.cluster = cluster
        self.out: list[Mutation] = []
        self.seen: set[str] = set()

    def add(self, index: int, path: Sequence[str | int], op: str, what: str, change: Any) -> None:
        """`change(doc_copy)` edits a deep copy of document `index` (returns False to skip);
        a change that returns a list of documents replaces the document by them."""
        doc = self.docs[index]
        mid = f"{_obj_name(doc)}:{_fmt(path) or '-'}:{op}"
        if mid in self.seen:
            return
        new = copy.deepcopy(doc)
        result = change(new)
        if result is False:
            return
        docs = [copy.deepcopy(d) for d in self.docs]
        if isinstance(result, list):
            docs[index : index + 1] = result
        else:
            docs[index] = new
        self.seen.add(mid)
        where = f" at {_fmt(path)}" if path else ""
        self.out.append(Mutation(mid, f"{_obj_name(doc)}{where}: {what}", tuple(docs)))


def _changed_value(value: Any) -> str:
    return f"{value}-other"


def mutations(
    docs: Sequence[Doc], namespaces: Sequence[str] = (), cluster: Cluster | None = None
) -> list[Mutation]:
    """Every one-change variant of `docs` (the solution's objects). `namespaces`: where a policy
    may be moved. `cluster` (the background plus the solution): with it, also the variants that
    reuse what exists there (a port some pod declares added to a rule, a peer retargeted to
    another existing label value or namespace)."""
    m = _Maker([d for d in docs if isinstance(d, dict)], cluster)
    for i, doc in enumerate(m.docs):
        kind = doc.get("kind")
        if kind == "NetworkPolicy":
            _policy_mutations(m, i, doc, namespaces)
        elif kind == "Service":
            _service_mutations(m, i, doc)
        elif kind == "Namespace":
            _labels_mutations(m, i, ("metadata", "labels"), doc)
        elif kind == "Pod":
            _labels_mutations(m, i, ("metadata", "labels"), doc)
            _pod_spec_mutations(m, i, ("spec",), doc)
        elif isinstance(doc.get("spec"), dict) and isinstance(doc["spec"].get("template"), dict):
            _labels_mutations(m, i, ("spec", "template", "metadata", "labels"), doc)
            _pod_spec_mutations(m, i, ("spec", "template", "spec"), doc)
    return m.out


def _labels_mutations(m: _Maker, i: int, path: tuple[str | int, ...], doc: Doc) -> None:
    try:
        labels = _get(doc, path)
    except (KeyError, IndexError, TypeError):
        return
    if not isinstance(labels, dict):
        return
    for key in list(labels):
        if key == NAME_LABEL:
            continue

        def change_value(d: Doc, key: Any = key) -> None:
            target = _get(d, path)
            target[key] = _changed_value(target[key])

        def drop(d: Doc, key: Any = key) -> None:
            del _get(d, path)[key]

        m.add(i, (*path, key), "change-value", f"label {key} gets another value", change_value)
        m.add(i, (*path, key), "drop", f"label {key} removed", drop)


def _pod_spec_mutations(m: _Maker, i: int, path: tuple[str | int, ...], doc: Doc) -> None:
    try:
        spec = _get(doc, path)
    except (KeyError, IndexError, TypeError):
        return
    containers = spec.get("containers") if isinstance(spec, dict) else None
    if not isinstance(containers, list):
        return
    for ci, c in enumerate(containers):
        ports = c.get("ports") if isinstance(c, dict) else None
        if not isinstance(ports, list):
            continue
        for pi, port in enumerate(ports):
            if not isinstance(port, dict) or not isinstance(port.get("containerPort"), int):
                continue
            p = (*path, "containers", ci, "ports", pi)

            def bump(d: Doc, p: tuple[str | int, ...] = p) -> None:
                _get(d, p)["containerPort"] += 1

            def proto(d: Doc, p: tuple[str | int, ...] = p) -> None:
                t = _get(d, p)
                t["protocol"] = "UDP" if t.get("protocol", "TCP") == "TCP" else "TCP"

            m.add(i, p, "port-number", "containerPort changed", bump)
            m.add(i, p, "protocol", "container port protocol changed", proto)
            if port.get("name"):

                def rename(d: Doc, p: tuple[str | int, ...] = p) -> None:
                    t = _get(d, p)
                    t["name"] = str(t["name"])[:10] + "-x"

                m.add(i, p, "rename", "container port renamed", rename)


def _service_mutations(m: _Maker, i: int, doc: Doc) -> None:
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        return
    stype = spec.get("type", "ClusterIP")
    if spec.get("clusterIP") == "None":

        def virtual_ip(d: Doc) -> None:
            del d["spec"]["clusterIP"]

        m.add(i, ("spec", "clusterIP"), "virtual-ip", "given a virtual IP (not headless)", virtual_ip)
    if stype == "ClusterIP" and spec.get("clusterIP") != "None":

        def headless(d: Doc) -> None:
            d["spec"]["clusterIP"] = "None"

        m.add(i, ("spec",), "headless", "made headless (`clusterIP: None`)", headless)
    if stype in ("NodePort", "LoadBalancer"):

        def internal(d: Doc) -> None:
            d["spec"]["type"] = "ClusterIP"
            for p in d["spec"].get("ports") or []:
                if isinstance(p, dict):
                    p.pop("nodePort", None)

        m.add(i, ("spec", "type"), "cluster-ip", "type ClusterIP (internal only)", internal)
        flipped = "Cluster" if spec.get("externalTrafficPolicy") == "Local" else "Local"

        def traffic_policy(d: Doc, flipped: str = flipped) -> None:
            d["spec"]["externalTrafficPolicy"] = flipped

        m.add(
            i,
            ("spec",),
            f"traffic-policy-{flipped.lower()}",
            f"externalTrafficPolicy {flipped}",
            traffic_policy,
        )
    elif spec.get("clusterIP") != "None":

        def nodeport(d: Doc) -> None:
            d["spec"]["type"] = "NodePort"

        m.add(i, ("spec", "type"), "node-port", "type NodePort (exposed outside)", nodeport)
    selector = spec.get("selector")
    if isinstance(selector, dict):
        for key in list(selector):

            def value(d: Doc, key: Any = key) -> None:
                s = d["spec"]["selector"]
                s[key] = _changed_value(s[key])

            m.add(i, ("spec", "selector", key), "change-value", "selector value changed", value)
            if len(selector) > 1:

                def drop(d: Doc, key: Any = key) -> None:
                    del d["spec"]["selector"][key]

                m.add(i, ("spec", "selector", key), "drop", "selector key removed", drop)
    for pi, port in enumerate(spec.get("ports") or []):
        if not isinstance(port, dict):
            continue
        p: tuple[str | int, ...] = ("spec", "ports", pi)
        if "targetPort" in port:

            def drop_target(d: Doc, pi: int = pi) -> None:
                del d["spec"]["ports"][pi]["targetPort"]

            def change_target(d: Doc, pi: int = pi) -> None:
                sp = d["spec"]["ports"][pi]
                t = sp["targetPort"]
                sp["targetPort"] = t + 1 if isinstance(t, int) else str(t)[:10] + "-x"

            m.add(i, p, "drop-target-port", "targetPort removed", drop_target)
            m.add(i, p, "target-port", "targetPort changed", change_target)
        if isinstance(port.get("port"), int):

            def bump(d: Doc, pi: int = pi, old: int = port["port"]) -> None:
                sp = d["spec"]["ports"][pi]
                sp["port"] += 1
                sp.setdefault("targetPort", old)

            m.add(i, p, "port-number", "Service port changed", bump)

        def proto(d: Doc, pi: int = pi) -> None:
            sp = d["spec"]["ports"][pi]
            sp["protocol"] = "UDP" if sp.get("protocol", "TCP") == "TCP" else "TCP"

        m.add(i, p, "protocol", "Service port protocol changed", proto)


def _policy_mutations(m: _Maker, i: int, doc: Doc, namespaces: Sequence[str]) -> None:
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        return
    m.add(i, (), "remove", "policy removed", lambda d: [])
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    own = meta.get("namespace") or "default"
    for ns in namespaces:
        if ns == own:
            continue

        def move(d: Doc, ns: str = ns) -> None:
            d["metadata"]["namespace"] = ns

        m.add(i, ("metadata", "namespace"), f"move-to-{ns}", f"moved to namespace {ns}", move)
    _selector_mutations(m, i, ("spec", "podSelector"), spec.get("podSelector"), "podSelector")

    types = spec.get("policyTypes")
    implied = ["Ingress", *(["Egress"] if "egress" in spec else [])]
    if isinstance(types, list):

        def drop_types(d: Doc) -> None:
            del d["spec"]["policyTypes"]

        m.add(i, ("spec", "policyTypes"), "drop", "policyTypes removed", drop_types)
        for t in types:
            if len(types) > 1:

                def drop_one(d: Doc, t: Any = t) -> None:
                    d["spec"]["policyTypes"].remove(t)

                m.add(
                    i,
                    ("spec", "policyTypes"),
                    f"drop-{t}",
                    f"{t} removed from policyTypes",
                    drop_one,
                )
    current = types if isinstance(types, list) else implied
    for t in ("Ingress", "Egress"):
        if t not in current:

            def add_type(d: Doc, t: str = t) -> None:
                d["spec"]["policyTypes"] = [*current, t]

            m.add(i, ("spec", "policyTypes"), f"add-{t}", f"{t} added to policyTypes", add_type)

    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        rules = spec.get(direction)
        if not isinstance(rules, list):
            continue
        if not rules:

            def allow_all(d: Doc, direction: str = direction) -> None:
                d["spec"][direction] = [{}]

            m.add(
                i, ("spec", direction), "allow-all", f"`{direction}: [{{}}]` (allow all)", allow_all
            )
        for ri, rule in enumerate(rules):
            rp: tuple[str | int, ...] = ("spec", direction, ri)

            def drop_rule(d: Doc, direction: str = direction, ri: int = ri) -> None:
                del d["spec"][direction][ri]

            m.add(i, rp, "drop-rule", "rule removed", drop_rule)
            if not isinstance(rule, dict):
                continue
            _rule_mutations(m, i, rp, rule, peers_key, own, spec.get("podSelector"))


def _rule_mutations(
    m: _Maker,
    i: int,
    rp: tuple[str | int, ...],
    rule: Doc,
    peers_key: str,
    own: str,
    pod_selector: Any,
) -> None:
    peers = rule.get(peers_key)
    if isinstance(peers, list) and peers:

        def drop_peers(d: Doc) -> None:
            del _get(d, rp)[peers_key]

        m.add(i, (*rp, peers_key), "drop", f"`{peers_key}` removed (every peer)", drop_peers)
        for pi, peer in enumerate(peers):
            if isinstance(peer, dict):
                _peer_mutations(m, i, (*rp, peers_key, pi), peer, len(peers))
                _retarget_mutations(m, i, (*rp, peers_key, pi), peer, own)
    elif peers_key not in rule:

        def only_same_ns(d: Doc) -> None:
            _get(d, rp)[peers_key] = [{"podSelector": {}}]

        m.add(
            i,
            (*rp, peers_key),
            "same-namespace",
            "peers narrowed to the policy's namespace",
            only_same_ns,
        )
    ports = rule.get("ports")
    if isinstance(ports, list) and ports:

        def drop_ports(d: Doc) -> None:
            del _get(d, rp)["ports"]

        m.add(i, (*rp, "ports"), "drop", "`ports` removed (every port)", drop_ports)
        for pi, port in enumerate(ports):
            if isinstance(port, dict):
                _port_mutations(m, i, (*rp, "ports", pi), port, len(ports))
        _extra_port_mutation(m, i, rp, rule, peers_key, own, pod_selector)


def _selector_or_none(raw: Any) -> LabelSelector | None:
    """A selector from raw YAML, or None when it is not one (the grader reports that)."""
    if not isinstance(raw, dict):
        return None
    try:
        return LabelSelector.from_dict(raw)
    except (AttributeError, KeyError, TypeError):
        return None


def _peer_pods(cluster: Cluster, peer: Doc, own: str) -> list[Pod]:
    """The cluster's pods a (pod or namespace) peer admits; none for an ipBlock."""
    if "ipBlock" in peer:
        return []
    pods = _selector_or_none(peer.get("podSelector", {}))
    if pods is None:
        return []
    nss_raw = peer.get("namespaceSelector")
    nss = _selector_or_none(nss_raw) if nss_raw is not None else None
    if nss_raw is not None and nss is None:
        return []
    return [
        p
        for p in cluster.pods
        if pods.matches(p.labels)
        and (
            nss.matches(cluster.namespace_labels(p.namespace))
            if nss is not None
            else p.namespace == own
        )
    ]


def _extra_port_mutation(
    m: _Maker,
    i: int,
    rp: tuple[str | int, ...],
    rule: Doc,
    peers_key: str,
    own: str,
    pod_selector: Any,
) -> None:
    """One port added to a rule's `ports`: the first port that the pods the rule's ports apply
    to declare (for egress, then DNS) that the rule does not already allow. (A port no such pod
    listens on would be an extra port only on paper.)"""
    cluster = m.cluster
    listed = rule.get("ports")
    if cluster is None or not isinstance(listed, list) or not listed:
        return
    if peers_key == "from":
        selector = _selector_or_none(pod_selector)
        targets = [
            p
            for p in cluster.pods
            if p.namespace == own and selector is not None and selector.matches(p.labels)
        ]
    else:
        peers = rule.get("to")
        if isinstance(peers, list) and peers:
            targets = [
                p for peer in peers if isinstance(peer, dict) for p in _peer_pods(cluster, peer, own)
            ]
        else:
            targets = list(cluster.pods)

    def declared(pods: Sequence[Pod]) -> list[tuple[int, str]]:
        return sorted({(c.port, c.protocol) for p in pods for c in p.ports})

    candidates = declared(targets)
    if peers_key == "to":
        candidates += [(53, "UDP"), (53, "TCP")]

    def covered(port: int, protocol: str) -> bool:
        for entry in listed:
            if not isinstance(entry, dict) or entry.get("protocol", "TCP") != protocol:
                continue
            value = entry.get("port")
            if value is None:
                return True
            if isinstance(value, int) and not isinstance(value, bool):
                end = entry.get("endPort")
                if value <= port <= (end if isinstance(end, int) else value):
                    return True
            elif isinstance(value, str) and any(
                (c := p.named_port(value, protocol)) is not None and c.port == port
                for p in targets or cluster.pods
            ):
                return True
        return False

    pick = next((c for c in candidates if not covered(*c)), None)
    if pick is None:
        return
    number, protocol = pick

    def add_port(d: Doc) -> None:
        _get(d, rp)["ports"].append({"protocol": protocol, "port": number})

    m.add(i, (*rp, "ports"), "add-port", f"port {number}/{protocol} added", add_port)


def _retarget_mutations(
    m: _Maker, i: int, pp: tuple[str | int, ...], peer: Doc, own: str
) -> None:
    """A peer's selector pointed at another label value that exists in the cluster: another
    pod's (podSelector) or another namespace's (namespaceSelector)."""
    cluster = m.cluster
    if cluster is None:
        return
    nss = peer.get("namespaceSelector")
    if isinstance(nss, dict):
        names = sorted({*cluster.namespaces, *(p.namespace for p in cluster.pods)})
        labels = [cluster.namespace_labels(n) for n in names]
        _retarget(m, i, (*pp, "namespaceSelector"), nss, labels, "namespaceSelector")
    pods = peer.get("podSelector")
    if isinstance(pods, dict):
        # Pods the peer could name first: its namespace's (or every one, with a namespaceSelector).
        near = [p.labels for p in cluster.pods if nss is not None or p.namespace == own]
        far = [p.labels for p in cluster.pods]
        _retarget(m, i, (*pp, "podSelector"), pods, [*near, *far], "podSelector")


def _retarget(
    m: _Maker,
    i: int,
    sp: tuple[str | int, ...],
    sel: Doc,
    labels: Sequence[Mapping[str, str]],
    name: str,
) -> None:
    def other(key: str, current: Sequence[Any]) -> str | None:
        now = {str(v) for v in current}
        for lab in labels:
            value = lab.get(key)
            if value is not None and value not in now:
                return value
        return None

    match = sel.get("matchLabels")
    if isinstance(match, dict):
        for key in list(match):
            value = other(str(key), [match[key]])
            if value is None:
                continue

            def retarget(d: Doc, key: Any = key, value: str = value) -> None:
                _get(d, sp)["matchLabels"][key] = value

            m.add(
                i,
                (*sp, "matchLabels", key),
                "retarget",
                f"{name} label {key} retargeted to an existing value ({value})",
                retarget,
            )
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, list):
        for ei, e in enumerate(exprs):
            if not isinstance(e, dict) or e.get("operator") != "In":
                continue
            values = e.get("values")
            if not isinstance(values, list) or not values:
                continue
            value = other(str(e.get("key")), values)
            if value is None:
                continue

            def eretarget(d: Doc, ei: int = ei, value: str = value) -> None:
                _get(d, sp)["matchExpressions"][ei]["values"][0] = value

            m.add(
                i,
                (*sp, "matchExpressions", ei),
                "retarget",
                f"{name} expression retargeted to an existing value ({value})",
                eretarget,
            )


def _peer_mutations(m: _Maker, i: int, pp: tuple[str | int, ...], peer: Doc, count: int) -> None:
    parent, index = pp[:-1], pp[-1]
    assert isinstance(index, int)
    if count > 1:

        def drop_peer(d: Doc) -> None:
            del _get(d, parent)[index]

        m.add(i, pp, "drop", "peer removed", drop_peer)
    pods, nss = peer.get("podSelector"), peer.get("namespaceSelector")
    if "ipBlock" in peer and isinstance(peer["ipBlock"], dict):
        block = peer["ipBlock"]
        if block.get("except"):

            def drop_except(d: Doc) -> None:
                del _get(d, pp)["ipBlock"]["except"]

            m.add(i, (*pp, "ipBlock"), "drop-except", "`except` removed", drop_except)
            for ei, text in enumerate(block["except"]):
                try:
                    enet = ipaddress.ip_network(str(text), strict=False)
                except ValueError:
                    continue
                if enet.prefixlen + 8 <= enet.max_prefixlen:
                    narrower = next(enet.subnets(new_prefix=enet.prefixlen + 8))

                    def narrow(d: Doc, ei: int = ei, narrower: Any = narrower) -> None:
                        _get(d, pp)["ipBlock"]["except"][ei] = str(narrower)

                    m.add(
                        i,
                        (*pp, "ipBlock", "except", ei),
                        "narrow",
                        f"except narrowed to {narrower}",
                        narrow,
                    )
            for ei in range(len(block["except"])):
                if len(block["except"]) > 1:

                    def drop_one(d: Doc, ei: int = ei) -> None:
                        del _get(d, pp)["ipBlock"]["except"][ei]

                    m.add(i, (*pp, "ipBlock", "except", ei), "drop", "one except removed", drop_one)
        try:
            net = ipaddress.ip_network(str(block.get("cidr")), strict=False)
        except ValueError:
            net = None
        if net is not None and net.prefixlen > 0:
            wider = net.supernet(new_prefix=max(0, net.prefixlen - 8))

            def widen(d: Doc, wider: Any = wider) -> None:
                _get(d, pp)["ipBlock"]["cidr"] = str(wider)

            m.add(i, (*pp, "ipBlock", "cidr"), "widen", f"cidr widened to {wider}", widen)
        return
    if pods is not None and nss is not None:

        def drop_pods(d: Doc) -> None:
            del _get(d, pp)["podSelector"]

        def drop_nss(d: Doc) -> None:
            del _get(d, pp)["namespaceSelector"]

        def split(d: Doc) -> None:
            peers = _get(d, parent)
            peers[index : index + 1] = [{"namespaceSelector": nss}, {"podSelector": pods}]

        m.add(i, pp, "drop-podSelector", "podSelector of the AND peer removed", drop_pods)
        m.add(
            i, pp, "drop-namespaceSelector", "namespaceSelector of the AND peer removed", drop_nss
        )
        m.add(i, pp, "split", "the AND peer split into two peers (OR)", split)
    elif pods is not None:

        def any_ns(d: Doc) -> None:
            _get(d, pp)["namespaceSelector"] = {}

        m.add(
            i,
            pp,
            "add-namespaceSelector",
            "`namespaceSelector: {}` added (every namespace)",
            any_ns,
        )
    if pods is not None:
        _selector_mutations(m, i, (*pp, "podSelector"), pods, "podSelector")
    if nss is not None:
        _selector_mutations(m, i, (*pp, "namespaceSelector"), nss, "namespaceSelector")


def _selector_mutations(m: _Maker, i: int, sp: tuple[str | int, ...], sel: Any, name: str) -> None:
    if not isinstance(sel, dict) or not sel:
        return

    def empty(d: Doc) -> None:
        parent = _get(d, sp[:-1])
        parent[sp[-1]] = {}

    m.add(i, sp, "empty", f"{name} replaced by {{}}", empty)
    labels = sel.get("matchLabels")
    if isinstance(labels, dict):
        for key in list(labels):

            def value(d: Doc, key: Any = key) -> None:
                ml = _get(d, sp)["matchLabels"]
                ml[key] = _changed_value(ml[key])

            m.add(
                i, (*sp, "matchLabels", key), "change-value", f"{name} label value changed", value
            )
            if len(labels) > 1 or sel.get("matchExpressions"):

                def drop(d: Doc, key: Any = key) -> None:
                    del _get(d, sp)["matchLabels"][key]

                m.add(i, (*sp, "matchLabels", key), "drop", f"{name} label removed", drop)
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, list):
        for ei, e in enumerate(exprs):
            if not isinstance(e, dict):
                continue
            if isinstance(e.get("values"), list) and e["values"]:

                def evalue(d: Doc, ei: int = ei) -> None:
                    vals = _get(d, sp)["matchExpressions"][ei]["values"]
                    vals[0] = _changed_value(vals[0])

                m.add(
                    i,
                    (*sp, "matchExpressions", ei),
                    "change-value",
                    f"{name} expression value changed",
                    evalue,
                )
            if len(exprs) > 1 or labels:

                def edrop(d: Doc, ei: int = ei) -> None:
                    del _get(d, sp)["matchExpressions"][ei]

                m.add(i, (*sp, "matchExpressions", ei), "drop", f"{name} expression removed", edrop)


def _port_mutations(m: _Maker, i: int, pp: tuple[str | int, ...], port: Doc, count: int) -> None:
    parent, index = pp[:-1], pp[-1]
    assert isinstance(index, int)
    if count > 1:

        def drop(d: Doc) -> None:
            del _get(d, parent)[index]

        m.add(i, pp, "drop", "one port removed", drop)

    def proto(d: Doc) -> None:
        t = _get(d, pp)
        t["protocol"] = "UDP" if t.get("protocol", "TCP") == "TCP" else "TCP"

    m.add(i, pp, "protocol", "protocol changed", proto)
    value = port.get("port")
    if isinstance(value, int):

        def bump(d: Doc) -> None:
            t = _get(d, pp)
            t["port"] += 1
            if isinstance(t.get("endPort"), int) and t["endPort"] < t["port"]:
                t["endPort"] = t["port"]

        m.add(i, pp, "port-number", "port number changed", bump)
        if "endPort" in port:

            def drop_end(d: Doc) -> None:
                del _get(d, pp)["endPort"]

            def widen_end(d: Doc) -> None:
                _get(d, pp)["endPort"] = 65535

            m.add(i, pp, "drop-endPort", "endPort removed", drop_end)
            if port.get("endPort") != 65535:
                m.add(i, pp, "widen-endPort", "endPort raised to 65535", widen_end)
        else:

            def add_end(d: Doc) -> None:
                _get(d, pp)["endPort"] = 65535

            m.add(i, pp, "add-endPort", "`endPort: 65535` added (a range)", add_end)
    elif isinstance(value, str):

        def rename(d: Doc) -> None:
            t = _get(d, pp)
            t["port"] = str(t["port"])[:10] + "-x"

        m.add(i, pp, "rename", "port name changed", rename)
    if value is not None:

        def drop_port(d: Doc) -> None:
            t = _get(d, pp)
            del t["port"]
            t.pop("endPort", None)

        m.add(i, pp, "drop-port", "port number removed (every port of the protocol)", drop_port)


# --------------------------------------------------------------------------------------------
# Scope: the cluster plus objects that could exist


def _dns_name(text: str, limit: int = 63) -> str:
    out = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return out[:limit].rstrip("-") or "x"


@dataclass
class Scope:
    externals: list[str]
    ports: list[tuple[int, str]]
    real_pods: set[str]  # the lesson's own pods (cells between them are named first)
    probe_pods: list[Pod] = field(default_factory=list)
    probe_namespaces: dict[str, Namespace] = field(default_factory=dict)

    def cluster(self, cluster: Cluster) -> Cluster:
        """`cluster` plus the probe objects."""
        namespaces = dict(self.probe_namespaces)
        namespaces.update(cluster.namespaces)
        return Cluster(
            namespaces=namespaces,
            pods=[*cluster.pods, *self.probe_pods],
            services=list(cluster.services),
            policies=list(cluster.policies),
        )


def probes(cluster: Cluster) -> tuple[list[Pod], dict[str, Namespace]]:
    """Pods and namespaces that could exist next to the cluster's (see the module docstring)."""
    pods = [p for p in cluster.pods if not p.host_network]
    namespaces = dict(cluster.namespaces)
    names = sorted({*namespaces, *(p.namespace for p in pods)})
    extra: list[Pod] = []
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = {
        (p.namespace, tuple(sorted(p.labels.items()))) for p in pods
    }

    def probe(pod: Pod, ns: str, name: str, labels: dict[str, str] | None = None) -> None:
        lab = dict(pod.labels if labels is None else labels)
        key = (ns, tuple(sorted(lab.items())))
        if key in seen:
            return
        seen.add(key)
        extra.append(
            replace(
                pod,
                namespace=ns,
                name=_dns_name(name),
                labels=lab,
                ip=None,
                replicas=1,
                owner_kind=None,
                owner_name=None,
                ready=True,
            )
        )

    namespaces[ELSEWHERE] = Namespace(ELSEWHERE, {NAME_LABEL: ELSEWHERE}, declared=False)
    all_ports = tuple({(c.port, c.protocol): c for p in pods for c in p.ports}.values())
    unique_named: dict[str, Any] = {}
    for c in all_ports:
        if c.name and c.name not in unique_named:
            unique_named[c.name] = c
    stranger_ports = tuple(
        replace(c, name=c.name if c.name and unique_named.get(c.name) is c else None)
        for c in all_ports
    )
    stranger = Pod("default", STRANGER, {}, stranger_ports)
    for pod in pods:
        # The same labels in a new namespace, and in every other namespace of the lesson.
        probe(pod, ELSEWHERE, f"{pod.namespace}-{pod.name}")
        for ns in names:
            if ns != pod.namespace:
                probe(pod, ns, f"twin-{pod.namespace}-{pod.name}")
        # Look-alikes one label away.
        if len(pod.labels) > 1:
            for key in sorted(pod.labels):
                rest = {k: v for k, v in pod.labels.items() if k != key}
                probe(pod, pod.namespace, f"{pod.name}-without-{key}", rest)
    for ns in [*names, ELSEWHERE]:
        probe(stranger, ns, STRANGER, {})
    # A twin of every labelled namespace (same labels, another name) with copies of its pods.
    for ns in names:
        labels = {k: v for k, v in cluster.namespace_labels(ns).items() if k != NAME_LABEL}
        if not labels:
            continue
        twin = _dns_name(f"{ns}-twin")
        namespaces[twin] = Namespace(twin, {**labels, NAME_LABEL: twin}, declared=False)
        for pod in pods:
            if pod.namespace == ns:
                probe(pod, twin, pod.name)
        probe(stranger, twin, STRANGER, {})
    return extra, {k: v for k, v in namespaces.items() if k not in cluster.namespaces}


def ipblock_edges(clusters: Sequence[Cluster]) -> list[str]:
    """Addresses on and around every ipBlock's edges (cidr and excepts)."""
    out: list[str] = []
    for cluster in clusters:
        for pol in cluster.policies:
            for rule in (*pol.ingress, *pol.egress):
                for peer in rule.peers:
                    if peer.ip_block is None:
                        continue
                    for text in (peer.ip_block.cidr, *peer.ip_block.excepts):
                        try:
                            net = ipaddress.ip_network(text, strict=False)
                        except ValueError:
                            continue
                        lo, hi = int(net.network_address), int(net.broadcast_address)
                        top = (1 << net.max_prefixlen) - 1
                        for v in (lo - 1, lo, hi, hi + 1):
                            if 0 <= v <= top:
                                addr = str(
                                    ipaddress.ip_address(v)
                                    if net.version == 4
                                    else ipaddress.IPv6Address(v)
                                )
                                if addr not in out:
                                    out.append(addr)
    return out


def _scope_ports(clusters: Sequence[Cluster], lesson: Lesson) -> list[tuple[int, str]]:
    ports: set[tuple[int, str]] = set(DNS_PORTS)
    for cluster in clusters:
        for pod in cluster.pods:
            ports.update((c.port, c.protocol) for c in pod.ports)
        for pol in cluster.policies:
            for rule in (*pol.ingress, *pol.egress):
                for pp in rule.ports:
                    if isinstance(pp.port, int):
                        ports.add((pp.port, pp.protocol))
                        if pp.end_port is not None:
                            ports.add((pp.end_port, pp.protocol))
    for c in lesson.goal:
        port = getattr(c, "port", None)
        if isinstance(port, PortProbe) and isinstance(port.port, int):
            ports.add((port.port, port.protocol))
        for probe in getattr(c, "probes", ()) or ():
            pport = getattr(probe, "port", None)
            if isinstance(pport, PortProbe) and isinstance(pport.port, int):
                ports.add((pport.port, pport.protocol))
    return sorted(ports)


Cells = dict[tuple[str, str, str], frozenset[tuple[int, str]] | bool]


def connectivity(cluster: Cluster, scope: Scope) -> Cells:
    """Every verdict of the scope: (source, destination, kind) -> allowed ports (or a bool)."""
    ev = Evaluator(scope.cluster(cluster), externals=scope.externals)
    ports = scope.ports
    memo: dict[int, frozenset[tuple[int, str]]] = {}

    def allowed(conn: Any) -> frozenset[tuple[int, str]]:
        key = id(conn)
        got = memo.get(key)
        if got is None:
            got = frozenset(p for p in ports if conn.allows(p[0], p[1]))
            memo[key] = got
        return got

    cells: Cells = {}
    pods = [p for p in ev.pods if not p.host_network]
    # Distinct pods of one class are treated alike: the class matrix has every pair.
    klass = {p.id: ev.class_index(p) for p in pods}
    matrix = ev.class_matrix()
    masks: dict[int, frozenset[tuple[int, str]]] = {}
    ids = [p.id for p in pods]
    classes = [klass[i] for i in ids]
    for si, src_id in enumerate(ids):
        row = matrix[classes[si]]
        for di, dst_id in enumerate(ids):
            if si == di:
                continue
            cid = row[classes[di]]
            got = masks.get(cid)
            if got is None:
                got = allowed(ev.conns[cid])
                masks[cid] = got
            cells[(src_id, dst_id, "pod")] = got
    exts = [ev.external_for_address(a, as_source=True) for a in scope.externals]
    for ext, text in zip(exts, scope.externals, strict=True):
        out = ev.external_for_address(text, as_source=False)
        for pod in pods:
            cells[(text, pod.id, "pod")] = allowed(ev.connections_from_external(ext, pod))
            cells[(pod.id, text, "pod")] = allowed(ev.connections_to_external(pod, out))
    # Outside clients of a Service: the generic one and the scope's addresses (under source
    # NAT, which address a client has decides nothing; with the client's address kept, it does).
    outsiders = [(OUTSIDE, ev.external_for_address(OUTSIDE, as_source=True))]
    outsiders += [(t, e) for t, e in zip(scope.externals, exts, strict=True) if t != OUTSIDE]
    for svc in ev.cluster.services:
        for sp in svc.ports:
            probe = PortProbe(sp.port, sp.protocol)
            # A source's verdict depends on its class, and on whether it is an endpoint itself
            # (a pod always reaches itself).
            seen: dict[tuple[int, str], bool] = {}
            endpoint_ids: set[str] | None = None
            # internalTrafficPolicy Local: the verdict also depends on the client's node.
            per_pod = svc.internal_traffic_policy == "Local"
            for src in pods:
                key2 = (klass[src.id], src.id if endpoint_ids and src.id in endpoint_ids else "")
                verdict = seen.get(key2) if endpoint_ids is not None and not per_pod else None
                if verdict is None:
                    result = reach_service(ev, src, svc, probe)
                    if endpoint_ids is None:
                        endpoint_ids = {e.pod.id for e in result.endpoints}
                        key2 = (klass[src.id], src.id if src.id in endpoint_ids else "")
                    verdict = result.allowed
                    seen[key2] = verdict
                cells[(src.id, f"svc:{svc.id}", str(probe))] = verdict
            for ext_port in {sp.port, sp.node_port} - {None}:
                assert ext_port is not None
                ext_probe = PortProbe(ext_port, sp.protocol)
                for text, outside in outsiders:
                    cells[(text, f"svc:{svc.id}", str(ext_probe))] = reach_service(
                        ev, outside, svc, ext_probe
                    ).allowed
    return cells


def _cell_text(key: tuple[str, str, str], before: Any, after: Any) -> str:
    src, dst, kind = key
    if isinstance(before, bool) or isinstance(after, bool):
        b = "allowed" if before else "denied" if before is not None else "absent"
        a = "allowed" if after else "denied" if after is not None else "absent"
        return f"{src} -> {dst} on {kind}: {b} -> {a}"
    before_s = before or frozenset()
    after_s = after or frozenset()
    opened = sorted(after_s - before_s)
    closed = sorted(before_s - after_s)
    parts = []
    if opened:
        parts.append("now allowed on " + ", ".join(f"{p}/{pr}" for p, pr in opened[:4]))
    if closed:
        parts.append("now denied on " + ", ".join(f"{p}/{pr}" for p, pr in closed[:4]))
    return f"{src} -> {dst}: {'; '.join(parts)}"


def changed_cells(before: Cells, after: Cells, real: set[str]) -> list[str]:
    """The cells that differ, the lesson's own pods first."""
    keys = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]

    def rank(k: tuple[str, str, str]) -> tuple[int, tuple[str, str, str]]:
        ends = [e.removeprefix("svc:") for e in k[:2]]
        own = sum(1 for e in ends if e in real or "/" not in e)
        return (2 - own, k)

    return [_cell_text(k, before.get(k), after.get(k)) for k in sorted(keys, key=rank)]


# --------------------------------------------------------------------------------------------
# The report


@dataclass
class Survivor:
    mutation: Mutation
    cells: list[str]  # what it changes, most telling first


@dataclass
class Strength:
    unit: str
    mutations: int = 0
    changing: int = 0  # change some verdict in the scope (declared equivalents excluded)
    caught: int = 0
    survivors: list[Survivor] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)  # declared and met
    unknown_equivalent: list[str] = field(default_factory=list)  # declared, no such mutation
    invalid: int = 0  # variants the API server would refuse (never pass: the YAML check)
    catching_checks: dict[str, int] = field(default_factory=dict)  # check id -> mutants failed
    seconds: float = 0.0
    skipped: str = ""  # why the unit was not measured (its solution fails, ...)

    @property
    def applicable(self) -> bool:
        """Does the figure mean anything: did some mutation change connectivity?"""
        return not self.skipped and self.changing > 0

    @property
    def strength(self) -> float | None:
        """caught / changing; None when no mutation changes connectivity (nothing to catch,
        which is not the same as a goal that catches everything)."""
        return self.caught / self.changing if self.changing else None

    def line(self) -> str:
        if self.skipped:
            return f"{self.unit}: goal strength not measured ({self.skipped})"
        declared = f", {len(self.equivalent)} declared equivalent" if self.equivalent else ""
        if not self.changing:
            why = (
                "the solution has nothing to mutate"
                if not self.mutations
                else f"none of its {self.mutations} mutation(s) changes connectivity{declared}"
            )
            return f"{self.unit}: goal strength n/a ({why})"
        return (
            f"{self.unit}: goal strength {self.caught}/{self.changing} "
            f"({self.caught / self.changing:.0%}) over {self.mutations} mutation(s){declared}"
        )


def lesson_scope(lesson: Lesson) -> tuple[Cluster, list[Doc], Scope]:
    """The solution's cluster (without probes), its documents, and the comparison scope."""
    bg_docs, bg_problems = load_text(lesson.cluster_yaml(), BACKGROUND_SOURCE)
    docs, problems = load_text(lesson.solution or "", "solution")
    cluster = build_cluster([*bg_docs, *docs], [*bg_problems, *problems])
    raw = [d.data for d in docs if isinstance(d.data, dict)]
    externals = [OUTSIDE, *goal_addresses(lesson)]
    for a in ipblock_edges([cluster]):
        if a not in externals:
            externals.append(a)
    probe_pods, probe_namespaces = probes(cluster)
    scope = Scope(
        externals,
        _scope_ports([cluster], lesson),
        {p.id for p in cluster.pods},
        probe_pods,
        probe_namespaces,
    )
    return cluster, raw, scope


def goal_strength(
    lesson: Lesson,
    equivalent: Mapping[str, str] | None = None,
) -> Strength:
    """Mutate the lesson's solution and grade every variant (see the module's docstring)."""
    import time

    started = time.perf_counter()
    equivalent = dict(equivalent or {})
    out = Strength(lesson.id)
    cluster, raw, scope = lesson_scope(lesson)
    namespaces = sorted({p.namespace for p in cluster.pods})
    base = connectivity(cluster, scope)
    bg_docs, bg_problems = load_text(lesson.cluster_yaml(), BACKGROUND_SOURCE)
    grader = LessonEvaluator(lesson)
    found: set[str] = set()
    for mut in mutations(raw, namespaces, cluster):
        out.mutations += 1
        found.add(mut.id)
        text = mut.text()
        report = grader.report(text, source="mutation")
        if not report.valid:
            out.invalid += 1
            continue
        mcluster = report.cluster
        # The variant may name new ipBlock edges: compare on both sets of addresses.
        extra = [a for a in ipblock_edges([mcluster]) if a not in scope.externals]
        if extra:
            wide = replace(scope, externals=[*scope.externals, *extra])
            before, after = connectivity(cluster, wide), connectivity(mcluster, wide)
        else:
            before, after = base, connectivity(mcluster, scope)
        diff = changed_cells(before, after, scope.real_pods)
        for r in report.results:
            if not r.passed and r.type != "valid":
                out.catching_checks[r.id] = out.catching_checks.get(r.id, 0) + 1
        if not diff:
            continue
        if mut.id in equivalent:
            out.equivalent.append(mut.id)
            continue
        out.changing += 1
        if report.passed:
            out.survivors.append(Survivor(mut, diff))
        else:
            out.caught += 1
    out.unknown_equivalent = sorted(set(equivalent) - found)
    out.seconds = time.perf_counter() - started
    return out


def strength_lines(results: Sequence[Strength]) -> Iterator[str]:
    """One line per unit, then a total over the units with a figure. Units where no mutation
    changes connectivity have no figure (n/a): they are named apart, never counted as 100%."""
    for r in results:
        yield r.line()
    measured = [r for r in results if r.applicable]
    na = [r.unit for r in results if not r.skipped and not r.applicable]
    if not measured and not na:
        return
    caught = sum(r.caught for r in measured)
    changing = sum(r.changing for r in measured)
    full = sum(1 for r in measured if r.caught == r.changing)
    total = (
        f"goal strength: {full} of {len(measured)} unit(s) at 100%, {caught}/{changing} "
        f"connectivity-changing mutation(s) caught ({caught / changing:.0%})"
        if measured
        else "goal strength: no unit has a figure"
    )
    if na:
        total += f"; n/a for {len(na)} unit(s) where no mutation changes connectivity: " + (
            ", ".join(na)
        )
    yield total


def equivalent_mutations(lesson: Lesson) -> dict[str, str]:
    """The lesson's `equivalent_mutations` as {id: reason} (malformed items are skipped; the
    lesson reader reports them)."""
    raw = getattr(lesson, "equivalent_mutations", None)
    if raw is None:
        raw = lesson.extra.get("equivalent_mutations")
    out: dict[str, str] = {}
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out[item["id"]] = str(item.get("reason") or "")
        elif isinstance(item, tuple) and len(item) == 2:
            out[str(item[0])] = str(item[1])
    return out


def strength_problems(
    content: ContentFile,
    strength: Strength,
    goal_path: FieldPath = ("goal",),
    starter_passing: Sequence[str] = (),
    checks: Sequence[Check] = (),
    equivalent_path: FieldPath = ("equivalent_mutations",),
) -> list[Problem]:
    """The mutation lint's findings as problems located in the lesson (or quiz bank) file.
    `goal_path` and `equivalent_path` locate the unit's `goal` and `equivalent_mutations`."""
    out: list[Problem] = []
    for s in strength.survivors:
        more = f" (and {len(s.cells) - 1} more cell(s))" if len(s.cells) > 1 else ""
        out.append(
            content.problem(
                goal_path,
                f"goal too loose: mutation `{s.mutation.id}` ({s.mutation.description}) passes "
                f"the goal, yet changes {s.cells[0]}{more}",
                hint="add a check that fails it (a probe, or a table over all pods; a decoy "
                "where the cell is with a pod that could exist), or list it under "
                "`equivalent_mutations` with the reason it is a right answer",
                code="goal-too-loose",
            )
        )
    for mid in strength.unknown_equivalent:
        out.append(
            content.problem(
                equivalent_path,
                f"`equivalent_mutations` names {mid!r}, which is no mutation of the solution",
                severity="warning",
                hint="`lessons lint` names each surviving mutation by its id; remove the entry",
                code="goal-equivalent-unknown",
            )
        )
    for c in checks:
        if c.type in STRUCTURAL:
            continue  # a rule about the answer's form, not a claim a variant could break
        if c.id in starter_passing and not strength.catching_checks.get(c.id):
            out.append(
                content.problem(
                    c.path,
                    f"check {c.id!r} passes for the starter and fails for no variant of the "
                    "solution: its claim is vacuous",
                    hint="make it check what the task asks the learner to change, or drop it",
                    code="goal-vacuous-check",
                )
            )
    return out


def bank_strengths(bank: Any, strengths: list[Strength] | None = None) -> list[Problem]:
    """The mutation lint for the `fix` questions of one parsed quiz bank."""
    from k8snet_tutor.learning.quiz import FixQuestion

    out: list[Problem] = []
    for q in bank.questions:
        if not isinstance(q, FixQuestion) or not q.solution.strip():
            continue
        lesson = q.lesson()
        if not check(lesson, q.solution, source="solution").passed:
            # The bank's lint reports it.
            if strengths is not None:
                strengths.append(Strength(f"quiz {q.id}", skipped="its solution fails the goal"))
            continue
        strength = goal_strength(lesson, equivalent_mutations(lesson))
        strength.unit = f"quiz {q.id}"
        if strengths is not None:
            strengths.append(strength)
        starter = check(lesson, q.starter, source="starter")
        passing = [r.id for r in starter.results if r.passed and r.type != "valid"]
        for p in strength_problems(
            bank,
            strength,
            (*q.path, "goal"),
            starter_passing=passing,
            checks=q.goal,
            equivalent_path=(*q.path, "equivalent_mutations"),
        ):
            out.append(replace(p, obj=f"question {q.id}"))
    return out
