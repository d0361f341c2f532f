"""The audit's last step: one org's measures in, readings, findings and every table out.

:func:`assemble_audit` turns numbers into the audit; :func:`orgpower.api.audit` runs the
pipeline (read -> graph -> measure -> assemble) and is what ``orgpower audit`` and the
dashboard call, so nothing the dashboard shows is computed anywhere else.

>>> import orgpower                                                    # doctest: +SKIP
>>> result = orgpower.audit(orgpower.generate_org(60, "power-over"))  # doctest: +SKIP
>>> result.document["classification"]["org"]["label"]                # doctest: +SKIP
'power-over'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from orgpower.graph.layers import OrgGraph
from orgpower.model import OrgModel
from orgpower.report.config import AuditConfig, Thresholds
from orgpower.report.decisions import DecisionAudit, audit_decisions
from orgpower.report.readings import Reading, combine_readings, read_measures
from orgpower.report.representation import represent, representation_table
from orgpower.report.resources import ResourceAudit, audit_resources
from orgpower.report.scopes import id_text, pair_readings, team_readings, unit_group_readings, unit_readings

__all__ = [
    "AuditConfig", "AuditResult", "DirectReadings", "Thresholds", "add_comparison", "assemble_audit", "direct_readings",
    "person_power",
]

# people.csv keeps these model columns beside the measures; every other attribute
# (gender, pay, location, ...) stays out of per-person outputs.
PERSON_COLUMNS = ("person_id", "manager_id", "name", "title", "unit", "level")


@dataclass
class AuditResult:
    """Everything one audit produced. ``document`` is audit.json, ``people`` people.csv,
    ``tables`` every table the xlsx workbook and the dashboard show."""

    document: dict[str, Any]
    people: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    model: OrgModel
    graph: OrgGraph
    measures: Any  # orgpower.metrics.org.OrgMeasures
    comparison: dict[str, Any] | None = None
    config: AuditConfig = field(default_factory=AuditConfig)
    readings: dict[str, Reading] = field(default_factory=dict)
    power: pd.DataFrame | None = None  # span, layer, budget given, decision rights per person

    def summary(self) -> str:
        """One line: the org's reading, high findings, data errors and warnings."""
        reading = self.document.get("classification", {}).get("org", {})
        label = reading.get("label", "no reading")
        sublabels = reading.get("sublabels") or []
        findings = self.document.get("findings", [])
        high = sum(1 for f in findings if f.get("severity") == "high")
        errors, warns = len(self.model.errors), len(self.model.warnings)
        return (
            f"Reading: {label}" + (f" ({', '.join(sublabels)})" if sublabels else "")
            + f"; {high} high finding{'' if high == 1 else 's'} of {len(findings)}"
            + f"; {errors:,} data error{'' if errors == 1 else 's'}, {warns:,} warning{'' if warns == 1 else 's'} in the input."
        )

    def __repr__(self) -> str:
        # short on purpose: the default dataclass repr printed every table (hundreds of kB)
        people = len(self.model.people)
        label = self.document.get("classification", {}).get("org", {}).get("label", "no reading")
        high = sum(1 for f in self.document.get("findings", []) if f.get("severity") == "high")
        return (f"<AuditResult {label}: {people:,} people, {len(self.graph.layers)} layers, "
                f"{high} high findings, {len(self.model.errors):,} data errors>")

    def node_table(self) -> pd.DataFrame:
        """One row per node (person or unit), indexed by id: ``node_kind``, the person's input
        columns and measures, as every graph export carries them."""
        from orgpower.graph.export import node_table

        return node_table(self.graph, self.model, self.people)

    def edge_list(self, layer: str | None = None) -> pd.DataFrame:
        """Every arc of every layer (or of ``layer``): ``source``, ``target``, ``layer``, ``weight``."""
        from orgpower.graph.export import edge_list

        return edge_list(self.graph, layer)

    def to_networkx(self, layer: str | None = None) -> Any:
        """A ``networkx.MultiDiGraph`` of all layers (edge key = layer), or one layer's
        ``networkx.DiGraph``; person columns and measures on the nodes, ``weight`` on the
        edges. Needs networkx (``pip install 'orgpower[graph]'``)."""
        from orgpower.graph.export import to_networkx

        return to_networkx(self.graph, self.node_table(), layer)

    def _repr_html_(self) -> str:
        from html import escape

        findings = self.document.get("findings", [])[:5]
        items = "".join(f"<li><b>{escape(str(f.get('severity')))}</b> {escape(str(f.get('title')))}</li>" for f in findings)
        return f"<div><p>{escape(self.summary())}</p><p>Leading findings:</p><ol>{items}</ol></div>"


