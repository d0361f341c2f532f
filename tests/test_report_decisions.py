"""Decision-rights audit on small hand-made RACI tables (pure logic: every expected
value is counted by hand in the comment beside the table)."""

from __future__ import annotations

import pandas as pd

from orgpower.report.config import Thresholds
from orgpower.report.decisions import (
    audit_decisions, bottleneck_approvers, consulted_not_deciding, rights_by_person,
    single_points_of_veto, voiceless_units,
)

PEOPLE = pd.DataFrame({
    "person_id": ["boss", "a1", "a2", "b1", "b2", "c1"],
    "unit": ["HQ", "A", "A", "B", "B", "C"],
})


def decisions(rows):
    return pd.DataFrame(rows, columns=["decision", "actor", "role", "domain", "affects"])


# d1: boss decides alone over unit A, nobody from A has a voice      -> voiceless A
# d2: boss accountable, b1 consulted, binds b2 (unit B)              -> B heard via b1
# d3: boss accountable and a1 agrees, binds a2                       -> A heard, two holders
# d4: boss approves, c1 consulted, binds unit C                      -> C heard; C consulted, never decides
MATRIX = decisions([
    ("d1", "boss", "accountable", "budget", "A"),
    ("d2", "boss", "accountable", "hiring", "b2"),
    ("d2", "b1", "consulted", "hiring", "b2"),
    ("d3", "boss", "accountable", "roster", "a2"),
    ("d3", "a1", "agree", "roster", "a2"),
    ("d4", "boss", "approve", "tools", "C"),
    ("d4", "c1", "consulted", "tools", "C"),
])


def test_rights_by_person_counts_distinct_decisions_per_role():
    rights = rights_by_person(MATRIX).set_index("actor")
    assert rights.loc["boss", "accountable"] == 3 and rights.loc["boss", "approve"] == 1
    assert rights.loc["boss", "deciding"] == 4
    # agree is both the say and a voice
    assert (rights.loc["a1", "deciding"], rights.loc["a1", "voice"]) == (1, 1)


def test_person_with_the_say_on_most_decisions_is_a_bottleneck():
    rights = rights_by_person(MATRIX)
    table = bottleneck_approvers(rights, 4, Thresholds(bottleneck_share=0.5, bottleneck_min_decisions=2))
    assert table["actor"].tolist() == ["boss"] and table["share"].tolist() == [1.0]


def test_few_decisions_make_no_bottleneck():
    rights = rights_by_person(MATRIX)
    assert bottleneck_approvers(rights, 4, Thresholds(bottleneck_min_decisions=5)).empty


def test_decision_with_one_holder_of_the_say_is_a_single_point_of_veto():
    table = single_points_of_veto(MATRIX)
    # d3 has two holders (accountable + agree); d1, d2, d4 have one
    assert table["decision"].tolist() == ["d1", "d2", "d4"]
    assert set(table["actor"]) == {"boss"}


def test_decision_binding_a_unit_without_any_member_voice_is_listed():
    table = voiceless_units(MATRIX, PEOPLE)
    assert list(zip(table["decision"], table["unit"])) == [("d1", "A")]


def test_unit_bound_through_a_member_counts_people_bound():
    rows = decisions([("d9", "boss", "accountable", "x", "b1"), ("d9", "boss", "accountable", "x", "b2")])
    table = voiceless_units(rows, PEOPLE)
    assert table[["unit", "bound_people"]].values.tolist() == [["B", 2]]


def test_unit_consulted_but_never_deciding_is_listed():
    table = consulted_not_deciding(MATRIX, PEOPLE)
    # B (b1) and C (c1) are consulted; A decides through a1's agree
    assert sorted(table["unit"]) == ["B", "C"]


def test_summary_counts_and_concentration_over_all_people():
    audit = audit_decisions(MATRIX, PEOPLE, Thresholds())
    s = audit.summary
    assert s["decisions"] == 4 and s["people_with_say"] == 2
    # say held: boss 4, a1 1, four people 0 -> Gini (population form) by hand:
    # sorted 0,0,0,0,1,4; 2*Σ i x_i/(n S) − (n+1)/n = 2*(5*1 + 6*4)/(6*5) − 7/6 = 0.766667
    assert round(s["gini_deciding"], 6) == 0.766667


def test_empty_decisions_give_empty_tables():
    audit = audit_decisions(decisions([]), PEOPLE, Thresholds())
    assert audit.summary["decisions"] == 0 and audit.rights.empty and audit.single_points.empty


def test_decision_about_one_member_of_a_larger_unit_does_not_bind_the_unit():
    people = pd.DataFrame({"person_id": ["boss", "d1", "d2", "d3"], "unit": ["HQ", "D", "D", "D"]})
    one = decisions([("x", "boss", "accountable", "pay", "d1")])
    two = decisions([("x", "boss", "accountable", "pay", "d1"), ("x", "boss", "accountable", "pay", "d2")])
    assert voiceless_units(one, people).empty
    assert voiceless_units(two, people)["unit"].tolist() == ["D"]
