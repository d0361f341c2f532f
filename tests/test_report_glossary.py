"""The one glossary (orgpower.report.glossary): written from the rules and cut-offs of
report/config.py, shown by the report and the dashboard alike."""

from __future__ import annotations

import dataclasses

import pytest

from orgpower.report.config import Thresholds
from orgpower.report.glossary import glossary, thresholds_of
from orgpower.report.readings import FORMAL, LABELS, UNDETERMINED, read_measures


def test_every_label_a_reading_can_give_is_defined():
    defined = glossary()["labels"]
    assert set(LABELS) | {FORMAL, UNDETERMINED} <= set(defined)


@pytest.mark.parametrize("field", ["reciprocity_low", "reciprocity_high", "trophic_layered_max", "flow_hierarchy_layered_min",
                                   "trophic_circulating_min", "flow_hierarchy_circulating_max", "concentration_high",
                                   "hub_total_centralization"])
def test_definitions_quote_the_cut_off_the_rule_uses(field):
    changed = dataclasses.replace(Thresholds(), **{field: 0.123})
    text = " ".join([*glossary(changed)["labels"].values(), *(a["rule"] for a in glossary(changed)["axes"].values())])
    assert "0.123" in text
    assert "0.123" not in " ".join([*glossary()["labels"].values(), *(a["rule"] for a in glossary()["axes"].values())])


def test_power_over_is_not_defined_as_held_by_few_because_the_rule_does_not_require_it():
    # a path: one-way, layered, nobody dominates -> power-over without "concentrated"
    path = {"nodes": 5, "arcs": 4, "reciprocity_edgewise": 0.0, "reciprocity_rho": -0.25, "flow_hierarchy": 1.0,
            "trophic_incoherence": 0.0, "degree_centralization_in": 0.0625, "degree_centralization_out": 0.0625,
            "degree_centralization_total": 0.08, "hhi_out_strength_normalised": 0.0625}
    reading = read_measures(path)
    assert reading.label == "power-over" and "concentrated" not in reading.sublabels
    definition = glossary()["labels"]["power-over"]
    assert "held by few" not in definition.lower()
    assert "Sub-label “concentrated”" in definition


def test_thresholds_are_read_back_from_the_audit_settings():
    settings = {"thresholds": {**dataclasses.asdict(Thresholds()), "reciprocity_low": 0.1, "retired_key": 1}}
    assert thresholds_of(settings).reciprocity_low == 0.1
    assert thresholds_of(None) == Thresholds()


def test_the_dashboard_shows_the_same_definitions_as_the_report():
    from orgpower.dashboard import glossary as dashboard_glossary
    from orgpower.report import html

    assert dashboard_glossary.LABELS == glossary()["labels"]
    settings = {"thresholds": {"concentration_high": 0.4}}
    rows = {t.key: t.plain for _, terms in html.glossary_rows({"settings": settings}) for t in terms}
    words = glossary(thresholds_of(settings))["labels"]
    for label in ("power-over", "mutual", "mixed", "formal line", "undetermined"):
        assert rows[label] == words[label]
    assert "0.4" in rows["concentrated"] and "0.4" in rows["power-over"]
