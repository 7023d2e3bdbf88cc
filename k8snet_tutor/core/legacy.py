"""Reading the pre-v1 NetworkPolicy formats and translating them to networking.k8s.io/v1.

Three things from 2016-2017 material are understood here:

- the alpha NetworkPolicy (`apiVersion: net.alpha.kubernetes.io/v1alpha1`, a ThirdPartyResource)
  in its three circulating shapes: the blog form (`podSelector` as a bare label map,
  `allowIncoming: {from: [{pods: {...}}], toPorts: [...]}`), the Calico prototype README form
  (`ingress: [{ports: [...], from: [{pods|namespaces: {...}}]}]`) and the prototype code form
  (`applyTo` instead of `podSelector`, a list of `allowIncoming` rules);
- the alpha namespace annotation `net.alpha.kubernetes.io/network-isolation: on|yes`;
- the beta namespace annotation
  `net.beta.kubernetes.io/network-policy: '{"ingress": {"isolation": "DefaultDeny"}}'`.

Each is translated to the v1 objects that give the same connectivity, with a warning that
shows the v1 YAML. Alpha policies are evaluated as translated; the namespace annotations are
only reported (no cluster has honoured them since Kubernetes 1.7) unless the caller asks to
apply them. `translate_alpha_policy` also validates the v1 result, with issue paths
pointing back into the original object, so its issues are everything a caller needs to report.
"""

from __future__ import annotations

import json
from typing import Any, Final

from k8snet_tutor.core.problems import FieldPath
from k8snet_tutor.core.validation.alpha import (
    ALPHA_API_VERSION,
    V1_API_VERSION,
    is_alpha_policy,
    to_v1_yaml,
    translate_alpha_policy,
)
from k8snet_tutor.core.validation.issue import Issue

__all__ = [
    "ALPHA_API_VERSION",
    "ALPHA_ISOLATION_ANNOTATION",
    "BETA_POLICY_ANNOTATION",
    "V1_API_VERSION",
    "is_alpha_policy",
    "namespace_isolation_policies",
    "to_v1_yaml",
    "translate_alpha_policy",
]


ALPHA_ISOLATION_ANNOTATION: Final = "net.alpha.kubernetes.io/network-isolation"
BETA_POLICY_ANNOTATION: Final = "net.beta.kubernetes.io/network-policy"
# Early docs printed the beta key without its hyphen; the annotation then did nothing at all.
BETA_POLICY_ANNOTATION_TYPO: Final = "net.beta.kubernetes.io/networkpolicy"
DEFAULT_DENY_NAME: Final = "legacy-default-deny"

# --------------------------------------------------------------------------------------------
# Namespace annotations
# --------------------------------------------------------------------------------------------


def _default_deny(namespace: str | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": DEFAULT_DENY_NAME}
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": V1_API_VERSION,
        "kind": "NetworkPolicy",
        "metadata": metadata,
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }


def _beta_isolation(value: Any) -> tuple[str | None, str | None]:
    """Read the beta annotation value: (isolation setting or None, problem or None)."""
    data = value
    if isinstance(value, str):
        try:
            data = json.loads(value)
        except ValueError:
            return None, "is not valid JSON"
    if not isinstance(data, dict):
        return None, "is not a JSON object"
    ingress = data.get("ingress")
    if not isinstance(ingress, dict):
        return None, 'has no `"ingress": {...}` object'
    isolation = ingress.get("isolation")
    if not isinstance(isolation, str):
        return None, 'has no `"isolation"` setting under `"ingress"`'
    return isolation, None


