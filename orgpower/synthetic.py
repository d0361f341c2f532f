"""Synthetic organisations of any size, for demos, tests and benchmarks.

:func:`generate_org` builds an :class:`~orgpower.model.OrgModel` of one of three
archetypes that differ in structure on the three axes of docs/readings.md (asymmetry, direction,
concentration):

``power-over``
    a deep, steep tree (narrow spans, many layers); budgets flow only top-down, one way,
    concentrated at the top (head office funds every unit directly); every decision is
    taken alone by the manager (accountable) over the team it binds, and the chief
    executive signs off one decision of every team; advice points down only.
``mutual``
    flat (few layers, wide spans above small self-managing teams of about ten); money
    is exchanged both ways between peers and units and circulates around rings of sibling
    units; every decision has one accountable member who rotates, two who must agree, and
    the rest consulted; collaboration ties are reciprocated.
``mixed``
    a normal corporate hierarchy (moderate spans) where about a quarter of the bottom
    teams work the mutual way, some units return part of their budget (chargebacks), and about one
    person in ten has a dotted-line manager in another unit.

Everything is vectorised with numpy (one loop over reporting layers, never over
people), so a million people generate in seconds. The same ``seed`` gives the same org.

:func:`write_bundle` writes the org as the native input bundle of docs/input-formats.md.

>>> model = generate_org(50, "power-over", seed=1)
>>> len(model.people), int((model.reporting["line"] == "solid").sum())
(50, 49)
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgpower.errors import UsageError
from orgpower.model import (
    DECISION_COLUMNS, DECISION_ROLES, FLOW_COLUMNS, PEOPLE_COLUMNS, RELATION_COLUMNS, REPORTING_COLUMNS, UNIT_COLUMNS,
    OrgModel,
)

ARCHETYPES = ("power-over", "mutual", "mixed")
BUNDLE_FORMATS = ("csv", "parquet")

# Tree shape per archetype: growth of headcount per layer, mean span of a manager, how
# even spans are (gamma shape: higher = more even), the deepest layer that heads a unit,
# and the pay step per layer of seniority (how steep pay is).
_SHAPE = {
    "power-over": dict(first_span=4, growth=2.2, mean_span=3.8, evenness=4.0, unit_depth=4, pay_step=1.38),
    "mixed": dict(first_span=6, growth=3.5, mean_span=6.0, evenness=3.0, unit_depth=3, pay_step=1.22),
    "mutual": dict(team_size=10, circle_span=16, evenness=12.0, unit_depth=99, pay_step=1.04),
}
_MUTUAL_TEAM_SHARE = {"power-over": 0.0, "mixed": 0.25, "mutual": 1.0}
_DOTTED_SHARE = 0.10  # mixed only: people with a dotted-line manager elsewhere
_PERIODS_DEFAULT = 4  # quarterly rows per flow arc unless flows_per_person says otherwise

_GIVEN = np.array([
    "Ada", "Bram", "Cleo", "Dario", "Elin", "Fenna", "Gus", "Hale", "Ines", "Jory", "Kaia", "Lio",
    "Mira", "Nils", "Odile", "Pim", "Quinn", "Rosa", "Soren", "Tilde", "Ulla", "Vito", "Wynn", "Xia",
    "Yara", "Zeno", "Arlo", "Bette", "Cas", "Dagny", "Emeric", "Flor", "Gaia", "Hugo", "Ilse", "Joss",
    "Kit", "Lumi", "Milo", "Nora", "Otto", "Pia", "Remy", "Sanne", "Teo", "Una", "Vera", "Wim",
], dtype=object)
# Invented surnames (prefix + suffix), so nobody mistakes a sample row for a real person.
_SURNAME_PREFIX = ("Quill", "Thistle", "Marrow", "Penny", "Bramble", "Copper", "Fern", "Hollow", "Lark",
                   "Moss", "Nettle", "Pebble", "Rook", "Sorrel", "Tansy", "Wren", "Amber", "Briar",
                   "Cinder", "Drift")
_SURNAME_SUFFIX = ("feather", "wick", "by", "whistle", "cott", "mere", "vale", "thorn", "ridge",
                   "sworth", "ington", "hollow")
_SURNAMES = np.array([p + s for p in _SURNAME_PREFIX for s in _SURNAME_SUFFIX], dtype=object)
_LOCATIONS = np.array(["Port Ellery", "Northwick", "Alder Bay", "Kestrel Point", "Lowmoor", "Remote"], dtype=object)
_LOCATION_WEIGHTS = np.array([0.34, 0.22, 0.16, 0.1, 0.08, 0.1])
_FUNCTIONS = ("Operations", "Sales", "Finance", "Engineering", "Logistics", "Customer Care", "Procurement",
              "Legal", "People", "Research", "Marketing", "Facilities")
_FUNCTION_CODES = ("OPS", "SAL", "FIN", "ENG", "LOG", "CUS", "PRO", "LEG", "PPL", "RES", "MKT", "FAC")
_UNIT_WORDS = ("", "", "Department", "Section", "Team", "Group", "Cell")
_DOMAINS = np.array(["budget", "hiring", "scheduling", "pay", "strategy", "tools", "priorities"], dtype=object)
_GENDERS = np.array(["female", "male", "non-binary", "undisclosed"], dtype=object)


# --------------------------------------------------------------------------- tree


def _layer_sizes(people: int, archetype: str) -> list[int]:
    """Headcount per reporting layer (layer 0 = the top), summing to ``people``."""
    if people == 1:
        return [1]
    shape = _SHAPE[archetype]
    if archetype == "mutual":
        # Bottom-up: small teams of about seven, coordinators grouped into wide circles.
        coordinators = max(1, math.ceil(people / shape["team_size"]))
        upper = [coordinators]
        while upper[0] > shape["circle_span"] * 1.5:
            upper.insert(0, math.ceil(upper[0] / shape["circle_span"]))
        sizes = [1] + upper if upper[0] > 1 else upper
        placed = sum(sizes)
        if placed >= people:  # tiny org: one team
            return [1, people - 1]
        return sizes + [people - placed]
    sizes = [1]
    layer = shape["first_span"]
    while sum(sizes) < people:
        sizes.append(min(layer, people - sum(sizes)))
        layer = max(1, round(layer * shape["growth"]))
    return sizes


def _grow_tree(people: int, archetype: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Parent index (−1 at the top) and layer of each person, in breadth-first order.

    Each layer's people are shared out over a subset of the layer above (every one of
    them in ``mutual``) with gamma-distributed weights, so spans vary realistically and
    each manager's reports are contiguous (parents never decrease along the array).
    """
    sizes = _layer_sizes(people, archetype)
    shape = _SHAPE[archetype]
    parent = np.full(people, -1, dtype=np.int64)
    depth = np.zeros(people, dtype=np.int32)
    start = 1
    above = np.arange(0, 1)
    for layer, size in enumerate(sizes[1:], start=1):
        if archetype == "mutual":
            managers = above
        else:
            count = int(np.clip(round(size / shape["mean_span"]), 1, len(above)))
            managers = np.sort(rng.choice(above, size=count, replace=False))
        weights = rng.gamma(shape["evenness"], 1.0, size=len(managers))
        cumulative = np.cumsum(weights) / weights.sum()
        slot = np.searchsorted(cumulative, (np.arange(size) + 0.5) / size)
        here = np.arange(start, start + size)
        parent[here] = managers[np.minimum(slot, len(managers) - 1)]
        depth[here] = layer
        above = here
        start += size
    return parent, depth


