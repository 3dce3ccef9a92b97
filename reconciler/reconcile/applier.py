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

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from ..errors import ApiError, ApplyFailedError, UncertainWriteError
from ..kinds import Kind
from ..manifests.manifest import Manifest
from . import planner
from .live import LiveObject, LiveState, fetch
from .members_apply import ASSIGN, REMOVE, MembersRefused, MemberWrites, step_names
from .normalize import JSON
from .plan import WRITE_OPS, Action, Op, Plan
from .progress import Progress
from .report import ApplyResult, blocked_steps, write_report
from .resources.achievements import achievement_body
from .resources.external_metrics import external_metric_body, external_metric_patch
from .resources.profile_metrics import disable_metric_body, profile_metric_body
from .resources.profiles import profile_create_body, profile_put_body
from .saved_plan import check_saved_plan, refuse_replacements
from .steps import Step, StepFailed, phases
from .targets import Target, select
from .write_client import WriteClient

T = TypeVar("T")

#: How many times a create whose outcome was unknown (and is not found by name) is re-sent.
UNCERTAIN_CREATE_ATTEMPTS = 3


# --- the report ----------------------------------------------------------------------------


# --- saved plans -----------------------------------------------------------------------------


# --- payloads (genesys-api.md field names) ---------------------------------------------------


