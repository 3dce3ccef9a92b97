"""Aggregation, zones, ledger and the diff: pure code, no client, no emulator."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reconciler.errors import ConfigurationError, ReconcilerError
from reconciler.push.agents import AgentDirectory, load_mapping
from reconciler.push.aggregate import Aggregator
from reconciler.push.changes import (
    MAX_KEPT_ERRORS,
    MAX_LINES_PER_REASON,
    MAX_REASONS,
    OTHER_REASONS,
    ZERO,
    Collected,
    LineGroups,
    Window,
    collect,
    diff,
)
from reconciler.push.ledger import Acknowledged, Entry, Ledger
from reconciler.push.reader import Row, RowError
from reconciler.push.summary import _groups as summary_groups
from reconciler.push.zones import ZoneMap, fetch_user_zones, local_day

NY = ZoneInfo("America/New_York")
D = date.fromisoformat


def test_aggregate_sums_exact_decimals_and_counts() -> None:
    agg = Aggregator()
    for _ in range(10):
        agg.add("u1", D("2026-11-27"), Decimal("0.10"))
    agg.add("u1", D("2026-11-28"), Decimal("5"), 2)
    assert len(agg) == 2
    assert [(k, p.value, p.count) for k, p in agg] == [
        (("u1", D("2026-11-27")), Decimal("1.00"), 10),
        (("u1", D("2026-11-28")), Decimal("5"), 2),
    ]
    assert agg.days() == (D("2026-11-27"), D("2026-11-28"))


def test_friday_evening_in_new_york_is_friday_there_but_saturday_in_utc() -> None:
    moment = datetime(2026, 11, 27, 23, 30, tzinfo=NY)  # a Friday
    assert moment.astimezone(UTC).date() == D("2026-11-28")
    assert local_day(moment, NY) == D("2026-11-27")
    assert local_day(D("2026-11-28"), NY) == D("2026-11-28")


class FakeWfm:
    """Just the WFM calls, shaped as the Genesys BU users listing (management units)."""

    def list_business_units(self) -> list[dict[str, Any]]:
        return [{"id": "bu-ny"}, {"id": "bu-in"}]

    def get_business_unit_time_zone(self, bu_id: str) -> str:
        return {"bu-ny": "America/New_York", "bu-in": "Asia/Kolkata"}[bu_id]

    def list_business_unit_users(self, bu_id: str) -> list[dict[str, Any]]:
        users = {"bu-ny": [{"id": "ny1"}, {"id": "ny2"}], "bu-in": [{"id": "in1"}]}[bu_id]
        return [{"managementUnit": {"id": "mu"}, "users": users}]

    def map(self, fn: Any, items: Any) -> list[Any]:
        return [fn(x) for x in items]


def test_zones_fetched_per_business_unit_with_fallback() -> None:
    zones = ZoneMap(fetch_user_zones(FakeWfm()), "Europe/London")
    assert zones.for_user("ny2").key == "America/New_York"
    assert zones.for_user("in1").key == "Asia/Kolkata"
    assert zones.for_user("nobody").key == "Europe/London"
    with pytest.raises(ConfigurationError, match="Mars/Base"):
        ZoneMap({}, "Mars/Base")


USERS = [
    {"id": "u-ana", "email": "Ana.Silva@example.com"},
    {"id": "u-bo", "email": "bo.chen@example.com"},
]


def test_agents_by_email_case_insensitively_and_by_mapping(tmp_path: Path) -> None:
    mapping_csv = tmp_path / "owners.csv"
    mapping_csv.write_text("owner,genesys\r\n005A,ana.silva@EXAMPLE.com\r\n005B,u-bo\r\n")
    mapping_yaml = tmp_path / "owners.yaml"
    mapping_yaml.write_text("005A: ana.silva@EXAMPLE.com\n'005B': u-bo\n")
    assert load_mapping(mapping_csv) == load_mapping(mapping_yaml)
    agents = AgentDirectory(USERS, load_mapping(mapping_csv))
    assert agents.resolve("005A") == "u-ana"
    assert agents.resolve("005B") == "u-bo"
    assert agents.resolve("ANA.silva@example.com") == "u-ana"
    assert agents.resolve("005C") is None


def test_bad_mapping_files_are_configuration_errors(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("a: [1\n")
    with pytest.raises(ConfigurationError, match=r"m.yaml:\d+: not valid YAML"):
        load_mapping(bad)
    twice = tmp_path / "m.csv"
    twice.write_text("crm,genesys\nx,a@x.com\nx,b@x.com\n")
    with pytest.raises(ConfigurationError, match=r"m\.csv:3: x is mapped twice"):
        load_mapping(twice)


@pytest.mark.parametrize("name", ["m.csv", "m.yaml"])
def test_a_mapping_that_is_not_utf8_is_a_configuration_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes("crm,genesys\nJos\u00e9,a@x.com\n".encode("cp1252"))
    with pytest.raises(ConfigurationError, match=r"m\.(csv|yaml): not UTF-8"):
        load_mapping(path)


def test_yaml_mapping_keeps_crm_ids_as_written(tmp_path: Path) -> None:
    # Plain YAML would turn 007 into 7 (octal), 1.50 into 1.5 and yes into True: CRM ids
    # are text, so every scalar is kept as the string in the file.
    path = tmp_path / "m.yaml"
    path.write_text("007: a@x.com\n1.50: b@x.com\nyes: c@x.com\n0x1F: d@x.com\n")
    assert load_mapping(path) == {
        "007": "a@x.com",
        "1.50": "b@x.com",
        "yes": "c@x.com",
        "0x1F": "d@x.com",
    }
    for nothing in ("", "# no exceptions yet\n", "---\n", "---\n...\n"):
        path.write_text(nothing)
        assert load_mapping(path) == {}
    empty = tmp_path / "e.yaml"
    empty.write_text("007:\n")
    with pytest.raises(ConfigurationError, match="007: expected an e-mail or a user id"):
        load_mapping(empty)


def test_ledger_records_reads_and_deletes(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "ledger.sqlite"
    with Ledger(path, readonly=True) as ro:
        assert ro.entries("m", D("2026-11-01"), D("2026-12-31")) == {}
    assert not path.exists()
    with Ledger(path) as ledger:
        ledger.record(
            "m",
            [
                Acknowledged("u", D("2026-11-27"), Decimal("10.50"), 2),
                Acknowledged("u", D("2026-11-28"), Decimal("1"), 1),
                Acknowledged("u", D("2026-11-29"), Decimal("1"), 1),
            ],
        )
        ledger.record("m", [Acknowledged("u", D("2026-11-29"), None, 0)])
        ledger.record("other", [Acknowledged("u", D("2026-11-27"), Decimal("9"), 1)])
    with Ledger(path, readonly=True) as ro:
        assert ro.entries("m", D("2026-11-27"), D("2026-11-30")) == {
            ("u", D("2026-11-27")): Entry(Decimal("10.50"), 2),
            ("u", D("2026-11-28")): Entry(Decimal("1"), 1),
        }
        assert ro.entries("m", D("2026-11-28"), D("2026-11-28")).keys() == {("u", D("2026-11-28"))}


WINDOW = Window.api(datetime(2026, 11, 30, 12, tzinfo=UTC))
AGENTS = AgentDirectory(USERS)
ZONES = ZoneMap({"u-ana": "America/New_York"}, "UTC")


def row(line: int, agent: str, when: str, value: str, count: int = 1) -> Row:
    return Row(line, agent, datetime.fromisoformat(when), Decimal(value), count)


@pytest.mark.parametrize(
    ("column", "text"), [("value", "abc"), ("value", "NaN"), ("day", "2026-11-31")]
)
def test_a_ledger_row_edited_into_nonsense_is_a_clean_error(
    tmp_path: Path, column: str, text: str
) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger(path) as ledger:
        ledger.record("m", [Acknowledged("u", D("2026-11-27"), Decimal(1), 1)])
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE points SET {column} = ?", (text,))
    db.close()
    with Ledger(path) as ledger, pytest.raises(ReconcilerError, match="bad row in ledger"):
        ledger.entries("m", D("2026-11-01"), D("2026-12-31"))


def test_window_is_seven_back_thirty_ahead_in_utc() -> None:
    assert (WINDOW.first, WINDOW.last) == (D("2026-11-23"), D("2026-12-30"))


def test_collect_groups_by_local_day_and_reports_what_it_sets_aside() -> None:
    got = collect(
        [
            row(2, "ana.silva@example.com", "2026-11-28T04:30:00Z", "100"),  # Fri 23:30 NY
            row(3, "ana.silva@example.com", "2026-11-27T15:00:00Z", "50"),
            row(4, "zed@example.com", "2026-11-27T15:00:00Z", "50"),
            row(5, "bo.chen@example.com", "2026-11-01T15:00:00Z", "50"),
            RowError(6, "bad timestamp", "bo.chen@example.com", None),
        ],
        AGENTS,
        ZONES,
        WINDOW,
    )
    assert {k: (p.value, p.count) for k, p in got.points} == {
        ("u-ana", D("2026-11-27")): (Decimal(150), 2)
    }
    assert got.unknown_agents.groups == {"unknown agent 'zed@example.com'": (1, [4])}
    assert list(got.skipped.groups.values()) == [(1, [5])]
    assert got.error_count == 1 and got.tainted_users == {"u-bo"}
    assert got.covered == Window(D("2026-11-27"), D("2026-11-27"))


def test_diff_sends_changes_zeroes_lost_days_only_inside_covered_range() -> None:
    got = collect(
        [
            row(2, "bo.chen@example.com", "2026-11-25T10:00:00Z", "10"),
            row(3, "bo.chen@example.com", "2026-11-27T10:00:00Z", "20"),
        ],
        AGENTS,
        ZONES,
        WINDOW,
    )
    ledger = {
        ("u-bo", D("2026-11-25")): Entry(Decimal("10"), 1),  # unchanged
        ("u-bo", D("2026-11-26")): Entry(Decimal("99"), 1),  # deal cancelled -> zero
        ("u-ana", D("2026-11-26")): ZERO,  # already zero
        ("u-bo", D("2026-11-24")): Entry(Decimal("5"), 1),  # before the input: kept
    }
    result = diff(got, ledger)
    assert [(c.user_id, c.day, c.value, c.reason) for c in result.changes] == [
        ("u-bo", D("2026-11-26"), Decimal(0), "zeroed"),
        ("u-bo", D("2026-11-27"), Decimal(20), "new"),
    ]
    assert result.unchanged == 2
    deleted = diff(got, ledger, zero_mode="delete")
    assert [(c.day, c.value, c.reason) for c in deleted.changes if c.reason == "deleted"] == [
        (D("2026-11-26"), None, "deleted"),
        (D("2026-11-26"), None, "deleted"),
    ]
    assert len(diff(got, ledger, full=True).changes) == 4


def test_explicit_period_zeroes_days_the_input_has_no_rows_for() -> None:
    got = collect([], AGENTS, ZONES, WINDOW, Window(D("2026-11-20"), D("2026-11-26")))
    result = diff(got, {("u-bo", D("2026-11-24")): Entry(Decimal("5"), 1)})
    assert [(c.day, c.reason) for c in result.changes] == [(D("2026-11-24"), "zeroed")]


def test_unreadable_rows_stop_zeroing_what_they_might_have_covered() -> None:
    ledger = {
        ("u-bo", D("2026-11-26")): Entry(Decimal("99"), 1),
        ("u-ana", D("2026-11-26")): Entry(Decimal("7"), 1),
    }
    rows: list[Row | RowError] = [
        row(2, "bo.chen@example.com", "2026-11-25T10:00:00Z", "10"),
        row(3, "bo.chen@example.com", "2026-11-27T10:00:00Z", "20"),
        RowError(
            4,
            "bad value",
            "bo.chen@example.com",
            datetime.fromisoformat("2026-11-26T10:00:00+00:00"),
        ),
    ]
    result = diff(collect(rows, AGENTS, ZONES, WINDOW), ledger)
    assert [(c.user_id, c.reason) for c in result.changes if c.reason == "zeroed"] == [
        ("u-ana", "zeroed")
    ]
    assert result.kept == 1
    no_agent = [*rows, RowError(5, "missing agent", None, None)]
    result = diff(collect(no_agent, AGENTS, ZONES, WINDOW), ledger)
    assert [c.reason for c in result.changes] == ["new", "new"] and result.kept == 2


def test_local_day_across_the_new_york_dst_change() -> None:
    # 2026-11-01 02:00 EDT -> 01:00 EST: 05:30 UTC is still 2026-11-01 00:30/01:30 locally.
    assert local_day(datetime(2026, 11, 1, 5, 30, tzinfo=UTC), NY) == D("2026-11-01")
    assert local_day(datetime(2026, 11, 2, 4, 59, tzinfo=UTC), NY) == D("2026-11-01")
    assert local_day(datetime(2026, 11, 2, 5, 0, tzinfo=UTC), NY) == D("2026-11-02")


def test_a_wrong_agent_column_does_not_list_or_keep_every_row() -> None:
    # --agent-column pointing at deal ids: every row has its own unknown "agent". The summary
    # and memory must not grow by one entry per row.
    rows = [row(i, f"deal-{i}", "2026-11-27T10:00:00+00:00", "1") for i in range(2, 5002)]
    directory = AgentDirectory(USERS)
    result = collect(rows, directory, ZONES, WINDOW)
    assert result.unknown_agents.total() == 5000
    assert len(result.unknown_agents.groups) <= MAX_REASONS + 1
    assert len(directory._cache) == 0
    text = "\n".join(summary_groups("skipped", result.unknown_agents))
    assert text.count("\n") <= MAX_REASONS
    assert text.endswith(
        f"more reasons, not listed one by one: {5000 - MAX_REASONS} row(s), "
        "line(s) 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, "
        "114, 115, 116, 117, 118, 119, 120, 121, …"
    )


def test_an_unknown_agent_stops_zeroing_because_it_may_be_a_real_agent_misspelt() -> None:
    # Ana's only deal on the 26th is exported under a misspelt key: zeroing her day would wipe
    # revenue that exists. The run reports the unknown agent (exit 1) and zeroes nothing.
    ledger = {("u-ana", D("2026-11-26")): Entry(Decimal("7"), 1)}
    rows: list[Row | RowError] = [
        row(2, "bo.chen@example.com", "2026-11-25T10:00:00Z", "10"),
        row(3, "ana.silav@example.com", "2026-11-26T10:00:00Z", "7"),
        row(4, "bo.chen@example.com", "2026-11-27T10:00:00Z", "20"),
    ]
    got = collect(rows, AGENTS, ZONES, WINDOW)
    assert got.zeroing_off == "line 3 has an unknown agent"
    result = diff(got, ledger)
    assert [c.reason for c in result.changes] == ["new", "new"] and result.kept == 1
    # The same input without the misspelt row zeroes Ana's day: the rule is what keeps it.
    assert [c.reason for c in diff(collect(rows[::2], AGENTS, ZONES, WINDOW), ledger).changes] == [
        "new",
        "zeroed",
        "new",
    ]


def test_an_empty_aggregate_has_no_days_and_no_rows() -> None:
    agg = Aggregator()
    assert agg.days() is None and len(agg) == 0 and agg.rows == 0 and list(agg) == []


def test_aggregate_counts_rows_and_iterates_by_day_then_user() -> None:
    agg = Aggregator()
    agg.add("u-b", D("2026-11-28"), Decimal(1))
    agg.add("u-a", D("2026-11-28"), Decimal(2))
    agg.add("u-b", D("2026-11-27"), Decimal(3), 4)
    agg.add("u-b", D("2026-11-27"), Decimal(-1))
    assert agg.rows == 4
    assert [(key, point.value, point.count) for key, point in agg] == [
        (("u-b", D("2026-11-27")), Decimal(2), 5),
        (("u-a", D("2026-11-28")), Decimal(2), 1),
        (("u-b", D("2026-11-28")), Decimal(1), 1),
    ]
    assert agg.points[("u-a", D("2026-11-28"))].count == 1
    assert agg.days() == (D("2026-11-27"), D("2026-11-28"))


def test_window_contains_only_dates_within_and_clips_to_the_overlap() -> None:
    week = Window(D("2026-11-23"), D("2026-11-29"))
    assert D("2026-11-23") in week and D("2026-11-29") in week
    assert D("2026-11-22") not in week and D("2026-11-30") not in week
    assert "2026-11-25" not in week
    assert week.clip(None) is None
    assert week.clip(Window(D("2026-11-20"), D("2026-11-25"))) == Window(
        D("2026-11-23"), D("2026-11-25")
    )
    assert week.clip(Window(D("2026-11-27"), D("2026-12-05"))) == Window(
        D("2026-11-27"), D("2026-11-29")
    )
    assert week.clip(Window(D("2026-11-29"), D("2026-11-29"))) == Window(
        D("2026-11-29"), D("2026-11-29")
    )
    assert week.clip(Window(D("2026-11-30"), D("2026-12-01"))) is None
    assert str(week) == "2026-11-23 … 2026-11-29"
    # The API window is counted in UTC: late evening in New York is already the next UTC day.
    assert Window.api(datetime(2026, 11, 30, 20, tzinfo=NY)).first == D("2026-11-24")


def test_line_groups_count_every_row_and_keep_the_first_line_numbers() -> None:
    groups = LineGroups()
    assert not groups and groups.total() == 0
    for line in range(1, MAX_LINES_PER_REASON + 6):
        groups.add("same reason", line)
    groups.add("other reason", 99)
    assert groups and groups.total() == MAX_LINES_PER_REASON + 6
    count, lines = groups.groups["same reason"]
    assert count == MAX_LINES_PER_REASON + 5 and lines == list(range(1, MAX_LINES_PER_REASON + 1))
    assert MAX_LINES_PER_REASON == 20 and MAX_REASONS == 100
    many = LineGroups()
    for n in range(MAX_REASONS + 3):
        many.add(f"reason {n}", n)
    many.add("reason 0", 500)  # a reason already listed keeps its own group
    assert len(many.groups) == MAX_REASONS + 1
    assert many.groups[OTHER_REASONS] == (3, [MAX_REASONS, MAX_REASONS + 1, MAX_REASONS + 2])
    assert many.groups["reason 0"] == (2, [0, 500])


def test_collect_counts_rows_read_aggregated_and_unreadable() -> None:
    got = collect(
        [
            row(2, "bo.chen@example.com", "2026-11-25T10:00:00Z", "10"),
            row(3, "bo.chen@example.com", "2026-11-25T11:00:00Z", "5", 2),
            row(4, "nobody@example.com", "2026-11-25T11:00:00Z", "5"),
            RowError(5, "bad value", "bo.chen@example.com", None),
            RowError(6, "bad value", "bo.chen@example.com", None),
        ],
        AGENTS,
        ZONES,
        WINDOW,
    )
    assert (got.rows_read, got.points.rows, len(got.points), got.error_count) == (5, 2, 1, 2)
    assert [error.line for error in got.errors] == [5, 6]
    assert [(p.value, p.count) for _, p in got.points] == [(Decimal(15), 3)]


def test_only_the_first_unreadable_rows_are_kept_but_all_are_counted() -> None:
    rows = [RowError(n, "bad", "bo.chen@example.com", None) for n in range(MAX_KEPT_ERRORS + 2)]
    got = collect(rows, AGENTS, ZONES, WINDOW)
    assert got.error_count == MAX_KEPT_ERRORS + 2 and len(got.errors) == MAX_KEPT_ERRORS
    assert MAX_KEPT_ERRORS == 1000


def test_rows_outside_from_to_are_skipped_and_named_so() -> None:
    period = Window(D("2026-11-25"), D("2026-11-26"))
    got = collect(
        [
            row(2, "bo.chen@example.com", "2026-11-24T10:00:00Z", "1"),
            row(3, "bo.chen@example.com", "2026-11-25T10:00:00Z", "2"),
            row(4, "bo.chen@example.com", "2026-11-27T10:00:00Z", "4"),
            row(5, "bo.chen@example.com", "2026-10-01T10:00:00Z", "8"),
            Row(6, "bo.chen@example.com", D("2026-11-26"), Decimal(16), 1),  # a daily row
        ],
        AGENTS,
        ZONES,
        WINDOW,
        period,
    )
    assert {k: p.value for k, p in got.points} == {
        ("u-bo", D("2026-11-25")): Decimal(2),
        ("u-bo", D("2026-11-26")): Decimal(16),
    }
    assert got.skipped.groups == {
        "2026-11-24 is outside --from/--to (2026-11-25 … 2026-11-26)": (1, [2]),
        "2026-11-27 is outside --from/--to (2026-11-25 … 2026-11-26)": (1, [4]),
        "2026-10-01 is outside --from/--to (2026-11-25 … 2026-11-26)": (1, [5]),
    }
    assert got.covered == period
    # Inside --from/--to but outside the API window: skipped for that reason instead.
    wide = collect(
        [row(2, "bo.chen@example.com", "2026-10-01T10:00:00Z", "8")],
        AGENTS,
        ZONES,
        WINDOW,
        Window(D("2026-09-01"), D("2026-11-30")),
    )
    assert list(wide.skipped.groups) == [f"2026-10-01 is outside the API window ({WINDOW})"]
    assert wide.covered == Window(WINDOW.first, D("2026-11-30"))


def test_covered_is_none_without_rows_or_period_and_clipped_to_the_window() -> None:
    assert collect([], AGENTS, ZONES, WINDOW).covered is None
    far = Window(D("2027-01-01"), D("2027-01-02"))
    assert Collected(Aggregator(), WINDOW, far).covered is None


def test_an_unreadable_row_of_an_agent_no_user_matches_turns_zeroing_off() -> None:
    ledger = {("u-ana", D("2026-11-26")): Entry(Decimal("7"), 1)}
    rows: list[Row | RowError] = [
        row(2, "bo.chen@example.com", "2026-11-25T10:00:00Z", "10"),
        RowError(3, "bad value", "ana.silav@example.com", datetime(2026, 11, 26, tzinfo=UTC)),
        RowError(4, "bad value", "zed@example.com", None),
        row(5, "bo.chen@example.com", "2026-11-27T10:00:00Z", "20"),
    ]
    got = collect(rows, AGENTS, ZONES, WINDOW)
    assert got.zeroing_off == "line 3 has an unknown agent"  # the first reason is kept
    assert not got.tainted_users and not got.tainted_points
    result = diff(got, ledger)
    assert [c.reason for c in result.changes] == ["new", "new"] and result.kept == 1
    # Without the unreadable rows Ana's day is zeroed: the rule is what keeps it.
    clean = collect([rows[0], rows[3]], AGENTS, ZONES, WINDOW)
    assert clean.zeroing_off is None
    assert [c.reason for c in diff(clean, ledger).changes] == ["new", "zeroed", "new"]


def test_a_missing_agent_overrides_an_earlier_unknown_agent_as_the_reason() -> None:
    rows: list[Row | RowError] = [
        row(2, "zed@example.com", "2026-11-25T10:00:00Z", "10"),
        row(3, "zed2@example.com", "2026-11-25T10:00:00Z", "10"),
        RowError(4, "missing agent", None, None),
    ]
    assert collect(rows[:2], AGENTS, ZONES, WINDOW).zeroing_off == "line 2 has an unknown agent"
    assert collect(rows, AGENTS, ZONES, WINDOW).zeroing_off == "line 4 has no agent"


def test_an_unreadable_row_with_a_time_taints_only_that_users_local_day() -> None:
    # 03:00 UTC on the 27th is still the 26th in New York, Ana's zone.
    when = datetime(2026, 11, 27, 3, tzinfo=UTC)
    got = collect([RowError(2, "bad value", "ana.silva@example.com", when)], AGENTS, ZONES, WINDOW)
    assert got.tainted_points == {("u-ana", D("2026-11-26"))} and not got.tainted_users
    assert got.zeroing_off is None


def test_full_resends_unchanged_points_and_zeroes_with_reason_full() -> None:
    got = collect(
        [
            row(2, "bo.chen@example.com", "2026-11-25T10:00:00Z", "10"),
            row(3, "bo.chen@example.com", "2026-11-27T10:00:00Z", "20"),
        ],
        AGENTS,
        ZONES,
        WINDOW,
    )
    ledger = {
        ("u-bo", D("2026-11-25")): Entry(Decimal("10"), 1),
        ("u-bo", D("2026-11-26")): ZERO,
        ("u-bo", D("2026-11-27")): Entry(Decimal("19"), 1),
    }
    normal = diff(got, ledger)
    assert [(c.day, c.reason) for c in normal.changes] == [(D("2026-11-27"), "changed")]
    assert normal.unchanged == 2 and normal.kept == 0
    full = diff(got, ledger, full=True)
    assert [(c.day, c.value, c.count, c.previous, c.reason) for c in full.changes] == [
        (D("2026-11-25"), Decimal(10), 1, Entry(Decimal(10), 1), "full"),
        (D("2026-11-26"), Decimal(0), 1, ZERO, "zeroed"),
        (D("2026-11-27"), Decimal(20), 1, Entry(Decimal(19), 1), "changed"),
    ]
    assert full.unchanged == 0


def test_changes_come_out_by_day_then_user() -> None:
    got = collect(
        [
            row(2, "bo.chen@example.com", "2026-11-27T10:00:00Z", "1"),
            row(3, "ana.silva@example.com", "2026-11-27T17:00:00Z", "1"),
            row(4, "bo.chen@example.com", "2026-11-25T10:00:00Z", "1"),
        ],
        AGENTS,
        ZONES,
        WINDOW,
    )
    ledger = {("u-bo", D("2026-11-26")): Entry(Decimal(3), 1), ("u-ana", D("2026-11-26")): ZERO}
    changes = diff(got, ledger, zero_mode="delete").changes
    assert [(c.day, c.user_id, c.reason, c.count) for c in changes] == [
        (D("2026-11-25"), "u-bo", "new", 1),
        (D("2026-11-26"), "u-ana", "deleted", 0),
        (D("2026-11-26"), "u-bo", "deleted", 0),
        (D("2026-11-27"), "u-ana", "new", 1),
        (D("2026-11-27"), "u-bo", "new", 1),
    ]
    assert Entry(Decimal(0), 1) == ZERO


class DirectUsersWfm(FakeWfm):
    """A listing of users directly (no management units), one user in two units."""

    def list_business_unit_users(self, bu_id: str) -> list[dict[str, Any]]:
        return {
            "bu-ny": [{"id": "ny1"}, {"name": "no id"}, {"id": "both"}],
            "bu-in": [{"users": [{"id": "in1"}, {"name": "no id"}]}, {"id": "both"}],
        }[bu_id]


def test_zones_from_a_listing_of_users_directly_and_the_first_unit_wins() -> None:
    assert fetch_user_zones(DirectUsersWfm()) == {
        "ny1": "America/New_York",
        "both": "America/New_York",
        "in1": "Asia/Kolkata",
    }
    zones = ZoneMap(fetch_user_zones(DirectUsersWfm()), "UTC")
    assert zones.has_unit("in1") and not zones.has_unit("nobody")
    assert zones.for_user("nobody").key == "UTC"
