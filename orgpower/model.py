"""The validated org model: what ingest produces and every later stage reads.

Data flows one way: ``ingest`` builds an :class:`OrgModel`, ``graph`` turns it into
layers, ``metrics`` measures the layers, ``report``/``dashboard`` show the result.

All ids are strings (``"007"`` and ``"7"`` are two people). Every arc is stored
superior -> subordinate (manager -> report, funder -> recipient, decider -> bound),
so that "i -> j" always reads "i over j" (docs/graph-model.md).

Canonical columns (pandas DataFrames, string dtype for ids):

``people``
    ``person_id``, ``manager_id`` (solid line; ``<NA>`` at the top), ``name``,
    ``title``, ``unit``, ``level``, ``location``, ``fte`` (float), ``cost`` (float),
    ``kind`` (``"person"`` | ``"post"`` | ``"fte_group"``: UK organogram junior rows are
    FTE counts at a grade under a senior post, not persons), ``source_file``,
    ``source_row`` (1-based data row number in that file, header = row 1 so the first
    data row is 2, as a spreadsheet shows it), plus any other columns as attributes.
``reporting``
    ``source`` (manager), ``target`` (report), ``line`` (``"solid"`` | ``"dotted"``).
    Solid arcs come from ``people.manager_id`` after validation (cycles broken, unknown
    managers set aside); dotted arcs from a second manager column or ``dotted`` relations.
``flows``
    ``source``, ``target``, ``amount`` (float, >= 0), ``kind``, ``period``, ``currency``,
    ``source_file``, ``source_row``.
``decisions``
    ``decision``, ``actor``, ``role`` (normalised, see :data:`DECISION_ROLES`),
    ``domain``, ``affects`` (one id per row; a decision that binds several ids has
    several rows), ``source_file``, ``source_row``.
``relations``
    ``source``, ``target``, ``relation``, ``weight`` (float), ``source_file``, ``source_row``.
``units``
    ``unit_id``, ``name``, ``parent_unit`` (may be ``<NA>``).

Texts that repeat down a whole arc table (the file each row came from; a relation's
type) are pandas categories (:data:`REPEATED_TEXT`): a 10,000,000-row relations table
otherwise holds each row's copy of ``"collaboration"`` and ``"relations.csv"``, 400 MiB
of 860. Values, comparisons, ``.str`` and grouping read as with text; a value not yet
among a column's categories is set by assigning the whole column
(``model.relations = model.relations.assign(source_file=...)``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

Severity = Literal["error", "warning", "info"]

# Normalised decision roles. RACI letters and RAPID words map onto these.
DECISION_ROLES = (
    "responsible",  # R, Perform
    "accountable",  # A, Decide, final approver
    "consulted",  # C, Input
    "informed",  # I
    "recommend",  # RAPID Recommend
    "agree",  # RAPID Agree (a veto in practice)
    "approve",
    "veto",
)
# Roles that carry the say over a decision (who can make or stop it).
DECIDING_ROLES = frozenset({"accountable", "approve", "veto", "agree"})
# Roles that give a voice without the say.
VOICE_ROLES = frozenset({"consulted", "recommend", "agree", "responsible"})

PEOPLE_COLUMNS = (
    "person_id", "manager_id", "name", "title", "unit", "level", "location",
    "fte", "cost", "kind", "source_file", "source_row",
)
REPORTING_COLUMNS = ("source", "target", "line")
FLOW_COLUMNS = ("source", "target", "amount", "kind", "period", "currency", "source_file", "source_row")
DECISION_COLUMNS = ("decision", "actor", "role", "domain", "affects", "source_file", "source_row")
RELATION_COLUMNS = ("source", "target", "relation", "weight", "source_file", "source_row")
UNIT_COLUMNS = ("unit_id", "name", "parent_unit")


@dataclass(frozen=True)
class Problem:
    """One validation finding, in the manner of a pandera failure case.

    ``code`` is stable and machine-readable (e.g. ``"duplicate_id"``,
    ``"reporting_cycle"``); ``message`` is one plain sentence naming file, row and
    value; ``suggestion`` says what to do. ``ids`` lists the ids involved (for a cycle,
    the whole cycle in order). ``row`` is the 1-based row as a spreadsheet shows it.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    suggestion: str | None = None
    ids: tuple[str, ...] = ()
    #: people's names the message quotes (a set-aside row's name), so that documents
    #: written with ids only can hide them; never shown as a field of its own
    names: tuple[str, ...] = dataclasses.field(default=(), repr=False)

    def to_dict(self, *, with_names: bool = False) -> dict[str, Any]:
        record = dataclasses.asdict(self)
        record["ids"] = list(self.ids)
        names = record.pop("names")
        if with_names:
            record["names"] = list(names)
        return record


