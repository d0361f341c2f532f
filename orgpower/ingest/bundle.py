"""An input bundle (a folder, or any list of files) -> a validated :class:`OrgModel`.

Steps: read every file into string tables (``readers``), recognise each table's kind
and export flavour (``vendors``, or an explicit ``mapping``), rename its columns onto
the canonical ones (``schemas``), then check and repair what can be repaired
(``validate``). Every row that is not used is counted in ``InputFile.rows_used`` and
explained by a :class:`~orgpower.model.Problem`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgpower.errors import InputError, UsageError
from orgpower.ingest import validate as v
from orgpower.ingest.managers import MANAGER_COLUMNS, PeopleKeys, resolve_references, split_references, suspect_columns
from orgpower.ingest.mapping import MappingSpec, load_mapping
from orgpower.ingest.readers import TABLE_SUFFIXES, RawTable, read_edge_list, read_frame, read_tables
from orgpower.ingest.schemas import SYNONYMS, header_key
from orgpower.ingest.validate import FileGuard
from orgpower.ingest.vendors import Detection, detect, fuzzy_mapping
from orgpower.model import (
    DECISION_COLUMNS, FLOW_COLUMNS, PEOPLE_COLUMNS, RELATION_COLUMNS, REPORTING_COLUMNS, UNIT_COLUMNS,
    InputFile, OrgModel, Problem,
)

# File-name words that hint at a kind; headers decide, the name only breaks ties.
KIND_HINTS = (
    (re.compile(r"(^|[^a-z])(units?|departments?|org.?units?|org.?structure|cost.?cent(er|re)s?)([^a-z]|$)"), "units"),
    (re.compile(r"junior"), "junior_posts"),
    (re.compile(r"flow|budget|fund|alloc|spend|transfer|payment"), "flows"),
    (re.compile(r"decision|raci|rapid|rights"), "decisions"),
    (re.compile(r"relation|ties|edge|network|advice|friend|collab"), "relations"),
    (re.compile(r"people|person|employee|staff|worker|senior|roster|directory|org|(^|[^a-z])hr([^a-z]|$)"), "people"),
)
DOTTED_RELATIONS = frozenset({"dotted", "dotted line", "dotted line manager", "dotted reporting", "matrix", "matrix manager"})
_STRING = "str"


def kind_hint(name: str) -> str | None:
    lowered = name.lower()
    for pattern, kind in KIND_HINTS:
        if pattern.search(lowered):
            return kind
    return None


# --- paths ---------------------------------------------------------------------------------


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Folders -> their table files (sorted); other files in a folder are reported, not read."""
    if not paths:
        raise UsageError("Give at least one input file or folder.")
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"No such file or folder: {path}.")
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.name.startswith(".") or child.is_dir():
                    continue
                if is_note(child):
                    problems.append(Problem(
                        code="skipped_file", severity="info", file=child.name,
                        message=f"{child.name} in {path.name} reads as notes (its name), not a table, and was not read.",
                        suggestion="Nothing to do unless it holds data; then give it a name such as people.csv.",
                    ))
                elif child.suffix.lower() in TABLE_SUFFIXES:
                    files.append(child)
                else:
                    problems.append(Problem(
                        code="skipped_file", severity="info", file=child.name,
                        message=f"{child.name} in {path.name} is not a table file (csv, tsv, txt, xlsx, parquet) and was not read.",
                        suggestion="Nothing to do unless it holds data; then export it as CSV.",
                    ))
        else:
            files.append(path)
    unique: dict[Path, Path] = {}
    for path in files:  # the same file given twice (a folder and a file in it) is read once
        unique.setdefault(path.resolve(), path)
    return list(unique.values()), problems


_NOTE_NAMES = re.compile(r"^(read ?me|notes?|licen[cs]e|changelog|changes|about|sources?|citation|codebook)( |$)")


def is_note(path: Path) -> bool:
    """A ``.txt`` file in a folder named like documentation (README.txt, notes.txt,
    LICENSE.txt, ...): prose, not a table.

    >>> is_note(Path("README.txt")), is_note(Path("read_me-first.txt")), is_note(Path("people.txt"))
    (True, True, False)
    """
    return path.suffix.lower() == ".txt" and bool(_NOTE_NAMES.match(header_key(path.stem)))


def _looks_like_prose(table: RawTable, path: Path) -> bool:
    """A ``.txt`` file whose "header" is a single cell or a sentence: text, not a table.
    (A ``.csv`` is always taken for a table, so a broken one is an error, not a note.)"""
    headers = [str(h) for h in table.frame.columns]
    return path.suffix.lower() == ".txt" and (len(headers) <= 1 or any(len(h.split()) >= 4 for h in headers))


def relation_name(file_name: str) -> str:
    """The relation an edge-list file holds, from its name: the last word of the stem.

    >>> relation_name("Krack-High-Tec-edgelist-Advice.txt"), relation_name("Krack-High-Tec-edgelist-ReportsTo.txt")
    ('advice', 'reports-to')
    """
    stem = Path(file_name).stem
    last = re.split(r"[-_.\s]+", stem.strip(" -_."))[-1] or stem
    return header_key(last).replace(" ", "-") or "relation"


# --- column helpers -------------------------------------------------------------------------


def _text(frame: pd.DataFrame, header: str | None) -> pd.Series:
    """A mapped column as stripped text (blank -> NA), or all-NA when not mapped."""
    if header is None or header not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=_STRING)
    values = frame[header].astype(_STRING).str.strip()
    return values.where(values != "")


def _numbers(frame: pd.DataFrame, header: str | None, base: pd.DataFrame, column: str,
             label: str, problems: list[Problem]) -> pd.Series:
    """An optional numeric attribute: bad cells become blank, with a warning."""
    if header is None or header not in frame:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    numbers, bad = v.parse_numbers(frame[header])
    problems += v.row_problems(
        base, bad, code="non_numeric_value", column=header, values=frame[header],
        message=f"{{file}} row {{row}}: {column} '{{value}}' is not a number; it was read as blank.",
        suggestion=f"Write {column} as a plain number (e.g. 0.5), or leave it blank.",
    )
    return numbers


def _base(frame: pd.DataFrame, label: str, rows: np.ndarray) -> pd.DataFrame:
    """``source_file`` and ``source_row`` (the spreadsheet row of each frame position)."""
    return pd.DataFrame({
        "source_file": pd.Series(label, index=frame.index, dtype=_STRING),
        "source_row": np.asarray(rows, dtype=np.int64),
    }, index=frame.index)


