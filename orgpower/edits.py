"""Fixing input data in place: a list of cell edits and row removals on copies of the files.

What the validator reports (a wrong or unknown manager, a reporting cycle, a repeated
id) is fixed where it is wrong: in the file. An :class:`Edit` names the file, the row as
a spreadsheet shows it in the file *as given* (header = row 1), the header of the column
and the old and new cell text. :func:`write_corrected` replays every edit on fresh copies
of the originals, so an edit is undone by leaving it out of the list, and the files the
user gave are never written to. The corrected copies keep the original's name, format,
delimiter and encoding, so detection and any mapping by file name still apply.

Helpers build the edits that fix each kind of problem from a validated
:class:`~orgpower.model.OrgModel` (which names the file, row and mapped header of every
person): :func:`manager_edit` (set or clear a person's manager; also how a cycle or a
self-manager is broken), :func:`drop_row_edit` and :func:`new_id_edit` (resolve a repeated
id). :func:`mapping_document` writes the full column mapping of a model as the mapping file
``read_org(..., mapping=...)`` and ``orgpower validate --mapping`` read.

>>> edit = Edit("set", "people.csv", 5, "Manager", "9", "1", "manager of 4: 9 → 1")
>>> edit.describe()
'people.csv row 5, Manager: 9 → 1 (manager of 4: 9 → 1)'
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from orgpower.errors import InputError
from orgpower.model import OrgModel

Action = Literal["set", "drop"]


@dataclass(frozen=True)
class Edit:
    """One change to one input file: set a cell, or drop a row.

    ``row`` is the row of the file *as given* (header = 1), so an edit list stays valid
    however many rows earlier edits dropped. ``reason`` says in words what it fixes.
    """

    action: Action
    file: str  # the file (or ``file#sheet``) as the model and the problems name it
    row: int
    column: str | None = None  # header in the file (``set`` only)
    old: str | None = None
    new: str | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.action == "drop":
            what = f"{self.file} row {self.row} removed"
        else:
            what = f"{self.file} row {self.row}, {self.column}: {_shown(self.old)} → {_shown(self.new)}"
        return f"{what} ({self.reason})" if self.reason else what

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _shown(value: str | None) -> str:
    return "(blank)" if value is None or value == "" else value


# --- the input files as raw tables -----------------------------------------------------


@dataclass
class SourceTable:
    """One table of one input file, every cell as text, and the file's row of each line."""

    label: str  # as the model names it: file name, or ``file#sheet`` for a workbook of several sheets
    path: Path
    frame: pd.DataFrame
    rows: np.ndarray  # spreadsheet row (header = 1) of each frame position
    format: str
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None


def input_files(paths: Sequence[str | Path]) -> list[Path]:
    """The table files ``read_org(paths)`` reads (folders expanded, notes left out)."""
    from orgpower.ingest.bundle import expand_paths

    files, _ = expand_paths([Path(p) for p in paths])
    return files


def source_tables(paths: Sequence[str | Path]) -> dict[str, SourceTable]:
    """Every readable table of the inputs, keyed by the label the model uses for its file."""
    from orgpower.ingest.readers import read_tables

    tables: dict[str, SourceTable] = {}
    for path in input_files(paths):
        read = read_tables(path)
        for raw in read:
            if raw.frame is None:
                continue
            label = f"{raw.file}#{raw.sheet}" if len(read) > 1 and raw.sheet else raw.file
            tables[label] = SourceTable(
                label=label, path=path, frame=raw.frame, rows=np.asarray(raw.spreadsheet_rows()), format=raw.format,
                sheet=raw.sheet, encoding=raw.encoding, delimiter=raw.delimiter,
            )
    return tables


def file_headers(tables: Mapping[str, SourceTable]) -> dict[str, list[str]]:
    """The headers of each table, as the file spells them (for a mapping drop-down)."""
    return {label: [str(c) for c in table.frame.columns] for label, table in tables.items()}


# --- replaying edits -------------------------------------------------------------------


def apply_edits(tables: Mapping[str, SourceTable], edits: Iterable[Edit]) -> dict[str, SourceTable]:
    """The tables with every edit applied in order (copies; ``tables`` is not changed).

    Only edited tables are returned. Raises :class:`~orgpower.errors.InputError` with
    one sentence when an edit names a file, row or column the inputs do not have.
    """
    edited: dict[str, SourceTable] = {}
    for edit in edits:
        if edit.file not in tables:
            raise InputError(f"The edit of {edit.file} row {edit.row} names a file that is not among the inputs.")
        table = edited.get(edit.file)
        if table is None:
            source = tables[edit.file]
            table = dataclasses.replace(source, frame=source.frame.copy(), rows=source.rows.copy())
            edited[edit.file] = table
        at = np.flatnonzero(table.rows == edit.row)
        if not len(at):
            raise InputError(f"{edit.file} has no row {edit.row} (left): the edit '{edit.describe()}' cannot be applied.")
        position = int(at[0])
        if edit.action == "drop":
            table.frame = table.frame.drop(index=table.frame.index[position])
            table.rows = np.delete(table.rows, position)
        else:
            if edit.column not in table.frame.columns:
                raise InputError(f"{edit.file} has no column {edit.column!r}: the edit '{edit.describe()}' cannot be applied.")
            table.frame.iloc[position, table.frame.columns.get_loc(edit.column)] = edit.new if edit.new not in (None, "") else pd.NA
    return edited


