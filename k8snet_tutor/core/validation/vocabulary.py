"""The API's fixed vocabularies: protocols, selector operators, Service and policy types,
workload kinds, and the error codes that do not change how the tutor reads connectivity."""

from __future__ import annotations

from typing import Final

PROTOCOLS: Final = ("TCP", "UDP", "SCTP")
SELECTOR_OPERATORS: Final = ("In", "NotIn", "Exists", "DoesNotExist")
SERVICE_TYPES: Final = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
POLICY_TYPES: Final = ("Ingress", "Egress")
WORKLOAD_KINDS: Final = (
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "ReplicationController",
)
# Workloads whose apps/v1 form requires a selector that matches the template labels.
_APPS_KINDS: Final = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")
# Workloads with a `spec.replicas` count.
_REPLICATED_KINDS: Final = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
# Codes of errors the API server would refuse but that do not change how the tutor reads the
# object's networking (names it only displays, container entries it skips). A caller analysing
# real-world manifests may keep such objects, reporting the errors; a lesson should not.
NOT_AFFECTING_CONNECTIVITY: Final = frozenset(
    {
        "bad-name",
        "missing-container-name",
        "bad-container-name",
        "duplicate-container-name",
        "missing-container-port",
    }
)
NODE_PORT_RANGE: Final = (30000, 32767)