def _reporting_depths(graph: OrgGraph) -> dict[str, int]:
    """1 + depth on the solid line (used only if the measures table lacks it)."""
    layer = graph.layers.get("reporting")
    if layer is None:
        return {}
    children: dict[int, list[int]] = {}
    coo = layer.adjacency.tocoo()
    has_parent = np.zeros(layer.n, dtype=bool)
    for s, t in zip(coo.row.tolist(), coo.col.tolist()):
        children.setdefault(s, []).append(t)
        has_parent[t] = True
    depth: dict[str, int] = {}
    frontier = [int(i) for i in np.flatnonzero(~has_parent)]
    level = 1
    while frontier:
        nxt = []
        for i in frontier:
            depth[layer.node_ids[i]] = level
            nxt.extend(children.get(i, []))
        frontier, level = nxt, level + 1
    return depth


def person_power(graph: OrgGraph, people_measures: pd.DataFrame | None, decisions: DecisionAudit, resources: ResourceAudit) -> pd.DataFrame:
    """Per person: span of control, reporting layer, budget given, decisions with the say."""
    ids = id_text(graph.people["person_id"])
    reporting = graph.layers.get("reporting")
    span = np.zeros(len(ids), dtype=int)
    if reporting is not None:
        span = np.asarray((reporting.binary().sum(axis=1))).ravel()[: len(ids)].astype(int)
    table = pd.DataFrame({"person_id": ids.to_numpy(zero_copy_only=False), "span_of_control": span})
    if people_measures is not None and "reporting_layer" in people_measures:
        table["reporting_layer"] = _looked_up(ids, people_measures["person_id"], people_measures["reporting_layer"].astype(float), np.nan)
    else:
        table["reporting_layer"] = table["person_id"].map(_reporting_depths(graph)).astype(float)
    table["is_manager"] = table["span_of_control"] > 0
    given = (resources.balance["node"], resources.balance["given"].astype(float)) if not resources.balance.empty else None
    table["budget_given"] = _looked_up(ids, *given, 0.0) if given else np.zeros(len(ids))
    say = (decisions.rights["actor"], decisions.rights["deciding"]) if not decisions.rights.empty else None
    table["decision_rights"] = _looked_up(ids, *say, 0).astype(int) if say else np.zeros(len(ids), dtype=int)
    if "unit" in graph.people:
        table["unit"] = graph.people["unit"].astype("string").to_numpy()
    return table


def _looked_up(ids, keys: pd.Series, values: pd.Series, missing) -> np.ndarray:
    """``values`` of each of ``ids`` by its key (keys are distinct ids), ``missing`` where
    there is none: a ``Series.map`` by Arrow's hash look-up, not a text index."""
    found = pc.fill_null(pc.index_in(ids, value_set=id_text(keys)), -1).to_numpy(zero_copy_only=False).astype(np.int64)
    values = values.to_numpy()
    out = np.full(len(ids), missing, dtype=np.result_type(values.dtype, np.asarray(missing).dtype))
    out[found >= 0] = values[found[found >= 0]]
    return out


def people_table(model: OrgModel, people_measures: pd.DataFrame | None, power: pd.DataFrame, config: AuditConfig) -> pd.DataFrame:
    """people.csv: one row per person, the measures, and no group attribute."""
    keep = [c for c in PERSON_COLUMNS if c in model.people and c not in config.group_attributes]
    table = model.people[keep].astype({"person_id": str}).reset_index(drop=True)
    if people_measures is not None and not people_measures.empty:
        attributes = (set(model.people.columns) | set(config.group_attributes)) - {"person_id"}
        metric_cols = [c for c in people_measures.columns if c not in attributes and c != "person_id"]
        table = table.merge(
            people_measures[["person_id", *metric_cols]].astype({"person_id": str}), on="person_id", how="left"
        )
    # the power columns, unless the measures already hold them under their own names
    same = {"budget_given": "resources_given", "decision_rights": "decision_rights_deciding"}
    extra = [c for c in ("span_of_control", "reporting_layer", "budget_given", "decision_rights")
             if c not in table and same.get(c) not in table]
    if extra:
        table = table.merge(power[["person_id", *extra]], on="person_id", how="left")
    return table


def add_comparison(result: AuditResult, old: AuditResult, *, allow_disjoint: bool = False) -> None:
    """Add the change since ``old`` (an audit of an earlier snapshot) to ``result``:
    ``result.comparison``, its tables, and ``document["comparison"]``. Snapshots with no
    person id in common are refused (InputError) unless ``allow_disjoint``."""
    from orgpower.report.compare import compare_audits

    result.comparison = compare_audits(result, old, allow_disjoint=allow_disjoint)
    result.tables.update(result.comparison.pop("_tables"))
    result.document["comparison"] = result.comparison


