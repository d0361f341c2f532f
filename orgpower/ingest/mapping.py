"""An explicit column mapping that overrides header detection.

Accepted forms (JSON, or a two-column CSV; YAML is not read, to keep dependencies few):

* JSON by kind: ``{"people": {"person_id": "Staff No", "manager_id": "Boss No"},
  "flows": {"source": "From", ...}}``
* JSON by file: ``{"files": {"staff.csv": {"kind": "people", "columns": {...}}}}``
* JSON flat: ``{"person_id": "Staff No", "manager_id": "Boss No"}`` (the kind is the
  one whose columns these are)
* CSV with header ``canonical,header``; ``canonical`` is ``person_id`` or
  ``flows.source`` (kind-qualified).

A mapping applies to a file when the file is named in it, or when every header it names
for a kind is present in the file. Mapped columns replace what detection found; the
rest of the detected mapping stays.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgpower.errors import UsageError
from orgpower.ingest.schemas import SCHEMAS

KINDS = tuple(SCHEMAS)


@dataclass(frozen=True)
class FileMapping:
    kind: str | None
    columns: dict[str, str]


@dataclass(frozen=True)
class MappingSpec:
    by_file: dict[str, FileMapping] = field(default_factory=dict)
    by_kind: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_table(self, label: str, file: str, headers: list[str]) -> FileMapping | None:
        """The mapping that applies to a table (``label`` may be ``file#sheet``), if any."""
        for key in (label, file):
            if key in self.by_file:
                return self.by_file[key]
        present = set(headers)
        best: tuple[int, str] | None = None
        for kind, columns in self.by_kind.items():
            if columns and set(columns.values()) <= present:
                if best is None or len(columns) > best[0]:
                    best = (len(columns), kind)
        if best is None:
            return None
        return FileMapping(best[1], dict(self.by_kind[best[1]]))


def _kind_of(columns: Mapping[str, str], where: str) -> str:
    for kind in ("people", "flows", "decisions", "relations", "junior_posts"):
        if set(columns) <= set(SCHEMAS[kind].columns):
            return kind
    unknown = sorted(set(columns) - {c for s in SCHEMAS.values() for c in s.columns})
    raise UsageError(
        f"Mapping {where}: {', '.join(unknown) or 'these columns'} do not name columns of one input kind; "
        f"use names such as person_id, manager_id, source, target, amount, decision, actor, role."
    )


def _check_columns(kind: str, columns: Mapping[str, Any], where: str) -> dict[str, str]:
    if kind not in SCHEMAS:
        raise UsageError(f"Mapping {where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}.")
    if not isinstance(columns, Mapping):
        raise UsageError(f"Mapping {where}: expected an object of canonical column -> header.")
    unknown = sorted(set(columns) - set(SCHEMAS[kind].columns))
    if unknown:
        raise UsageError(
            f"Mapping {where}: {', '.join(map(str, unknown))} is not a {kind} column; "
            f"use {', '.join(SCHEMAS[kind].columns)}."
        )
    return {str(k): str(v) for k, v in columns.items() if v not in (None, "")}


def parse_mapping(raw: Mapping[str, Any], where: str = "") -> MappingSpec:
    """Validate a mapping given as a dict (see the module docstring for the forms)."""
    by_file: dict[str, FileMapping] = {}
    by_kind: dict[str, dict[str, str]] = {}
    for key, value in raw.items():
        if key == "files":
            if not isinstance(value, Mapping):
                raise UsageError(f"Mapping {where}: 'files' must map file names to {{kind, columns}}.")
            for name, entry in value.items():
                if not isinstance(entry, Mapping) or "columns" not in entry:
                    raise UsageError(f"Mapping {where}: file {name!r} needs a 'columns' object.")
                kind = entry.get("kind") or _kind_of(entry["columns"], where)
                by_file[str(name)] = FileMapping(kind, _check_columns(kind, entry["columns"], where))
        elif key in SCHEMAS:
            by_kind[key] = _check_columns(key, value, where)
    flat = {k: v for k, v in raw.items() if k != "files" and k not in SCHEMAS}
    if flat:
        if not all(isinstance(v, str) for v in flat.values()):
            raise UsageError(f"Mapping {where}: expected canonical column -> header (text).")
        kind = _kind_of(flat, where)
        by_kind.setdefault(kind, {}).update(_check_columns(kind, flat, where))
    return MappingSpec(by_file=by_file, by_kind=by_kind)


def load_mapping(source: str | Path | Mapping[str, Any] | None) -> MappingSpec | None:
    """Read a mapping file (JSON or two-column CSV) or take a dict; ``None`` -> no mapping.

    Raises :class:`~orgpower.errors.UsageError` (one sentence) when the file is missing
    or malformed: a mapping is an option the user gave, not data to be repaired.
    """
    if source is None:
        return None
    if isinstance(source, Mapping):
        return parse_mapping(source, "(given as a dict)")
    path = Path(source)
    if not path.is_file():
        raise UsageError(f"Mapping file {path} does not exist.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"Mapping file {path.name} could not be read as UTF-8 text.") from None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(f"Mapping file {path.name} is not valid JSON (line {error.lineno}: {error.msg}).") from None
        if not isinstance(raw, dict):
            raise UsageError(f"Mapping file {path.name} must hold a JSON object.")
        return parse_mapping(raw, path.name)
    if path.suffix.lower() in {".yaml", ".yml"}:
        raise UsageError(f"Mapping file {path.name}: YAML is not read; write it as JSON or as a CSV of canonical,header.")
    return _parse_csv_mapping(text, path.name)


def _parse_csv_mapping(text: str, where: str) -> MappingSpec:
    rows = [r for r in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in r)]
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["canonical", "header"]:
        rows = rows[1:]
    if not rows or any(len(r) < 2 for r in rows):
        raise UsageError(f"Mapping file {where}: expected two columns, canonical,header (e.g. person_id,Staff No).")
    by_kind: dict[str, dict[str, str]] = {}
    flat: dict[str, str] = {}
    for canonical, header, *_ in rows:
        canonical, header = canonical.strip(), header.strip()
        if "." in canonical:
            kind, column = canonical.split(".", 1)
            by_kind.setdefault(kind, {})[column] = header
        else:
            flat[canonical] = header
    raw: dict[str, Any] = dict(by_kind)
    raw.update(flat)
    return parse_mapping(raw, where)


def mapping_document(columns: Mapping[str, Mapping[str, str]], kinds: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A corrected mapping (file name -> canonical column -> header, as the dashboard's
    mapping editor holds it) -> the JSON mapping file ``--mapping`` reads, by file.
    ``kinds`` gives each file's kind (default: the kind its columns belong to). Blank
    headers are left out; the result is checked as :func:`load_mapping` would check it.

    >>> mapping_document({"staff.csv": {"person_id": "Staff ID", "manager_name": "Escalates to", "unit": ""}})
    {'files': {'staff.csv': {'kind': 'people', 'columns': {'person_id': 'Staff ID', 'manager_name': 'Escalates to'}}}}
    """
    files: dict[str, Any] = {}
    for name, mapped in columns.items():
        kept = {str(c): str(h) for c, h in mapped.items() if h not in (None, "")}
        kind = (kinds or {}).get(name) or _kind_of(kept, f"for {name}")
        files[str(name)] = {"kind": kind, "columns": _check_columns(kind, kept, f"for {name}")}
    document = {"files": files}
    parse_mapping(document, "(mapping editor)")  # the command line will accept it
    return document


def mapping_json(columns: Mapping[str, Mapping[str, str]], kinds: Mapping[str, str] | None = None) -> str:
    """:func:`mapping_document` as the text of a mapping file (UTF-8 JSON, keys in order)."""
    return json.dumps(mapping_document(columns, kinds), indent=2, ensure_ascii=False) + "\n"
