"""Rules for pods, containers and their ports, pod status, and the workloads that carry a pod
template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from k8snet_tutor.core.problems import FieldPath, format_path
from k8snet_tutor.core.selectors import LabelSelector
from k8snet_tutor.core.validation.formats import port_name_error
from k8snet_tutor.core.validation.metadata import MetadataRules
from k8snet_tutor.core.validation.vocabulary import _APPS_KINDS, _REPLICATED_KINDS
from k8snet_tutor.core.wording import is_address, show


class PodRules(MetadataRules):
    # ---- pods and pod templates -------------------------------------------------------------

    def pod_spec(self, value: Any, path: FieldPath) -> None:
        if value is None:
            self.error(
                path,
                "there is no pod `spec`; a pod needs at least one container",
                "add `spec:` with `containers:` listing at least one container",
                "missing-spec",
            )
            return
        spec = self.mapping(value, path, "spec")
        if spec is None:
            return
        self.boolean(spec.get("hostNetwork"), path + ("hostNetwork",), "hostNetwork")
        containers = spec.get("containers")
        if containers is None or containers == []:
            self.error(
                path + ("containers",),
                "a pod needs at least one container",
                "add `containers:` with an entry that has `name` and `image`",
                "no-containers",
            )
        container_names: dict[str, FieldPath] = {}
        port_names: dict[str, FieldPath] = {}
        bindings: dict[tuple[int, str], FieldPath] = {}
        for group in ("containers", "initContainers"):
            items = self.seq(spec.get(group), path + (group,), group)
            for i, item in enumerate(items or []):
                self.container(item, path + (group, i), container_names, port_names, bindings)

    def container(
        self,
        value: Any,
        path: FieldPath,
        names: dict[str, FieldPath],
        port_names: dict[str, FieldPath],
        bindings: dict[tuple[int, str], FieldPath],
    ) -> None:
        ctr = self.mapping(value, path, "this container")
        if ctr is None:
            if value is None:
                self.error(
                    path,
                    "this container entry is empty",
                    "write `- name: app` with an `image:` under it",
                    "missing-field",
                )
            return
        name = ctr.get("name")
        if name is None:
            self.error(
                path + ("name",),
                "this container has no name",
                "every container needs `name:`, unique within the pod",
                "missing-container-name",
            )
        elif isinstance(name, str) and name in names:
            self.error(
                path + ("name",),
                f"two containers in this pod are named {show(name)} "
                f"(the other is at {format_path(names[name])})",
                "give each container its own name",
                "duplicate-container-name",
            )
        else:
            mark = len(self.issues)
            self.name(name, path + ("name",), "container name", "label", "bad-container-name")
            if isinstance(name, str) and not self.errors_since(mark):
                names[name] = path
        ports = self.seq(ctr.get("ports"), path + ("ports",), "ports")
        for i, entry in enumerate(ports or []):
            self.container_port(entry, path + ("ports", i), port_names, bindings)

    def container_port(
        self,
        value: Any,
        path: FieldPath,
        port_names: dict[str, FieldPath],
        bindings: dict[tuple[int, str], FieldPath],
    ) -> None:
        entry = self.mapping(value, path, "this ports entry")
        if entry is None:
            if value is None:
                self.error(
                    path,
                    "this ports entry is empty",
                    "write `- containerPort: 8080`",
                    "missing-field",
                )
            return
        number: int | None = None
        if entry.get("containerPort") is None:
            self.error(
                path + ("containerPort",),
                "this port has no `containerPort`",
                "write the port the container listens on, e.g. `containerPort: 8080`",
                "missing-container-port",
            )
        else:
            number = self.port_number(
                entry["containerPort"], path + ("containerPort",), "containerPort"
            )
        if entry.get("hostPort") is not None:
            self.port_number(entry["hostPort"], path + ("hostPort",), "hostPort")
        protocol = self.protocol(entry.get("protocol"), path + ("protocol",))
        name = entry.get("name")
        if name is not None:
            text = self.string(name, path + ("name",), "name")
            if text is not None:
                problem = port_name_error(text)
                if problem:
                    self.error(
                        path + ("name",),
                        f"port name {show(text)} is not valid: it {problem}",
                        "port names are short lower-case words such as `http` or `metrics`",
                        "bad-port-name",
                    )
                elif text in port_names:
                    other = port_names[text]
                    same_container = other[:-3] == path[:-2]
                    # The API server refuses a repeated name inside one container; across
                    # containers it accepts it, though the API documents names as unique per pod.
                    report = self.error if same_container else self.warning
                    report(
                        path + ("name",),
                        f"two ports in this {'container' if same_container else 'pod'} are "
                        f"named {show(text)} (the other is at {format_path(other)})"
                        + (
                            ""
                            if same_container
                            else "; Services and probes that use the name get the first one, "
                            "and how a NetworkPolicy's named port treats it depends on the "
                            "network plugin"
                        ),
                        "port names must be unique within a pod, so a name points at one port",
                        "duplicate-port-name",
                    )
                else:
                    port_names[text] = path + ("name",)
        if number is None or protocol is None:
            return
        first = bindings.get((number, protocol))
        if first is not None:
            # The API server accepts this with a warning; at run time only one container can
            # bind the port, so the tutor reports it loudly but keeps the pod.
            self.warning(
                path + ("containerPort",),
                f"port {number}/{protocol} is declared twice in this pod (first at "
                f"{format_path(first)}). All containers in a pod share one network namespace "
                "and one IP address, so only one of them can listen on a given port; the API "
                "server accepts the pod with a warning, but the second container cannot bind it",
                "give one of the containers a different `containerPort` (and make its program "
                "listen there)",
                "duplicate-container-port",
            )
        else:
            bindings[(number, protocol)] = path + ("containerPort",)

    def pod_status(self, value: Any, path: FieldPath) -> None:
        status = self.mapping(value, path, "status")
        if status is None:
            return
        ip = status.get("podIP")
        if ip is not None:
            text = self.string(ip, path + ("podIP",), "podIP")
            if text is not None and text != "" and not is_address(text):
                self.error(
                    path + ("podIP",),
                    f"podIP {show(text)} is not a valid IP address",
                    "write a plain IPv4 or IPv6 address such as `10.244.1.7`, without a prefix",
                    "bad-ip",
                )
        ips = self.seq(status.get("podIPs"), path + ("podIPs",), "podIPs")
        for i, item in enumerate(ips or []):
            entry = self.mapping(item, path + ("podIPs", i), "this podIPs entry")
            if entry is None or entry.get("ip") is None:
                continue
            text = self.string(entry["ip"], path + ("podIPs", i, "ip"), "ip")
            if text is not None and not is_address(text):
                self.error(
                    path + ("podIPs", i, "ip"),
                    f"{show(text)} is not a valid IP address",
                    "write a plain IPv4 or IPv6 address such as `10.244.1.7`, without a prefix",
                    "bad-ip",
                )
        conditions = self.seq(status.get("conditions"), path + ("conditions",), "conditions")
        for i, item in enumerate(conditions or []):
            cond = self.mapping(item, path + ("conditions", i), "this conditions entry")
            if cond is None:
                continue
            for fld in ("type", "status"):
                if cond.get(fld) is not None:
                    self.string(cond[fld], path + ("conditions", i, fld), fld)
        if status.get("phase") is not None:
            self.string(status["phase"], path + ("phase",), "phase")
        self.address_field(status.get("hostIP"), path + ("hostIP",), "hostIP", "10.0.0.11")

    def address_field(self, value: Any, path: FieldPath, what: str, example: str) -> None:
        """An optional field that holds one plain IP address."""
        if value is None:
            return
        text = self.string(value, path, what)
        if text is not None and text != "" and not is_address(text):
            self.error(
                path,
                f"{what} {show(text)} is not a valid IP address",
                f"write a plain IPv4 or IPv6 address such as `{example}`, without a prefix",
                "bad-ip",
            )

    def node(self, obj: Mapping[str, Any]) -> None:
        """A Node: the tutor reads its name and its addresses (where source NAT sends from)."""
        self.metadata(obj, "Node", "subdomain")
        status = self.mapping(obj.get("status"), ("status",), "status")
        if status is None:
            return
        addresses = self.seq(status.get("addresses"), ("status", "addresses"), "addresses")
        for i, item in enumerate(addresses or []):
            apath: FieldPath = ("status", "addresses", i)
            entry = self.mapping(item, apath, "this addresses entry")
            if entry is None:
                continue
            kind = entry.get("type")
            if kind is not None:
                self.string(kind, apath + ("type",), "type")
            if kind in ("InternalIP", "ExternalIP"):
                self.address_field(entry.get("address"), apath + ("address",), "address", "10.0.0.11")
            elif entry.get("address") is not None:
                self.string(entry["address"], apath + ("address",), "address")

    def pod(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "Pod", "subdomain")
        self.pod_spec(obj.get("spec"), ("spec",))
        self.pod_status(obj.get("status"), ("status",))

    def workload(self, obj: Mapping[str, Any], kind: str) -> None:
        self.metadata(obj, kind, "subdomain")
        if obj.get("spec") is None:
            self.error(
                ("spec",),
                f"this {kind} has no `spec`",
                "a workload needs `spec.template` describing its pods",
                "missing-spec",
            )
            return
        spec = self.mapping(obj.get("spec"), ("spec",), "spec")
        if spec is None:
            return
        if kind in _REPLICATED_KINDS and spec.get("replicas") is not None:
            replicas = self.integer(spec["replicas"], ("spec", "replicas"), "replicas")
            if replicas is not None and replicas < 0:
                self.error(
                    ("spec", "replicas"),
                    f"`replicas` {replicas} is negative",
                    "use 0 or more (leave it out for 1)",
                    "bad-replicas",
                )
        holder = spec
        holder_path: FieldPath = ("spec",)
        if kind == "CronJob":
            job = self.mapping(spec.get("jobTemplate"), ("spec", "jobTemplate"), "jobTemplate")
            job_spec = None
            if job is not None:
                job_spec = self.mapping(job.get("spec"), ("spec", "jobTemplate", "spec"), "spec")
            if job_spec is None:
                if spec.get("jobTemplate") is None or (job is not None and job.get("spec") is None):
                    self.error(
                        ("spec", "jobTemplate"),
                        "this CronJob has no `jobTemplate.spec.template`",
                        "add `jobTemplate:` with `spec.template` describing the pods it runs",
                        "missing-template",
                    )
                return
            holder, holder_path = job_spec, ("spec", "jobTemplate", "spec")
        tpath = holder_path + ("template",)
        if holder.get("template") is None:
            self.error(
                tpath,
                f"this {kind} has no pod `template`",
                "add `template:` with `metadata.labels` and a pod `spec`",
                "missing-template",
            )
            template = None
        else:
            template = self.mapping(holder.get("template"), tpath, "template")
        labels: dict[str, str] | None = {}
        if template is not None:
            tmeta = self.mapping(template.get("metadata"), tpath + ("metadata",), "metadata")
            if tmeta is not None and tmeta.get("labels") is not None:
                # None from label_map means the labels are invalid: then skip the match check.
                labels = self.label_map(
                    tmeta.get("labels"), tpath + ("metadata", "labels"), "labels"
                )
                self.annotations(tmeta.get("annotations"), tpath + ("metadata", "annotations"))
            self.pod_spec(template.get("spec"), tpath + ("spec",))
        self.workload_selector(obj, kind, holder, holder_path, labels, template is not None)

    def workload_selector(
        self,
        obj: Mapping[str, Any],
        kind: str,
        spec: Mapping[str, Any],
        spec_path: FieldPath,
        labels: dict[str, str] | None,
        have_template: bool,
    ) -> None:
        """Check the selector; `labels` None means the template labels were invalid."""
        spath = spec_path + ("selector",)
        raw = spec.get("selector")
        if kind == "ReplicationController":
            selector = self.label_map(
                raw,
                spath,
                "selector",
                "a ReplicationController selector is plain `key: value` pairs"
                if isinstance(raw, list)
                else None,
            )
            if (
                selector
                and have_template
                and labels is not None
                and not LabelSelector.from_dict({"matchLabels": selector}).matches(labels)
            ):
                self._selector_mismatch(spath, kind)
            return
        if kind not in _APPS_KINDS:
            self.label_selector(raw, spath, "selector")
            return
        if raw is None:
            if obj.get("apiVersion") == "apps/v1":
                self.error(
                    spath,
                    f"an apps/v1 {kind} needs a `selector` saying which pods it manages",
                    "add `selector: {matchLabels: ...}` with the labels of `template.metadata.labels`",
                    "missing-selector",
                )
            return
        selector = self.label_selector(raw, spath, "selector")
        if selector is None:
            return
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            self.error(
                spath,
                f"an empty selector is not allowed for a {kind}: it would claim every pod",
                "list the template's labels under `selector.matchLabels`",
                "empty-selector",
            )
        elif have_template and labels is not None and not LabelSelector.from_dict(selector).matches(labels):
            self._selector_mismatch(spath, kind)

    def _selector_mismatch(self, path: FieldPath, kind: str) -> None:
        self.error(
            path,
            f"the {kind}'s selector does not match the labels of its own pod template, "
            "so it could never find the pods it creates",
            "make `template.metadata.labels` include every label the selector asks for",
            "selector-template-mismatch",
        )
