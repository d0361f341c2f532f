"""One declarative schema per input kind (docs/input-formats.md) and the header synonyms
used when a spreadsheet comes from no known HR system.

A schema lists the canonical columns of a kind, which of them are required, and which
are numeric. :data:`SYNONYMS` maps each canonical column onto header *keys* (headers
after :func:`header_key`: lower case, punctuation and underscores to spaces), so
``"Line_Manager"``, ``"line manager"`` and ``"LINE-MANAGER"`` all match ``"line manager"``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path


def header_key(header: object) -> str:
    """Normalise a column header for matching: case, spaces, underscores, punctuation.

    ``#`` reads as "no" (``"Employee #"`` -> ``"employee no"``); currency signs and
    brackets vanish; camelCase is split (``"ManagerID"`` -> ``"manager id"``).

    >>> header_key("Manager - ID"), header_key("Employee #"), header_key("ManagerName")
    ('manager id', 'employee no', 'manager name')
    >>> header_key("Vorgesetzte:r"), header_key("Führungskraft"), header_key("Intitulé du poste")
    ('vorgesetzte r', 'fuhrungskraft', 'intitule du poste')
    """
    text = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "").strip()
    # Accents fold away ("Führungskraft" = "Fuhrungskraft", "Département" = "Departement").
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # ManagerID -> Manager ID
    text = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", " ", text)  # HRManager -> HR Manager
    text = text.lower().replace("#", " no ")
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Schema:
    """The canonical columns of one input kind."""

    kind: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    numeric: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


# Canonical columns an HR export may carry beyond the native format: a manager given by
# name (resolved to an id), a dotted-line manager (a second reporting layer), and a name
# split into first and last.
PEOPLE = Schema(
    kind="people",
    required=("person_id",),
    optional=(
        "employee_number", "email", "manager_id", "manager_name", "manager_email",
        "dotted_manager_id", "dotted_manager_name", "name", "first_name", "last_name", "title", "unit", "level", "location", "fte", "cost",
    ),
    numeric=("fte", "cost"),
)
# UK organogram junior file: one row is an FTE count at a grade under a senior post.
JUNIOR_POSTS = Schema(
    kind="junior_posts",
    required=("manager_id", "fte"),
    optional=("title", "unit", "level", "cost"),
    numeric=("fte", "cost"),
)
FLOWS = Schema(
    kind="flows",
    required=("source", "target", "amount"),
    optional=("kind", "period", "currency"),
    numeric=("amount",),
)
DECISIONS = Schema(
    kind="decisions",
    required=("decision", "actor", "role"),
    optional=("domain", "affects"),
)
RELATIONS = Schema(
    kind="relations",
    required=("source", "target", "relation"),
    optional=("weight",),
    numeric=("weight",),
)
# The unit hierarchy (optional): one row per unit, its parent unit blank at the top.
UNITS = Schema(
    kind="units",
    required=("unit_id",),
    optional=("name", "parent_unit"),
)
SCHEMAS = {s.kind: s for s in (PEOPLE, JUNIOR_POSTS, FLOWS, DECISIONS, RELATIONS, UNITS)}

# Header keys (see header_key) that fuzzy matching accepts for each canonical column,
# per kind, read from the data table ``header_synonyms.csv`` (kind, column, language,
# header as an export writes it). Order matters only within a column: the first
# header present wins. English, German, French, Spanish and Dutch headers are listed.
SYNONYMS_FILE = Path(__file__).with_name("header_synonyms.csv")


def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, dict[str, tuple[str, ...]]]:
    """kind -> canonical column -> header keys, in the order of the table."""
    table: dict[str, dict[str, list[str]]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            keys = table.setdefault(row["kind"], {}).setdefault(row["column"], [])
            key = header_key(row["header"])
            if key and key not in keys:
                keys.append(key)
    return {kind: {column: tuple(keys) for column, keys in columns.items()} for kind, columns in table.items()}


SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = load_synonyms()
for _kind, _columns in SYNONYMS.items():  # the table names only columns of the schemas
    assert set(_columns) <= set(SCHEMAS[_kind].columns), (_kind, set(_columns) - set(SCHEMAS[_kind].columns))

# Manager cells that name no person: the person is treated as a top of the hierarchy.
NOT_A_PERSON = frozenset({
    "board", "board of directors", "the board", "board of trustees", "trustees", "shareholders",
    "owners", "members", "general assembly", "council", "governing body", "parliament",
    "secretary of state", "minister", "ministers", "government", "none", "n a", "na", "nobody",
    "no manager", "top", "root", "xx", "x", "external", "vacant",
})
