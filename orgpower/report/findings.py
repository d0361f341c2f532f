"""Ranked findings: what the structure is, where, how strongly, compared with what, and
what could change it.

Every finding is a dict with the same keys (audit.json ``findings``):

``id``            stable kind id (``layer-power-over:flows``), unique in one audit
``rank``          1 = read first (severity, then strength)
``severity``      ``high`` | ``medium`` | ``low`` | ``info``
``title``         plain words, never a person's name or id
``summary``       one or two plain sentences
``evidence``      the sentences that produced it
``metrics``       the numbers, by key
``where``         ``layer``, ``units``, ``decisions``, ``people`` (ids), ``rows`` (input rows)
``compared_with`` the degree-preserving null model and/or the org's own median
``definition``    ``keys``: the measures (or validation codes) it rests on; ``glossary``: the
                  keys of the glossary rows that define them (the report's glossary and
                  the glossary sheet of audit.xlsx hold the same rows)
``recommendation`` a change to the structure that would move the reading

Findings describe structures. People are named only by id under ``where``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from orgpower.model import OrgModel
from orgpower.report.config import AuditConfig
from orgpower.report.decisions import DecisionAudit
from orgpower.report.glossary import glossary_key
from orgpower.report.readings import MIXED, MUTUAL, POWER_OVER, Reading, null_degenerate
from orgpower.report.representation import MERGED
from orgpower.report.resources import ResourceAudit

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}
MAX_LISTED = 10  # ids listed under `where` per finding; the xlsx tables hold the rest


# A reading rests on the three axis scores, each defined by its own glossary row.
AXIS_GLOSSARY = ("asymmetry_score", "direction_score", "concentration_score")


def _definition(*keys: str, reading: bool = False) -> dict[str, Any]:
    """The keys a finding rests on and the glossary rows that define them: what every reader
    of audit.json has (the same rows are in the report and the workbook), never a file path."""
    rows = [glossary_key(k) for k in keys] + (list(AXIS_GLOSSARY) if reading else [])
    return {"keys": list(keys), "glossary": list(dict.fromkeys(rows))}


def _finding(kind: str, severity: str, strength: float, title: str, summary: str, *, evidence=(), metrics=None,
             where=None, compared_with=None, definition=None, recommendation: str) -> dict[str, Any]:
    return {
        "id": kind,
        "severity": severity,
        "strength": round(float(strength), 6),
        "title": title,
        "summary": summary,
        "evidence": list(evidence),
        "metrics": dict(metrics or {}),
        "where": dict(where or {}),
        "compared_with": dict(compared_with or {}),
        "definition": definition or {"keys": [], "glossary": []},
        "recommendation": recommendation,
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.0%}"


def _null_of(reading: Reading, axis: str) -> dict[str, Any]:
    """The null comparison of the measure an axis was read from, named by its key; where
    the null model cannot tell (degenerate), plain words instead of z."""
    null = dict(reading.axes[axis].null) if axis in reading.axes else {}
    if not null:
        return {}
    measure = null.get("key")
    if null_degenerate(null):
        from orgpower.report.glossary import TERMS  # the measure by the name the report uses, not its key

        name = TERMS[measure].name if measure in TERMS else measure
        kept = {k: null[k] for k in ("key", "observed", "null_mean", "samples") if k in null}
        return {"null_model": {**kept, "cannot_tell": True},
                "text": f"{name}: random rewirings with the same degrees give the same value "
                        f"({null['null_mean']:.2f}), so the null model cannot tell this structure from chance"}
    return {"null_model": null, "text": f"{measure} against the degree-preserving null model"}


# The numbers a layer finding shows (the rest are in the layers table).
HEADLINE_KEYS = ("reciprocity_edgewise", "weighted_reciprocity", "reciprocity_rho", "trophic_incoherence",
                 "flow_hierarchy", "degree_centralization_in", "degree_centralization_out",
                 "degree_centralization_total", "gini_out_strength")

LAYER_WORDS = {
    "reporting": ("the formal reporting line", "reporting lines"),  # (singular phrase, plural subject)
    "reporting_dotted": ("dotted-line reporting", "dotted lines"),
    "flows": ("resources (budget flows)", "budget flows"),
    "decisions": ("decision rights", "decisions"),
}


def _layer_words(name: str) -> tuple[str, str]:
    return LAYER_WORDS.get(name, (f"'{name}' ties", f"'{name}' ties"))


def _org_findings(org: Reading, layers: Mapping[str, Reading]) -> list[dict[str, Any]]:
    if org.label == POWER_OVER:
        severity, title = "high", "Power runs one way and down the line in most of the organisation"
        rec = ("Return part of what flows down: let teams allocate part of their budget themselves, "
               "move decisions that bind a team to people inside it, and add upward review of managers.")
    elif org.label == MUTUAL:
        severity, title = "info", "Power is mostly returned and shared"
        rec = "Keep the returned ties visible when the organisation grows; re-run the audit after each reorganisation."
    elif org.label == MIXED:
        severity, title = "medium", "Power is one-way in some layers and returned in others"
        rec = "Look at the layers that read power-over below; they are where a change moves the reading."
    else:
        return []
    summary = f"Across the layers read, the organisation reads {org.label}" + (
        f" ({', '.join(org.sublabels)})." if org.sublabels else "."
    )
    return [_finding(
        "org-reading", severity, 1.0, title, summary,  # the overall reading leads its severity (see build_findings)
        evidence=org.evidence, metrics={f"{a}_score": s for a, s in org.scores.items()},
        where={"layers": sorted(layers)}, definition=_definition("reciprocity_edgewise", "trophic_incoherence",
                                                                 "flow_hierarchy", "degree_centralization_out", reading=True),
        recommendation=rec,
    )]


def _top_holders(layer: Any, limit: int = MAX_LISTED) -> dict[str, list[str]]:
    """Where to act in a layer: the people (and units) that send the most weight, by id."""
    if layer is None or layer.m == 0:
        return {}
    strength = np.asarray(layer.adjacency.sum(axis=1)).ravel()
    order = np.lexsort((layer.node_ids.astype(str), -strength))
    top = [i for i in order if strength[i] > 0][:limit]
    people = [str(layer.node_ids[i]) for i in top if i < layer.people_count]
    units = [str(layer.node_ids[i]) for i in top if i >= layer.people_count]
    return {k: v for k, v in (("people", people), ("units", units)) if v}


def _layer_findings(name: str, reading: Reading, values: Mapping[str, Any], layer: Any = None) -> list[dict[str, Any]]:
    what, plural = _layer_words(name)
    cap = plural[0].upper() + plural[1:]
    a, d, c = (reading.axes[k] for k in ("asymmetry", "direction", "concentration"))
    metrics = {k: v for axis in (a, d, c) for k, v in axis.values.items() if v is not None and k in HEADLINE_KEYS}
    if c.score is not None:
        metrics["concentration_score"] = c.score  # the number the 'held by few' rule uses
    if c.values.get("say_top_share") is not None:
        metrics["say_top_share"] = c.values["say_top_share"]  # the number the 'say held by one' rule uses
    holders = _top_holders(layer)
    defs = _definition("reciprocity_edgewise", "weighted_reciprocity", "trophic_incoherence", "flow_hierarchy",
                       "degree_centralization_in", "degree_centralization_out", reading=True)
    evidence = list(reading.evidence)
    returned = 1.0 - (a.score or 0.0)
    # on a weighted layer the asymmetry score is 1 − r_w: a share of the weight, not of the ties
    of = f"the weight of {plural}" if a.values.get("weighted_reciprocity") is not None and "r_w" in a.evidence else plural
    if reading.label == POWER_OVER:
        concentrated = "concentrated" in reading.sublabels
        title = f"{cap} run one way, down a steep ranking" + (", held by few" if concentrated else "")
        summary = ((f"None of {of} is returned" if returned == 0 else f"Only {_pct(returned)} of {of} is returned")
                   + ", and they follow a "
                   "consistent top-down ranking" + (", concentrated on few holders." if concentrated else "."))
        rec = {
            "flows": "Return part of the budget: let recipient units allocate back (chargebacks, pooled budgets) "
                     "or decide their own share.",
            "decisions": "Share the say with the people a decision binds (an agree or approve role, a rotating "
                         "accountable role); consulting them gives a voice but does not return the say.",
        }.get(name, f"Make {plural} two-way where the work allows it (pairing, peer review, rotation).")
        return [_finding(f"layer-power-over:{name}", "high", ((a.score or 0) + (d.score or 0)) / 2, title, summary,
                         evidence=evidence, metrics=metrics, where={"layer": name, **holders},
                         compared_with=_null_of(reading, "asymmetry"), definition=defs, recommendation=rec)]
    if reading.label == MUTUAL:
        hub = "hub partnership" in reading.sublabels
        title = (f"{cap}: a central hub works with everyone both ways (a hub partnership, not power-over)"
                 if hub else f"{cap} are returned and shared")
        return [_finding(f"layer-mutual:{name}", "info", returned, title,
                         f"{_pct(returned)} of {of} is returned and they circulate "
                         "rather than run down a ranking.", evidence=evidence, metrics=metrics,
                         where={"layer": name}, compared_with=_null_of(reading, "asymmetry"), definition=defs,
                         recommendation="Nothing to change here; keep the hub's ties two-way if its role grows."
                         if hub else "Nothing to change here.")]
    if reading.label == MIXED and "circulating" in reading.sublabels:
        return [_finding(f"layer-circulating:{name}", "medium", a.score or 0, f"{cap} go round in a circle without being returned",
                         "Ties are one-way, yet they do not run down a ranking: they rotate (A to B to C to A). "
                         "That can be a deliberate rotation or a loop in the data.", evidence=evidence,
                         metrics=metrics, where={"layer": name, **holders}, compared_with=_null_of(reading, "direction"),
                         definition=defs, recommendation="Check whether the rotation is intended (rotating roles) "
                         "or an error in the export (a reporting or approval loop).")]
    if reading.label == MIXED:
        return [_finding(f"layer-mixed:{name}", "low", ((a.score or 0) + (d.score or 0)) / 2, _mixed_title(cap, reading),
                         f"{_pct(returned)} of {of} is returned; the reading is mixed ("
                         + (", ".join(reading.sublabels) or "no axis clearly one way") + ").", evidence=evidence,
                         metrics=metrics, where={"layer": name, **holders}, compared_with=_null_of(reading, "asymmetry"),
                         definition=defs, recommendation=_mixed_recommendation(reading))]
    return []


def _mixed_title(cap: str, reading: Reading) -> str:
    """The title of a mixed layer, from the sub-labels it carries (so that a layer whose ties
    are returned is never titled one-way)."""
    subs = set(reading.sublabels)
    say = reading.axes["concentration"].values.get("say_top_share") if "concentration" in reading.axes else None
    if {"returned", "circulating"} <= subs and say is not None:
        return f"{cap} are returned and circulate, but one holder has the say on {_pct(say)} of them"
    if "returned" in subs:
        return f"{cap} are returned but run down a ranking" if "layered" in subs else f"{cap} are returned but partly ranked"
    if "one-way" in subs:
        return f"{cap} run one way, without a steady ranking"
    if "layered" in subs:
        return f"{cap} run down a ranking and are partly returned"
    if "circulating" in subs:
        return f"{cap} circulate and are partly returned"
    return f"{cap} are partly one-way"


def _mixed_recommendation(reading: Reading) -> str:
    """Where to look in a mixed layer, by the axis that leans towards power-over."""
    subs = set(reading.sublabels)
    if "concentrated" in subs:
        return "Share what one holder keeps: the units and teams tables show where it is held."
    if "returned" in subs:
        return "The ties come back but follow a ranking: the units and teams tables show where it runs down."
    return "See the units and teams tables for where it runs one way."


def _scope_findings(kind: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    read = [r for r in records if r["label"] in (POWER_OVER, MUTUAL, MIXED)]
    power = [r for r in read if r["label"] == POWER_OVER]
    if not power:
        return []
    # where to act first: the scopes with the most people in them, then the most one-way
    strength = lambda r: (r["scores"].get("asymmetry") or 0) + (r["scores"].get("direction") or 0)  # noqa: E731
    top = sorted(power, key=lambda r: (-r["size"], -strength(r), r["id"]))[:MAX_LISTED]
    share = len(power) / len(read)
    noun = "units" if kind == "unit" else "teams"
    # units partition the people; teams overlap (a manager heads one and sits in another)
    people = sum(r["size"] for r in power) if kind == "unit" else None
    where = {"units": [r["id"] for r in top]} if kind == "unit" else {"managers": [r["head"] for r in top]}
    severity = "high" if share >= 0.5 else "medium" if share >= 0.2 else "low"
    return [_finding(
        f"{kind}s-power-over", severity, share, f"{len(power):,} of {len(read):,} {noun} read power-over"
        + ("" if kind == "unit" else " (a team is a manager and their direct reports)"),
        f"In {len(power):,} of the {len(read):,} {noun} read ({_pct(share)}"
        + (f", {people:,} people in all" if people is not None else "") + "), the ties among "
        "members run one way and down across the voting layers. Listed first are the largest.",
        evidence=[f"{r['id']}: {r['size']:,} people, asymmetry {r['scores'].get('asymmetry') or 0:.2f}, "
                  f"direction {r['scores'].get('direction') or 0:.2f}" for r in top],
        metrics={"power_over": len(power), "read": len(read), "share_power_over": share,
                 **({"people_in_them": people} if people is not None else {})},
        where={**where, "table": "units" if kind == "unit" else "teams"},
        definition=_definition("reciprocity_edgewise", "trophic_incoherence", "flow_hierarchy", reading=True),
        recommendation="Start with the listed ones: return budget or decisions to the members, or add peer ties.",
    )]


def _pair_findings(pairs: pd.DataFrame) -> list[dict[str, Any]]:
    if pairs.empty or not any(c.endswith("_down") for c in pairs.columns):
        return []
    one_way = pairs["sublabel"].eq("one-way")
    returned = pairs["label"].eq(MUTUAL)
    share = float(one_way.mean())
    if share < 0.2:
        return []
    return [_finding(
        "pairs-one-way", "medium" if share < 0.5 else "high", share,
        f"{int(one_way.sum()):,} of {len(pairs):,} manager–report pairs ({_pct(share)}) carry budget or decisions one way only",
        f"Between a manager and a direct report, ties in the other layers run only downward in {int(one_way.sum()):,} "
        f"of {len(pairs):,} pairs; {int(returned.sum()):,} are returned in every layer.",
        metrics={"one_way_pairs": int(one_way.sum()), "returned_pairs": int(returned.sum()), "pairs": int(len(pairs)),
                 "share_one_way": share},
        where={"managers": pairs[one_way].groupby("manager_id").size().reset_index(name="n")
               .sort_values(["n", "manager_id"], ascending=[False, True])["manager_id"].head(MAX_LISTED).tolist(),
               "table": "reporting_pairs"},
        definition=_definition("reciprocity_dyadic", reading=True),
        recommendation="Add an upward tie in those pairs: a budget the report manages, a decision the report takes or agrees to.",
    )]


def _decision_findings(decisions: DecisionAudit, config: AuditConfig, model: OrgModel) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    s = decisions.summary
    if not s.get("decisions"):
        return out
    n = s["decisions"]
    rows = _rows_of(model.decisions)
    deciders = decisions.rights[decisions.rights["deciding"] > 0]["deciding"]
    median = float(deciders.median()) if len(deciders) else None
    sp = decisions.single_points
    alone_by = sp.groupby("actor")["decision"].nunique() if not sp.empty else pd.Series(dtype="int64")
    listed = []
    for i, b in enumerate(decisions.bottlenecks.sort_values(["deciding", "actor"], ascending=[False, True]).head(3).itertuples(index=False), 1):
        alone = int(alone_by.get(b.actor, 0))
        listed.append(b.actor)
        out.append(_finding(
            f"decision-bottleneck:{i}", "high" if b.share >= 0.4 else "medium", float(b.share),
            f"One approver holds the say on {_pct(b.share)} of all decisions ({b.deciding:,} of {n:,})",
            f"A single actor is accountable for, approves, agrees to or can veto {b.deciding:,} of {n:,} "
            f"decisions, {alone:,} of them as the only holder of the say: every one of them waits on the same desk.",
            metrics={"decisions_with_say": int(b.deciding), "decisions": n, "share": float(b.share),
                     "decisions_held_alone": alone},
            where={"people": [b.actor], "rows": rows(model.decisions["actor"].astype(str) == b.actor)},
            compared_with={"org_median": median, "unit": "decisions with the say per holder",
                           "text": f"the median holder of any say has it on {median:g} decisions" if median is not None else ""},
            definition=_definition("decision_rights_deciding"),
            recommendation="Delegate the approval of routine decisions, or share it between two or three people.",
        ))
    # single points of veto the bottleneck findings above do not already count
    rest = sp[~sp["actor"].isin(listed)] if not sp.empty else sp
    if not rest.empty:
        count = int(rest["decision"].nunique())
        share = count / n
        others = " other" if listed else ""
        out.append(_finding(
            "decision-single-point", "medium" if share < 0.5 else "high", share,
            f"{count:,}{others} decisions of {n:,} can be made or stopped by one person alone",
            "These decisions have exactly one holder of the say (accountable, approve, agree or veto): a single point of veto"
            + (" (those of the bottleneck approvers above are counted there)." if listed else "."),
            metrics={"single_point_decisions": count, "decisions": n, "share": share,
                     "holders": int(rest["actor"].nunique())},
            where={"decisions": sorted(rest["decision"].unique().tolist())[:MAX_LISTED],
                   "people": rest.groupby("actor")["decision"].nunique().sort_values(ascending=False).index[:MAX_LISTED].tolist(),
                   "table": "decision_single_points"},
            definition=_definition("decision_rights_deciding"),
            recommendation="Add a second holder of the say (an agree role for those bound), or an appeal route.",
        ))
    if s["voiceless_unit_decisions"]:
        vu = decisions.voiceless_units
        n_dec, n_units = int(vu["decision"].nunique()), int(vu["unit"].nunique())
        out.append(_finding(
            "decision-voiceless-units", "high", n_dec / n,
            f"{n_dec:,} decisions bind a unit none of whose members has a voice in them",
            f"{n_dec:,} decisions bind {n_units:,} units ({len(vu):,} decision–unit pairs) in which nobody from the unit is "
            "consulted, recommends, agrees or decides.",
            metrics={"decisions": n_dec, "units": n_units, "decision_unit_pairs": int(len(vu))},
            where={"units": vu["unit"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index[:MAX_LISTED].tolist(),
                   "decisions": sorted(vu["decision"].unique().tolist())[:MAX_LISTED], "table": "decision_voiceless_units"},
            definition=_definition("decision_rights_voice"),
            recommendation="Consult at least one member of each bound unit (C or Agree) before these decisions are taken.",
        ))
    if s["consulted_not_deciding_units"]:
        cn = decisions.consulted_not_deciding
        units_total = max(int(model.people["unit"].nunique()) if "unit" in model.people else len(cn), len(cn))
        out.append(_finding(
            "decision-consulted-never-deciding", "medium", len(cn) / units_total,
            f"{len(cn):,} units are consulted but never decide",
            "Members of these units give input to decisions, yet no member holds the say on any decision.",
            metrics={"units": int(len(cn)), "times_consulted": int(cn["times_consulted"].sum())},
            where={"units": cn["unit"].head(MAX_LISTED).tolist(), "table": "decision_consulted_not_deciding"},
            definition=_definition("decision_rights_voice"),
            recommendation="Give these units the say over the decisions that bind mainly them.",
        ))
    gini = s.get("gini_deciding")
    if gini is not None and gini >= config.thresholds.gini_concentrated:
        people = int(len(model.people))
        top = decisions.rights[decisions.rights["deciding"] > 0].head(MAX_LISTED)["actor"].tolist()
        out.append(_finding(
            "decision-concentration", "medium", gini,
            f"The say over decisions sits with {_pct(s['share_of_people_with_say'])} of people ({s['people_with_say']:,} of {people:,})",
            f"Gini of decisions with the say over all people is {gini:.2f} (at or above {config.thresholds.gini_concentrated:g}); "
            f"{s['people_with_say']:,} of {people:,} people hold any say.",
            metrics={"gini_deciding": gini, "hhi_deciding": s.get("hhi_deciding"), "people_with_say": s["people_with_say"],
                     "people": people, "share_of_people_with_say": s["share_of_people_with_say"]},
            where={"people": top, "table": "decision_rights"},
            compared_with={"threshold": config.thresholds.gini_concentrated, "text": "Gini of the say, threshold of concentration"},
            definition=_definition("gini", "hhi"),
            recommendation="Spread accountable and agree roles more widely, starting with decisions that bind one team.",
        ))
    return out


def _rows_of(frame: pd.DataFrame):
    def rows(mask) -> list[str]:
        picked = frame[mask]
        if "source_row" not in picked or picked.empty:
            return []
        files = picked["source_file"].astype(str) if "source_file" in picked else pd.Series("", index=picked.index)
        return [f"{f}:{int(r)}" for f, r in zip(files, picked["source_row"]) if pd.notna(r)][:MAX_LISTED]
    return rows


def _resource_findings(resources: ResourceAudit, config: AuditConfig) -> list[dict[str, Any]]:
    s = resources.summary
    if not s.get("flows"):
        return []
    out = []
    gini = s.get("gini_given")
    if gini is not None and gini >= config.thresholds.gini_concentrated:
        out.append(_finding(
            "resources-concentration", "medium", gini,
            f"Budget control is concentrated: {s['people_giving']:,} people allocate all of it",
            f"Gini of budget given over all people is {gini:.2f} (at or above {config.thresholds.gini_concentrated:g}; "
            f"HHI {s['hhi_given']:.3f}); {_pct(s['returned_share'])} of the money that flows is returned.",
            metrics={k: s[k] for k in ("gini_given", "hhi_given", "hhi_given_normalised", "returned_share", "people_giving")},
            where={"people": resources.balance[resources.balance["is_person"]].head(MAX_LISTED)["node"].astype(str).tolist(),
                   "table": "resource_balance"},
            compared_with={"threshold": config.thresholds.gini_concentrated, "text": "Gini of budget given, threshold of concentration"},
            definition=_definition("gini_out_strength", "hhi_out_strength", "weighted_reciprocity"),
            recommendation="Devolve part of the budget to the units that spend it.",
        ))
    takers = resources.balance[resources.balance["role"] == "net taker"] if not resources.balance.empty else resources.balance
    if len(takers) and resources.units is not None and not resources.units.empty:
        units = resources.units
        one_way_units = units[units["returned_share"] < 0.05]
        if len(one_way_units):
            out.append(_finding(
                "resources-one-way-units", "low", float(len(one_way_units) / len(units)),  # share of giving units
                f"{len(one_way_units):,} of {len(units):,} giving units get almost nothing back",
                "Less than 5% of what these units allocate returns to them from the recipients.",
                metrics={"units": int(len(one_way_units)), "giving_units": int(len(units))},
                where={"units": one_way_units["unit"].head(MAX_LISTED).astype(str).tolist(), "table": "resource_units"},
                definition=_definition("weighted_reciprocity"),
                recommendation="Where work is exchanged both ways, record the return flow (chargebacks, shared pools).",
            ))
    return out


def _span_findings(power: pd.DataFrame, config: AuditConfig) -> list[dict[str, Any]]:
    managers = power[power["is_manager"]]
    if managers.empty:
        return []
    out = []
    t = config.thresholds
    narrow = managers["span_of_control"] <= t.span_narrow
    share = float(narrow.mean())
    median = float(managers["span_of_control"].median())
    layers = int(power["reporting_layer"].max()) if power["reporting_layer"].notna().any() else None
    if share >= t.narrow_span_share and len(managers) >= 3:
        out.append(_finding(
            "spans-narrow", "medium", share,
            f"{_pct(share)} of managers have {t.span_narrow} direct reports or fewer",
            f"Narrow spans stack layers of control: {int(narrow.sum()):,} of {len(managers):,} managers; "
            f"median span {median:g} direct reports; {layers} reporting layers.",
            metrics={"narrow_share": share, "narrow_managers": int(narrow.sum()), "median_span": median, "layers": layers,
                     "managers": int(len(managers))},
            where={"managers": managers[narrow].sort_values(["reporting_layer", "person_id"])["person_id"].head(MAX_LISTED).tolist(),
                   "table": "spans_layers"},
            compared_with={"org_median": median, "unit": "direct reports", "text": f"median span {median:g} direct reports"},
            definition=_definition("span_of_control", "reporting_layer"),
            recommendation="Merge narrow teams or remove a layer where a manager has one or two reports.",
        ))
    wide = managers["span_of_control"] > t.span_wide
    if wide.any():
        out.append(_finding(
            "spans-wide", "low", float(wide.mean()),
            f"{int(wide.sum()):,} manager{'s have' if wide.sum() != 1 else ' has'} more than {t.span_wide} direct reports",
            "Very wide spans can mean a hub everybody depends on, or self-managing teams: the asymmetry reading of "
            "their teams tells which.",
            metrics={"wide_managers": int(wide.sum()), "max_span": int(managers['span_of_control'].max()), "median_span": median},
            where={"managers": managers[wide].sort_values(["span_of_control", "person_id"], ascending=[False, True])["person_id"]
                   .head(MAX_LISTED).tolist(), "table": "teams"},
            compared_with={"org_median": median, "unit": "direct reports", "text": f"median span {median:g} direct reports"},
            definition=_definition("span_of_control"),
            recommendation="Check the team readings of these managers: a returned hub is fine, a one-way hub is a bottleneck.",
        ))
    return out


# Representation gaps worth a finding: the posts and rights that carry power.
POWER_MEASURES = ("manager posts", "span of control", "budget controlled", "decision rights", "layer 1", "layer 2", "layer 3")


# Who holds each power measure, in words (the exact test counts holders, not amounts).
HOLDERS = {"manager posts": "managers", "span of control": "managers", "budget controlled": "people who give any budget",
           "decision rights": "people with the say on any decision"}
# What the share is a share of, in words.
SHARE_OF = {"manager posts": "manager posts", "span of control": "direct reports managed", "budget controlled": "budget given",
            "decision rights": "decisions with the say (counted per holder)"}


def _representation_summary(measure: dict[str, Any], cell: dict[str, Any], ratio: float) -> str:
    """Two sentences, each number beside its noun: the share of the measure against the share
    of people (the ratio), then the holders in the group against the count in proportion (the
    exact test); on a budget or decisions the two are different numbers."""
    holders_total = round(cell["expected"] / cell["headcount_share"]) if cell["headcount_share"] else 0
    holders = HOLDERS.get(measure["measure"], measure["description"])
    return (f"The group holds {_pct(cell['share'])} of the {SHARE_OF.get(measure['measure'], measure['description'])} and is {_pct(cell['headcount_share'])} "
            f"of the people (ratio {ratio:.2f}). {cell['people']:,} of the {holders_total:,} {holders} are in the group, "
            f"where {cell['expected']:.1f} would be in proportion to its headcount; so few by chance has probability "
            f"{cell['p_adjusted']:.2g} after Holm's correction for the {cell['cells_tested']} cells tested (exact "
            "hypergeometric test).")


def _representation_findings(groups: list[dict[str, Any]], config: AuditConfig) -> list[dict[str, Any]]:
    """Under-representation where the exact test says it is unlikely by chance: only cells
    whose expected count is at least k, Holm-corrected over the cells tested."""
    out = []
    t = config.thresholds
    for record in groups:
        for measure in record.get("measures", []):
            if measure["measure"] not in POWER_MEASURES or measure.get("suppressed"):
                continue
            for group, cell in sorted(measure["cells"].items()):
                if not isinstance(cell, dict) or not cell.get("significant") or group == MERGED:
                    continue
                ratio = cell["ratio"]
                if ratio is None or ratio >= t.representation_low:
                    continue
                out.append(_finding(
                    f"representation:{record['attribute']}:{group}:{measure['measure']}", "medium", 1.0 - ratio,
                    f"{record['attribute']} '{group}': {_pct(cell['headcount_share'])} of people, {_pct(cell['share'])} of {measure['measure']}",
                    _representation_summary(measure, cell, ratio),
                    metrics={"ratio": ratio, "share": cell["share"], "headcount_share": cell["headcount_share"],
                             "holders_in_group": cell["people"], "expected": cell["expected"], "p_adjusted": cell["p_adjusted"],
                             "cells_tested": cell["cells_tested"]},
                    where={"attribute": record["attribute"], "group": group, "measure": measure["measure"], "table": "representation"},
                    compared_with={"proportionate": 1.0, "threshold": t.representation_low, "alpha": t.representation_alpha,
                                   "text": "a share of power under this many times the share of people is under-representation"},
                    definition=_definition("representation_ratio"),
                    recommendation="Review how manager posts, budgets and decision rights are assigned; re-run after the next cycle.",
                ))
    return out


def _validation_findings(model: OrgModel) -> list[dict[str, Any]]:
    out = []
    for severity, problems, level in (("error", model.errors, "high"), ("warning", model.warnings, "low")):
        if not problems:
            continue
        codes: dict[str, int] = {}
        for p in problems:
            codes[p.code] = codes.get(p.code, 0) + 1
        out.append(_finding(
            f"data-{severity}s", level, min(1.0, len(problems) / max(len(model.people), 1)),
            f"{len(problems):,} data {severity}{'s' if len(problems) != 1 else ''} in the input",
            "Rows with problems were set aside or repaired as described; every one is listed in the validation table.",
            metrics={"count": len(problems), **{f"code:{c}": n for c, n in sorted(codes.items())}},
            where={"rows": [f"{p.file}:{p.row}" for p in problems if p.row is not None][:MAX_LISTED], "table": "validation"},
            definition={"keys": sorted(codes), "glossary": ["data_problem"]},
            recommendation="Fix these rows in the source system and run the audit again.",
        ))
    return out


def build_findings(*, model: OrgModel, config: AuditConfig, layer_readings: Mapping[str, Reading], org_reading: Reading,
                   layer_measures: Mapping[str, Mapping[str, Any]], units: list[dict], teams: list[dict], pairs: pd.DataFrame,
                   decisions: DecisionAudit, resources: ResourceAudit, power: pd.DataFrame,
                   groups: list[dict[str, Any]], graph: Any = None) -> list[dict[str, Any]]:
    """All findings, ranked (severity first, the overall reading first in its severity, then
    strength, a share in [0, 1], then id for a stable order)."""
    findings = _org_findings(org_reading, layer_readings)
    for name in sorted(layer_readings):
        layer = graph.layers.get(name) if graph is not None else None
        findings += _layer_findings(name, layer_readings[name], layer_measures.get(name, {}), layer)
    findings += _scope_findings("unit", units)
    findings += _scope_findings("team", teams)
    findings += _pair_findings(pairs)
    findings += _decision_findings(decisions, config, model)
    findings += _resource_findings(resources, config)
    findings += _span_findings(power, config)
    findings += _representation_findings(groups, config)
    findings += _validation_findings(model)
    # severity first; the overall reading leads its severity; then strength (a share in [0, 1])
    findings.sort(key=lambda f: (SEVERITY_ORDER[f["severity"]], f["id"] != "org-reading", -f["strength"], f["id"]))
    for rank, finding in enumerate(findings, 1):
        finding["rank"] = rank
    return findings
