"""Manager references as real exports write them -> person ids.

A manager cell may hold the manager's id, employee number, work email or name
("Ana Ruiz", "Ruiz, Ana M."), both ("Ana Ruiz (305)"), several managers (one per line
or separated by ``;``: the first is the solid line, the others dotted), a no-manager
token (``NO_MANAGER``, ``NO_MGR``, ``none``, ``n/a``, ``-``, ``0`` where 0 is nobody's
id) or a body that is no person ("Board of Directors").

:func:`resolve_references` says for every reference how it was matched (:data:`HOW`);
it never guesses between two people of the same name. :func:`suspect_columns` finds
the columns of a people file that look like a manager reference although no manager
column was mapped (the guard against reading an org as flat).

Only the references an id lookup leaves open go through the slower matching, so an
export whose managers are ids costs one hash lookup per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgpower.ingest.schemas import NOT_A_PERSON, SYNONYMS, header_key

# Cells that say "no manager": the person is a top of the hierarchy, quietly (counted).
NO_MANAGER = frozenset({
    "no manager", "no mgr", "nomanager", "nomgr", "no supervisor", "none", "n a", "na", "nobody", "null", "nil",
    "kein", "keine", "keiner", "aucun", "aucune", "ninguno", "nadie", "geen",
})
# How a reference was resolved (the counts of manager_resolution use these words).
HOW = ("id", "decimal", "number", "email", "name", "ambiguous", "unmatched", "no_manager", "not_a_person", "self")
_NAME_AND_ID = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?P<inner>[^()\[\]]+?)\s*[)\]]\s*$")
_SPLIT = re.compile(r"\s*(?:\r?\n|;)\s*")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def name_key(names: pd.Series) -> pd.Series:
    """Names -> a matching key: "Last, First M." and "First M. Last" give the same key.

    >>> name_key(pd.Series(["King, Janet ", "Janet King", "LeBlanc, Brandon R."])).tolist()
    ['janet king', 'janet king', 'brandon r leblanc']
    """
    text = names.astype("str").str.strip()
    parts = text.str.split(",", n=1, expand=True).astype("str")
    if parts.shape[1] == 2:
        swapped = (parts[1].str.strip() + " " + parts[0].str.strip()).where(parts[1].notna(), text)
    else:
        swapped = text
    key = swapped.astype("str").str.lower().str.replace(r"[\W_]+", " ", regex=True).str.strip()
    return key


def short_name_key(keys: pd.Series) -> pd.Series:
    """First and last word of a name key (drops middle names and initials)."""
    first = keys.str.extract(r"^(\S+)", expand=False)
    last = keys.str.extract(r"(\S+)$", expand=False)
    return (first + " " + last).where(keys.str.contains(" ", regex=False).fillna(False), keys)


def name_key_of(text: str) -> str:
    """:func:`name_key` of one name (the same result, without pandas).

    >>> name_key_of("LeBlanc, Brandon R."), name_key_of("Ana  Ruiz")
    ('brandon r leblanc', 'ana ruiz')
    """
    text = str(text).strip()
    if "," in text:
        last, first = text.split(",", 1)
        text = first.strip() + " " + last.strip()
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def short_key_of(key: str) -> str:
    words = key.split()
    return f"{words[0]} {words[-1]}" if len(words) > 1 else key


def split_references(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells -> (first reference, the others joined by ``;``): several managers in one
    cell (line feeds or ``;``) mean a solid line to the first and dotted lines to the rest.

    >>> first, rest = split_references(pd.Series(["a", "b\\nc", "d; e;f", None]))
    >>> first.tolist(), rest.tolist()
    (['a', 'b', 'd', nan], [nan, 'c', 'e;f', nan])
    """
    text = cells.astype("str")
    several = text.str.contains(r"[\n;]", regex=True).fillna(False).to_numpy(dtype=bool)
    first = text.copy()
    rest = pd.Series(np.nan, index=cells.index, dtype="str")
    if several.any():
        parts = text[several].str.strip(" ;\r\n").str.split(_SPLIT, n=1, regex=True)
        first[several] = parts.str[0]
        rest[several] = parts.str[1].str.replace(_SPLIT, ";", regex=True)
    first = first.where(first.str.strip() != "")
    return first, rest.where(rest.notna() & (rest.str.strip() != ""))


