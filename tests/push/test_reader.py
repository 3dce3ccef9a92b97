from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reconciler.errors import ReconcilerError
from reconciler.push.reader import Columns, Row, RowError, read_rows

NY = ZoneInfo("America/New_York")


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_csv_with_bom_and_crlf_reads_rows_with_line_numbers(tmp_path: Path) -> None:
    data = (
        "\ufeffagent,timestamp,value\r\n"
        "ana@example.com,2026-11-27T23:30:00-05:00,100.50\r\n"
        "bo@example.com,2026-11-28T10:00:00Z,7\r\n"
    ).encode()
    rows = list(read_rows(write(tmp_path, "d.csv", data), Columns()))
    assert rows == [
        Row(
            2,
            "ana@example.com",
            datetime.fromisoformat("2026-11-27T23:30:00-05:00"),
            Decimal("100.50"),
            1,
        ),
        Row(
            3,
            "bo@example.com",
            datetime.fromisoformat("2026-11-28T10:00:00+00:00"),
            Decimal("7"),
            1,
        ),
    ]


def test_malformed_rows_are_numbered_and_good_rows_continue(tmp_path: Path) -> None:
    data = (
        b"agent,timestamp,value\n"
        b"a@x.com,not-a-time,1\n"
        b"a@x.com,2026-11-27T10:00:00Z,abc\n"
        b",2026-11-27T10:00:00Z,3\n"
        b"a@x.com,2026-11-27T10:00:00Z\n"
        b"a@x.com,2026-11-27T11:00:00Z,4\n"
    )
    rows = list(read_rows(write(tmp_path, "d.csv", data), Columns()))
    errors = [r for r in rows if isinstance(r, RowError)]
    assert [(e.line, e.agent) for e in errors] == [
        (2, "a@x.com"),
        (3, "a@x.com"),
        (4, None),
        (5, "a@x.com"),
    ]
    assert "bad timestamp" in errors[0].message
    assert "'abc' is not a number" in errors[1].message
    assert "missing agent" in errors[2].message
    assert "missing value" in errors[3].message
    assert errors[1].occurred == datetime.fromisoformat("2026-11-27T10:00:00+00:00")
    good = [r for r in rows if isinstance(r, Row)]
    assert [(r.line, r.value) for r in good] == [(6, Decimal(4))]


def test_duplicate_header_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", b"agent,value,timestamp,value\n")
    with pytest.raises(ReconcilerError, match=r"duplicate column.*value"):
        list(read_rows(path, Columns()))


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", b"owner,amount\nx,1\n")
    with pytest.raises(ReconcilerError, match=r"missing column.*owner_email, closed_at, deals"):
        list(read_rows(path, Columns("owner_email", "closed_at", "amount", "deals")))


def test_custom_columns_count_and_naive_times_in_source_zone(tmp_path: Path) -> None:
    data = b"owner,closed,amount,n\nx,2026-11-27 23:30:00,10,3\n"
    rows = list(
        read_rows(write(tmp_path, "d.csv", data), Columns("owner", "closed", "amount", "n"), NY)
    )
    assert rows == [Row(2, "x", datetime(2026, 11, 27, 23, 30, tzinfo=NY), Decimal(10), 3)]


def test_naive_time_without_source_zone_is_a_row_error(tmp_path: Path) -> None:
    data = b"agent,timestamp,value\nx,2026-11-27 23:30:00,10\n"
    (row,) = read_rows(write(tmp_path, "d.csv", data), Columns())
    assert isinstance(row, RowError)
    assert "--source-tz" in row.message


def test_date_only_rows_are_already_daily(tmp_path: Path) -> None:
    data = b'{"agent": "x", "timestamp": "2026-11-27", "value": 12.5, "count": 4}\n'
    (row,) = read_rows(write(tmp_path, "d.jsonl", data), Columns(count="count"))
    assert row == Row(1, "x", date(2026, 11, 27), Decimal("12.5"), 4)


