"""Unit tests of the dashboard's pure parts: the launcher's command, login hashes,
formula-safe exports, the problem and mapping views, the org chart and the power map's
unit aggregation. (The pages themselves are tested with AppTest in test_dashboard_pages.py.)"""

from __future__ import annotations

import base64
import hashlib
import io

import numpy as np
import pandas as pd
import pytest

from orgpower.dashboard import auth, launch
from orgpower.dashboard.orgchart import direct_reports, org_chart_html
from orgpower.dashboard.powermap import MAX_MARKS, MAX_TIES_DRAWN, AGGREGATE_ABOVE, busiest_nodes, layer_ties, positions, ties_between_units
from orgpower.dashboard.state import csv_bytes, formula_safe, inputs_hash
from orgpower.dashboard.views import display_uri, mapping_from_frame, problems_frame, thin_curve
from orgpower.errors import UsageError
from orgpower.graph.layers import layer_from_arcs
from orgpower.model import OrgModel, Problem


# --- launch ----------------------------------------------------------------------------


def test_dashboard_binds_to_localhost_by_default():
    command = launch.streamlit_command()
    assert command[command.index("--server.address") + 1] == "127.0.0.1"


def test_dashboard_command_sets_the_upload_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("ORGPOWER_MAX_UPLOAD_MB", "50")
    command = launch.streamlit_command(port=9999)
    assert command[command.index("--server.maxUploadSize") + 1] == "50"
    assert command[command.index("--server.port") + 1] == "9999"


def test_bad_upload_limit_is_a_usage_error_with_a_sentence(monkeypatch):
    monkeypatch.setenv("ORGPOWER_MAX_UPLOAD_MB", "lots")
    with pytest.raises(UsageError, match="ORGPOWER_MAX_UPLOAD_MB must be a whole number"):
        launch.streamlit_command()


def test_port_out_of_range_is_a_usage_error():
    with pytest.raises(UsageError, match="--port"):
        launch.streamlit_command(port=70000)


# --- auth ------------------------------------------------------------------------------


def test_password_hash_is_scrypt_of_the_password_with_its_salt():
    salt = bytes(range(16))
    stored = auth.hash_password("s3cret", salt=salt)
    # independent reference: hashlib.scrypt called directly with the documented parameters
    expected = hashlib.scrypt(b"s3cret", salt=salt, n=2**14, r=8, p=1, dklen=32)
    assert stored.split("$")[5] == base64.b64encode(expected).decode()


def test_verify_password_accepts_the_right_and_refuses_a_wrong_password():
    stored = auth.hash_password("correct horse")
    assert auth.verify_password("correct horse", stored)
    assert not auth.verify_password("correct hors", stored)


def test_two_hashes_of_one_password_differ_by_their_salt():
    assert auth.hash_password("same") != auth.hash_password("same")


def test_malformed_stored_hash_refuses_login_instead_of_failing():
    assert not auth.verify_password("x", "md5$abc")
    assert not auth.verify_password("x", "scrypt$notanumber$8$1$AAAA$AAAA")


def test_unknown_user_cannot_log_in():
    users = {"alice": auth.hash_password("pw")}
    assert not auth.check_login(users, "mallory", "pw")
    assert auth.check_login(users, "alice", "pw")


def test_password_file_without_users_is_one_sentence(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text("title = 'nobody'\n")
    with pytest.raises(ValueError, match=r"has no \[users.NAME\] entries"):
        auth.load_users(path)


def test_password_file_entry_without_password_is_named(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text("[users.bob]\nrole = 'x'\n")
    with pytest.raises(ValueError, match=r"\[users.bob\] has no password"):
        auth.load_users(path)


# --- exports and views -----------------------------------------------------------------


def test_formula_cells_are_neutralised_in_csv_downloads():
    frame = pd.DataFrame({"value": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "plain"], "row": range(6)})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), keep_default_na=False)
    assert back["value"].tolist() == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "plain"]