def corrected_row(tables: Mapping[str, SourceTable], edited: Mapping[str, SourceTable], file: str, row: int) -> int | None:
    """The original row of line ``row`` of a corrected copy (None when there is none).

    A corrected copy has its header on row 1 and its data from row 2 on, so rows after a
    dropped one move up; edits are always stated in the original's rows.
    """
    table = edited.get(file)
    if table is None:
        return row
    position = row - 2
    return int(table.rows[position]) if 0 <= position < len(table.rows) else None


def write_corrected(paths: Sequence[str | Path], edits: Sequence[Edit], out_dir: str | Path) -> list[Path]:
    """Corrected copies of the edited files in ``out_dir``, plus the other input files as
    they are: the list to give ``read_org``. The originals are only read. (Files in a
    folder that are not tables, such as a README, are no longer passed once an edit is made.)"""
    if not edits:
        return [Path(p) for p in paths]  # nothing to change: read exactly what was given
    tables = source_tables(paths)
    edited = apply_edits(tables, edits)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_path: dict[Path, list[SourceTable]] = {}
    for table in tables.values():
        by_path.setdefault(table.path, []).append(edited.get(table.label, table))
    result = []
    for path in input_files(paths):
        parts = by_path.get(path, [])
        if not any(p.label in edited for p in parts):
            result.append(path)
            continue
        target = out / path.name
        if target.resolve() == path.resolve():
            raise InputError(f"The corrected copy of {path.name} would overwrite the original; choose another folder.")
        _write_like(parts, target)
        result.append(target)
    return result


def _write_like(parts: list[SourceTable], target: Path) -> None:
    """Write tables in the format of the file they came from."""
    first = parts[0]
    if first.format == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        for part in parts:
            sheet = book.create_sheet(part.sheet or "Sheet1")
            sheet.append(list(part.frame.columns))
            for values in part.frame.itertuples(index=False):
                sheet.append([None if pd.isna(v) else str(v) for v in values])
        book.save(target)
    elif first.format == "parquet":
        first.frame.astype("string").to_parquet(target, index=False)
    else:
        encoding = first.encoding or "utf-8"
        text = first.frame.to_csv(index=False, sep=first.delimiter or ",", na_rep="", lineterminator="\n")
        try:
            data = text.encode(encoding)
        except (UnicodeEncodeError, LookupError):  # a new value the original encoding cannot hold
            data = text.encode("utf-8-sig")
        target.write_bytes(data)


# --- edits that fix a problem ----------------------------------------------------------


def _person_row(model: OrgModel, person_id: str) -> pd.Series:
    people = model.people
    found = people[people["person_id"].astype(str) == str(person_id)]
    if found.empty:
        raise InputError(f"Nobody with id {person_id!r} is in the people file.")
    return found.iloc[0]


def _mapping_of(model: OrgModel, file: str) -> dict[str, str]:
    for record in model.inputs:
        if record.file == file:
            return dict(record.mapping or {})
    return {}


def manager_edit(
    model: OrgModel, tables: Mapping[str, SourceTable], person_id: str, new_manager: str | None,
    *, row_in_copy: int | None = None, file: str | None = None, edited: Mapping[str, SourceTable] | None = None,
) -> Edit:
    """Set ``person_id``'s manager to ``new_manager`` (None or "" = nobody: a top of the org).

    Writes the column the file's mapping reads the manager from: the manager's id when
    the file has a manager-id column, else the manager's name as the people file spells
    it. ``row_in_copy``/``file`` name the row when the person is not in the model (a row
    the validator set aside); ``edited`` are the tables of the current corrected copies,
    to state the edit in the original's rows.
    """
    if file is None or row_in_copy is None:
        person = _person_row(model, person_id)
        file, row_in_copy = str(person["source_file"]), int(person["source_row"])
    mapping = _mapping_of(model, file)
    new_manager = None if new_manager in (None, "") else str(new_manager)
    if new_manager is not None and new_manager == str(person_id):
        raise InputError(f"{person_id} cannot be their own manager.")
    if "manager_id" in mapping:
        column, value = mapping["manager_id"], new_manager
    elif "manager_name" in mapping:
        column = mapping["manager_name"]
        value = None
        if new_manager is not None:
            name = _person_row(model, new_manager).get("name")
            if name is None or pd.isna(name) or not str(name).strip():
                raise InputError(f"{file} gives managers by name, and {new_manager} has no name to write there.")
            value = str(name)
    else:
        raise InputError(f"{file} has no manager column in its mapping: map one on the Upload page first.")
    row = corrected_row(tables, edited or {}, file, row_in_copy)
    if row is None:
        raise InputError(f"{file} row {row_in_copy} is not in the corrected copy.")
    old = _cell(tables, edited or {}, file, row, column)
    reason = f"manager of {person_id}: {_shown(old)} → {_shown(value)}" if value else f"{person_id} made a top (no manager)"
    return Edit("set", file, row, column, old, value, reason)


