"""Validation of raw objects: a table of broken objects, realistic valid ones, and robustness."""

from __future__ import annotations

import copy
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from k8snet_tutor.core.problems import FieldPath, format_path
from k8snet_tutor.core.validation import (
    NOT_AFFECTING_CONNECTIVITY,
    Issue,
    dns_label_error,
    dns_subdomain_error,
    label_key_error,
    label_value_error,
    parse_cidr,
    port_name_error,
    validate_object,
)

# --------------------------------------------------------------------------------------------
# Builders: small valid objects with one part replaced
# --------------------------------------------------------------------------------------------


def y(text: str) -> Any:
    return yaml.safe_load(textwrap.dedent(text))


def np(spec: Any, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "p", "namespace": "shop"},
        "spec": y(spec) if isinstance(spec, str) else spec,
    }
    obj.update(extra)
    return obj


def pod(spec: str, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": y(spec),
    }
    obj.update(extra)
    return obj


def svc(spec: str, name: str = "web") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "shop"},
        "spec": y(spec),
    }


def meta(kind: str, metadata: Any) -> dict[str, Any]:
    """An otherwise valid object of `kind` with the given metadata."""
    base = {
        "Namespace": {"apiVersion": "v1", "kind": "Namespace"},
        "Pod": pod("containers: [{name: c, image: nginx}]"),
        "Service": svc("ports: [{port: 80}]"),
        "NetworkPolicy": np("podSelector: {}"),
    }[kind]
    obj = copy.deepcopy(base)
    if metadata is None:
        obj.pop("metadata", None)
    else:
        obj["metadata"] = metadata
    return obj


ALPHA = "net.alpha.kubernetes.io/v1alpha1"


def alpha(spec: str) -> dict[str, Any]:
    return {
        "apiVersion": ALPHA,
        "kind": "NetworkPolicy",
        "metadata": {"name": "pol1", "namespace": "tenant-a"},
        "spec": y(spec),
    }


LONG = "a" * 64

# --------------------------------------------------------------------------------------------
# The table: (id, object, path, message substring, hint substring or None, severity)
# --------------------------------------------------------------------------------------------

Row = tuple[str, dict[str, Any], FieldPath, str, str | None, str]


def E(id_: str, obj: dict[str, Any], path: FieldPath, msg: str, hint: str | None = None) -> Row:
    return (id_, obj, path, msg, hint, "error")


def W(id_: str, obj: dict[str, Any], path: FieldPath, msg: str, hint: str | None = None) -> Row:
    return (id_, obj, path, msg, hint, "warning")


I0 = ("spec", "ingress", 0)
P0 = ("spec", "ingress", 0, "from", 0)
PORT0 = ("spec", "ingress", 0, "ports", 0)
C0 = ("spec", "containers", 0)

