"""Turning the library's records into what a page shows (no measure is computed here).

Pure functions from model / audit objects to DataFrames and text, so that they can be
unit-tested without Streamlit, plus :func:`show_value` that renders whatever shape the
audit document gives (dict, list of records, table).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd

from orgpower.dashboard.safe_text import plain
from orgpower.report.names import NAME_HIDDEN, NameSet, names_in  # noqa: F401 (the dashboard's names)
from orgpower.report.names import hide_names as without_names  # noqa: F401

PROBLEM_COLUMNS = ("severity", "code", "file", "row", "column", "message", "suggestion", "value", "ids")  # the words before the raw value: readable without scrolling sideways
INPUT_COLUMNS = ("file", "kind", "format", "vendor", "rows", "rows_used", "encoding", "delimiter", "sheet", "mapping")
MAPPING_COLUMNS = ("file", "kind", "orgpower column", "header in your file")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def display_uri(uri: str | None) -> str:
    """The URI without any user or password in it (safe to show and log).

    >>> display_uri("bolt://neo:secret@db.example:7687")
    'bolt://db.example:7687'
    """
    if not uri:
        return ""
    parts = urlsplit(uri)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def problems_frame(model: Any) -> pd.DataFrame:
    """One row per validation problem, errors first, then by file and row."""
    records = [p.to_dict() for p in getattr(model, "problems", [])]
    frame = pd.DataFrame.from_records(records, columns=list(PROBLEM_COLUMNS)) if records else pd.DataFrame(columns=list(PROBLEM_COLUMNS))
    if frame.empty:
        return frame
    frame["ids"] = frame["ids"].map(lambda ids: ", ".join(map(str, ids)) if isinstance(ids, (list, tuple)) else ids)
    frame["row"] = pd.array(frame["row"], dtype="Int64")
    frame["_order"] = frame["severity"].map(_SEVERITY_ORDER).fillna(3)
    frame = frame.sort_values(["_order", "file", "row"], kind="stable", na_position="first")
    return frame.drop(columns="_order").reset_index(drop=True)


def input_files_frame(model: Any) -> pd.DataFrame:
    """One row per file read: detected kind, format, vendor, rows read and used."""
    records = [f.to_dict() for f in getattr(model, "inputs", [])]
    if not records:
        return pd.DataFrame(columns=list(INPUT_COLUMNS))
    frame = pd.DataFrame.from_records(records)
    return frame[[c for c in INPUT_COLUMNS if c in frame.columns]]


NOT_USED = "(not used)"  # the mapping editor's choice for "no header feeds this column"


def mapping_frame(model: Any) -> pd.DataFrame:
    """The editable mapping: per file, every orgpower column of its kind and the header
    that feeds it (:data:`NOT_USED` when detection found none, so the user can pick one;
    an explicit choice, because the data editor draws an empty choice as a grey "None")."""
    try:
        from orgpower.ingest.schemas import SCHEMAS
    except ImportError:  # pragma: no cover - ingest is part of the package
        SCHEMAS = {}
    rows = []
    for f in getattr(model, "inputs", []):
        mapping = dict(f.mapping or {})
        schema = SCHEMAS.get(f.kind)
        canonical = list(schema.columns) if schema is not None else []
        canonical += [c for c in mapping if c not in canonical]
        for column in canonical:
            rows.append({"file": f.file, "kind": f.kind, "orgpower column": column, "header in your file": mapping.get(column) or NOT_USED})
    return pd.DataFrame(rows, columns=list(MAPPING_COLUMNS))


def mapping_from_frame(edited: pd.DataFrame, detected: pd.DataFrame | None = None) -> dict[str, Any]:
    """The user's corrections as ``read_org`` takes a mapping (ingest/mapping.py, "by file")::

        {"files": {file name: {"kind": k, "columns": {canonical: header}}}}

    Only rows whose header differs from ``detected`` are passed (detection keeps the rest,
    including pseudo-headers such as a decision matrix's "(cells)"); blank and
    :data:`NOT_USED` headers are skipped, since a mapping can name a column but not un-map
    one (:func:`unmapping_asked` lists those).
    """
    before: dict[tuple[str, str], str] = {}
    if detected is not None:
        for row in detected.to_dict("records"):
            before[(str(row["file"]), str(row["orgpower column"]))] = str(row.get("header in your file") or "")
    files: dict[str, Any] = {}
    for row in edited.to_dict("records"):
        file, canonical, header = row.get("file"), row.get("orgpower column"), row.get("header in your file")
        if not _present(file) or not _present(canonical) or not _present(header) or header == NOT_USED:
            continue
        if before.get((str(file), str(canonical))) == str(header):
            continue
        name = str(file).replace("\\", "/").rsplit("/", 1)[-1]
        entry = files.setdefault(name, {"kind": row.get("kind") if _present(row.get("kind")) else None, "columns": {}})
        entry["columns"][str(canonical).strip()] = str(header).strip()
    return {"files": files} if files else {}


def unmapping_asked(edited: pd.DataFrame, detected: pd.DataFrame) -> list[str]:
    """The orgpower columns the user set to :data:`NOT_USED` although detection had mapped
    them (a mapping cannot leave out a detected column: the page says so).

    >>> d = pd.DataFrame({"file": ["p.csv"] * 2, "orgpower column": ["unit", "title"], "header in your file": ["Dept", NOT_USED]})
    >>> e = d.assign(**{"header in your file": [NOT_USED, NOT_USED]})
    >>> unmapping_asked(e, d)
    ['unit']
    """
    before = {(str(r["file"]), str(r["orgpower column"])): r.get("header in your file") for r in detected.to_dict("records")}
    asked = []
    for row in edited.to_dict("records"):
        was = before.get((str(row["file"]), str(row["orgpower column"])))
        if row.get("header in your file") in (NOT_USED, None, "") and _present(was) and was != NOT_USED:
            asked.append(str(row["orgpower column"]))
    return asked


def present(value: Any) -> bool:
    """Whether a cell holds something to show (not None, NaN, <NA> or blank)."""
    return _present(value)


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(str(value).strip()) and str(value) != "<NA>"


MONEY_WORDS = ("amount", "budget", "given", "received", "returned", "one_way", "cost", "net", "balance", "resources", "surplus")
SHARE_WORDS = ("share", "percent")
CURRENCY_PRESETS = {"EUR": "euro", "USD": "dollar", "JPY": "yen"}
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "JPY": "¥"}


def column_config(frame: pd.DataFrame, *, currency: str | None = None) -> dict[str, Any]:
    """How each numeric column of a table is shown: counts with thousands separators,
    money in its currency (or with the currency in the title), shares as percent, other
    measures to three decimals at most, never in scientific notation."""
    import streamlit as st

    config: dict[str, Any] = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        name = str(column).lower()
        if any(w in name for w in SHARE_WORDS) and not name.endswith("people"):
            config[column] = st.column_config.NumberColumn(format="percent")
        elif currency and any(w in name for w in MONEY_WORDS) and "count" not in name and "ties" not in name:
            preset = CURRENCY_PRESETS.get(currency.upper())
            config[column] = st.column_config.NumberColumn(f"{column}" if preset else f"{column} ({currency})", format=preset or "localized")
        else:
            config[column] = st.column_config.NumberColumn(format="localized")
    return config


def tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for showing: text gaps blank rather than ``None``, lists as text; numbers
    stay numbers (so a column sorts by value), and their gaps (a suppressed or undefined
    cell) are drawn as :data:`MISSING` by the table's ``placeholder``, never left blank.

    >>> tidy_frame(pd.DataFrame({"share": [0.25, None], "unit": ["A", None]})).to_dict("records")
    [{'share': 0.25, 'unit': 'A'}, {'share': nan, 'unit': ''}]
    """
    shown = frame.copy()
    for column in shown.columns:
        series = shown[column]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            continue
        shown[column] = series.map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else ("" if not _present(v) else str(v)))
    return shown


