"""A CSV or JSON Lines file (or stdin) as a push source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from zoneinfo import ZoneInfo

from ..reader import Columns, InputFormat, Row, RowError, read_rows


@dataclass(frozen=True)
class FileSource:
    path: str  # `-` = stdin
    input_format: InputFormat | None = None
    stdin: IO[bytes] | None = None

    @property
    def label(self) -> str:
        return "stdin" if self.path == "-" else self.path

    @property
    def unit(self) -> str:
        return "line"

    def rows(self, columns: Columns, source_tz: ZoneInfo | None) -> Iterator[Row | RowError]:
        return read_rows(self.path, columns, source_tz, self.input_format, self.stdin)
