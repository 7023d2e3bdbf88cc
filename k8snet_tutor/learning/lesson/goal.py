"""A lesson's goal: the check types a `goal:` section is written in, and the names they use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

from k8snet_tutor.core.ports import PortProbe
from k8snet_tutor.core.problems import FieldPath

Role = Literal["endpoint", "source", "destination", "pod", "service", "policy"]


def verdict(allowed: bool) -> str:
    return "allowed" if allowed else "denied"


def qualify(name: str) -> str:
    """`web` -> `default/web`; `shop/web` unchanged."""
    return name if "/" in name else f"default/{name}"


def service_id(name: str) -> str:
    """`svc:shop/web`, `shop/web` or `web` -> `shop/web` (the Service's namespace/name)."""
    raw = name.strip()
    for prefix in ("svc:", "service:"):
        if raw.startswith(prefix):
            raw = raw[len(prefix) :]
    return qualify(raw)


@dataclass(frozen=True)
class NameRef:
    """A name a check uses (for lint: it must exist in the background plus the solution)."""

    text: str
    role: Role
    path: FieldPath


@dataclass(kw_only=True)
class Check:
    """One item of a lesson's goal. Subclasses add the check's own fields."""

    type: ClassVar[str] = ""

    id: str
    description: str = ""
    hint: str | None = None
    path: FieldPath = ()  # where the check is written, e.g. ("goal", 2)

    def default_description(self) -> str:
        return self.type

    def details(self) -> list[str]:
        """The check in readable lines (for `lessons show` and the TUI's goal list)."""
        return []

    def names(self) -> list[NameRef]:
        return []


@dataclass(frozen=True)
class Probe:
    source: str
    destination: str
    port: PortProbe
    expect: bool
    path: FieldPath = ()

    def text(self) -> str:
        return f"{self.source} -> {self.destination} on {self.port}: {verdict(self.expect)}"


@dataclass(kw_only=True)
class ProbesCheck(Check):
    type: ClassVar[str] = "probes"
    probes: list[Probe]

    def default_description(self) -> str:
        if len(self.probes) == 1:
            return f"{self.probes[0].text()}"
        return f"These {len(self.probes)} connections behave as the goal says"

    def details(self) -> list[str]:
        return [p.text() for p in self.probes]

    def names(self) -> list[NameRef]:
        out: list[NameRef] = []
        for p in self.probes:
            out.append(NameRef(p.source, "source", (*p.path, "from")))
            out.append(NameRef(p.destination, "destination", (*p.path, "to")))
        return out


@dataclass(frozen=True)
class TableOverride:
    source: str | None
    destination: str | None
    expect: bool
    path: FieldPath = ()

    def text(self) -> str:
        src = self.source or "every source"
        dst = self.destination or "every destination"
        return f"{src} -> {dst}: {verdict(self.expect)}"


@dataclass(kw_only=True)
class TableCheck(Check):
    type: ClassVar[str] = "table"
    port: PortProbe
    nodes: list[str] | None = None
    default: bool = True
    overrides: list[TableOverride] = field(default_factory=list)

    def default_description(self) -> str:
        among = "the listed peers" if self.nodes else "all pods"
        extra = f", except {len(self.overrides)} listed case(s)" if self.overrides else ""
        return f"On {self.port}, connections among {among} are {verdict(self.default)}{extra}"

    def details(self) -> list[str]:
        nodes = ", ".join(self.nodes) if self.nodes else "every pod"
        out = [f"between {nodes} on {self.port}: {verdict(self.default)} by default"]
        out.extend(f"except {o.text()}" for o in self.overrides)
        return out

    def names(self) -> list[NameRef]:
        out = [
            NameRef(n, "endpoint", (*self.path, "table", "nodes", i))
            for i, n in enumerate(self.nodes or [])
        ]
        for o in self.overrides:
            if o.source is not None:
                out.append(NameRef(o.source, "source", (*o.path, "from")))
            if o.destination is not None:
                out.append(NameRef(o.destination, "destination", (*o.path, "to")))
        return out


@dataclass(kw_only=True)
class EndpointsCheck(Check):
    type: ClassVar[str] = "endpoints"
    service: str
    pods: list[str]

    def default_description(self) -> str:
        pods = ", ".join(qualify(p) for p in self.pods) or "no pods"
        return f"Service {service_id(self.service)} has exactly these endpoints: {pods}"

    def names(self) -> list[NameRef]:
        base = (*self.path, "endpoints")
        out = [NameRef(self.service, "service", (*base, "service"))]
        out.extend(NameRef(p, "pod", (*base, "pods", i)) for i, p in enumerate(self.pods))
        return out


@dataclass(kw_only=True)
class ServicePortCheck(Check):
    type: ClassVar[str] = "service_port"
    service: str
    port: PortProbe
    target: int | str

    def default_description(self) -> str:
        return (
            f"Service {service_id(self.service)} port {self.port} reaches every endpoint "
            f"on {self.target}"
        )

    def names(self) -> list[NameRef]:
        return [NameRef(self.service, "service", (*self.path, "service_port", "service"))]


@dataclass(kw_only=True)
class ExposedCheck(Check):
    type: ClassVar[str] = "exposed"
    service: str
    external: bool

    def default_description(self) -> str:
        sid = service_id(self.service)
        if self.external:
            return f"Service {sid} is reachable from outside the cluster (NodePort or LoadBalancer)"
        return f"Service {sid} is only reachable inside the cluster (ClusterIP)"

    def names(self) -> list[NameRef]:
        return [NameRef(self.service, "service", (*self.path, "exposed", "service"))]


@dataclass(kw_only=True)
class UniquePortsCheck(Check):
    type: ClassVar[str] = "unique_ports"
    pod: str | None = None

    def default_description(self) -> str:
        if self.pod:
            return f"No two containers of {qualify(self.pod)} listen on the same port"
        return "No two containers of one pod listen on the same port"

    def names(self) -> list[NameRef]:
        if self.pod is None:
            return []
        return [NameRef(self.pod, "pod", (*self.path, "unique_ports", "pod"))]


@dataclass(kw_only=True)
class LabelsCheck(Check):
    type: ClassVar[str] = "labels"
    pod: str
    labels: dict[str, str]

    def default_description(self) -> str:
        pairs = ", ".join(f"{k}={v}" for k, v in self.labels.items())
        return f"{qualify(self.pod)} has the labels {pairs}"

    def names(self) -> list[NameRef]:
        return [NameRef(self.pod, "pod", (*self.path, "labels", "pod"))]


@dataclass(kw_only=True)
class SelectsCheck(Check):
    type: ClassVar[str] = "selects"
    policy: str | None = None
    service: str | None = None
    pods: list[str] = field(default_factory=list)

    def default_description(self) -> str:
        pods = ", ".join(qualify(p) for p in self.pods) or "no pods"
        if self.policy is not None:
            return f"Policy {qualify(self.policy)} selects exactly: {pods}"
        return f"Service {service_id(self.service or '')} selects exactly: {pods}"

    def names(self) -> list[NameRef]:
        base = (*self.path, "selects")
        out: list[NameRef] = []
        if self.policy is not None:
            out.append(NameRef(self.policy, "policy", (*base, "policy")))
        if self.service is not None:
            out.append(NameRef(self.service, "service", (*base, "service")))
        out.extend(NameRef(p, "pod", (*base, "pods", i)) for i, p in enumerate(self.pods))
        return out


@dataclass(kw_only=True)
class MaxPoliciesCheck(Check):
    type: ClassVar[str] = "max_policies"
    count: int

    def default_description(self) -> str:
        return f"Your YAML has at most {self.count} NetworkPolic{'y' if self.count == 1 else 'ies'}"


@dataclass(kw_only=True)
class HeadlessCheck(Check):
    """A Service is headless (`clusterIP: None`), or (`headless: false`) has a virtual IP."""

    type: ClassVar[str] = "headless"
    service: str
    headless: bool = True

    def default_description(self) -> str:
        sid = service_id(self.service)
        if self.headless:
            return f"Service {sid} is headless (clusterIP: None)"
        return f"Service {sid} has a virtual IP (not headless)"

    def names(self) -> list[NameRef]:
        return [NameRef(self.service, "service", (*self.path, "headless", "service"))]


@dataclass(kw_only=True)
class ForbidCheck(Check):
    type: ClassVar[str] = "forbid"
    field: str

    def default_description(self) -> str:
        return f"Your YAML does not use `{self.field}`"


@dataclass(kw_only=True)
class RequireCheck(Check):
    type: ClassVar[str] = "require"
    field: str

    def default_description(self) -> str:
        return f"Your YAML uses `{self.field}`"


@dataclass(kw_only=True)
class ObjectsCheck(Check):
    type: ClassVar[str] = "objects"
    kind: str
    count: int

    def default_description(self) -> str:
        return f"Your YAML has exactly {self.count} object(s) of kind {self.kind}"


CHECK_TYPES: dict[str, type[Check]] = {
    cls.type: cls
    for cls in (
        ProbesCheck,
        TableCheck,
        EndpointsCheck,
        ServicePortCheck,
        ExposedCheck,
        HeadlessCheck,
        UniquePortsCheck,
        LabelsCheck,
        SelectsCheck,
        MaxPoliciesCheck,
        ForbidCheck,
        RequireCheck,
        ObjectsCheck,
    )
}
