"""Validation of raw objects, mirroring the Kubernetes API server for the fields the tutor reads.

`validate_object(obj)` takes one parsed document (plain dicts and lists, as YAML gives them) and
returns every `Issue` found in it, each with a path relative to the object, a message in plain
words and, where it helps, a hint. It never raises for bad input: a value of the wrong type
becomes an issue at its path and the rest of the object is still checked.

Severities: "error" for what the API server would refuse, "warning" for what it accepts but is
probably not what the author meant (or is served by no current cluster), "note" for information.

Kinds checked: Namespace, Pod, the workloads that carry a pod template (Deployment, ReplicaSet,
StatefulSet, DaemonSet, Job, CronJob, ReplicationController), Service and NetworkPolicy
(networking.k8s.io/v1, extensions/v1beta1, and the 2016 alpha form through `alpha`). Any other
kind yields no issues.

Layout: `issue` (the Issue record), `vocabulary` (the API's fixed word lists), `formats` (name,
label, port-name and CIDR grammar), `walker` (the typed-tree walker), one module of rules per
concern (`metadata`, `pods`, `services`, `policies`), `checker` (all of them for one v1 object)
and `alpha` (the 2016 alpha NetworkPolicy, translated to v1 and then checked as v1).
"""

from __future__ import annotations

from typing import Any

from k8snet_tutor.core.validation.alpha import is_alpha_policy, translate_alpha_policy
from k8snet_tutor.core.validation.checker import check_v1_object
from k8snet_tutor.core.validation.formats import (
    IPNetwork,
    dns_label_error,
    dns_subdomain_error,
    label_key_error,
    label_value_error,
    parse_cidr,
    port_name_error,
)
from k8snet_tutor.core.validation.issue import Issue
from k8snet_tutor.core.validation.vocabulary import (
    NOT_AFFECTING_CONNECTIVITY,
    PROTOCOLS,
    SELECTOR_OPERATORS,
    WORKLOAD_KINDS,
)
from k8snet_tutor.core.wording import describe_type, did_you_mean

__all__ = [
    "Issue",
    "IPNetwork",
    "NOT_AFFECTING_CONNECTIVITY",
    "PROTOCOLS",
    "SELECTOR_OPERATORS",
    "WORKLOAD_KINDS",
    "check_v1_object",
    "describe_type",
    "did_you_mean",
    "dns_label_error",
    "dns_subdomain_error",
    "label_key_error",
    "label_value_error",
    "parse_cidr",
    "port_name_error",
    "validate_object",
]



def validate_object(obj: dict[str, Any]) -> list[Issue]:
    """Every issue in one raw object, as the API server would see it (plus a few warnings).

    Unknown kinds give []. The 2016 alpha NetworkPolicy form is translated to v1 first (see
    `alpha`); its issues point back into the original object.
    """
    if not isinstance(obj, dict):
        return [
            Issue(
                (),
                f"a Kubernetes object must be a mapping, but this is {describe_type(obj)}",
                code="wrong-type",
            )
        ]
    if is_alpha_policy(obj):
        return translate_alpha_policy(obj)[1]
    return check_v1_object(obj)
