"""The model of `environments/<env>/environment.yaml`: target org, policy, variables."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .models import PositiveInt32

DEFAULT_ACHIEVEMENTS_PATH = "/api/v2/wem/achievements"
DEFAULT_STATE = ".reconciler/emulator-state.json"

Scalar = str | int | float | bool
#: What `${var.NAME}` can reference (loader._VAR): a variable named otherwise could never be used.
VariableName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EmbeddedEmulator(_Strict):
    """Run against the emulator in-process, its state persisted to `state` between runs."""

    state: str = Field(
        default=DEFAULT_STATE,
        description="State file, relative to the folder that holds environments/.",
    )

    @field_validator("state")
    @classmethod
    def _inside_root(cls, value: str) -> str:
        path = PurePosixPath(value.replace("\\", "/"))
        if not value.strip() or path.is_absolute() or ".." in path.parts or ":" in value:
            raise ValueError(
                f"must be a relative path inside the project (e.g. {DEFAULT_STATE}), "
                f"not {value!r}: apply writes this file"
            )
        return value


class Target(_Strict):
    """Exactly one of: a Genesys region, an explicit base URL, or the embedded emulator."""

    region: str | None = Field(
        default=None,
        description="Region name as Genesys's Terraform provider spells it, e.g. us-east-1. "
        "GENESYSCLOUD_REGION overrides it.",
    )
    base_url: str | None = Field(
        default=None, description="Explicit API base URL, e.g. a loopback emulator."
    )
    emulator: EmbeddedEmulator | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Target:
        chosen = [x for x in (self.region, self.base_url, self.emulator) if x is not None]
        if len(chosen) != 1:
            raise ValueError("set exactly one of region, base_url or emulator")
        return self


class Policy(_Strict):
    """What apply may do beyond creating and updating."""

    allow_removals: bool = Field(
        default=False,
        description="Deactivate profiles, disable profile metrics and delete external metrics "
        "and achievements that no manifest declares.",
    )
    allow_replace: bool = Field(
        default=False,
        description="Allow delete + create of an external metric whose unit changed "
        "(also --allow-replace).",
    )
    protected: tuple[str, ...] = Field(
        default=(), description="Names of live objects the tool must never change or remove."
    )


class Push(_Strict):
    """Settings of the KPI push for this environment."""

    time_zone: str = Field(
        default="UTC",
        description="IANA zone used for agents with no WFM business unit (the org's zone).",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder of zones
            raise ValueError(
                f"unknown IANA time zone {value!r} (e.g. America/New_York, Europe/London)"
            ) from None
        return value


class Environment(_Strict):
    """An environment: its target org, policy, variables and what it extends."""

    extends: str | None = Field(
        default=None, description="Environment whose resources are the base."
    )
    target: Target
    policy: Policy = Policy()
    variables: dict[VariableName, Scalar] = Field(
        default_factory=dict, description="Values substituted for ${var.NAME} in resource files."
    )
    achievements_path: Annotated[str, Field(pattern=r"^/")] | None = Field(
        default=DEFAULT_ACHIEVEMENTS_PATH,
        description="Base path of the achievements API, which Genesys's published API does "
        "not have. null: achievements are not managed in this environment (still validated "
        "and linted; plan, apply, drift and export never call that API).",
    )

    @property
    def manages_achievements(self) -> bool:
        return self.achievements_path is not None

    rate_limit_per_minute: PositiveInt32 = 300
    push: Push = Push()


ENVIRONMENTS_DIR = "environments"

ENVIRONMENT_FILE = "environment.yaml"
