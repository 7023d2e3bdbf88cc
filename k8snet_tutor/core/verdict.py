"""The verdict of one cell: may `source` open `probe` on `destination`?

Every consumer asks here: the lesson checks (`learning.checks`), the live matrix view
(`learning.matrix_view`) and the CLI's tables (`core.matrix`). A cell is a code:

    ALLOWED, DENIED   the policies' answer for the probe (a port number or a named port)
    SELF              a single pod to itself: always allowed, never asked about
    NA                nothing to evaluate (a Service without this port, an address to an address)
    PARTIAL           the "all ports" view (no probe): some ports allowed, not all

Pod and external cells read the evaluator's connection sets; a Service cell is its endpoints'
cells on the port each connection arrives on, as `core.services.plan` finds it (the rule
`core.services` explains: a Service works only when every endpoint answers), from the address
the endpoints see: the client's, or under source NAT every node's.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8snet_tutor.core.cluster import Pod, Service
from k8snet_tutor.core.evaluate import Evaluator, External
from k8snet_tutor.core.ports import ConnectionSet, PortProbe
from k8snet_tutor.core.services import Reach, decide, local_choice, plan, seen_sources

DENIED = 0
ALLOWED = 1
SELF = 2
NA = 3
PARTIAL = 4

Code = int
Endpoint = Pod | External
Target = Pod | Service | External


def probe_allowed(conn: ConnectionSet, probe: PortProbe, dst: Pod | None) -> bool:
    """Is `probe` inside `conn`? A named probe port is looked up on the destination pod."""
    if isinstance(probe.port, str):
        if dst is None:
            return False
        cp = dst.named_port(probe.port, probe.protocol)
        return cp is not None and conn.allows(cp.port, probe.protocol)
    return conn.allows(probe.port, probe.protocol)


def conn_code(conn: ConnectionSet, probe: PortProbe | None, dst: Pod | None) -> Code:
    """The code of a connection set: for `probe`, or (None) over all ports."""
    if probe is None:
        if conn.is_all:
            return ALLOWED
        return PARTIAL if conn else DENIED
    return ALLOWED if probe_allowed(conn, probe, dst) else DENIED


def connections(ev: Evaluator, src: Endpoint, dst: Endpoint) -> ConnectionSet | None:
    """What `src` may open on `dst` (None: two addresses outside the cluster)."""
    if isinstance(src, Pod):
        if isinstance(dst, Pod):
            return ev.connections(src, dst)
        return ev.connections_to_external(src, dst)
    if isinstance(dst, Pod):
        return ev.connections_from_external(src, dst)
    return None


@dataclass(frozen=True)
class ServiceTargets:
    """A Service port as a client sees it: where each connection arrives (an endpoint, the
    port there, None when it has none, and whether the endpoint listens there), from
    `core.services.plan`. `reach` is set when there is nothing to ask the endpoints (no such
    port, no endpoints, not reachable from outside, an ExternalName Service)."""

    service: Service
    protocol: str
    targets: tuple[tuple[Endpoint, int | None, bool], ...] = ()
    reach: Reach | None = None
    nat_sources: tuple[tuple[str, External], ...] = ()  # see `core.services.Plan`
    fallback: tuple[tuple[Endpoint, int | None, bool], ...] = ()  # see `core.services.Plan`


def service_targets(
    ev: Evaluator, svc: Service, probe: PortProbe, *, external: bool
) -> ServiceTargets:
    p = plan(ev, svc, probe, external=external)
    return ServiceTargets(
        svc,
        p.protocol,
        tuple((t.endpoint, t.port, t.listening) for t in p.targets),
        p.reach,
        p.nat_sources,
        tuple((t.endpoint, t.port, t.listening) for t in p.fallback),
    )


def reach_of(ev: Evaluator, src: Endpoint, targets: ServiceTargets) -> Reach:
    """How many endpoints of a Service port accept `src`: all, some or none (the rule of
    `core.services.reach_service`)."""
    if targets.reach is not None:
        return targets.reach
    ok = 0
    # Source NAT: the endpoints see a node address, and must admit every node's.
    seen = [who for _, who in seen_sources(src, targets.nat_sources)]
    chosen = targets.targets
    choice = local_choice(
        ev, targets.service, src, list(chosen), list(targets.fallback), lambda t: t[0]
    )
    if choice is not None:  # internalTrafficPolicy Local: the client's node's endpoints only
        chosen = tuple(choice[0])
        if not chosen:
            return "no-local-endpoint"
    for endpoint, port, listening in chosen:
        if port is None or not listening:
            continue
        for who in seen:
            conn = connections(ev, who, endpoint)
            # Two addresses outside the cluster: no NetworkPolicy stands between them.
            if conn is not None and not conn.allows(port, targets.protocol):
                break
        else:
            ok += 1
    return decide(len(chosen), ok, any(t[2] for t in chosen))


def service_reach(ev: Evaluator, src: Endpoint, svc: Service, probe: PortProbe) -> Reach:
    """Can `src` use `svc` on `probe` (a Service port; a nodePort from outside the cluster)?"""
    return reach_of(ev, src, service_targets(ev, svc, probe, external=isinstance(src, External)))


def reach_code(reach: Reach) -> Code:
    if reach in ("no-port", "not-exposed", "external-name"):
        return NA
    return ALLOWED if reach == "all" else DENIED


def cell(ev: Evaluator, src: Endpoint, dst: Target, probe: PortProbe | None) -> Code:
    """The verdict of one cell (`probe` None: the "all ports" view)."""
    if isinstance(dst, Service):
        if probe is None:
            return NA
        return reach_code(service_reach(ev, src, dst, probe))
    if isinstance(src, Pod) and isinstance(dst, Pod) and src.id == dst.id and src.replicas <= 1:
        return SELF
    conn = connections(ev, src, dst)
    if conn is None:
        return NA
    return conn_code(conn, probe, dst if isinstance(dst, Pod) else None)


def allowed(ev: Evaluator, src: Endpoint, dst: Target, probe: PortProbe) -> bool | None:
    """Is the connection allowed? None when there is nothing to evaluate between the two (two
    addresses outside the cluster). A Service answers when every endpoint does; a pod reaches
    itself on any port it declares (the matrix shows that cell as SELF)."""
    if isinstance(dst, Service):
        return service_reach(ev, src, dst, probe) == "all"
    conn = connections(ev, src, dst)
    if conn is None:
        return None
    return probe_allowed(conn, probe, dst if isinstance(dst, Pod) else None)


__all__ = [
    "ALLOWED",
    "DENIED",
    "NA",
    "PARTIAL",
    "SELF",
    "ServiceTargets",
    "allowed",
    "cell",
    "conn_code",
    "connections",
    "probe_allowed",
    "reach_code",
    "reach_of",
    "service_reach",
    "service_targets",
]
