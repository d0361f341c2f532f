"""What ``orgpower validate`` prints: a headline about the org, then every problem grouped
by code with its rows (or, with ``--json``, the same as a deterministic JSON document)."""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from typing import Any

import numpy as np

from orgpower.ingest.validate import CODES, parent_index, reporting_depth
from orgpower.model import OrgModel, Problem

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")  # no terminal escapes from file contents


def org_summary(model: OrgModel) -> dict[str, Any]:
    """Headline numbers of the solid reporting line.

    ``layers`` is the length of the longest chain from a top down (a top alone is 1
    layer); ``max_span`` / ``mean_span`` count direct reports over people who have at
    least one (``mean_span`` is ``None`` without any manager).
    """
    people = model.people
    solid = model.reporting[model.reporting["line"] == "solid"]
    manager = people[["person_id"]].merge(
        solid.rename(columns={"source": "manager", "target": "person_id"})[["person_id", "manager"]],
        on="person_id", how="left",
    )["manager"]
    parent = parent_index(people["person_id"], manager) if len(people) else np.array([], dtype=np.int64)
    depth = reporting_depth(parent) if len(parent) else np.array([], dtype=np.int64)
    spans = solid["source"].value_counts()
    kinds = people["kind"].value_counts() if "kind" in people else {}
    return {
        "people": int(len(people)),
        "fte_groups": int(kinds.get("fte_group", 0)),
        "roots": int((parent < 0).sum()),
        "layers": int(depth.max()) if len(depth) else 0,
        "max_span": int(spans.max()) if len(spans) else 0,
        "mean_span": round(float(spans.mean()), 2) if len(spans) else None,
        "dotted_lines": int((model.reporting["line"] == "dotted").sum()),
        "flows": int(len(model.flows)),
        "decisions": int(model.decisions["decision"].nunique()) if len(model.decisions) else 0,
        "relations": int(len(model.relations)),
        "units": int(len(model.units)),
        "errors": len(model.errors),
        "warnings": len(model.warnings),
    }


def _clean(text: object) -> str:
    return _CONTROL.sub("?", str(text))


def _grouped(problems: list[Problem]) -> "OrderedDict[str, list[Problem]]":
    ordered = sorted(
        enumerate(problems),
        key=lambda item: (_SEVERITY_ORDER.get(item[1].severity, 3), list(CODES).index(item[1].code)
                          if item[1].code in CODES else len(CODES), item[1].code, item[0]),
    )
    groups: OrderedDict[str, list[Problem]] = OrderedDict()
    for _, problem in ordered:
        groups.setdefault(f"{problem.code}|{problem.severity}", []).append(problem)
    return groups


def format_validation(model: OrgModel, show_mapping: bool = False) -> str:
    """A readable report: the headline, then problems grouped by code (errors first)."""
    s = org_summary(model)
    mean = "-" if s["mean_span"] is None else f"{s['mean_span']:.2f}"
    people = f"{s['people']} people" + (f" (of which {s['fte_groups']} FTE groups)" if s["fte_groups"] else "")
    lines = [
        f"{people}, {s['roots']} root{'s' if s['roots'] != 1 else ''}, {s['layers']} layers, "
        f"max span {s['max_span']}, mean span {mean}; {s['errors']} errors, {s['warnings']} warnings",
    ]
    extras = [f"{s[k]} {label}" for k, label in (("dotted_lines", "dotted lines"), ("flows", "flows"),
                                                  ("decisions", "decisions"), ("relations", "relations"),
                                                  ("units", "units")) if s[k]]
    if extras:
        lines.append("Also read: " + ", ".join(extras) + ".")
    if show_mapping:
        lines.append("")
        lines.append("Files read:")
        for item in model.inputs:
            how = [f"kind {item.kind}", f"format {item.vendor}", item.format]
            if item.encoding:
                how.append(f"encoding {item.encoding}")
            if item.delimiter:
                how.append(f"delimiter {item.delimiter!r}")
            if item.sheet:
                how.append(f"sheet {item.sheet!r}")
            lines.append(f"  {_clean(item.file)}: {', '.join(how)}; {item.rows} rows, {item.rows_used} used")
            if item.close_formats:
                lines.append(f"      (its headers also fit {', '.join(item.close_formats)}; the richer match "
                             f"{item.vendor} was taken)")
            for canonical, header in item.mapping.items():
                lines.append(f"      {canonical:<20} <- {_clean(header)}")
    for key, problems in _grouped(model.problems).items():
        code, severity = key.split("|")
        lines.append("")
        lines.append(f"{code} ({severity}, {len(problems)}):")
        suggestions = {p.suggestion for p in problems}
        for problem in problems:
            lines.append(f"  - {_clean(problem.message)}")
            if len(suggestions) > 1 and problem.suggestion:
                lines.append(f"    What to do: {_clean(problem.suggestion)}")
        if len(suggestions) == 1 and problems[0].suggestion:
            lines.append(f"  What to do: {_clean(problems[0].suggestion)}")
    if not model.problems:
        lines.append("No problems found.")
    return "\n".join(lines)


def validation_json(model: OrgModel) -> str:
    """The same report as JSON: ``org``, ``inputs``, ``validation`` {errors, warnings, info};
    keys sorted, so the same input gives the same bytes."""
    by_severity: dict[str, list[dict[str, Any]]] = {"errors": [], "warnings": [], "info": []}
    names = {"error": "errors", "warning": "warnings", "info": "info"}
    for problem in model.problems:
        by_severity[names.get(problem.severity, "info")].append(problem.to_dict())
    document = {
        "org": org_summary(model),
        "inputs": [item.to_dict() for item in model.inputs],
        "validation": by_severity,
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)


def refusal_json(error: Exception) -> str:
    """What ``validate --json`` prints when the input is refused as a whole (no people
    table, a path that does not exist, a malformed mapping): the same document, with no
    org, and the refusal as its one error (code ``input_refused`` or ``usage_error``)."""
    from orgpower.errors import UsageError

    code = "usage_error" if isinstance(error, UsageError) else "input_refused"
    message = getattr(error, "message", str(error))
    problem = Problem(code=code, severity="error", message=message,
                      suggestion="Give a folder or files with a people table; see docs/input-formats.md.")
    document = {
        "org": None,
        "inputs": [],
        "refused": message,
        "validation": {"errors": [problem.to_dict()], "warnings": [], "info": []},
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)
