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


def rights_by_person(decisions: pd.DataFrame) -> pd.DataFrame:
    """Distinct decisions per actor and role, with ``deciding`` and ``voice`` totals."""
    columns = ["actor", *DECISION_ROLES, "deciding", "voice"]
    if decisions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "actor" else "int64") for c in columns})
    d = _roles(decisions)
    counts = d.groupby(["actor", "role"]).decision.nunique().unstack(fill_value=0)
    counts = counts.reindex(columns=list(DECISION_ROLES), fill_value=0)
    counts["deciding"] = d[d.role.isin(DECIDING_ROLES)].groupby("actor").decision.nunique()
    counts["voice"] = d[d.role.isin(VOICE_ROLES)].groupby("actor").decision.nunique()
    counts = counts.fillna(0).astype("int64").reset_index()
    return counts.sort_values(["deciding", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]


def bottleneck_approvers(rights: pd.DataFrame, n_decisions: int, thresholds: Thresholds) -> pd.DataFrame:
    """Actors holding the say on at least ``bottleneck_share`` of all decisions."""
    if rights.empty or n_decisions == 0:
        return pd.DataFrame({"actor": pd.Series(dtype="object"), "deciding": pd.Series(dtype="int64"), "share": pd.Series(dtype="float64")})
    table = rights[["actor", "deciding"]].copy()
    table["share"] = table["deciding"] / n_decisions
    keep = (table["share"] >= thresholds.bottleneck_share) & (table["deciding"] >= thresholds.bottleneck_min_decisions)
    return table[keep].reset_index(drop=True)


def single_points_of_veto(decisions: pd.DataFrame) -> pd.DataFrame:
    """Decisions that exactly one actor can make or stop (one holder of the say)."""
    columns = ["decision", "domain", "actor", "role"]
    if decisions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    d = _roles(decisions)
    say = d[d.role.isin(DECIDING_ROLES)]
    holders = say.groupby("decision").actor.nunique()
    alone = say[say.decision.isin(holders[holders == 1].index)]
    roles = _group_roles_joined(alone, ["decision", "actor"]).rename("role").reset_index()
    domains = _domains(decisions)
    roles["domain"] = roles["decision"].map(domains)
    return roles.sort_values(["decision"], kind="stable").reset_index(drop=True)[columns]


def _joined_roles(roles: pd.Series) -> str:  # the specification of the grouped form below
    return "/".join(sorted(set(roles)))


def _group_roles_joined(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """``frame.groupby(keys).role.agg(_joined_roles)`` without a Python call per group:
    each group's distinct roles as a bit set (a handful of role names), then one string
    per distinct set."""
    names = np.array(sorted(set(frame["role"])), dtype=object)
    codes = np.searchsorted(names, frame["role"].to_numpy(dtype=object))
    flags = pd.Series(np.left_shift(np.int64(1), codes.astype(np.int64)), index=frame.index)
    # a role repeated within a group must count once: keep one row per (group, role)
    distinct = ~frame.duplicated([*keys, "role"])
    sets = flags[distinct].groupby([frame.loc[distinct, k] for k in keys]).sum()
    text = {int(s): "/".join(names[[bool(s >> i & 1) for i in range(len(names))]]) for s in np.unique(sets.to_numpy())}
    return sets.map(text).astype(frame["role"].dtype)


def _domains(decisions: pd.DataFrame) -> pd.Series:
    """decision -> its domain (the first row naming one), for ``Series.map``."""
    if "domain" not in decisions:
        return pd.Series(dtype=object)
    d = decisions[["decision", "domain"]].dropna().astype(str).drop_duplicates("decision")
    return pd.Series(d["domain"].to_numpy(), index=d["decision"].to_numpy())


def _unit_of(people: pd.DataFrame) -> pd.Series:
    """person id -> unit (text), for ``Series.map``; a repeated id keeps its last unit."""
    if "unit" not in people:
        return pd.Series(dtype=object)
    p = people[["person_id", "unit"]].dropna()
    p = p.astype({"person_id": str, "unit": str}).drop_duplicates("person_id", keep="last")
    return pd.Series(p["unit"].to_numpy(), index=p["person_id"].to_numpy())


def _unit_named(ids: pd.Series, unit_of: pd.Series, unit_ids: pd.Index, *, person_first: bool) -> pd.Series:
    """The unit each id stands for: the id itself when it is a unit's id, else the unit
    of the person it names (``person_first``: a person's unit wins when an id is both);
    missing when it is neither."""
    own = ids.where(ids.isin(unit_ids))
    members = ids.map(unit_of) if len(unit_of) else pd.Series(np.nan, index=ids.index, dtype=object)
    if person_first:
        return members.where(members.notna(), own)
    return own.where(own.notna(), members)


def voiceless_units(decisions: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Decisions binding a unit none of whose members has a voice or the say in them.

    A decision binds unit U when ``affects`` names U, or names at least half of U's
    members (one person bound is a decision about that person, not about the unit). A
    member has a voice when they hold any role other than ``informed`` in that decision;
    an actor that is the unit itself counts as the unit's voice.
    """
    columns = ["decision", "domain", "unit", "bound_people"]
    if decisions.empty or "affects" not in decisions:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    unit_of = _unit_of(people)
    unit_ids = pd.Index(unit_of.unique())
    affects = decisions[["decision", "affects"]].dropna().astype(str).drop_duplicates()
    bound_unit = _unit_named(affects["affects"], unit_of, unit_ids, person_first=False)
    bound = pd.DataFrame({"decision": affects["decision"], "unit": bound_unit, "person": affects["affects"]}).dropna(subset=["unit"])
    if bound.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    bound_people = (
        bound[bound.person != bound.unit].groupby(["decision", "unit"]).person.nunique()
    )
    unit_size = unit_of.value_counts()
    key = pd.MultiIndex.from_arrays([bound["decision"], bound["unit"]])
    people_bound = bound_people.reindex(key, fill_value=0).to_numpy()
    # the pair (decision, unit) is named when some row of it names the unit itself
    named_mask = (bound.person == bound.unit).groupby([bound["decision"], bound["unit"]]).transform("any").to_numpy(bool)
    binds_unit = named_mask | (2 * people_bound >= bound["unit"].map(unit_size).fillna(0).to_numpy())
    bound = bound[binds_unit]
    if bound.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    d = _roles(decisions)
    voices = d[d.role.isin(SAY_OR_VOICE)]
    voice_units = _unit_named(voices["actor"], unit_of, unit_ids, person_first=False)
    heard = pd.MultiIndex.from_arrays([voices["decision"], voice_units])
    pairs = bound[["decision", "unit"]].drop_duplicates()
    silent = pairs[~pd.MultiIndex.from_arrays([pairs["decision"], pairs["unit"]]).isin(heard)].copy()
    if silent.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    silent["domain"] = silent["decision"].map(_domains(decisions))
    silent_key = pd.MultiIndex.from_arrays([silent["decision"], silent["unit"]])
    silent["bound_people"] = bound_people.reindex(silent_key, fill_value=0).to_numpy(dtype="int64")
    return silent.sort_values(["unit", "decision"], kind="stable").reset_index(drop=True)[columns]


def consulted_not_deciding(decisions: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Units whose members are consulted or recommend, yet hold the say on nothing."""
    columns = ["unit", "times_consulted", "people_consulted", "decisions_deciding"]
    if decisions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    unit_of = _unit_of(people)
    d = _roles(decisions)
    unit_ids = pd.Index(unit_of.unique())
    d["unit"] = _unit_named(d["actor"], unit_of, unit_ids, person_first=True)
    d = d.dropna(subset=["unit"])
    consulted = d[d.role.isin({"consulted", "recommend"})]
    deciding_units = set(d[d.role.isin(DECIDING_ROLES)]["unit"])
    table = consulted.groupby("unit").agg(
        times_consulted=("decision", "nunique"), people_consulted=("actor", "nunique")
    ).reset_index()
    table = table[~table["unit"].isin(deciding_units)].copy()
    table["decisions_deciding"] = 0
    return table.sort_values(["times_consulted", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]


def audit_decisions(decisions: pd.DataFrame, people: pd.DataFrame, thresholds: Thresholds) -> DecisionAudit:
    """Run every check above; ``summary`` holds the counts and the concentration of the say."""
    rights = rights_by_person(decisions)
    n_decisions = int(decisions["decision"].nunique()) if not decisions.empty else 0
    person_ids = people["person_id"].astype(str)
    deciding = rights.set_index("actor")["deciding"] if not rights.empty else pd.Series(dtype="int64")
    # Concentration over every person (people without a say count as zero holders).
    per_person = deciding.reindex(person_ids, fill_value=0).to_numpy(dtype=float)
    audit = DecisionAudit(
        rights=rights,
        bottlenecks=bottleneck_approvers(rights, n_decisions, thresholds),
        single_points=single_points_of_veto(decisions),
        voiceless_units=voiceless_units(decisions, people),
        consulted_not_deciding=consulted_not_deciding(decisions, people),
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
