"""Rules for Services: type, selector, ports, targetPort and nodePort."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from k8snet_tutor.core.problems import FieldPath, format_path
from k8snet_tutor.core.validation.formats import (
    dns_label_error,
    dns_subdomain_error,
    port_name_error,
)
from k8snet_tutor.core.validation.metadata import _SELECTOR_FIELDS, MetadataRules
from k8snet_tutor.core.validation.vocabulary import NODE_PORT_RANGE, SERVICE_TYPES
from k8snet_tutor.core.wording import brief, describe_type, is_address, scalar_text, show

KUBELET_PORT = 10250  # a LoadBalancer may not expose it
ADDRESS_TYPES = ("IPv4", "IPv6", "FQDN")


class ServiceRules(MetadataRules):
    # ---- Service ------------------------------------------------------------------------------

    def service(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "Service", "label1035")
        if obj.get("spec") is None:
            self.error(
                ("spec",),
                "this Service has no `spec`",
                "add `spec:` with `selector:` and `ports:`",
                "missing-spec",
            )
            return
        spec = self.mapping(obj.get("spec"), ("spec",), "spec")
        if spec is None:
            return
        path: FieldPath = ("spec",)
        svc_type: str | None = "ClusterIP"
        if spec.get("type") is not None:
            svc_type = self.string(spec["type"], path + ("type",), "type")
            if svc_type is not None and svc_type not in SERVICE_TYPES:
                same = [t for t in SERVICE_TYPES if t.lower() == svc_type.lower()]
                hint = (
                    f"types are case-sensitive: write `{same[0]}`"
                    if same
                    else "use ClusterIP (the default), NodePort, LoadBalancer or ExternalName"
                )
                self.error(
                    path + ("type",),
                    f"{show(svc_type)} is not a Service type",
                    hint,
                    "bad-service-type",
                )
                svc_type = None
        headless = False
        if spec.get("clusterIP") is not None:
            ip = self.string(spec["clusterIP"], path + ("clusterIP",), "clusterIP")
            headless = ip == "None"
            if ip not in (None, "", "None") and not is_address(ip):
                self.error(
                    path + ("clusterIP",),
                    f"clusterIP {show(ip)} is not an IP address",
                    "leave it out to get one assigned, or write `clusterIP: None` for a headless Service",
                    "bad-ip",
                )
        if not headless and isinstance(spec.get("clusterIPs"), list) and spec["clusterIPs"]:
            headless = spec["clusterIPs"][0] == "None"
        if headless and svc_type in ("NodePort", "LoadBalancer"):
            self.error(
                path + ("clusterIP",),
                f"clusterIP may not be None for {svc_type} Services: a headless Service has no "
                "virtual IP for nodes or a load balancer to send traffic to",
                "remove `clusterIP: None`, or make the Service type ClusterIP (the default)",
                "headless-not-allowed",
            )
        if svc_type == "ExternalName":
            for key in ("clusterIP", "clusterIPs"):
                if spec.get(key) not in (None, "", []):
                    self.error(
                        path + (key,),
                        f"`{key}` may not be set for ExternalName Services: they are a DNS "
                        "alias and get no cluster IP (not even None)",
                        f"remove `{key}`",
                        "clusterip-not-allowed",
                    )
            ext = spec.get("externalName")
            if ext is None or ext == "":
                self.error(
                    path + ("externalName",),
                    "an ExternalName Service needs `externalName`, the DNS name it points to",
                    "add e.g. `externalName: db.example.com`",
                    "missing-field",
                )
            else:
                text = self.string(ext, path + ("externalName",), "externalName")
                # A trailing dot marks a fully qualified name; the rest must be lower case.
                if text is not None and dns_subdomain_error(text.removesuffix(".")):
                    self.error(
                        path + ("externalName",),
                        f"externalName {show(text)} is not a valid DNS name",
                        "write a lower-case DNS name such as `db.example.com`",
                        "bad-name",
                    )
        elif spec.get("externalName") not in (None, ""):
            self.warning(
                path + ("externalName",),
                f"`externalName` only applies to type ExternalName; this {svc_type or ''} "
                "Service ignores it".replace("  ", " "),
                "set `type: ExternalName` for a DNS alias, or remove `externalName`",
                "field-not-used",
            )
        self.service_selector(spec.get("selector"), path + ("selector",))
        self.service_ports(spec, path, svc_type, headless)
        self.service_traffic(spec, path, svc_type)

    def service_traffic(
        self, spec: Mapping[str, Any], path: FieldPath, svc_type: str | None
    ) -> None:
        """externalTrafficPolicy, healthCheckNodePort, internalTrafficPolicy, sessionAffinity,
        publishNotReadyAddresses and the LoadBalancer-only fields, as the API server checks
        them."""
        if svc_type is None:
            return  # the type is already wrong; what depends on it cannot be judged
        ips = spec.get("externalIPs")
        outside = svc_type in ("NodePort", "LoadBalancer") or (
            svc_type == "ClusterIP" and isinstance(ips, list) and bool(ips)
        )
        policy = self._enum(
            spec, path, "externalTrafficPolicy", ("Cluster", "Local"), "bad-traffic-policy"
        )
        if policy is not None and not outside:
            self.error(
                path + ("externalTrafficPolicy",),
                "externalTrafficPolicy may only be set for Services reachable from outside the "
                f"cluster (type NodePort or LoadBalancer); this one is {svc_type}",
                "remove `externalTrafficPolicy`, or make the Service type NodePort or "
                "LoadBalancer",
                "traffic-policy-not-allowed",
            )
        check = spec.get("healthCheckNodePort")
        if check not in (None, 0):
            number = self.port_number(check, path + ("healthCheckNodePort",), "healthCheckNodePort")
            if number is not None and not (svc_type == "LoadBalancer" and policy == "Local"):
                self.error(
                    path + ("healthCheckNodePort",),
                    "healthCheckNodePort may only be set when the type is LoadBalancer and "
                    "externalTrafficPolicy is Local",
                    "remove `healthCheckNodePort`; it is assigned when it is needed",
                    "field-not-allowed",
                )
        self._enum(
            spec, path, "internalTrafficPolicy", ("Cluster", "Local"), "bad-traffic-policy"
        )
        affinity = self._enum(
            spec, path, "sessionAffinity", ("None", "ClientIP"), "bad-session-affinity"
        )
        config = spec.get("sessionAffinityConfig")
        cpath = path + ("sessionAffinityConfig",)
        if config is not None and affinity != "ClientIP":
            self.error(
                cpath,
                "sessionAffinityConfig must not be set when sessionAffinity is None (the "
                "default)",
                "add `sessionAffinity: ClientIP`, or remove `sessionAffinityConfig`",
                "field-not-allowed",
            )
        elif config is not None:
            conf = self.mapping(config, cpath, "sessionAffinityConfig")
            client = self.mapping(
                conf.get("clientIP") if conf else None, cpath + ("clientIP",), "clientIP"
            )
            raw = client.get("timeoutSeconds") if client else None
            tpath = cpath + ("clientIP", "timeoutSeconds")
            timeout = self.integer(raw, tpath, "timeoutSeconds") if raw is not None else None
            if timeout is not None and not 1 <= timeout <= 86400:
                self.error(
                    tpath,
                    f"timeoutSeconds {timeout} is out of range: it must be more than 0 and at "
                    "most 86400 (one day)",
                    "leave it out for the default, 10800 seconds (three hours)",
                    "bad-timeout",
                )
        self.boolean(
            spec.get("publishNotReadyAddresses"),
            path + ("publishNotReadyAddresses",),
            "publishNotReadyAddresses",
        )
        for key in ("loadBalancerSourceRanges", "allocateLoadBalancerNodePorts"):
            if spec.get(key) is not None and svc_type != "LoadBalancer":
                self.error(
                    path + (key,),
                    f"`{key}` may only be used when the type is LoadBalancer; this Service is "
                    f"{svc_type}",
                    f"remove `{key}`, or make the Service type LoadBalancer",
                    "field-not-allowed",
                )
        if svc_type == "LoadBalancer":
            ports = spec.get("ports")
            for i, item in enumerate(ports if isinstance(ports, list) else []):
                if isinstance(item, dict) and item.get("port") == KUBELET_PORT:
                    self.error(
                        path + ("ports", i, "port"),
                        f"a LoadBalancer may not expose port {KUBELET_PORT}: the kubelet uses it",
                        "pick another Service port (targetPort can still be "
                        f"{KUBELET_PORT})",
                        "bad-port",
                    )

    def _enum(
        self,
        spec: Mapping[str, Any],
        path: FieldPath,
        key: str,
        allowed: tuple[str, ...],
        code: str,
    ) -> str | None:
        """The value of an enum field (None when absent or invalid), with an error if invalid."""
        value = spec.get(key)
        if value is None or value == "":
            return None
        text = self.string(value, path + (key,), key)
        if text is None:
            return None
        if text in allowed:
            return text
        same = [a for a in allowed if a.lower() == text.lower()]
        hint = (
            f"values are case-sensitive: write `{same[0]}`"
            if same
            else f"use {' or '.join(f'`{a}`' for a in allowed)}"
        )
        self.error(path + (key,), f"{key} {show(text)} is not supported", hint, code)
        return None

    def service_selector(self, value: Any, path: FieldPath) -> None:
        if isinstance(value, dict) and any(k in _SELECTOR_FIELDS for k in value):
            self.error(
                path,
                "a Service selector is a plain list of labels, not a label selector",
                "Service selectors are plain key: value pairs; they do not support "
                "matchLabels/matchExpressions (write `selector: {app: web}`)",
                "service-selector-form",
            )
            return
        self.label_map(
            value,
            path,
            "selector",
            "Service selectors are plain key: value pairs such as `app: web`, not a list"
            if isinstance(value, list)
            else None,
        )

    def service_ports(
        self, spec: Mapping[str, Any], path: FieldPath, svc_type: str | None, headless: bool
    ) -> None:
        ports = self.seq(spec.get("ports"), path + ("ports",), "ports")
        if not ports:
            if spec.get("ports") is None or ports == []:
                if svc_type != "ExternalName" and not headless:
                    self.error(
                        path + ("ports",),
                        "this Service has no ports",
                        "add `ports:` with at least `- port: 80`",
                        "missing-ports",
                    )
            return
        several = len(ports) > 1
        names: dict[str, FieldPath] = {}
        seen: dict[tuple[int, str], FieldPath] = {}
        node_ports: dict[tuple[int, str], FieldPath] = {}
        for i, item in enumerate(ports):
            ppath = path + ("ports", i)
            entry = self.mapping(item, ppath, "this ports entry")
            if entry is None:
                if item is None:
                    self.error(
                        ppath, "this ports entry is empty", "write `- port: 80`", "missing-field"
                    )
                continue
            number: int | None = None
            if entry.get("port") is None:
                self.error(
                    ppath + ("port",),
                    "this Service port has no `port`",
                    "`port` is the number clients connect to on the Service",
                    "missing-field",
                )
            else:
                number = self.port_number(entry["port"], ppath + ("port",), "port")
            protocol = self.protocol(entry.get("protocol"), ppath + ("protocol",))
            self.target_port(entry.get("targetPort"), ppath + ("targetPort",))
            name = entry.get("name")
            if name is None or name == "":
                if several:
                    self.error(
                        ppath + ("name",),
                        "when a Service has more than one port, every port needs a name",
                        "add `name:`, e.g. `name: http`",
                        "missing-port-name",
                    )
            else:
                text = self.string(name, ppath + ("name",), "name")
                if text is not None:
                    problem = dns_label_error(text)
                    if problem:
                        self.error(
                            ppath + ("name",),
                            f"port name {show(text)} {problem}",
                            "Service port names are short lower-case words such as `http`",
                            "bad-port-name",
                        )
                    elif text in names:
                        self.error(
                            ppath + ("name",),
                            f"two ports of this Service are named {show(text)}",
                            "give each port its own name",
                            "duplicate-port-name",
                        )
                    else:
                        names[text] = ppath
            if number is not None and protocol is not None:
                if (number, protocol) in seen:
                    self.error(
                        ppath + ("port",),
                        f"port {number}/{protocol} appears twice in this Service "
                        f"(first at {format_path(seen[(number, protocol)])})",
                        "each Service port number may be used once per protocol",
                        "duplicate-service-port",
                    )
                else:
                    seen[(number, protocol)] = ppath
            self.node_port(
                entry.get("nodePort"), ppath + ("nodePort",), svc_type, protocol, node_ports
            )

    def target_port(self, value: Any, path: FieldPath) -> None:
        if value is None:
            return
        if isinstance(value, int) and not isinstance(value, bool):
            if value == 0:
                self.warning(
                    path,
                    "targetPort 0 means 'the same as port'",
                    "leave `targetPort` out instead; it defaults to `port`",
                    "zero-target-port",
                )
            elif not 1 <= value <= 65535:
                self.error(
                    path,
                    f"targetPort {scalar_text(value)} is not a valid port number (1 to 65535)",
                    "use the container port number (1 to 65535) or its name",
                    "bad-port",
                )
            return
        if isinstance(value, str):
            if value.strip().isdigit():
                self.error(
                    path,
                    f"targetPort {show(value)} is a string, so it is read as a port *name*, and a "
                    "port name must contain a letter",
                    f"drop the quotes: `targetPort: {brief(value.strip())}`",
                    "numeric-string-port",
                )
                return
            problem = port_name_error(value)
            if problem:
                self.error(
                    path,
                    f"targetPort {show(value)} is not a valid port name: it {problem}",
                    "a string targetPort names a container port (e.g. `http`); use a number otherwise",
                    "bad-port-name",
                )
            return
        self.error(
            path,
            f"`targetPort` must be a port number or a port name, but it is {describe_type(value)}",
            "write the container port's number (`targetPort: 8080`) or name (`targetPort: http`)",
            "wrong-type",
        )

    def node_port(
        self,
        value: Any,
        path: FieldPath,
        svc_type: str | None,
        protocol: str | None,
        seen: dict[tuple[int, str], FieldPath],
    ) -> None:
        if value is None or value == 0:
            return
        number = self.port_number(value, path, "nodePort")
        if number is None:
            return
        if svc_type == "ClusterIP":
            self.error(
                path,
                "a nodePort only exists for NodePort and LoadBalancer Services; this one is ClusterIP",
                "set `type: NodePort` (or LoadBalancer), or remove `nodePort`",
                "nodeport-not-allowed",
            )
            return
        if svc_type == "ExternalName":
            self.warning(
                path,
                "an ExternalName Service gets no nodePort; this value does nothing",
                "remove `nodePort`",
                "nodeport-not-allowed",
            )
            return
        low, high = NODE_PORT_RANGE
        if not low <= number <= high:
            self.warning(
                path,
                f"nodePort {number} is outside the default node port range {low}-{high}; "
                "most clusters will refuse it",
                f"pick a port from {low} to {high}, or leave `nodePort` out to get one assigned",
                "nodeport-range",
            )
        if protocol is not None:
            if (number, protocol) in seen:
                self.error(
                    path,
                    f"nodePort {number} is used twice in this Service",
                    "give each port its own nodePort, or leave them out to get them assigned",
                    "duplicate-node-port",
                )
            else:
                seen[(number, protocol)] = path

    # ---- EndpointSlice (discovery.k8s.io/v1) and Endpoints (v1) ---------------------------------

    def _endpoint_address(self, value: Any, path: FieldPath, family: str | None) -> None:
        """An endpoint IP: valid, of the slice's family, and not loopback or link-local."""
        text = self.string(value, path, "address")
        if text is None:
            return
        if not is_address(text):
            self.error(path, f"{show(text)} is not an IP address", "write e.g. `10.1.2.3`", "bad-ip")
            return
        addr = ipaddress.ip_address(text)
        if family is not None and f"IPv{addr.version}" != family:
            self.error(
                path,
                f"{text} is an IPv{addr.version} address in a slice of addressType {family}",
                "put addresses of each family in their own EndpointSlice",
                "bad-ip",
            )
        elif addr.is_loopback or addr.is_link_local or addr.is_unspecified:
            self.error(
                path,
                f"{text} may not be an endpoint: loopback, link-local and unspecified "
                "addresses are refused",
                "use the address of the pod or machine that serves the Service",
                "bad-ip",
            )

    def _endpoint_port(
        self, item: Any, path: FieldPath, names: dict[str, FieldPath], *, need_name: bool,
        need_port: bool,
    ) -> None:
        entry = self.mapping(item, path, "this ports entry")
        if entry is None:
            return
        name = entry.get("name")
        if name is None or name == "":
            if need_name:
                self.error(
                    path + ("name",),
                    "when there is more than one port, every port needs the name of its "
                    "Service port",
                    "add `name:` with the Service port's name",
                    "missing-port-name",
                )
        else:
            text = self.string(name, path + ("name",), "name")
            if text is not None:
                problem = dns_label_error(text)
                if problem:
                    self.error(
                        path + ("name",),
                        f"port name {show(text)} {problem}",
                        "use the Service port's name, e.g. `http`",
                        "bad-port-name",
                    )
                elif text in names:
                    self.error(
                        path + ("name",),
                        f"two ports here are named {show(text)}",
                        "give each port its own name",
                        "duplicate-port-name",
                    )
                else:
                    names[text] = path
        if entry.get("port") is not None:
            self.port_number(entry["port"], path + ("port",), "port")
        elif need_port:
            self.error(
                path + ("port",),
                "this port has no `port` number",
                "add `port:` with the endpoint's port (the Service's targetPort)",
                "missing-field",
            )
        self.protocol(entry.get("protocol"), path + ("protocol",))

    def endpoint_slice(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "EndpointSlice", "subdomain")
        family: str | None = None
        raw_type = obj.get("addressType")
        if raw_type is None:
            self.error(
                ("addressType",),
                "an EndpointSlice needs `addressType`",
                "add `addressType: IPv4` (or IPv6)",
                "missing-field",
            )
        else:
            text = self.string(raw_type, ("addressType",), "addressType")
            if text is not None and text not in ADDRESS_TYPES:
                same = [t for t in ADDRESS_TYPES if t.lower() == text.lower()]
                self.error(
                    ("addressType",),
                    f"addressType {show(text)} is not supported",
                    f"write `{same[0]}`" if same else "use IPv4, IPv6 or FQDN",
                    "bad-address-type",
                )
            elif text in ("IPv4", "IPv6"):
                family = text
        eps = self.seq(obj.get("endpoints"), ("endpoints",), "endpoints")
        if eps is not None and len(eps) > 1000:
            self.error(("endpoints",), "an EndpointSlice holds at most 1000 endpoints", None, "too-many")
        for i, ep in enumerate(eps or []):
            epath: FieldPath = ("endpoints", i)
            entry = self.mapping(ep, epath, "this endpoint")
            if entry is None:
                if ep is None:
                    self.error(epath, "this endpoint is empty", "write `- addresses: [10.1.2.3]`", "missing-field")
                continue
            addrs = self.seq(entry.get("addresses"), epath + ("addresses",), "addresses")
            if not addrs:
                self.error(
                    epath + ("addresses",),
                    "an endpoint needs at least one address",
                    "write `addresses: [10.1.2.3]`",
                    "missing-field",
                )
            elif len(addrs) > 100:
                self.error(epath + ("addresses",), "an endpoint has at most 100 addresses", None, "too-many")
            for j, addr in enumerate(addrs or []):
                if family is not None:
                    self._endpoint_address(addr, epath + ("addresses", j), family)
                else:
                    self.string(addr, epath + ("addresses", j), "address")
            cond = self.mapping(entry.get("conditions"), epath + ("conditions",), "conditions")
            for key in ("ready", "serving", "terminating"):
                if cond is not None:
                    self.boolean(cond.get(key), epath + ("conditions", key), key)
            self.mapping(entry.get("targetRef"), epath + ("targetRef",), "targetRef")
        ports = self.seq(obj.get("ports"), ("ports",), "ports")
        if ports is not None and len(ports) > 100:
            self.error(("ports",), "an EndpointSlice has at most 100 ports", None, "too-many")
        names: dict[str, FieldPath] = {}
        for i, item in enumerate(ports or []):
            self._endpoint_port(item, ("ports", i), names, need_name=False, need_port=False)

    def endpoints_object(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "Endpoints", "subdomain")
        subsets = self.seq(obj.get("subsets"), ("subsets",), "subsets")
        for i, subset in enumerate(subsets or []):
            spath: FieldPath = ("subsets", i)
            entry = self.mapping(subset, spath, "this subset")
            if entry is None:
                continue
            for key in ("addresses", "notReadyAddresses"):
                items = self.seq(entry.get(key), spath + (key,), key)
                for j, item in enumerate(items or []):
                    apath = spath + (key, j)
                    addr = self.mapping(item, apath, "this address")
                    if addr is None:
                        continue
                    if addr.get("ip") is None:
                        self.error(apath + ("ip",), "this address has no `ip`", "add `ip: 10.1.2.3`", "missing-field")
                    else:
                        self._endpoint_address(addr["ip"], apath + ("ip",), None)
            ports = self.seq(entry.get("ports"), spath + ("ports",), "ports")
            names: dict[str, FieldPath] = {}
            for k, item in enumerate(ports or []):
                self._endpoint_port(
                    item, spath + ("ports", k), names,
                    need_name=len(ports or []) > 1, need_port=True,
                )
