"""What `reconciler init` writes: a manifests repository that works as it is.

The files live in `files/` (package data, so a wheel carries them): the example environments,
the GitLab pipeline template, a README and a .gitignore. The schemas are generated from the
models (`reconciler.manifests.schemas`) and the sample deals from the day `init` runs,
because the data API only accepts recent days. The pipeline template is also this project's own
`.gitlab-ci.yml`, rendered with the requirement `.` (a test keeps the two equal).
"""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources
from importlib.resources.abc import Traversable

from ..distribution import DISTRIBUTION, __version__
from ..manifests.schemas import generate

#: Placeholder for the pip requirement in the pipeline template and the README.
PLACEHOLDER = "@REQUIREMENT@"
#: Package-data names -> names in the repository (wheels and sdists keep dotfiles poorly).
RENAMED = {"gitignore": ".gitignore", "gitlab-ci.yml": ".gitlab-ci.yml"}
#: Embedded-emulator users the sample deals belong to (one per business unit, plus no unit).
SAMPLE_AGENTS = ("alice.nguyen@example.com", "chloe.davies@example.com", "emma.stone@example.com")


def default_requirement() -> str:
    """This distribution at the version running now: the pipeline applies with the same rules."""
    return f"{DISTRIBUTION}=={__version__}"


def _root() -> Traversable:
    return resources.files(__name__).joinpath("files")


def _walk(folder: Traversable, prefix: str = "") -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        name = prefix + (entry.name if prefix else RENAMED.get(entry.name, entry.name))
        if entry.is_dir():
            found |= _walk(entry, f"{name}/")
        else:
            found[name] = entry.read_bytes()
    return found


def pipeline(requirement: str) -> str:
    """The `.gitlab-ci.yml` that installs the tool as `requirement` (a pip requirement)."""
    return _root().joinpath("gitlab-ci.yml").read_text("utf-8").replace(PLACEHOLDER, requirement)


def sample_deals(today: date) -> str:
    """A small CRM export (agent, timestamp, value) on the two days before `today`."""
    rows = ["agent,timestamp,value"]
    for back, (hour, values) in ((2, (10, (4200, 1850.5, 900))), (1, (15, (6100, 3000, 1200)))):
        day = today - timedelta(days=back)
        for agent, value in zip(SAMPLE_AGENTS, values, strict=True):
            rows.append(f"{agent},{day.isoformat()}T{hour}:30:00+00:00,{value}")
    return "\n".join(rows) + "\n"


def files(requirement: str, today: date) -> dict[str, bytes]:
    """Repository path (POSIX, relative) -> content of everything `init` writes."""
    out = {}
    for name, content in _walk(_root()).items():
        if name in (".gitlab-ci.yml", "README.md"):
            content = content.decode("utf-8").replace(PLACEHOLDER, requirement).encode("utf-8")
        out[name] = content
    for name, text in generate().items():
        out[f"schemas/{name}"] = text.encode("utf-8")
    out["deals.csv"] = sample_deals(today).encode("utf-8")
    return dict(sorted(out.items()))
