"""Streaming readers for CRM exports: CSV and JSON Lines, from a file or stdin (`-`).

Each data row becomes a `Row` (agent key, when it happened, value, count) or a `RowError` that
names its line and keeps whatever parsed, so the pipeline can still tell which agent/day the bad
row touched. Problems with the file as a whole (missing or duplicate columns, unreadable file)
raise `ReconcilerError` before any row is yielded.

Timestamps: ISO 8601 with an offset (`2026-11-27T23:30:00-05:00`, `...Z`), or without one when
`source_tz` says which zone they are in; a date alone (`2026-11-27`) is an already-daily row and
is taken as the agent's local day as-is.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import reprlib
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Literal
from zoneinfo import ZoneInfo

from ..errors import ReconcilerError

InputFormat = Literal["csv", "jsonl"]

# The data API's value is a double: anything larger cannot be sent (and would fail its batch).
MAX_VALUE = Decimal(sys.float_info.max)
MAX_COUNT = 2**31 - 1  # and its count an int32
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 40


def _shown(raw: object) -> str:
    """A field's text for a message: short, even when an unclosed quote swallowed lines."""
    if isinstance(raw, Decimal):  # a JSON number: shown as written, not as Decimal('...')
        text = str(raw)
        return text if len(text) <= 40 else f"{text[:18]}...{text[-18:]}"
    return _SHORT.repr(raw)


@dataclass(frozen=True)
class Columns:
    """Which input column holds what; `count` is optional (each row is one deal without it)."""

    agent: str = "agent"
    time: str = "timestamp"
    value: str = "value"
    count: str | None = None

    def required(self) -> list[str]:
        return [c for c in (self.agent, self.time, self.value, self.count) if c is not None]


@dataclass(slots=True)
class Row:
    """A usable row (slots, not frozen: one is built per input row, and that adds up)."""

    line: int
    agent: str
    # A date is an already-daily row; a datetime is always timezone-aware.
    occurred: datetime | date
    value: Decimal
    count: int


@dataclass(frozen=True)
class RowError:
    """A row that could not be used; `agent`/`occurred` are kept when they did parse."""

    line: int
    message: str
    agent: str | None = None
    occurred: datetime | date | None = None


def detect_format(path: str, first_line: str | None = None) -> InputFormat:
    """By extension; for stdin or an unknown extension, by the first character of the data."""
    lowered = path.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lowered.endswith((".csv", ".txt")):
        return "csv"
    if first_line is not None and first_line.lstrip("\ufeff \t").startswith("{"):
        return "jsonl"
    return "csv"


def parse_time(text: str, source_tz: ZoneInfo | None) -> datetime | date:
    """A date alone stays a date; a naive datetime needs `source_tz`; raises ValueError."""
    text = text.strip()
    if not text:
        raise ValueError("empty timestamp")
    if len(text) <= 10:  # 2026-11-27, 20261127, 2026-W48-5: no room for a time of day
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        if source_tz is None:
            raise ValueError(f"timestamp {text!r} has no UTC offset (pass --source-tz)")
        moment = moment.replace(tzinfo=source_tz)
    if moment.year in (1, 9999):  # a zone conversion could leave datetime's range
        raise ValueError(f"timestamp {_shown(text)} is out of range")
    return moment


def parse_value(raw: object) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"value {_shown(raw)} is not a number")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"value {_shown(raw)} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"value {_shown(raw)} is not a finite number")
    if value.copy_abs() > MAX_VALUE:  # copy_abs: exact, even past the context exponent
        raise ValueError(f"value {_shown(raw)} is too large for the API (a double)")
    return value


def parse_count(raw: object) -> int:
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"count {_shown(raw)} is not a whole number")
    try:
        if isinstance(raw, Decimal):  # a JSON number such as 2.0 or 1e3
            if raw != raw.to_integral_value():
                raise ValueError
            count = int(raw)
        else:
            count = int(str(raw).strip())
    except (ValueError, ArithmeticError):
        raise ValueError(f"count {_shown(raw)} is not a whole number") from None
    if count < 0:
        raise ValueError(f"count {_shown(raw)} is negative")
    if count > MAX_COUNT:
        raise ValueError(f"count {_shown(raw)} is too large for the API (an int32)")
    return count