def test_formula_safe_leaves_numbers_and_the_original_frame_alone():
    frame = pd.DataFrame({"amount": [-5.0, 3.0], "text": ["=1", "a"]})
    safe = formula_safe(frame)
    assert safe["amount"].tolist() == [-5.0, 3.0]
    assert frame["text"].tolist() == ["=1", "a"]  # nothing the user gave is overwritten


def test_problems_table_lists_errors_first_then_by_file_and_row():
    model = OrgModel(problems=[
        Problem("orphan", "warning", "w", file="people.csv", row=9),
        Problem("duplicate_id", "error", "e2", file="people.csv", row=7, ids=("7", "7")),
        Problem("duplicate_id", "error", "e1", file="people.csv", row=3),
    ])
    table = problems_frame(model)
    assert table[["severity", "row"]].values.tolist() == [["error", 3], ["error", 7], ["warning", 9]]
    assert table.loc[1, "ids"] == "7, 7"


def test_only_corrected_mapping_rows_are_passed_per_file():
    detected = pd.DataFrame({
        "file": ["people.csv", "people.csv", "decisions.csv"],
        "kind": ["people", "people", "decisions"],
        "orgpower column": ["person_id", "unit", "role"],
        "header in your file": ["Employee #", "", "(cells)"],
    })
    edited = detected.copy()
    edited.loc[1, "header in your file"] = "Department"
    assert mapping_from_frame(detected, detected) == {}
    assert mapping_from_frame(edited, detected) == {"files": {"people.csv": {"kind": "people", "columns": {"unit": "Department"}}}}


def test_an_unmapped_column_is_an_explicit_not_used_choice_and_maps_nothing(tmp_path):
    from orgpower import api
    from orgpower.dashboard.views import NOT_USED, mapping_frame, unmapping_asked

    people = tmp_path / "people.csv"
    people.write_text("person_id,manager_id,Office\n1,,North\n2,1,South\n")
    detected = mapping_frame(api.read_org([people]))
    cells = detected.set_index("orgpower column")["header in your file"]
    assert cells["person_id"] == "person_id" and cells["title"] == NOT_USED  # never None or blank
    assert not detected["header in your file"].isna().any()
    assert mapping_from_frame(detected, detected) == {}  # (not used) left as it is maps nothing
    edited = detected.copy()
    edited.loc[edited["orgpower column"] == "manager_id", "header in your file"] = NOT_USED
    assert mapping_from_frame(edited, detected) == {}  # a detected column cannot be un-mapped ...
    assert unmapping_asked(edited, detected) == ["manager_id"]  # ... and the page says so


def test_a_mapping_correction_is_honoured_by_read_org(tmp_path):
    from orgpower import api
    from orgpower.dashboard.views import mapping_frame

    people = tmp_path / "people.csv"
    people.write_text("person_id,manager_id,title,Office\n1,,Chair,North\n2,1,Clerk,South\n")
    model = api.read_org([people])
    detected = mapping_frame(model)
    edited = detected.copy()
    edited.loc[edited["orgpower column"] == "title", "header in your file"] = "Office"
    corrected = api.read_org([people], mapping=mapping_from_frame(edited, detected))
    assert model.people["title"].tolist() == ["Chair", "Clerk"]
    assert corrected.people["title"].tolist() == ["North", "South"]


def test_a_second_mapping_correction_keeps_the_first():
    from orgpower.dashboard.state import merged_mapping

    first = {"files": {"people.csv": {"kind": "people", "columns": {"unit": "Dept"}}}}
    second = {"files": {"people.csv": {"kind": "people", "columns": {"title": "Role"}}}}
    assert merged_mapping(first, second) == {"files": {"people.csv": {"kind": "people", "columns": {"unit": "Dept", "title": "Role"}}}}
    assert first["files"]["people.csv"]["columns"] == {"unit": "Dept"}  # the earlier mapping is not changed


def test_neo4j_uri_is_shown_without_credentials():
    assert display_uri("neo4j://user:pw@db:7687") == "neo4j://db:7687"


