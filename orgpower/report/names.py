"""People's names beside their ids, the one way every document shows them.

People appear by id by default. With the names option (a consultant with the client's
consent) every document shows each person's name beside the id, alike: audit.html and
audit.pdf write ``id (name)``; people.csv and every sheet of audit.xlsx that holds a person
id get a name column right after it (``name`` after ``person_id``, ``manager_name`` after
``manager_id``, ``actor_name`` after ``actor``, ...), so ids stay in their own column for
lookups and filters. A unit or an id the people file does not hold gets an empty name.
audit.json never holds names.

>>> import pandas as pd
>>> frame = pd.DataFrame({"actor": ["7", "FIN"], "deciding": [3, 1]})
>>> with_names(frame, "decision_rights", {"7": "Ada"}).columns.tolist()
['actor', 'actor_name', 'deciding']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

#: the columns of each table that hold a person's id (or, for actor and node, a unit's)
PERSON_ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person_id", "manager_id"),
    "units": ("head",),
    "teams": ("head",),  # a team's id is its head's id
    "reporting_pairs": ("manager_id", "report_id"),
    "decision_rights": ("actor",),
    "decision_bottlenecks": ("actor",),
    "decision_single_points": ("actor",),
    "resource_balance": ("node",),
    "change_people": ("person_id",),
    "change_arcs": ("a", "b"),
}


def name_column(id_column: str) -> str:
    """The column that holds the name for ``id_column`` (``person_id`` -> ``name``)."""
    if id_column == "person_id":
        return "name"
    return (id_column[:-3] if id_column.endswith("_id") else id_column) + "_name"


#: every name column a document can hold (none of them is written without the names option)
NAME_COLUMNS = tuple(dict.fromkeys(name_column(c) for cols in PERSON_ID_COLUMNS.values() for c in cols))


def name_lookup(model: Any) -> dict[str, str]:
    """Person id -> name, for the people whose name the people file gives."""
    people = getattr(model, "people", None)
    if people is None or "name" not in people.columns:
        return {}
    return {str(i): str(n).strip() for i, n in zip(people["person_id"].astype(str), people["name"])
            if pd.notna(n) and str(n).strip()}


def with_names(frame: pd.DataFrame, table: str, names: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with a name column right after each person-id column of ``table``
    (an existing name column is refilled in place, never duplicated)."""
    if frame is None or table not in PERSON_ID_COLUMNS:
        return frame
    out = frame
    for id_column in PERSON_ID_COLUMNS[table]:
        if id_column not in out.columns:
            continue
        target = name_column(id_column)
        values = out[id_column].map(lambda v: names.get(str(v), pd.NA) if pd.notna(v) else pd.NA).astype("string")
        rest = [c for c in out.columns if c != target]
        position = rest.index(id_column) + 1
        out = out[rest].copy()
        out.insert(position, target, values)
    return out


def without_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without any name column (the default: people by id only)."""
    if frame is None:
        return frame
    return frame.drop(columns=[c for c in NAME_COLUMNS if c in frame.columns])