def namespace_isolation_policies(
    namespace_obj: dict[str, Any], *, apply: bool = False
) -> tuple[list[dict[str, Any]], list[Issue]]:
    """A Namespace's legacy isolation annotations: warnings, and with `apply` the v1 policies.

    `net.alpha.kubernetes.io/network-isolation: on|yes` and the beta
    `net.beta.kubernetes.io/network-policy: {"ingress":{"isolation":"DefaultDeny"}}` both mean
    one default-deny-ingress policy (`legacy-default-deny`) in that namespace. No cluster has
    honoured them since NetworkPolicy v1 (Kubernetes 1.7), so by default they are reported as
    ignored, with that policy shown as YAML, and nothing is added; `apply=True` adds it (for
    reading 2016-era material as it was meant). Without either annotation: ([], []).
    """
    if not isinstance(namespace_obj, dict):
        return [], []
    meta = namespace_obj.get("metadata")
    if not isinstance(meta, dict):
        return [], []
    notes = meta.get("annotations")
    if not isinstance(notes, dict):
        return [], []
    name = meta.get("name") if isinstance(meta.get("name"), str) else None
    base: FieldPath = ("metadata", "annotations")
    issues: list[Issue] = []
    deny_from: list[str] = []

    if ALPHA_ISOLATION_ANNOTATION in notes:
        value = notes[ALPHA_ISOLATION_ANNOTATION]
        # YAML 1.1 reads unquoted on/yes as true and off/no as false.
        text = _scalar(value).lower()
        path = base + (ALPHA_ISOLATION_ANNOTATION,)
        if text in ("on", "yes", "true"):
            deny_from.append(ALPHA_ISOLATION_ANNOTATION)
        elif text not in ("off", "no", "false", ""):
            issues.append(
                Issue(
                    path,
                    f"the alpha isolation annotation has the value `{text}`; only on/yes "
                    "(isolate) and off/no were understood, so the tutor ignored it",
                    "write `on` to isolate the namespace",
                    "warning",
                    "legacy-annotation-value",
                )
            )

    if BETA_POLICY_ANNOTATION in notes:
        path = base + (BETA_POLICY_ANNOTATION,)
        isolation, problem = _beta_isolation(notes[BETA_POLICY_ANNOTATION])
        if problem is not None:
            issues.append(
                Issue(
                    path,
                    f"the beta network-policy annotation {problem}, so the tutor ignored it",
                    'the expected value is the JSON string `{"ingress": {"isolation": "DefaultDeny"}}`',
                    "warning",
                    "legacy-annotation-value",
                )
            )
        elif isolation == "DefaultDeny":
            deny_from.append(BETA_POLICY_ANNOTATION)

    if BETA_POLICY_ANNOTATION_TYPO in notes:
        issues.append(
            Issue(
                base + (BETA_POLICY_ANNOTATION_TYPO,),
                f"`{BETA_POLICY_ANNOTATION_TYPO}` (no hyphen) is a misprint from early docs; "
                "clusters ignored it, so it never isolated anything, and the tutor ignores it too",
                f"the beta key was `{BETA_POLICY_ANNOTATION}`; today, create a default-deny "
                "NetworkPolicy instead",
                "warning",
                "legacy-annotation-typo",
            )
        )

    if not deny_from:
        return [], issues
    policy = _default_deny(name)
    if apply:
        issues.insert(
            0,
            Issue(
                base + (deny_from[0],),
                f"the legacy annotation `{deny_from[0]}` isolated every pod in this namespace "
                "for incoming traffic before Kubernetes 1.7; as asked (--legacy-annotations "
                f"apply), the tutor added the equivalent default-deny NetworkPolicy "
                f"`{DEFAULT_DENY_NAME}`, although no current cluster does. Note that back then, "
                "policies in namespaces *without* the annotation had no effect at all",
                "the v1 policy that does the same:\n" + to_v1_yaml(policy),
                "warning",
                "legacy-namespace-isolation",
            ),
        )
        return [policy], issues
    issues.insert(
        0,
        Issue(
            base + (deny_from[0],),
            f"the legacy annotation `{deny_from[0]}` is ignored: it isolated every pod in this "
            "namespace for incoming traffic before Kubernetes 1.7, but no cluster has honoured "
            "it since NetworkPolicy v1, so it isolates nothing here. To keep that isolation, "
            f"add a default-deny NetworkPolicy (`--legacy-annotations apply` shows the old "
            "behaviour)",
            "the v1 policy that replaces it:\n" + to_v1_yaml(policy),
            "warning",
            "legacy-annotation-ignored",
        ),
    )
    return [], issues


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return ""
    return str(value)