def test_inputs_hash_changes_with_content_and_mapping_not_with_order():
    a, b = ("people.csv", b"person_id\n1\n"), ("flows.csv", b"source,target,amount\n")
    assert inputs_hash([a, b]) == inputs_hash([b, a])
    assert inputs_hash([a]) != inputs_hash([("people.csv", b"person_id\n2\n")])
    assert inputs_hash([a]) != inputs_hash([a], {"people.csv": {"columns": {"person_id": "Id"}}})


# --- org chart -------------------------------------------------------------------------


def test_org_chart_escapes_names_and_nests_reports_under_their_manager():
    reporting = pd.DataFrame({"source": ["1", "1", "2"], "target": ["2", "3", "4"], "line": ["solid"] * 3})
    chart = org_chart_html(["1"], direct_reports(reporting), {"1": "<b>Boss</b>", "2": "Mid", "3": "Leaf", "4": "Deep"})
    assert "&lt;b&gt;Boss&lt;/b&gt;" in chart and "<b>Boss" not in chart
    assert chart.index("Mid") < chart.index("Deep") < chart.index("Leaf")  # depth first, in order


def test_org_chart_cut_to_its_budget_says_how_many_reports_it_hides():
    reports = {"0": [str(i) for i in range(1, 11)]}
    chart = org_chart_html(["0"], reports, {}, max_people=4)
    assert chart.count('class="leaf"') == 3
    assert "7 more direct report(s)" in chart


def test_org_chart_of_a_deep_chain_does_not_recurse():
    reports = {str(i): [str(i + 1)] for i in range(5000)}
    chart = org_chart_html(["0"], reports, {}, max_people=6000)
    assert chart.count("<details") == 5000


def test_dotted_lines_are_not_drawn_in_the_org_chart():
    reporting = pd.DataFrame({"source": ["1", "5"], "target": ["2", "2"], "line": ["solid", "dotted"]})
    assert direct_reports(reporting) == {"1": ["2"]}


# --- power map -------------------------------------------------------------------------


def test_unit_aggregation_sums_ties_between_units_and_keeps_unit_nodes():
    # a, b in U; c in V; "W" is a unit node named by a flow (not a person)
    layer = layer_from_arcs("flows", ["a", "b", "c", "W"], ["a", "b", "c", "W"], ["c", "c", "a", "a"], [1.0, 2.0, 4.0, 8.0])
    ties = layer_ties(layer)
    units = ties_between_units(ties, {"a": "U", "b": "U", "c": "V"})
    # reference worked by hand: U->V = 1+2 (2 ties), V->U = 4, W->U = 8
    assert units.to_dict("records") == [
        {"source": "U", "target": "V", "weight": 3.0, "ties": 2},
        {"source": "V", "target": "U", "weight": 4.0, "ties": 1},
        {"source": "W", "target": "U", "weight": 8.0, "ties": 1},
    ]


def test_layer_ties_keep_only_ties_among_the_chosen_people():
    layer = layer_from_arcs("x", ["a", "b", "c"], ["a", "b"], ["b", "c"])
    assert layer_ties(layer, {"a", "b"})[["source", "target"]].values.tolist() == [["a", "b"]]


def test_tree_layout_puts_the_manager_above_the_reports_and_is_repeatable():
    ties = pd.DataFrame({"source": ["m", "m"], "target": ["r1", "r2"], "weight": [1.0, 1.0]})
    at = positions(["m", "r1", "r2"], ties, tree_roots=["m"]).set_index("id")
    assert at.loc["m", "y"] > at.loc["r1", "y"] == at.loc["r2", "y"]
    force = positions(["m", "r1", "r2"], ties)
    assert np.allclose(force[["x", "y"]], positions(["m", "r1", "r2"], ties)[["x", "y"]])


def test_busiest_nodes_rank_by_weight_given_plus_received_then_by_id():
    ties = pd.DataFrame({"source": ["a", "b", "c", "d"], "target": ["b", "c", "a", "e"], "weight": [5.0, 1.0, 1.0, 2.0]})
    # by hand: a = 5 + 1 = 6, b = 5 + 1 = 6, c = 1 + 1 = 2, d = 2, e = 2
    assert busiest_nodes(ties, 4) == ["a", "b", "c", "d"]


