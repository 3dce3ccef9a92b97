"""Apply a Plan: write exactly its actions, in order, stop at the first failure, report honestly.

Order: external metrics -> profiles -> profile metrics -> activation -> achievements ->
removals (the plan's order, with profile activation moved after the metrics so agents never
see an active profile without its metrics). Ids flow forward: a profile metric created in the
same run gets the id of the profile and of the external metric created just before it.

Each write is one step; the apply report lists every step as succeeded, failed (with the
error) or not attempted. Re-running converges, because the next plan starts from what the org
now holds. A create whose response was lost (UncertainWriteError) is looked up by name before
it is sent again, so a retry never makes a duplicate.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError

from ..errors import ApiError, ApplyFailedError, PlanRefusedError, UncertainWriteError, UsageError
from ..kinds import Kind
from ..manifests.manifest import Manifest
from . import planner
from .live import JSON, LiveObject, LiveState, ReadClient, fetch, fingerprint
from .plan import FORMAT_VERSION, WRITE_OPS, Action, Op, Plan

T = TypeVar("T")

#: How many times a create whose outcome was unknown (and is not found by name) is re-sent.
UNCERTAIN_CREATE_ATTEMPTS = 3


class WriteClient(ReadClient, Protocol):
    """The part of `reconciler.client.GenesysClient` that apply uses."""

    def create_external_metric(self, body: JSON) -> JSON: ...
    def patch_external_metric(self, metric_id: str, body: JSON) -> JSON: ...
    def delete_external_metric(self, metric_id: str) -> None: ...
    def create_profile(self, body: JSON, copy_metrics: bool = False) -> JSON: ...
    def update_profile(self, profile_id: str, body: JSON) -> JSON: ...
    def activate_profile(self, profile_id: str) -> JSON: ...
    def deactivate_profile(self, profile_id: str) -> JSON: ...
    def create_profile_metric(self, profile_id: str, body: JSON) -> JSON: ...
    def update_profile_metric(self, profile_id: str, metric_id: str, body: JSON) -> JSON: ...
    def create_achievement(self, body: JSON) -> JSON: ...
    def update_achievement(self, achievement_id: str, body: JSON) -> JSON: ...
    def delete_achievement(self, achievement_id: str) -> None: ...


# --- the report ----------------------------------------------------------------------------


@dataclass
class StepResult:
    address: str
    op: Op
    step: str
    # succeeded | failed | not attempted | unknown (interrupted while the write was in flight)
    status: str = "not attempted"
    live_id: str | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "op": self.op.value,
            "step": self.step,
            "status": self.status,
            "live_id": self.live_id,
            "error": self.error,
        }


@dataclass
class ApplyResult:
    environment: str
    steps: list[StepResult] = field(default_factory=list)
    started: str = ""
    finished: str = ""
    interrupted: bool = False

    @property
    def failed(self) -> bool:
        return self.interrupted or any(step.status == "failed" for step in self.steps)

    @property
    def writes(self) -> int:
        return sum(1 for step in self.steps if step.status != "not attempted")

    def counts(self) -> dict[str, int]:
        result = {"succeeded": 0, "failed": 0, "unknown": 0, "not attempted": 0}
        for step in self.steps:
            result[step.status] += 1
        return result

    def to_json(self) -> str:
        data = {
            "format_version": FORMAT_VERSION,
            "environment": self.environment,
            "started": self.started,
            "finished": self.finished,
            "status": "interrupted"
            if self.interrupted
            else ("failed" if self.failed else "succeeded"),
            "counts": self.counts(),
            "steps": [step.as_dict() for step in self.steps],
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def summary(self) -> str:
        c = self.counts()
        verdict = "Apply interrupted" if self.interrupted else "Apply failed"
        if not self.failed:
            verdict = "Apply complete"
        unknown = f"{c['unknown']} unknown, " if c["unknown"] else ""
        return (
            f"{verdict}: {c['succeeded']} succeeded, {c['failed']} failed, {unknown}"
            f"{c['not attempted']} not attempted."
        )


def write_report(result: ApplyResult, path: Path) -> None:
    """Atomically: a reader (or a crash) never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(result.to_json())
    os.replace(tmp, path)