@dataclass(frozen=True)
class InputFile:
    """One file that was read: what it was, its hash, and how many rows were used."""

    file: str
    sha256: str
    format: str  # e.g. "csv", "xlsx", "parquet"
    kind: str  # "people" | "flows" | "decisions" | "relations" | "junior_posts" | ...
    vendor: str  # detected export flavour: "native", "workday", "bamboohr", "uk_organogram_senior", ...
    rows: int
    rows_used: int
    mapping: dict[str, str] = field(default_factory=dict)  # canonical column -> header in the file
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    close_formats: tuple[str, ...] = ()  # other export formats whose headers the file also fits

    def __post_init__(self) -> None:  # read back from JSON as a list
        object.__setattr__(self, "close_formats", tuple(self.close_formats))

    def to_dict(self) -> dict[str, Any]:
        record = dataclasses.asdict(self)
        record["close_formats"] = list(self.close_formats)
        return record


# Arc-table columns held as categories (see the module docstring); their few values repeat
# on every row. People's columns stay text: they are the user's attributes.
REPEATED_TEXT = {"flows": ("source_file",), "decisions": ("source_file",), "relations": ("relation", "source_file")}


def as_categories(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``frame`` with its ``columns`` (those present) as categories of exactly the values
    they hold: text columns become categorical, and a categorical column loses the
    categories no row holds any more (rows taken out of a model's table would otherwise
    still be counted, as 0, by ``value_counts``). A new frame; ``frame`` itself is left
    as it was.

    >>> relations = pd.DataFrame({"relation": ["advice", "advice", "trust"]}, dtype="str")
    >>> compact = as_categories(relations, ("relation", "source_file"))
    >>> str(compact["relation"].dtype), list(compact["relation"].cat.categories), str(relations["relation"].dtype)
    ('category', ['advice', 'trust'], 'str')
    >>> list(as_categories(compact[compact["relation"] == "trust"], ("relation",))["relation"].cat.categories)
    ['trust']
    """
    changed = {}
    for column in columns:
        if column not in frame.columns:
            continue
        values = frame[column]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            changed[column] = values.astype("category")
        elif not _holds_every_category(values):
            changed[column] = values.cat.remove_unused_categories()
    return frame.assign(**changed) if changed else frame


def _holds_every_category(values: pd.Series) -> bool:
    codes = values.cat.codes.to_numpy()
    held = np.bincount(codes[codes >= 0], minlength=len(values.cat.categories))
    return bool(held.all())


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})


@dataclass
class OrgModel:
    """The validated org: tables in canonical columns, the problems found, the inputs read."""

    people: pd.DataFrame = field(default_factory=lambda: _empty(PEOPLE_COLUMNS))
    reporting: pd.DataFrame = field(default_factory=lambda: _empty(REPORTING_COLUMNS))
    flows: pd.DataFrame = field(default_factory=lambda: _empty(FLOW_COLUMNS))
    decisions: pd.DataFrame = field(default_factory=lambda: _empty(DECISION_COLUMNS))
    relations: pd.DataFrame = field(default_factory=lambda: _empty(RELATION_COLUMNS))
    units: pd.DataFrame = field(default_factory=lambda: _empty(UNIT_COLUMNS))
    problems: list[Problem] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)

    def __setattr__(self, name: str, value: Any) -> None:
        # every way a table gets in (the constructor, dataclasses.replace, a snapshot read
        # setting it) holds its repeated texts the same way
        if name in REPEATED_TEXT and isinstance(value, pd.DataFrame):
            value = as_categories(value, REPEATED_TEXT[name])
        object.__setattr__(self, name, value)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def roots(self) -> list[str]:
        """People at the top of the solid reporting line (no manager after validation)."""
        solid = self.reporting[self.reporting["line"] == "solid"]
        # sets of lists: iterating the Arrow-backed columns themselves costs 1.8 s CPU at 1,000,000 people
        has_manager = set(solid["target"].astype(str).tolist())
        return sorted(set(self.people["person_id"].astype(str).tolist()) - has_manager)

    def counts(self) -> dict[str, int]:
        """Rows per table and problems per severity (numbers only: safe to log)."""
        return {
            "people": len(self.people), "reporting_lines": len(self.reporting), "flows": len(self.flows),
            "decision_roles": len(self.decisions), "relations": len(self.relations), "units": len(self.units),
            "errors": len(self.errors), "warnings": len(self.warnings), "inputs": len(self.inputs),
        }

    def __repr__(self) -> str:
        # short on purpose: the tables are people data and can hold millions of rows
        c = self.counts()
        return (f"<OrgModel {c['people']:,} people, {c['flows']:,} flows, {c['decision_roles']:,} decision roles, "
                f"{c['relations']:,} relations from {c['inputs']} inputs; {c['errors']:,} errors, {c['warnings']:,} warnings>")

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(f"<tr><th style='text-align:left'>{escape(k.replace('_', ' '))}</th><td>{v:,}</td></tr>"
                       for k, v in self.counts().items())
        return f"<table><caption>OrgModel</caption>{rows}</table>"