def _bottom_up_sum(values: np.ndarray, parent: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over each person's subtree (self included), one pass per layer."""
    total = values.astype(float).copy()
    for layer in range(int(depth.max()), 0, -1):
        members = np.flatnonzero(depth == layer)
        total += np.bincount(parent[members], weights=total[members], minlength=len(values))
    return total


def _ids(prefix: str, count: int, width: int | None = None) -> pa.Array:
    """``prefix`` + zero-padded serials, as an Arrow string array (fast to build and take)."""
    width = width or max(4, len(str(count)))
    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(count)), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


# Columns are built as vocabulary + integer codes and expanded in Arrow: converting
# millions of Python strings into a string column is what would otherwise take the time.
def _take(vocabulary, codes: np.ndarray) -> pd.arrays.ArrowStringArray:
    if not isinstance(vocabulary, pa.Array):
        vocabulary = pa.array(np.asarray(vocabulary, dtype=object), type=pa.string())
    return pd.array(vocabulary.take(pa.array(np.asarray(codes, dtype=np.int64))), dtype="string")


def _const(value: str, count: int) -> pd.arrays.ArrowStringArray:
    return _take([value], np.zeros(count, dtype=np.int64))


def _str(values: np.ndarray | list) -> pd.arrays.ArrowStringArray:
    return pd.array(np.asarray(values, dtype=object), dtype="string")


# --------------------------------------------------------------------------- units


def _units(parent: np.ndarray, depth: np.ndarray, reports: np.ndarray, archetype: str, subtree: np.ndarray):
    """Units headed by managers down to a depth; each person belongs to the unit of the
    nearest unit head at or above them. Returns (unit index per person, units frame,
    position of each unit's head)."""
    unit_depth = _SHAPE[archetype]["unit_depth"]
    head = (reports > 0) & (depth <= unit_depth) & (subtree >= 4)
    head[0] = True
    heads = np.flatnonzero(head)
    unit_of_head = np.full(len(parent), -1, dtype=np.int64)
    unit_of_head[heads] = np.arange(len(heads))
    unit_of = np.zeros(len(parent), dtype=np.int64)
    for layer in range(1, int(depth.max()) + 1):
        members = np.flatnonzero(depth == layer)
        own = unit_of_head[members]
        unit_of[members] = np.where(own >= 0, own, unit_of[parent[members]])
    parent_unit = np.full(len(heads), -1, dtype=np.int64)
    parent_unit[1:] = unit_of[parent[heads[1:]]]

    # Codes: the top is HQ (GA in a cooperative), first-layer units get a function code,
    # deeper units their parent's code plus a serial among siblings ("OPS-03-01").
    codes = np.empty(len(heads), dtype=object)
    names = np.empty(len(heads), dtype=object)
    function = np.zeros(len(heads), dtype=np.int64)
    codes[0] = "GA" if archetype == "mutual" else "HQ"
    names[0] = "General Assembly" if archetype == "mutual" else "Head Office"
    head_depth = depth[heads]
    for layer in range(1, int(head_depth.max()) + 1):
        here = np.flatnonzero(head_depth == layer)
        if not len(here):
            continue
        up = parent_unit[here]
        # serial among siblings: units of one parent are contiguous by construction
        first = np.r_[True, up[1:] != up[:-1]]
        group_start = np.maximum.accumulate(np.where(first, np.arange(len(here)), 0))
        serial = np.arange(len(here)) - group_start + 1
        top = up == 0
        function[here] = np.where(top, (serial - 1) % len(_FUNCTIONS), function[up])
        repeat = (serial - 1) // len(_FUNCTIONS)
        base = np.array(_FUNCTION_CODES, dtype=object)[function[here]]
        fname = np.array(_FUNCTIONS, dtype=object)[function[here]]
        again = (repeat + 1).astype(str).astype(object)
        serial_text = np.char.zfill(serial.astype(str), 2).astype(object)
        word = _UNIT_WORDS[min(layer, len(_UNIT_WORDS) - 1)]
        if archetype == "mutual":
            word = np.where(subtree[heads[here]] > _SHAPE["mutual"]["team_size"] * 2, "Circle", "Team")
        codes[here] = np.where(top, np.where(repeat > 0, base + again, base), codes[up] + "-" + serial_text)
        names[here] = np.where(top, np.where(repeat > 0, fname + " " + again, fname),
                               fname + " " + word + " " + serial_text)
    units = pd.DataFrame({
        "unit_id": _str(codes),
        "name": _str(names),
        "parent_unit": pd.array([None] + list(codes[parent_unit[1:]]), dtype="string"),
    })[list(UNIT_COLUMNS)]
    return unit_of, units, heads


