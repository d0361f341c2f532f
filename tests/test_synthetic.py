"""Synthetic orgs: deterministic, the right size, and structurally different by archetype.

Structural checks use networkx (an independent implementation) on the arcs the
generator produced: reciprocity (networkx ``reciprocity`` = sna ``grecip(edgewise)``),
flow hierarchy (Luo & Magee 2011, networkx ``flow_hierarchy``) and tree depth
(``dag_longest_path_length``), on the three axes of docs/readings.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgpower.cli import main
from orgpower.errors import UsageError
from orgpower.synthetic import ARCHETYPES, bundle_tables, generate_org, write_bundle
from orgpower.model import DECISION_ROLES

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def orgs():
    return {archetype: generate_org(600, archetype, seed=11) for archetype in ARCHETYPES}


def _digraph(frame: pd.DataFrame) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_edges_from(zip(frame["source"].astype(str), frame["target"].astype(str)))
    graph.remove_edges_from(nx.selfloop_edges(graph))
    return graph


def _solid(model) -> pd.DataFrame:
    return model.reporting[model.reporting["line"] == "solid"]


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_same_seed_gives_the_same_org(archetype):
    a, b = generate_org(300, archetype, seed=5), generate_org(300, archetype, seed=5)
    for table in ("people", "reporting", "flows", "decisions", "relations", "units"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))


def test_another_seed_gives_another_org():
    a, b = generate_org(300, "mixed", seed=1), generate_org(300, "mixed", seed=2)
    assert not a.people["manager_id"].equals(b.people["manager_id"])


@pytest.mark.parametrize("archetype", ARCHETYPES)
@pytest.mark.parametrize("people", [1, 2, 7, 50, 999])
def test_org_has_exactly_the_people_asked_for_in_one_tree(archetype, people):
    model = generate_org(people, archetype, seed=0)
    assert len(model.people) == people
    assert model.people["person_id"].is_unique
    solid = _solid(model)
    assert len(solid) == people - 1
    assert model.roots == ["P0000"]
    if people > 1:
        tree = _digraph(solid)
        assert nx.is_arborescence(tree)


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_people_carry_the_canonical_columns_and_a_group_attribute(orgs, archetype):
    people = orgs[archetype].people
    for column in ("person_id", "manager_id", "name", "title", "unit", "level", "location", "fte", "cost",
                   "kind", "source_file", "source_row", "gender"):
        assert column in people.columns
    assert (people["kind"] == "person").all()
    assert people["fte"].between(0.1, 1.0).all()
    assert (people["cost"] > 0).all()
    assert people[["name", "title", "unit", "level", "location", "gender"]].notna().all().all()


def test_gender_shares_are_realistic():
    shares = generate_org(3000, "mixed", seed=3).people["gender"].value_counts(normalize=True)
    assert 0.40 < shares["female"] < 0.55
    assert 0.40 < shares["male"] < 0.58
    assert shares.get("non-binary", 0) < 0.03


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_units_form_one_tree_that_every_person_belongs_to(orgs, archetype):
    model = orgs[archetype]
    units = model.units
    assert units["unit_id"].is_unique
    assert set(model.people["unit"]) <= set(units["unit_id"])
    assert units["parent_unit"].isna().sum() == 1
    tree = nx.DiGraph(list(zip(units["parent_unit"].dropna(), units.loc[units["parent_unit"].notna(), "unit_id"])))
    assert nx.is_arborescence(tree)


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_flow_and_decision_ends_name_people_or_units(orgs, archetype):
    model = orgs[archetype]
    known = set(model.people["person_id"]) | set(model.units["unit_id"])
    assert set(model.flows["source"]) | set(model.flows["target"]) <= known
    assert set(model.decisions["actor"]) | set(model.decisions["affects"]) <= set(model.people["person_id"])
    assert set(model.relations["source"]) | set(model.relations["target"]) <= set(model.people["person_id"])
    assert (model.flows["amount"] > 0).all()
    assert set(model.decisions["role"]) <= set(DECISION_ROLES)


def test_power_over_is_deeper_and_narrower_than_mixed_and_mutual(orgs):
    depth = {a: nx.dag_longest_path_length(_digraph(_solid(orgs[a]))) for a in ARCHETYPES}
    spans = {a: _solid(orgs[a]).groupby("source").size().mean() for a in ARCHETYPES}
    assert depth["power-over"] > depth["mixed"] > depth["mutual"]
    assert depth["mutual"] <= 3  # flat: convenor, coordinators, team members
    assert spans["power-over"] < spans["mixed"] < spans["mutual"]


def test_power_over_flows_run_one_way_down_and_mutual_flows_return(orgs):
    flows = {a: _digraph(orgs[a].flows) for a in ARCHETYPES}
    assert nx.is_directed_acyclic_graph(flows["power-over"])
    assert nx.reciprocity(flows["power-over"]) == 0
    assert nx.reciprocity(flows["mutual"]) > 0.9
    assert nx.flow_hierarchy(flows["mutual"]) < 0.1
    assert 0 < nx.reciprocity(flows["mixed"]) < nx.reciprocity(flows["mutual"])
    assert nx.flow_hierarchy(flows["mutual"]) < nx.flow_hierarchy(flows["mixed"]) < 1


def test_power_over_budget_is_concentrated_at_the_top(orgs):
    flows = orgs["power-over"].flows
    out_strength = flows.groupby("source")["amount"].sum().sort_values(ascending=False)
    assert out_strength.index[0] == "HQ"  # the head office hands out most of the money
    top_share = out_strength.iloc[: max(1, len(out_strength) // 10)].sum() / out_strength.sum()
    assert top_share > 0.5


def test_power_over_decisions_are_taken_alone_by_the_manager(orgs):
    model = orgs["power-over"]
    decisions = model.decisions
    assert set(decisions["role"]) == {"accountable", "approve"}
    manager_of = dict(zip(model.people["person_id"], model.people["manager_id"]))
    accountable = decisions[decisions["role"] == "accountable"]
    assert (accountable.groupby("decision")["actor"].nunique() == 1).all()
    assert all(manager_of[r.affects] == r.actor for r in accountable.itertuples())


def test_mutual_accountability_rotates_and_most_voices_are_consulted(orgs):
    decisions = orgs["mutual"].decisions
    per_decision = decisions.groupby("decision")["role"].value_counts().unstack(fill_value=0)
    assert (per_decision["accountable"] == 1).all()
    assert (per_decision["agree"] >= 1).all()
    assert per_decision["consulted"].mean() >= 2
    accountable = decisions[decisions["role"] == "accountable"][["decision", "actor"]]
    holders = accountable["actor"].nunique()
    assert holders > 0.3 * len(orgs["mutual"].people)  # rotates across members, not held by coordinators


def test_decision_projection_is_reciprocal_only_where_decisions_are_shared(orgs):
    from orgpower.graph.layers import decision_arcs

    reciprocity = {a: nx.reciprocity(_digraph(decision_arcs(orgs[a].decisions))) for a in ARCHETYPES}
    # only the say makes ties (a voice does not return it): rotating accountability and
    # agreement return part of it in mutual teams, the consulted members' part is one-way
    assert reciprocity["power-over"] == 0
    assert reciprocity["mutual"] > 0.4
    assert 0 < reciprocity["mixed"] < reciprocity["mutual"]


def test_advice_points_down_in_power_over_and_collaboration_is_returned_in_mutual(orgs):
    relations = {a: orgs[a].relations for a in ARCHETYPES}
    assert set(relations["power-over"]["relation"]) == {"advice"}
    advice = _digraph(relations["power-over"])
    assert nx.reciprocity(advice) == 0 and nx.is_directed_acyclic_graph(advice)
    assert set(relations["mutual"]["relation"]) == {"collaboration"}
    assert nx.reciprocity(_digraph(relations["mutual"])) == 1.0
    mixed = relations["mixed"]
    collaboration = _digraph(mixed[mixed["relation"] == "collaboration"])
    assert 0 < nx.reciprocity(collaboration) < 1


def test_only_mixed_has_dotted_lines_into_other_units(orgs):
    for archetype in ("power-over", "mutual"):
        assert (orgs[archetype].reporting["line"] == "solid").all()
    model = orgs["mixed"]
    dotted = model.reporting[model.reporting["line"] == "dotted"]
    assert 0.05 * len(model.people) < len(dotted) < 0.15 * len(model.people)
    unit = dict(zip(model.people["person_id"], model.people["unit"]))
    assert all(unit[s] != unit[t] for s, t in zip(dotted["source"], dotted["target"]))
    solid = set(zip(_solid(model)["source"], _solid(model)["target"]))
    assert not solid & set(zip(dotted["source"], dotted["target"]))


def test_flows_per_person_sets_the_number_of_flow_rows():
    model = generate_org(400, "power-over", seed=0, flows_per_person=5)
    assert len(model.flows) == 2000
    assert model.flows["period"].nunique() > 1


@pytest.mark.parametrize("people, archetype", [(0, "mixed"), (-3, "mixed"), (10, "anarchy")])
def test_bad_arguments_raise_a_usage_error(people, archetype):
    with pytest.raises(UsageError):
        generate_org(people, archetype)


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_write_bundle_writes_the_five_native_files(tmp_path, file_format):
    paths = write_bundle(generate_org(120, "mixed", seed=1), tmp_path / "org", file_format=file_format)
    assert sorted(p.name for p in paths) == sorted(
        f"{kind}.{file_format}" for kind in ("people", "flows", "decisions", "relations", "units")
    )
    reader = pd.read_csv if file_format == "csv" else pd.read_parquet
    people = reader(tmp_path / "org" / f"people.{file_format}", dtype=str) if file_format == "csv" else \
        reader(tmp_path / "org" / "people.parquet")
    assert list(people.columns[:2]) == ["person_id", "manager_id"]
    assert len(people) == 120
    relations = reader(tmp_path / "org" / f"relations.{file_format}")
    assert (relations["relation"] == "dotted").any()  # dotted lines travel as dotted relations
    decisions = reader(tmp_path / "org" / f"decisions.{file_format}")
    assert set(decisions["role"]) <= {"A", "R", "C", "I", "Agree", "Recommend", "approve", "veto"}


def test_write_bundle_refuses_to_overwrite_and_leaves_the_folder_untouched(tmp_path):
    (tmp_path / "flows.csv").write_text("mine\n")
    with pytest.raises(UsageError, match="already exists"):
        write_bundle(generate_org(20, "mutual"), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flows.csv"]
    assert (tmp_path / "flows.csv").read_text() == "mine\n"


def _orgpower(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "orgpower", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_generate_command_writes_a_bundle_and_refuses_to_overwrite_it(tmp_path, capsys):
    out = tmp_path / "coop"
    first = _orgpower("generate", "--people", "150", "--archetype", "mutual", "--seed", "4", "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert sorted(p.name for p in out.iterdir()) == ["decisions.csv", "flows.csv", "people.csv", "relations.csv", "units.csv"]
    assert len(pd.read_csv(out / "people.csv")) == 150
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(["generate", "--people", "150", "--archetype", "mutual", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_generated_bundle_reads_back_without_errors(tmp_path, file_format):
    from orgpower.api import read_org

    model = generate_org(300, "mixed", seed=9)
    write_bundle(model, tmp_path, file_format=file_format)
    read = read_org([tmp_path])
    assert not read.errors, [p.message for p in read.errors[:5]]
    assert len(read.people) == 300
    assert len(read.flows) == len(model.flows)
    assert (read.reporting["line"] == "dotted").sum() == (model.reporting["line"] == "dotted").sum()
    assert set(read.decisions["role"]) == set(model.decisions["role"])
    assert read.people["person_id"].tolist() == model.people["person_id"].tolist()


@settings(max_examples=25, deadline=None)
@given(people=st.integers(1, 250), archetype=st.sampled_from(ARCHETYPES), seed=st.integers(0, 2**16))
def test_any_generated_org_is_one_tree_with_known_ends_and_spreadsheet_safe_cells(people, archetype, seed):
    model = generate_org(people, archetype, seed=seed)
    ids = set(model.people["person_id"])
    assert len(ids) == people == len(model.people)
    solid = _solid(model)
    assert set(solid["source"]) <= ids and set(solid["target"]) <= ids
    assert len(model.roots) == 1
    known = ids | set(model.units["unit_id"])
    for table, columns in ((model.flows, ("source", "target")), (model.decisions, ("actor", "affects")),
                           (model.relations, ("source", "target"))):
        for column in columns:
            assert set(table[column]) <= known
    for table in bundle_tables(model).values():
        for column in table.select_dtypes(include=["string", "object"]).columns:
            assert not table[column].dropna().astype(str).str.match(r"[=+\-@\t\r]").any()


def test_write_bundle_refuses_a_file_as_folder_and_an_unknown_format(tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        write_bundle(generate_org(5, "mixed"), tmp_path / "taken")
    with pytest.raises(UsageError, match="choose csv or parquet"):
        write_bundle(generate_org(5, "mixed"), tmp_path / "new", file_format="xlsx")
    assert not (tmp_path / "new").exists()


def test_generate_command_rejects_zero_people_with_a_sentence(tmp_path, capsys):
    assert main(["generate", "--people", "0", "--out", str(tmp_path / "none")]) == 2
    assert "at least 1" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()