def _is_row_index(values: pd.Series) -> bool:
    """A nameless first column 0, 1, 2, ... is a row index a script wrote (pandas to_csv)."""
    return bool((values.astype(str).to_numpy() == np.arange(len(values)).astype(str)).all())


def _attributes(frame: pd.DataFrame, mapping: Mapping[str, str], taken: set[str]) -> dict[str, pd.Series]:
    """Unmapped columns, kept as attributes under their own header."""
    used = set(mapping.values())
    out = {}
    for header in frame.columns:
        if header in used or re.fullmatch(r"Unnamed: \d+", str(header)):
            if re.fullmatch(r"Unnamed: \d+", str(header)) and header not in used and not _is_row_index(frame[header]):
                if frame[header].notna().any():
                    out[str(header)] = frame[header]  # a nameless column with values is still data
            continue
        name = str(header) if str(header) not in taken else f"{header} (attribute)"
        out[name] = frame[header]
    return out


# --- people ---------------------------------------------------------------------------------


def people_rows(table: RawTable, label: str, detection: Detection,
                problems: list[Problem]) -> tuple[pd.DataFrame, FileGuard]:
    """A people table -> canonical people rows with the manager references still
    unresolved (``manager_ref``: the first manager of the cell; ``dotted_ref``: dotted
    managers, ``;``-separated), and what the guard needs to know of the file."""
    frame, m = table.frame, detection.mapping
    base = _base(frame, label, table.spreadsheet_rows())
    columns: dict[str, Any] = dict(base)
    columns["person_id"] = _text(frame, m.get("person_id"))
    first, last = _text(frame, m.get("first_name")), _text(frame, m.get("last_name"))
    joined = (first.fillna("") + " " + last.fillna("")).str.strip()
    joined = joined.where(joined != "")
    name = _text(frame, m.get("name")) if "name" in m else joined
    columns["name"] = name
    columns["_alt_name"] = joined if "name" in m else pd.Series(np.nan, index=frame.index, dtype=_STRING)
    columns["_email"] = _text(frame, m.get("email"))
    columns["_number"] = _text(frame, m.get("employee_number"))
    keys_frame = pd.DataFrame({k: columns[k] for k in ("person_id", "name", "_alt_name", "_email", "_number")})
    keys = PeopleKeys.of(keys_frame)
    used = _manager_columns(frame, m, keys, columns["person_id"], label, problems)
    cells = pd.Series(np.nan, index=frame.index, dtype=_STRING)
    for header in used:  # the best column first; the others fill its blanks
        cells = cells.where(cells.notna(), _text(frame, header))
    solid, more = split_references(cells)
    columns["manager_ref"] = solid
    dotted = _text(frame, m.get("dotted_manager_id"))
    dotted = dotted.where(dotted.notna(), _text(frame, m.get("dotted_manager_name")))
    both = dotted.notna() & more.notna()
    columns["dotted_ref"] = (dotted.where(dotted.notna(), more)).where(~both, dotted + ";" + more)
    for column in ("title", "unit", "level", "location"):
        columns[column] = _text(frame, m.get(column))
    for column in ("fte", "cost"):
        columns[column] = _numbers(frame, m.get(column), base, column, label, problems)
    for column in detection.zero_means_missing:
        columns[column] = columns[column].where(columns[column] != 0)
    columns["kind"] = pd.Series("post" if detection.vendor == "uk_organogram_senior" else "person",
                                index=frame.index, dtype=_STRING)
    taken = set(columns) | set(PEOPLE_COLUMNS)
    keep = {k: h for k, h in m.items() if k not in ("email", "employee_number")}  # keys stay as attributes too
    columns.update(_attributes(frame, keep, taken))
    out = pd.DataFrame(columns, index=frame.index)  # every column at once: wide files stay linear
    guard = FileGuard(label, tuple(used), tuple(detection.top_markers),
                      lambda: suspect_columns(frame, m, keys, columns["person_id"]))
    return out, guard


def _manager_columns(frame: pd.DataFrame, m: Mapping[str, str], keys: PeopleKeys, ids: pd.Series,
                     label: str, problems: list[Problem]) -> list[str]:
    """The mapped manager columns (id, email, name), best first. An earlier column
    gives way only when it matches under half of its values to people of the file and
    a later one matches more (as in exports whose ManagerID is a key of another table)."""
    mapped = [m[c] for c in MANAGER_COLUMNS if c in m]
    if len(mapped) < 2:
        return mapped
    shares = []
    for header in mapped:
        values = _text(frame, header).dropna().iloc[:2000]
        resolved, _ = resolve_references(values, keys)
        shares.append(float(resolved.notna().mean()) if len(values) else 0.0)
    best = 0
    for i in range(1, len(mapped)):
        if shares[best] < 0.5 and shares[i] > shares[best]:
            best = i
    if best:
        first = mapped[0]
        if "manager_id" in m and m["manager_id"] == first:
            problems.append(Problem(
                code="manager_id_column_ignored", severity="warning", file=label, column=first,
                message=(f"{label}: most values of '{first}' are not person ids of this file while the values "
                         f"in '{mapped[best]}' match people, so managers were taken from '{mapped[best]}'."),
                suggestion="If the id column is right, add the managers' rows or give a mapping with --mapping.",
            ))
        return [mapped[best]]
    return mapped


def junior_rows(table: RawTable, label: str, detection: Detection, problems: list[Problem]) -> pd.DataFrame:
    """UK organogram junior rows -> people rows of kind ``fte_group`` (FTE counts, not persons)."""
    frame, m = table.frame, detection.mapping
    base = _base(frame, label, table.spreadsheet_rows())
    out = base.copy()
    senior = _text(frame, m.get("manager_id"))
    out["person_id"] = senior.fillna("(none)") + "/junior/" + out["source_row"].astype(str)
    out["manager_ref"] = senior
    out["dotted_ref"] = pd.Series(np.nan, index=frame.index, dtype=_STRING)
    out["name"] = pd.Series(np.nan, index=frame.index, dtype=_STRING)
    for column in ("title", "unit", "level"):
        out[column] = _text(frame, m.get(column))
    out["location"] = pd.Series(np.nan, index=frame.index, dtype=_STRING)
    out["fte"] = _numbers(frame, m.get("fte"), base, "fte", label, problems)
    out["cost"] = _numbers(frame, m.get("cost"), base, "cost", label, problems)
    for column in detection.zero_means_missing:
        out[column] = out[column].where(out[column] != 0)
    out["kind"] = "fte_group"
    problems += v.row_problems(
        out, senior.isna(), code="missing_value", column=m.get("manager_id"), severity="warning",
        message="{file} row {row}: this junior group names no senior post; it is kept as a top.",
        suggestion="Fill 'Reporting Senior Post' with the id of the senior post the staff report to.",
    )
    problems.append(Problem(
        code="fte_groups", severity="info", file=label,
        message=(f"{label}: {len(out)} rows are groups of junior staff ({out['fte'].sum():.1f} FTE in all) under "
                 f"senior posts, not persons; each is one node of kind 'fte_group' with id "
                 f"'<senior post>/junior/<row>' and its FTE count."),
        suggestion="Nothing to do; filter on kind = 'person' or 'post' to count individuals only.",
    ))
    taken = set(out.columns) | set(PEOPLE_COLUMNS)
    for key, values in _attributes(frame, m, taken).items():
        out[key] = values
    return out


