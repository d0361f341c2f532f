"""Every dashboard page, run with Streamlit's AppTest on the real pipeline.

The dashboard is a thin shell over orgpower.api, so the reference for what a page must
show is the library's own result for the same sample org (api.read_org / api.audit
called directly, outside the app)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

import orgpower.dashboard
from orgpower import api
from orgpower.dashboard import powermap
from orgpower.dashboard.safe_text import plain
from orgpower.errors import OrgpowerError
from orgpower.report.config import AuditConfig

APP = Path(orgpower.dashboard.__file__).parent / "app.py"
SAMPLE = "riverbank_coop"  # 120 people: reporting lines, flows, decisions, a relation
DIRTY = "harbor_dirty"  # an export with duplicate ids, loops and unknown managers
PAGES = ("overview", "org", "power_map", "decisions", "resources", "representation", "compare", "report")
TIMEOUT = 120  # the first audit of a sample org on a loaded 2-core machine


def fresh_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def load_sample(at: AppTest, name: str) -> AppTest:
    at.run()
    at.segmented_control(key="upload_source").set_value("Sample org").run()
    at.selectbox(key="sample_pick").set_value(name).run()
    at.button(key="sample_load").click().run()
    assert_no_exception(at)
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.success] + [e.value for e in at.warning] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page that has these columns (plain st.dataframe carries no key)."""
    for frame in at.dataframe:
        value = frame.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(scope="module", autouse=True)
def quick_audit_settings(tmp_path_factory):
    """The dashboard reads ORGPOWER_AUDIT_CONFIG like `orgpower audit --config`. The null
    model (degree-preserving rewirings) is the library's to test, not the dashboard's, and
    the most expensive step, so these tests switch it off in the app and the reference alike."""
    config = tmp_path_factory.mktemp("settings") / "audit.toml"
    config.write_text("null_samples = 0\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ORGPOWER_AUDIT_CONFIG", str(config))
        yield AuditConfig(null_samples=0)


@pytest.fixture(scope="module")
def sample_dir(sample_orgs: Path) -> Path:
    folder = sample_orgs / SAMPLE
    if not folder.is_dir():
        pytest.fail(f"sample org {SAMPLE} is missing from sample_orgs/")
    return folder


@pytest.fixture(scope="module")
def reference(sample_dir: Path, quick_audit_settings):
    return api.audit(api.read_org([sample_dir]), config=quick_audit_settings)


@pytest.fixture(scope="module")
def loaded(sample_dir: Path) -> AppTest:
    return load_sample(fresh_app(), SAMPLE)


# --- without an org --------------------------------------------------------------------


def test_upload_page_opens_with_the_file_uploader_and_no_org():
    at = fresh_app().run()
    assert_no_exception(at)
    assert at.title[0].value == "Upload"
    assert len(at.file_uploader) == 1


@pytest.mark.parametrize("page", PAGES)
def test_every_audit_page_without_an_org_points_to_upload(page):
    at = fresh_app().run()
    at.switch_page(f"views_pages/{page}.py").run()
    assert_no_exception(at)
    assert any("No org loaded yet" in i.value for i in at.info)


# --- Upload ----------------------------------------------------------------------------


def test_loading_a_sample_org_shows_the_people_read_by_the_library(loaded, reference):
    loaded.switch_page("views_pages/upload.py").run()
    assert_no_exception(loaded)
    assert metric(loaded, "People") == f"{len(reference.model.people):,}"
    assert metric(loaded, "Errors") == f"{len(reference.model.errors):,}"


def test_dropped_files_are_read_like_the_same_files_on_disk(sample_dir, reference):
    at = fresh_app().run()
    files = [(p.name, p.read_bytes(), "text/csv") for p in sorted(sample_dir.iterdir()) if p.is_file() and p.suffix in (".csv", ".xlsx", ".parquet")]
    at.file_uploader(key="upload_files").set_value(files).run()
    assert_no_exception(at)
    assert metric(at, "People") == f"{len(reference.model.people):,}"
    detected = table_with(at, "file", "vendor", "rows_used")
    assert sorted(detected["file"].map(lambda f: Path(f).name)) == sorted(Path(f.file).name for f in reference.model.inputs)


@pytest.fixture(scope="module")
def dirty(sample_orgs: Path):
    """(the app with the dirty export loaded, the library's model of it)."""
    return load_sample(fresh_app(), DIRTY), api.read_org([sample_orgs / DIRTY])


def test_an_unusable_file_gets_one_sentence_and_no_traceback(tmp_path):
    (tmp_path / "people.csv").write_bytes(b"just one line and no people\n")
    at = fresh_app().run()
    at.file_uploader(key="upload_files").set_value(("people.csv", b"just one line and no people\n", "text/csv")).run()
    assert_no_exception(at)
    try:
        api.read_org([tmp_path / "people.csv"])
    except OrgpowerError as error:  # the library's own sentence is what the page must show
        expected = error.message
    else:
        pytest.fail("the library accepted a file without people")
    assert any(plain(expected) in e.value for e in at.error)  # shown as text, not Markdown
    at.switch_page("views_pages/overview.py").run()
    assert any(plain(expected) in i.value for i in at.info)