# --------------------------------------------------------------------------- people


def _titles(archetype: str, depth: np.ndarray, reports: np.ndarray, subtree: np.ndarray, rng):
    manager = reports > 0
    if archetype == "power-over":
        ic = np.array(["Associate", "Clerk", "Specialist", "Operator", "Analyst"], dtype=object)
        choices = [
            (depth == 0, "Chief Executive Officer"),
            (manager & (depth == 1), "Senior Vice President"),
            (manager & (depth == 2), "Vice President"),
            (manager & (depth == 3), "Director"),
            (manager & (subtree >= 20), "Senior Manager"),
            (manager, "Supervisor"),
        ]
    elif archetype == "mixed":
        ic = np.array(["Analyst", "Engineer", "Consultant", "Coordinator", "Advisor"], dtype=object)
        choices = [
            (depth == 0, "Chief Executive"),
            (manager & (depth == 1), "Director"),
            (manager & (subtree >= 30), "Head of Unit"),
            (manager, "Team Lead"),
        ]
    else:
        ic = np.array(["Worker-member: baker", "Worker-member: courier", "Worker-member: bookkeeper",
                       "Worker-member: technician", "Worker-member: gardener"], dtype=object)
        choices = [
            (depth == 0, "Convenor, General Assembly"),
            (manager & (subtree > _SHAPE["mutual"]["team_size"] * 2), "Circle Coordinator"),
            (manager, "Team Coordinator"),
        ]
    vocabulary = list(ic) + [title for _, title in choices]
    codes = rng.integers(0, len(ic), size=len(depth))
    for k in range(len(choices) - 1, -1, -1):
        codes = np.where(choices[k][0], len(ic) + k, codes)
    return _take(vocabulary, codes)


def _gender(archetype: str, depth: np.ndarray, reports: np.ndarray, rng) -> np.ndarray:
    """Realistic proportions; in the hierarchical archetypes women are fewer among managers,
    most of all near the top (so representation-by-power has something to find)."""
    female = np.full(len(depth), 0.49)
    manager = reports > 0
    if archetype == "power-over":
        female = np.where(manager, np.where(depth <= 3, 0.22, 0.36), female)
    elif archetype == "mixed":
        female = np.where(manager, np.where(depth <= 2, 0.33, 0.42), female)
    draw = rng.random(len(depth))
    codes = np.where(draw < female, 0, np.where(draw < female + 0.012, 2, np.where(draw < female + 0.03, 3, 1)))
    return _take(_GENDERS, codes)


# --------------------------------------------------------------------------- teams


def _teams(parent: np.ndarray, reports: np.ndarray):
    """Every manager with their direct reports as one team, members contiguous per team,
    manager first. Returns (member, team manager, position in team, team size) arrays."""
    n = len(parent)
    managers = np.flatnonzero(reports > 0)
    member = np.concatenate([managers, np.arange(1, n)])
    team = np.concatenate([managers, parent[1:]])
    order = np.lexsort((np.r_[np.zeros(len(managers)), np.ones(n - 1)], team))
    member, team = member[order], team[order]
    first = np.r_[True, team[1:] != team[:-1]] if len(team) else np.array([], dtype=bool)
    start = np.maximum.accumulate(np.where(first, np.arange(len(team)), 0)) if len(team) else first
    position = np.arange(len(team)) - start
    size = (reports + 1)[team]
    return member, team, position, size, start


def _ring(member, position, size, start, step: int, mask=None):
    """Arcs from each team member to the member ``step`` places further round the team."""
    keep = (size > step) if mask is None else (size > step) & mask
    source = member[keep]
    target = member[start[keep] + (position[keep] + step) % size[keep]]
    return source, target


# --------------------------------------------------------------------------- generator