ROWS: list[Row] = [
    # ---- metadata ------------------------------------------------------------------------
    E("no-metadata", meta("Pod", None), ("metadata",), "no `metadata`", "name:"),
    E("no-name", meta("Pod", {"namespace": "shop"}), ("metadata", "name"), "has no name", "name:"),
    E("name-upper", meta("Pod", {"name": "Web"}), ("metadata", "name"), "upper-case", "`web`"),
    E(
        "name-underscore",
        meta("NetworkPolicy", {"name": "allow_web"}),
        ("metadata", "name"),
        "lower-case letters, digits, '-' and '.'",
        "`allow-web`",
    ),
    E("name-too-long", meta("Pod", {"name": "a" * 254}), ("metadata", "name"), "limit is 253"),
    E(
        "name-number",
        meta("Pod", {"name": 42}),
        ("metadata", "name"),
        "must be a string",
        "quote it",
    ),
    E(
        "ns-name-dot",
        meta("Namespace", {"name": "team.a"}),
        ("metadata", "name"),
        "may not contain '.'",
    ),
    E("ns-name-63", meta("Namespace", {"name": LONG}), ("metadata", "name"), "limit is 63"),
    E(
        "svc-name-digit",
        meta("Service", {"name": "1web"}),
        ("metadata", "name"),
        "must start with a letter",
        "x-1web",
    ),
    E(
        "bad-namespace",
        meta("Pod", {"name": "web", "namespace": "Team_A"}),
        ("metadata", "namespace"),
        'namespace "Team_A"',
        "team-a",
    ),
    W(
        "namespace-on-namespace",
        meta("Namespace", {"name": "a", "namespace": "b"}),
        ("metadata", "namespace"),
        "not inside another namespace",
    ),
    E(
        "labels-list",
        meta("Pod", {"name": "web", "labels": [{"app": "web"}]}),
        ("metadata", "labels"),
        "must be a mapping",
        "without dashes",
    ),
    E(
        "label-int",
        meta("Pod", {"name": "web", "labels": {"tier": 1}}),
        ("metadata", "labels", "tier"),
        "must be text",
        'quote it: `tier: "1"`',
    ),
    E(
        "label-bool",
        meta("Pod", {"name": "web", "labels": {"enabled": True}}),
        ("metadata", "labels", "enabled"),
        "true/false",
        'quote it: `enabled: "true"`',
    ),
    E(
        "label-key-bool",
        meta("Pod", {"name": "web", "labels": {True: "x"}}),
        ("metadata", "labels", "true"),
        "label key true must be text",
        "quote it",
    ),
    E(
        "label-key-dash",
        meta("Pod", {"name": "web", "labels": {"-app": "web"}}),
        ("metadata", "labels", "-app"),
        'label key "-app" is not valid',
        "app.kubernetes.io/name",
    ),
    E(
        "label-key-prefix",
        meta("Pod", {"name": "web", "labels": {"Example.com/app": "web"}}),
        ("metadata", "labels", "Example.com/app"),
        "a prefix `Example.com` that contains upper-case",
    ),
    E(
        "label-key-name-64",
        meta("Pod", {"name": "web", "labels": {LONG: "x"}}),
        ("metadata", "labels", LONG),
        "is 64 characters long",
    ),
    E(
        "label-value-long",
        meta("Pod", {"name": "web", "labels": {"app": LONG}}),
        ("metadata", "labels", "app"),
        "limit is 63",
    ),
    E(
        "label-value-space",
        meta("Pod", {"name": "web", "labels": {"app": "my app"}}),
        ("metadata", "labels", "app"),
        'label value "my app" is not valid',
    ),
    W(
        "label-null",
        meta("Pod", {"name": "web", "labels": {"app": None}}),
        ("metadata", "labels", "app"),
        "empty string",
        '`app: ""`',
    ),
    E(
        "annotation-int",
        meta("Pod", {"name": "web", "annotations": {"replicas": 3}}),
        ("metadata", "annotations", "replicas"),
        "annotation values must be text",
        'quote it: `replicas: "3"`',
    ),
    E(
        "annotation-list",
        meta("Pod", {"name": "web", "annotations": ["a"]}),
        ("metadata", "annotations"),
        "must be a mapping",
    ),
    # ---- Pod ------------------------------------------------------------------------------
    E("no-pod-spec", {"kind": "Pod", "metadata": {"name": "a"}}, ("spec",), "no pod `spec`"),
    E("no-containers", pod("containers: []"), ("spec", "containers"), "at least one container"),
    E(
        "containers-mapping",
        pod("containers: {name: c, image: nginx}"),
        ("spec", "containers"),
        "must be a list",
        "- ",
    ),
    E("container-no-name", pod("containers: [{image: nginx}]"), C0 + ("name",), "has no name"),
    E(
        "container-bad-name",
        pod("containers: [{name: Web_Server}]"),
        C0 + ("name",),
        'container name "Web_Server"',
        "`web-server`",
    ),
    E(
        "container-dup-name",
        pod("containers: [{name: c}, {name: c}]"),
        ("spec", "containers", 1, "name"),
        'two containers in this pod are named "c"',
    ),
    E(
        "container-port-missing",
        pod("containers: [{name: c, ports: [{name: http}]}]"),
        C0 + ("ports", 0, "containerPort"),
        "no `containerPort`",
        "containerPort: 8080",
    ),
    E(
        "container-port-range",
        pod("containers: [{name: c, ports: [{containerPort: 70000}]}]"),
        C0 + ("ports", 0, "containerPort"),
        "70000 is not a valid port number",
    ),
    E(
        "container-port-string",
        pod("containers: [{name: c, ports: [{containerPort: '80'}]}]"),
        C0 + ("ports", 0, "containerPort"),
        "must be a number",
        "drop the quotes",
    ),
    E(
        "container-ports-mapping",
        pod("containers: [{name: c, ports: {containerPort: 80}}]"),
        C0 + ("ports",),
        "must be a list",
    ),
    E(
        "port-name-long",
        pod("containers: [{name: c, ports: [{containerPort: 80, name: web-server-http-port}]}]"),
        C0 + ("ports", 0, "name"),
        "at most 15",
    ),
    E(
        "port-name-digits",
        pod("containers: [{name: c, ports: [{containerPort: 80, name: '8080'}]}]"),
        C0 + ("ports", 0, "name"),
        "at least one letter",
    ),
    E(
        "port-name-double-dash",
        pod("containers: [{name: c, ports: [{containerPort: 80, name: web--http}]}]"),
        C0 + ("ports", 0, "name"),
        "'--'",
    ),
    E(
        "port-name-upper",
        pod("containers: [{name: c, ports: [{containerPort: 80, name: HTTP}]}]"),
        C0 + ("ports", 0, "name"),
        "lower-case letters",
    ),
    E(
        "pod-protocol-lower",
        pod("containers: [{name: c, ports: [{containerPort: 53, protocol: udp}]}]"),
        C0 + ("ports", 0, "protocol"),
        "not supported",
        "protocols are upper-case: UDP",
    ),
    W(
        "port-name-duplicate",
        pod(
            """
            containers:
            - {name: a, ports: [{containerPort: 80, name: http}]}
            - {name: b, ports: [{containerPort: 81, name: http}]}
            """
        ),
        ("spec", "containers", 1, "ports", 0, "name"),
        'two ports in this pod are named "http"',
    ),
    E(
        "port-name-duplicate-one-container",
        pod("containers: [{name: a, ports: [{containerPort: 80, name: http}, {containerPort: 81, name: http}]}]"),
        ("spec", "containers", 0, "ports", 1, "name"),
        'two ports in this container are named "http"',
    ),
    W(
        "duplicate-container-port",
        pod(
            """
            containers:
            - {name: web, ports: [{containerPort: 80}]}
            - {name: sidecar, ports: [{containerPort: 80, protocol: TCP}]}
            """
        ),
        ("spec", "containers", 1, "ports", 0, "containerPort"),
        "share one network namespace",
        "different `containerPort`",
    ),
    W(
        "duplicate-port-one-container",
        pod("containers: [{name: c, ports: [{containerPort: 80}, {containerPort: 80}]}]"),
        C0 + ("ports", 1, "containerPort"),
        "port 80/TCP is declared twice",
    ),
    W(
        "duplicate-port-init-container",
        pod(
            """
            containers: [{name: web, ports: [{containerPort: 9000, protocol: UDP}]}]
            initContainers: [{name: init, ports: [{containerPort: 9000, protocol: UDP}]}]
            """
        ),
        ("spec", "initContainers", 0, "ports", 0, "containerPort"),
        "first at spec.containers[0].ports[0].containerPort",
    ),
    E(
        "host-network-string",
        pod("{hostNetwork: 'true', containers: [{name: c}]}"),
        ("spec", "hostNetwork"),
        "must be true or false",
        "drop the quotes",
    ),
    E(
        "pod-ip",
        pod("containers: [{name: c}]", status={"podIP": "10.0.0.300"}),
        ("status", "podIP"),
        "not a valid IP address",
    ),
    E(
        "pod-ip-cidr",
        pod("containers: [{name: c}]", status={"podIP": "10.0.0.3/32"}),
        ("status", "podIP"),
        "not a valid IP address",
        "without a prefix",
    ),
    # ---- workloads -----------------------------------------------------------------------
    E(
        "deployment-selector-mismatch",
        y(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: frontend}}
                spec: {containers: [{name: c, image: nginx}]}
            """
        ),
        ("spec", "selector"),
        "does not match the labels of its own pod template",
        "template.metadata.labels",
    ),
    E(
        "deployment-no-selector",
        y(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: c, image: nginx}]}
            """
        ),
        ("spec", "selector"),
        "needs a `selector`",
    ),
    E(
        "deployment-empty-selector",
        y(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: c, image: nginx}]}
            """
        ),
        ("spec", "selector"),
        "empty selector is not allowed",
    ),
    E(
        "deployment-no-template",
        y("{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 2}}"),
        ("spec", "template"),
        "no pod `template`",
    ),
    E(
        "deployment-template-label-int",
        y(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web, tier: 1}}
                spec: {containers: [{name: c, image: nginx}]}
            """
        ),
        ("spec", "template", "metadata", "labels", "tier"),
        "must be text",
        'quote it: `tier: "1"`',
    ),
    W(
        "cronjob-duplicate-port",
        y(
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 1 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                      - {name: a, ports: [{containerPort: 8080}]}
                      - {name: b, ports: [{containerPort: 8080}]}
            """
        ),
        (
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "spec",
            "containers",
            1,
            "ports",
            0,
            "containerPort",
        ),
        "declared twice",
    ),
    E(
        "rc-selector-mismatch",
        y(
            """
            apiVersion: v1
            kind: ReplicationController
            metadata: {name: web}
            spec:
              selector: {app: web}
              template:
                metadata: {labels: {app: other}}
                spec: {containers: [{name: c}]}
            """
        ),
        ("spec", "selector"),
        "does not match",
    ),
    # ---- Service --------------------------------------------------------------------------
    E(
        "svc-type-case",
        svc("{type: nodeport, ports: [{port: 80}]}"),
        ("spec", "type"),
        "not a Service type",
        "`NodePort`",
    ),
    E(
        "svc-type-bad",
        svc("{type: Internal, ports: [{port: 80}]}"),
        ("spec", "type"),
        "not a Service type",
        "ClusterIP",
    ),
    E("svc-no-ports", svc("{selector: {app: web}}"), ("spec", "ports"), "has no ports"),
    E(
        "svc-port-missing",
        svc("ports: [{targetPort: 80}]"),
        ("spec", "ports", 0, "port"),
        "has no `port`",
    ),
    E(
        "svc-port-zero",
        svc("ports: [{port: 0}]"),
        ("spec", "ports", 0, "port"),
        "0 is not a valid port number",
    ),
    E(
        "svc-target-port-numeric-string",
        svc("ports: [{port: 80, targetPort: '8080'}]"),
        ("spec", "ports", 0, "targetPort"),
        "read as a port *name*",
        "drop the quotes: `targetPort: 8080`",
    ),
    E(
        "svc-target-port-range",
        svc("ports: [{port: 80, targetPort: 70000}]"),
        ("spec", "ports", 0, "targetPort"),
        "70000 is not a valid port number",
    ),
    E(
        "svc-target-port-name",
        svc("ports: [{port: 80, targetPort: Web_HTTP}]"),
        ("spec", "ports", 0, "targetPort"),
        "not a valid port name",
    ),
    E(
        "svc-target-port-list",
        svc("ports: [{port: 80, targetPort: [80]}]"),
        ("spec", "ports", 0, "targetPort"),
        "port number or a port name",
    ),
    E(
        "svc-unnamed-ports",
        svc("ports: [{port: 80, name: http}, {port: 443}]"),
        ("spec", "ports", 1, "name"),
        "every port needs a name",
    ),
    E(
        "svc-port-name-dup",
        svc("ports: [{port: 80, name: web}, {port: 443, name: web}]"),
        ("spec", "ports", 1, "name"),
        "two ports of this Service are named",
    ),
    E(
        "svc-port-name-bad",
        svc("ports: [{port: 80, name: Web}, {port: 443, name: tls}]"),
        ("spec", "ports", 0, "name"),
        "upper-case",
    ),
    E(
        "svc-duplicate-port",
        svc("ports: [{port: 80, name: a}, {port: 80, name: b}]"),
        ("spec", "ports", 1, "port"),
        "port 80/TCP appears twice",
    ),
    E(
        "svc-protocol",
        svc("ports: [{port: 53, protocol: udp}]"),
        ("spec", "ports", 0, "protocol"),
        "not supported",
        "UDP",
    ),
    E(
        "svc-nodeport-clusterip",
        svc("ports: [{port: 80, nodePort: 30080}]"),
        ("spec", "ports", 0, "nodePort"),
        "this one is ClusterIP",
        "type: NodePort",
    ),
    W(
        "svc-nodeport-range",
        svc("{type: NodePort, ports: [{port: 80, nodePort: 8080}]}"),
        ("spec", "ports", 0, "nodePort"),
        "outside the default node port range 30000-32767",
        "30000 to 32767",
    ),
    E(
        "svc-nodeport-invalid",
        svc("{type: NodePort, ports: [{port: 80, nodePort: 70000}]}"),
        ("spec", "ports", 0, "nodePort"),
        "not a valid port number",
    ),
    E(
        "svc-selector-matchlabels",
        svc("{selector: {matchLabels: {app: web}}, ports: [{port: 80}]}"),
        ("spec", "selector"),
        "plain list of labels",
        "do not support matchLabels/matchExpressions",
    ),
    E(
        "svc-selector-int",
        svc("{selector: {tier: 1}, ports: [{port: 80}]}"),
        ("spec", "selector", "tier"),
        "must be text",
        'quote it: `tier: "1"`',
    ),
    E(
        "svc-selector-list",
        svc("{selector: [app: web], ports: [{port: 80}]}"),
        ("spec", "selector"),
        "must be a mapping",
        "plain key: value pairs",
    ),
    E(
        "svc-cluster-ip",
        svc("{clusterIP: 'none', ports: [{port: 80}]}"),
        ("spec", "clusterIP"),
        "not an IP address",
        "clusterIP: None",
    ),
    E(
        "svc-external-name",
        svc("{type: ExternalName}"),
        ("spec", "externalName"),
        "needs `externalName`",
    ),
    # ---- NetworkPolicy: structure and unknown fields ---------------------------------------
    E("np-spec-list", np([{"podSelector": {}}]), ("spec",), "must be a mapping"),
    E(
        "np-podselector-case",
        np("{podselector: {}}"),
        ("spec", "podselector"),
        "unknown field `podselector`",
        "did you mean `podSelector`?",
    ),
    E(
        "np-ingres",
        np("{podSelector: {}, ingres: []}"),
        ("spec", "ingres"),
        "unknown field",
        "`ingress`",
    ),
    E(
        "np-polcytypes",
        np("{podSelector: {}, polcyTypes: [Ingress]}"),
        ("spec", "polcyTypes"),
        "unknown field",
        "`policyTypes`",
    ),
    E(
        "np-allowincoming",
        np("{podSelector: {}, allowIncoming: {}}"),
        ("spec", "allowIncoming"),
        "unknown field",
        "2016 alpha API",
    ),
    E(
        "np-namespaceselectors",
        np("ingress: [{from: [{namespaceSelectors: {}}]}]"),
        P0 + ("namespaceSelectors",),
        "unknown field `namespaceSelectors` in a peer",
        "did you mean `namespaceSelector`?",
    ),
    E(
        "np-to-in-ingress",
        np("ingress: [{to: [{podSelector: {}}]}]"),
        I0 + ("to",),
        "unknown field `to` in an ingress rule",
        "sources under `from`",
    ),
    E(
        "np-from-in-egress",
        np("egress: [{from: [{podSelector: {}}]}]"),
        ("spec", "egress", 0, "from"),
        "unknown field `from` in an egress rule",
        "destinations under `to`",
    ),
    E(
        "np-peer-in-rule",
        np("ingress: [{podSelector: {}}]"),
        I0 + ("podSelector",),
        "unknown field",
        "`from: [{podSelector: ...}]`",
    ),
    E(
        "np-ports-in-peer",
        np("ingress: [{from: [{podSelector: {}, ports: [{port: 80}]}]}]"),
        P0 + ("ports",),
        "unknown field",
        "indentation",
    ),
    E(
        "np-bare-selector",
        np("podSelector: {app: web}"),
        ("spec", "podSelector", "app"),
        "unknown field `app` in a label selector",
        "{matchLabels: {app: ...}}",
    ),
    E(
        "np-matchlabel-typo",
        np("podSelector: {matchLabel: {app: web}}"),
        ("spec", "podSelector", "matchLabel"),
        "unknown field",
        "did you mean `matchLabels`?",
    ),
    E(
        "np-ipblock-cidrs",
        np("egress: [{to: [{ipBlock: {cidrs: 10.0.0.0/8}}]}]"),
        ("spec", "egress", 0, "to", 0, "ipBlock", "cidrs"),
        "unknown field",
        "`cidr`",
    ),
    E(
        "np-port-targetport",
        np("ingress: [{ports: [{targetPort: 80}]}]"),
        PORT0 + ("targetPort",),
        "unknown field",
        "no targetPort",
    ),
    E("np-ingress-mapping", np("ingress: {from: []}"), ("spec", "ingress"), "must be a list", "- "),
    E("np-rule-string", np("ingress: [allow-all]"), I0, "must be a mapping"),
    E("np-peer-string", np("ingress: [{from: [frontend]}]"), P0, "must be a mapping"),
    E(
        "np-matchlabels-list",
        np("podSelector: {matchLabels: [{app: web}]}"),
        ("spec", "podSelector", "matchLabels"),
        "must be a mapping",
        "`matchLabels` must be a mapping; a list here usually means `matchExpressions`",
    ),
    E(
        "np-podselector-list",
        np("podSelector: [app: web]"),
        ("spec", "podSelector"),
        "must be a mapping",
        "matchLabels",
    ),
    E(
        "np-matchlabels-int",
        np("podSelector: {matchLabels: {tier: 1}}"),
        ("spec", "podSelector", "matchLabels", "tier"),
        "must be text",
        'quote it: `tier: "1"`',
    ),
    W("np-no-spec", np(None), ("spec",), "default deny", "policyTypes: [Ingress]"),
    W(
        "np-beta-api",
        np("podSelector: {}", apiVersion="extensions/v1beta1"),
        ("apiVersion",),
        "not been served since Kubernetes 1.16",
        "networking.k8s.io/v1",
    ),
    # ---- NetworkPolicy: policyTypes --------------------------------------------------------
    E(
        "np-policytypes-lower",
        np("policyTypes: [ingress]"),
        ("spec", "policyTypes", 0),
        "not a policy type",
        "write `Ingress`",
    ),
    E(
        "np-policytypes-bad",
        np("policyTypes: [Both]"),
        ("spec", "policyTypes", 0),
        "not a policy type",
        "Ingress",
    ),
    E(
        "np-policytypes-three",
        np("policyTypes: [Ingress, Egress, Ingress]"),
        ("spec", "policyTypes"),
        "only two kinds",
    ),
    W(
        "np-policytypes-dup",
        np("policyTypes: [Egress, Egress]"),
        ("spec", "policyTypes", 1),
        "listed twice",
    ),
    E(
        "np-policytypes-string",
        np("policyTypes: Ingress"),
        ("spec", "policyTypes"),
        "must be a list",
        "policyTypes: [Ingress]",
    ),
    # ---- NetworkPolicy: rules and peers ---------------------------------------------------
    W("np-null-rule", np("ingress: [null]"), I0, "allows all traffic"),
    E(
        "np-empty-peer",
        np("ingress: [{from: [{}]}]"),
        P0,
        "must specify a peer",
        "leave `from` out",
    ),
    E("np-null-peer", np("ingress: [{from: [null]}]"), P0, "must specify a peer"),
    E(
        "np-null-selector-peer",
        np("ingress: [{from: [{namespaceSelector: null}]}]"),
        P0,
        "must specify a peer",
        "`namespaceSelector: {}`",
    ),
    E(
        "np-ipblock-combined",
        np("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]"),
        P0,
        "ipBlock cannot be combined",
        "two separate entries",
    ),
    E(
        "np-ipblock-no-cidr",
        np("ingress: [{from: [{ipBlock: {except: [10.0.0.0/24]}}]}]"),
        P0 + ("ipBlock", "cidr"),
        "no `cidr`",
        "10.0.0.0/16",
    ),
    E(
        "np-cidr-prefix",
        np("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]"),
        P0 + ("ipBlock", "cidr"),
        "not a valid IPv4 or IPv6 CIDR",
    ),
    E(
        "np-cidr-no-prefix",
        np("ingress: [{from: [{ipBlock: {cidr: 10.1.2.3}}]}]"),
        P0 + ("ipBlock", "cidr"),
        "has no prefix length",
        "/32",
    ),
    E(
        "np-cidr-garbage",
        np("ingress: [{from: [{ipBlock: {cidr: everywhere}}]}]"),
        P0 + ("ipBlock", "cidr"),
        "not a valid",
    ),
    E(
        "np-cidr-leading-zero",
        np("ingress: [{from: [{ipBlock: {cidr: 010.0.0.0/8}}]}]"),
        P0 + ("ipBlock", "cidr"),
        "not a valid",
    ),
    E(
        "np-except-outside",
        np("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}}]}]"),
        P0 + ("ipBlock", "except", 0),
        'except "10.1.0.0/24" is not strictly inside cidr "10.0.0.0/16"',
        "not matched anyway",
    ),
    E(
        "np-except-equal",
        np("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16]}}]}]"),
        P0 + ("ipBlock", "except", 0),
        "not strictly inside",
        "leave nothing",
    ),
    E(
        "np-except-bigger",
        np("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/24, except: [10.0.0.0/8]}}]}]"),
        P0 + ("ipBlock", "except", 0),
        "not strictly inside",
        "swap",
    ),
    E(
        "np-except-family",
        np("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: ['fd00::/64']}}]}]"),
        P0 + ("ipBlock", "except", 0),
        'is IPv6 but cidr "10.0.0.0/8" is IPv4',
    ),
    E(
        "np-except-invalid",
        np("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0]}}]}]"),
        P0 + ("ipBlock", "except", 0),
        "has no prefix length",
    ),
    E(
        "np-except-string",
        np("ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: 10.0.0.0/24}}]}]"),
        P0 + ("ipBlock", "except"),
        "must be a list",
        "[10.0.0.0/24]",
    ),
    # ---- NetworkPolicy: ports -------------------------------------------------------------
    E(
        "np-protocol-lower",
        np("ingress: [{ports: [{protocol: tcp, port: 80}]}]"),
        PORT0 + ("protocol",),
        'protocol "tcp" is not supported',
        "protocols are upper-case: TCP",
    ),
    E(
        "np-protocol-icmp",
        np("ingress: [{ports: [{protocol: ICMP}]}]"),
        PORT0 + ("protocol",),
        "not supported",
        "ICMP",
    ),
    E(
        "np-port-quoted",
        np("ingress: [{ports: [{port: '80'}]}]"),
        PORT0 + ("port",),
        "read as a port *name*",
        "drop the quotes: `port: 80`",
    ),
    E(
        "np-port-zero",
        np("ingress: [{ports: [{port: 0}]}]"),
        PORT0 + ("port",),
        "port 0 is not a valid port number",
    ),
    E(
        "np-port-big",
        np("ingress: [{ports: [{port: 65536}]}]"),
        PORT0 + ("port",),
        "not a valid port number",
    ),
    E(
        "np-port-name-upper",
        np("ingress: [{ports: [{port: HTTP}]}]"),
        PORT0 + ("port",),
        'port name "HTTP" is not valid',
        "container port",
    ),
    E(
        "np-port-name-long",
        np("ingress: [{ports: [{port: prometheus-metrics}]}]"),
        PORT0 + ("port",),
        "at most 15",
    ),
    E(
        "np-port-bool",
        np("ingress: [{ports: [{port: true}]}]"),
        PORT0 + ("port",),
        "port number or a port name",
    ),
    E(
        "np-endport-no-port",
        np("ingress: [{ports: [{endPort: 90}]}]"),
        PORT0 + ("endPort",),
        "without a numeric `port`",
    ),
    E(
        "np-endport-named",
        np("ingress: [{ports: [{port: http, endPort: 90}]}]"),
        PORT0 + ("endPort",),
        "named port",
    ),
    E(
        "np-endport-before",
        np("ingress: [{ports: [{port: 90, endPort: 80}]}]"),
        PORT0 + ("endPort",),
        "smaller than port 90",
        "greater than or equal",
    ),
    E(
        "np-endport-big",
        np("ingress: [{ports: [{port: 90, endPort: 70000}]}]"),
        PORT0 + ("endPort",),
        "70000 is not a valid port number",
    ),
    E(
        "np-endport-string",
        np("ingress: [{ports: [{port: 90, endPort: '95'}]}]"),
        PORT0 + ("endPort",),
        "must be a number",
        "drop the quotes",
    ),
    W("np-null-port", np("ingress: [{ports: [null]}]"), PORT0, "every TCP port"),
    # ---- NetworkPolicy: label selectors ----------------------------------------------------
    E(
        "np-operator-case",
        np("podSelector: {matchExpressions: [{key: app, operator: in, values: [web]}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "operator"),
        '"in" is not a selector operator',
        "write `In`",
    ),
    E(
        "np-operator-bad",
        np("podSelector: {matchExpressions: [{key: app, operator: Equals, values: [web]}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "operator"),
        "not a selector operator",
        "DoesNotExist",
    ),
    E(
        "np-in-no-values",
        np("podSelector: {matchExpressions: [{key: app, operator: In}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "values"),
        "needs at least one value",
    ),
    E(
        "np-notin-empty-values",
        np(
            "ingress: [{from: [{namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: []}]}}]}]"
        ),
        P0 + ("namespaceSelector", "matchExpressions", 0, "values"),
        "NotIn needs at least one value",
    ),
    E(
        "np-exists-values",
        np("podSelector: {matchExpressions: [{key: app, operator: Exists, values: [web]}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "values"),
        "takes no values",
        "remove `values`",
    ),
    E(
        "np-expression-key",
        np("podSelector: {matchExpressions: [{key: 'app name', operator: Exists}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "key"),
        'label key "app name" is not valid',
    ),
    E(
        "np-expression-no-key",
        np("podSelector: {matchExpressions: [{operator: Exists}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "key"),
        "no `key`",
    ),
    E(
        "np-values-string",
        np("podSelector: {matchExpressions: [{key: app, operator: In, values: web}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "values"),
        "must be a list",
        "`values: [web]`",
    ),
    E(
        "np-value-int",
        np("podSelector: {matchExpressions: [{key: tier, operator: In, values: [1]}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "values", 0),
        "must be text",
        "quote it",
    ),
    E(
        "np-expression-typo",
        np("podSelector: {matchExpressions: [{key: app, operater: Exists}]}"),
        ("spec", "podSelector", "matchExpressions", 0, "operater"),
        "unknown field",
        "`operator`",
    ),
    # ---- alpha form, validated through the translation ---------------------------------------
    E(
        "alpha-label-int",
        alpha("{podSelector: {segment: backend}, allowIncoming: {from: [{pods: {tier: 1}}]}}"),
        ("spec", "allowIncoming", "from", 0, "pods", "tier"),
        "must be text",
        'quote it: `tier: "1"`',
    ),
    E(
        "alpha-port-quoted",
        alpha("{podSelector: {segment: backend}, allowIncoming: {toPorts: [{port: '80'}]}}"),
        ("spec", "allowIncoming", "toPorts", 0, "port"),
        "read as a port *name*",
        "drop the quotes",
    ),
    E(
        "alpha-unknown-field",
        alpha("{podSelector: {segment: backend}, allowIncoming: {toPort: [{port: 80}]}}"),
        ("spec", "allowIncoming", "toPort"),
        "unknown field `toPort`",
        "did you mean `toPorts`?",
    ),
    E(
        "alpha-applyto-label",
        alpha("{applyTo: {segment: 'back end'}, allowIncoming: [{}]}"),
        ("spec", "applyTo", "segment"),
        'label value "back end" is not valid',
    ),
    E(
        "alpha-bad-name",
        {**alpha("{podSelector: {}}"), "metadata": {"name": "Pol_1"}},
        ("metadata", "name"),
        "lower-case",
    ),
]


def _find(issues: list[Issue], path: FieldPath, message: str) -> Issue | None:
    for issue in issues:
        if issue.path == path and message in issue.message:
            return issue
    return None


@pytest.mark.parametrize(
    ("obj", "path", "message", "hint", "severity"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_broken_object(
    obj: dict[str, Any], path: FieldPath, message: str, hint: str | None, severity: str
) -> None:
    issues = validate_object(obj)
    issue = _find(issues, path, message)
    listing = "\n".join(f"  {format_path(i.path)}: {i.message} | {i.hint}" for i in issues)
    assert issue is not None, f"no issue at {format_path(path)} with {message!r}; got:\n{listing}"
    assert issue.severity == severity
    assert issue.code, "every issue has a stable code"
    if hint is not None:
        assert issue.hint is not None and hint in issue.hint, issue.hint


def test_table_is_big_enough() -> None:
    assert len(ROWS) >= 40
    assert len({row[0] for row in ROWS}) == len(ROWS)


def test_selected_codes() -> None:
    dup = validate_object(ROWS_BY_ID["duplicate-container-port"][1])
    assert [i.code for i in dup] == ["duplicate-container-port"]
    assert _code(ROWS_BY_ID["np-protocol-lower"]) == "bad-protocol"
    assert _code(ROWS_BY_ID["np-podselector-case"]) == "unknown-field"
    assert _code(ROWS_BY_ID["label-int"]) == "label-not-string"
    assert _code(ROWS_BY_ID["np-empty-peer"]) == "empty-peer"
    assert _code(ROWS_BY_ID["np-except-outside"]) == "except-outside-cidr"
    assert _code(ROWS_BY_ID["container-no-name"]) == "missing-container-name"
    assert _code(ROWS_BY_ID["container-port-missing"]) == "missing-container-port"


def test_codes_not_affecting_connectivity_are_emitted() -> None:
    emitted = {i.code for row in ROWS for i in validate_object(row[1])}
    assert NOT_AFFECTING_CONNECTIVITY <= emitted
    # A duplicate container port is the point of the first lesson: it stays fatal.
    assert "duplicate-container-port" not in NOT_AFFECTING_CONNECTIVITY


ROWS_BY_ID = {row[0]: row for row in ROWS}


def _code(row: Row) -> str:
    issue = _find(validate_object(row[1]), row[2], row[3])
    assert issue is not None
    return issue.code


# --------------------------------------------------------------------------------------------
# All issues are reported, and the rest of the object is still checked
# --------------------------------------------------------------------------------------------


def test_reports_every_issue_in_one_object() -> None:
    obj = np(
        """
        podSelector: {matchLabels: [app]}
        policyTypes: [ingress]
        ingress:
        - from: [{}]
          ports: [{protocol: tcp, port: "80"}]
        egress: notalist
        """
    )
    obj["metadata"] = {"name": "Bad Name", "labels": {"tier": 1}}
    paths = {format_path(i.path) for i in validate_object(obj)}
    assert {
        "metadata.name",
        "metadata.labels.tier",
        "spec.podSelector.matchLabels",
        "spec.policyTypes[0]",
        "spec.ingress[0].from[0]",
        "spec.ingress[0].ports[0].protocol",
        "spec.ingress[0].ports[0].port",
        "spec.egress",
    } <= paths


def test_wrong_type_in_one_container_does_not_hide_the_others() -> None:
    obj = pod(
        """
        containers:
        - notamapping
        - {name: b, ports: [{containerPort: 80}]}
        - {name: c, ports: [{containerPort: 80}]}
        """
    )
    codes = [i.code for i in validate_object(obj)]
    assert codes == ["wrong-type", "duplicate-container-port"]


def test_unknown_kind_and_non_mapping() -> None:
    assert validate_object({"kind": "ConfigMap", "metadata": {"name": "x"}, "data": [1]}) == []
    assert validate_object({"metadata": {}}) == []
    bad = validate_object([1, 2])  # type: ignore[arg-type]
    assert bad and bad[0].path == () and bad[0].code == "wrong-type"


# --------------------------------------------------------------------------------------------
# Valid objects produce no issues
# --------------------------------------------------------------------------------------------

VALID = y(
    """
    - apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
        labels: {team: payments, kubernetes.io/metadata.name: shop, env: ""}
        annotations: {owner: "alice@example.com", note: "multi word text"}
    - apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        namespace: shop
        labels: {app.kubernetes.io/name: web, tier: "1"}
      spec:
        replicas: 3
        selector:
          matchLabels: {app: web}
          matchExpressions: [{key: tier, operator: In, values: [frontend, "1"]}]
        template:
          metadata:
            labels: {app: web, tier: frontend}
          spec:
            initContainers:
            - {name: migrate, image: "migrate:1"}
            containers:
            - name: nginx
              image: nginx:1.25
              ports:
              - {containerPort: 8080, name: http}
              - {containerPort: 8443, name: https, protocol: TCP}
            - name: redis
              image: redis:7
              ports:
              - {containerPort: 6379, name: redis}
    - apiVersion: v1
      kind: Pod
      metadata: {name: dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
      spec:
        hostNetwork: false
        containers:
        - name: coredns
          ports:
          - {containerPort: 53, name: dns, protocol: UDP}
          - {containerPort: 53, name: dns-tcp, protocol: TCP}
      status: {podIP: 10.244.0.5, podIPs: [{ip: 10.244.0.5}, {ip: "fd00::5"}]}
    - apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        selector: {app: web}
        ports:
        - {name: http, port: 80, targetPort: http}
        - {name: https, port: 443, targetPort: 8443, protocol: TCP}
    - apiVersion: v1
      kind: Service
      metadata: {name: web-public, namespace: shop}
      spec:
        type: NodePort
        selector: {app: web}
        ports: [{port: 80, targetPort: 8080, nodePort: 30080}]
    - apiVersion: v1
      kind: Service
      metadata: {name: lb, namespace: shop}
      spec:
        type: LoadBalancer
        selector: {app: web}
        ports: [{port: 443, targetPort: https}]
    - apiVersion: v1
      kind: Service
      metadata: {name: db-headless, namespace: shop}
      spec: {clusterIP: None, selector: {app: db}}
    - apiVersion: v1
      kind: Service
      metadata: {name: external-db, namespace: shop}
      spec: {type: ExternalName, externalName: db.example.com}
    - apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: db, namespace: shop}
      spec:
        serviceName: db-headless
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec: {containers: [{name: pg, image: postgres, ports: [{containerPort: 5432, name: pg}]}]}
    - apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: agent, namespace: kube-system}
      spec:
        selector: {matchExpressions: [{key: app, operator: Exists}]}
        template:
          metadata: {labels: {app: agent}}
          spec: {hostNetwork: true, containers: [{name: agent, image: agent}]}
    - apiVersion: batch/v1
      kind: CronJob
      metadata: {name: report, namespace: shop}
      spec:
        schedule: "@daily"
        jobTemplate:
          spec:
            template:
              metadata: {labels: {app: report}}
              spec: {restartPolicy: Never, containers: [{name: r, image: busybox}]}
    - apiVersion: v1
      kind: ReplicationController
      metadata: {name: legacy, namespace: shop}
      spec:
        selector: {app: legacy}
        template:
          metadata: {labels: {app: legacy, extra: yes-really}}
          spec: {containers: [{name: c, image: nginx}]}
    """
)

VALID_POLICIES = y(
    """
    - {podSelector: {}, policyTypes: [Ingress]}
    - {podSelector: {}, policyTypes: [Ingress, Egress]}
    - {podSelector: null}
    - podSelector:
      ingress: [{}]
    - {podSelector: {matchLabels: {app: web}}, ingress: [], egress: []}
    - podSelector: {matchLabels: {app: db}}
      ingress:
      - from:
        - podSelector: {matchLabels: {app: web}}
        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
          podSelector: {matchExpressions: [{key: app, operator: NotIn, values: [debug]}]}
        - namespaceSelector: {}
        ports:
        - {port: 5432}
        - {protocol: TCP, port: pg}
    - podSelector: {matchLabels: {app: web}}
      policyTypes: [Egress]
      egress:
      - to:
        - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}
        - ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}
        - ipBlock: {cidr: 192.168.1.0/24}
      - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
        ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
    - podSelector: {matchLabels: {app: batch}}
      ingress:
      - ports:
        - {protocol: TCP, port: 32000, endPort: 32768}
        - {protocol: UDP, port: 5000, endPort: 5000}
        - {protocol: SCTP, port: 9000}
        - {protocol: TCP}
      egress:
      - to: [{ipBlock: {cidr: 10.1.2.3/32}}]
        ports: [{port: metrics}]
    - podSelector: {matchExpressions: [{key: tier, operator: DoesNotExist}, {key: env, operator: In, values: [prod, ""]}]}
      ingress: [{from: [{podSelector: {}}]}]
    """
)


@pytest.mark.parametrize("obj", VALID, ids=[f"{o['kind']}-{o['metadata']['name']}" for o in VALID])
def test_valid_object_has_no_issues(obj: dict[str, Any]) -> None:
    assert validate_object(obj) == []


@pytest.mark.parametrize(
    "spec", VALID_POLICIES, ids=[f"policy{i}" for i in range(len(VALID_POLICIES))]
)
def test_valid_policy_has_no_issues(spec: dict[str, Any]) -> None:
    assert validate_object(np(spec)) == []


def test_service_port_name_optional_for_one_port() -> None:
    assert validate_object(svc("ports: [{port: 80, targetPort: 8080}]")) == []


# --------------------------------------------------------------------------------------------
# Robustness: any value of any type anywhere gives issues, never an exception
# --------------------------------------------------------------------------------------------

ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    1.5,
    True,
    "",
    "x",
    "80",
    [],
    [None],
    [1, "a"],
    {},
    {"a": None},
    {1: 2},
]


def _paths(node: Any, prefix: FieldPath = ()) -> Iterator[FieldPath]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


def _replaced(obj: Any, path: FieldPath, value: Any) -> Any:
    out = copy.deepcopy(obj)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


ROBUST_SAMPLES: list[dict[str, Any]] = [
    np(VALID_POLICIES[5]),
    np(VALID_POLICIES[6]),
    np(VALID_POLICIES[7]),
    VALID[1],
    VALID[3],
    VALID[4],
    VALID[10],
    alpha(
        """
        podSelector: {segment: backend}
        allowIncoming:
          from: [{pods: {segment: frontend}}, {namespaces: {team: a}}]
          toPorts: [{port: 80, protocol: tcp}]
        ingress: [{from: [{pods: {a: b}}], ports: [{port: 81}]}]
        """
    ),
]


@pytest.mark.parametrize(
    "sample", ROBUST_SAMPLES, ids=[f"sample{i}" for i in range(len(ROBUST_SAMPLES))]
)
def test_odd_values_never_raise(sample: dict[str, Any]) -> None:
    for path in list(_paths(sample))[1:]:
        for value in ODD_VALUES:
            issues = validate_object(_replaced(sample, path, value))
            assert isinstance(issues, list)
            assert all(isinstance(i, Issue) and i.message for i in issues)


# --------------------------------------------------------------------------------------------
# The string-format helpers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "good", "bad"),
    [
        (dns_subdomain_error, ["a", "a.b-c", "x" * 253], ["", "A", "-a", "a.", "a..b", "x" * 254]),
        (dns_label_error, ["a", "a-b", "1a", "x" * 63], ["", "a.b", "a-", "x" * 64]),
        (
            label_key_error,
            ["app", "app.kubernetes.io/name", "A_b.c", "x" * 63],
            ["", "/a", "a/b/c", "-a", "x" * 64, "Ex.com/a"],
        ),
        (label_value_error, ["", "a", "A-b_c.d", "x" * 63], ["-a", "a b", "x" * 64]),
        (
            port_name_error,
            ["http", "h2c", "web-80", "x" * 15],
            ["", "80", "-a", "a-", "a--b", "HTTP", "x" * 16],
        ),
    ],
)
def test_format_helpers(func: Any, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert func(value) is None, value
    for value in bad:
        assert func(value) is not None, value


def test_parse_cidr() -> None:
    net, problem = parse_cidr("192.168.1.7/24")
    assert problem is None and str(net) == "192.168.1.0/24"  # host bits are accepted
    assert parse_cidr("::/0")[1] is None
    for text in ("10.0.0.1", "10.0.0.0/255.0.0.0", "10.0.0.0/x", "fe80::1%eth0/64", "300.0.0.0/8"):
        assert parse_cidr(text)[0] is None, text


# ------------------------------------------------------------------------------------------
# A workload's selector against its own template labels (matched by core.selectors)


@pytest.mark.parametrize(
    ("selector", "mismatch"),
    [
        ("{matchLabels: {app: web}}", False),
        ("{matchLabels: {app: api}}", True),
        ("{matchExpressions: [{key: app, operator: In, values: [web, api]}]}", False),
        ("{matchExpressions: [{key: app, operator: In, values: [api]}]}", True),
        ("{matchExpressions: [{key: tier, operator: NotIn, values: [db]}]}", False),
        ("{matchExpressions: [{key: app, operator: NotIn, values: [web]}]}", True),
        ("{matchExpressions: [{key: app, operator: Exists}]}", False),
        ("{matchExpressions: [{key: tier, operator: Exists}]}", True),
        ("{matchExpressions: [{key: tier, operator: DoesNotExist}]}", False),
        ("{matchLabels: {app: web}, matchExpressions: [{key: app, operator: DoesNotExist}]}", True),
    ],
)
def test_workload_selector_is_matched_against_the_template(selector: str, mismatch: bool) -> None:
    obj = y(
        f"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: web}}
        spec:
          selector: {selector}
          template:
            metadata: {{labels: {{app: web}}}}
            spec: {{containers: [{{name: c, image: nginx}}]}}
        """
    )
    codes = [i.code for i in validate_object(obj)]
    assert ("selector-template-mismatch" in codes) is mismatch, codes


@pytest.mark.parametrize(("selector", "mismatch"), [("{app: web}", False), ("{app: api}", True)])
def test_replication_controller_selector_is_matched_against_the_template(
    selector: str, mismatch: bool
) -> None:
    obj = y(
        f"""
        apiVersion: v1
        kind: ReplicationController
        metadata: {{name: web}}
        spec:
          selector: {selector}
          template:
            metadata: {{labels: {{app: web, tier: front}}}}
            spec: {{containers: [{{name: c, image: nginx}}]}}
        """
    )
    codes = [i.code for i in validate_object(obj)]
    assert ("selector-template-mismatch" in codes) is mismatch, codes