class PeopleKeys:
    """Every way a people table lets a manager be named: id, employee number, work
    email, name. Lookups hold only unique keys; keys shared by several people are kept
    apart so that a reference to them is ambiguous, never guessed. Each lookup is built
    the first time it is needed: an export whose managers are all ids never builds the
    name keys of a million people."""

    def __init__(self, people: pd.DataFrame):
        self._people = people
        self.id_series = people["person_id"].astype("str")
        self.id_array = _arrow(self.id_series.dropna())

    @classmethod
    def of(cls, people: pd.DataFrame) -> "PeopleKeys":
        return cls(people)

    def has_ids(self, values: pd.Series) -> np.ndarray:
        """Which values are person ids (NA -> False), one hash lookup for the column."""
        if not len(values):
            return np.zeros(0, dtype=bool)
        found = pc.is_in(_arrow(values), value_set=self.id_array, skip_nulls=True)
        return found.fill_null(False).to_numpy(zero_copy_only=False)

    @cached_property
    def ids(self) -> set[str]:
        return set(self.id_series.dropna())

    @cached_property
    def numbers(self) -> dict[str, str]:
        return _unique_map(self._people["_number"], self.id_series)[0] if "_number" in self._people else {}

    @cached_property
    def emails(self) -> dict[str, str]:
        if "_email" not in self._people:
            return {}
        return _unique_map(self._people["_email"].str.lower(), self.id_series)[0]

    @cached_property
    def _names(self) -> tuple[dict[str, str], set[str], dict[str, str], set[str]]:
        columns = [c for c in ("name", "_alt_name") if c in self._people]
        if not columns:
            return {}, set(), {}, set()
        names = pd.concat([self._people[c] for c in columns], ignore_index=True)
        ids = pd.concat([self.id_series] * len(columns), ignore_index=True)
        full = name_key(names)
        return (*_unique_map(full, ids), *_unique_map(short_name_key(full), ids))

    @property
    def full(self) -> dict[str, str]:
        return self._names[0]

    @property
    def shared_full(self) -> set[str]:
        return self._names[1]

    @property
    def short(self) -> dict[str, str]:
        return self._names[2]

    @property
    def shared_short(self) -> set[str]:
        return self._names[3]

    @cached_property
    def folded(self) -> dict[str, str]:
        """Ids with case and leading zeros ignored -> the id (for "did you mean")."""
        folded = self.id_series.str.lower().str.lstrip("0")
        return _unique_map(folded.where(folded != ""), self.id_series)[0]

    @cached_property
    def names(self) -> dict[str, str]:
        if "name" not in self._people:
            return {}
        named = self._people["name"].notna().to_numpy(dtype=bool)
        return dict(zip(self.id_series[named], self._people["name"].astype("str")[named]))

    def label(self, person_id: object) -> str:
        """``'305' (Ana Ruiz)`` where the file has the name, else ``'305'``."""
        name = self.names.get(str(person_id))
        return f"'{person_id}' ({name})" if name and name != str(person_id) else f"'{person_id}'"


