"""Pydantic models of the manifests: the desired state, and the shape live state is normalised into.

External metrics and profiles use Genesys's own field names (camelCase, as in the API and its
docs); achievements use the snake_case payload of the WEM achievements API as seed 001 shows it.
Every model is strict: unknown keys are errors, so a typo never silently falls back to a default.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from ..kinds import Kind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, validate_default=True)


class _Camel(_Strict):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


# --- enums (values exactly as the Genesys API spells them) -------------------------------------


class Unit(StrEnum):
    SECONDS = "Seconds"
    PERCENT = "Percent"
    NUMBER = "Number"
    CURRENCY = "Currency"


class ObjectiveType(StrEnum):
    HIGHER_IS_BETTER = "HigherIsBetter"
    LOWER_IS_BETTER = "LowerIsBetter"
    TARGET_AREA = "TargetArea"


class ZoneType(StrEnum):
    GOOD = "Good"
    TARGET = "Target"
    GREAT = "Great"
    OUT = "Out"


class DirectionType(StrEnum):
    UP = "Up"
    DOWN = "Down"
    FLAT = "Flat"


class IntervalType(StrEnum):
    DAY = "Day"
    WEEK = "Week"
    MONTH = "Month"


class TimeDisplayUnit(StrEnum):
    NONE = "None"
    SECONDS = "Seconds"
    MINUTES = "Minutes"
    HOURS = "Hours"


class AchievementType(StrEnum):
    ACHIEVEMENT = "ACHIEVEMENT"


class CompletionType(StrEnum):
    ONCE = "ONCE"
    REPEATABLE = "REPEATABLE"


class ScopeType(StrEnum):
    ONCE = "ONCE"
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    ALL_TIME = "ALL_TIME"


class Operator(StrEnum):
    GT = "GT"
    GTE = "GTE"
    LT = "LT"
    LTE = "LTE"
    EQ = "EQ"


#: One line of visible text: a name is an identity matched against live objects, so a tab or a
#: newline in it (easy to miss in YAML) would never match what Genesys shows.
NAME_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NAME_PATTERN)]
#: A user's e-mail as Genesys stores it: one @, no spaces. Matched case-insensitively.
Email = Annotated[str, Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")]


def _not_a_boolean(value: object) -> object:
    # pydantic reads True as 1, and YAML reads yes/no/on/off as booleans: `precision: yes` would
    # silently become precision 1. A number field takes numbers only.
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got the boolean {str(value).lower()}")
    return value


#: Added last in a number's Annotated, so it runs first and the bounds before it stay plain
#: JSON Schema minimum/maximum.
NOT_BOOLEAN = BeforeValidator(_not_a_boolean)
#: The API's integers are int32: a larger value passes nothing but a 400 at apply time.
INT32_MAX = 2**31 - 1
Int32 = Annotated[int, Field(ge=-(2**31), le=INT32_MAX), NOT_BOOLEAN]
Precision = Annotated[int, Field(ge=0, le=5), NOT_BOOLEAN]
PositiveInt32 = Annotated[int, Field(ge=1, le=INT32_MAX), NOT_BOOLEAN]
TargetNumber = Annotated[int, Field(ge=0, le=1_000_000_000), NOT_BOOLEAN]


# --- external metric definitions ----------------------------------------------------------------


class ExternalMetric(_Camel):
    """An external metric definition (`/api/v2/employeeperformance/externalmetrics/definitions`)."""

    name: Name
    unit: Unit
    unit_definition: str | None = Field(
        default=None, description="Free text qualifying the unit, e.g. USD for Currency."
    )
    precision: Precision = Field(description="Decimal places shown, 0-5.")
    default_objective_type: ObjectiveType
    enabled: bool = True


# --- profiles and their metrics -------------------------------------------------------------------


class ReportingInterval(_Camel):
    interval_type: IntervalType
    interval_value: PositiveInt32


class Zone(_Camel):
    """One objective zone; values and points are integers in the Genesys API."""

    label: Name
    zone_type: ZoneType
    direction_type: DirectionType
    lower_limit_value: Int32 | None = None
    upper_limit_value: Int32 | None = None
    lower_limit_points: Int32
    upper_limit_points: Int32


class Target(_Strict):
    """The target shorthand: `{value: 10000, points: 100}` means "10,000 earns 100 points".

    `direction` defaults to the external metric's objective type; a native metric needs it.
    """

    # Bounded so every zone the shorthand expands to (up to 2 x value) fits the API's int32.
    value: TargetNumber
    points: TargetNumber
    direction: Literal["HigherIsBetter", "LowerIsBetter"] | None = None


class ProfileMetric(_Camel):
    """A metric inside a profile: what it measures (by name) and its objective."""

    name: Name
    external_metric: Name | None = Field(
        default=None, description="Name of an external metric declared in the manifests."
    )
    native_metric: Name | None = Field(
        default=None, description="Name of a native Genesys metric, e.g. Average Handle Time."
    )
    precision: Precision | None = None
    time_display_unit: TimeDisplayUnit | None = None
    enabled: bool = True
    target: Target | None = None
    zones: tuple[Zone, ...] | None = None

    @model_validator(mode="after")
    def _one_source_one_objective(self) -> ProfileMetric:
        if (self.external_metric is None) == (self.native_metric is None):
            raise ValueError("set exactly one of externalMetric or nativeMetric")
        if (self.target is None) == (self.zones is None):
            raise ValueError("set exactly one of target or zones")
        return self

    @property
    def measures(self) -> str:
        return self.external_metric or self.native_metric or ""


class Members(_Strict):
    """A profile's exact member set: users by e-mail plus the members of Genesys groups.

    Resolved against the org at plan time; absent on a profile means membership is not managed.
    """

    users: tuple[Email, ...] = Field(default=(), description="Users by e-mail address.")
    groups: tuple[Name, ...] = Field(
        default=(), description="Genesys group names; their direct members are included."
    )


class Profile(_Camel):
    """A gamification performance profile (`/api/v2/gamification/profiles`)."""

    name: Name
    # Genesys requires a non-blank description on create and on every PUT; refusing a missing one
    # here turns an apply-time 400 into a validate-time error with a file and line.
    description: str = Field(min_length=1, pattern=r"\S", description="Required by Genesys.")
    division: Name | None = Field(default=None, description="Division name; home by default.")
    reporting_intervals: tuple[ReportingInterval, ...] = Field(
        default=(ReportingInterval(interval_type=IntervalType.DAY, interval_value=30),),
        max_length=2,
    )
    max_leaderboard_rank_size: PositiveInt32 = 25
    active: bool = True
    metrics: tuple[ProfileMetric, ...] = Field(default=(), max_length=50)
    members: Members | None = Field(
        default=None, description="The exact member set; absent, membership is not managed."
    )


# --- achievements (seed 001) -------------------------------------------------------------------


class Trigger(_Strict):
    metric: Name = Field(description="Name of the metric (external or native) the trigger watches.")
    operator: Operator
    value: Annotated[float, Field(allow_inf_nan=False), NOT_BOOLEAN]
    sustained_days: PositiveInt32 | None = Field(
        default=None,
        description="Require the condition on this many consecutive days (hysteresis).",
    )


def _filled(text: str | None) -> bool:
    return text is not None and text.strip() != ""


class EmailChannel(_Strict):
    enabled: bool
    subject: str | None = None
    body: str | None = None

    @model_validator(mode="after")
    def _enabled_needs_text(self) -> EmailChannel:
        if self.enabled and not (_filled(self.subject) and _filled(self.body)):
            raise ValueError("an enabled email needs both subject and body (not blank)")
        return self


class PushChannel(_Strict):
    enabled: bool
    title: str | None = None
    body: str | None = None
    deep_link: str | None = None

    @model_validator(mode="after")
    def _enabled_needs_text(self) -> PushChannel:
        if self.enabled and not (_filled(self.title) and _filled(self.body)):
            raise ValueError("an enabled push needs both title and body (not blank)")
        return self


class Notifications(_Strict):
    """Every channel is required: tenant defaults drift between environments."""

    toast: bool
    email: EmailChannel
    push: PushChannel


class Achievement(_Strict):
    """An achievement with its notification templates (the WEM achievements API payload)."""

    name: Name
    description: str = ""
    type: AchievementType = AchievementType.ACHIEVEMENT
    completion_type: CompletionType
    scope_type: ScopeType
    trigger: Trigger
    notifications: Notifications


# --- the whole desired state ---

KINDS: tuple[str, ...] = ("externalMetrics", "profiles", "achievements")


class Resources(_Camel):
    """The resources of one environment after loading, merging and substitution."""

    external_metrics: tuple[ExternalMetric, ...] = ()
    profiles: tuple[Profile, ...] = ()
    achievements: tuple[Achievement, ...] = ()


#: Resource kinds as written in files -> (model, plan Kind), in dependency order.
KIND_MODELS: dict[str, tuple[type[BaseModel], Kind]] = {
    "externalMetrics": (ExternalMetric, Kind.EXTERNAL_METRIC),
    "profiles": (Profile, Kind.PROFILE),
    "achievements": (Achievement, Kind.ACHIEVEMENT),
}