# --- execution -----------------------------------------------------------------------------


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
        names = {str(p.get("id")): str(p.get("name")) for p in live.profiles or []}
        declared = {profile.name for profile in manifest.resources.profiles}
        self.members = MemberWrites(client, live.directory(), names, declared)

    # helpers

    def live_object(self, action: Action) -> LiveObject:
        for obj in self.index.get((action.kind, action.name), []):
            if obj.id == action.live_id:
                return obj
        raise StepFailed(f"live object {action.live_id} is no longer in the org; run plan again")

    def id_of(self, kind: str, name: str) -> str:
        try:
            return self.ids[(kind, name)]
        except KeyError:
            raise StepFailed(f"no id for {kind} {name!r}: it was not created") from None

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
                    raise StepFailed(
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

    def steps(self) -> list[Step]:
        main: list[Step] = []
        activation: list[Step] = []
        for action in self.plan.actions:
            if action.op not in WRITE_OPS:
                continue
            builder = getattr(self, f"_{action.kind.name.lower()}_{action.op.name.lower()}")
            for step in builder(action):
                # A profile's (de)activation waits until its metrics exist; a removal does not.
                is_activation = step.name in ("activate", "deactivate")
                deferred = is_activation and action.op is not Op.DEACTIVATE
                (activation if deferred else main).append(step)
        # Every profile's member removals before any assignment: a user can move between them.
        members = [step for step in main if step.action.kind is Kind.PROFILE_MEMBERS]
        if members:
            at, main = main.index(members[0]), [s for s in main if s not in members]
            main[at:at] = sorted(members, key=lambda step: step.name == ASSIGN)
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

    def _external_metric_create(self, action: Action) -> list[Step]:
        desired = action.desired or {}

        def run() -> str:
            created = self.create(
                desired["name"],
                lambda: self.client.create_external_metric(external_metric_body(desired)),
                self.client.list_external_metrics,
            )
            self.ids[(Kind.EXTERNAL_METRIC.value, action.name)] = str(created["id"])
            return str(created["id"])

        return [Step(action, "create", run)]

    def _external_metric_update(self, action: Action) -> list[Step]:
        def run() -> str:
            assert action.live_id is not None
            self.client.patch_external_metric(action.live_id, external_metric_patch(action))
            return action.live_id

        return [Step(action, "update", run)]

    def _external_metric_replace(self, action: Action) -> list[Step]:
        def delete() -> str:
            assert action.live_id is not None
            self.delete(lambda: self.client.delete_external_metric(str(action.live_id)))
            return action.live_id

        return [Step(action, "delete", delete), *self._external_metric_create(action)]

    def _external_metric_deactivate(self, action: Action) -> list[Step]:
        def run() -> str:
            assert action.live_id is not None
            self.delete(lambda: self.client.delete_external_metric(str(action.live_id)))
            return action.live_id

        return [Step(action, "delete", run)]

    # profiles

    def _activation(self, action: Action, active: bool) -> Step:
        def run() -> str:
            profile_id = self.id_of(Kind.PROFILE.value, action.name)
            if active:
                self.client.activate_profile(profile_id)
            else:
                self.client.deactivate_profile(profile_id)
            return profile_id

        return Step(action, "activate" if active else "deactivate", run)

    def _profile_create(self, action: Action) -> list[Step]:
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

        steps = [Step(action, "create", run)]
        if desired.get("active"):
            steps.append(self._activation(action, True))
        return steps

    def _profile_update(self, action: Action) -> list[Step]:
        desired = action.desired or {}
        paths = {change.path.split(".")[0].split("[")[0] for change in action.changes}
        steps = []
        if paths - {"active"}:

            def run() -> str:
                live = self.live_object(action)
                self.client.update_profile(live.id, profile_put_body(desired, live.raw))
                return live.id

            steps.append(Step(action, "update", run))
        if "active" in paths:
            steps.append(self._activation(action, bool(desired.get("active"))))
        return steps

    def _profile_deactivate(self, action: Action) -> list[Step]:
        def run() -> str:
            assert action.live_id is not None
            self.client.deactivate_profile(action.live_id)
            return action.live_id

        return [Step(action, "deactivate", run)]

    # profile metrics

    def _profile_metric_create(self, action: Action) -> list[Step]:
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

        return [Step(action, "create", run)]

    def _profile_metric_update(self, action: Action) -> list[Step]:
        desired = action.desired or {}

        def run() -> str:
            live = self.live_object(action)
            profile_id = self.id_of(Kind.PROFILE.value, desired["profile"])
            body = profile_metric_body(desired, self.measured(desired), live.raw)
            self.client.update_profile_metric(profile_id, live.id, body)
            return live.id

        return [Step(action, "update", run)]

    def _profile_metric_deactivate(self, action: Action) -> list[Step]:
        def run() -> str:
            live = self.live_object(action)
            profile_id = str(live.raw.get("performanceProfileId") or "")
            if not profile_id:
                profile_id = self.id_of(Kind.PROFILE.value, action.name.split("/", 1)[0])
            self.client.update_profile_metric(profile_id, live.id, disable_metric_body(live.raw))
            return live.id

        return [Step(action, "disable", run)]

    def _profile_members_update(self, action: Action) -> list[Step]:
        def step(name: str, write: Callable[[str, Action], None]) -> Step:
            def run() -> str:
                profile_id = self.id_of(Kind.PROFILE.value, action.name)
                write(profile_id, action)
                return profile_id

            return Step(action, name, run)

        writes = {REMOVE: self.members.remove, ASSIGN: self.members.assign}
        return [step(name, writes[name]) for name in step_names(action)]

    # achievements

    def _achievement_create(self, action: Action) -> list[Step]:
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

        return [Step(action, "create", run)]

    def _achievement_update(self, action: Action) -> list[Step]:
        desired = action.desired or {}

        def run() -> str:
            assert action.live_id is not None
            metric_id = self.trigger_metric_id(desired["trigger"]["metric"])
            body = achievement_body(desired, metric_id, for_patch=True)
            self.client.update_achievement(action.live_id, body)
            return action.live_id

        return [Step(action, "update", run)]

    def _achievement_deactivate(self, action: Action) -> list[Step]:
        def run() -> str:
            assert action.live_id is not None
            self.delete(lambda: self.client.delete_achievement(str(action.live_id)))
            return action.live_id

        return [Step(action, "delete", run)]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def execute(
    plan: Plan,
    live: LiveState,
    manifest: Manifest,
    client: WriteClient,
    *,
    report_path: Path | None = None,
    progress: Progress | None = None,
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
    result.steps = [step.result for step in steps] + blocked_steps(plan)
    stop = threading.Event()
    if progress is not None:
        progress.begin(len(steps))

    def run(group: list[Step]) -> None:
        for step in group:
            if stop.is_set():
                return
            step.result.status = "unknown"  # until the write answers
            if progress is not None:
                progress.started(step.result)
            began = time.monotonic()
            try:
                step.result.live_id = step.run()
            except (StepFailed, ApiError, MembersRefused) as error:
                step.result.status = "failed"
                step.result.error = str(error)
                stop.set()
            else:
                step.result.status = "succeeded"
            if progress is not None:
                progress.finished(step.result, time.monotonic() - began)
            if stop.is_set():
                return

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
        if progress is not None:
            progress.end(result)
    return result


def apply(
    manifest: Manifest,
    client: WriteClient,
    *,
    saved: Plan | None = None,
    allow_replace: bool = False,
    report_path: Path | None = None,
    on_plan: Callable[[Plan], None] | None = None,
    targets: Sequence[Target] = (),
    progress: Progress | None = None,
) -> ApplyResult:
    """Re-plan (or check a saved plan), apply it, write the report; ApplyFailedError on failure.

    `on_plan` sees the plan before anything is written (the command prints it there, and asks
    for approval: it raises to stop). `targets` narrows a fresh plan (a saved plan was narrowed
    when it was made, and is applied exactly).
    """
    live = fetch(client, manifest)
    allowed = allow_replace or manifest.environment.policy.allow_replace
    if saved is not None:
        check_saved_plan(saved, manifest, live)
        plan = saved
    else:
        plan = planner.plan(manifest, live, allow_replace=allowed)
        plan = select(plan, targets, live, live.lookup(manifest))
    if on_plan is not None:
        on_plan(plan)
    refuse_replacements(plan, allowed)
    result = execute(plan, live, manifest, client, report_path=report_path, progress=progress)
    if result.failed:
        # Everything else was applied; a blocked object fails the run after the writes.
        failed = next((step for step in result.steps if step.status == "failed"), None)
        if failed is not None:
            what = f" {failed.address} ({failed.step}): {failed.error}"
        else:
            what = f" {plan.blocked_error() or ''}".rstrip()
        where = f"; report: {report_path}" if report_path else ""
        raise ApplyFailedError(
            f"{result.summary()}{what}{where}",
            report_path=str(report_path) if report_path else None,
        )
    return result