def test_a_person_level_map_stays_within_the_mark_budget():
    # people drawn (at most AGGREGATE_ABOVE) plus ties drawn (at most MAX_TIES_DRAWN)
    assert AGGREGATE_ABOVE + MAX_TIES_DRAWN <= MAX_MARKS


# --- resources -------------------------------------------------------------------------


def test_thinned_curve_keeps_both_ends_and_at_most_the_budget():
    curve = pd.DataFrame({"population_share": np.linspace(0, 1, 100_001), "holding_share": np.linspace(0, 1, 100_001) ** 2})
    thinned = thin_curve(curve, 1_000)
    assert len(thinned) == 1_000
    assert thinned.iloc[0].tolist() == curve.iloc[0].tolist() and thinned.iloc[-1].tolist() == curve.iloc[-1].tolist()
    assert thinned["population_share"].is_monotonic_increasing


def test_a_short_curve_is_drawn_whole():
    curve = pd.DataFrame({"x": [0.0, 0.5, 1.0]})
    assert thin_curve(curve, 1_000) is curve


# --- power map: direction and reciprocity ----------------------------------------------


@pytest.fixture(scope="module")
def riverbank_audit(sample_orgs):
    from orgpower import api
    from orgpower.report.config import AuditConfig

    return api.audit(api.read_org([sample_orgs / "riverbank_coop"]), config=AuditConfig(null_samples=0))


@pytest.mark.parametrize("layer", ["reporting", "flows", "collaboration", "decisions"])
def test_returned_and_one_way_lines_are_the_layers_mutual_and_asymmetric_dyads(riverbank_audit, layer):
    from orgpower.dashboard.powermap import ties_to_draw

    drawn = ties_to_draw(layer_ties(riverbank_audit.graph.layers[layer]))
    measures = riverbank_audit.document["layers"][layer]  # reference: the dyad census of the audit
    assert (drawn["tie"] == "mutual (returned)").sum() == measures["mutual_dyads"]
    assert (drawn["tie"] == "one-way").sum() == measures["asymmetric_dyads"]


def test_drawn_ties_keep_every_unit_of_weight_and_the_toggle_splits_them(riverbank_audit):
    from orgpower.dashboard.powermap import ties_to_draw

    ties = layer_ties(riverbank_audit.graph.layers["flows"])
    everything = ties_to_draw(ties)
    assert everything["weight"].sum() == pytest.approx(ties["weight"].sum())
    mutual, one_way = ties_to_draw(ties, "mutual"), ties_to_draw(ties, "one-way")
    assert len(mutual) + len(one_way) == len(everything)
    assert set(mutual["tie"]) == {"mutual (returned)"} and set(one_way["tie"]) == {"one-way"}


def test_an_arrowhead_sits_at_the_rim_of_the_target_and_points_along_the_tie():
    from orgpower.dashboard.powermap import arrowheads

    lines = pd.DataFrame({"source": ["boss", "a"], "target": ["report", "b"], "x": [0.0, 0.0], "y": [100.0, 0.0], "x2": [0.0, 0.0], "y2": [0.0, 50.0]})
    heads = arrowheads(lines, {"report": 7.0, "b": 7.0})
    assert heads["angle"].tolist() == [180.0, 0.0]  # downwards (manager above report), upwards
    assert heads["y"].tolist() == [10.0, 40.0]  # radius 7 + 3 px short of the centre


def test_the_default_layer_reads_as_the_organisation_does(riverbank_audit):
    from orgpower.dashboard.powermap import deciding_layer

    document = riverbank_audit.document
    layer = deciding_layer(document, list(riverbank_audit.graph.layers))
    assert document["classification"]["layers"][layer]["label"] == document["classification"]["org"]["label"]


