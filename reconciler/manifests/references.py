"""Cross-references between declared objects, by name, checked on the located nodes."""

from __future__ import annotations

from .locate import items_of, name_of
from .models import Resources
from .problems import Problems
from .suggest import close_match, did_you_mean
from .yamlsource import Node

#: Genesys's limit of external metric definitions per organization (genesys-api.md section 1.2).
MAX_EXTERNAL_METRICS = 50


def check_references(
    resources: Resources, merged: dict[str, dict[str, Node]], problems: Problems
) -> None:
    # Declared names, valid or not: an invalid definition is reported once, by itself.
    external = set(merged["externalMetrics"])
    if len(resources.external_metrics) > MAX_EXTERNAL_METRICS:
        extra = resources.external_metrics[MAX_EXTERNAL_METRICS]
        node = merged["externalMetrics"][extra.name]
        problems.add(
            node.mapping()["name"].loc,
            f"externalMetrics[{extra.name}]",
            f"{len(resources.external_metrics)} external metrics declared; Genesys allows "
            f"{MAX_EXTERNAL_METRICS} per organization",
        )
    # From the located nodes, so an invalid profile's metrics are checked in the same run.
    for profile_name, node in merged["profiles"].items():
        seen: set[str] = set()
        for metric_node in items_of(node.mapping().get("metrics")):
            name = name_of(metric_node)
            if name is None:
                continue
            path = f"profiles[{profile_name}].metrics[{name}]"
            if name in seen:
                problems.add(
                    metric_node.mapping()["name"].loc,
                    f"{path}.name",
                    f"duplicate metric name {name!r} in this profile",
                )
            seen.add(name)
            fields = metric_node.mapping()
            ref = fields.get("externalMetric") or fields.get("external_metric")
            if ref is None or not isinstance(ref.value, str) or not ref.value.strip():
                continue  # a missing or mistyped value is the model's to report
            if ref.value not in external:
                problems.add(
                    ref.loc,
                    f"{path}.externalMetric",
                    f"external metric {ref.value!r} is not declared in this environment"
                    f"{did_you_mean(ref.value, external)}",
                )
    external_names = list(external)
    for achievement in resources.achievements:
        metric_name = achievement.trigger.metric
        if metric_name in external:
            continue
        # Not declared: a native metric (checked against the org at plan time) — unless it is
        # so close to a declared external metric that it is almost certainly a typo of one.
        close = close_match(metric_name, external_names, 0.85)
        if close:
            node = merged["achievements"][achievement.name]
            trigger = node.mapping()["trigger"].mapping()
            problems.add(
                trigger["metric"].loc,
                f"achievements[{achievement.name}].trigger.metric",
                f"external metric {metric_name!r} is not declared in this environment "
                f"(did you mean {close!r}?)",
            )
