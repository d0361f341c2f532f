"""Following a decision (orgpower.report.decision_detail): every count agrees with the
decision-rights audit's own tables and with the decision rows counted directly here.

Reference: the rows of model.decisions of sample_orgs/harbor_dirty (native long RACI with
`affects`) and sample_orgs/riverbank_coop (a RACI matrix), counted with plain pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from orgpower import api
from orgpower.model import DECIDING_ROLES, VOICE_ROLES
from orgpower.report.config import AuditConfig
from orgpower.report.decision_detail import decision_search_text, decisions_held, find_decisions, follow_decision, match_decisions, standing


@pytest.fixture(scope="module", params=["harbor_dirty", "riverbank_coop"])
def result(request, sample_orgs):
    return api.audit(api.read_org([sample_orgs / request.param]), config=AuditConfig(null_samples=0))


def rows(result) -> pd.DataFrame:
    d = result.model.decisions.dropna(subset=["decision", "actor", "role"])
    return d.astype({"decision": str, "actor": str, "role": str})


def test_standing_is_say_over_voice_over_informed():
    assert standing(frozenset({"informed", "consulted", "veto"})) == "say"
    assert standing(frozenset({"informed", "responsible"})) == "voice"
    assert standing(frozenset({"informed"})) == "informed"


def test_every_decision_is_listed_once(result):
    table = find_decisions(result)
    assert sorted(table["decision"]) == sorted(rows(result)["decision"].unique())
    assert table["decision"].is_unique


def test_say_voice_and_informed_count_distinct_actors_by_their_strongest_role(result):
    table = find_decisions(result).set_index("decision")
    d = rows(result)
    for decision, part in list(d.groupby("decision"))[:25]:
        by_actor = part.groupby("actor")["role"].agg(set)
        say = sum(bool(r & DECIDING_ROLES) for r in by_actor)
        voice = sum(not (r & DECIDING_ROLES) and bool(r & VOICE_ROLES) for r in by_actor)
        assert (table.loc[decision, "say"], table.loc[decision, "voice"]) == (say, voice)
        assert table.loc[decision, ["say", "voice", "informed"]].sum() == len(by_actor)


def test_single_points_of_veto_are_the_decisions_with_one_holder_of_the_say(result):
    table = find_decisions(result)
    assert set(table.loc[table["single_point_of_veto"], "decision"]) == set(table.loc[table["say"] == 1, "decision"])
    assert set(table.loc[table["single_point_of_veto"], "decision"]) == set(result.tables["decision_single_points"]["decision"])


def test_search_finds_by_id_or_domain_ignoring_case(result):
    table = find_decisions(result)
    first = table["decision"].iloc[0]
    assert first in find_decisions(result, first.lower())["decision"].tolist()
    domain = table["domain"].dropna().iloc[0]
    found = find_decisions(result, domain.upper())
    assert len(found) >= (table["domain"] == domain).sum() and (found["domain"].str.lower().str.contains(domain.lower()) | found["decision"].str.lower().str.contains(domain.lower())).all()


def test_searching_the_catalogue_again_keeps_the_rows_whose_id_domain_or_title_hold_the_text(result):
    catalogue = find_decisions(result)
    text = decision_search_text(catalogue)
    for query in ("d000", " D0001 ", "A", catalogue["decision"].iloc[-1], "no such words", ""):
        # the specification, one row at a time
        needle = query.strip().lower()
        spec = [
            row["decision"] for _, row in catalogue.iterrows()
            if needle in "\n".join(str(row[c]).lower() for c in ("decision", "domain", "title") if c in row and not pd.isna(row[c]))
        ]
        assert match_decisions(catalogue, query, text)["decision"].tolist() == spec
        assert match_decisions(catalogue, query).equals(find_decisions(result, query))


def test_following_a_decision_lists_each_holder_once_say_first(result):
    decision = find_decisions(result)["decision"].iloc[0]
    detail = follow_decision(result, decision)
    assert detail.holders["actor"].is_unique
    order = detail.holders["standing"].map({"say": 0, "voice": 1, "informed": 2})
    assert order.is_monotonic_increasing
    assert detail.counts == detail.holders["standing"].value_counts().reindex(["say", "voice", "informed"], fill_value=0).to_dict()


def test_the_bottleneck_place_agrees_with_decision_rights(result):
    rights = result.tables["decision_rights"].set_index("actor")["deciding"]
    flagged = set(result.tables["decision_bottlenecks"]["actor"])
    for decision in find_decisions(result)["decision"].head(10):
        detail = follow_decision(result, decision)
        for row in detail.bottlenecks.itertuples():
            assert row.deciding == rights[row.actor]
            assert row.rank == 1 + int((rights > rights[row.actor]).sum())
            assert row.bottleneck == (row.actor in flagged)
            assert row.share == pytest.approx(row.deciding / detail.decisions_total)


def test_units_without_a_voice_are_the_audits_voiceless_units(result):
    voiceless = result.tables["decision_voiceless_units"]
    for decision in find_decisions(result)["decision"]:
        detail = follow_decision(result, decision)
        expected = sorted(voiceless.loc[voiceless["decision"] == decision, "unit"])
        assert sorted(detail.units_without_voice["unit"]) == expected
        heard = set(detail.holders.loc[detail.holders["standing"] != "informed", "unit"].dropna())
        assert not heard & set(expected)  # nobody in an unheard unit has a voice


def test_whom_a_decision_binds_is_every_id_in_affects(result):
    d = result.model.decisions
    for decision in find_decisions(result)["decision"].head(10):
        detail = follow_decision(result, decision)
        expected = sorted(d.loc[(d["decision"] == decision), "affects"].dropna().astype(str).unique())
        assert detail.binds["id"].tolist() == expected


def test_decisions_held_are_exactly_the_persons_deciding_count(result):
    rights = result.tables["decision_rights"]
    top = rights.iloc[0]
    held = decisions_held(result, top["actor"])
    assert len(held) == top["deciding"]
    assert (held["standing"] == "say").all()
    for row in held.itertuples():
        assert row.others_with_say == follow_decision(result, row.decision).counts["say"] - 1


def test_the_decisions_held_of_every_actor_are_those_read_off_all_decisions_at_once(result):
    # the specification: every decision's holders worked out at once, then one actor's rows
    # (decisions_held reads only the decisions the actor takes part in)
    from orgpower.report.decision_detail import _decisions, _holders, _single_points

    decisions = _decisions(result)
    holders = _holders(decisions)
    say = holders[holders["standing"] == "say"].groupby("decision").size()
    domains = decisions.dropna(subset=["domain"]).drop_duplicates("decision").set_index("decision")["domain"]
    single = _single_points(result)
    for actor in sorted(holders["actor"].unique())[:40]:
        for standings in (("say",), ("say", "voice", "informed")):
            mine = holders[(holders["actor"] == actor) & holders["standing"].isin(standings)].sort_values("decision", kind="stable")
            held = decisions_held(result, actor, standings)
            assert held["decision"].tolist() == mine["decision"].tolist()
            assert held["roles"].tolist() == mine["roles"].tolist()
            assert held["others_with_say"].tolist() == [int(say.get(d, 0)) - (s == "say") for d, s in zip(mine["decision"], mine["standing"])]
            assert held["domain"].tolist() == [domains.get(d) for d in mine["decision"]]
            assert held["single_point_of_veto"].tolist() == [d in single and s == "say" for d, s in zip(mine["decision"], mine["standing"])]


def test_each_holders_name_and_unit_are_their_own_from_the_people_table(result):
    people = result.model.people.set_index(result.model.people["person_id"].astype(str))
    units = set(people["unit"].dropna().astype(str)) | set(result.model.units.get("unit_id", pd.Series(dtype=str)).dropna().astype(str))
    for decision in find_decisions(result)["decision"].head(40):
        detail = follow_decision(result, decision)
        for row in detail.holders.itertuples():
            if row.actor in people.index:
                name = people.loc[row.actor, "name"] if "name" in people else pd.NA
                assert (None if pd.isna(row.name) else row.name) == (None if pd.isna(name) or not str(name).strip() else str(name))
                unit = people.loc[row.actor, "unit"]
                assert (None if pd.isna(row.unit) else row.unit) == (None if pd.isna(unit) else str(unit))
            else:
                assert pd.isna(row.name)
                assert row.unit == row.actor if row.actor in units else pd.isna(row.unit)
        for row in detail.binds.itertuples():
            assert row.kind == ("person" if row.id in people.index else "unit" if row.id in units else "other")


def test_an_unknown_decision_is_a_key_error(result):
    with pytest.raises(KeyError):
        follow_decision(result, "no such decision")


@pytest.mark.parametrize("model", ["sample orgs", "generated"], indirect=False)
def test_each_actors_roles_and_standing_are_those_of_their_own_rows(model, sample_orgs):
    # the grouped bit masks against the plain definition: per (decision, actor), the set
    # of their distinct roles, joined sorted, and its strongest standing
    from types import SimpleNamespace

    from orgpower.report.decision_detail import _decisions, _holders
    from orgpower.synthetic import generate_org

    models = ([api.read_org([sample_orgs / name]) for name in ("harbor_dirty", "riverbank_coop")]
              if model == "sample orgs" else [generate_org(3_000, "mixed", seed=4)])
    for org in models:
        decisions = _decisions(SimpleNamespace(model=org))
        got = _holders(decisions).set_index(["decision", "actor"])
        plain = decisions.dropna(subset=["actor", "role"])
        expected = {key: frozenset(group["role"].astype(str)) for key, group in plain.groupby(["decision", "actor"])}
        assert len(got) == len(expected)
        for key, roles in expected.items():
            assert got.loc[key, "roles"] == ", ".join(sorted(roles))
            assert got.loc[key, "standing"] == standing(roles)
        assert list(got.index) == sorted(expected)
