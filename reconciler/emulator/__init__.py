"""A local Genesys Cloud emulator: the API subset reconciler uses, with its documented semantics.

    from reconciler.emulator import Emulator, Faults, serve

    emulator = Emulator(state_path=Path(".reconciler/emulator-state.json"))
    client = httpx.Client(transport=emulator.transport())     # in-process
    with serve(emulator) as server:                            # real loopback HTTP
        print(server.url)                                      # http://127.0.0.1:<port>

Credentials: client id ``reconciler-local``, secret ``emulator-secret`` (documented, not secret;
both configurable). Token endpoint: ``POST /oauth/token`` on the emulator's own origin.

Seeded org (seed 0 by default; ids are stable per seed — resolve by name, never hard-code):

- divisions: ``Home`` (the home division) and ``Sales Floor``;
- native metric definitions (``/api/v2/gamification/metricdefinitions``): Average Handle Time,
  First Contact Resolution, Average Talk Time, Average After Call Work Time, Quality Evaluation
  Score, Adherence, Conformance, Number of Interactions;
- profile ``Default Performance Profile`` (the default: what ``copyMetrics=true`` copies) with
  metrics Average Handle Time, Quality Evaluation Score, Adherence;
- no external metric definitions, no achievements, no data points;
- WFM business units (each with one management unit) and users (``<first>.<last>@example.com``):

      North America Sales  America/New_York  alice.nguyen@example.com, ben.carter@example.com
      UK Collections       Europe/London     chloe.davies@example.com, daniel.evans@example.com
      India Support        Asia/Kolkata      priya.sharma@example.com, arjun.mehta@example.com
      (no business unit)                     emma.stone@example.com,
                                             frank.miller@example.com (state ``inactive``)

- groups (``/api/v2/groups``): ``Sales Floor East`` (alice.nguyen, ben.carter) and ``Sales Floor
  West`` (chloe.davies, daniel.evans, emma.stone);
- more agents on request (``Emulator(agents=N)``, ``reconciler emulator --agents N``): active
  users ``agent.0001@example.com`` … spread round-robin over the three business units; those
  of North America Sales join Sales Floor East, those of UK Collections Sales Floor West.

What agents see (`reconciler.emulator.performance`): native metrics have a deterministic value
per user and day (a hash; today and earlier days only), external metrics score the pushed data
(total value / total count), and points follow `reconciler.scoring`. Scorecards
(``/api/v2/gamification/scorecards/users/{id}``) and leaderboards
(``/api/v2/gamification/leaderboard/all``) are computed from those on every request.

Emulator-only inspection and control (Python; the same over HTTP under ``/__emulator``, see
`reconciler.emulator.inspection`) — never part of the Genesys API surface:

- ``data_points()`` -> ``[{metricId, userId, dateOccurred, value, count}]`` (sorted);
- ``request_log`` (list of `RequestRecord`: method, path, status, fault), ``count(method=None,
  path_prefix=None)``, ``reset_log()``;
- ``set_faults(Faults(...))``, ``set_rate_limit(per_minute, burst=None)``, ``expire_tokens()``;
- admin-UI changes behind the tool's back: ``find(kind, id_or_name)``, ``objects(kind)``,
  ``mutate(kind, id_or_name, {"dotted.field": value}, **top_level_fields)``,
  ``remove(kind, id_or_name)``, ``reset_state()``; and ``state`` (an `OrgState`: ``collections``
  kind -> {id: API JSON}, kinds listed in `reconciler.emulator.state`). Mutations are persisted.
  Example: ``emulator.mutate("externalMetrics", "Daily_Revenue_Closed", precision=4)``;
  ``add_group(name, emails)`` -> id (names need not be unique, as in Genesys).
"""

from __future__ import annotations

from .app import Emulator
from .faults import Faults
from .outcome import Outcome, RequestRecord
from .server import EmulatorServer, serve
from .state import OrgState

__all__ = ["Emulator", "EmulatorServer", "Faults", "OrgState", "Outcome", "RequestRecord", "serve"]