def _people_and_solid_lines(archetype: str, person_ids: pa.Array, parent: np.ndarray, depth: np.ndarray,
                            reports: np.ndarray, subtree: np.ndarray, unit_ids: pa.Array, unit_of: np.ndarray,
                            fte: np.ndarray, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The people table (cost growing with seniority by the archetype's pay step, names
    drawn from the name lists), the solid reporting lines of a generated tree and each
    person's cost; the random draws in one fixed order, so a seed gives the same org."""
    people = len(parent)
    seniority = (depth.max() - depth) * np.where(reports > 0, 1.0, 0.5)
    pay = 36000.0 * _SHAPE[archetype]["pay_step"] ** seniority * rng.lognormal(0.0, 0.08, size=people)
    cost = np.round(pay * fte, -2)
    name_code = rng.integers(0, len(_GIVEN), people) * len(_SURNAMES) + rng.integers(0, len(_SURNAMES), people)
    people_frame = _people_frame(archetype, person_ids, parent, depth, reports, subtree, unit_ids, unit_of,
                                 fte, cost, name_code, rng)
    children = np.arange(1, people)
    solid = pd.DataFrame({
        "source": _take(person_ids, parent[children]),
        "target": _take(person_ids, children),
        "line": _const("solid", len(children)),
    })[list(REPORTING_COLUMNS)]
    return people_frame, solid, cost


def _people_frame(archetype, person_ids, parent, depth, reports, subtree, unit_ids, unit_of, fte, cost, name_code, rng):
    """The people table of a generated org (the columns draw from ``rng`` in this order)."""
    people = len(parent)
    full_names = np.repeat(_GIVEN, len(_SURNAMES)) + " " + np.tile(_SURNAMES, len(_GIVEN))
    manager_id = pd.array(person_ids.take(pa.array(np.maximum(parent, 0))), dtype="string")
    manager_id[0] = pd.NA
    return pd.DataFrame({
        "person_id": pd.array(person_ids, dtype="string"),
        "manager_id": manager_id,
        "name": _take(full_names, name_code),
        "title": _titles(archetype, depth, reports, subtree, rng),
        "unit": _take(unit_ids, unit_of),
        "level": _take([str(d + 1) for d in range(int(depth.max()) + 1)], depth),
        "location": _take(_LOCATIONS, rng.choice(len(_LOCATIONS), size=people, p=_LOCATION_WEIGHTS)),
        "fte": fte.astype(float),
        "cost": cost.astype(float),
        "kind": _const("person", people),
        "source_file": _const("people.csv", people),
        "source_row": np.arange(2, people + 2, dtype=np.int64),
        "gender": _gender(archetype, depth, reports, rng),
    })


def generate_org(people: int, archetype: str = "mixed", *, seed: int = 0,
                 flows_per_person: float | None = None) -> OrgModel:
    """A synthetic org of ``people`` people of the given archetype (module docstring).

    ``flows_per_person`` sets the number of flow rows (rows = people × it, at least one
    row per flow arc, spread over periods); by default every flow arc has four quarterly
    rows. Deterministic for a given ``seed``.

    >>> a, b = generate_org(200, "mutual", seed=3), generate_org(200, "mutual", seed=3)
    >>> a.people.equals(b.people) and a.flows.equals(b.flows)
    True
    """
    if archetype not in ARCHETYPES:
        raise UsageError(f"Unknown archetype {archetype!r}: choose power-over, mutual or mixed.")
    if int(people) != people or people < 1:
        raise UsageError(f"The number of people must be a whole number of at least 1, not {people!r}.")
    people = int(people)
    rng = np.random.default_rng([seed, ARCHETYPES.index(archetype)])

    parent, depth = _grow_tree(people, archetype, rng)
    reports = np.bincount(parent[1:], minlength=people) if people > 1 else np.zeros(1, dtype=np.int64)
    subtree = _bottom_up_sum(np.ones(people), parent, depth)
    person_ids = _ids("P", people)
    unit_of, units, unit_heads = _units(parent, depth, reports, archetype, subtree)
    unit_ids = pa.array(units["unit_id"].to_numpy(dtype=object), type=pa.string())

    # Mutual teams: every team in "mutual", about a quarter of the bottom teams in "mixed".
    leaf_team = (reports > 0) & (np.bincount(parent[1:], weights=(reports[1:] > 0), minlength=people) == 0) \
        if people > 1 else np.zeros(1, dtype=bool)
    mutual_team = np.zeros(people, dtype=bool)
    if archetype == "mutual":
        mutual_team = reports > 0
    elif archetype == "mixed":
        mutual_team = leaf_team & (rng.random(people) < _MUTUAL_TEAM_SHARE["mixed"])

    fte = np.where(rng.random(people) < 0.12, rng.choice([0.5, 0.6, 0.8], size=people), 1.0)
    people_frame, solid, cost = _people_and_solid_lines(archetype, person_ids, parent, depth, reports, subtree, unit_ids,
                                                        unit_of, fte, rng)
    dotted_source, dotted_target = _dotted_lines(archetype, parent, depth, reports, unit_of, rng)
    dotted = pd.DataFrame({
        "source": _take(person_ids, dotted_source),
        "target": _take(person_ids, dotted_target),
        "line": _const("dotted", len(dotted_source)),
    })
    reporting = pd.concat([solid, dotted], ignore_index=True)[list(REPORTING_COLUMNS)]

    team = _teams(parent, reports)
    flows = _flows(archetype, people, parent, depth, reports, cost, unit_of, unit_heads, units,
                   mutual_team, team, person_ids, unit_ids, flows_per_person, rng)
    decisions = _decisions(archetype, parent, depth, reports, mutual_team, team, person_ids, rng)
    relations = _relations(archetype, parent, reports, mutual_team, team, person_ids,
                           dotted_source, dotted_target, rng)
    return OrgModel(people=people_frame, reporting=reporting, flows=flows, decisions=decisions,
                    relations=relations, units=units)


def _dotted_lines(archetype, parent, depth, reports, unit_of, rng):
    """Mixed only: a share of people also answer to a manager one layer up in another unit."""
    if archetype != "mixed" or len(parent) < 3:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    candidates = np.flatnonzero((depth >= 2) & (rng.random(len(parent)) < _DOTTED_SHARE))
    managers = np.flatnonzero(reports > 0)
    by_depth = {d: managers[depth[managers] == d] for d in np.unique(depth[managers])}
    chosen = np.full(len(candidates), -1, dtype=np.int64)
    for d, pool in by_depth.items():
        here = np.flatnonzero(depth[candidates] == d + 1)
        if len(here) and len(pool) > 1:
            chosen[here] = pool[rng.integers(0, len(pool), size=len(here))]
    keep = (chosen >= 0) & (chosen != parent[candidates]) & (unit_of[np.maximum(chosen, 0)] != unit_of[candidates])
    return chosen[keep], candidates[keep]


def _flows(archetype, people, parent, depth, reports, cost, unit_of, unit_heads, units,
           mutual_team, team, person_ids, unit_ids, flows_per_person, rng) -> pd.DataFrame:
    parent_unit = pd.Index(units["unit_id"]).get_indexer(units["parent_unit"].fillna("").to_numpy(dtype=object))
    unit_cost = np.bincount(unit_of, weights=cost, minlength=len(unit_heads))
    unit_total = _bottom_up_sum(unit_cost, parent_unit, _unit_depths(parent_unit))  # with units below
    person_budget = _bottom_up_sum(cost, parent, depth)

    # Flow ends are node codes: people 0..n-1, then units n..n+u-1.
    unit_node = people + np.arange(len(unit_ids))
    ends: list[tuple[np.ndarray, np.ndarray, np.ndarray, str]] = []  # (source, target, amount, kind)
    units_with_parent = np.flatnonzero(parent_unit >= 0)
    managers_below = np.flatnonzero((parent >= 0) & (reports > 0))
    member, team_of, position, size, start = team

    if archetype == "power-over":
        # Concentrated: head office alone funds every unit directly (its own cost).
        ends.append((np.full(len(units_with_parent), unit_node[0]), unit_node[units_with_parent],
                     unit_cost[units_with_parent], "budget"))
    if archetype == "mixed":
        # Cascaded: each parent unit funds its units (with the units below them).
        ends.append((unit_node[parent_unit[units_with_parent]], unit_node[units_with_parent],
                     unit_total[units_with_parent], "budget"))
    if archetype in ("power-over", "mixed"):
        # Top-down, one way: managers pass budget to the managers below them and hand
        # out the bonus pool to their managed reports.
        ends.append((parent[managers_below], managers_below, person_budget[managers_below] * 0.1, "budget"))
        managed = np.flatnonzero((parent >= 0) & ~mutual_team[np.maximum(parent, 0)])
        ends.append((parent[managed], managed, cost[managed] * 0.08, "bonus"))
    if archetype == "mixed":
        # Chargebacks: a third of units return part of their budget to their parent unit.
        back = units_with_parent[rng.random(len(units_with_parent)) < 0.33]
        ends.append((unit_node[back], unit_node[parent_unit[back]], unit_total[back] * 0.2, "chargeback"))
    if archetype in ("mutual", "mixed"):
        # Peers in mutual teams fund each other's work, and the money comes back.
        source, target = _ring(member, position, size, start, 1, mutual_team[team_of])
        amount = rng.lognormal(7.5, 0.5, size=len(source))
        ends.append((source, target, amount, "shared budget"))
        ends.append((target, source, amount * rng.uniform(0.8, 1.2, len(amount)), "shared budget"))
    if archetype == "mutual":
        # Units pool into their parent and get it back; sibling units trade services in a ring.
        ends.append((unit_node[units_with_parent], unit_node[parent_unit[units_with_parent]],
                     unit_total[units_with_parent] * 0.3, "contribution"))
        ends.append((unit_node[parent_unit[units_with_parent]], unit_node[units_with_parent],
                     unit_total[units_with_parent] * 0.3 * rng.uniform(0.85, 1.15, len(units_with_parent)),
                     "allocation"))
        siblings = units_with_parent[np.argsort(parent_unit[units_with_parent], kind="stable")]
        if len(siblings):
            up = parent_unit[siblings]
            first = np.r_[True, up[1:] != up[:-1]]
            group_start = np.maximum.accumulate(np.where(first, np.arange(len(up)), 0))
            group_size = np.bincount(up, minlength=len(unit_ids))[up]
            nxt = siblings[group_start + (np.arange(len(up)) - group_start + 1) % group_size]
            ring = group_size > 2
            ends.append((unit_node[siblings[ring]], unit_node[nxt[ring]], unit_total[siblings[ring]] * 0.05,
                         "internal service"))

    ends = [e for e in ends if len(e[0])]
    if not ends:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in FLOW_COLUMNS})
    sources = np.concatenate([e[0] for e in ends])
    targets = np.concatenate([e[1] for e in ends])
    amounts = np.concatenate([e[2] for e in ends]).astype(float)
    kind_names = sorted({e[3] for e in ends})
    kinds = np.concatenate([np.full(len(e[0]), kind_names.index(e[3])) for e in ends])
    arcs = len(sources)
    rows = arcs * _PERIODS_DEFAULT if flows_per_person is None else max(arcs, round(people * flows_per_person))
    passes = math.ceil(rows / arcs)
    arc = np.arange(rows) % arcs
    amount = np.round(amounts[arc] / passes * rng.lognormal(0.0, 0.1, size=rows), 2)
    nodes = pa.concat_arrays([person_ids, unit_ids])
    return pd.DataFrame({
        "source": _take(nodes, sources[arc]),
        "target": _take(nodes, targets[arc]),
        "amount": np.maximum(amount, 0.01),
        "kind": _take(kind_names, kinds[arc]),
        "period": _take(_period_labels(passes), np.arange(rows) // arcs),
        "currency": _const("EUR", rows),
        "source_file": _const("flows.csv", rows),
        "source_row": np.arange(2, rows + 2, dtype=np.int64),
    })[list(FLOW_COLUMNS)]


def _unit_depths(parent_unit: np.ndarray) -> np.ndarray:
    depth = np.zeros(len(parent_unit), dtype=np.int64)
    has_parent = np.flatnonzero(parent_unit >= 0)
    for _ in range(len(parent_unit) + 1):
        new = np.zeros_like(depth)
        new[has_parent] = depth[parent_unit[has_parent]] + 1
        if np.array_equal(new, depth):
            break
        depth = new
    return depth


def _period_labels(passes: int) -> np.ndarray:
    if passes <= 4:
        labels = [f"2026-Q{k + 1}" for k in range(passes)]
    elif passes <= 12:
        labels = [f"2026-{k + 1:02d}" for k in range(passes)]
    else:
        labels = [f"2026-W{k + 1:03d}" for k in range(passes)]
    return np.array(labels, dtype=object)


def _decisions(archetype, parent, depth, reports, mutual_team, team, person_ids, rng) -> pd.DataFrame:
    """Long RACI rows. Managed teams: the manager alone is accountable over each report
    (the first decision of each team is also approved above: by the chief executive in
    ``power-over``, by the manager's manager in ``mixed``, where one report is consulted). Mutual teams: one accountable member who rotates, the next two agree,
    the rest consulted; each row names its actor as bound (``affects``)."""
    member, team_of, position, size, start = team
    per_team = 3 if archetype == "mutual" else 2
    parts = []  # (decision number, actor, role, affects)
    managed_rows = ~mutual_team[team_of] & (position > 0)  # one row per report of a managed team
    mutual_rows = mutual_team[team_of]
    team_number = np.full(len(parent), -1, dtype=np.int64)
    managers = np.flatnonzero(reports > 0)
    team_number[managers] = np.arange(len(managers))
    for k in range(per_team):
        decision = team_number[team_of] * per_team + k
        # managed: manager accountable over each report
        rows = managed_rows
        parts.append((decision[rows], team_of[rows], "accountable", member[rows]))
        if k == 0:
            # escalation, binding the manager: in power-over the chief executive signs off
            # every team's first decision; in mixed the manager's own manager does
            up = np.flatnonzero((position == 1) & ~mutual_team[team_of] & (parent[team_of] >= 0))
            approver = np.zeros(len(up), dtype=np.int64) if archetype == "power-over" else parent[team_of[up]]
            parts.append((decision[up], approver, "approve", team_of[up]))
        if archetype == "mixed":
            consulted = np.flatnonzero(~mutual_team[team_of] & (position == 1 + k) & (size > 1 + k))
            parts.append((decision[consulted], member[consulted], "consulted", member[consulted]))
        # mutual: rotating accountability
        rows = np.flatnonzero(mutual_rows)
        rotation = (position[rows] - (team_number[team_of[rows]] + k)) % size[rows]
        role = np.where(rotation == 0, _ROLE["accountable"], np.where(rotation <= 2, _ROLE["agree"], _ROLE["consulted"]))
        parts.append((decision[rows], member[rows], role, member[rows]))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in DECISION_COLUMNS})
    number = np.concatenate([p[0] for p in parts])
    actor = np.concatenate([p[1] for p in parts])
    role_names = list(DECISION_ROLES)
    role = np.concatenate([_role_codes(p[2], len(p[0])) for p in parts])
    affects = np.concatenate([p[3] for p in parts])
    order = np.lexsort((affects, number))
    number, actor, role, affects = number[order], actor[order], role[order], affects[order]
    domain = (number * 3 + int(rng.integers(0, len(_DOMAINS)))) % len(_DOMAINS)
    decision_ids = _ids("D", int(number.max()) + 1 if len(number) else 0)
    rows = len(number)
    return pd.DataFrame({
        "decision": _take(decision_ids, number),
        "actor": _take(person_ids, actor),
        "role": _take(role_names, role),
        "domain": _take(_DOMAINS, domain),
        "affects": _take(person_ids, affects),
        "source_file": _const("decisions.csv", rows),
        "source_row": np.arange(2, rows + 2, dtype=np.int64),
    })[list(DECISION_COLUMNS)]


