"""The seed-001 achievements API (not a published Genesys API), at a configurable base path."""

from __future__ import annotations

from typing import Any

from reconciler.emulator import Emulator

from .conftest import authed_client


def _seed_payload() -> dict[str, Any]:
    return {
        "name": "First Contact Resolution Master",
        "description": "Awarded for resolving 50 calls on first contact.",
        "type": "ACHIEVEMENT",
        "completion_type": "ONCE",
        "scope_type": "ALL_TIME",
        "trigger": {"metric_id": "metric_fcr_count", "condition": {"operator": "GTE", "value": 50}},
        "notifications": {
            "toast": True,
            "email": {"enabled": True, "subject": "Unlocked: {{achievement.name}}", "body": "b"},
            "push": {"enabled": True, "title": "Achievement Unlocked!", "body": "p"},
        },
    }


def test_crud_as_the_seed_documents(api: Any) -> None:
    base = "/api/v2/wem/achievements"
    created = api.post(base, json=_seed_payload())
    assert created.status_code == 201
    achievement = created.json()
    assert achievement["selfUri"] == f"{base}/{achievement['id']}"
    assert achievement["trigger"] == _seed_payload()["trigger"]
    listing = api.get(base).json()
    assert listing["total"] == 1 and listing["entities"][0]["id"] == achievement["id"]
    url = f"{base}/{achievement['id']}"
    patch = {"notifications": {"email": {"enabled": True, "subject": "New", "body": "Hi"}}}
    patched = api.patch(url, json=patch).json()
    assert patched["notifications"]["email"]["subject"] == "New"
    assert (
        patched["notifications"]["push"]["title"] == "Achievement Unlocked!"
    )  # merge, not replace
    assert patched["notifications"]["toast"] is True
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_omitted_channels_get_tenant_defaults(api: Any) -> None:
    created = api.post("/api/v2/wem/achievements", json={"name": "Bare"}).json()
    assert created["notifications"] == {
        "toast": True,
        "email": {"enabled": False},
        "push": {"enabled": False},
    }
    assert created["scope_type"] == "ALL_TIME"
    assert api.post("/api/v2/wem/achievements", json={"description": "no name"}).status_code == 400


def test_configurable_base_path() -> None:
    emulator = Emulator(achievements_path="/api/v2/custom/achievements/")
    api = authed_client(emulator)
    assert api.post("/api/v2/custom/achievements", json=_seed_payload()).status_code == 201
    assert api.get("/api/v2/wem/achievements").status_code == 404
