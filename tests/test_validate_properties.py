"""Property tests: whatever the bytes or rows, reading raises nothing but the product's own
errors, every row is accounted for, and the solid reporting line is a forest."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgpower.api import read_org
from orgpower.errors import OrgpowerError
from orgpower.ingest.validate import parent_index, reporting_depth

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        try:
            return read_org([folder])
        except OrgpowerError:
            return None


@SETTINGS
@given(
    magic=st.sampled_from([b"", b"PK\x03\x04", b"PAR1", b"\xef\xbb\xbf", b"\xff\xfe", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    content=st.binary(max_size=2000),
    name=st.sampled_from(["people.csv", "people.xlsx", "people.parquet", "flows.txt"]),
)
def test_arbitrary_bytes_raise_only_orgpower_errors(magic, content, name):
    # File signatures first, so that the XLSX, Parquet and UTF-16 readers get garbage too.
    _read({name: magic + content})


@SETTINGS
@given(content=st.binary(max_size=1000))
def test_arbitrary_bytes_beside_a_good_people_file_leave_the_people_usable(content):
    model = _read({"people.csv": b"person_id,manager_id\na,\nb,a\n", "flows.csv": content})
    assert model is not None and sorted(model.people["person_id"]) == ["a", "b"]


_cell = st.one_of(
    st.sampled_from(["", " ", "a", "b", "c", "007", "7", "XX", "Board of Directors", "-1", "1,5", "N/D", "A/R", "x;y"]),
    st.text(max_size=6),
)


@SETTINGS
@given(
    header=st.lists(st.sampled_from(["person_id", "manager_id", "name", "fte", "Reports To", "Dotted Line Manager",
                                     "unit", "misc", "person_id"]), min_size=1, max_size=6),
    rows=st.lists(st.lists(_cell, min_size=0, max_size=7), max_size=25),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_arbitrary_people_rows_raise_only_orgpower_errors(header, rows, delimiter):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    model = _read({"people.csv": buffer.getvalue().encode("utf-8")})
    if model is None:
        return
    # Every input row is used or explained: rows_used never exceeds rows.
    for item in model.inputs:
        assert 0 <= item.rows_used <= item.rows
    # The solid reporting line is a forest: at most one manager each, no cycle, ends are people.
    solid = model.reporting[model.reporting["line"] == "solid"]
    assert not solid["target"].duplicated().any()
    ids = set(model.people["person_id"])
    assert set(solid["source"]) <= ids and set(solid["target"]) <= ids
    manager = model.people[["person_id"]].merge(
        solid.rename(columns={"source": "m", "target": "person_id"}), on="person_id", how="left")["m"]
    parent = parent_index(model.people["person_id"], manager)
    depth = reporting_depth(parent)
    assert depth.max(initial=0) <= len(parent)


@SETTINGS
@given(
    rows=st.lists(st.tuples(_cell, _cell, _cell, _cell), max_size=25),
    kind=st.sampled_from(["flows", "decisions", "relations", "raci"]),
)
def test_arbitrary_flow_decision_relation_rows_raise_only_orgpower_errors(rows, kind):
    headers = {"flows": ["source", "target", "amount", "kind"], "decisions": ["decision", "actor", "role", "affects"],
               "relations": ["source", "target", "relation", "weight"], "raci": ["Decision", "a", "b", "c"]}[kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    model = _read({"people.csv": b"person_id,manager_id,unit\na,,U\nb,a,U\nc,a,V\n", f"{kind}.csv": buffer.getvalue().encode()})
    assert model is not None
    if len(model.flows):
        assert (model.flows["amount"] >= 0).all() and np.isfinite(model.flows["amount"]).all()


@SETTINGS
@given(parents=st.lists(st.integers(min_value=-1, max_value=30), min_size=1, max_size=30))
def test_cycles_are_always_broken_so_depth_is_finite(parents):
    ids = [f"p{i}" for i in range(len(parents))]
    lines = ["person_id,manager_id"] + [f"{pid},{'' if p < 0 or p >= len(ids) else ids[p]}" for pid, p in zip(ids, parents)]
    model = _read({"people.csv": ("\n".join(lines) + "\n").encode()})
    solid = model.reporting[model.reporting["line"] == "solid"]
    manager = model.people[["person_id"]].merge(
        solid.rename(columns={"source": "m", "target": "person_id"}), on="person_id", how="left")["m"]
    depth = reporting_depth(parent_index(model.people["person_id"], manager))
    assert depth.max() <= len(ids)
    cut = [p for p in model.problems if p.code == "reporting_cycle"]
    assert len(model.roots) == sum(1 for pid, p in zip(ids, parents) if p < 0 or p >= len(ids) or ids[p] == pid) + len(cut)


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(["", "a", "b", "c", "d", "007", "7"]),
                               st.sampled_from(["", "a", "b", "c", "zz", "Board"])), min_size=1, max_size=30))
def test_every_people_row_is_used_or_set_aside_with_a_reason(rows):
    text = "person_id,manager_id\n" + "".join(f"{pid},{manager}\n" for pid, manager in rows)
    model = _read({"people.csv": text.encode()})
    filled = [pid for pid, _ in rows if pid]
    if not filled:
        assert model is None  # nothing usable: an InputError
        return
    [item] = model.inputs
    blank_rows, repeated_rows = len(rows) - len(filled), len(filled) - len(set(filled))
    assert item.rows - item.rows_used == blank_rows + repeated_rows
    codes = {p.code for p in model.problems}
    assert (blank_rows > 0) == ("blank_id" in codes)
    assert (repeated_rows > 0) == ("duplicate_id" in codes)
    assert sorted(model.people["person_id"]) == sorted(set(filled))