_ROLE = {role: code for code, role in enumerate(DECISION_ROLES)}


def _role_codes(role, count: int) -> np.ndarray:
    """A role name (same for every row) or an array of role codes, as codes."""
    if isinstance(role, str):
        return np.full(count, _ROLE[role], dtype=np.int64)
    return np.asarray(role, dtype=np.int64)


def _relations(archetype, parent, reports, mutual_team, team, person_ids, dotted_source, dotted_target,
               rng) -> pd.DataFrame:
    member, team_of, position, size, start = team
    parts = []  # (source, target, relation, weight)
    children = np.arange(1, len(parent))
    if archetype in ("power-over", "mixed"):
        managed = children[~mutual_team[parent[children]]]
        parts.append((parent[managed], managed, "advice", rng.integers(1, 4, len(managed))))
        skip = managed[(parent[parent[managed]] >= 0) & (rng.random(len(managed)) < 0.3)]
        parts.append((parent[parent[skip]], skip, "advice", np.ones(len(skip), dtype=np.int64)))
    if archetype in ("mutual", "mixed"):
        in_mutual = mutual_team[team_of]
        for step in (1, 2):
            source, target = _ring(member, position, size, start, step, in_mutual)
            weight = rng.integers(1, 6, len(source))
            parts.append((source, target, "collaboration", weight))
            parts.append((target, source, "collaboration", np.maximum(1, weight + rng.integers(-1, 2, len(weight)))))
    if archetype == "mixed":
        # peer collaboration in managed teams is often one-sided
        source, target = _ring(member, position, size, start, 1, ~mutual_team[team_of] & (position > 0))
        one_way = rng.random(len(source)) < 0.5
        parts.append((source[one_way], target[one_way], "collaboration", np.ones(int(one_way.sum()), dtype=np.int64)))
        parts.append((dotted_source, dotted_target, "dotted", np.ones(len(dotted_source), dtype=np.int64)))
    source = np.concatenate([p[0] for p in parts])
    target = np.concatenate([p[1] for p in parts])
    relation_names = sorted({p[2] for p in parts})
    relation = np.concatenate([np.full(len(p[0]), relation_names.index(p[2])) for p in parts])
    weight = np.concatenate([p[3] for p in parts]).astype(float)
    rows = len(source)
    return pd.DataFrame({
        "source": _take(person_ids, source),
        "target": _take(person_ids, target),
        "relation": _take(relation_names, relation),
        "weight": weight,
        "source_file": _const("relations.csv", rows),
        "source_row": np.arange(2, rows + 2, dtype=np.int64),
    })[list(RELATION_COLUMNS)]


