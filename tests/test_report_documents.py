"""The documents: audit.json is byte-identical for the same input; audit.html is one
self-contained file that parses and holds the findings; audit.pdf has pages that
rasterise (poppler's pdftoppm) and hold the findings; audit.xlsx has every table."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from orgpower.api import generate_org, read_org
from orgpower.api import audit as run_audit
from orgpower.report.audit import AuditConfig
from orgpower.report.document import clean, dumps
from orgpower.report.writers import write_reports

CONFIG = AuditConfig(null_samples=5, seed=11).with_group_attributes(["gender"])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    from orgpower.synthetic import write_bundle

    folder = tmp_path_factory.mktemp("bundle")
    write_bundle(generate_org(90, "mixed", seed=8), folder)
    return folder


@pytest.fixture(scope="module")
def reports(bundle, tmp_path_factory):
    result = run_audit(read_org([bundle]), config=CONFIG)
    out = tmp_path_factory.mktemp("reports")
    return result, write_reports(result, out, ("json", "html", "pdf", "xlsx"))


def test_audit_json_is_byte_identical_across_two_runs(bundle, reports, tmp_path):
    _, written = reports
    again = write_reports(run_audit(read_org([bundle]), config=CONFIG), tmp_path, ("json",))
    assert again["json"].read_bytes() == written["json"].read_bytes()


def test_audit_json_names_inputs_with_their_hashes(reports):
    result, _ = reports
    inputs = result.document["inputs"]
    assert {i["file"] for i in inputs} >= {"people.csv", "flows.csv", "decisions.csv"}
    assert all(len(i["sha256"]) == 64 for i in inputs)


def test_json_cleaning_rounds_and_drops_nan():
    assert clean({"a": float("nan"), "b": 1 / 3, "c": -0.0}) == {"a": None, "b": 0.3333333333, "c": 0.0}
    assert dumps({"b": 1, "a": float("inf")}) == '{\n  "a": null,\n  "b": 1\n}\n'


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def parsed_html(reports):
    _, written = reports
    parser = _Collect()
    parser.feed(written["html"].read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_html_holds_every_finding_title(reports, parsed_html):
    result, _ = reports
    text = " ".join(" ".join(parsed_html.text).split())
    for finding in result.document["findings"]:
        assert " ".join(finding["title"].split()) in text


def test_html_is_self_contained(parsed_html):
    assert "script" not in parsed_html.tags and "link" not in parsed_html.tags
    external = [v for k, v in parsed_html.attrs if k in ("src", "href") and v and not v.startswith("#")]
    assert external == []


def test_html_draws_its_charts_as_inline_svg(parsed_html):
    # power map, org chart, spans-and-layers heatmap, Lorenz curves
    assert parsed_html.tags.count("svg") == 4


def test_html_has_method_and_input_hashes(reports, parsed_html):
    result, _ = reports
    text = " ".join(parsed_html.text)
    assert "Method" in text and "References" in text
    for item in result.document["inputs"]:
        assert item["sha256"] in text


def test_xlsx_has_a_sheet_per_table(reports):
    result, written = reports
    sheets = openpyxl.load_workbook(written["xlsx"], read_only=True).sheetnames
    assert sheets[:3] == ["contents", "summary", "glossary"]
    assert {"findings", "layers", "units", "teams", "people", "decision_rights", "representation"} <= set(sheets)
    assert len(sheets) == 3 + len(result.tables)


def test_pdf_pages_rasterise_and_hold_the_findings(reports, tmp_path):
    result, written = reports
    if not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    pdf = written["pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    from PIL import Image

    first = Image.open(pages[0]).convert("L")
    assert first.getextrema()[0] < 100  # something dark is drawn: the page is not blank
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    assert "Findings" in flat
    assert " ".join(result.document["findings"][0]["title"].split()) in flat
