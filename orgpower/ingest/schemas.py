"""One declarative schema per input kind (interfaces.md §3) and the header synonyms
used when a spreadsheet comes from no known HR system.

A schema lists the canonical columns of a kind, which of them are required, and which
are numeric. :data:`SYNONYMS` maps each canonical column onto header *keys* (headers
after :func:`header_key`: lower case, punctuation and underscores to spaces), so
``"Line_Manager"``, ``"line manager"`` and ``"LINE-MANAGER"`` all match ``"line manager"``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def header_key(header: object) -> str:
    """Normalise a column header for matching: case, spaces, underscores, punctuation.

    ``#`` reads as "no" (``"Employee #"`` -> ``"employee no"``); currency signs and
    brackets vanish; camelCase is split (``"ManagerID"`` -> ``"manager id"``).

    >>> header_key("Manager - ID"), header_key("Employee #"), header_key("ManagerName")
    ('manager id', 'employee no', 'manager name')
    """
    text = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "").strip()
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


# Canonical columns an HR export may carry beyond interfaces.md §3: a manager given by
# name (resolved to an id), a dotted-line manager (a second reporting layer), and a name
# split into first and last.
PEOPLE = Schema(
    kind="people",
    required=("person_id",),
    optional=(
        "manager_id", "manager_name", "dotted_manager_id", "dotted_manager_name",
        "name", "first_name", "last_name", "title", "unit", "level", "location", "fte", "cost",
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
# per kind. Order matters only within a list: the first header present wins.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "people": {
        "person_id": (
            "person id", "id", "employee id", "employee number", "employee no", "emp id", "empid",
            "staff id", "staff number", "worker id", "user id", "userid", "associate id",
            "personnel number", "pernr", "post unique reference", "post id", "position id",
            "badge id", "person", "employee",
        ),
        "manager_id": (
            "manager id", "manager employee id", "manager employee no", "manager employee number",
            "supervisor id", "supervisor employee id", "reports to id", "reports to employee id",
            "reports to associate id", "line manager id", "boss id", "parent id", "manager user id",
            "manager no", "reports to senior post", "manager person id", "parent",
        ),
        "manager_name": (
            "manager name", "manager", "supervisor", "supervisor name", "reports to",
            "reports to name", "line manager", "line manager name", "boss", "boss name",
            "manager full name",
        ),
        "dotted_manager_id": (
            "dotted line manager id", "dotted manager id", "matrix manager id",
            "secondary manager id", "functional manager id", "dotted line id",
        ),
        "dotted_manager_name": (
            "dotted line manager", "dotted manager", "matrix manager", "secondary manager",
            "functional manager", "dotted line", "dotted line to",
        ),
        "name": ("name", "full name", "employee name", "display name", "worker", "person name", "preferred name"),
        "first_name": ("first name", "firstname", "given name", "legal first name", "forename"),
        "last_name": ("last name", "lastname", "surname", "family name", "legal last name"),
        "title": ("title", "job title", "business title", "position", "position title", "role title", "job"),
        "unit": ("unit", "department", "dept", "team", "org unit", "organisation unit", "organization unit",
                 "supervisory organization", "home department description", "division"),
        "level": ("level", "grade", "band", "job level", "grade or equivalent", "pay grade"),
        "location": ("location", "office", "site", "work location", "location description", "city"),
        "fte": ("fte", "full time equivalent", "fte ratio"),
        "cost": ("cost", "salary", "annual salary", "pay", "compensation", "base salary"),
    },
    "flows": {
        "source": ("source", "from", "funder", "payer", "giver", "sender", "from id", "source id", "allocator"),
        "target": ("target", "to", "recipient", "payee", "receiver", "to id", "target id", "beneficiary"),
        "amount": ("amount", "value", "budget", "sum", "total", "amount eur", "amount usd", "amount gbp"),
        "kind": ("kind", "type", "flow type", "category", "resource"),
        "period": ("period", "year", "fiscal year", "quarter", "month", "date"),
        "currency": ("currency", "ccy"),
    },
    "decisions": {
        "decision": ("decision", "decision id", "decision name", "decision area", "activity", "task", "deliverable"),
        "actor": ("actor", "person", "person id", "who", "actor id", "role holder", "participant", "stakeholder"),
        "role": ("role", "raci", "rapid", "raci role", "rapid role", "responsibility"),
        "domain": ("domain", "area", "category", "process"),
        "affects": ("affects", "affected", "binds", "scope", "applies to", "affected ids"),
    },
    "relations": {
        "source": ("source", "from", "ego", "sender", "from id", "source id"),
        "target": ("target", "to", "alter", "receiver", "to id", "target id"),
        "relation": ("relation", "relation type", "tie", "tie type", "type", "layer", "edge type"),
        "weight": ("weight", "strength", "value", "count", "frequency"),
    },
    "units": {
        "unit_id": (
            "unit id", "unit code", "department id", "department code", "dept id", "org unit id",
            "organisation unit id", "organization unit id", "cost center", "cost centre", "cost center id",
            "cost centre id", "cost center code", "unit",
        ),
        "name": ("name", "unit name", "department name", "department", "cost center name", "cost centre name",
                 "description", "title"),
        "parent_unit": (
            "parent unit", "parent unit id", "parent department", "parent department id", "parent dept",
            "parent cost center", "parent cost centre", "parent org unit", "parent id", "parent",
        ),
    },
    "junior_posts": {
        "manager_id": ("reporting senior post",),
        "fte": ("number of posts in fte",),
        "title": ("generic job title",),
        "unit": ("unit",),
        "level": ("grade",),
        "cost": ("payscale minimum",),
    },
}

# Manager cells that name no person: the person is treated as a top of the hierarchy.
NOT_A_PERSON = frozenset({
    "board", "board of directors", "the board", "board of trustees", "trustees", "shareholders",
    "owners", "members", "general assembly", "council", "governing body", "parliament",
    "secretary of state", "minister", "ministers", "government", "none", "n a", "na", "nobody",
    "no manager", "top", "root", "xx", "x", "external", "vacant",
})