def test_colour_by_unit_never_gives_two_units_one_colour():
    from orgpower.dashboard.powermap import OTHER_UNITS, UNIT_COLOURS, unit_colours

    units = pd.Series([f"U{i:02d}" for i in range(40) for _ in range(40 - i)])
    coloured = unit_colours(units)
    named = set(coloured) - {OTHER_UNITS}
    assert len(named) == len(UNIT_COLOURS) and named == {f"U{i:02d}" for i in range(len(UNIT_COLOURS))}  # the largest


def test_the_dashboards_pure_modules_keep_their_examples_true():
    import doctest

    from orgpower import edits
    from orgpower.dashboard import powermap, state, views

    for module in (powermap, views, edits, state):
        failures, _ = doctest.testmod(module)
        assert failures == 0, module.__name__


def test_written_labels_are_the_largest_nodes_and_never_overlap():
    from orgpower.dashboard.powermap import LABELLED, circle_area, largest_labelled, to_pixels

    rng = np.random.default_rng(3)
    nodes = pd.DataFrame({
        "label": [f"UNIT-{i:03d}" for i in range(300)], "x": rng.normal(size=300), "y": rng.normal(size=300),
        "size": rng.pareto(2.0, size=300),
    })
    written = largest_labelled(nodes, "size")
    named = nodes[written != ""]
    assert 0 < len(named) <= LABELLED and (written[written != ""] == named["label"]).all()
    at, radius = to_pixels(nodes), np.sqrt(circle_area(nodes["size"]) / np.pi)

    def box(i):
        half = 3.3 * len(nodes.at[i, "label"]) + 2
        bottom = at.at[i, "y"] + radius[i] + 3
        return at.at[i, "x"] - half, at.at[i, "x"] + half, bottom, bottom + 13

    def overlap(a, b):
        return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]

    boxes = {i: box(i) for i in named.index}
    assert not any(overlap(boxes[i], boxes[j]) for i in boxes for j in boxes if i < j)
    # a larger node left unnamed (within the first LABELLED) is one whose name would cover a written one
    for i in nodes.sort_values("size", ascending=False).index[:LABELLED]:
        if written[i] == "":
            assert any(overlap(box(i), boxes[j]) for j in boxes if nodes.at[j, "size"] >= nodes.at[i, "size"])


def test_a_tie_between_units_is_bundled_through_the_units_between_them_and_one_inside_a_unit_is_straight():
    from orgpower.dashboard.powermap import bundled_lines, unit_centres

    parents = {"OPS-1": "OPS", "OPS-2": "OPS", "OPS": "HQ", "FIN": "HQ"}
    group = {"a": "OPS-1", "b": "OPS-1", "c": "OPS-2", "d": "FIN"}
    at = pd.DataFrame({"id": list("abcd"), "x": [0.0, 2.0, 10.0, 40.0], "y": [0.0, 2.0, 0.0, 30.0]})
    centres = unit_centres(at, group, parents)
    lines = pd.DataFrame({"source": ["a", "a", "a"], "target": ["b", "c", "d"]}).join(
        at.set_index("id")[["x", "y"]], on="source").join(at.set_index("id")[["x", "y"]].rename(columns={"x": "x2", "y": "y2"}), on="target")
    paths = bundled_lines(lines, group, parents, centres, strength=1.0)
    steps = paths.groupby("edge")["step"].count().tolist()
    assert steps == [2, 5, 6]  # inside OPS-1 straight; OPS-1, OPS, OPS-2; OPS-1, OPS, HQ, FIN
    to_fin = paths[paths["edge"] == 2].sort_values("step")
    assert tuple(to_fin.iloc[3][["x", "y"]]) == pytest.approx(centres["HQ"])  # through the top, the lowest unit above both
    assert tuple(to_fin.iloc[0][["x", "y"]]) == (0.0, 0.0) and tuple(to_fin.iloc[-1][["x", "y"]]) == (40.0, 30.0)  # ends at the people
    assert centres["HQ"] == pytest.approx((13.0, 8.0))  # the mean of everyone under it