# --- flows, decisions, relations -------------------------------------------------------------


_WHAT_TO_FILL = {"decision": "the decision's name or id", "relation": "the relation type (e.g. advice)"}


def _blank_rows(frame: pd.DataFrame, columns: tuple[str, ...], mapping: Mapping[str, str],
                problems: list[Problem], code: str = "blank_id", already: np.ndarray | None = None) -> np.ndarray:
    """Rows with a blank required field, each with a problem (a row is named once)."""
    bad = np.zeros(len(frame), bool) if already is None else already.copy()
    for column in columns:
        blank = v.as_mask(frame[column].isna()) & ~bad
        problems += v.row_problems(
            frame, blank, code=code, column=mapping.get(column, column),
            message=f"{{file}} row {{row}} has no {column}; the row was set aside.",
            suggestion=f"Fill in {_WHAT_TO_FILL.get(column, f'the {column} (an id of a person or unit)')}.",
        )
        bad |= blank
    return bad


def _set_aside_blank(frame: pd.DataFrame, columns: tuple[str, ...], mapping: Mapping[str, str],
                     problems: list[Problem], code: str = "blank_id") -> pd.DataFrame:
    """Rows with a blank required field are set aside, each with a problem."""
    bad = _blank_rows(frame, columns, mapping, problems, code)
    return frame.loc[~bad] if bad.any() else frame  # no copy of millions of clean rows