def test_jsonl_from_stdin_is_sniffed_and_bad_lines_reported() -> None:
    data = (
        b'{"agent": "x", "timestamp": "2026-11-27T10:00:00Z", "value": 1}\n'
        b"\n"
        b"{not json\n"
        b"[1, 2]\n"
        b'{"agent": "x", "timestamp": "2026-11-27T10:00:00Z", "value": "1e2"}\n'
    )
    rows = list(read_rows("-", Columns(), stdin=io.BytesIO(data)))
    assert [type(r).__name__ for r in rows] == ["Row", "RowError", "RowError", "Row"]
    assert [r.line for r in rows] == [1, 3, 4, 5]
    assert isinstance(rows[3], Row) and rows[3].value == Decimal(100)


def test_csv_from_stdin(tmp_path: Path) -> None:
    data = b"agent,timestamp,value\r\nx,2026-11-27,5\r\n"
    (row,) = read_rows("-", Columns(), stdin=io.BytesIO(data))
    assert row == Row(2, "x", date(2026, 11, 27), Decimal(5), 1)


def test_row_with_extra_fields_is_reported(tmp_path: Path) -> None:
    data = b"agent,timestamp,value\nx,2026-11-27,5,oops\n"
    (row,) = read_rows(write(tmp_path, "d.csv", data), Columns())
    assert isinstance(row, RowError) and "has 4 fields" in row.message


def test_non_finite_and_negative_count_rejected(tmp_path: Path) -> None:
    data = b"agent,timestamp,value,n\nx,2026-11-27,NaN,1\nx,2026-11-27,1,-2\n"
    rows = list(read_rows(write(tmp_path, "d.csv", data), Columns(count="n")))
    assert [isinstance(r, RowError) for r in rows] == [True, True]
    assert "finite" in rows[0].message  # type: ignore[union-attr]
    assert "negative" in rows[1].message  # type: ignore[union-attr]


def test_unreadable_file_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(ReconcilerError, match="cannot read"):
        list(read_rows(str(tmp_path / "nope.csv"), Columns()))


@pytest.mark.parametrize("name", ["d.csv", "d.jsonl", "d.dat"])
def test_input_that_is_not_utf8_is_a_clean_error(tmp_path: Path, name: str) -> None:
    # A small file is decoded on the first read (auto-detection): it must not escape as a
    # UnicodeDecodeError (a traceback on the command line).
    data = "agent,timestamp,value\nx,2026-11-27,5 €\n".encode("cp1252")
    with pytest.raises(ReconcilerError, match="not UTF-8"):
        list(read_rows(write(tmp_path, name, data), Columns()))


def test_a_value_too_large_for_the_api_is_a_row_error(tmp_path: Path) -> None:
    # The API's value is a double: 1e400 cannot be sent, and sending it fails its whole batch.
    data = b"agent,timestamp,value\nx,2026-11-27,1e400\nx,2026-11-27,-1e309\nx,2026-11-27,1e300\n"
    rows = list(read_rows(write(tmp_path, "d.csv", data), Columns()))
    assert [type(r).__name__ for r in rows] == ["RowError", "RowError", "Row"]
    assert all("too large" in r.message for r in rows[:2])  # type: ignore[union-attr]
    jsonl = b'{"agent": "x", "timestamp": "2026-11-27", "value": 1e999}\n'
    (row,) = read_rows(write(tmp_path, "d.jsonl", jsonl), Columns())
    assert isinstance(row, RowError) and "too large" in row.message


def test_empty_trailing_header_columns_are_not_duplicates(tmp_path: Path) -> None:
    # Spreadsheet exports often end every line with empty columns.
    data = b"agent,timestamp,value,,\nx,2026-11-27,5,,\n"
    (row,) = read_rows(write(tmp_path, "d.csv", data), Columns())
    assert row == Row(2, "x", date(2026, 11, 27), Decimal(5), 1)


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n\r\n\n"])
def test_empty_input_says_so(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ReconcilerError, match=r"empty input \(no header row\)"):
        list(read_rows(write(tmp_path, "d.csv", data), Columns()))


