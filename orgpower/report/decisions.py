"""Decision-rights audit: who holds the say, who only has a voice, who has neither.

Reads ``model.decisions`` (one actor's role in one decision; ``affects`` = the ids a
decision binds) in the normalised roles of :data:`orgpower.model.DECISION_ROLES`.

- **rights by person**: distinct decisions per actor and role, plus ``deciding`` (any of
  accountable / approve / veto / agree: the say) and ``voice`` (consulted / recommend /
  agree / responsible);
- **bottleneck approvers**: actors holding the say on at least
  ``bottleneck_share`` of all decisions (and ``bottleneck_min_decisions``);
- **single points of veto**: decisions that exactly one actor can make or stop;
- **voiceless units**: a decision binds a unit (names it in ``affects``, or binds its
  members) and no member of that unit has any role in it with a voice or the say;
- **consulted, never deciding**: units whose members are consulted (or recommend) but
  hold the say on no decision.

>>> import pandas as pd
>>> d = pd.DataFrame({"decision": ["d1", "d1"], "actor": ["a", "b"], "role": ["accountable", "consulted"],
...                   "domain": ["budget", "budget"], "affects": ["u1", "u1"]})
>>> single_points_of_veto(d)["actor"].tolist()
['a']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from orgpower.metrics.concentration import gini, hhi
from orgpower.model import DECIDING_ROLES, DECISION_ROLES, VOICE_ROLES
from orgpower.report.config import Thresholds

SAY_OR_VOICE = DECIDING_ROLES | VOICE_ROLES


@dataclass
class DecisionAudit:
    """The tables of the decision-rights audit and a JSON-ready summary."""

    rights: pd.DataFrame
    bottlenecks: pd.DataFrame
    single_points: pd.DataFrame
    voiceless_units: pd.DataFrame
    consulted_not_deciding: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "decision_rights": self.rights,
            "decision_bottlenecks": self.bottlenecks,
            "decision_single_points": self.single_points,
            "decision_voiceless_units": self.voiceless_units,
            "decision_consulted_not_deciding": self.consulted_not_deciding,
        }


def _roles(decisions: pd.DataFrame) -> pd.DataFrame:
    d = decisions[["decision", "actor", "role"]].dropna(subset=["decision", "actor", "role"])
    return d.astype({"decision": str, "actor": str, "role": str}).drop_duplicates()


# --- the table as integer codes --------------------------------------------------------
# At a million people the table has millions of rows; every grouping below is done once
# on integer codes (one vocabulary for decision, person and unit ids) instead of again
# and again on text. The results are the same tables; tests/test_report_decisions_vectorised.py
# holds them to the row-by-row form.

_TEXT = pd.Series([], dtype=object).astype(str).dtype  # what astype(str) gives (pandas' text dtype)


def _as_text(column: pd.Series) -> pa.Array:
    """``column.astype(str)`` as Arrow text, null where the cell is missing."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        text = pa.array(column.array)  # the column's own Arrow data, no copy per cell
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        return text.cast(pa.large_string())
    if isinstance(column.dtype, pd.StringDtype):
        return pa.array(column.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    values = column.to_numpy(dtype=object)
    missing = pd.isna(values)
    text = np.array([None if gap else str(v) for v, gap in zip(values, missing)], dtype=object)
    return pa.array(text, type=pa.large_string())


@dataclass
class _Coded:
    """Codes of a decision table (and of the people's units) in one vocabulary of ids."""

    vocabulary: pa.Array  # code -> text
    decision: np.ndarray  # per row of the role table (see _roles): codes
    actor: np.ndarray
    role: np.ndarray  # index into role_names
    role_names: np.ndarray
    unit_of: np.ndarray  # per code: the unit code of the person it names, -1 if none
    is_unit: np.ndarray  # per code: True when it is a unit's id
    unit_size: np.ndarray  # per code: members of that unit
    affects_decision: np.ndarray  # distinct (decision, affects) pairs, in row order
    affects_id: np.ndarray

    def text(self, codes: np.ndarray) -> pd.Series:
        return pd.Series(self.vocabulary.take(pa.array(codes)).to_numpy(zero_copy_only=False), dtype=_TEXT)

    def role_mask(self, roles) -> np.ndarray:
        return np.isin(self.role, np.flatnonzero(np.isin(self.role_names, list(roles))))


def _first_rows(*codes: np.ndarray) -> np.ndarray:
    """Positions of the first row of each distinct combination of ``codes`` (all >= 0)."""
    key = codes[0].astype(np.int64)
    for more in codes[1:]:
        key = key * (int(more.max(initial=0)) + 1) + more
    return np.flatnonzero(~pd.Series(key).duplicated().to_numpy())


def _coded(decisions: pd.DataFrame, people: pd.DataFrame | None) -> _Coded:
    has_units = people is not None and "unit" in people
    texts = [_as_text(decisions["decision"]), _as_text(decisions["actor"])]
    if "affects" in decisions:
        texts.append(_as_text(decisions["affects"]))
    if has_units:
        texts += [_as_text(people["person_id"]), _as_text(people["unit"])]
    encoded = pc.dictionary_encode(pa.concat_arrays(texts))
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    size = len(encoded.dictionary)
    parts = np.split(codes, np.cumsum([len(x) for x in texts])[:-1])
    decision, actor = parts[0], parts[1]
    role_text = _as_text(decisions["role"])
    role_codes, role_names = pd.factorize(pd.Series(role_text.to_numpy(zero_copy_only=False), dtype=object))
    keep = (decision >= 0) & (actor >= 0) & (role_codes >= 0)
    rows = np.flatnonzero(keep)
    rows = rows[_first_rows(decision[rows], actor[rows], role_codes[rows])]  # drop_duplicates, first kept
    unit_of = np.full(size, -1, dtype=np.int64)
    is_unit = np.zeros(size, dtype=bool)
    unit_size = np.zeros(size, dtype=np.int64)
    if has_units:
        person, unit = parts[-2], parts[-1]
        known = np.flatnonzero((person >= 0) & (unit >= 0))
        last = known[::-1][_first_rows(person[known][::-1])]  # a repeated id keeps its last unit
        unit_of[person[last]] = unit[last]
        is_unit[unit[last]] = True
        unit_size = np.bincount(unit[last], minlength=size)
    affects_decision = affects_id = np.zeros(0, dtype=np.int64)
    if "affects" in decisions:
        affected = parts[2]
        pairs = np.flatnonzero((decision >= 0) & (affected >= 0))
        pairs = pairs[_first_rows(decision[pairs], affected[pairs])]
        affects_decision, affects_id = decision[pairs], affected[pairs]
    return _Coded(encoded.dictionary, decision[rows], actor[rows], role_codes[rows].astype(np.int64),
                  np.asarray(role_names, dtype=object), unit_of, is_unit, unit_size, affects_decision, affects_id)


def _distinct_count(group: np.ndarray, member: np.ndarray, size: int) -> np.ndarray:
    """Per group code: the number of distinct ``member`` codes among its rows."""
    if group.size == 0:
        return np.zeros(size, dtype=np.int64)
    first = _first_rows(group, member)
    return np.bincount(group[first], minlength=size)


def rights_by_person(decisions: pd.DataFrame, *, coded: _Coded | None = None) -> pd.DataFrame:
    """Distinct decisions per actor and role, with ``deciding`` and ``voice`` totals."""
    columns = ["actor", *DECISION_ROLES, "deciding", "voice"]
    if decisions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "actor" else "int64") for c in columns})
    c = coded or _coded(decisions, None)
    if c.actor.size == 0:  # no complete row: the grouped form's empty table
        d = _roles(decisions)
        counts = d.groupby(["actor", "role"]).decision.nunique().unstack(fill_value=0)
        counts = counts.reindex(columns=list(DECISION_ROLES), fill_value=0)
        counts["deciding"] = d[d.role.isin(DECIDING_ROLES)].groupby("actor").decision.nunique()
        counts["voice"] = d[d.role.isin(VOICE_ROLES)].groupby("actor").decision.nunique()
        counts = counts.fillna(0).astype("int64").reset_index()
        return counts.sort_values(["deciding", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]
    size = len(c.vocabulary)
    actors = np.flatnonzero(np.bincount(c.actor, minlength=size))
    table = {"actor": c.text(actors)}
    for role in DECISION_ROLES:  # the rows are distinct (decision, actor, role): one row, one decision
        table[role] = np.bincount(c.actor[c.role_mask({role})], minlength=size)[actors]
    for name, roles in (("deciding", DECIDING_ROLES), ("voice", VOICE_ROLES)):
        rows = c.role_mask(roles)
        table[name] = _distinct_count(c.actor[rows], c.decision[rows], size)[actors]
    counts = pd.DataFrame(table)
    counts.columns.name = "role"
    return counts.sort_values(["deciding", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]


def bottleneck_approvers(rights: pd.DataFrame, n_decisions: int, thresholds: Thresholds) -> pd.DataFrame:
    """Actors holding the say on at least ``bottleneck_share`` of all decisions."""
    if rights.empty or n_decisions == 0:
        return pd.DataFrame({"actor": pd.Series(dtype="object"), "deciding": pd.Series(dtype="int64"), "share": pd.Series(dtype="float64")})
    table = rights[["actor", "deciding"]].copy()
    table["share"] = table["deciding"] / n_decisions
    keep = (table["share"] >= thresholds.bottleneck_share) & (table["deciding"] >= thresholds.bottleneck_min_decisions)
    return table[keep].reset_index(drop=True)


def single_points_of_veto(decisions: pd.DataFrame, *, coded: _Coded | None = None) -> pd.DataFrame:
    """Decisions that exactly one actor can make or stop (one holder of the say)."""
    columns = ["decision", "domain", "actor", "role"]
    if decisions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    c = coded or _coded(decisions, None)
    say = c.role_mask(DECIDING_ROLES)
    decision, actor, role = c.decision[say], c.actor[say], c.role[say]
    size = len(c.vocabulary)
    holders = _distinct_count(decision, actor, size)
    alone = holders[decision] == 1
    decision, actor, role = decision[alone], actor[alone], role[alone]
    # one actor per such decision; its distinct roles (rows are distinct) as a bit set
    order = np.argsort(c.role_names.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    sets = np.zeros(size, dtype=np.int64)
    np.add.at(sets, decision, np.left_shift(np.int64(1), rank[role]))
    first = _first_rows(decision)
    names = c.role_names[order]
    joined = {int(s): "/".join(names[[bool(s >> i & 1) for i in range(len(names))]]) for s in np.unique(sets[decision[first]])}
    roles = pd.DataFrame({"decision": c.text(decision[first]), "actor": c.text(actor[first])})
    roles["role"] = pd.Series([joined[int(s)] for s in sets[decision[first]]], dtype=_TEXT)
    roles["domain"] = roles["decision"].map(_domains(decisions))
    return roles.sort_values(["decision"], kind="stable").reset_index(drop=True)[columns]


def _domains(decisions: pd.DataFrame) -> pd.Series:
    """decision -> its domain (the first row naming one), for ``Series.map``."""
    if "domain" not in decisions:
        return pd.Series(dtype=object)
    d = decisions[["decision", "domain"]].dropna().astype(str).drop_duplicates("decision")
    return pd.Series(d["domain"].to_numpy(), index=d["decision"].to_numpy())


def _unit_named(ids: np.ndarray, c: _Coded, *, person_first: bool) -> np.ndarray:
    """The unit code each id code stands for: the id itself when it is a unit's id, else
    the unit of the person it names (``person_first``: a person's unit wins when an id is
    both); -1 when neither."""
    own = np.where(c.is_unit[ids], ids, -1)
    members = c.unit_of[ids]
    if person_first:
        return np.where(members >= 0, members, own)
    return np.where(own >= 0, own, members)


def voiceless_units(decisions: pd.DataFrame, people: pd.DataFrame, *, coded: _Coded | None = None) -> pd.DataFrame:
    """Decisions binding a unit none of whose members has a voice or the say in them.

    A decision binds unit U when ``affects`` names U, or names at least half of U's
    members (one person bound is a decision about that person, not about the unit). A
    member has a voice when they hold any role other than ``informed`` in that decision;
    an actor that is the unit itself counts as the unit's voice.
    """
    columns = ["decision", "domain", "unit", "bound_people"]
    empty = pd.DataFrame({col: pd.Series(dtype="object") for col in columns})
    if decisions.empty or "affects" not in decisions:
        return empty
    c = coded or _coded(decisions, people)
    unit = _unit_named(c.affects_id, c, person_first=False)
    bound = unit >= 0
    decision, unit, person = c.affects_decision[bound], unit[bound], c.affects_id[bound]
    if decision.size == 0:
        return empty
    size = len(c.vocabulary)
    pair = decision * size + unit
    pairs, pair_index = np.unique(pair, return_inverse=True)
    # distinct people (not the unit itself) named per (decision, unit): the pairs are distinct
    bound_people = np.bincount(pair_index, weights=(person != unit), minlength=pairs.size).astype(np.int64)
    named = np.bincount(pair_index, weights=(person == unit), minlength=pairs.size) > 0
    pair_unit = pairs % size
    binds = named | (2 * bound_people >= c.unit_size[pair_unit])
    voice = c.role_mask(SAY_OR_VOICE)
    voice_unit = _unit_named(c.actor[voice], c, person_first=False)
    heard = c.decision[voice][voice_unit >= 0] * size + voice_unit[voice_unit >= 0]
    silent = binds & ~pd.Index(pairs).isin(heard)
    if not silent.any():
        return empty
    table = pd.DataFrame({"decision": c.text(pairs[silent] // size), "unit": c.text(pair_unit[silent])})
    table["domain"] = table["decision"].map(_domains(decisions))
    table["bound_people"] = bound_people[silent]
    return table.sort_values(["unit", "decision"], kind="stable").reset_index(drop=True)[columns]


def consulted_not_deciding(decisions: pd.DataFrame, people: pd.DataFrame, *, coded: _Coded | None = None) -> pd.DataFrame:
    """Units whose members are consulted or recommend, yet hold the say on nothing."""
    columns = ["unit", "times_consulted", "people_consulted", "decisions_deciding"]
    if decisions.empty:
        return pd.DataFrame({col: pd.Series(dtype="object") for col in columns})
    c = coded or _coded(decisions, people)
    unit = _unit_named(c.actor, c, person_first=True)
    size = len(c.vocabulary)
    consulted = c.role_mask({"consulted", "recommend"}) & (unit >= 0)
    deciding = np.zeros(size, dtype=bool)
    deciding[unit[c.role_mask(DECIDING_ROLES) & (unit >= 0)]] = True
    times = _distinct_count(unit[consulted], c.decision[consulted], size)
    people_count = _distinct_count(unit[consulted], c.actor[consulted], size)
    units = np.flatnonzero((times > 0) & ~deciding)
    # the row-by-row form's unit column was text unless no actor had a unit at all
    unit_text = c.text(units).astype(object if c.actor.size and not (unit >= 0).any() else _TEXT)
    table = pd.DataFrame({
        "unit": unit_text, "times_consulted": times[units], "people_consulted": people_count[units],
        "decisions_deciding": np.zeros(units.size, dtype=np.int64),
    })
    return table.sort_values(["times_consulted", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]


def audit_decisions(decisions: pd.DataFrame, people: pd.DataFrame, thresholds: Thresholds) -> DecisionAudit:
    """Run every check above; ``summary`` holds the counts and the concentration of the say."""
    coded = _coded(decisions, people) if not decisions.empty else None
    rights = rights_by_person(decisions, coded=coded)
    n_decisions = int(decisions["decision"].nunique()) if not decisions.empty else 0
    person_ids = people["person_id"].astype(str)
    deciding = rights.set_index("actor")["deciding"] if not rights.empty else pd.Series(dtype="int64")
    # Concentration over every person (people without a say count as zero holders).
    per_person = deciding.reindex(person_ids, fill_value=0).to_numpy(dtype=float)
    audit = DecisionAudit(
        rights=rights,
        bottlenecks=bottleneck_approvers(rights, n_decisions, thresholds),
        single_points=single_points_of_veto(decisions, coded=coded),
        voiceless_units=voiceless_units(decisions, people, coded=coded),
        consulted_not_deciding=consulted_not_deciding(decisions, people, coded=coded),
    )
    holders = int((per_person > 0).sum())
    audit.summary = {
        "decisions": n_decisions,
        "actors": int(len(rights)),
        "people_with_say": holders,
        "share_of_people_with_say": (holders / len(per_person)) if len(per_person) else None,
        "say_top_share": (float(deciding.max()) / n_decisions) if n_decisions and len(deciding) else None,
        "gini_deciding": gini(per_person) if len(per_person) else None,
        "hhi_deciding": hhi(per_person) if len(per_person) else None,
        "bottlenecks": int(len(audit.bottlenecks)),
        "single_points_of_veto": int(audit.single_points["decision"].nunique()) if not audit.single_points.empty else 0,
        "voiceless_unit_decisions": int(len(audit.voiceless_units)),
        "consulted_not_deciding_units": int(len(audit.consulted_not_deciding)),
    }
    return audit