# --------------------------------------------------------------------------- writing

# Normalised roles back to the codes people write in a RACI/RAPID sheet (docs/input-formats.md).
ROLE_CODES = {
    "accountable": "A", "responsible": "R", "consulted": "C", "informed": "I",
    "agree": "Agree", "recommend": "Recommend", "approve": "approve", "veto": "veto",
}
_BUNDLE_COLUMNS = {
    "people": [c for c in PEOPLE_COLUMNS if c not in ("source_file", "source_row")],
    "flows": [c for c in FLOW_COLUMNS if c not in ("source_file", "source_row")],
    "decisions": [c for c in DECISION_COLUMNS if c not in ("source_file", "source_row")],
    "relations": [c for c in RELATION_COLUMNS if c not in ("source_file", "source_row")],
    "units": list(UNIT_COLUMNS),
}


def bundle_tables(model: OrgModel) -> dict[str, pd.DataFrame]:
    """The tables of the native bundle (docs/input-formats.md), in file order: people (with
    every extra attribute), flows, decisions (roles as RACI/RAPID codes), relations
    (dotted lines as ``dotted`` relations), units (id, name, parent unit). Empty tables
    other than people are left out."""
    people = model.people
    extra = [c for c in people.columns if c not in PEOPLE_COLUMNS]
    tables = {"people": people[_BUNDLE_COLUMNS["people"] + extra]}
    if not model.flows.empty:
        tables["flows"] = model.flows[_BUNDLE_COLUMNS["flows"]]
    if not model.decisions.empty:
        decisions = model.decisions[_BUNDLE_COLUMNS["decisions"]].copy()
        decisions["role"] = decisions["role"].map(lambda r: ROLE_CODES.get(r, r)).astype("string")
        tables["decisions"] = decisions
    relations = model.relations[_BUNDLE_COLUMNS["relations"]]
    dotted = model.reporting[model.reporting["line"] == "dotted"]
    if not dotted.empty and not (relations["relation"] == "dotted").any():
        relations = pd.concat([relations, pd.DataFrame({
            "source": dotted["source"], "target": dotted["target"],
            "relation": pd.array(["dotted"] * len(dotted), dtype="string"), "weight": 1.0,
        })], ignore_index=True)
    if not relations.empty:
        tables["relations"] = relations
    if not model.units.empty:  # the unit hierarchy (parent_unit) survives a write and read-back
        tables["units"] = model.units[_BUNDLE_COLUMNS["units"]]
    return tables