def _arrow(values: pd.Series) -> pa.Array:
    array = pa.array(values.astype("str"), from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _unique_map(keys: pd.Series, ids: pd.Series) -> tuple[dict[str, str], set[str]]:
    """key -> id for keys of exactly one person; the set of keys of several people."""
    frame = pd.DataFrame({"key": keys.to_numpy(dtype=object), "id": ids.to_numpy(dtype=object)}).dropna()
    frame = frame[frame["key"].astype(str).str.strip() != ""].drop_duplicates()
    counts = frame["key"].value_counts()
    unique = frame[frame["key"].map(counts) == 1]
    return dict(zip(unique["key"], unique["id"])), set(counts.index[counts > 1])


def is_no_manager(value: str, ids: set[str], markers: Iterable[str] = ()) -> bool:
    """A cell that says "no manager" (``NO_MANAGER``, ``n/a``, ``-``, ``0`` where 0 is
    nobody's id, or one of the export's own ``markers`` such as ``XX``).

    >>> [is_no_manager(v, {"1"}) for v in ("NO_MGR", "-", "0", "n/a", "Ana")]
    [True, True, True, True, False]
    >>> is_no_manager("0", {"0"})
    False
    """
    text = str(value).strip()
    if text in ids:
        return False
    key = header_key(text)
    if not key:
        return True  # only punctuation: "-", "--", "/"
    if key in NO_MANAGER or key in {header_key(m) for m in markers}:
        return True
    return bool(re.fullmatch(r"0+", text))


def match_one(value: str, keys: PeopleKeys) -> tuple[str | None, str]:
    """One reference -> (person id or None, how). Tried in order: id, employee number,
    email, "Name (id)", name whole, name by first and last word."""
    text = str(value).strip()
    if text in keys.ids:
        return text, "id"
    if re.fullmatch(r"\d+\.0+", text) and text.split(".")[0] in keys.ids:
        return text.split(".")[0], "decimal"  # an id column that passed through a float
    if text in keys.numbers:
        return keys.numbers[text], "number"
    if _EMAIL.match(text):
        found = keys.emails.get(text.lower())
        return (found, "email") if found else (None, "unmatched")
    both = _NAME_AND_ID.match(text)
    if both:
        inner, outer = both.group("inner"), both.group("name")
        found, how = match_one(inner, keys) if inner != text else (None, "unmatched")
        if found is not None and how in ("id", "number", "email"):
            return found, how
        if outer:
            return match_one(outer, keys)
    full = name_key_of(text)
    if full in keys.shared_full:
        return None, "ambiguous"
    if full in keys.full:
        return keys.full[full], "name"
    short = short_key_of(full)
    if short in keys.shared_short:
        return None, "ambiguous"
    if short in keys.short:
        return keys.short[short], "name"
    return None, "unmatched"


def resolve_references(refs: pd.Series, keys: PeopleKeys, markers: Iterable[str] = ()) -> tuple[pd.Series, pd.Series]:
    """References -> (person id or NA, how each was resolved: one of :data:`HOW`, or NA
    where the cell is blank). Ids are looked up for the whole column at once; only the
    distinct references left go through :func:`match_one`."""
    text = refs.astype("str").str.strip()
    text = text.where(text != "")
    resolved = text.where(keys.has_ids(text))
    how = pd.Series(np.where(resolved.notna(), "id", None), index=refs.index, dtype="object")
    open_ = text.notna() & resolved.isna()
    if open_.any():
        markers = tuple(markers)
        table: dict[str, tuple[str | None, str]] = {}
        for value in text[open_].unique():
            if is_no_manager(value, keys.ids, markers):
                table[value] = (None, "no_manager")
            elif header_key(value) in NOT_A_PERSON:
                table[value] = (None, "not_a_person")
            else:
                table[value] = match_one(value, keys)
        found = text[open_].map(lambda v: table[v][0])
        resolved[open_] = found
        how[open_] = text[open_].map(lambda v: table[v][1])
    return resolved.astype("object").where(resolved.notna(), None), how


def near_id(value: str, keys: PeopleKeys) -> str | None:
    """The id a reference most likely meant when it differs only in case or leading
    zeros ('0042' -> '42', 'e7' -> 'E7'), else None."""
    folded = str(value).strip().lower().lstrip("0")
    return keys.folded.get(folded) if folded else None


# --- the guard -------------------------------------------------------------------------

_MANAGER_WORDS = re.compile(
    r"\b(manager|mgr|supervisor|superviseur|reports? to|reporting( to| line)?|boss|line manager|vorgesetzte\w*|"
    r"fuhrungskraft|responsable|superieur|jefe|superior|leidinggevende|manager in|n 1|parent)\b"
)
_FLAG_VALUES = frozenset({"yes", "no", "y", "n", "true", "false", "1", "0", "ja", "nein", "oui", "non", "si", "x"})
MANAGER_COLUMNS = ("manager_id", "manager_email", "manager_name")


@dataclass(frozen=True)
class Suspect:
    """A column that looks like a manager reference: its header, the canonical column
    a mapping would give it, and why it is suspected."""

    header: str
    canonical: str
    reason: str


def suspect_columns(frame: pd.DataFrame, mapping: dict[str, str], keys: PeopleKeys, ids: pd.Series,
                    sample: int = 500, by_values: int = 300) -> list[Suspect]:
    """Columns of a people file not in ``mapping`` that look like a manager reference:
    by header (manager, supervisor, Vorgesetzte:r, responsable, ...), or because most of
    their values name *other* people of the file (by id, number, email or name)."""
    used = set(mapping.values())
    dotted = {header_key(h) for c in ("dotted_manager_id", "dotted_manager_name")
              for h in SYNONYMS["people"].get(c, ())}
    out: list[Suspect] = []
    for position, header in enumerate(frame.columns):
        if header in used or re.fullmatch(r"Unnamed: \d+", str(header)):
            continue
        key = header_key(header)
        if position >= by_values and not _MANAGER_WORDS.search(key):
            continue  # values are looked at in the first columns only (a wide file stays cheap)
        values = frame[header].dropna().astype("str").str.strip()
        values = values[values != ""]
        if values.empty or key in dotted:
            continue
        head = values.iloc[:sample]
        lowered = head.str.lower()
        if lowered.isin(_FLAG_VALUES).mean() > 0.8:
            continue  # "Is manager: yes/no" is a flag, not a reference
        resolved, how = resolve_references(head, keys)
        others = resolved.notna() & (resolved != ids.loc[head.index].astype("str"))
        share = float(others.mean())
        kinds = how[others].value_counts()
        matches = share >= 0.5 and int(others.sum()) >= 2
        if matches or _MANAGER_WORDS.search(key):
            top = kinds.index[0] if len(kinds) else ("email" if head.str.contains("@").mean() > 0.5 else
                                                      "id" if head.str.fullmatch(r"[\w-]{1,12}").mean() > 0.8 and
                                                      not head.str.contains(" ").any() else "name")
            canonical = {"id": "manager_id", "number": "manager_id", "email": "manager_email"}.get(top, "manager_name")
            reason = (f"{int(others.sum())} of its {len(head)} values name other people of the file"
                      if matches else "its header reads like a manager")
            out.append(Suspect(str(header), canonical, reason))
    # Values first, then headers: the strongest suspect is named first.
    return sorted(out, key=lambda s: not s.reason[0].isdigit())