def test_hiding_names_costs_the_same_whatever_the_number_of_names_known():
    from orgpower.dashboard.views import NAME_HIDDEN, names_in, without_names

    many = names_in([f"Person{i} Surname{i}" for i in range(20_000)] + ["Ines Nettleby"])
    assert many.longest == 2  # counted once when the names are gathered, not per message
    text = "manager '9999' of '306' (Ines Nettleby) is not an id"
    assert without_names(text, many) == without_names(text, frozenset({"Ines Nettleby"})) == text.replace("Ines Nettleby", NAME_HIDDEN)


def test_a_cut_picker_says_how_many_it_lists_of_how_many_and_how_to_find_the_rest():
    from orgpower.dashboard.views import counted, picker_cut

    assert picker_cut(420_000, 200, "an id or title", searched=False) == (
        "The list holds the first 200 of the 420,000; type part of an id or title to find the others.")
    assert picker_cut(1_234, 200, "an id or title", searched=True) == (
        "The list holds the first 200 of the 1,234; type more of an id or title to narrow it.")
    assert picker_cut(200, 200, "an id", searched=False) == ""  # nothing cut, nothing said
    assert (counted(1, "decision", "decisions"), counted(4_200, "decision", "decisions")) == ("1 decision", "4,200 decisions")


@pytest.mark.parametrize("people", [120, 3000])
def test_direct_reports_are_each_managers_solid_lines_in_input_order(people):
    from orgpower import api

    reporting = api.generate_org(people, "mixed", seed=1).reporting
    # the specification, one line at a time
    expected: dict[str, list[str]] = {}
    for source, target, line in zip(reporting["source"], reporting["target"], reporting["line"]):
        if line == "solid":
            expected.setdefault(str(source), []).append(str(target))
    got = direct_reports(reporting)
    assert got == expected and list(got) == list(expected)


@pytest.mark.parametrize("people", [120, 3000])
def test_people_shown_by_name_or_id_equal_their_row_by_row_form(people):
    from orgpower import api
    from orgpower.dashboard.views import person_display

    frame = api.generate_org(people, "mixed", seed=2).people.copy()
    frame.loc[frame.index[::7], "name"] = None  # no name: shown by id
    frame.loc[frame.index[1::7], "name"] = "  "  # a blank name too
    # the specification, one person at a time (the form the lists replaced)
    expected_names = {}
    for pid, name in zip(frame["person_id"], frame["name"]):
        name = name.strip() if isinstance(name, str) else ""
        expected_names[str(pid)] = name or str(pid)
    assert person_display(frame, names=True) == expected_names
    assert person_display(frame, names=False) == {str(p): str(p) for p in frame["person_id"]}
    assert list(person_display(frame, names=True)) == [str(p) for p in frame["person_id"]]  # in the people's order


@pytest.mark.parametrize("people", [120, 3000])
def test_reporting_roots_are_the_people_without_a_solid_manager_line(people):
    from orgpower import api

    model = api.generate_org(people, "mixed", seed=3)
    # the specification, one line at a time
    managed = set()
    for target, line in zip(model.reporting["target"], model.reporting["line"]):
        if line == "solid":
            managed.add(str(target))
    expected = sorted(str(p) for p in model.people["person_id"] if str(p) not in managed)
    assert model.roots == expected and len(expected) >= 1


def test_span_notes_equal_their_manager_by_manager_form():
    from orgpower import api
    from orgpower.dashboard.orgchart import span_notes

    model = api.generate_org(800, "mixed", seed=5)
    people = api.audit(model).people
    # the specification, one manager at a time (the form replaced)
    managers = people[people["span_of_control"].fillna(0) > 0]
    expected = dict(zip(managers["person_id"].astype(str), managers["span_of_control"].map(lambda v: f"{int(v)} direct")))
    assert span_notes(people, {}) == expected and len(expected) > 10
    reports = direct_reports(model.reporting)
    unmeasured = people.drop(columns=["span_of_control"])
    assert span_notes(unmeasured, reports) == {m: f"{len(r)} direct" for m, r in reports.items()}