def write_bundle(model: OrgModel, out_dir: Path | str, file_format: str = "csv") -> list[Path]:
    """Write ``model`` as a native bundle (``people``, ``flows``, ``decisions``,
    ``relations``, ``units`` as CSV or Parquet) into ``out_dir`` and return the paths written.

    Refuses to overwrite: if any of the files already exists, nothing is written and a
    :class:`~orgpower.errors.UsageError` says which file is in the way.
    """
    if file_format not in BUNDLE_FORMATS:
        raise UsageError(f"Unknown bundle format {file_format!r}: choose csv or parquet.")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is a file, not a folder: choose another --out folder.")
    tables = bundle_tables(model)
    paths = {kind: out_dir / f"{kind}.{file_format}" for kind in tables}
    in_the_way = [p for p in (out_dir / f"{k}.{e}" for k in _BUNDLE_COLUMNS for e in BUNDLE_FORMATS) if p.exists()]
    if in_the_way:
        raise UsageError(
            f"{in_the_way[0]} already exists and would be overwritten: choose an empty --out folder or remove it."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, frame in tables.items():
        _write_table(frame, paths[kind], file_format)
        written.append(paths[kind])
    return written


def _write_table(frame: pd.DataFrame, path: Path, file_format: str) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if file_format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
        return
    import pyarrow.csv as pcsv

    # Arrow's writer is an order of magnitude faster than DataFrame.to_csv at a million rows.
    with open(path, "xb") as sink:  # "x": never overwrite, even in a race
        pcsv.write_csv(table, sink)


# --------------------------------------------------------------------------- benchmark shapes

SHAPES = ("tree-like", "cross-linked", "collaboration-dense")
_SPAN_MEAN = 6.0  # cross-linked spans: 1 + Poisson(6)
_RETURNED_SHARE = 0.2  # budget lines that also flow back up
_LATERAL_SHARE = 0.1  # lateral flows between random pairs, per person
_DECISIONS_PER_MANAGER = 3
_CONSULTED_SHARE = 0.3
_COLLABORATION_DEGREE = 20  # mean ties per person (in + out) of the collaboration layer
_ACROSS_UNITS = 0.1  # collaboration ties between units


def generate_shape(people: int, shape: str = "cross-linked", *, seed: int = 0) -> OrgModel:
    """A synthetic org of one of the three benchmark shapes (``SHAPES``).

    ``tree-like``
        the ``mixed`` archetype of :func:`generate_org`: reporting, flows, decisions and
        relations mostly follow the tree.
    ``cross-linked``
        the shape of a real org whose layers cross the tree: every manager has a span of
        1 + Poisson(6) (filled breadth-first); budget flows down every reporting line and
        20% of the lines return part of it; lateral flows join random pairs of people (as
        many as 10% of the people); each manager takes three decisions binding their team
        (accountable, one row per report) and each report is consulted with probability 0.3.
    ``collaboration-dense``
        cross-linked plus a ``collaboration`` relation of mean degree 20 (in + out, ten
        arcs per person): ties join a person to someone of their own unit (90%) or to
        anyone (10%), and a third of them are returned.

    Deterministic for a ``seed``.

    >>> model = generate_shape(100, "cross-linked", seed=2)
    >>> len(model.people), int(model.reporting["line"].eq("solid").sum())
    (100, 99)
    """
    if shape not in SHAPES:
        raise UsageError(f"Unknown shape {shape!r}: choose {', '.join(SHAPES)}.")
    if int(people) != people or people < 2:
        raise UsageError(f"The number of people must be a whole number of at least 2, not {people!r}.")
    if shape == "tree-like":
        return generate_org(people, "mixed", seed=seed)
    people = int(people)
    rng = np.random.default_rng([seed, 100 + SHAPES.index(shape)])

    # breadth-first tree: person i manages the next 1 + Poisson(6) people not yet placed
    spans = 1 + rng.poisson(_SPAN_MEAN, size=people)
    first_report = 1 + np.concatenate([[0], np.cumsum(spans)[:-1]])
    parent = np.full(people, -1, dtype=np.int64)
    parent[1:] = np.searchsorted(first_report, np.arange(1, people), side="right") - 1
    depth = _depths(parent)
    reports = np.bincount(parent[1:], minlength=people)
    subtree = _bottom_up_sum(np.ones(people), parent, depth)
    person_ids = _ids("P", people)
    unit_of, units, _ = _units(parent, depth, reports, "mixed", subtree)

    fte = np.where(rng.random(people) < 0.12, 0.8, 1.0)
    unit_ids = pa.array(units["unit_id"].to_numpy(dtype=object), type=pa.string())
    people_frame, reporting, cost = _people_and_solid_lines("mixed", person_ids, parent, depth, reports, subtree,
                                                            unit_ids, unit_of, fte, rng)
    children = np.arange(1, people)

    # flows: down every reporting line, 20% returned, lateral pairs
    budget = _bottom_up_sum(cost, parent, depth)[children] * 0.1
    returned = children[rng.random(len(children)) < _RETURNED_SHARE]
    lateral = max(1, round(people * _LATERAL_SHARE))
    lateral_source = rng.integers(0, people, lateral)
    lateral_target = (lateral_source + rng.integers(1, people, lateral)) % people  # never the same person
    flow_source = np.concatenate([parent[children], returned, lateral_source])
    flow_target = np.concatenate([children, parent[returned], lateral_target])
    amount = np.concatenate([budget, cost[returned] * 0.05, rng.lognormal(8.0, 1.0, lateral)])
    kind = np.concatenate([np.zeros(len(children)), np.ones(len(returned)), np.full(lateral, 2)]).astype(np.int64)
    rows = len(flow_source)
    flows = pd.DataFrame({
        "source": _take(person_ids, flow_source),
        "target": _take(person_ids, flow_target),
        "amount": np.maximum(np.round(amount, 2), 0.01),
        "kind": _take(["budget", "return", "lateral"], kind),
        "period": _const("2026", rows),
        "currency": _const("EUR", rows),
        "source_file": _const("flows.csv", rows),
        "source_row": np.arange(2, rows + 2, dtype=np.int64),
    })[list(FLOW_COLUMNS)]

    # decisions: three per manager, accountable over each report, 30% of reports consulted
    managers = np.flatnonzero(reports > 0)
    team_number = np.full(people, -1, dtype=np.int64)
    team_number[managers] = np.arange(len(managers))
    numbers, actors, roles, affects = [], [], [], []
    for k in range(_DECISIONS_PER_MANAGER):
        decision = team_number[parent[children]] * _DECISIONS_PER_MANAGER + k
        numbers.append(decision), actors.append(parent[children]), affects.append(children)
        roles.append(np.full(len(children), _ROLE["accountable"]))
        asked = children[rng.random(len(children)) < _CONSULTED_SHARE]
        numbers.append(team_number[parent[asked]] * _DECISIONS_PER_MANAGER + k)
        actors.append(asked), affects.append(asked), roles.append(np.full(len(asked), _ROLE["consulted"]))
    number, actor, role, affected = (np.concatenate(x) for x in (numbers, actors, roles, affects))
    order = np.lexsort((affected, number))
    number, actor, role, affected = number[order], actor[order], role[order], affected[order]
    rows = len(number)
    decisions = pd.DataFrame({
        "decision": _take(_ids("D", int(number.max()) + 1), number),
        "actor": _take(person_ids, actor),
        "role": _take(list(DECISION_ROLES), role),
        "domain": _take(_DOMAINS, number % len(_DOMAINS)),
        "affects": _take(person_ids, affected),
        "source_file": _const("decisions.csv", rows),
        "source_row": np.arange(2, rows + 2, dtype=np.int64),
    })[list(DECISION_COLUMNS)]

    relations = pd.DataFrame({c: pd.Series(dtype="string") for c in RELATION_COLUMNS})
    if shape == "collaboration-dense":
        relations = _collaboration(unit_of, person_ids, rng)
    return OrgModel(people=people_frame, reporting=reporting, flows=flows, decisions=decisions,
                    relations=relations, units=units)


def _depths(parent: np.ndarray) -> np.ndarray:
    """Depth of each person of a breadth-first tree (parents come before their reports)."""
    depth = np.zeros(len(parent), dtype=np.int32)
    if len(parent) > 1:
        # parents precede children, so each layer is a contiguous range: one step per layer
        end = 1
        level = 0
        while end < len(parent):
            level += 1
            last = int(np.searchsorted(parent, end, side="left"))  # first person whose parent is beyond the layer
            depth[end:last] = level
            end = last
    return depth


def _collaboration(unit_of: np.ndarray, person_ids, rng) -> pd.DataFrame:
    """Ten arcs per person (mean degree 20): 90% of ties inside the unit, a third returned."""
    people = len(unit_of)
    # arcs = people * degree / 2 once a third of the ties is returned (each arc adds 2 to the sum of degrees)
    ties = round(people * _COLLABORATION_DEGREE / 2 * 3 / 4)
    by_unit = np.argsort(unit_of, kind="stable")
    unit_size = np.bincount(unit_of)
    unit_start = np.concatenate([[0], np.cumsum(unit_size)[:-1]])
    rank = np.empty(people, dtype=np.int64)
    rank[by_unit] = np.arange(people) - unit_start[unit_of[by_unit]]  # place inside the own unit
    source = rng.integers(0, people, ties)
    own = unit_of[source]
    inside = (rng.random(ties) >= _ACROSS_UNITS) & (unit_size[own] > 1)
    # a colleague other than oneself: one of the size - 1 others of the unit
    other = (rng.random(ties) * (unit_size[own] - 1)).astype(np.int64)
    other += other >= rank[source]
    anyone = (source + rng.integers(1, people, ties)) % people
    target = np.where(inside, by_unit[np.minimum(unit_start[own] + other, people - 1)], anyone)
    back = rng.random(len(source)) < 1 / 3
    source, target = np.concatenate([source, target[back]]), np.concatenate([target, source[back]])
    rows = len(source)
    return pd.DataFrame({
        "source": _take(person_ids, source),
        "target": _take(person_ids, target),
        "relation": _const("collaboration", rows),
        "weight": rng.integers(1, 6, rows).astype(float),
        "source_file": _const("relations.csv", rows),
        "source_row": np.arange(2, rows + 2, dtype=np.int64),
    })[list(RELATION_COLUMNS)]