def prepare_report(path: Path) -> None:
    """Fail before any write if the report cannot be written (it is written even on Ctrl-C)."""
    probe = path.with_name(f".{path.name}.{os.getpid()}.probe")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe.write_text("")
        probe.unlink()
    except OSError as error:
        raise UsageError(
            f"cannot write the apply report {path}: {error.strerror or error}"
        ) from None


def default_report_path(root: Path, env: str) -> Path:
    return root / ".reconciler" / env / "apply-report.json"


# --- saved plans -----------------------------------------------------------------------------


def check_saved_plan(saved: Plan, manifest: Manifest, live: LiveState) -> None:
    """Refuse a saved plan made for other manifests or against live objects that changed since."""
    if saved.format_version != FORMAT_VERSION:
        raise PlanRefusedError(
            f"saved plan has format_version {saved.format_version}; this reconciler reads "
            f"{FORMAT_VERSION}: run plan again"
        )
    if saved.environment != manifest.name:
        raise PlanRefusedError(
            f"saved plan is for environment {saved.environment!r}, not {manifest.name!r}"
        )
    if saved.manifest_checksum != manifest.checksum():
        raise PlanRefusedError(
            "Saved plan is stale: the manifests changed since it was made; run plan again"
        )
    index = live.index(live.lookup(manifest))
    if fingerprint(index, planner.touched(saved.actions)) != saved.live_fingerprint:
        raise PlanRefusedError(
            "Saved plan is stale: objects it changes were changed in the org since it was "
            "made; run plan again"
        )
    # The checksums cover the manifests and the live objects, not the actions: a plan file
    # edited by hand (another id, another value) must not be applied as if it had been planned.
    fresh = {_essence(a) for a in planner.plan(manifest, live, allow_replace=True).actions}
    if any(_essence(a) not in fresh for a in saved.actions if a.op in WRITE_OPS):
        raise PlanRefusedError(
            "Saved plan is stale: its actions differ from what planning now gives for the "
            "objects it changes (the file was edited, or the org changed since); run plan again"
        )


def _essence(action: Action) -> str:
    """What an action writes; its reason and source line are commentary."""
    data = action.model_dump(mode="json", exclude={"reason", "source"})
    return json.dumps(data, sort_keys=True)


def read_saved_plan(path: Path) -> Plan:
    """A plan saved by `plan --out`; anything else is a usage error, not a traceback."""
    try:
        return Plan.from_json(path.read_text())
    except OSError as error:
        raise UsageError(f"cannot read the saved plan {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(
            f"{path} is not a saved plan (not UTF-8 text); "
            "make one with: reconciler plan --out FILE"
        ) from None
    except ValidationError as error:
        raise UsageError(
            f"{path} is not a saved plan ({error.error_count()} problem(s)); "
            "make one with: reconciler plan --out FILE"
        ) from None


def refuse_replacements(plan: Plan, allowed: bool) -> None:
    replaces = [a.address for a in plan.actions if a.op is Op.REPLACE]
    if replaces and not allowed:
        raise PlanRefusedError(
            "the plan replaces (deletes and re-creates, with a new id) "
            + ", ".join(replaces)
            + "; run with --allow-replace or set policy.allow_replace"
        )


# --- payloads (genesys-api.md field names) ---------------------------------------------------


def _without_none(data: Mapping[str, Any]) -> JSON:
    return {
        key: _without_none(value) if isinstance(value, Mapping) else value
        for key, value in data.items()
        if value is not None
    }


def external_metric_body(desired: Mapping[str, Any]) -> JSON:
    keys = ("name", "unit", "unitDefinition", "precision", "defaultObjectiveType", "enabled")
    return _without_none({key: desired.get(key) for key in keys})


#: Fields PATCH accepts; unit and unitDefinition are immutable (a change is a replace).
PATCHABLE = ("name", "precision", "defaultObjectiveType", "enabled")


def external_metric_patch(action: Action) -> JSON:
    desired = action.desired or {}
    changed = {change.path.split(".")[0].split("[")[0] for change in action.changes}
    return {key: desired.get(key) for key in PATCHABLE if key in changed}


