"""Which Genesys user a CRM agent key is: by e-mail, or through a mapping file.

Without a mapping the agent key is the user's Genesys e-mail (compared case-insensitively).
A mapping file maps CRM owner ids to an e-mail or a Genesys user id:

    CSV (header row, first column = CRM id, second = e-mail or user id):
        owner_id,genesys
        0051t000003AbCd,ana.silva@example.com
        0051t000003XyZw,4f0c9c1e-1d7a-4a4b-9f51-0b8a9c1d2e3f
    YAML (a mapping):
        0051t000003AbCd: ana.silva@example.com

Keys the mapping does not list are tried as e-mails, so a mapping only needs the exceptions.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigurationError


def load_mapping(path: Path) -> dict[str, str]:
    """CRM owner id -> e-mail or user id, from a .csv or .yaml/.yml file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ConfigurationError(f"cannot read mapping {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ConfigurationError(f"{path}: not UTF-8 text ({error.reason})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        return _mapping_from_yaml(text, path)
    return _mapping_from_csv(text, path)


def _mapping_from_yaml(text: str, path: Path) -> dict[str, str]:
    try:
        # BaseLoader: every scalar stays the text in the file (CRM ids like 007 or 1.50 are not
        # numbers, and `yes` is not a boolean).
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ConfigurationError(f"{path}{where}: not valid YAML") from None
    if data is None or data == "":  # an empty file, or an empty document (`---`)
        return {}
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path}: expected a mapping of CRM id to e-mail or user id")
    mapping: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{path}: {key}: expected an e-mail or a user id")
        mapping[str(key).strip()] = str(value).strip()
    return mapping


def _mapping_from_csv(text: str, path: Path) -> dict[str, str]:
    rows = csv.reader(text.splitlines())
    mapping: dict[str, str] = {}
    first: int | None = None
    for number, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip():
            continue
        if first is None:
            first = number  # the header row
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ConfigurationError(f"{path}:{number}: expected CRM id, e-mail or user id")
        key = row[0].strip()
        if key in mapping and mapping[key] != row[1].strip():
            raise ConfigurationError(f"{path}:{number}: {key} is mapped twice")
        mapping[key] = row[1].strip()
    return mapping


class AgentDirectory:
    """Resolves agent keys to user ids; results are cached so each key is looked up once."""

    def __init__(
        self, users: Iterable[Mapping[str, Any]], mapping: Mapping[str, str] | None = None
    ) -> None:
        self._by_email: dict[str, str] = {}
        self._ids: set[str] = set()
        for user in users:
            user_id = str(user["id"])
            self._ids.add(user_id)
            email = user.get("email")
            if isinstance(email, str) and email:
                self._by_email.setdefault(email.strip().lower(), user_id)
        self._mapping = dict(mapping or {})
        # Only keys that matched: unknown ones can be as many as the rows (a wrong column).
        self._cache: dict[str, str] = {}

    def resolve(self, key: str) -> str | None:
        """The user id for an agent key, or None when no Genesys user matches."""
        found = self._cache.get(key)
        if found is not None:
            return found
        target = self._mapping.get(key, key)
        found = target if target in self._ids else self._by_email.get(target.strip().lower())
        if found is not None:
            self._cache[key] = found
        return found