@dataclass
class DirectReadings:
    """The readings taken straight from the org's ties and decisions, which need no
    measure: the decision-rights audit, the teams, the manager–report pairs, the
    resource flows and the units' readings (all but each unit's head, which needs the
    reporting layers measured)."""

    decisions: DecisionAudit
    teams: list[dict[str, Any]]
    team_count: int
    pairs: pd.DataFrame
    resources: ResourceAudit
    unit_groups: dict[str, Any] | None = None  # scopes.unit_group_readings (None: not taken)


def direct_readings(model: OrgModel, graph: OrgGraph, config: AuditConfig) -> DirectReadings:
    """:class:`DirectReadings` of one org (``graph`` is ``build_graph(model)``): they
    depend on nothing that :func:`~orgpower.metrics.org.measure_org` computes, so the
    pipeline may take them while the org is measured."""
    decisions = audit_decisions(model.decisions, model.people, config.thresholds)
    teams, team_count = team_readings(graph, config)
    pairs = pair_readings(graph)
    resources = audit_resources(graph.layers.get("flows"), model.people)
    # the units' block graphs and their trophic levels: half the readings' time at a
    # million people, taken here while the org is measured rather than after it
    unit_groups = unit_group_readings(graph, config)
    return DirectReadings(decisions, teams, team_count, pairs, resources, unit_groups)


def assemble_audit(
    model: OrgModel, graph: OrgGraph, measures: Any, config: AuditConfig, direct: DirectReadings | None = None,
) -> AuditResult:
    """Turn one org's measures into the audit: readings, findings, audit.json, every table.

    ``graph`` is ``build_graph(model)`` and ``measures`` is ``measure_org(graph, ...)``
    with ``config``'s settings; ``direct`` is ``direct_readings(model, graph, config)``
    if already taken (else it is taken here); :func:`orgpower.api.audit` runs the whole
    pipeline, and takes ``direct`` in a second process while the org is measured.
    """
    from orgpower.report.document import build_document
    from orgpower.report.findings import build_findings

    people_measures = getattr(measures, "people", None)
    direct = direct if direct is not None else direct_readings(model, graph, config)
    decisions, teams, team_count = direct.decisions, direct.teams, direct.team_count
    pairs, resources = direct.pairs, direct.resources
    layer_readings = {}
    for name, values in measures.layers.items():
        layer = graph.layers.get(name)
        extra = {"say_top_share": decisions.summary.get("say_top_share")} if name == "decisions" else {}
        layer_readings[name] = read_measures({"weighted": bool(layer.weighted) if layer is not None else False, **values, **extra},
                                             config.thresholds, layer=name)
    org_reading = combine_readings(layer_readings, config.thresholds)
    power = person_power(graph, people_measures, decisions, resources)
    groups = represent(model.people, power, config.group_attributes, k=config.min_group_size,
                       alpha=config.thresholds.representation_alpha)
    people = people_table(model, people_measures, power, config)
    units = unit_readings(graph, people_measures, config, read=direct.unit_groups)
    findings = build_findings(
        model=model, config=config, layer_readings=layer_readings, org_reading=org_reading,
        layer_measures=measures.layers, units=units, teams=teams, pairs=pairs,
        decisions=decisions, resources=resources, power=power, groups=groups, graph=graph,
    )
    result = AuditResult(
        document={}, people=people, tables={}, model=model, graph=graph, measures=measures,
        config=config, power=power, readings={"org": org_reading, **{f"layer:{k}": v for k, v in layer_readings.items()}},
    )
    result.document = build_document(
        model=model, graph=graph, config=config, measures=measures, layer_readings=layer_readings,
        org_reading=org_reading, units=units, teams=teams, team_count=team_count, pairs=pairs,
        decisions=decisions, resources=resources, power=power, groups=groups, findings=findings,
    )
    result.tables = _tables(result, layer_readings, units, teams, pairs, decisions, resources, power, groups, findings)
    return result


def _tables(result, layer_readings, units, teams, pairs, decisions, resources, power, groups, findings) -> dict[str, pd.DataFrame]:
    from orgpower.report.document import findings_table, layers_table, scopes_table, spans_layers_table, validation_table, inputs_table

    tables = {
        "findings": findings_table(findings),
        "layers": layers_table(result.measures.layers, layer_readings),
        "units": scopes_table(units),
        "teams": scopes_table(teams),
        "reporting_pairs": pairs,
        "people": result.people,
        "spans_layers": spans_layers_table(power),
        **decisions.tables(),
        **resources.tables(),
        "representation": representation_table(groups),
        "validation": validation_table(result.model),
        "inputs": inputs_table(result.model),
    }
    return tables