def profile_create_body(desired: Mapping[str, Any], division_id: str) -> JSON:
    # Created inactive: activation is its own step, after the profile's metrics exist.
    return {
        "name": desired["name"],
        "description": desired.get("description") or "",
        "division": {"id": division_id},
        "reportingIntervals": list(desired.get("reportingIntervals") or []),
        "active": False,
        "maxLeaderboardRankSize": desired["maxLeaderboardRankSize"],
    }


def profile_put_body(desired: Mapping[str, Any], live_raw: Mapping[str, Any]) -> JSON:
    # PUT is a full replace; metricOrders must list the profile's metrics as they are now.
    return {
        "name": desired["name"],
        "description": desired.get("description") or "",
        "metricOrders": list(live_raw.get("metricOrders") or []),
        "reportingIntervals": list(desired.get("reportingIntervals") or []),
        "maxLeaderboardRankSize": desired["maxLeaderboardRankSize"],
    }


_OBJECTIVE_KEPT = (
    "templateId",
    "mediaTypes",
    "topicIdsFilterType",
    "evaluationFormContextIds",
    "initialDirection",
)


def objective_body(
    zones: Iterable[Mapping[str, Any]], enabled: bool, live_objective: Mapping[str, Any] | None
) -> JSON:
    """The objective to send: managed zones/enabled, plus the live settings the manifest does
    not manage (queues, media types, template), so a full PUT does not wipe them."""
    body: JSON = {}
    for key in _OBJECTIVE_KEPT:
        if live_objective and live_objective.get(key) is not None:
            body[key] = live_objective[key]
    if live_objective and live_objective.get("queues"):
        body["queueIds"] = [q.get("id") for q in live_objective["queues"]]
    if live_objective and live_objective.get("topics"):
        body["topicIds"] = [t.get("id") for t in live_objective["topics"]]
    body["enabled"] = enabled
    body["zones"] = [_without_none(zone) for zone in zones]
    return body


def profile_metric_body(
    desired: Mapping[str, Any], measured: tuple[str, str], live_raw: Mapping[str, Any] | None
) -> JSON:
    id_field, measured_id = measured
    body: JSON = {"name": desired["name"], id_field: measured_id}
    if desired.get("precision") is not None:
        body["precision"] = desired["precision"]
    if desired.get("timeDisplayUnit") is not None:
        body["timeDisplayUnit"] = desired["timeDisplayUnit"]
    live_objective = (live_raw or {}).get("objective")
    body["objective"] = objective_body(desired["zones"], desired["enabled"], live_objective)
    return body


def disable_metric_body(live_raw: Mapping[str, Any]) -> JSON:
    id_field = (
        "externalMetricDefinitionId"
        if live_raw.get("externalMetricDefinitionId")
        else "metricDefinitionId"
    )
    objective = live_raw.get("objective") or {}
    body: JSON = {"name": live_raw["name"], id_field: live_raw[id_field]}
    for key in ("precision", "timeDisplayUnit"):
        if live_raw.get(key) is not None:
            body[key] = live_raw[key]
    body["objective"] = objective_body(objective.get("zones") or [], False, objective)
    return body


def achievement_body(desired: Mapping[str, Any], metric_id: str, *, for_patch: bool) -> JSON:
    """Seed 001's payload. PATCH is a merge patch: nulls are sent so cleared fields clear."""
    trigger = desired["trigger"]
    body: JSON = {
        "name": desired["name"],
        "description": desired.get("description") or "",
        "type": desired["type"],
        "completion_type": desired["completion_type"],
        "scope_type": desired["scope_type"],
        "trigger": {
            "metric_id": metric_id,
            "condition": {"operator": trigger["operator"], "value": trigger["value"]},
            "sustained_days": trigger.get("sustained_days"),
        },
        "notifications": desired["notifications"],
    }
    return body if for_patch else _without_none(body)


# --- execution -----------------------------------------------------------------------------


class _Failed(Exception):
    """Internal: a step failed; the message is what the report says."""


@dataclass
class _Step:
    action: Action
    name: str
    run: Callable[[], str | None]  # returns the live id it produced or acted on
    result: StepResult = field(init=False)

    def __post_init__(self) -> None:
        self.result = StepResult(self.action.address, self.action.op, self.name)