MISSING = "—"  # what every table draws in a number's gap (pass as st.dataframe's placeholder)


def frame_currency(flows: pd.DataFrame | None) -> str | None:
    """The one currency of the flows, or None when there are none or several."""
    if flows is None or "currency" not in getattr(flows, "columns", ()):
        return None
    values = flows["currency"].dropna().astype(str).str.strip().str.upper().unique()
    return str(values[0]) if len(values) == 1 and values[0] else None


def change_sentences(comparison: Mapping[str, Any], tables: Mapping[str, pd.DataFrame], *, names: Mapping[str, str] | None = None) -> list[str]:
    """What changed where, in sentences, from the audit's comparison block and its
    ``change_*`` tables (plain text: the caller escapes it for Markdown).

    >>> c = {"org_label": {"old": "power-over", "new": "mixed"}, "layer_labels": {"flows": {"old": "power-over", "new": "mutual"}},
    ...      "people_joined": 2, "people_left": 0, "people_gained": 1, "people_lost": 3, "units_changed": 1,
    ...      "arcs_turned_one_way": 0, "arcs_turned_mutual": 4}
    >>> t = {"change_units": pd.DataFrame({"unit": ["OPS"], "span_of_control_change": [2]}),
    ...      "change_arcs": pd.DataFrame({"layer": ["flows"] * 4, "turned": ["mutual"] * 4})}
    >>> for line in change_sentences(c, t): print(line)
    The organisation read as power-over and now reads as mixed.
    Layers whose reading changed: flows (power-over to mutual).
    2 people joined and 0 left; 1 gained power (span, budget or decision rights) and 3 lost some.
    1 unit changed: OPS.
    4 ties turned mutual (returned) and 0 turned one-way, most in flows (4).
    """
    names = names or {}
    lines = []
    org = comparison.get("org_label") or {}
    if org.get("old") == org.get("new"):
        lines.append(f"The organisation reads as {org.get('new') or 'undetermined'}, as it did before.")
    else:
        lines.append(f"The organisation read as {org.get('old') or 'undetermined'} and now reads as {org.get('new') or 'undetermined'}.")
    turned = [f"{layer} ({v.get('old') or 'absent'} to {v.get('new')})" for layer, v in (comparison.get("layer_labels") or {}).items() if v.get("old") != v.get("new")]
    lines.append("Layers whose reading changed: " + ", ".join(turned) + "." if turned else "No layer changed its reading.")
    lines.append(
        f"{comparison.get('people_joined', 0):,} people joined and {comparison.get('people_left', 0):,} left; "
        f"{comparison.get('people_gained', 0):,} gained power (span, budget or decision rights) and {comparison.get('people_lost', 0):,} lost some."
    )
    units = tables.get("change_units")
    if units is not None and not units.empty and "unit" in units:
        change_columns = [c for c in units.columns if str(c).endswith("_change")]
        size = units[change_columns].abs().sum(axis=1) if change_columns else pd.Series(0, index=units.index)
        top = units.assign(_size=size).sort_values(["_size", "unit"], ascending=[False, True], kind="stable")["unit"].astype(str).tolist()
        listed = ", ".join(top[:5]) + (f" and {len(top) - 5} more" if len(top) > 5 else "")
        lines.append(f"{len(top):,} unit{'s' if len(top) != 1 else ''} changed: {listed}.")
    else:
        lines.append("No unit's span, budget or decision rights changed.")
    arcs = tables.get("change_arcs")
    mutual, one_way = comparison.get("arcs_turned_mutual", 0), comparison.get("arcs_turned_one_way", 0)
    if mutual or one_way:
        where = ""
        if arcs is not None and not arcs.empty and "layer" in arcs:
            counts = arcs["layer"].astype(str).value_counts()
            counts = counts.sort_index().sort_values(ascending=False, kind="stable")
            where = f", most in {counts.index[0]} ({int(counts.iloc[0]):,})"
        lines.append(f"{mutual:,} ties turned mutual (returned) and {one_way:,} turned one-way{where}.")
    else:
        lines.append("No tie turned from returned to one-way or back.")
    return lines


