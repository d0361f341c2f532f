"""Report metadata: what the cover of audit.html / audit.pdf and the summary sheet of
audit.xlsx say about the report itself (title, organisation, for whom, by whom, date).

Metadata changes the documents a person reads, never the audit: it is not written into
``audit.json``, so the same input and settings still give a byte-identical file.

Given as options, or in a TOML or JSON file::

    # report.toml
    title = "Power audit, Q4 2026"
    organisation = "Northwind Ltd"
    prepared_for = "Board of Northwind Ltd"
    prepared_by = "A. Consultant, Example Advisory"
    date = "2026-11-27"
    confidentiality = "Confidential: for the board only"

>>> ReportMeta(organisation="Northwind").heading
'Power in Northwind'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orgpower.errors import InputError
from orgpower.report.config import read_settings_file

__all__ = ["ReportMeta", "input_date"]


@dataclass(frozen=True)
class ReportMeta:
    """The report's own details; every field is optional."""

    title: str | None = None
    """The report title (default: 'Power in <organisation>' or 'Power in this organisation')."""
    organisation: str | None = None
    """The audited organisation's name."""
    prepared_for: str | None = None
    prepared_by: str | None = None
    date: str | None = None
    """The report date, ``YYYY-MM-DD`` (shown as '27 November 2026'); by default the
    command line uses the newest modification date of the input files."""
    confidentiality: str | None = None
    """A line printed on the cover and in every page footer, e.g. 'Confidential'."""

    def __post_init__(self) -> None:
        if self.date:
            _check_date(self.date, "the report details")

    @property
    def heading(self) -> str:
        if self.title:
            return self.title
        return f"Power in {self.organisation}" if self.organisation else "Power in this organisation"

    @property
    def date_text(self) -> str | None:
        if not self.date:
            return None
        day = dt.date.fromisoformat(self.date)
        return f"{day.day} {day:%B %Y}"

    def merged(self, **overrides: Any) -> "ReportMeta":
        """A copy where every override that is not None replaces the field (options over file)."""
        return dataclasses.replace(self, **{k: v for k, v in overrides.items() if v is not None})

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def load(cls, path: str | Path) -> "ReportMeta":
        """Read a ``.toml`` or ``.json`` file of the fields above; unknown keys are an error."""
        path = Path(path)
        raw = read_settings_file(path, "report configuration file", "fields", encoding="utf-8-sig")
        return cls.from_dict(raw, source=str(path))

    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, source: str = "report configuration") -> "ReportMeta":
        values: dict[str, Any] = {}
        for key, value in raw.items():
            name = key.replace("-", "_")
            if name == "organization":  # both spellings are common
                name = "organisation"
            if name not in cls.fields():
                raise InputError(
                    f"In {source}, the field {key!r} is unknown; known fields: {', '.join(cls.fields())}."
                )
            if isinstance(value, (dt.date, dt.datetime)):  # TOML dates arrive as dates
                value = value.isoformat()[:10]
            if not isinstance(value, str):
                raise InputError(f"In {source}, {key} is {value!r}; give it as text in quotes.")
            values[name] = value.strip() or None
        if values.get("date"):
            _check_date(values["date"], source)
        return cls(**values)


def _check_date(text: str, source: str) -> None:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"In {source}, the date {text!r} is not a date: write it as YYYY-MM-DD.") from None


DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet", ".json")


def input_date(paths: Iterable[str | Path]) -> str | None:
    """The newest modification date (ISO, UTC) of the given files and of the data files
    directly in the given folders (a README beside them does not count); None when none
    can be read."""
    newest = None
    for given in paths:
        path = Path(given)
        candidates = ([p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES]
                      if path.is_dir() else [path])
        for candidate in candidates:
            try:
                stamp = candidate.stat().st_mtime
            except OSError:
                continue
            newest = stamp if newest is None else max(newest, stamp)
    if newest is None:
        return None
    return dt.datetime.fromtimestamp(newest, tz=dt.timezone.utc).date().isoformat()