def test_validation_problems_of_a_dirty_export_are_listed_with_rows(dirty):
    at, model = dirty
    table = table_with(at, "severity", "code", "row", "message")
    assert len(table) == len(model.problems)
    assert set(table["row"].dropna().astype(int)) == {p.row for p in model.problems if p.row is not None}
    assert any(b.label == "Download validation-problems.csv" for b in at.get("download_button"))


def test_a_dirty_export_goes_on_with_its_usable_rows(dirty):
    at, model = dirty
    assert model.errors, f"{DIRTY} should have errors"
    assert any("the audit uses the" in w.value for w in at.warning)
    assert any(link.label == "Go on to the Overview" for link in at.get("page_link"))


def test_applying_the_mapping_unchanged_reads_the_same_org(loaded, reference):
    loaded.switch_page("views_pages/upload.py").run()
    loaded.button(key="mapping_apply").click().run()
    assert_no_exception(loaded)
    assert metric(loaded, "People") == f"{len(reference.model.people):,}"


def test_a_problem_opens_its_fix_and_a_new_manager_clears_it(sample_orgs):
    at = load_sample(fresh_app(), DIRTY)
    original = sample_orgs / DIRTY / "people.csv"
    before = original.read_bytes()
    next(b for b in at.button if b.label == "Fix the manager of 306").click().run()
    assert at.selectbox(key="fix_person:306").value == "306"
    at.text_input(key="fix_manager_search").set_value("195").run()
    at.button(key="fix_manager_apply").click().run()
    assert_no_exception(at)
    org = at.session_state["orgpower_org"]
    assert [(e.file, e.row, e.old, e.new) for e in org.edits] == [("people.csv", 299, "9999", "195")]
    assert not any(p.code == "manager_not_found" and "306" in p.ids for p in org.model.problems)
    assert original.read_bytes() == before  # the files as given are never written
    assert any(b.label.startswith("Download the corrected files") for b in at.get("download_button"))


def test_undoing_the_only_edit_reads_the_files_as_given(sample_orgs):
    at = load_sample(fresh_app(), DIRTY)
    problems = len(at.session_state["orgpower_org"].model.problems)
    at.segmented_control(key="fix_kind").set_value("A repeated id").run()
    at.selectbox(key="fix_duplicate").set_value("225").run()
    at.button(key="fix_drop_1").click().run()
    assert len(at.session_state["orgpower_org"].edits) == 1
    at.button(key="fix_undo").click().run()
    assert_no_exception(at)
    org = at.session_state["orgpower_org"]
    assert org.edits == [] and len(org.model.problems) == problems


def test_the_mapping_editor_offers_the_files_own_headers(loaded, sample_dir):
    loaded.switch_page("views_pages/upload.py").run()
    assert_no_exception(loaded)
    assert "people.csv" in loaded.selectbox(key="mapping_file").options
    assert any(b.label.startswith("Download the mapping file") for b in loaded.get("download_button"))


# --- Overview --------------------------------------------------------------------------


def test_overview_states_the_org_reading_of_the_audit(loaded, reference):
    loaded.switch_page("views_pages/overview.py").run()
    assert_no_exception(loaded)
    label = reference.document["classification"]["org"]["label"]
    assert f"reads as **{label}**" in texts(loaded)
    assert metric(loaded, "People") == f"{reference.document['org']['people']:,}"


def test_overview_shows_the_three_axis_scores_of_the_audit(loaded, reference):
    loaded.switch_page("views_pages/overview.py").run()
    scores = reference.document["classification"]["org"]["scores"]
    shown = {m.label: m.value for m in loaded.metric}
    for axis in ("asymmetry", "direction", "concentration"):
        expected = "—" if scores.get(axis) is None else f"{scores[axis]:,.2f}"
        assert shown[axis.capitalize()] == expected


def test_overview_lists_the_headline_findings(loaded, reference):
    loaded.switch_page("views_pages/overview.py").run()
    titles = [e.label for e in loaded.expander]
    for finding in reference.document["findings"][:6]:
        assert plain(finding["title"]) in titles  # data quoted in titles is shown as text


# --- Org -------------------------------------------------------------------------------


def test_org_chart_starts_at_the_roots_of_the_reporting_line(loaded, reference):
    loaded.switch_page("views_pages/org.py").run()
    assert_no_exception(loaded)
    chart = loaded.get("html")[0].proto.body
    people = reference.model.people.set_index(reference.model.people["person_id"].astype(str))
    for root in reference.model.roots[:3]:
        assert f">{root}" in chart  # ids by default, as the report
        assert str(people.loc[root, "name"]) not in chart


