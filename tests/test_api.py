"""The library API as a pandas user meets it: read_org and audit take a path (str or
Path), a list of paths, or DataFrames; the same tables give the same org whichever form
they come in; reprs are short; the settings and result types are exported."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import orgpower
from orgpower import AuditConfig, AuditResult, OrgModel, OrgpowerWarning, UsageError

FAST = AuditConfig(null_samples=0)


@pytest.fixture(scope="module")
def riverbank(sample_orgs: Path) -> Path:
    return sample_orgs / "riverbank_coop"


@pytest.fixture(scope="module")
def from_folder(riverbank) -> OrgModel:
    return orgpower.read_org([riverbank])


def _same_org(a: OrgModel, b: OrgModel) -> None:
    # the tables an audit uses, without the columns that name the file a row came from
    for table in ("people", "reporting", "flows", "decisions", "relations"):
        left, right = getattr(a, table), getattr(b, table)
        drop = [c for c in ("source_file", "source_row") if c in left]
        pd.testing.assert_frame_equal(left.drop(columns=drop), right.drop(columns=drop), check_dtype=False)


def test_read_org_takes_a_folder_as_a_string(riverbank, from_folder):
    _same_org(orgpower.read_org(str(riverbank)), from_folder)


def test_read_org_takes_a_folder_as_a_path(riverbank, from_folder):
    _same_org(orgpower.read_org(riverbank), from_folder)


def test_read_org_takes_a_list_of_files(riverbank, from_folder):
    files = sorted(riverbank.glob("*.csv"))
    _same_org(orgpower.read_org(files), from_folder)
    _same_org(orgpower.read_org([str(f) for f in files]), from_folder)


def test_read_org_takes_dataframes_and_gives_the_same_org_as_the_files(riverbank, from_folder):
    frames = {kind: pd.read_csv(riverbank / f"{kind}.csv", dtype=str, keep_default_na=False)
              for kind in ("people", "flows", "decisions", "relations")}
    _same_org(orgpower.read_org(**frames), from_folder)


def test_an_integer_id_column_with_blanks_reads_as_whole_numbers():
    # pandas turns an int column with a blank into floats (7.0); the ids must stay "7"
    people = pd.DataFrame({"person_id": [1, 2, 3], "manager_id": [None, 1, 1]})
    model = orgpower.read_org(people=people)
    assert model.people["manager_id"].tolist()[1:] == ["1", "1"] and not model.errors


def test_problems_in_a_dataframe_name_the_table_and_the_spreadsheet_row():
    people = pd.DataFrame({"person_id": ["a", "b", "c"], "manager_id": [None, "a", "ghost"]})
    [problem] = [p for p in orgpower.read_org(people=people).errors if p.code == "manager_not_found"]
    assert (problem.file, problem.row, problem.value) == ("people", 4, "ghost")


def test_paths_and_dataframes_together_are_a_usage_error(riverbank):
    with pytest.raises(UsageError, match="not both"):
        orgpower.read_org(riverbank, people=pd.DataFrame({"person_id": ["a"]}))


def test_a_non_dataframe_table_is_a_usage_error():
    with pytest.raises(UsageError, match="DataFrame"):
        orgpower.read_org(people=[{"person_id": "a"}])


def test_a_string_path_is_never_read_letter_by_letter(tmp_path):
    with pytest.raises(UsageError, match="No such file or folder") as error:
        orgpower.read_org(str(tmp_path / "missing"))
    assert "missing" in str(error.value)


def test_audit_takes_a_path_a_list_dataframes_or_a_model_with_the_same_result(riverbank, from_folder):
    expected = orgpower.audit(from_folder, config=FAST).document["layers"]
    assert orgpower.audit(str(riverbank), config=FAST).document["layers"] == expected
    assert orgpower.audit([riverbank], config=FAST).document["layers"] == expected
    frames = {kind: pd.read_csv(riverbank / f"{kind}.csv", dtype=str, keep_default_na=False)
              for kind in ("people", "flows", "decisions", "relations")}
    assert orgpower.audit(config=FAST, **frames).document["layers"] == expected


def test_audit_compare_takes_a_path(riverbank):
    result = orgpower.audit(riverbank, config=FAST, compare=str(riverbank))
    assert result.comparison is not None and "comparison" in result.document


def test_group_attribute_is_matched_ignoring_case_with_a_warning(riverbank):
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always")
        result = orgpower.audit(riverbank, config=AuditConfig(null_samples=0, group_attributes=("GENDER",)))
    assert any(issubclass(w.category, OrgpowerWarning) and "'Gender'" in str(w.message) for w in heard)
    assert result.config.group_attributes == ("Gender",)


def test_an_unknown_group_attribute_raises_with_a_suggestion(riverbank):
    with pytest.raises(UsageError, match="Did you mean 'Gender'"):
        orgpower.audit(riverbank, config=AuditConfig(null_samples=0, group_attributes=("gendr",)))


def test_progress_hears_every_stage_with_counts(riverbank):
    heard = []
    orgpower.audit(riverbank, config=FAST, progress=lambda stage, done, total, detail="": heard.append((stage, done, total)))
    stages = [s for s, _, _ in heard]
    assert stages.index("read") < stages.index("graph") < stages.index("measure") < stages.index("report")
    measure = [(d, t) for s, d, t in heard if s == "measure"]
    assert measure[0][0] == 0 and measure[-1][0] == measure[-1][1]  # a bar from 0 to its known total


def test_progress_of_the_older_org_is_told_apart(riverbank):
    heard = set()
    orgpower.audit(riverbank, config=FAST, compare=riverbank, progress=lambda stage, *rest: heard.add(stage))
    assert {"compare:read", "compare:measure"} <= heard and "measure" in heard


def test_reprs_are_short_and_name_no_one(from_folder):
    result = orgpower.audit(from_folder, config=FAST)
    for text in (repr(from_folder), repr(result), result._repr_html_(), from_folder._repr_html_()):
        assert len(text) < 2_000
        assert not any(name in text for name in from_folder.people["name"].dropna().astype(str))
    assert repr(result).startswith(f"<AuditResult {result.document['classification']['org']['label']}: ")
    assert f"{len(from_folder.people):,} people" in repr(from_folder)


def test_settings_and_result_types_are_exported():
    assert isinstance(orgpower.audit(orgpower.generate_org(30, "mutual"), config=FAST), orgpower.AuditResult)
    assert AuditResult is orgpower.AuditResult and orgpower.Thresholds().reciprocity_low > 0
    assert {"AuditConfig", "AuditResult", "Thresholds", "OrgpowerWarning"} <= set(orgpower.__all__)
