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

import math
import re
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


# --- names quoted in text (validation messages quote a row's name) -------------------

NAME_HIDDEN = "name hidden"
_EDGE = "\"'([{<«‘“"  # quotes and brackets around a name in a message
_TAIL = "\"')]}>».,;:!?’”"


class NameSet(frozenset):
    """Names to hide, with the most words any of them has (counted once, not per text)."""

    longest: int = 0

    @classmethod
    def of(cls, names: Any) -> "NameSet":
        found = cls(names)
        found.longest = max((len(n.split()) for n in found), default=0)
        return found


def names_in(values: Any, ids: set[str] | frozenset[str] = frozenset()) -> NameSet:
    """The names to hide: every non-blank text among ``values`` (spaces collapsed), except
    numbers and anything that is also an id (hiding an id would hide the data's key).

    >>> sorted(names_in(["Ada  Lovelace", None, "", "42", "P1", "Bo"], {"P1"}))
    ['Ada Lovelace', 'Bo']
    """
    found = set()
    for value in values:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        text = " ".join(str(value).split())
        if text and text != "<NA>" and text not in ids and not text.replace(".", "").replace(",", "").isdigit():
            found.add(text)
    return NameSet.of(found)


def hide_names(text: str, names: frozenset[str] | set[str]) -> str:
    """``text`` with each of ``names`` that stands as whole words (maybe quoted or in
    brackets) replaced by ``name hidden``; the longest name wins where several fit.
    Linear in the text's words, whatever the number of names.

    >>> hide_names("manager '9999' of '306' (Ines Nettleby) is unknown; kept: Kit Pebbleby (row 294).",
    ...               {"Ines Nettleby", "Kit Pebbleby", "Ines"})
    "manager '9999' of '306' (name hidden) is unknown; kept: name hidden (row 294)."
    """
    if not text or not names:
        return text
    longest = names.longest if isinstance(names, NameSet) else max(len(n.split()) for n in names)
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    out, at, i = [], 0, 0
    while i < len(words):
        hit = None
        for k in range(min(longest, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + k - 1][1]
            chunk = text[start:end]
            lead = len(chunk) - len(chunk.lstrip(_EDGE))
            core = chunk[lead:].rstrip(_TAIL)
            if core and " ".join(core.split()) in names:
                hit = (start + lead, start + lead + len(core), k)
                break
            # a name may end in a character that is also punctuation ("Jr."): try it whole
            if chunk[lead:] and " ".join(chunk[lead:].split()) in names:
                hit = (start + lead, end, k)
                break
        if hit is None:
            i += 1
            continue
        out.append(text[at:hit[0]])
        out.append(NAME_HIDDEN)
        at = hit[1]
        i += hit[2]
    out.append(text[at:])
    return "".join(out)


#: problems whose value is a manager reference as the file gives it (maybe a name or email)
_REFERENCE_CODES = ("manager_not_found", "ambiguous_manager_name")
_QUOTED = re.compile(r"'([^']*)'")


def quoted_names(model: Any) -> NameSet:
    """Every person's name a validation message of ``model`` may quote: the names of the
    people the problems name (by their ids, or an id quoted in the message), the names of
    rows set aside (a repeated id), and manager references given by name or email that
    matched nobody. Never an id. audit.json and, without the names option,
    every document hide them in the messages.

    >>> from types import SimpleNamespace
    >>> from orgpower.model import Problem
    >>> m = SimpleNamespace(people=pd.DataFrame({"person_id": ["1"], "name": ["Ada"]}), problems=[
    ...     Problem("duplicate_id", "error", "kept: Ada; set aside: Bo", names=("Ada", "Bo")),
    ...     Problem("manager_not_found", "error", "manager 'Cy Dee' of '1'", value="Cy Dee")])
    >>> sorted(quoted_names(m))
    ['Ada', 'Bo', 'Cy Dee']
    """
    people = getattr(model, "people", None)
    values: list[Any] = []
    mentioned: set[str] = set()  # the ids the problems name: a message quotes a person as 'id' (name)
    for problem in getattr(model, "problems", []):
        values += list(problem.names)
        if problem.code in _REFERENCE_CODES and problem.value:
            values.append(problem.value)
        mentioned.update(problem.ids)
        mentioned.update(_QUOTED.findall(problem.message or ""))
    if people is None or "person_id" not in people.columns:
        return names_in(values)
    person_ids = people["person_id"].astype(str)
    # only the people the messages can name are looked at, not the whole people table
    if "name" in people.columns and mentioned:
        values += people.loc[person_ids.isin(mentioned).to_numpy(), "name"].tolist()
    texts = {" ".join(str(v).split()) for v in values if isinstance(v, str)}
    return names_in(values, set(person_ids[person_ids.isin(texts)]))