def test_with_names_chosen_the_org_chart_and_decisions_show_names(loaded, reference):
    from orgpower.report.decision_detail import follow_decision

    loaded.session_state["orgpower_show_names"] = True
    try:
        loaded.switch_page("views_pages/org.py").run()
        assert_no_exception(loaded)
        chart = loaded.get("html")[0].proto.body
        people = reference.model.people.set_index(reference.model.people["person_id"].astype(str))
        root = reference.model.roots[0]
        assert str(people.loc[root, "name"]) in chart
        loaded.switch_page("views_pages/decisions.py").run()
        loaded.text_input(key="decision_search").set_value("D0003").run()
        holders = table_with(loaded, "standing", "person", "actor")
        expected = follow_decision(reference, "D0003").holders
        names = dict(zip(people.index, people["name"]))
        assert dict(zip(holders["actor"], holders["person"])) == {a: names.get(a, a) for a in expected["actor"]}
        rights = table_with(loaded, "actor", "actor name", "deciding")
        assert rights["actor name"].tolist() == [names.get(a, "") for a in rights["actor"]]
    finally:
        loaded.session_state["orgpower_show_names"] = False
        loaded.switch_page("views_pages/decisions.py").run()


def test_finding_a_person_shows_their_measures_from_people_csv(loaded, reference):
    loaded.switch_page("views_pages/org.py").run()
    person = reference.people.sort_values("span_of_control", ascending=False).iloc[0]
    loaded.text_input(key="org_search").set_value(str(person["person_id"])).run()
    assert_no_exception(loaded)
    shown = table_with(loaded, "measure", "value").set_index("measure")["value"]
    assert shown["span_of_control"] == f"{int(person['span_of_control']):,}" or float(shown["span_of_control"]) == pytest.approx(float(person["span_of_control"]))