def _amount_rows(frame: pd.DataFrame, raw: pd.Series, column: str, header: str, problems: list[Problem],
                 *, blank_value: float | None, already: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Parse an amount column; returns the numbers and the rows to set aside (not a number,
    or negative), with a problem for each row not ``already`` set aside."""
    numbers, bad = v.parse_numbers(raw)
    missing = np.isnan(numbers.to_numpy())  # blank or "not disclosed"
    if blank_value is not None:
        numbers = numbers.where(~missing, blank_value)
    else:
        bad = bad | missing
    bad &= ~already
    problems += v.row_problems(
        frame, bad, code="non_numeric_amount", column=header, values=raw,
        message=f"{{file}} row {{row}}: {column} '{{value}}' is not a number; the row was set aside.",
        suggestion=f"Write the {column} as a plain number such as 1200.50 (no text).",
    )
    negative = v.as_mask(numbers < 0) & ~already
    problems += v.row_problems(
        frame, negative, code="negative_amount", column=header, values=raw,
        message=f"{{file}} row {{row}}: {column} {{value}} is negative; the row was set aside.",
        suggestion=("Give the flow in its real direction (swap source and target) with a positive amount."
                    if column == "amount" else f"Give the {column} as a number of 0 or more."),
    )
    return numbers, already | bad | negative


def flow_rows(table: RawTable, label: str, detection: Detection, problems: list[Problem]) -> pd.DataFrame:
    """A flows table -> canonical flow rows; rows without both ends or a usable amount set aside.

    Every check only marks rows; the table is filtered once at the end (a filter of
    millions of text cells is the costly step)."""
    frame, m = table.frame, detection.mapping
    out = _base(frame, label, table.spreadsheet_rows())
    for column in ("source", "target", "kind", "period", "currency"):
        out[column] = _text(frame, m.get(column))
    raw_amount = frame[m["amount"]] if m.get("amount") in frame else pd.Series(np.nan, index=frame.index, dtype=_STRING)
    aside = _blank_rows(out, ("source", "target"), m, problems)
    amount, aside = _amount_rows(out, raw_amount, "amount", m.get("amount", "amount"), problems,
                                 blank_value=None, already=aside)
    out["amount"] = amount.astype(float)
    out = out[list(FLOW_COLUMNS)]
    return out.loc[~aside] if aside.any() else out


def decision_rows(frame: pd.DataFrame, label: str, rows: np.ndarray, mapping: Mapping[str, str],
                  problems: list[Problem], source_rows: np.ndarray | None = None) -> pd.DataFrame:
    """Long decision rows -> one row per (decision, actor, role, affected id)."""
    out = _base(frame, label, rows)
    if source_rows is not None:
        out["source_row"] = source_rows
    for column in ("decision", "actor", "domain"):
        out[column] = _text(frame, mapping.get(column))
    raw_role = _text(frame, mapping.get("role"))
    affects = _text(frame, mapping.get("affects"))
    out = _set_aside_blank(out, ("decision",), mapping, problems, code="missing_value")
    out = _set_aside_blank(out, ("actor",), mapping, problems)
    raw_role = raw_role.loc[out.index]
    scheme = v.role_scheme(raw_role)
    table, unknown_codes = v.role_table(raw_role, scheme)
    unknown = v.is_in(raw_role, unknown_codes) | v.as_mask(raw_role.isna())
    partly = unknown & v.is_in(raw_role, table["_code"])  # "A/Z": A is kept
    for mask, outcome in ((unknown & ~partly, "the row was set aside"), (partly, "only its known roles were kept")):
        problems += v.row_problems(
            out, mask, code="unknown_role", column=mapping.get("role", "role"), values=raw_role,
            message=f"{{file}} row {{row}}: role '{{value}}' is not a RACI/RAPID role; {outcome}.",
            suggestion="Use R, A, C, I (or combinations like A/R), Recommend, Agree, Perform, Input, Decide, approve or veto.",
        )
    out["_code"] = raw_role
    out["_row"] = np.arange(len(out))
    affected, counts, starts = v.split_ids_flat(affects.loc[out.index])
    out = out.merge(table, on="_code", how="inner", sort=False)  # one row per role; keeps row order
    # then one row per affected id, in the cell's order (an explode without Python lists)
    row = out.pop("_row").to_numpy()
    repeat = counts[row]
    out = out.iloc[np.repeat(np.arange(len(out)), repeat)]
    within = np.arange(len(out)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    # taken in Arrow, by position (the repeated rows share index labels)
    out["affects"] = affected.array.take(np.repeat(starts[row], repeat) + within)
    out["role"] = out["role"].astype(_STRING)
    return out[list(DECISION_COLUMNS)].reset_index(drop=True)


def matrix_decisions(table: RawTable, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    """A wide RACI matrix (decisions as rows, actors as columns, roles in the cells) ->
    long decision rows, or ``None`` when the table is not such a matrix."""
    frame = table.frame
    headers = list(frame.columns)
    if len(headers) < 2:
        return None
    keys = [header_key(h) for h in headers]
    decision_keys = set(SYNONYMS["decisions"]["decision"])
    side = {"domain": set(SYNONYMS["decisions"]["domain"]), "affects": set(SYNONYMS["decisions"]["affects"])}
    decision_col = next((h for h, k in zip(headers, keys) if k in decision_keys), None)
    if decision_col is None and kind_hint(table.file) == "decisions":
        decision_col = headers[0]  # a RACI sheet often leaves its top-left cell blank
    if decision_col is None:
        return None
    extra = {name: next((h for h, k in zip(headers, keys) if k in ks and h != decision_col), None) for name, ks in side.items()}
    actors = [h for h in headers if h != decision_col and h not in extra.values() and not re.fullmatch(r"Unnamed: \d+", h)]
    if not actors:
        return None
    cells = frame[actors].stack(future_stack=True).dropna() if hasattr(frame, "stack") else None
    if cells is None or cells.empty:
        return None
    scheme = v.role_scheme(cells)
    _, unknown_codes = v.role_table(cells.astype(_STRING), scheme)
    if v.is_in(cells.astype(_STRING), unknown_codes).mean() > 0.2:
        return None  # mostly not role codes: not a matrix
    empty = ~v.as_mask(frame[actors].notna().any(axis=1))
    problems += v.row_problems(
        _base(frame, label, table.spreadsheet_rows()), empty, code="missing_value", severity="warning",
        column=decision_col, values=frame[decision_col],
        message="{file} row {row}: decision '{value}' has no role in any column; the row was not used.",
        suggestion="Give at least one actor a role (R, A, C, I, ...) for this decision, or remove the row.",
    )
    long = frame[[decision_col] + [h for h in extra.values() if h]].copy()
    long["_row"] = table.spreadsheet_rows()
    melted = long.join(frame[actors]).melt(
        id_vars=[decision_col, "_row"] + [h for h in extra.values() if h], value_vars=actors,
        var_name="_actor", value_name="_role",
    )
    melted = melted[v.as_mask(melted["_role"].notna())].sort_values(["_row", "_actor"], kind="stable").reset_index(drop=True)
    mapping = {"decision": decision_col, "actor": "_actor", "role": "_role"}
    mapping.update({k: h for k, h in extra.items() if h})
    rows = decision_rows(melted, label, melted["_row"].to_numpy(), mapping, problems)
    rows.attrs["mapping"] = {"decision": decision_col, "actor": "(column headers)", "role": "(cells)",
                             **{k: h for k, h in extra.items() if h}}
    return rows


def relation_rows(table: RawTable, label: str, detection: Detection, problems: list[Problem]) -> pd.DataFrame:
    """A relations table -> canonical relation rows (weight 1 when blank)."""
    frame, m = table.frame, detection.mapping
    out = _base(frame, label, table.spreadsheet_rows())
    for column in ("source", "target", "relation"):
        out[column] = _text(frame, m.get(column))
    raw_weight = frame[m["weight"]] if m.get("weight") in frame else pd.Series(np.nan, index=frame.index, dtype=_STRING)
    aside = _blank_rows(out, ("source", "target"), m, problems)
    aside = _blank_rows(out, ("relation",), m, problems, code="missing_value", already=aside)
    weight, aside = _amount_rows(out, raw_weight, "weight", m.get("weight", "weight"), problems,
                                 blank_value=1.0, already=aside)
    out["weight"] = weight.astype(float)
    out = out[list(RELATION_COLUMNS)]
    return out.loc[~aside] if aside.any() else out


def unit_rows(table: RawTable, label: str, detection: Detection) -> pd.DataFrame:
    """A units table -> canonical unit rows (checked later, with every units file)."""
    frame, m = table.frame, detection.mapping
    out = _base(frame, label, table.spreadsheet_rows())
    for column in UNIT_COLUMNS:
        out[column] = _text(frame, m.get(column))
    return out


def edge_list_rows(table: RawTable, label: str, problems: list[Problem]) -> pd.DataFrame:
    """A headerless edge list -> relation rows named after the file (:func:`relation_name`).
    Rows of value 0 are pairs without a tie (full edge lists list every pair): they are
    counted in one ``non_tie`` info problem and not used."""
    relation = relation_name(table.file)
    frame = table.frame.assign(relation=relation)
    mapping = {"source": "source", "target": "target", "relation": "relation", "weight": "weight"}
    detection = Detection("relations", "edge_list", mapping)
    rows = relation_rows(dataclasses.replace(table, frame=frame), label, detection, problems)
    zero = v.as_mask(rows["weight"] == 0)
    if zero.any():
        problems.append(Problem(
            code="non_tie", severity="info", file=label, value=str(int(zero.sum())),
            message=(f"{label}: {int(zero.sum())} of {len(table.frame)} lines have value 0 (a pair without a tie) and "
                     f"were not used; {int((~zero).sum())} ties of relation '{relation}' were read."),
            suggestion="Nothing to do: an edge list that lists every pair marks absent ties with 0.",
        ))
        rows = rows.loc[~zero]
    return rows


# --- classification --------------------------------------------------------------------------


def _squashed(text: object) -> str:
    return header_key(text).replace(" ", "")


def _label_row(headers: list[str], cells: list[object]) -> bool:
    """A row of labels under system keys (SAP SuccessFactors: USERID over "User ID",
    FIRSTNAME over "First Name"): at least half of its filled cells repeat their header."""
    pairs = [(_squashed(h), _squashed(c)) for h, c in zip(headers, cells) if isinstance(c, str) and c.strip()]
    if len(pairs) < 2:
        return False
    same = sum(1 for h, c in pairs if h and c and (h == c or (len(c) >= 3 and (h in c or c in h))))
    return same >= max(2, 0.6 * len(pairs))


def _description_row(cells: list[object], following: list[list[object]]) -> bool:
    """A row that describes each column in words ("Unique identifier of the employee"),
    above data rows that do not."""
    def wordy(row: list[object]) -> float:
        filled = [c for c in row if isinstance(c, str) and c.strip()]
        return sum(1 for c in filled if len(c.split()) >= 3) / len(filled) if filled else 0.0
    return wordy(cells) >= 0.6 and all(wordy(row) < 0.3 for row in following)


def skip_header_rows(table: RawTable, label: str, problems: list[Problem]) -> RawTable:
    """A second header row (labels under system keys) or a description row below the
    header is recognised and taken out of the data, in CSV and XLSX alike; later rows
    keep their spreadsheet row numbers."""
    frame = table.frame
    headers = [str(h) for h in frame.columns]
    skipped: list[tuple[int, str]] = []
    rows = table.spreadsheet_rows()
    while len(frame) - len(skipped) > 1 and len(skipped) < 2:
        position = len(skipped)
        cells = [None if pd.isna(c) else str(c) for c in frame.iloc[position].tolist()]
        following = [[None if pd.isna(c) else str(c) for c in frame.iloc[i].tolist()]
                     for i in range(position + 1, min(position + 4, len(frame)))]
        if _label_row(headers, cells) and not any(_label_row(headers, row) for row in following[:1]):
            skipped.append((int(rows[position]), "a second header row (labels under the column keys)"))
        elif _description_row(cells, following):
            skipped.append((int(rows[position]), "a row describing the columns"))
        else:
            break
    if not skipped:
        return table
    for row, what in skipped:
        problems.append(Problem(
            code="second_header_row", severity="info", file=label, row=row,
            message=f"{label} row {row} is {what}, not a person; it was skipped and data read from row {row + 1}.",
            suggestion="Nothing to do.",
        ))
    return dataclasses.replace(table, frame=frame.iloc[len(skipped):].reset_index(drop=True),
                               row_numbers=np.asarray(rows[len(skipped):], dtype=np.int64))


def _key_column(table: RawTable, label: str, detection: Detection, problems: list[Problem]) -> Detection:
    """A people file without an id column whose work email (or employee number) is
    filled and unique on every row: that column is the key, said in the mapping."""
    mapping = fuzzy_mapping([str(h) for h in table.frame.columns], "people")
    for column in ("email", "employee_number"):
        header = mapping.get(column)
        if header is None:
            continue
        values = table.frame[header]
        if values.notna().all() and values.astype(str).str.strip().str.lower().is_unique:
            mapping = {"person_id": header, **{c: h for c, h in mapping.items() if c != column}}
            problems.append(Problem(
                code="key_column", severity="info", file=label, column=header, value=column,
                message=(f"{label} has no id column; '{header}' is filled and unique on every row, so it is "
                         f"used as the person id."),
                suggestion="Nothing to do; add an employee id column to the export if it has one.",
            ))
            return Detection("people", "generic", mapping)
    return detection


def classify(table: RawTable, label: str, spec: MappingSpec | None, problems: list[Problem]) -> Detection:
    headers = [str(h) for h in table.frame.columns]
    hint = kind_hint(table.file)
    detection = detect(headers, hint=hint)
    if detection.kind is None and hint in (None, "people"):
        detection = _key_column(table, label, detection, problems)
    explicit = spec.for_table(label, table.file, headers) if spec else None
    if explicit is None:
        return detection
    kind = explicit.kind or detection.kind
    if kind is None:
        return detection
    base = dict(detection.mapping) if detection.kind == kind else fuzzy_mapping(headers, kind)
    for canonical, header in explicit.columns.items():
        if header not in headers:
            problems.append(Problem(
                code="mapping_header_missing", severity="error", file=label, column=header,
                value=header, message=f"{label}: the mapping names column '{header}' for {canonical}, but the file has no such column.",
                suggestion="Correct the header in the mapping file (it must match the file's header exactly).",
            ))
            continue
        # A header mapped explicitly is taken away from whatever detection gave it to.
        base = {c: h for c, h in base.items() if h != header}
        base[canonical] = header
    same = detection.kind == kind
    return Detection(kind, "mapping", base, detection.top_markers if same else (), "",
                     detection.zero_means_missing if same else ())


def _no_id_problem(label: str, headers: list[str], hint: str | None) -> Problem:
    shown = ", ".join(headers[:12]) + (" ..." if len(headers) > 12 else "")
    return Problem(
        code="no_id_column", severity="error", file=label,
        message=(f"{label}: no column is recognisable as a person id, a flow (source, target, amount), a decision "
                 f"(decision, actor, role) or a relation (source, target, relation); headers found: {shown}. The file was not used."),
        suggestion="Rename the id column to person_id (or give a mapping file with --mapping) and run again.",
    )


# --- the bundle ------------------------------------------------------------------------------


def read_bundle(paths: list[Path], mapping: str | Path | Mapping[str, Any] | None = None, *,
                flat_org: bool = False, threads: int | None = None) -> OrgModel:
    """Read and validate a bundle. Raises :class:`InputError` only when no people were given.

    ``flat_org=True`` says the org really has no (or few) reporting lines: the guard
    against a missed manager column then informs instead of refusing.

    Files are read and their rows taken out two at a time, in threads: most of it is
    Arrow's parsing and compute kernels, which release the GIL, so two files share the
    cores. Their results are joined in the files' order, so problems and inputs come out
    as in a one-by-one read (``threads=1``; ``None``: two where there are two cores)."""
    from orgpower.workers import in_threads

    paths = [Path(p) for p in paths]
    files, problems = expand_paths(paths)
    spec = load_mapping(mapping)
    explicit = {p.resolve() for p in paths if p.is_file()}  # given by name, not found in a folder

    def rows_of_file(path: Path) -> list[_TableRows]:
        read = read_tables(path)
        return [
            table_rows(table, f"{table.file}#{table.sheet}" if len(read) > 1 and table.sheet else table.file, path,
                       spec, explicit)
            for table in read
        ]

    found = in_threads(rows_of_file, files, threads)
    return _model_from_tables([item for items in found for item in items], problems, flat_org=flat_org)


def read_frames(frames: Mapping[str, pd.DataFrame], mapping: str | Path | Mapping[str, Any] | None = None, *,
                flat_org: bool = False) -> OrgModel:
    """Read and validate tables already in pandas (``{"people": frame, "flows": frame, ...}``),
    exactly as the same tables saved as ``people.csv``, ``flows.csv``, ... would be read."""
    tables: list[tuple[RawTable, str, Path]] = []
    for kind, frame in frames.items():
        if not isinstance(frame, pd.DataFrame):
            raise UsageError(f"{kind}= must be a pandas DataFrame, not a {type(frame).__name__}.")
        tables.append((read_frame(frame, kind), kind, Path(kind)))
    # a frame is given by name, like an explicit file: never skipped as prose or an edge list
    explicit = {path.resolve() for _, _, path in tables}
    spec = load_mapping(mapping)
    return _model_from_tables([table_rows(table, label, path, spec, explicit) for table, label, path in tables], [],
                              flat_org=flat_org)


@dataclasses.dataclass
class _TableRows:
    """What one table gives the bundle: its record for ``inputs``, the problems found in
    it (in the order found), and its rows in the canonical columns of its ``kind``."""

    record: dict[str, Any]
    problems: list[Problem]
    kind: str | None = None
    rows: pd.DataFrame | None = None
    guard: FileGuard | None = None
    #: the export format's note, said once per vendor (the bundle keeps the first one),
    #: at this position among ``problems``
    note: tuple[str, Problem] | None = None
    note_at: int = 0


def table_rows(table: RawTable, label: str, path: Path, spec: MappingSpec | None, explicit: set[Path]) -> _TableRows:
    """One table's rows, recognised and renamed onto the canonical columns of its kind
    (``rows`` is ``None`` when it is not read: an unreadable or skipped file), with its problems.
    Depends on nothing but the table, so tables are taken out independently."""
    problems = list(table.problems)
    record = {"file": label, "sha256": table.sha256, "format": table.format, "kind": "unknown",
              "vendor": "unknown", "rows": 0, "mapping": {}, "encoding": table.encoding,
              "delimiter": table.delimiter, "sheet": table.sheet}
    found = _TableRows(record=record, problems=problems)
    if table.frame is None:
        return found
    record["rows"] = len(table.frame)
    if table.frame.empty:
        return found
    table = skip_header_rows(table, label, problems)
    detection = classify(table, label, spec, problems)
    kind = detection.kind
    if kind != "decisions" and (kind is None or kind_hint(table.file) == "decisions"):
        matrix = matrix_decisions(table, label, problems)
        if matrix is not None:
            record.update(kind="decisions", vendor="decision_matrix", mapping=dict(matrix.attrs.get("mapping", {})))
            found.kind, found.rows = "decisions", matrix
            return found
    if kind is None:
        edges = read_edge_list(path) if table.format == "csv" else None
        if edges is not None and path.resolve() in explicit:
            problems[:] = edges.problems  # what the table reader said of it no longer applies
            record.update(kind="relations", vendor="edge_list", format="edgelist", rows=len(edges.frame),
                          encoding=edges.encoding, delimiter="whitespace",
                          mapping={"source": "(column 1)", "target": "(column 2)", "weight": "(column 3)",
                                   "relation": "(file name)"})
            found.kind, found.rows = "relations", edge_list_rows(edges, label, problems)
            return found
        if edges is not None:
            problems.append(Problem(
                code="skipped_file", severity="warning", file=label,
                message=(f"{label} looks like an edge list without header (source, target, value per line); "
                         f"files in a folder are read only with headers, so it was not read."),
                suggestion=(f"To read it as the relation '{relation_name(table.file)}', give the file itself "
                            f"as an input (not only its folder), or add a header row: source target weight."),
            ))
            return found
        if path.resolve() not in explicit and _looks_like_prose(table, path):
            problems[:] = [Problem(
                code="skipped_file", severity="info", file=label,
                message=f"{label} reads as text, not a table (no column headers), and was not read.",
                suggestion="Nothing to do unless it holds data; then export it as CSV with a header row.",
            )]
            return found
        problems.append(_no_id_problem(label, [str(h) for h in table.frame.columns], kind_hint(table.file)))
        return found
    record.update(kind=kind, vendor=detection.vendor, mapping=dict(detection.mapping),
                  close_formats=tuple(detection.close))
    if detection.note:
        found.note = (detection.vendor, Problem(code="export_format", severity="info", file=label,
                                                message=detection.note, suggestion="Nothing to do."))
        found.note_at = len(problems)
    found.kind = kind
    if kind == "people":
        found.rows, found.guard = people_rows(table, label, detection, problems)
    elif kind == "junior_posts":
        found.rows = junior_rows(table, label, detection, problems)
    elif kind == "flows":
        found.rows = flow_rows(table, label, detection, problems)
    elif kind == "decisions":
        found.rows = decision_rows(table.frame, label, table.spreadsheet_rows(), detection.mapping, problems)
    elif kind == "relations":
        found.rows = relation_rows(table, label, detection, problems)
    elif kind == "units":
        found.rows = unit_rows(table, label, detection)
    return found


def _model_from_tables(tables: list[_TableRows], problems: list[Problem], *, flat_org: bool = False) -> OrgModel:
    parts: dict[str, list[pd.DataFrame]] = {kind: [] for kind in ("people", "flows", "decisions", "relations", "units")}
    described: list[dict[str, Any]] = []
    guards: list[FileGuard] = []
    notes: set[str] = set()
    for found in tables:
        described.append(found.record)
        problems += found.problems[:found.note_at]
        if found.note is not None and found.note[0] not in notes:
            notes.add(found.note[0])
            problems.append(found.note[1])
        problems += found.problems[found.note_at:]
        if found.rows is not None:
            parts["people" if found.kind == "junior_posts" else found.kind].append(found.rows)
        if found.guard is not None:
            guards.append(found.guard)
    people_parts, flow_parts, decision_parts = parts["people"], parts["flows"], parts["decisions"]
    relation_parts, unit_parts = parts["relations"], parts["units"]

    if not people_parts:
        reasons = sorted({p.code for p in problems if p.severity == "error"})
        raise InputError(
            "No people table was found in the input"
            + (f" (problems: {', '.join(reasons)})" if reasons else "")
            + "; give a file with a person id column (e.g. person_id, Employee ID), or a mapping with --mapping."
        )
    people, reporting = v.validate_people(pd.concat(people_parts, ignore_index=True), guards, problems,
                                          flat_org=flat_org,
                                          other_layers=bool(flow_parts or decision_parts or relation_parts))
    if people.empty:
        reasons = sorted({p.code for p in problems if p.severity == "error"})
        raise InputError(
            "No usable people row was found: every row of the people file(s) was set aside"
            + (f" ({', '.join(reasons)})" if reasons else "")
            + "; check that the id column is filled and named as docs/input-formats.md describes."
        )
    person_ids = pd.Index(people["person_id"].astype(str).unique())
    unit_table = pd.DataFrame({c: pd.Series(dtype=_STRING) for c in (*UNIT_COLUMNS, "source_file")})
    if unit_parts:
        unit_table, found = v.check_units(pd.concat(unit_parts, ignore_index=True))
        problems += found
    unit_names = pd.Index(people["unit"].dropna().astype(str).unique()).append(
        pd.Index(unit_table["unit_id"].astype(str))).unique()
    known = person_ids.append(unit_names.difference(person_ids))
    unknown_severity = "warning" if len(unit_names) else "info"

    flows = _concat(flow_parts, FLOW_COLUMNS)
    decisions = _concat(decision_parts, DECISION_COLUMNS)
    relations, dotted, dotted_used = split_dotted_relations(_concat(relation_parts, RELATION_COLUMNS), person_ids, problems)
    distinct = _distinct_ids(flows, decisions, relations)
    kept = set_aside_leavers(flows, decisions, person_ids, known, problems, distinct=distinct)
    if kept[0] is not flows or kept[1] is not decisions:  # rows were set aside: their ids may be gone
        flows, decisions = kept
        distinct = _distinct_ids(flows, decisions, relations)
    problems += endpoint_problems(flows, decisions, relations, v._arrow_text(known), severity=unknown_severity,
                                  distinct=distinct)
    reporting = pd.concat([reporting, dotted], ignore_index=True).drop_duplicates().reset_index(drop=True).astype(_STRING)

    units = _units(people, distinct, person_ids, unit_table)
    inputs = _inputs(described, people, flows, decisions, relations, dotted_used, unit_table)
    problems = _name_columns_as_in_the_file(problems, {item.file: item.mapping for item in inputs},
                                            {g.file: g.manager_columns[0] for g in guards if g.manager_columns})
    model = OrgModel(
        people=people.reset_index(drop=True), reporting=reporting[list(REPORTING_COLUMNS)],
        flows=flows.reset_index(drop=True), decisions=decisions.reset_index(drop=True),
        relations=relations.reset_index(drop=True), units=units, problems=problems, inputs=inputs,
    )
    return model


def id_shape(value: str) -> str:
    """The shape of an id: letters kept as their case, digit runs as one ``9``.

    >>> id_shape("E1042"), id_shape("e7"), id_shape("305"), id_shape("Facilities")
    ('A9', 'a9', '9', 'Aaaaaaaaaa')
    """
    return re.sub(r"\d+", "9", re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", str(value))))


def set_aside_leavers(flows: pd.DataFrame, decisions: pd.DataFrame, person_ids: pd.Index, known: pd.Index,
                      problems: list[Problem], *, distinct: dict[tuple[str, str], pa.Array] | None = None,
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flow and decision rows naming ids that look like people's ids (the same shape as
    the people file's ids, with digits; or an email) but are not in the people file,
    typically leavers still named in old budgets and decisions: one problem with their
    count, and their rows set aside, not turned into units. ``distinct`` holds each id
    column's distinct ids when the caller has them (:func:`_distinct_ids`)."""
    columns = (("flows", flows, ("source", "target")), ("decisions", decisions, ("actor", "affects")))
    known_ids = v._arrow_text(known)
    strangers: set[str] = set()
    for kind, frame, names in columns:
        for name in names:
            if len(frame):
                if distinct is not None and (kind, name) in distinct:
                    ids = distinct[(kind, name)]
                else:
                    ids = pc.unique(v._arrow_text(frame[name])).drop_null()
                strangers.update(pc.filter(ids, pc.invert(pc.is_in(ids, value_set=known_ids))).to_pylist())
    if not strangers:
        return flows, decisions
    # the shapes of the people's ids, from an even sample (a million ids have few shapes)
    step = max(1, len(person_ids) // 20_000)
    shapes = {s for s in map(id_shape, person_ids[::step]) if "9" in s}
    leavers = sorted(value for value in strangers if "@" in value or id_shape(value) in shapes)
    if not leavers:
        return flows, decisions
    out, rows, files, count = [], 0, [], {}
    for _, frame, names in columns:
        if not len(frame):
            out.append(frame)
            continue
        hit = np.zeros(len(frame), bool)
        for name in names:
            hit |= v.is_in(frame[name], leavers)
        for name in names:
            for value, n in frame.loc[hit, name].value_counts().items():
                if value in leavers:
                    count[value] = count.get(value, 0) + int(n)
        if hit.any():
            rows += int(len(frame.loc[hit, ["source_file", "source_row"]].drop_duplicates()))
            files += [f for f in frame.loc[hit, "source_file"].unique() if f not in files]
        out.append(frame.loc[~hit].reset_index(drop=True) if hit.any() else frame)
    shown = ", ".join(f"{leaver} ({count.get(leaver, 0)} row{'s' if count.get(leaver, 0) != 1 else ''})"
                      for leaver in leavers[:10]) + (" ..." if len(leavers) > 10 else "")
    problems.append(Problem(
        code="unknown_person", severity="warning", file=str(files[0]) if len(files) == 1 else None,
        value=str(len(leavers)), ids=tuple(leavers[:1000]),
        message=(f"{len(leavers)} id{'s' if len(leavers) != 1 else ''} named in {', '.join(map(str, files))} "
                 f"look{'s' if len(leavers) == 1 else ''} like people's ids but {'are' if len(leavers) != 1 else 'is'} "
                 f"not in the people file (leavers?): {shown}; their {rows} row{'s' if rows != 1 else ''} "
                 f"{'were' if rows != 1 else 'was'} set aside, not read as units."),
        suggestion="Add these people to the people file if they belong to the org; otherwise nothing to do.",
    ))
    return out[0], out[1]


_ID_COLUMNS = (("flows", "source"), ("flows", "target"), ("decisions", "actor"), ("decisions", "affects"),
               ("relations", "source"), ("relations", "target"))


def _distinct_ids(flows: pd.DataFrame, decisions: pd.DataFrame, relations: pd.DataFrame) -> dict[tuple[str, str], pa.Array]:
    """The distinct ids of each id column, computed once (endpoint checks and units use them)."""
    frames = {"flows": flows, "decisions": decisions, "relations": relations}
    return {(kind, column): pc.unique(v._arrow_text(frames[kind][column])).drop_null()
            for kind, column in _ID_COLUMNS if len(frames[kind])}


def endpoint_problems(flows: pd.DataFrame, decisions: pd.DataFrame, relations: pd.DataFrame, known: pd.Index | pa.Array,
                      *, severity: str, distinct: dict[tuple[str, str], pa.Array]) -> list[Problem]:
    """Ids in flows, decisions and relations that are neither people nor known units
    (they are kept, as units; the problem says so)."""
    problems: list[Problem] = []
    frames = {"flows": flows, "decisions": decisions, "relations": relations}
    words = {"actor": "actor", "affects": "affected id"}
    for kind, column in _ID_COLUMNS:
        if (kind, column) in distinct:
            code = "unknown_actor" if column == "actor" else "unknown_endpoint"
            what = words.get(column, f"{kind[:-1]} {column}")
            problems += v.endpoint_problems(frames[kind], column, known, code=code, severity=severity, what=what,
                                            distinct=distinct[(kind, column)])[1]
    return problems


def split_dotted_relations(relations: pd.DataFrame, person_ids: pd.Index,
                           problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Relations named ``dotted`` (``dotted line``, ``matrix``) -> dotted reporting arcs
    (source = dotted-line manager, target = report). Both ends must be people; other
    rows are set aside. Returns (other relations, dotted arcs, the rows used for them)."""
    dotted = pd.DataFrame({c: pd.Series(dtype=_STRING) for c in REPORTING_COLUMNS})
    used = pd.DataFrame({"source_file": pd.Series(dtype=_STRING), "source_row": pd.Series(dtype="int64")})
    if relations.empty:
        return relations, dotted, used
    names = [r for r in relations["relation"].dropna().unique() if header_key(r) in DOTTED_RELATIONS]
    is_dotted = v.is_in(relations["relation"], names)
    dotted_rows = relations[is_dotted]
    people_side = v.is_in(dotted_rows["source"], person_ids) & v.is_in(dotted_rows["target"], person_ids)
    problems += v.row_problems(
        dotted_rows, ~people_side, code="unknown_endpoint", severity="error",
        message="{file} row {row}: a dotted line must join two people of the people file; the row was set aside.",
        suggestion="Give the ids of the dotted-line manager (source) and the report (target).",
    )
    kept = dotted_rows[people_side]
    dotted = pd.DataFrame({"source": kept["source"], "target": kept["target"], "line": "dotted"})
    others = relations[~is_dotted].reset_index(drop=True)
    others["relation"] = others["relation"].astype(_STRING)
    return others, dotted, kept[["source_file", "source_row"]]


def _name_columns_as_in_the_file(problems: list[Problem], mappings: dict[str, dict[str, str]],
                                 manager_columns: dict[str, str]) -> list[Problem]:
    """Problems name the column as the user's file heads it ("Reports To"), not the
    canonical or internal name ("manager_ref")."""
    internal = {"manager_ref": ("manager_id", "manager_email", "manager_name"),
                "dotted_ref": ("dotted_manager_id", "dotted_manager_name")}
    out = []
    for problem in problems:
        mapping = mappings.get(problem.file or "", {})
        column = problem.column
        if column == "manager_ref" and problem.file in manager_columns:
            column = manager_columns[problem.file]
        elif column is not None and mapping:
            candidates = internal.get(column, (column,))
            header = next((mapping[c] for c in candidates if c in mapping), None)
            if header is not None:
                column = header
        out.append(problem if column == problem.column else dataclasses.replace(problem, column=column))
    return out


def _concat(parts: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("amount", "weight") else ("int64" if c == "source_row" else _STRING)) for c in columns})
    return pd.concat(parts, ignore_index=True)[list(columns)]


def _units(people: pd.DataFrame, distinct: dict[tuple[str, str], pa.Array], person_ids: pd.Index,
           unit_table: pd.DataFrame) -> pd.DataFrame:
    """Units: the units file's rows (name and parent as given, after :func:`check_units`),
    then every other unit of the people file and every non-person id a flow, decision or
    relation names (units as nodes; name = id, no parent). A people file's unit that is
    the *name* of a unit of the units file is that unit, not another. Worked on distinct
    values in Arrow: millions of flow rows name far fewer ids."""
    people_ids = v._arrow_text(person_ids)
    named = [pc.unique(v._arrow_text(people["unit"])).drop_null()]
    for ids in distinct.values():
        named.append(pc.filter(ids, pc.invert(pc.is_in(ids, value_set=people_ids))))
    unit_ids = pc.unique(pa.concat_arrays(named))
    if len(unit_table):
        listed = v._arrow_text(pd.concat([unit_table["unit_id"], unit_table["name"]]).dropna())
        unit_ids = pc.filter(unit_ids, pc.invert(pc.is_in(unit_ids, value_set=listed)))
    unit_ids = pc.take(unit_ids, pc.sort_indices(unit_ids)).to_pandas().astype(_STRING)
    derived = pd.DataFrame({
        "unit_id": unit_ids.to_numpy(),
        "name": unit_ids.to_numpy(),
        "parent_unit": pd.Series(np.nan, index=range(len(unit_ids)), dtype=_STRING).to_numpy(),
    }).astype(_STRING)
    if not len(unit_table):
        return derived[list(UNIT_COLUMNS)]
    given = unit_table[list(UNIT_COLUMNS)].astype(_STRING)
    given = given.assign(name=given["name"].fillna(given["unit_id"]))
    return pd.concat([given, derived], ignore_index=True)[list(UNIT_COLUMNS)]


def _inputs(described: list[dict[str, Any]], people: pd.DataFrame, flows: pd.DataFrame, decisions: pd.DataFrame,
            relations: pd.DataFrame, dotted_used: pd.DataFrame, units: pd.DataFrame) -> list[InputFile]:
    """InputFile records; ``rows_used`` = distinct source rows that reached a table."""
    # Each file feeds one table (dotted relation rows are not in relations), so the
    # distinct rows per file of each table add up.
    per_file = pd.Series(dtype="int64")
    for frame in (people, flows, decisions, relations, dotted_used, units):
        if len(frame):
            if frame is decisions:  # one source row may give several decision rows
                frame = frame[["source_file", "source_row"]].drop_duplicates()
            per_file = per_file.add(frame["source_file"].value_counts(), fill_value=0)
    inputs = []
    for record in described:
        rows_used = int(per_file.get(record["file"], 0))
        inputs.append(InputFile(rows_used=min(rows_used, record["rows"]), **record))
    return inputs