def new_id_edit(model: OrgModel, tables: Mapping[str, SourceTable], file: str, row: int, new_id: str) -> Edit:
    """Give the person on ``row`` of ``file`` (original rows) another id: one side of a repeated id."""
    new_id = str(new_id).strip()
    if not new_id:
        raise InputError("Give the new id (any text not used by anyone else).")
    if (model.people["person_id"].astype(str) == new_id).any():
        raise InputError(f"Id {new_id!r} is already someone's id; choose one nobody has.")
    column = _mapping_of(model, file).get("person_id")
    if column is None:
        raise InputError(f"{file} has no id column in its mapping.")
    old = _cell(tables, {}, file, row, column)
    return Edit("set", file, row, column, old, new_id, f"repeated id {old}: this row becomes {new_id}")


def drop_row_edit(tables: Mapping[str, SourceTable], file: str, row: int, reason: str) -> Edit:
    """Remove ``row`` of ``file`` (original rows), e.g. the second copy of a repeated person."""
    if file not in tables or not (tables[file].rows == row).any():
        raise InputError(f"{file} has no row {row}.")
    return Edit("drop", file, row, reason=reason)


def rows_with_id(model: OrgModel, tables: Mapping[str, SourceTable], person_id: str) -> pd.DataFrame:
    """Every row of the people files (as given) that carries ``person_id``: ``file``, ``row``
    and the row's cells, so the user can see which copy to keep."""
    parts = []
    for record in model.inputs:
        column = (record.mapping or {}).get("person_id")
        table = tables.get(record.file)
        if record.kind != "people" or column is None or table is None or column not in table.frame.columns:
            continue
        hits = np.flatnonzero((table.frame[column].astype("string").str.strip() == str(person_id)).fillna(False).to_numpy(dtype=bool))
        if len(hits):
            part = table.frame.iloc[hits].copy()
            part.insert(0, "row", table.rows[hits])
            part.insert(0, "file", record.file)
            parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["file", "row"])


def _cell(tables: Mapping[str, SourceTable], edited: Mapping[str, SourceTable], file: str, row: int, column: str) -> str | None:
    table = edited.get(file) or tables.get(file)
    if table is None or column not in table.frame.columns:
        return None
    at = np.flatnonzero(table.rows == row)
    if not len(at):
        return None
    value = table.frame.iloc[int(at[0]), table.frame.columns.get_loc(column)]
    return None if pd.isna(value) else str(value)


# --- the mapping file ------------------------------------------------------------------


def mapping_document(model: OrgModel, corrections: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The column mapping of every file read, as a mapping file ("by file" form, written by
    :func:`orgpower.ingest.mapping.mapping_document`): what detection found with the user's
    corrections on top. Files read by their shape (a decision matrix's ``(cells)``, an
    edge list's ``(column 1)``) are left out: detection finds them again.

    >>> from orgpower.model import InputFile
    >>> m = OrgModel(inputs=[InputFile("p.csv", "", "csv", "people", "native", 2, 2, {"person_id": "Id"})])
    >>> mapping_document(m, {"files": {"p.csv": {"kind": "people", "columns": {"manager_id": "Boss"}}}})
    {'files': {'p.csv': {'kind': 'people', 'columns': {'person_id': 'Id', 'manager_id': 'Boss'}}}}
    """
    from orgpower.ingest.mapping import mapping_document as as_mapping_file

    columns: dict[str, dict[str, str]] = {}
    kinds: dict[str, str] = {}
    for record in model.inputs:
        if record.kind in (None, "unknown") or not record.mapping:
            continue
        if any(str(v).startswith("(") for v in record.mapping.values()):
            continue  # a decision matrix or an edge list: detection reads its shape, not headers
        columns[record.file] = dict(record.mapping)
        kinds[record.file] = record.kind
    for name, entry in ((corrections or {}).get("files") or {}).items():
        columns.setdefault(name, {}).update(entry.get("columns") or {})
        if entry.get("kind"):
            kinds.setdefault(name, entry["kind"])
    return as_mapping_file(columns, kinds)


def mapping_json(model: OrgModel, corrections: Mapping[str, Any] | None = None) -> bytes:
    return (json.dumps(mapping_document(model, corrections), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