def test_clicking_a_row_of_the_people_table_selects_that_person(loaded, reference):
    loaded.switch_page("views_pages/org.py").run()
    loaded.text_input(key="org_search").set_value("").run()  # the whole table, in people.csv order
    third = str(reference.people.iloc[2]["person_id"])
    loaded.session_state["org_people"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    loaded.run()
    assert_no_exception(loaded)
    assert loaded.session_state["org_person"] == third
    shown = table_with(loaded, "measure", "value").set_index("measure")["value"]
    assert shown["person_id"] == third


def test_spans_and_layers_heatmap_is_drawn_from_the_audit_table(loaded, reference):
    loaded.switch_page("views_pages/org.py").run()
    assert reference.tables["spans_layers"] is not None and not reference.tables["spans_layers"].empty
    assert loaded.get("vega_lite_chart"), "no heatmap drawn"
    assert not any("no spans-by-layer table" in i.value for i in loaded.info)


# --- Power map -------------------------------------------------------------------------


def test_power_map_offers_every_layer_of_the_graph(loaded, reference):
    loaded.switch_page("views_pages/power_map.py").run()
    assert_no_exception(loaded)
    assert list(loaded.selectbox(key="map_layer").options) == list(reference.graph.layers)


def test_power_map_draws_each_layer_without_error(loaded, reference):
    loaded.switch_page("views_pages/power_map.py").run()
    for layer in reference.graph.layers:
        loaded.selectbox(key="map_layer").set_value(layer).run()
        assert_no_exception(loaded)
        assert loaded.get("vega_lite_chart") or any("No ties" in i.value for i in loaded.info)


def test_clicking_a_node_of_the_power_map_shows_that_persons_measures(loaded, reference):
    loaded.switch_page("views_pages/power_map.py").run()
    loaded.selectbox(key="map_layer").set_value("reporting").run()
    person = reference.people.iloc[1]
    loaded.session_state["map_chart_reporting"] = {"selection": {"node": [{"id": str(person["person_id"])}]}}
    loaded.run()
    assert_no_exception(loaded)
    tables = [f.value for f in loaded.dataframe if list(f.value.columns) == ["key", "value"]]
    picked = [t for t in tables if "person_id" in set(t["key"])]
    assert picked, "no measures shown for the clicked node"
    shown = picked[0].set_index("key")["value"]
    assert shown["person_id"] == str(person["person_id"])
    assert shown["span_of_control"] == f"{int(person['span_of_control']):,}"


def test_power_map_above_the_threshold_shows_units_and_drills_into_one(loaded, monkeypatch):
    monkeypatch.setattr(powermap, "AGGREGATE_ABOVE", 3)
    loaded.switch_page("views_pages/power_map.py").run()
    loaded.selectbox(key="map_layer").set_value("reporting").run()
    assert any("the map shows units" in i.value for i in loaded.info)
    unit = loaded.selectbox(key="map_drill").options[0]
    loaded.selectbox(key="map_drill").set_value(unit).run()
    loaded.button(key="map_drill_go").click().run()
    assert_no_exception(loaded)
    assert loaded.multiselect(key="map_units").value == [unit]
    loaded.multiselect(key="map_units").set_value([]).run()


def test_a_crowded_map_opens_on_units_and_one_unit_drilled_into_opens_on_its_people(loaded, reference, monkeypatch):
    monkeypatch.setattr(powermap, "PEOPLE_VIEW_UP_TO", 3)  # riverbank's units have more people than this
    loaded.switch_page("views_pages/power_map.py").run()
    loaded.selectbox(key="map_layer").set_value("reporting").run()
    assert loaded.segmented_control(key="map_view:False:True").value == "units (ties summed)"
    unit = str(reference.model.people["unit"].value_counts().index[1])  # not the largest: another test's layout memo holds that
    loaded.multiselect(key="map_units").set_value([unit]).run()
    assert_no_exception(loaded)
    # summed, one unit would be a single dot
    assert loaded.segmented_control(key="map_view:False:False").value == "people"
    nodes = next(t for t in chart_tables(loaded) if "id" in t.column_names and "size" in t.column_names)
    people = reference.model.people
    members = set(people.loc[people["unit"].astype(str) == unit, "person_id"].astype(str))
    drawn = set(map(str, nodes.column("id").to_pylist()))
    assert len(drawn) > 1 and drawn <= members
    loaded.multiselect(key="map_units").set_value([]).run()


def test_loading_an_org_prepares_the_lookups_of_the_org_and_power_map_pages(sample_dir, reference):
    from orgpower.dashboard.views import person_label

    at = load_sample(fresh_app(), SAMPLE)  # fresh: no page has been visited yet
    org = at.session_state["orgpower_org"]
    memo = at.session_state["orgpower_memo"]
    assert ("person_label_dict", org.input_hash, False) in memo  # ids only: the session's default
    for name in ("direct_reports", "roots", "people_by_id", "unit_of"):
        assert (name, org.input_hash) in memo, name
    # reference: the library's own model of the same files
    assert memo[("person_label_dict", org.input_hash, False)] == person_label(reference.model.people, names=False).to_dict()
    assert memo[("roots", org.input_hash)] == list(reference.model.roots)
    people = reference.model.people  # the row-by-row form the lists replaced
    assert memo[("unit_of", org.input_hash)] == dict(zip(people["person_id"].astype(str), people["unit"].astype("string").fillna("(no unit)")))


def test_people_table_with_every_measure_is_cut_by_cells_and_the_download_has_everyone(loaded, reference, monkeypatch):
    from orgpower.dashboard import state

    monkeypatch.setattr(state, "MAX_TABLE_CELLS", 1)  # the floor of 100 rows applies
    loaded.switch_page("views_pages/org.py").run()
    loaded.toggle(key="org_all_columns").set_value(True).run()
    assert_no_exception(loaded)
    shown = table_with(loaded, *[c for c in reference.people.columns[:6] if c != "name"])  # ids only by default, as the report
    assert len(shown) == 100 < len(reference.people)
    assert f"Showing the first 100 of {len(reference.people):,} people" in texts(loaded)
    labels = [button.proto.label for button in loaded.get("download_button")]
    assert f"Download these {len(reference.people):,} people" in labels
    loaded.toggle(key="org_all_columns").set_value(False).run()


def test_power_map_of_a_unit_too_large_to_draw_shows_its_busiest_people(loaded, reference, monkeypatch):
    monkeypatch.setattr(powermap, "AGGREGATE_ABOVE", 3)
    monkeypatch.setattr(powermap, "BUSIEST_SHOWN", 3)
    people = reference.model.people
    unit = str(people["unit"].value_counts().index[0])
    members = set(people.loc[people["unit"] == unit, "person_id"].astype(str))
    loaded.switch_page("views_pages/power_map.py").run()
    loaded.selectbox(key="map_layer").set_value("reporting").run()
    loaded.multiselect(key="map_units").set_value([unit]).run()
    assert_no_exception(loaded)
    assert any("with the most tie weight" in i.value for i in loaded.info)
    chart = loaded.get("vega_lite_chart")[0].proto
    tables = [pa.ipc.open_stream(dataset.data.data).read_all() for dataset in chart.datasets]
    drawn_ids = {i for t in tables if "size" in t.column_names for i in t.column("id").to_pylist()}
    assert 0 < len(drawn_ids) <= 3 and drawn_ids <= members
    loaded.multiselect(key="map_units").set_value([]).run()


# --- Decisions, Resources, Representation ----------------------------------------------


def test_decisions_page_shows_the_decision_rights_table_of_the_audit(loaded, reference):
    loaded.switch_page("views_pages/decisions.py").run()
    assert_no_exception(loaded)
    expected = reference.tables["decision_rights"]
    assert not expected.empty, f"{SAMPLE} should have decisions"
    shown = table_with(loaded, "actor", "deciding", "voice")
    assert shown["actor"].astype(str).tolist() == expected["actor"].astype(str).tolist()


def test_following_a_decision_shows_its_holders_as_the_library_follows_it(loaded, reference):
    from orgpower.report.decision_detail import follow_decision

    loaded.switch_page("views_pages/decisions.py").run()
    loaded.text_input(key="decision_search").set_value("D0003").run()
    assert_no_exception(loaded)
    assert loaded.selectbox(key="decision_pick:D0003").value == "D0003"
    expected = follow_decision(reference, "D0003")
    shown = {m.label: m.value for m in loaded.metric}
    assert shown["Hold the say"] == f"{expected.counts['say']:,}"
    assert shown["Have a voice"] == f"{expected.counts['voice']:,}"
    holders = table_with(loaded, "standing", "actor", "roles")
    assert sorted(holders["actor"].astype(str)) == sorted(expected.holders["actor"].astype(str))


def test_the_decisions_a_person_holds_the_say_on_are_their_deciding_count(loaded, reference):
    loaded.switch_page("views_pages/decisions.py").run()
    top = reference.tables["decision_rights"].iloc[0]
    picker = loaded.selectbox(key="decision_person:False")  # ids by default
    picker.set_value(next(o for o in picker.options if o == str(top["actor"]) or o.endswith(f"· {top['actor']}"))).run()
    assert_no_exception(loaded)
    held = table_with(loaded, "decision", "roles", "others_with_say")
    assert len(held) == int(top["deciding"])


@pytest.fixture(scope="module")
def many_decisions(quick_audit_settings):
    """A generated org with more decisions (500) and holders of the say (359) than a
    picker carries (200), put into the session as the Upload page leaves it."""
    from orgpower.dashboard.state import LoadedOrg

    model = api.generate_org(1500, "mixed", seed=0)
    result = api.audit(model, config=quick_audit_settings)
    at = fresh_app()
    at.session_state["orgpower_org"] = LoadedOrg(label="generated 1500", origin="sample", input_hash="generated-1500", model=model, result=result)
    at.run()
    at.switch_page("views_pages/decisions.py").run()
    assert_no_exception(at)
    return at, result


def test_the_decision_picker_carries_the_first_200_and_says_how_many_there_are(many_decisions):
    from orgpower.report.decision_detail import find_decisions

    at, result = many_decisions
    every = find_decisions(result)["decision"].tolist()
    assert len(every) > 200
    picker = at.selectbox(key="decision_pick:")
    assert [o.split(" · ")[0] for o in picker.options] == every[:200]  # shown as "id · domain"
    assert picker.label == f"{len(every):,} decisions"
    assert f"The list holds the first 200 of the {len(every):,}; type part of an id, domain or title to find the others." in texts(at)


def test_a_decision_search_lists_what_the_library_finds_for_it(many_decisions):
    from orgpower.report.decision_detail import find_decisions

    at, result = many_decisions
    for query in ("D00", "d041", "nothing-like-this"):
        at.text_input(key="decision_search").set_value(query).run()
        assert_no_exception(at)
        expected = find_decisions(result, query)["decision"].tolist()
        if not expected:
            assert "No decision matches." in texts(at)
            continue
        picker = at.selectbox(key=f"decision_pick:{query}")
        assert [o.split(" · ")[0] for o in picker.options] == expected[:200]
        assert picker.label.startswith(f"{len(expected):,} decision")
        assert ("type more of an id, domain or title to narrow it" in texts(at)) == (len(expected) > 200)
    at.text_input(key="decision_search").set_value("").run()


def test_the_person_picker_carries_the_first_200_holders_and_a_search_finds_the_others(many_decisions):
    at, result = many_decisions
    rights = result.tables["decision_rights"]
    holders = rights.loc[rights["deciding"] > 0, "actor"].astype(str).tolist()
    assert len(holders) > 200
    picker = at.selectbox(key="decision_person:False")
    assert picker.options == holders[:200]
    assert f"The list holds the first 200 of the {len(holders):,}" in texts(at)
    last = holders[-1]  # not among the first 200: found by its id
    at.text_input(key="decision_person_search").set_value(last).run()
    assert_no_exception(at)
    picker = at.selectbox(key=f"decision_person:False:{last}")
    assert last in picker.options
    assert all(last in option for option in picker.options)
    picker.set_value(last).run()
    held = table_with(at, "decision", "roles", "others_with_say")
    assert len(held) == int(rights.set_index(rights["actor"].astype(str)).loc[last, "deciding"])
    at.text_input(key="decision_person_search").set_value("").run()


def test_resources_page_shows_the_balance_and_lorenz_curve(loaded, reference):
    loaded.switch_page("views_pages/resources.py").run()
    assert_no_exception(loaded)
    assert len(table_with(loaded, *reference.tables["resource_balance"].columns)) == len(reference.tables["resource_balance"])
    assert loaded.get("vega_lite_chart")


def test_resources_summary_shows_shares_as_percent_and_the_total_in_the_flows_currency(loaded, reference):
    loaded.switch_page("views_pages/resources.py").run()
    summary = table_with(loaded, "key", "value").set_index("key")["value"]
    resources = reference.document["resources"]
    assert summary["returned_share"] == f"{resources['returned_share']:.1%}"  # as the per-unit table's percent column
    currency = reference.model.flows["currency"].dropna().unique()
    assert list(currency) == ["EUR"]
    assert summary["total"] == f"€{resources['total']:,.2f}"


def test_representation_shows_groups_as_the_library_returns_them(loaded, sample_dir, quick_audit_settings):
    loaded.switch_page("views_pages/representation.py").run()
    assert_no_exception(loaded)
    options = loaded.multiselect(key="representation_attributes").options
    attribute = "location" if "location" in options else options[0]
    loaded.multiselect(key="representation_attributes").set_value([attribute]).run()
    assert_no_exception(loaded)
    expected = api.audit(api.read_org([sample_dir]), config=quick_audit_settings.with_group_attributes([attribute]))
    shown = table_with(loaded, *expected.tables["representation"].columns)
    assert len(shown) == len(expected.tables["representation"])
    exp, got = expected.tables["representation"].reset_index(drop=True), shown.reset_index(drop=True)
    keys = ["attribute", "group", "measure"]
    assert got[keys].astype(str).equals(exp[keys].astype(str))
    hidden = exp["suppressed"].astype(bool).to_numpy()
    assert hidden.any(), "the sample should have a suppressed cell"
    assert got.loc[hidden, "ratio"].isna().all()  # suppressed: never a number ...
    assert got.loc[~hidden, "ratio"].tolist() == pytest.approx(exp.loc[~hidden, "ratio"].astype(float).tolist())


def test_a_numeric_column_with_suppressed_cells_sorts_as_numbers_and_marks_the_gaps(loaded):
    loaded.switch_page("views_pages/representation.py").run()
    options = loaded.multiselect(key="representation_attributes").options
    loaded.multiselect(key="representation_attributes").set_value(["location" if "location" in options else options[0]]).run()
    assert_no_exception(loaded)
    element = next(f for f in loaded.dataframe if {"ratio", "suppressed"} <= set(f.value.columns))
    table = element.value
    gaps = table["suppressed"].astype(bool)
    assert gaps.any() and (~gaps).any()
    for column in ("ratio", "share_of_measure", "headcount_share"):
        if column in table:  # a number column the browser sorts by value, not as text ("10" before "9")
            assert pd.api.types.is_float_dtype(table[column]), (column, table[column].dtype)
    assert element.proto.placeholder == "—"  # ... and each gap is drawn as a dash, not left blank or "None"


# --- Compare and Report ----------------------------------------------------------------


def older_snapshot(sample_dir: Path, folder: Path, leavers: int = 5) -> Path:
    """The sample org as it was before ``leavers`` people (who manage nobody) joined."""
    folder.mkdir()
    for path in sample_dir.iterdir():
        if path.suffix == ".csv":
            (folder / path.name).write_bytes(path.read_bytes())
    people = pd.read_csv(sample_dir / "people.csv", dtype=str, keep_default_na=False)
    full_name = people["First Name"] + " " + people["Last Name"]
    not_managers = people[~full_name.isin(set(people["Reports To"]))]
    people.drop(index=not_managers.index[-leavers:]).to_csv(folder / "people.csv", index=False)
    return folder


@pytest.mark.slow  # ~9 s: audits both snapshots
def test_compare_with_an_older_snapshot_shows_who_joined(loaded, sample_dir, tmp_path, quick_audit_settings):
    older = older_snapshot(sample_dir, tmp_path / "older")
    expected = api.audit(api.read_org([sample_dir]), config=quick_audit_settings, compare=api.read_org([older])).comparison
    loaded.switch_page("views_pages/compare.py").run()
    files = [(p.name, p.read_bytes(), "text/csv") for p in sorted(older.iterdir())]
    loaded.file_uploader(key="compare_files").set_value(files).run()
    assert_no_exception(loaded)
    assert expected["people_joined"] == 5  # the reference itself sees the five
    assert metric(loaded, "People joined") == "5"
    assert metric(loaded, "People left") == f"{expected['people_left']:,}"


@pytest.mark.slow  # ~9 s: WeasyPrint renders the PDF
def test_report_page_offers_every_written_file_for_download(loaded):
    loaded.switch_page("views_pages/report.py").run()
    loaded.get("button_group")[0].set_value(["html", "pdf", "xlsx"]).run()
    loaded.button(key="report_prepare").click().run()
    assert_no_exception(loaded)
    labels = " ".join(b.label for b in loaded.get("download_button"))
    for name in ("audit.json", "people.csv", "HTML report", "PDF report", "Excel appendix"):
        assert name in labels, [e.value for e in loaded.error]


# --- sessions and access ---------------------------------------------------------------


def test_one_sessions_org_is_not_visible_in_another_session(loaded):
    other = fresh_app().run()
    other.switch_page("views_pages/overview.py").run()
    assert any("No org loaded yet" in i.value for i in other.info)


def test_each_session_keeps_its_uploads_in_its_own_folder():
    first, second = fresh_app().run(), fresh_app().run()
    first.file_uploader(key="upload_files").set_value(("people.csv", b"person_id\nfirst-session\n", "text/csv")).run()
    second.file_uploader(key="upload_files").set_value(("people.csv", b"person_id\nsecond-session\n", "text/csv")).run()
    first_dir = Path(first.session_state["orgpower_workdir"].name)
    second_dir = Path(second.session_state["orgpower_workdir"].name)
    assert first_dir != second_dir
    first_files = b"".join(p.read_bytes() for p in first_dir.rglob("*.csv"))
    assert b"first-session" in first_files and b"second-session" not in first_files


def test_login_is_required_when_a_password_file_is_configured(tmp_path, monkeypatch):
    from orgpower.dashboard.auth import hash_password

    users = tmp_path / "users.toml"
    users.write_text(f'[users.ana]\npassword = "{hash_password("open sesame")}"\n')
    monkeypatch.setenv("ORGPOWER_USERS_FILE", str(users))
    at = fresh_app().run()
    assert not at.file_uploader  # nothing of the app before logging in
    at.text_input(key="auth_user").set_value("ana")
    at.text_input(key="auth_password").set_value("wrong")
    at.get("form_submit_button")[0].click().run()
    assert any("wrong password" in e.value for e in at.error)
    at.text_input(key="auth_password").set_value("open sesame")
    at.get("form_submit_button")[0].click().run()
    assert_no_exception(at)
    assert len(at.file_uploader) == 1


# --- Neo4j backend ---------------------------------------------------------------------


def test_neo4j_in_secrets_offers_the_snapshot_source_and_passes_credentials(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    for variable in ("NEO4J_USER", "NEO4J_PASSWORD"):  # empty now, restored after the test
        monkeypatch.setenv(variable, "")
    at = fresh_app()
    at.secrets["neo4j"] = {"uri": "bolt://127.0.0.1:1", "user": "auditor", "password": "pw"}
    at.run()
    assert "Neo4j snapshot" in at.segmented_control(key="upload_source").options
    assert any(f"Backend: Neo4j ({plain('bolt://127.0.0.1:1')})" in c.value for c in at.sidebar.caption)
    at.segmented_control(key="upload_source").set_value("Neo4j snapshot").run()
    assert_no_exception(at)  # nothing listens on port 1: one sentence, not a traceback
    assert any("Could not list the snapshots" in e.value for e in at.error)

    assert (os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD")) == ("auditor", "pw")



@pytest.mark.neo4j
def test_a_neo4j_snapshot_is_picked_and_audited_like_the_library_does(neo4j_uri, quick_audit_settings, monkeypatch):
    import uuid

    from orgpower.graph.neo4j_store import Neo4jStore

    snapshot = f"test-dashboard-{uuid.uuid4().hex[:8]}"
    model = api.generate_org(60, "power-over", seed=4)
    api.load_to_neo4j(model, neo4j_uri, snapshot=snapshot)
    try:
        monkeypatch.setenv("NEO4J_URI", neo4j_uri)
        expected = api.audit(None, config=quick_audit_settings, neo4j_uri=neo4j_uri, snapshot=snapshot)
        at = fresh_app().run()
        at.segmented_control(key="upload_source").set_value("Neo4j snapshot").run()
        assert snapshot in at.selectbox(key="neo4j_snapshot").options
        at.selectbox(key="neo4j_snapshot").set_value(snapshot).run()
        at.button(key="neo4j_load").click().run()
        assert_no_exception(at)
        assert metric(at, "People") == "60"
        at.switch_page("views_pages/overview.py").run()
        assert f"reads as **{expected.document['classification']['org']['label']}**" in texts(at)
    finally:
        with Neo4jStore.connect(neo4j_uri) as store:
            store.delete_snapshot(snapshot)


# --- names or ids ----------------------------------------------------------------------


def every_proto(node):
    """Every element and block of an AppTest page, as its protobuf message (labels, options,
    help, values, tables and chart data all travel in these bytes)."""
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield proto
    for child in getattr(node, "children", {}).values():
        yield from every_proto(child)


def names_on_page(at: AppTest, names: set[str]) -> set[str]:
    sent = b"\n".join(p.SerializeToString() for p in every_proto(at._tree))  # UTF-8 text, Arrow strings included
    return {name for name in names if name.encode("utf-8") in sent}


def people_names_in_files(folder: Path) -> set[str]:
    """Every full name and surname of the people file as given (set-aside rows included),
    except words that are also a unit, title or place in the file."""
    from orgpower.edits import source_tables

    people = source_tables([folder / "people.csv"])["people.csv"].frame  # every row, as the file spells it
    first = next(c for c in people.columns if "first" in c.lower())
    last = next(c for c in people.columns if "last" in c.lower())
    other = set(people.drop(columns=[first, last]).stack().astype(str))
    full = (people[first].fillna("").str.strip() + " " + people[last].fillna("").str.strip()).str.strip()
    return {n for n in set(full) | set(people[last].dropna().str.strip()) if n and n not in other}


def test_by_default_no_name_is_sent_on_any_page_picker_table_or_chart(sample_orgs):
    # harbor_dirty's validation messages quote names (a repeated id, an unknown manager)
    names = people_names_in_files(sample_orgs / DIRTY)
    at = load_sample(fresh_app(), DIRTY)
    assert at.session_state["orgpower_show_names"] is False  # ids, as the report without --names
    leaks = {}
    next(b for b in at.button if b.label == "Fix the manager of 306").click().run()
    at.text_input(key="fix_manager_search").set_value("Chief").run()  # a title: the picker lists people by id
    leaks["Upload, fixing a manager"] = names_on_page(at, names)
    at.segmented_control(key="fix_kind").set_value("A repeated id").run()
    at.selectbox(key="fix_duplicate").set_value("225").run()
    leaks["Upload, a repeated id"] = names_on_page(at, names)
    at.button(key="fix_drop_1").click().run()
    leaks["Upload, after an edit"] = names_on_page(at, names)
    for page in PAGES:
        at.switch_page(f"views_pages/{page}.py").run()
        assert_no_exception(at)
        if page == "org":
            at.text_input(key="org_search").set_value("195").run()
        if page == "decisions":
            at.text_input(key="decision_search").set_value("D0000").run()
        if page == "power_map":
            at.session_state[f"map_chart_{at.selectbox(key='map_layer').value}"] = {"selection": {"node": [{"id": "195"}]}}
            at.run()
        if page == "report":
            at.button(key="report_prepare").click().run()
        assert_no_exception(at)
        leaks[page] = names_on_page(at, names)
    assert {where: sorted(found)[:3] for where, found in leaks.items() if found} == {}
    at.session_state["orgpower_show_names"] = True  # the switch brings them back
    at.switch_page("views_pages/org.py").run()
    assert names_on_page(at, names)


def chart_tables(at: AppTest) -> list[pa.Table]:
    chart = at.get("vega_lite_chart")[0].proto
    return [pa.ipc.open_stream(dataset.data.data).read_all() for dataset in chart.datasets]


def test_the_power_maps_caption_counts_the_names_written_on_it(loaded):
    loaded.switch_page("views_pages/power_map.py").run()
    loaded.selectbox(key="map_layer").set_value("flows").run()
    assert_no_exception(loaded)
    nodes = next(t for t in chart_tables(loaded) if "written" in t.column_names and "size" in t.column_names)
    written = [w for w in nodes.column("written").to_pylist() if w]
    caption = next(c.value for c in loaded.caption if "Arrows point from" in c.value)
    if len(written) == nodes.num_rows:
        assert "is named." in caption
    else:
        assert f"({len(written):,} of {nodes.num_rows:,})" in caption


def test_bundled_ties_run_through_unit_centres_and_keep_every_tie(loaded, reference):
    from orgpower.dashboard.powermap import ties_to_draw

    loaded.switch_page("views_pages/power_map.py").run()
    loaded.selectbox(key="map_layer").set_value("flows").run()
    view = next(s for s in loaded.get("segmented_control") if "people" in s.proto.options or "people" in str(s.proto))
    view.set_value("people").run()
    toggle = next(t for t in loaded.toggle if t.key and t.key.startswith("map_bundle"))
    toggle.set_value(True).run()
    assert_no_exception(loaded)
    paths = next(t for t in chart_tables(loaded) if {"edge", "step"} <= set(t.column_names)).to_pandas()
    expected = ties_to_draw(layer_ties_of(reference, "flows"))
    assert paths["edge"].nunique() == len(expected)  # one path per drawn tie, none lost to bundling
    assert (paths.groupby("edge")["step"].count() >= 2).all()
    assert (paths.groupby("edge")["step"].count() > 2).any()  # some run through unit centres
    assert any("Ties between units are bundled" in c.value for c in loaded.caption)
    toggle.set_value(False).run()


def layer_ties_of(result, layer: str) -> pd.DataFrame:
    from orgpower.dashboard.powermap import layer_ties

    return layer_ties(result.graph.layers[layer])