class _Applier:
    def __init__(self, plan: Plan, live: LiveState, manifest: Manifest, client: WriteClient):
        self.plan = plan
        self.client = client
        lookup = live.lookup(manifest)
        self.index = live.index(lookup)
        self.ids: dict[tuple[str, str], str] = {}
        for (kind, name), objs in self.index.items():
            if len(objs) == 1:
                self.ids[(kind.value, name)] = objs[0].id
        for definition in live.metric_definitions:
            self.ids.setdefault(("native", str(definition.get("name"))), str(definition.get("id")))
        for division in live.divisions:
            self.ids[("division", str(division.get("name")))] = str(division.get("id"))
        if lookup.home_division and live.home_division:
            self.ids[("division", lookup.home_division)] = str(live.home_division.get("id"))

    # helpers

    def live_object(self, action: Action) -> LiveObject:
        for obj in self.index.get((action.kind, action.name), []):
            if obj.id == action.live_id:
                return obj
        raise _Failed(f"live object {action.live_id} is no longer in the org; run plan again")

    def id_of(self, kind: str, name: str) -> str:
        try:
            return self.ids[(kind, name)]
        except KeyError:
            raise _Failed(f"no id for {kind} {name!r}: it was not created") from None

    def measured(self, desired: Mapping[str, Any]) -> tuple[str, str]:
        if desired.get("externalMetric"):
            return (
                "externalMetricDefinitionId",
                self.id_of(Kind.EXTERNAL_METRIC.value, desired["externalMetric"]),
            )
        return "metricDefinitionId", self.id_of("native", desired["nativeMetric"])

    def trigger_metric_id(self, name: str) -> str:
        if (Kind.EXTERNAL_METRIC.value, name) in self.ids:
            return self.ids[(Kind.EXTERNAL_METRIC.value, name)]
        return self.id_of("native", name)

    def create(self, name: str, post: Callable[[], JSON], find: Callable[[], list[JSON]]) -> JSON:
        """POST; if its outcome is unknown, look the object up by name before sending again."""
        last: UncertainWriteError | None = None
        for _ in range(UNCERTAIN_CREATE_ATTEMPTS):
            try:
                return post()
            except UncertainWriteError as error:
                last = error
                existing = [obj for obj in find() if obj.get("name") == name]
                if len(existing) == 1:
                    return existing[0]
                if len(existing) > 1:
                    raise _Failed(
                        f"{len(existing)} objects named {name!r} exist after a lost "
                        "response; resolve the duplicate by hand"
                    ) from error
        assert last is not None
        raise last

    def delete(self, call: Callable[[], None]) -> None:
        try:
            call()
        except ApiError as error:
            # Gone already (deleted in the org since the plan was read): what was asked for.
            # The client covers the other 404, its own retry after a lost DELETE answer.
            if error.status != 404:
                raise

    # steps per kind

    def steps(self) -> list[_Step]:
        main: list[_Step] = []
        activation: list[_Step] = []
        for action in self.plan.actions:
            if action.op not in WRITE_OPS:
                continue
            builder = getattr(self, f"_{action.kind.name.lower()}_{action.op.name.lower()}")
            for step in builder(action):
                # A profile's (de)activation waits until its metrics exist; a removal does not.
                is_activation = step.name in ("activate", "deactivate")
                deferred = is_activation and action.op is not Op.DEACTIVATE
                (activation if deferred else main).append(step)
        # Activation after every profile metric, before achievements and removals.
        cut = next(
            (
                i
                for i, step in enumerate(main)
                if step.action.kind is Kind.ACHIEVEMENT or step.action.op is Op.DEACTIVATE
            ),
            len(main),
        )
        return main[:cut] + activation + main[cut:]

    # external metrics

    def _external_metric_create(self, action: Action) -> list[_Step]:
        desired = action.desired or {}

        def run() -> str:
            created = self.create(
                desired["name"],
                lambda: self.client.create_external_metric(external_metric_body(desired)),
                self.client.list_external_metrics,
            )
            self.ids[(Kind.EXTERNAL_METRIC.value, action.name)] = str(created["id"])
            return str(created["id"])

        return [_Step(action, "create", run)]

    def _external_metric_update(self, action: Action) -> list[_Step]:
        def run() -> str:
            assert action.live_id is not None
            self.client.patch_external_metric(action.live_id, external_metric_patch(action))
            return action.live_id

        return [_Step(action, "update", run)]

    def _external_metric_replace(self, action: Action) -> list[_Step]:
        def delete() -> str:
            assert action.live_id is not None
            self.delete(lambda: self.client.delete_external_metric(str(action.live_id)))
            return action.live_id

        return [_Step(action, "delete", delete), *self._external_metric_create(action)]

    def _external_metric_deactivate(self, action: Action) -> list[_Step]:
        def run() -> str:
            assert action.live_id is not None
            self.delete(lambda: self.client.delete_external_metric(str(action.live_id)))
            return action.live_id

        return [_Step(action, "delete", run)]

    # profiles

    def _activation(self, action: Action, active: bool) -> _Step:
        def run() -> str:
            profile_id = self.id_of(Kind.PROFILE.value, action.name)
            if active:
                self.client.activate_profile(profile_id)
            else:
                self.client.deactivate_profile(profile_id)
            return profile_id

        return _Step(action, "activate" if active else "deactivate", run)

    def _profile_create(self, action: Action) -> list[_Step]:
        desired = action.desired or {}

        def run() -> str:
            division_id = self.id_of("division", desired["division"])
            created = self.create(
                desired["name"],
                lambda: self.client.create_profile(
                    profile_create_body(desired, division_id), copy_metrics=False
                ),
                self.client.list_profiles,
            )
            self.ids[(Kind.PROFILE.value, action.name)] = str(created["id"])
            return str(created["id"])

        steps = [_Step(action, "create", run)]
        if desired.get("active"):
            steps.append(self._activation(action, True))
        return steps

    def _profile_update(self, action: Action) -> list[_Step]:
        desired = action.desired or {}
        paths = {change.path.split(".")[0].split("[")[0] for change in action.changes}
        steps = []
        if paths - {"active"}:

            def run() -> str:
                live = self.live_object(action)
                self.client.update_profile(live.id, profile_put_body(desired, live.raw))
                return live.id

            steps.append(_Step(action, "update", run))
        if "active" in paths:
            steps.append(self._activation(action, bool(desired.get("active"))))
        return steps

    def _profile_deactivate(self, action: Action) -> list[_Step]:
        def run() -> str:
            assert action.live_id is not None
            self.client.deactivate_profile(action.live_id)
            return action.live_id

        return [_Step(action, "deactivate", run)]

    # profile metrics

    def _profile_metric_create(self, action: Action) -> list[_Step]:
        desired = action.desired or {}

        def run() -> str:
            profile_id = self.id_of(Kind.PROFILE.value, desired["profile"])
            body = profile_metric_body(desired, self.measured(desired), None)
            created = self.create(
                desired["name"],
                lambda: self.client.create_profile_metric(profile_id, body),
                lambda: self.client.list_profile_metrics(profile_id),
            )
            return str(created["id"])

        return [_Step(action, "create", run)]

    def _profile_metric_update(self, action: Action) -> list[_Step]:
        desired = action.desired or {}

        def run() -> str:
            live = self.live_object(action)
            profile_id = self.id_of(Kind.PROFILE.value, desired["profile"])
            body = profile_metric_body(desired, self.measured(desired), live.raw)
            self.client.update_profile_metric(profile_id, live.id, body)
            return live.id

        return [_Step(action, "update", run)]

    def _profile_metric_deactivate(self, action: Action) -> list[_Step]:
        def run() -> str:
            live = self.live_object(action)
            profile_id = str(live.raw.get("performanceProfileId") or "")
            if not profile_id:
                profile_id = self.id_of(Kind.PROFILE.value, action.name.split("/", 1)[0])
            self.client.update_profile_metric(profile_id, live.id, disable_metric_body(live.raw))
            return live.id

        return [_Step(action, "disable", run)]

    # achievements

    def _achievement_create(self, action: Action) -> list[_Step]:
        desired = action.desired or {}

        def run() -> str:
            metric_id = self.trigger_metric_id(desired["trigger"]["metric"])
            body = achievement_body(desired, metric_id, for_patch=False)
            created = self.create(
                desired["name"],
                lambda: self.client.create_achievement(body),
                self.client.list_achievements,
            )
            return str(created["id"])

        return [_Step(action, "create", run)]

    def _achievement_update(self, action: Action) -> list[_Step]:
        desired = action.desired or {}

        def run() -> str:
            assert action.live_id is not None
            metric_id = self.trigger_metric_id(desired["trigger"]["metric"])
            body = achievement_body(desired, metric_id, for_patch=True)
            self.client.update_achievement(action.live_id, body)
            return action.live_id

        return [_Step(action, "update", run)]

    def _achievement_deactivate(self, action: Action) -> list[_Step]:
        def run() -> str:
            assert action.live_id is not None
            self.delete(lambda: self.client.delete_achievement(str(action.live_id)))
            return action.live_id

        return [_Step(action, "delete", run)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def phases(steps: list[_Step]) -> list[list[list[_Step]]]:
    """Consecutive steps of one kind and stage, grouped per action.

    Actions inside a phase do not depend on each other (their dependencies ran in an earlier
    phase), so they run concurrently; one action's own steps (delete, then create) stay in order.
    """
    result: list[list[list[_Step]]] = []
    last_key: tuple[Kind, bool, bool] | None = None
    for step in steps:
        removal = step.action.op is Op.DEACTIVATE
        activation = step.name in ("activate", "deactivate") and not removal
        key = (step.action.kind, removal, activation)
        if key != last_key:
            result.append([])
            last_key = key
        groups = result[-1]
        if groups and groups[-1][0].action is step.action:
            groups[-1].append(step)
        else:
            groups.append([step])
    return result


def execute(
    plan: Plan,
    live: LiveState,
    manifest: Manifest,
    client: WriteClient,
    *,
    report_path: Path | None = None,
) -> ApplyResult:
    """Run the plan's write steps phase by phase; stop at the first failure.

    Within a phase, actions run on a pool as wide as the client's concurrency (its rate
    limiter keeps the pool under the limit). After a failure no new step starts; steps already
    in flight finish and are reported as they ended. An interruption (Ctrl-C, SIGTERM from a
    cancelled CI job) cancels what has not started, marks writes in flight as unknown and still
    writes the report. Never raises ApiError: failures are in the result.
    """
    applier = _Applier(plan, live, manifest, client)
    result = ApplyResult(plan.environment, started=_now())
    steps = applier.steps()
    result.steps = [step.result for step in steps]
    stop = threading.Event()

    def run(group: list[_Step]) -> None:
        for step in group:
            if stop.is_set():
                return
            step.result.status = "unknown"  # until the write answers
            try:
                step.result.live_id = step.run()
            except (_Failed, ApiError) as error:
                step.result.status = "failed"
                step.result.error = str(error)
                stop.set()
                return
            step.result.status = "succeeded"

    workers = max(1, int(getattr(client, "max_concurrency", 4)))
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apply") as pool:
            for phase in phases(steps):
                if stop.is_set():
                    break
                futures = [pool.submit(run, group) for group in phase]
                try:
                    for future in futures:
                        future.result()
                except BaseException:
                    stop.set()
                    for future in futures:
                        future.cancel()
                    raise
    except BaseException:
        result.interrupted = True
        raise
    finally:
        result.finished = _now()
        if report_path is not None:
            write_report(result, report_path)
    return result


def apply(
    manifest: Manifest,
    client: WriteClient,
    *,
    saved: Plan | None = None,
    allow_replace: bool = False,
    report_path: Path | None = None,
    on_plan: Callable[[Plan], None] | None = None,
) -> ApplyResult:
    """Re-plan (or check a saved plan), apply it, write the report; ApplyFailedError on failure.

    `on_plan` sees the plan before anything is written (the command prints it there).
    """
    live = fetch(client, manifest)
    allowed = allow_replace or manifest.environment.policy.allow_replace
    if saved is not None:
        check_saved_plan(saved, manifest, live)
        plan = saved
    else:
        plan = planner.plan(manifest, live, allow_replace=allowed)
    if on_plan is not None:
        on_plan(plan)
    refuse_replacements(plan, allowed)
    result = execute(plan, live, manifest, client, report_path=report_path)
    if result.failed:
        failed = next(step for step in result.steps if step.status == "failed")
        where = f"; report: {report_path}" if report_path else ""
        raise ApplyFailedError(
            f"{result.summary()} {failed.address} ({failed.step}): {failed.error}{where}",
            report_path=str(report_path) if report_path else None,
        )
    return result