def moment_of(value: datetime | date, source_tz: ZoneInfo | None) -> datetime | date:
    """A database's date or datetime as a row's `occurred`; ValueError as `parse_time`."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        if source_tz is None:
            raise ValueError(f"timestamp {value.isoformat()} has no UTC offset (pass --source-tz)")
        value = value.replace(tzinfo=source_tz)
    if value.year in (1, 9999):  # as in parse_time: a zone conversion could leave the range
        raise ValueError(f"timestamp {value.isoformat()} is out of range")
    return value


def row_from_fields(
    line: int, fields: dict[str, object], columns: Columns, source_tz: ZoneInfo | None
) -> Row | RowError:
    """One record by column name (a JSON object, a database row): a `Row`, or what is wrong.

    The timestamp may be text (ISO 8601, as `parse_time`) or a date/datetime object.
    """
    missing = [c for c in columns.required() if fields.get(c) in (None, "")]
    agent_raw = fields.get(columns.agent)
    agent = str(agent_raw).strip() if agent_raw not in (None, "") else None
    occurred: datetime | date | None = None
    problems: list[str] = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    time_raw = fields.get(columns.time)
    if time_raw not in (None, ""):
        try:
            if isinstance(time_raw, date):  # datetime is a date too
                occurred = moment_of(time_raw, source_tz)
            elif isinstance(time_raw, str):
                occurred = parse_time(time_raw, source_tz)
            else:
                problems.append(f"timestamp {_shown(time_raw)} is not a string")
        except ValueError as error:
            problems.append(f"bad timestamp: {error}")
    value: Decimal | None = None
    if fields.get(columns.value) not in (None, ""):
        try:
            value = parse_value(fields[columns.value])
        except ValueError as error:
            problems.append(str(error))
    count = 1
    if columns.count is not None and fields.get(columns.count) not in (None, ""):
        try:
            count = parse_count(fields[columns.count])
        except ValueError as error:
            problems.append(str(error))
    if problems or agent is None or occurred is None or value is None:
        return RowError(line, "; ".join(problems), agent, occurred)
    return Row(line, agent, occurred, value, count)


def _check_header(header: list[str], columns: Columns, source: str) -> None:
    seen = Counter(header)
    # Unnamed columns (a spreadsheet's trailing commas) cannot be asked for, so may repeat.
    duplicates = sorted(name for name, times in seen.items() if times > 1 and name)
    if duplicates:
        raise ReconcilerError(
            f"{source}: duplicate column(s) in the header: {', '.join(duplicates)}"
        )
    missing = [c for c in columns.required() if c not in seen]
    if missing:
        raise ReconcilerError(
            f"{source}: missing column(s) {', '.join(missing)} (header has: {', '.join(header)})"
        )


def read_csv(
    lines: Iterable[str], columns: Columns, source_tz: ZoneInfo | None, source: str = "input"
) -> Iterator[Row | RowError]:
    """`lines` come from a stream opened with newline='' (CRLF and quoted newlines: csv's job)."""
    reader = csv.reader(lines)
    for header in reader:
        header = [name.strip().lstrip("\ufeff") for name in header]
        if any(header):
            break
    else:  # no lines, or blank ones only
        raise ReconcilerError(f"{source}: empty input (no header row)")
    _check_header(header, columns, source)
    index = {name: i for i, name in enumerate(header)}
    wanted = [(name, index[name]) for name in columns.required()]
    width = len(header)
    agent_at, time_at, value_at = index[columns.agent], index[columns.time], index[columns.value]
    count_at = index[columns.count] if columns.count is not None else None
    end = reader.line_num
    try:
        for record in reader:
            # A record is reported by the line it starts on; a quoted field may span lines.
            line, end = end + 1, reader.line_num
            if len(record) == width:
                # Fast path for a well-formed row; anything odd falls through to `_row`, which
                # re-parses the row only to say precisely what is wrong with it.
                try:
                    agent = record[agent_at].strip()
                    value = Decimal(record[value_at])
                    count = 1 if count_at is None else int(record[count_at])
                    # Infinity fails the bound; comparing NaN raises InvalidOperation (below).
                    if agent and value.copy_abs() <= MAX_VALUE and 0 <= count <= MAX_COUNT:
                        occurred = parse_time(record[time_at], source_tz)
                        yield Row(line, agent, occurred, value, count)
                        continue
                except (ValueError, ArithmeticError):
                    pass
            elif not record or (len(record) == 1 and not record[0].strip()):
                continue
            fields: dict[str, object] = {
                name: record[i] if i < len(record) else None for name, i in wanted
            }
            result = row_from_fields(line, fields, columns, source_tz)
            if len(record) != width and isinstance(result, Row):
                result = RowError(
                    line,
                    f"has {len(record)} fields, the header has {width}",
                    result.agent,
                    result.occurred,
                )
            if end > line and isinstance(result, RowError):
                why = f"{result.message}; " if result.message else ""
                message = f"{why}the record spans lines {line}-{end} (an unclosed quote?)"
                result = RowError(line, message, result.agent, result.occurred)
            yield result
    except csv.Error as error:  # e.g. an unclosed quote ran past csv's field size limit
        raise ReconcilerError(f"{source}: line {end + 1}: malformed CSV: {error}") from None


def read_jsonl(
    lines: Iterable[str], columns: Columns, source_tz: ZoneInfo | None, source: str = "input"
) -> Iterator[Row | RowError]:
    for line, text in enumerate(lines, start=1):
        text = text.strip().lstrip("\ufeff")
        if not text:
            continue
        try:
            # Decimal for ints too: exact, and no 4,300-digit limit on int conversion.
            fields = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        except json.JSONDecodeError as error:
            yield RowError(line, f"not valid JSON: {error.msg}")
            continue
        except RecursionError:
            yield RowError(line, "not valid JSON: nested too deeply")
            continue
        except ArithmeticError:  # Decimal refused a number, e.g. 1e999999999999
            yield RowError(line, "not valid JSON: a number out of range")
            continue
        if not isinstance(fields, dict):
            yield RowError(line, "not a JSON object")
            continue
        yield row_from_fields(line, fields, columns, source_tz)


def read_rows(
    path: str,
    columns: Columns,
    source_tz: ZoneInfo | None = None,
    input_format: InputFormat | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Row | RowError]:
    """Stream rows of `path` (`-` = stdin); the file is opened lazily and closed at the end."""
    if path == "-":
        binary = stdin if stdin is not None else sys.stdin.buffer
        stream: IO[str] = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        source = "stdin"
    else:
        try:
            stream = Path(path).open(encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as error:
            raise ReconcilerError(f"cannot read {path}: {error.strerror}") from None
        source = path
    try:
        fmt = input_format
        lines: Iterable[str] = stream
        if fmt is None:
            # Decoding starts here (a whole small file at once), so inside the `try`. Blank
            # lines are kept (line numbers) but do not decide the format.
            head = [stream.readline()]
            while head[-1] and not head[-1].strip(" \t\r\n\ufeff"):
                head.append(stream.readline())
            fmt = detect_format(path if path != "-" else "", head[-1])
            lines = itertools.chain(head, stream)
        reader = read_csv if fmt == "csv" else read_jsonl
        yield from reader(lines, columns, source_tz, source)
    except UnicodeDecodeError as error:
        raise ReconcilerError(f"{source}: not UTF-8 text ({error.reason})") from None
    except csv.Error as error:
        raise ReconcilerError(f"{source}: malformed CSV: {error}") from None
    finally:
        stream.close()