def layer_table(layers: Mapping[str, Mapping[str, Any]], keys: tuple[str, ...]) -> pd.DataFrame:
    """Layers as rows, the chosen measure keys as columns (``None`` stays empty)."""
    rows = []
    for name, measures in layers.items():
        row = {"layer": name}
        row.update({key: measures.get(key) for key in keys if key in measures})
        rows.append(row)
    return pd.DataFrame(rows)


def records_frame(records: Any) -> pd.DataFrame | None:
    """A list of flat-ish dicts as a table (nested values shown as text), else None."""
    if isinstance(records, pd.DataFrame):
        return records
    if not isinstance(records, list) or not records or not all(isinstance(r, Mapping) for r in records):
        return None
    flat = []
    for record in records:
        flat.append({k: (_short(v) if isinstance(v, (dict, list, tuple)) else v) for k, v in record.items()})
    return pd.DataFrame(flat)


def _short(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_fmt(v)}" for k, v in value.items())
    return ", ".join(_fmt(v) for v in value)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != 0 and abs(value) < 0.001:  # small but not zero: fixed notation, three significant digits
            return f"{value:.{2 - int(math.floor(math.log10(abs(value))))}f}"
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, (dict, list, tuple)):
        return _short(value)
    return str(value)


def thin_curve(curve: pd.DataFrame, max_points: int = 1_000) -> pd.DataFrame:
    """At most ``max_points`` evenly spaced rows of a curve, always with its first and last
    row, for drawing (a line of 100,000 points costs the browser seconds and looks the
    same as 1,000). The full table stays available for download.

    >>> thin_curve(pd.DataFrame({"x": range(10)}), 4)["x"].tolist()
    [0, 3, 6, 9]
    """
    if len(curve) <= max_points:
        return curve
    rows = np.unique(np.linspace(0, len(curve) - 1, max_points).round().astype(int))
    return curve.iloc[rows]


