"""One object checked by the current (v1) API rules: every kind's rules in one checker."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from k8snet_tutor.core.validation.issue import Issue
from k8snet_tutor.core.validation.pods import PodRules
from k8snet_tutor.core.validation.policies import PolicyRules
from k8snet_tutor.core.validation.services import ServiceRules
from k8snet_tutor.core.validation.vocabulary import WORKLOAD_KINDS


class _Checker(PodRules, ServiceRules, PolicyRules):
    # ---- Namespace ---------------------------------------------------------------------------

    def namespace(self, obj: Mapping[str, Any]) -> None:
        self.metadata(obj, "Namespace", "label")


def check_v1_object(obj: Mapping[str, Any]) -> list[Issue]:
    """Validate an object by the current API rules only (no alpha translation); used by `legacy`."""
    checker = _Checker()
    kind = obj.get("kind")
    if kind == "Namespace":
        checker.namespace(obj)
    elif kind == "Pod":
        checker.pod(obj)
    elif kind in WORKLOAD_KINDS:
        checker.workload(obj, str(kind))
    elif kind == "Service":
        checker.service(obj)
    elif kind == "Node":
        checker.node(obj)
    elif kind == "NetworkPolicy":
        checker.network_policy(obj)
    elif kind == "EndpointSlice" and obj.get("apiVersion") == "discovery.k8s.io/v1":
        checker.endpoint_slice(obj)
    elif kind == "Endpoints" and obj.get("apiVersion") == "v1":
        checker.endpoints_object(obj)
    return checker.issues
