"""audit.json (docs/data-dictionary.md) and the flat tables built from the same numbers.

The same input gives a byte-identical file: keys sorted, no timestamps, floats rounded
to 10 significant digits, NaN and infinities written as ``null``, numpy scalars turned
into plain numbers (:func:`dumps`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from orgpower import __version__
from orgpower.graph.layers import OrgGraph
from orgpower.model import OrgModel
from orgpower.report.config import AuditConfig
from orgpower.report.decisions import DecisionAudit
from orgpower.report.json_text import dumps_indented
from orgpower.report.names import hide_names, quoted_names
from orgpower.report.readings import Reading
from orgpower.report.resources import ResourceAudit

SCHEMA_VERSION = 1
SIGNIFICANT_DIGITS = 10
# Below this a float is floating-point round-off, not a value: every measure we write
# (densities of 10^6-person orgs ~1e-6 included) is far above it.
ROUNDOFF_ZERO = 1e-12


def clean(value: Any) -> Any:
    """A JSON-safe copy: plain types, rounded floats, ``None`` for NaN/inf/NA."""
    # the plain types first, by exact type (a document holds hundreds of thousands of
    # values; isinstance against Mapping is the slow part of the general form)
    kind = type(value)
    if kind is dict:
        return {k if type(k) is str else str(k): clean(v) for k, v in value.items()}
    if kind is list:
        return [clean(v) for v in value]
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return _clean_float(value)
    return _clean_other(value)


def _clean_float(x: float) -> float | None:
    if not math.isfinite(x):
        return None
    if abs(x) < ROUNDOFF_ZERO:  # solver round-off (F0 = 3.8e-31 on a tree) is zero
        return 0.0
    rounded = float(f"{x:.{SIGNIFICANT_DIGITS}g}")
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def _clean_other(value: Any) -> Any:
    """:func:`clean` of every value that is not a plain dict, list, str, int, bool, float or None."""
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [clean(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, np.ndarray):
        return [clean(v) for v in value.tolist()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _clean_float(float(value))
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def dumps(document: Mapping[str, Any]) -> str:
    """The canonical text of audit.json: ``json.dumps(clean(document), sort_keys=True,
    indent=2, ensure_ascii=False, allow_nan=False)`` and a final new line (the same text,
    laid out by :func:`~orgpower.report.json_text.dumps_indented`)."""
    return dumps_indented(clean(document), sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _org_block(model: OrgModel, graph: OrgGraph, power: pd.DataFrame) -> dict[str, Any]:
    managers = power[power["is_manager"]]
    return {
        "people": int(len(model.people)),
        "roots": model.roots,
        "units": int(len(model.units)) if not model.units.empty else int(model.people["unit"].nunique()) if "unit" in model.people else 0,
        "layers": int(power["reporting_layer"].max()) if power["reporting_layer"].notna().any() else 0,
        "max_span": int(managers["span_of_control"].max()) if len(managers) else 0,
        "mean_span": float(managers["span_of_control"].mean()) if len(managers) else None,
        "managers": int(len(managers)),
        "graph_layers": sorted(graph.layers),
    }


def _validation_block(model: OrgModel) -> dict[str, Any]:
    # audit.json never holds names: the names a message quotes are hidden
    names = quoted_names(model)

    def record(p) -> dict[str, Any]:
        d = p.to_dict()
        d["message"], d["suggestion"] = hide_names(d["message"], names), hide_names(d["suggestion"], names)
        return {k: d.get(k) for k in ("code", "severity", "message", "file", "row", "column", "suggestion", "ids")}

    return {
        "errors": [record(p) for p in model.errors],
        "warnings": [record(p) for p in model.warnings],
        "info": [record(p) for p in model.problems if p.severity == "info"],
    }


def build_document(*, model: OrgModel, graph: OrgGraph, config: AuditConfig, measures: Any,
                   layer_readings: Mapping[str, Reading], org_reading: Reading, units: list[dict], teams: list[dict],
                   team_count: int, pairs: pd.DataFrame, decisions: DecisionAudit, resources: ResourceAudit,
                   power: pd.DataFrame, groups: list[dict], findings: list[dict]) -> dict[str, Any]:
    """The audit.json dict (docs/data-dictionary.md)."""
    layers = {}
    for name, values in measures.layers.items():
        layers[name] = {**values, "reading": layer_readings[name].to_dict() if name in layer_readings else None}
    pair_counts = pairs["label"].value_counts().to_dict() if not pairs.empty else {}
    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "orgpower", "version": __version__},
        "inputs": [
            {"file": i.file, "sha256": i.sha256, "format": i.format, "kind": i.kind, "vendor": i.vendor,
             "rows": i.rows, "rows_used": i.rows_used}
            for i in model.inputs
        ],
        "org": _org_block(model, graph, power),
        "validation": _validation_block(model),
        "layers": layers,
        "structure": getattr(measures, "structure", {}) or {},
        "units": units,
        "teams": teams,
        "teams_read": {"read": len(teams), "teams": team_count, "order": "largest first"},
        "reporting_pairs": {"pairs": int(len(pairs)), "labels": pair_counts},
        "groups": groups,
        "decisions": decisions.summary,
        "resources": resources.summary,
        "findings": findings,
        "classification": {
            "org": org_reading.to_dict(),
            "layers": {name: r.to_dict() for name, r in layer_readings.items()},
        },
        "settings": config.to_dict(),
    }
    return clean(document)


# --- flat tables (xlsx sheets, dashboard) -----------------------------------------------

def findings_table(findings: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{
        "rank": f["rank"], "severity": f["severity"], "title": f["title"], "summary": f["summary"],
        "where": "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in sorted(f["where"].items())),
        "compared_with": json.dumps(clean(f["compared_with"]), sort_keys=True),
        "metrics": json.dumps(clean(f["metrics"]), sort_keys=True),
        "definition": ", ".join(f["definition"]["glossary"]),
        "recommendation": f["recommendation"], "id": f["id"],
    } for f in findings]
    return pd.DataFrame(rows, columns=["rank", "severity", "title", "summary", "where", "compared_with", "metrics",
                                       "definition", "recommendation", "id"])


def layers_table(layer_measures: Mapping[str, Mapping[str, Any]], readings: Mapping[str, Reading]) -> pd.DataFrame:
    rows = []
    for name, values in sorted(layer_measures.items()):
        reading = readings.get(name)
        row = {"layer": name, "label": reading.label if reading else None,
               "sublabels": ", ".join(reading.sublabels) if reading else None}
        if reading:
            row.update({f"{axis}_score": score for axis, score in reading.scores.items()})
        row.update({k: v for k, v in values.items() if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)})
        rows.append(row)
    return pd.DataFrame(rows)


def scopes_table(records: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for r in records:
        row = {"id": r["id"], "head": r["head"], "unit": r["unit"], "size": r["size"], "label": r["label"],
               "sublabels": ", ".join(r["sublabels"])}
        row.update({f"{axis}_score": s for axis, s in r["scores"].items()})
        row.update({f"{layer}_label": v["label"] for layer, v in r["layers"].items()})
        row["evidence"] = " | ".join(r["evidence"])
        rows.append(row)
    return pd.DataFrame(rows)


SPAN_BUCKETS = ((0, 0, "0"), (1, 2, "1-2"), (3, 5, "3-5"), (6, 8, "6-8"), (9, 15, "9-15"), (16, 10**9, "16+"))


def spans_layers_table(power: pd.DataFrame) -> pd.DataFrame:
    """People per reporting layer and span bucket (the heatmap of the report).

    One grouped pass (O(n)): a loop over layers cost O(layers × n), minutes on a chain."""
    p = power.dropna(subset=["reporting_layer"])
    layer = p["reporting_layer"].to_numpy(dtype=np.float64)
    span = p["span_of_control"].to_numpy(dtype=np.float64)
    layers, index = np.unique(layer, return_inverse=True)
    count = len(layers)
    people = np.bincount(index, minlength=count)
    buckets = {name: np.bincount(index, weights=(span >= lo) & (span <= hi), minlength=count).astype(int)
               for lo, hi, name in SPAN_BUCKETS}
    managed = span > 0
    managers = np.bincount(index, weights=managed, minlength=count)
    span_sum = np.bincount(index, weights=np.where(managed, span, 0.0), minlength=count)
    rows = []
    for k in range(count):
        row = {"reporting_layer": int(layers[k]), "people": int(people[k])}
        for _, _, name in SPAN_BUCKETS:
            row[f"span {name}"] = int(buckets[name][k])
        row["mean_span"] = float(span_sum[k] / managers[k]) if managers[k] else None
        rows.append(row)
    return pd.DataFrame(rows)


def validation_table(model: OrgModel) -> pd.DataFrame:
    """Every problem as a row; the names the messages quote are hidden, as in audit.json."""
    columns = ["severity", "code", "file", "row", "column", "value", "message", "suggestion"]
    names = quoted_names(model)

    def cell(problem, column: str) -> Any:
        value = getattr(problem, column)
        return hide_names(value, names) if column in ("value", "message", "suggestion") and isinstance(value, str) else value

    return pd.DataFrame([{c: cell(p, c) for c in columns} for p in model.problems], columns=columns)


def inputs_table(model: OrgModel) -> pd.DataFrame:
    columns = ["file", "kind", "format", "vendor", "rows", "rows_used", "sha256"]
    return pd.DataFrame([{c: getattr(i, c) for c in columns} for i in model.inputs], columns=columns)
