"""Rules for object metadata, owner references and label selectors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from k8snet_tutor.core.problems import FieldPath
from k8snet_tutor.core.validation.formats import label_key_error
from k8snet_tutor.core.validation.vocabulary import SELECTOR_OPERATORS
from k8snet_tutor.core.validation.walker import Walker
from k8snet_tutor.core.wording import brief, did_you_mean, show

_SELECTOR_FIELDS: Final = ("matchLabels", "matchExpressions")


class MetadataRules(Walker):
    def metadata(self, obj: Mapping[str, Any], kind: str, name_style: str) -> None:
        path: FieldPath = ("metadata",)
        if obj.get("metadata") is None:
            self.error(
                path,
                f"this {kind} has no `metadata`; every object needs at least a name",
                "add `metadata:` with a `name:` under it",
                "missing-metadata",
            )
            return
        meta = self.mapping(obj.get("metadata"), path, "metadata")
        if meta is None:
            return
        if meta.get("name") is None:
            if not meta.get("generateName"):
                self.error(
                    path + ("name",),
                    f"this {kind} has no name",
                    "add `name: <name>` under `metadata`",
                    "missing-name",
                )
        else:
            self.name(meta["name"], path + ("name",), "name", name_style)
        if meta.get("namespace") is not None:
            if kind == "Namespace":
                self.warning(
                    path + ("namespace",),
                    "a Namespace is not inside another namespace, so `metadata.namespace` is ignored",
                    "remove the `namespace:` line",
                    "namespace-on-namespace",
                )
            else:
                self.name(meta["namespace"], path + ("namespace",), "namespace", "label")
        if meta.get("generateName") is not None:
            self.string(meta["generateName"], path + ("generateName",), "generateName")
        self.label_map(meta.get("labels"), path + ("labels",), "labels")
        self.annotations(meta.get("annotations"), path + ("annotations",))
        self.owner_references(meta.get("ownerReferences"), path + ("ownerReferences",))

    def owner_references(self, value: Any, path: FieldPath) -> None:
        """The fields the tutor reads to group pods under their workload must have their types."""
        refs = self.seq(value, path, "ownerReferences")
        for i, item in enumerate(refs or []):
            ref = self.mapping(item, path + (i,), "this ownerReferences entry")
            if ref is None:
                if item is None:
                    self.error(
                        path + (i,),
                        "this ownerReferences entry is empty",
                        "write `- {apiVersion: apps/v1, kind: ReplicaSet, name: ..., uid: ...}`",
                        "missing-field",
                    )
                continue
            for fld in ("apiVersion", "kind", "name", "uid"):
                if ref.get(fld) is not None:
                    self.string(ref[fld], path + (i, fld), fld)
            for fld in ("controller", "blockOwnerDeletion"):
                self.boolean(ref.get(fld), path + (i, fld), fld)

    # ---- label selectors -------------------------------------------------------------------

    def label_selector(self, value: Any, path: FieldPath, what: str) -> dict[str, Any] | None:
        """Validate a LabelSelector (null is fine); return it when it is fully valid."""
        if value is None:
            return None
        sel = self.mapping(
            value,
            path,
            what,
            f"`{what}` must be a mapping such as `{{matchLabels: {{app: web}}}}`"
            if isinstance(value, list)
            else None,
        )
        if sel is None:
            return None
        mark = len(self.issues)
        for key in sel:
            name = str(key)
            if name in _SELECTOR_FIELDS:
                continue
            guess = did_you_mean(name, _SELECTOR_FIELDS)
            if guess is not None:
                hint = f"did you mean `{guess}`?"
            else:
                hint = (
                    f"a label selector lists labels under `matchLabels`: "
                    f"`{what}: {{matchLabels: {{{brief(name)}: ...}}}}`"
                )
            self.error(
                path + (name,),
                f"unknown field `{brief(name)}` in a label selector",
                hint,
                "unknown-field",
            )
        self.label_map(
            sel.get("matchLabels"),
            path + ("matchLabels",),
            "matchLabels",
            "`matchLabels` must be a mapping; a list here usually means `matchExpressions`"
            if isinstance(sel.get("matchLabels"), list)
            else None,
        )
        exprs = self.seq(
            sel.get("matchExpressions"), path + ("matchExpressions",), "matchExpressions"
        )
        for i, expr in enumerate(exprs or []):
            self.selector_requirement(expr, path + ("matchExpressions", i))
        return sel if not self.errors_since(mark) else None

    def selector_requirement(self, value: Any, path: FieldPath) -> None:
        if value is None:
            self.error(
                path,
                "this `matchExpressions` entry is empty",
                "write `{key: ..., operator: In, values: [...]}`",
                "empty-expression",
            )
            return
        expr = self.mapping(value, path, "this `matchExpressions` entry")
        if expr is None:
            return
        self.fields(expr, path, ("key", "operator", "values"), "a `matchExpressions` entry")
        key = expr.get("key")
        if key is None:
            self.error(
                path + ("key",),
                "this expression has no `key`",
                "write the label key it tests, e.g. `{key: app, operator: In, values: [web]}`",
                "missing-field",
            )
        else:
            key_text = self.string(key, path + ("key",), "key")
            if key_text is not None:
                problem = label_key_error(key_text)
                if problem:
                    self.error(
                        path + ("key",),
                        f"label key {show(key_text)} is not valid: it {problem}",
                        "a label key is a name of up to 63 characters, optionally after a "
                        "DNS-style prefix and '/', like `app` or `app.kubernetes.io/name`",
                        "bad-label-key",
                    )
        operator: str | None = None
        op_raw = expr.get("operator")
        if op_raw is None:
            self.error(
                path + ("operator",),
                "this expression has no `operator`",
                "use In, NotIn, Exists or DoesNotExist",
                "missing-field",
            )
        else:
            op_text = self.string(op_raw, path + ("operator",), "operator")
            if op_text is not None and op_text not in SELECTOR_OPERATORS:
                same = [op for op in SELECTOR_OPERATORS if op.lower() == op_text.lower()]
                hint = (
                    f"operators are case-sensitive: write `{same[0]}`"
                    if same
                    else "use In, NotIn, Exists or DoesNotExist"
                )
                self.error(
                    path + ("operator",),
                    f"{show(op_text)} is not a selector operator",
                    hint,
                    "bad-operator",
                )
            elif op_text is not None:
                operator = op_text
        raw_values = expr.get("values")
        values = self.seq(
            raw_values,
            path + ("values",),
            "values",
            f"`values` is a list even for one value: `values: [{raw_values}]`"
            if isinstance(raw_values, str)
            else None,
        )
        for i, val in enumerate(values or []):
            self.label_value(val, path + ("values", i), str(expr.get("key")))
        count = len(values or [])
        if operator in ("In", "NotIn") and count == 0:
            self.error(
                path + ("values",),
                f"operator {operator} needs at least one value",
                "list the values, e.g. `values: [web]`, or use Exists to test only for the key",
                "missing-values",
            )
        elif operator in ("Exists", "DoesNotExist") and count > 0:
            self.error(
                path + ("values",),
                f"operator {operator} tests only whether the key is present, so it takes no values",
                "remove `values`, or use In / NotIn to compare values",
                "unexpected-values",
            )
