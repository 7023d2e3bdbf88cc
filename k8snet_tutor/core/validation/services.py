"""Rules for Services: type, selector, ports, targetPort and nodePort."""

from __future__ import annotations

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
        if svc_type == "ExternalName":
            ext = spec.get("externalName")
            if ext is None or ext == "":
                self.error(
                    path + ("externalName",),
                    "an ExternalName Service needs `externalName`, the DNS name it points to",
                    "add e.g. `externalName: db.example.com`",
                    "missing-field",
                )
            elif isinstance(ext, str) and dns_subdomain_error(ext.lower().rstrip(".")):
                self.error(
                    path + ("externalName",),
                    f"externalName {show(ext)} is not a DNS name",
                    "write a lower-case DNS name such as `db.example.com`",
                    "bad-name",
                )
        self.service_selector(spec.get("selector"), path + ("selector",))
        self.service_ports(spec, path, svc_type, headless)

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
