"""The decision-rights audit is computed column-wise (no Python call per row or per
decision, which cost 30 s at 1,000,000 people); these tests hold it to the row-by-row
form it replaced, kept here verbatim as the specification, on random RACI tables with
every awkward case: repeated rows, several holders of the say, one actor in several
roles, actors and ``affects`` that are unit ids, unknown ids, people without a unit, a
unit id that is also a person id, missing domains and ``affects``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgpower.model import DECIDING_ROLES, DECISION_ROLES, VOICE_ROLES
from orgpower.report.config import Thresholds
from orgpower.report.decisions import (
    SAY_OR_VOICE, _roles, audit_decisions, consulted_not_deciding, rights_by_person, single_points_of_veto,
    voiceless_units,
)


# ---- the row-by-row specification (the implementation before it was vectorised) ----

def _domains_spec(decisions):
    if "domain" not in decisions:
        return {}
    d = decisions[["decision", "domain"]].dropna().astype(str).drop_duplicates("decision")
    return dict(zip(d["decision"], d["domain"]))


def _unit_of_spec(people):
    if "unit" not in people:
        return {}
    p = people[["person_id", "unit"]].dropna()
    return dict(zip(p["person_id"].astype(str), p["unit"].astype(str)))


def rights_spec(decisions):
    columns = ["actor", *DECISION_ROLES, "deciding", "voice"]
    d = _roles(decisions)
    counts = d.groupby(["actor", "role"]).decision.nunique().unstack(fill_value=0)
    counts = counts.reindex(columns=list(DECISION_ROLES), fill_value=0)
    counts["deciding"] = d[d.role.isin(DECIDING_ROLES)].groupby("actor").decision.nunique()
    counts["voice"] = d[d.role.isin(VOICE_ROLES)].groupby("actor").decision.nunique()
    counts = counts.fillna(0).astype("int64").reset_index()
    return counts.sort_values(["deciding", "actor"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]


def single_points_spec(decisions):
    columns = ["decision", "domain", "actor", "role"]
    if decisions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    d = _roles(decisions)
    say = d[d.role.isin(DECIDING_ROLES)]
    holders = say.groupby("decision").actor.nunique()
    alone = say[say.decision.isin(holders[holders == 1].index)]
    roles = alone.groupby(["decision", "actor"]).role.agg(lambda r: "/".join(sorted(set(r)))).reset_index()
    roles["domain"] = roles["decision"].map(_domains_spec(decisions))
    return roles.sort_values(["decision"], kind="stable").reset_index(drop=True)[columns]


def voiceless_spec(decisions, people):
    columns = ["decision", "domain", "unit", "bound_people"]
    if decisions.empty or "affects" not in decisions:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    unit_of = _unit_of_spec(people)
    unit_ids = set(unit_of.values())
    affects = decisions[["decision", "affects"]].dropna().astype(str).drop_duplicates()
    bound_unit = affects["affects"].map(lambda a: a if a in unit_ids else unit_of.get(a))
    bound = pd.DataFrame({"decision": affects["decision"], "unit": bound_unit, "person": affects["affects"]}).dropna(subset=["unit"])
    if bound.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    bound_people = bound[bound.person != bound.unit].groupby(["decision", "unit"]).person.nunique()
    unit_size = pd.Series(unit_of).value_counts()
    named = set(zip(bound.loc[bound.person == bound.unit, "decision"], bound.loc[bound.person == bound.unit, "unit"]))
    key = pd.MultiIndex.from_arrays([bound["decision"], bound["unit"]])
    people_bound = bound_people.reindex(key, fill_value=0).to_numpy()
    named_mask = np.fromiter(((dec, u) in named for dec, u in zip(bound.decision, bound.unit)), bool, len(bound))
    binds_unit = named_mask | (2 * people_bound >= bound["unit"].map(unit_size).fillna(0).to_numpy())
    bound = bound[binds_unit]
    if bound.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    d = _roles(decisions)
    voices = d[d.role.isin(SAY_OR_VOICE)]
    voice_units = voices["actor"].map(lambda a: a if a in unit_ids else unit_of.get(a))
    heard = set(zip(voices["decision"], voice_units))
    pairs = bound[["decision", "unit"]].drop_duplicates()
    silent = pairs[[(dec, u) not in heard for dec, u in zip(pairs.decision, pairs.unit)]].copy()
    if silent.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    silent["domain"] = silent["decision"].map(_domains_spec(decisions))
    silent["bound_people"] = [int(bound_people.get((dec, u), 0)) for dec, u in zip(silent.decision, silent.unit)]
    return silent.sort_values(["unit", "decision"], kind="stable").reset_index(drop=True)[columns]


def consulted_spec(decisions, people):
    columns = ["unit", "times_consulted", "people_consulted", "decisions_deciding"]
    if decisions.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    unit_of = _unit_of_spec(people)
    d = _roles(decisions)
    unit_ids = set(unit_of.values())
    d["unit"] = d["actor"].map(lambda a: unit_of.get(a, a if a in unit_ids else None))
    d = d.dropna(subset=["unit"])
    consulted = d[d.role.isin({"consulted", "recommend"})]
    deciding_units = set(d[d.role.isin(DECIDING_ROLES)]["unit"])
    table = consulted.groupby("unit").agg(
        times_consulted=("decision", "nunique"), people_consulted=("actor", "nunique")
    ).reset_index()
    table = table[~table["unit"].isin(deciding_units)].copy()
    table["decisions_deciding"] = 0
    return table.sort_values(["times_consulted", "unit"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]


# ---- random RACI tables ----

def _people(rng, text_dtype):
    ids = [f"p{i}" for i in range(40)] + ["U2", "q1"]  # U2: a person whose id is also a unit's id
    units = rng.choice(np.array(["U1", "U2", "U3", "U4", "U5", None], dtype=object), len(ids), p=[.25, .2, .2, .15, .1, .1])
    units[-1] = "U7"  # q1's unit: consulted, never deciding
    return pd.DataFrame({"person_id": pd.array(ids, dtype=text_dtype), "unit": pd.array(units, dtype=text_dtype)})


def _decisions(rng, rows, text_dtype, with_domain=True, with_affects=True):
    names = np.array([f"d{i:02d}" for i in range(25)], dtype=object)
    actors = np.array([f"p{i}" for i in range(40)] + ["U1", "U3", "U4", "ghost", "U2"], dtype=object)
    affects = np.array([f"p{i}" for i in range(40)] + ["U1", "U2", "U3", "U5", "nobody", None], dtype=object)
    table = {
        "decision": rng.choice(names, rows),
        "actor": rng.choice(actors, rows),
        "role": rng.choice(np.array([*DECISION_ROLES, "chair", None], dtype=object), rows),  # chair: not a role
    }
    if with_domain:
        table["domain"] = rng.choice(np.array(["budget", "hiring", None], dtype=object), rows)
    if with_affects:
        table["affects"] = rng.choice(affects, rows)
    # one holder of the say in several roles (joined "agree/approve" in the table)
    for decision, actor, role in (("dx", "p1", "accountable"), ("dx", "p1", "veto"), ("dx", "p1", "veto"),
                                  ("dy", "U1", "approve"), ("dy", "U1", "agree"), ("dy", "p2", "informed"),
                                  ("dy", "q1", "consulted"), ("dx", "q1", "recommend")):
        for key, value in (("decision", decision), ("actor", actor), ("role", role)):
            table[key] = np.append(table[key], value)
        for key in ("domain", "affects"):
            if key in table:
                table[key] = np.append(table[key], table[key][0])
    frame = pd.DataFrame({k: pd.array(v, dtype=text_dtype) for k, v in table.items()})
    return pd.concat([frame, frame.sample(frac=0.2, random_state=int(rng.integers(1 << 30)))], ignore_index=True)


CASES = [(seed, dtype) for seed in range(6) for dtype in ("str", object)]


@pytest.mark.parametrize("seed,text_dtype", CASES)
def test_rights_by_person_equal_the_row_by_row_specification(seed, text_dtype):
    rng = np.random.default_rng(seed)
    decisions = _decisions(rng, int(rng.integers(1, 120)), text_dtype)
    pd.testing.assert_frame_equal(rights_by_person(decisions), rights_spec(decisions))


@pytest.mark.parametrize("seed,text_dtype", CASES)
def test_single_points_of_veto_equal_the_row_by_row_specification(seed, text_dtype):
    rng = np.random.default_rng(seed)
    decisions = _decisions(rng, int(rng.integers(1, 120)), text_dtype, with_domain=seed % 5 != 0)
    pd.testing.assert_frame_equal(single_points_of_veto(decisions), single_points_spec(decisions))


@pytest.mark.parametrize("seed,text_dtype", CASES)
def test_voiceless_units_equal_the_row_by_row_specification(seed, text_dtype):
    rng = np.random.default_rng(seed)
    decisions = _decisions(rng, int(rng.integers(1, 120)), text_dtype, with_domain=seed % 5 != 0)
    people = _people(rng, text_dtype)
    pd.testing.assert_frame_equal(voiceless_units(decisions, people), voiceless_spec(decisions, people))


@pytest.mark.parametrize("seed,text_dtype", CASES)
def test_consulted_not_deciding_equals_the_row_by_row_specification(seed, text_dtype):
    rng = np.random.default_rng(seed)
    decisions = _decisions(rng, int(rng.integers(1, 120)), text_dtype)
    people = _people(rng, text_dtype)
    pd.testing.assert_frame_equal(consulted_not_deciding(decisions, people), consulted_spec(decisions, people))


def test_the_vectorised_audit_handles_people_without_a_unit_column_and_decisions_without_affects():
    rng = np.random.default_rng(3)
    decisions = _decisions(rng, 80, "str", with_affects=False)
    people = _people(rng, "str")[["person_id"]]
    pd.testing.assert_frame_equal(voiceless_units(decisions, people), voiceless_spec(decisions, people))
    pd.testing.assert_frame_equal(consulted_not_deciding(decisions, people), consulted_spec(decisions, people))
    audit = audit_decisions(decisions, people, Thresholds())
    assert audit.summary["single_points_of_veto"] == single_points_spec(decisions)["decision"].nunique()


def test_the_random_tables_reach_every_branch():
    # the comparison above means something only if the tables produce the findings
    found = {"single": 0, "shared_role": 0, "voiceless": 0, "consulted": 0}
    for seed, dtype in CASES:
        rng = np.random.default_rng(seed)
        decisions = _decisions(rng, int(rng.integers(1, 120)), dtype, with_domain=seed % 5 != 0)
        people = _people(rng, dtype)
        single = single_points_spec(decisions)
        found["single"] += len(single)
        found["shared_role"] += int(single["role"].str.contains("/").sum()) if len(single) else 0
        found["voiceless"] += len(voiceless_spec(decisions, people))
        found["consulted"] += len(consulted_spec(decisions, people))
    assert all(found.values()), found


@pytest.mark.parametrize("text_dtype", ["str", object])
def test_the_vectorised_audit_keeps_the_column_types_of_empty_findings(text_dtype):
    people = pd.DataFrame({"person_id": pd.array(["a", "b"], dtype=text_dtype), "unit": pd.array(["U", None], dtype=text_dtype)})
    for actor, role in ((None, "veto"), ("b", "consulted"), ("a", "consulted")):
        decisions = pd.DataFrame({column: pd.array([value], dtype=text_dtype) for column, value in
                                  (("decision", "d"), ("actor", actor), ("role", role), ("affects", "a"))})
        pd.testing.assert_frame_equal(consulted_not_deciding(decisions, people), consulted_spec(decisions, people))
        pd.testing.assert_frame_equal(single_points_of_veto(decisions), single_points_spec(decisions))
        pd.testing.assert_frame_equal(rights_by_person(decisions), rights_spec(decisions))
        pd.testing.assert_frame_equal(voiceless_units(decisions, people), voiceless_spec(decisions, people))