def test_blank_lines_before_the_header_are_skipped(tmp_path: Path) -> None:
    data = b"\n\nagent,timestamp,value\nx,2026-11-27,5\n"
    (row,) = read_rows(write(tmp_path, "d.csv", data), Columns())
    assert row == Row(4, "x", date(2026, 11, 27), Decimal(5), 1)


@pytest.mark.parametrize("text", ["20261127", "2026-W48-5"])
def test_a_compact_or_week_date_is_an_already_daily_row(tmp_path: Path, text: str) -> None:
    # With --source-tz it must not become midnight in the source zone: converted to an agent
    # zone west of it, that midnight is the day before.
    data = f"agent,timestamp,value\nx,{text},5\n".encode()
    (row,) = read_rows(write(tmp_path, "d.csv", data), Columns(), NY)
    assert row == Row(2, "x", date(2026, 11, 27), Decimal(5), 1)


def test_a_stray_quote_is_reported_where_it_starts_and_briefly(tmp_path: Path) -> None:
    # The unclosed quote swallows the following lines into one field (as any CSV reader does):
    # the error names the line the record starts on, the lines it spans, and not their text.
    data = b'agent,timestamp,value\nx,2026-11-27,1\nx,2026-11-27,"5\n' + b"x,2026-11-27,3\n" * 50
    rows = list(read_rows(write(tmp_path, "d.csv", data), Columns()))
    assert [type(r).__name__ for r in rows] == ["Row", "RowError"]
    error = rows[1]
    assert isinstance(error, RowError) and error.line == 3
    assert "lines 3-53" in error.message and len(error.message) < 200


def test_a_count_beyond_the_apis_int32_is_a_row_error(tmp_path: Path) -> None:
    # `count` is an int32 in the API: a larger one fails its whole batch (400), good points too.
    data = b"agent,timestamp,value,n\nx,2026-11-27,1,3000000000\nx,2026-11-27,1,2147483647\n"
    rows = list(read_rows(write(tmp_path, "d.csv", data), Columns(count="n")))
    assert isinstance(rows[0], RowError) and "too large" in rows[0].message
    assert isinstance(rows[1], Row) and rows[1].count == 2147483647


def test_a_jsonl_line_nested_too_deep_is_a_row_error(tmp_path: Path) -> None:
    data = (
        b'{"agent": "x", "timestamp": "2026-11-27", "value": 1}\n'
        + b"[" * 100_000
        + b'\n{"agent": "x", "timestamp": "2026-11-27", "value": 2}\n'
    )
    rows = list(read_rows(write(tmp_path, "d.jsonl", data), Columns()))
    assert [type(r).__name__ for r in rows] == ["Row", "RowError", "Row"]
    assert rows[1].line == 2 and "not valid JSON" in rows[1].message  # type: ignore[union-attr]


def test_jsonl_numbers_longer_than_pythons_int_limit_are_row_errors(tmp_path: Path) -> None:
    # json.loads refuses ints over 4,300 digits with a plain ValueError (a traceback before).
    data = (
        b'{"agent": "x", "timestamp": "2026-11-27", "value": ' + b"9" * 5000 + b"}\n"
        b'{"agent": "x", "timestamp": "2026-11-27", "value": 1, "n": ' + b"9" * 5000 + b"}\n"
        b'{"agent": "x", "timestamp": "2026-11-27", "value": 2, "n": 3}\n'
    )
    rows = list(read_rows(write(tmp_path, "d.jsonl", data), Columns(count="n")))
    assert [type(r).__name__ for r in rows] == ["RowError", "RowError", "Row"]
    assert "too large" in rows[0].message and "too large" in rows[1].message  # type: ignore[union-attr]
    assert all(len(r.message) < 200 for r in rows[:2])  # type: ignore[union-attr]


def test_a_stray_quote_that_swallows_too_much_names_its_line(tmp_path: Path) -> None:
    # csv gives up on a field over 128 KiB: the error says where the runaway record starts.
    data = b'agent,timestamp,value\nx,2026-11-27,1\nx,2026-11-27,"5\n' + b"x,2026-11-27,3\n" * 9999
    with pytest.raises(ReconcilerError, match=r"d\.csv: line 3: malformed CSV: field larger"):
        list(read_rows(write(tmp_path, "d.csv", data), Columns()))


