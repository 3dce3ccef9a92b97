"""The documented seed is the seed: others' tests rely on the emails and zones written down."""

from __future__ import annotations

from pathlib import Path

import reconciler.emulator as package
from reconciler.emulator import Emulator
from reconciler.emulator.inspection import __doc__ as inspection_doc

BODIES = {
    "/__emulator/mutate": b'{"kind": "users", "key": "Alice Nguyen", "changes": {"title": "Lead"}}',
    "/__emulator/remove": b'{"kind": "users", "key": "Frank Miller"}',
}
README = Path(__file__).resolve().parents[2] / "docs" / "client-and-emulator.md"


def test_every_seeded_user_and_zone_is_documented() -> None:
    emulator = Emulator()
    # Whitespace-normalised: prose wraps names across lines.
    docs = [" ".join(text.split()) for text in (package.__doc__ or "", README.read_text("utf-8"))]
    for user in emulator.objects("users"):
        local_part = user["email"].split("@")[0]
        assert all(local_part in doc for doc in docs), user["email"]
    for unit in emulator.objects("businessUnits"):
        assert all(unit["name"] in doc and unit["settings"]["timeZone"] in doc for doc in docs)
    for native in emulator.objects("metricDefinitions"):
        assert all(native["name"] in doc for doc in docs), native["name"]


def test_every_documented_inspection_endpoint_answers() -> None:
    emulator = Emulator()
    listed = [
        line.split()[:2] for line in (inspection_doc or "").splitlines() if "/__emulator/" in line
    ]
    assert len(listed) >= 10
    for method, target in listed:
        path = target.partition("?")[0]
        path = path.replace("{kind}", "users")
        body = BODIES.get(path, b"")
        outcome = emulator.handle(method, path, {}, {}, body)
        assert outcome.status < 400, (method, path, outcome.body)
