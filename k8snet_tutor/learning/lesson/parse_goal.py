"""Reading a lesson's `goal:` section into typed checks, one parser per check type."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from k8snet_tutor.core.problems import FieldPath
from k8snet_tutor.core.wording import describe_value, did_you_mean
from k8snet_tutor.learning.lesson.goal import (
    CHECK_TYPES,
    Check,
    EndpointsCheck,
    ExposedCheck,
    ForbidCheck,
    HeadlessCheck,
    LabelsCheck,
    MaxPoliciesCheck,
    ObjectsCheck,
    Probe,
    ProbesCheck,
    RequireCheck,
    SelectsCheck,
    ServicePortCheck,
    TableCheck,
    TableOverride,
    UniquePortsCheck,
)
from k8snet_tutor.learning.lesson.reader import _Reader

COMMON_CHECK_KEYS = ("id", "description", "hint")


def _parse_probe(r: _Reader, raw: Any, path: FieldPath) -> Probe | None:
    m = r.mapping(raw, path, "a probe")
    if m is None:
        return None
    keys_ok = r.keys(m, path, ("from", "to", "port", "expect"), (), "a probe")
    src = r.name(m.get("from"), (*path, "from"), "`from` (a pod, `svc:ns/name` or an IP)")
    dst = r.name(m.get("to"), (*path, "to"), "`to` (a pod, `svc:ns/name` or an IP)")
    port = r.port(m.get("port"), (*path, "port"))
    expect = r.expect(m.get("expect"), (*path, "expect"))
    if not keys_ok or src is None or dst is None or port is None or expect is None:
        return None
    return Probe(src, dst, port, expect, path)


def _parse_check(r: _Reader, raw: Any, path: FieldPath, index: int) -> Check | None:
    m = r.mapping(raw, path, "a check")
    if m is None:
        return None
    types = [k for k in m if k in CHECK_TYPES]
    others = [k for k in m if k not in CHECK_TYPES and k not in COMMON_CHECK_KEYS]
    for key in others:
        near = did_you_mean(key, [*CHECK_TYPES, *COMMON_CHECK_KEYS])
        r.report(
            (*path, key),
            f"unknown key `{key}` in a check",
            f"did you mean `{near}`?" if near else f"a check is one of: {', '.join(CHECK_TYPES)}",
        )
    if len(types) != 1:
        if not types and not others:
            r.report(path, "this check has no type", f"a check is one of: {', '.join(CHECK_TYPES)}")
        elif not types:
            pass  # the unknown key reported above is the likely typo
        else:
            r.report(
                (*path, types[1]),
                f"one check item has several types ({', '.join(types)})",
                "write each check as its own list item (`- probes: ...`, `- table: ...`)",
            )
        return None
    if others:
        return None
    kind = types[0]
    common: dict[str, Any] = {"path": path}
    cid = m.get("id")
    if cid is not None and (not isinstance(cid, str) or not cid.strip()):
        r.report((*path, "id"), "a check's `id` should be a non-empty string")
        return None
    common["id"] = cid.strip() if isinstance(cid, str) else f"{kind}-{index + 1}"
    desc = m.get("description")
    if desc is not None:
        text = r.text(desc, (*path, "description"))
        if text is None:
            return None
        common["description"] = text.strip()
    hint = m.get("hint")
    if hint is not None:
        text = r.text(hint, (*path, "hint"))
        if text is None:
            return None
        common["hint"] = text.strip() or None
    body = m[kind]
    bpath = (*path, kind)
    check = _PARSERS[kind](r, body, bpath, common)
    if check is not None and not check.description:
        check.description = check.default_description()
    return check


def _parse_probes(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    if not isinstance(body, list) or not body:
        r.report(
            path,
            "`probes` should be a non-empty list of probes",
            "write `- {from: default/client, to: default/web, port: 80/TCP, expect: allowed}`",
        )
        return None
    probes = [_parse_probe(r, item, (*path, i)) for i, item in enumerate(body)]
    if any(p is None for p in probes):
        return None
    return ProbesCheck(probes=[p for p in probes if p is not None], **common)


def _parse_table(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`table`")
    if m is None:
        return None
    if not r.keys(
        m, path, ("port", "nodes", "default", "overrides"), ("port", "default"), "a table"
    ):
        return None
    port = r.port(m.get("port"), (*path, "port"))
    nodes: list[str] | None = None
    ok = port is not None
    if m.get("nodes") is not None:
        nodes = r.string_list(m.get("nodes"), (*path, "nodes"), "`nodes`")
        if nodes is None:
            ok = False
        elif not nodes:
            r.report(
                (*path, "nodes"),
                "`nodes` is empty",
                "list the pods, or leave `nodes` out for all pods",
            )
            ok = False
    default = r.expect(m.get("default"), (*path, "default"))
    overrides: list[TableOverride] = []
    raw_overrides = m.get("overrides")
    if raw_overrides is not None and not isinstance(raw_overrides, list):
        r.report((*path, "overrides"), "`overrides` should be a list")
        ok = False
    for i, item in enumerate(raw_overrides if isinstance(raw_overrides, list) else []):
        opath = (*path, "overrides", i)
        om = r.mapping(item, opath, "an override")
        if om is None or not r.keys(
            om, opath, ("from", "to", "expect"), ("expect",), "an override"
        ):
            ok = False
            continue
        src = r.name(om["from"], (*opath, "from"), "`from`") if "from" in om else None
        dst = r.name(om["to"], (*opath, "to"), "`to`") if "to" in om else None
        exp = r.expect(om.get("expect"), (*opath, "expect"))
        if exp is None or ("from" in om and src is None) or ("to" in om and dst is None):
            ok = False
            continue
        overrides.append(TableOverride(src, dst, exp, opath))
    if not ok or port is None or default is None:
        return None
    return TableCheck(port=port, nodes=nodes, default=default, overrides=overrides, **common)


def _parse_endpoints(
    r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]
) -> Check | None:
    m = r.mapping(body, path, "`endpoints`")
    if m is None or not r.keys(m, path, ("service", "pods"), ("service", "pods"), "`endpoints`"):
        return None
    svc = r.name(m.get("service"), (*path, "service"), "`service`")
    pods = r.string_list(m.get("pods"), (*path, "pods"), "`pods`")
    if svc is None or pods is None:
        return None
    return EndpointsCheck(service=svc, pods=pods, **common)


def _parse_service_port(
    r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]
) -> Check | None:
    m = r.mapping(body, path, "`service_port`")
    if m is None or not r.keys(
        m, path, ("service", "port", "target"), ("service", "port", "target"), "`service_port`"
    ):
        return None
    svc = r.name(m.get("service"), (*path, "service"), "`service`")
    port = r.port(m.get("port"), (*path, "port"))
    target = m.get("target")
    if isinstance(target, str) and target.isdigit():
        target = int(target)
    if isinstance(target, bool) or not isinstance(target, (int, str)) or target == "":
        r.report((*path, "target"), "`target` should be a port number or a container port name")
        return None
    if svc is None or port is None:
        return None
    return ServicePortCheck(service=svc, port=port, target=target, **common)


def _parse_exposed(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`exposed`")
    if m is None or not r.keys(m, path, ("service", "external"), ("service",), "`exposed`"):
        return None
    svc = r.name(m.get("service"), (*path, "service"), "`service`")
    external = r.boolean(m.get("external", True), (*path, "external"), "`external`")
    if svc is None or external is None:
        return None
    return ExposedCheck(service=svc, external=external, **common)


def _parse_headless(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`headless`")
    if m is None or not r.keys(m, path, ("service", "headless"), ("service",), "`headless`"):
        return None
    svc = r.name(m.get("service"), (*path, "service"), "`service`")
    headless = r.boolean(m.get("headless", True), (*path, "headless"), "`headless`")
    if svc is None or headless is None:
        return None
    return HeadlessCheck(service=svc, headless=headless, **common)


def _parse_unique_ports(
    r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]
) -> Check | None:
    if body is None or body is True:
        return UniquePortsCheck(**common)
    m = r.mapping(body, path, "`unique_ports`")
    if m is None or not r.keys(m, path, ("pod",), (), "`unique_ports`"):
        return None
    pod = None
    if m.get("pod") is not None:
        pod = r.name(m.get("pod"), (*path, "pod"), "`pod`")
        if pod is None:
            return None
    return UniquePortsCheck(pod=pod, **common)


def _parse_labels(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`labels`")
    if m is None or not r.keys(m, path, ("pod", "labels"), ("pod", "labels"), "`labels`"):
        return None
    pod = r.name(m.get("pod"), (*path, "pod"), "`pod`")
    raw = r.mapping(m.get("labels"), (*path, "labels"), "`labels`")
    if pod is None or raw is None:
        return None
    labels: dict[str, str] = {}
    for k, v in raw.items():
        if not isinstance(v, str):
            r.report(
                (*path, "labels", k),
                f"label values are strings; {k}: {v!r} is {describe_value(v)}",
                f'quote it: `{k}: "{str(v).lower() if isinstance(v, bool) else v}"`',
            )
            return None
        labels[str(k)] = v
    return LabelsCheck(pod=pod, labels=labels, **common)


def _parse_selects(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`selects`")
    if m is None or not r.keys(m, path, ("policy", "service", "pods"), ("pods",), "`selects`"):
        return None
    if ("policy" in m) == ("service" in m):
        r.report(path, "`selects` needs exactly one of `policy` or `service`")
        return None
    policy = r.name(m["policy"], (*path, "policy"), "`policy`") if "policy" in m else None
    service = r.name(m["service"], (*path, "service"), "`service`") if "service" in m else None
    pods = r.string_list(m.get("pods"), (*path, "pods"), "`pods`")
    if pods is None or (policy is None and service is None):
        return None
    return SelectsCheck(policy=policy, service=service, pods=pods, **common)


def _parse_max_policies(
    r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]
) -> Check | None:
    count = r.integer(body, path, "`max_policies`", minimum=0)
    return None if count is None else MaxPoliciesCheck(count=count, **common)


def _parse_field_check(cls: type[ForbidCheck] | type[RequireCheck]) -> _Parser:
    def parse(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
        if isinstance(body, str):
            name: str | None = body.strip() or None
        else:
            m = r.mapping(body, path, f"`{cls.type}`")
            if m is None or not r.keys(m, path, ("field",), ("field",), f"`{cls.type}`"):
                return None
            name = r.name(m.get("field"), (*path, "field"), "`field`")
        if name is None:
            return None
        return cls(field=name, **common)

    return parse


def _parse_objects(r: _Reader, body: Any, path: FieldPath, common: dict[str, Any]) -> Check | None:
    m = r.mapping(body, path, "`objects`")
    if m is None or not r.keys(m, path, ("kind", "count"), ("kind", "count"), "`objects`"):
        return None
    kind = r.name(m.get("kind"), (*path, "kind"), "`kind`")
    count = r.integer(m.get("count"), (*path, "count"), "`count`", minimum=0)
    if kind is None or count is None:
        return None
    return ObjectsCheck(kind=kind, count=count, **common)


_Parser = Callable[[_Reader, Any, FieldPath, dict[str, Any]], "Check | None"]

_PARSERS: dict[str, _Parser] = {
    "probes": _parse_probes,
    "table": _parse_table,
    "endpoints": _parse_endpoints,
    "service_port": _parse_service_port,
    "exposed": _parse_exposed,
    "headless": _parse_headless,
    "unique_ports": _parse_unique_ports,
    "labels": _parse_labels,
    "selects": _parse_selects,
    "max_policies": _parse_max_policies,
    "forbid": _parse_field_check(ForbidCheck),
    "require": _parse_field_check(RequireCheck),
    "objects": _parse_objects,
}