def test_jsonl_on_stdin_is_recognised_after_blank_lines() -> None:
    data = b'\r\n\n{"agent": "x", "timestamp": "2026-11-27", "value": 1}\n'
    (row,) = read_rows("-", Columns(), stdin=io.BytesIO(data))
    assert row == Row(3, "x", date(2026, 11, 27), Decimal(1), 1)


def test_a_jsonl_number_with_an_absurd_exponent_is_a_row_error(tmp_path: Path) -> None:
    # Past Decimal's exponent limit json.loads raises InvalidOperation (not JSONDecodeError);
    # within it, abs() would overflow the context.
    data = (
        b'{"agent": "x", "timestamp": "2026-11-27", "value": 1e99999999999999999999999}\n'
        b'{"agent": "x", "timestamp": "2026-11-27", "value": 1e999999999999}\n'
        b'{"agent": "x", "timestamp": "2026-11-27", "value": 2}\n'
    )
    rows = list(read_rows(write(tmp_path, "d.jsonl", data), Columns()))
    assert [type(r).__name__ for r in rows] == ["RowError", "RowError", "Row"]
    assert "not valid JSON" in rows[0].message  # type: ignore[union-attr]
    assert "too large" in rows[1].message  # type: ignore[union-attr]


def test_a_csv_value_with_an_absurd_exponent_is_a_row_error(tmp_path: Path) -> None:
    data = b"agent,timestamp,value\nx,2026-11-27,1e999999999999\nx,2026-11-27,-1E+999999999999\n"
    rows = list(read_rows(write(tmp_path, "d.csv", data), Columns()))
    assert len(rows) == 2  # all() over no rows would pass
    assert all(isinstance(r, RowError) and "too large" in r.message for r in rows)


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00"]
)
def test_timestamps_at_the_ends_of_time_are_row_errors(tmp_path: Path, text: str) -> None:
    # Converting them to an agent's zone overflows datetime (a traceback in the day grouping).
    data = f"agent,timestamp,value\nx,{text},1\nx,2026-11-27,2\n".encode()
    rows = list(read_rows(write(tmp_path, "d.csv", data), Columns(), NY))
    assert [type(r).__name__ for r in rows] == ["RowError", "Row"]
    assert "out of range" in rows[0].message  # type: ignore[union-attr]


LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("text", "zone", "agent_zone", "day"),
    [
        # Naive times in a spring-forward gap or a fall-back overlap still parse (fold=0) and
        # keep their calendar day in their own zone.
        ("2026-03-08T02:30:00", NY, NY, "2026-03-08"),  # gap in New York
        ("2026-11-01T01:30:00", NY, NY, "2026-11-01"),  # overlap in New York
        ("2026-03-29T01:30:00", LONDON, LONDON, "2026-03-29"),  # gap in London
        ("2026-10-25T01:30:00", LONDON, LONDON, "2026-10-25"),  # overlap in London
        # Across zones: 00:30 in London during BST is 19:30 the evening before in New York.
        ("2026-10-25T00:30:00", LONDON, NY, "2026-10-24"),
        ("2028-02-29T23:30:00", NY, LONDON, "2028-03-01"),  # leap day, late evening
        ("2028-02-29T23:30:00", NY, NY, "2028-02-29"),
    ],
)
def test_naive_times_around_dst_and_leap_days_land_on_the_agents_day(
    tmp_path: Path, text: str, zone: ZoneInfo, agent_zone: ZoneInfo, day: str
) -> None:
    data = f"agent,timestamp,value\nx,{text},1\n".encode()
    (row,) = read_rows(write(tmp_path, "d.csv", data), Columns(), zone)
    assert isinstance(row, Row) and isinstance(row.occurred, datetime)
    assert row.occurred.astimezone(agent_zone).date() == date.fromisoformat(day)
