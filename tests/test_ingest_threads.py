"""Files are read two at a time in threads: the org read must be the one a file-by-file
read gives, problems and inputs in the same order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from orgpower.ingest.bundle import read_bundle

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "tests" / "data" / "exports"

BUNDLES = {
    # a dirty org: problems in every file
    "harbor_dirty": [ROOT / "sample_orgs" / "harbor_dirty"],
    # a UK organogram's senior and junior files with a workbook: three kinds of export
    "uk_organogram": [EXPORTS / "uk_organogram_senior.csv", EXPORTS / "uk_organogram_junior.csv",
                      EXPORTS / "uk_organogram_senior_2011.xlsx"],
    # many vendors' exports at once: each vendor's format note is said once, for its first file
    "exports": sorted(p for p in EXPORTS.iterdir() if p.suffix in (".csv", ".xlsx")),
}


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_a_bundle_read_in_threads_is_the_bundle_read_file_by_file(name):
    one_by_one = read_bundle(BUNDLES[name], threads=1)
    threaded = read_bundle(BUNDLES[name], threads=2)
    for table in ("people", "reporting", "flows", "decisions", "relations", "units"):
        pd.testing.assert_frame_equal(getattr(threaded, table), getattr(one_by_one, table))
    assert threaded.problems == one_by_one.problems
    assert threaded.inputs == one_by_one.inputs


def test_the_format_note_of_a_vendor_comes_once_for_its_first_file():
    model = read_bundle(BUNDLES["exports"], threads=2)
    notes = [p for p in model.problems if p.code == "export_format"]
    assert notes, "the corpus holds exports whose format is noted"
    assert len({p.message for p in notes}) == len(notes)
    first_files = [p.file for p in notes]
    assert first_files == sorted(first_files, key=[i.file for i in model.inputs].index)