def reading_phrase(reading: Mapping[str, Any], emphasis: str = "**") -> str:
    """A reading's label, emphasised, with its sub-labels: ``**mutual** (shared)``."""
    label = f"{emphasis}{reading.get('label') or 'undetermined'}{emphasis}"
    sublabels = reading.get("sublabels") or []
    return f"{label} ({', '.join(sublabels)})" if sublabels else label


def number(value: Any, digits: int = 3) -> str:
    """A measure for display: ``—`` when undefined (None/NaN).

    >>> number(0.123456), number(None), number(12)
    ('0.123', '—', '12')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def counted(count: int, one: str, many: str) -> str:
    """``count`` with its noun: ``counted(1, "decision", "decisions")`` is "1 decision",
    ``counted(4200, ...)`` is "4,200 decisions"."""
    return f"{count:,} {one if count == 1 else many}"


def picker_cut(total: int, listed: int, search_by: str, *, searched: bool) -> str:
    """The sentence under a picker that carries only the first ``listed`` of ``total``
    matches (a picker of every decision of a large org would be megabytes on each visit).

    >>> picker_cut(420_000, 200, "an id or title", searched=False)
    'The list holds the first 200 of the 420,000; type part of an id or title to find the others.'
    """
    if total <= listed:
        return ""
    return f"The list holds the first {listed:,} of the {total:,}; " + (
        f"type more of {search_by} to narrow it." if searched else f"type part of {search_by} to find the others."
    )


def person_label(people: pd.DataFrame, *, names: bool = True) -> pd.Series:
    """How pickers and searches show each person, indexed by person_id: ``name (title) · id``
    when ``names``, else ``id (title)``.

    >>> p = pd.DataFrame({"person_id": ["1", "2"], "name": ["Ada", None], "title": ["CEO", None]})
    >>> person_label(p).tolist(), person_label(p, names=False).tolist()
    (['Ada (CEO) · 1', '2 · 2'], ['1 (CEO)', '2'])
    """
    ids = people["person_id"].astype(str)
    title = people["title"].astype("string").fillna("") if "title" in people else pd.Series("", index=people.index)
    titled = title.map(lambda t: f" ({t})" if t else "")
    if not names:
        return pd.Series((ids + titled).to_numpy(), index=ids.to_numpy())
    name = people["name"].astype("string").fillna("") if "name" in people else pd.Series("", index=people.index)
    label = name.where(name != "", ids) + titled + " · " + ids
    return pd.Series(label.to_numpy(), index=ids.to_numpy())


def person_display(people: pd.DataFrame, *, names: bool = True) -> dict[str, str]:
    """How each person is shown: their name (the id when blank) when ``names``, else the id.

    >>> p = pd.DataFrame({"person_id": ["1", "2"], "name": ["Ada", None]})
    >>> person_display(p), person_display(p, names=False)
    ({'1': 'Ada', '2': '2'}, {'1': '1', '2': '2'})
    """
    ids = people["person_id"].astype(str)
    if not names or "name" not in people:
        return dict(zip(ids.tolist(), ids.tolist()))
    name = people["name"].astype("string").str.strip()
    shown = name.where(name.fillna("") != "", ids)
    # lists, not the columns: iterating an Arrow-backed column costs 1.8 s CPU at 1,000,000 people, its list 0.1 s
    return dict(zip(ids.tolist(), shown.astype(str).tolist()))


def named_value(name: str, value: Any, *, currency: str | None = None, money: tuple[str, ...] = ()) -> str:
    """A measure named ``name`` as a table cell, as :func:`column_config` shows its column:
    shares as percent, money (a money word, or a name in ``money``) with its currency.

    >>> named_value("returned_share", 0.8891), named_value("total", 3137255.0, currency="EUR", money=("total",))
    ('88.9%', '€3,137,255.00')
    >>> named_value("net_givers", 62), named_value("gini_given", 0.2204), named_value("gini_given_count", 3, currency="EUR")
    ('62', '0.22', '3')
    """
    lowered = name.lower()
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and math.isnan(value)):
        return _fmt(value) if value is not None else MISSING
    if any(w in lowered for w in SHARE_WORDS) and not lowered.endswith("people"):
        return f"{value:.1%}"
    is_money = lowered in money or (any(w in lowered for w in MONEY_WORDS) and not any(w in lowered for w in ("count", "ties", "givers", "takers", "people", "gini", "hhi")))
    if currency and is_money:
        symbol = CURRENCY_SYMBOLS.get(currency.upper())  # as the tables' currency formats show it
        return f"{symbol}{value:,.2f}" if symbol else f"{value:,.2f} {currency}"
    return _fmt(value)


def show_value(value: Any, *, key: str, currency: str | None = None, money: tuple[str, ...] = ()) -> None:
    """Render any part of the audit document: a table when it is tabular, JSON otherwise.
    Key-value pairs are shown as :func:`named_value` formats them."""
    import streamlit as st

    frame = records_frame(value)
    if frame is not None:
        st.dataframe(frame, hide_index=True, width="stretch", key=f"value_{key}", placeholder=MISSING)
    elif isinstance(value, Mapping) and value and all(isinstance(v, Mapping) and all(not isinstance(x, (dict, list)) for x in v.values()) for v in value.values()):
        table = pd.DataFrame.from_dict({k: dict(v) for k, v in value.items()}, orient="index").rename_axis("").reset_index()
        st.dataframe(table, hide_index=True, width="stretch", key=f"value_{key}", placeholder=MISSING)
    elif not isinstance(value, (Mapping, list, tuple)) and value is not None:
        st.markdown(f"**{plain(number(value))}**")
    elif isinstance(value, (list, tuple)) and value and all(not isinstance(v, (dict, list)) for v in value):
        st.markdown(plain(", ".join(_fmt(v) for v in value)))
    elif isinstance(value, Mapping) and value and all(not isinstance(v, (dict, list)) for v in value.values()):
        cells = [named_value(str(k), v, currency=currency, money=money) for k, v in value.items()]
        st.dataframe(pd.DataFrame({"key": list(value), "value": cells}), hide_index=True, width="stretch", key=f"value_{key}")
    elif value in (None, [], {}):
        st.caption("Nothing to show.")
    else:
        st.json(value, expanded=1)
