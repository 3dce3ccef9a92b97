"""Load one environment's manifests into a `Manifest`, or report every problem found.

    environments/<env>/environment.yaml   target, policy, variables, optional `extends: <env>`
    environments/<env>/*.yaml             resource files: `externalMetrics:`, `profiles:`,
                                          `achievements:` lists (any split across files)

Steps, each collecting problems instead of stopping at the first:

1. resolve the `extends` chain (a folder without environment.yaml, such as `base`, is a
   resources-only layer; cycles and missing bases are errors);
2. read every resource file of every layer (yamlsource refuses unsafe or malformed YAML);
3. overlay layers by kind + name: the child wins per field, mappings merge deeply, a profile's
   `metrics` merge by metric name, other lists are replaced;
4. substitute `${var.NAME}` (`$${` writes a literal `${`) — a syntax that cannot collide with
   the `{{ }}` of notification templates;
5. validate each object with the pydantic models (this is the one module that touches
   pydantic's errors) and check names and cross-references.

Any problem raises `ManifestError` carrying all of them.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ManifestError
from .manifest import Manifest
from .reader import load_partial
from .validation import validate


def load(root: Path, env: str) -> Manifest:
    """Load environment `env` under `root/environments/` (see the module docstring).

    Also refuses what `validation.validate()` calls an error (lint RC0xx, broken templates), so
    plan/apply never send a manifest `validate` would reject; warnings do not stop a load.
    """
    manifest, problems = load_partial(root, env)
    if problems or manifest is None:
        raise ManifestError(problems)
    errors = [problem for problem in validate(manifest) if problem.severity == "error"]
    if errors:
        raise ManifestError(errors)
    return manifest
