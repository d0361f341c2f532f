"""A report a consultant can hand over as it is: metadata on the cover, findings in words
with every number named and linked to its definition in the report itself, no file the
reader does not have, PDF tables that stay on the page, XLSX cells formatted by what
they hold, people.csv that Excel opens, people shown by id unless names are asked for.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from orgpower.api import generate_org, read_org
from orgpower.errors import InputError, UsageError
from orgpower.api import audit as run_audit
from orgpower.report.config import AuditConfig
from orgpower.report.glossary import TERMS, anchor, column_known, glossary_key, known, term
from orgpower.report.meta import ReportMeta, input_date
from orgpower.report.writers import write_reports

CONFIG = AuditConfig(null_samples=5, seed=3).with_group_attributes(["gender"])
META = ReportMeta(title="Power audit 2026", organisation="Exemplar Ltd", prepared_for="The board of Exemplar",
                  prepared_by="A. Consultant", date="2026-11-27", confidentiality="Confidential")


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> tuple[Path, Path]:
    from orgpower.synthetic import write_bundle

    new, old = tmp_path_factory.mktemp("new"), tmp_path_factory.mktemp("old")
    write_bundle(generate_org(120, "mixed", seed=8), new)
    write_bundle(generate_org(110, "power-over", seed=9), old)
    return new, old


@pytest.fixture(scope="module")
def result(bundles):
    new, old = bundles
    return run_audit(read_org([new]), config=CONFIG, compare=read_org([old]))


@pytest.fixture(scope="module")
def written(result, tmp_path_factory):
    return write_reports(result, tmp_path_factory.mktemp("all"), ("json", "html", "pdf", "xlsx"), meta=META)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id" and v:
                self.ids.add(v)
            if k == "href" and v:
                self.hrefs.append(v)

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


# --- metadata ---------------------------------------------------------------------------

def test_metadata_never_changes_audit_json(result, written, tmp_path):
    bare = write_reports(result, tmp_path, ("json",))
    assert bare["json"].read_bytes() == written["json"].read_bytes()


def test_cover_shows_title_organisation_prepared_for_and_by_and_date(written):
    text = " ".join(" ".join(_parse(written["html"]).text).split())
    for expected in ("Power audit 2026", "Exemplar Ltd", "The board of Exemplar", "A. Consultant", "27 November 2026",
                     "Confidential", "Executive summary", "Contents"):
        assert expected in text


def test_report_config_file_reads_toml_and_rejects_unknown_fields(tmp_path):
    good = tmp_path / "report.toml"
    good.write_text('title = "Q4"\norganization = "Acme"\ndate = 2026-10-01\n', encoding="utf-8")
    meta = ReportMeta.load(good)
    assert (meta.title, meta.organisation, meta.date) == ("Q4", "Acme", "2026-10-01")
    bad = tmp_path / "bad.toml"
    bad.write_text('titel = "Q4"\n', encoding="utf-8")
    with pytest.raises(InputError, match="titel"):
        ReportMeta.load(bad)


def test_a_date_that_is_not_a_date_is_refused_with_the_format_to_use():
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        ReportMeta.from_dict({"date": "27/11/2026"})


def test_input_date_is_the_newest_data_file_date(tmp_path):
    import os

    (tmp_path / "people.csv").write_text("person_id\n1\n")
    (tmp_path / "README.md").write_text("not data")
    os.utime(tmp_path / "people.csv", (1_790_000_000, 1_790_000_000))  # 2026-09-21 UTC
    os.utime(tmp_path / "README.md", (1_800_000_000, 1_800_000_000))
    assert input_date([tmp_path]) == "2026-09-21"


# --- words, links, glossary -------------------------------------------------------------

def test_every_internal_link_of_the_html_has_its_target(written):
    parsed = _parse(written["html"])
    dead = sorted({h for h in parsed.hrefs if h.startswith("#") and h[1:] not in parsed.ids})
    assert dead == []
    assert all(h.startswith("#") for h in parsed.hrefs), "no link may leave the report"


def test_html_cites_no_file_the_reader_does_not_have(written):
    html = written["html"].read_text(encoding="utf-8")
    for missing in ("metrics" + "-spec", "interfaces" + ".md", "docs/measures.md", "docs/readings.md"):
        assert missing not in html


def test_findings_show_no_raw_key_value_dumps(written):
    text = " ".join(_parse(written["html"]).text)
    assert not re.search(r"\b[a-z]{2,}_[a-z_]{2,} = ", text), "a measure key with '=' is a raw dump"


def test_every_number_and_definition_of_a_finding_is_in_the_glossary(result):
    for finding in result.document["findings"]:
        for key in finding["metrics"]:
            assert known(key), f"{finding['id']}: number {key!r} has no plain name"
        for key in finding["definition"]["keys"]:
            assert known(key) or key.isupper() or "-" in key, f"{finding['id']}: definition {key!r} unknown"


def test_finding_definitions_in_audit_json_name_glossary_rows_never_a_file(result):
    import json

    for finding in result.document["findings"]:
        definition = finding["definition"]
        assert set(definition) == {"keys", "glossary"}, finding["id"]
        assert definition["glossary"], f"{finding['id']} rests on no defined term"
        for key in definition["glossary"]:
            assert key in TERMS and glossary_key(key) == key, f"{finding['id']}: {key!r} is not a glossary row"
        for key in definition["keys"]:
            if known(key):
                assert glossary_key(key) in definition["glossary"], f"{finding['id']}: {key!r} has no row"
    text = json.dumps(result.document["findings"])
    assert ".md" not in text and "docs/" not in text


def test_data_problem_findings_point_to_the_data_problem_row(tmp_path):
    from orgpower.synthetic import write_bundle

    write_bundle(generate_org(40, "mixed", seed=2), tmp_path)
    people = (tmp_path / "people.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "people.csv").write_text("\n".join([*people, people[-1]]) + "\n", encoding="utf-8")  # a repeated row
    document = run_audit(read_org([tmp_path]), config=CONFIG).document
    data = [f for f in document["findings"] if f["id"].startswith("data-")]
    assert data and all(f["definition"]["glossary"] == ["data_problem"] for f in data)


def test_every_glossary_row_a_finding_names_is_in_the_report_and_the_workbook(written, result, book):
    parsed = _parse(written["html"])
    sheet = book["glossary"]
    key_column = _header(sheet)["Key"]
    sheet_keys = {sheet.cell(r, key_column).value for r in range(2, sheet.max_row + 1)}
    for finding in result.document["findings"]:
        for key in finding["definition"]["glossary"]:
            assert anchor(key) in parsed.ids, f"{finding['id']}: {key} not in the report's glossary"
            assert f"#{anchor(key)}" in parsed.hrefs, f"{finding['id']}: {key} not linked from the finding"
            assert key in sheet_keys, f"{finding['id']}: {key} not in the glossary sheet"


def test_the_report_glossary_holds_exactly_the_terms_the_report_links_to(written):
    parsed = _parse(written["html"])
    rows = {i for i in parsed.ids if i.startswith("def-")}
    linked = {h[1:] for h in parsed.hrefs if h.startswith("#def-")}
    assert rows == linked
    assert len(rows) < len(TERMS) / 2  # the workbook's glossary sheet keeps every term


def test_the_glossary_fits_on_three_pdf_pages(written):
    pages = _pdf_text(written["pdf"]).split("\f")
    starts = [i for i, page in enumerate(pages) if re.search(r"^\s*Glossary\s*$", page, re.M)]
    ends = [i for i, page in enumerate(pages) if re.search(r"^\s*References\s*$", page, re.M)]
    assert starts and ends, "the PDF has a glossary followed by references"
    assert ends[-1] - starts[-1] + 1 <= 3, f"the glossary runs over {ends[-1] - starts[-1] + 1} pages"


def test_every_finding_links_its_definitions_to_the_glossary_rows(written, result):
    parsed = _parse(written["html"])
    for finding in result.document["findings"]:
        for key in finding["metrics"]:
            assert f"#{anchor(key)}" in parsed.hrefs


def test_findings_name_measures_in_words_never_by_their_key(written, book):
    text = " ".join(_parse(written["html"]).text)
    findings = text.split("Findings", 2)[-1].split("Readings by layer", 1)[0]
    rows = [str(c.value) for row in book["findings"].iter_rows(min_row=2) for c in row if c.value is not None]
    for key, t in TERMS.items():
        if t.group == "layer" and "_" in key:
            assert f"{key}:" not in findings, key
            assert not any(f"{key}:" in cell for cell in rows), key


def test_every_symbol_in_the_evidence_is_linked_to_its_definition(written):
    html = written["html"].read_text(encoding="utf-8")
    body = html.split('<section id="findings-section">', 1)[1].split('<section class="appendix"', 1)[0]
    text_only = re.sub(r"<a [^>]*>.*?</a>", "", body)
    text_only = re.sub(r"<[^>]+>", " ", text_only)
    for symbol in ("F0", "r_w", "HHI*", "ρ"):
        assert symbol not in text_only, f"{symbol} appears without a link to its definition"


def test_html_only_audit_never_points_to_a_missing_xlsx(result, tmp_path):
    paths = write_reports(result, tmp_path, ("json", "html"), meta=META)
    html = paths["html"].read_text(encoding="utf-8")
    assert "in audit.xlsx." not in html and "of audit.xlsx" not in html
    assert not (tmp_path / "audit.xlsx").exists()


def test_unit_sums_are_named_as_sums_not_as_a_persons_span(result):
    from orgpower.report.glossary import column_label

    header, _, meaning = column_label("span_of_control_new", "change_units")
    assert header == "Direct reports in the unit, now" and "sum" in meaning
    assert column_label("span_of_control_new", "change_people")[0] == "Span of control, now"


def test_every_column_of_every_table_has_a_plain_name_and_meaning(result):
    unknown = sorted({f"{name}.{c}" for name, table in result.tables.items() if table is not None
                      for c in table.columns if not column_known(str(c))})
    assert unknown == []


# --- people.csv ---------------------------------------------------------------------------

def test_people_csv_is_utf8_with_bom_and_ids_only_by_default(written):
    data = written["csv"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header = data[3:].split(b"\n", 1)[0].decode().split(",")
    assert header[0] == "person_id" and "name" not in header


def test_names_option_adds_names_everywhere(result, tmp_path):
    paths = write_reports(result, tmp_path, ("json", "html", "xlsx"), names=True)
    header = paths["csv"].read_text(encoding="utf-8-sig").split("\n", 1)[0].split(",")
    assert header[:2] == ["person_id", "name"]
    people = result.model.people.astype({"person_id": str}).set_index("person_id")["name"]
    top_name = str(people[result.document["org"]["roots"][0]])
    book = openpyxl.load_workbook(paths["xlsx"], read_only=True)
    assert [c.value for c in next(book["people"].iter_rows(max_row=1))][:2] == ["Person id", "Name"]
    html = paths["html"].read_text(encoding="utf-8")
    assert "ids with names" in html and top_name in html  # the org chart's top box
    assert top_name not in paths["json"].read_text(encoding="utf-8")  # audit.json never holds names


def test_names_stay_out_of_every_document_by_default(result, written):
    people = result.model.people.astype({"person_id": str}).set_index("person_id")["name"]
    top_name = str(people[result.document["org"]["roots"][0]])
    assert top_name not in written["html"].read_text(encoding="utf-8")
    assert top_name not in written["csv"].read_text(encoding="utf-8-sig")


# --- one names option, every output alike ----------------------------------------------------

@pytest.fixture(scope="module")
def named(result, tmp_path_factory):
    return write_reports(result, tmp_path_factory.mktemp("named"), ("json", "html", "pdf", "xlsx"), meta=META, names=True)


@pytest.fixture(scope="module")
def name_of(result) -> dict[str, str]:
    people = result.model.people.astype({"person_id": str})
    return {i: str(n) for i, n in zip(people["person_id"], people["name"]) if isinstance(n, str) and n.strip()}


def _cells(path: Path) -> dict[str, list[list]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_with_names_every_xlsx_sheet_holding_a_person_id_has_the_name_beside_it(result, named, name_of):
    from orgpower.report.glossary import column_label
    from orgpower.report.names import PERSON_ID_COLUMNS, name_column
    from orgpower.report.xlsx import sheet_names

    sheets = _cells(named["xlsx"])
    checked = 0
    for table, sheet in sheet_names(result.tables).items():
        for id_column in PERSON_ID_COLUMNS.get(table, ()):
            frame = result.tables[table]
            if id_column not in frame.columns:
                continue
            rows = sheets[sheet]
            header = rows[0]
            at = header.index(column_label(id_column)[0])
            assert header[at + 1] == column_label(name_column(id_column))[0], f"{sheet}: no name after {id_column}"
            for row in rows[1:]:
                if row[at] is not None:
                    assert row[at + 1] == name_of.get(str(row[at])), f"{sheet}: {row[at]} -> {row[at + 1]}"
                    checked += row[at + 1] is not None
    assert checked > 100  # people, units, teams, pairs, decisions, resources, change sheets


def test_with_names_the_findings_sheet_writes_id_and_name_as_the_report_does(result, named, name_of):
    rows = _cells(named["xlsx"])["findings"]
    where = rows[0].index("Where")
    listed = [f for f in result.document["findings"] if f["where"].get("people")]
    assert listed
    for finding in listed:
        row = next(r for r in rows[1:] if r[-1] == finding["id"])
        for pid in finding["where"]["people"]:
            assert f"{pid} ({name_of[str(pid)]})" in row[where]


def test_with_names_html_and_pdf_show_the_name_beside_every_listed_id(result, named, name_of):
    html = named["html"].read_text(encoding="utf-8")
    pdf = " ".join(_pdf_text(named["pdf"]).split())
    listed = [str(p) for f in result.document["findings"] for p in f["where"].get("people", [])]
    assert listed
    for pid in listed:
        assert f"{pid} ({name_of[pid]})" in html
    for pid in listed[:3]:  # the PDF prints the same HTML; its text may wrap inside a long name
        assert name_of[pid].split()[-1] in pdf


def test_with_names_people_csv_has_name_and_manager_name_beside_the_ids(named, name_of):
    import csv

    rows = list(csv.DictReader(named["csv"].read_text(encoding="utf-8-sig").splitlines()))
    header = list(rows[0])
    assert header[header.index("person_id") + 1] == "name"
    assert header[header.index("manager_id") + 1] == "manager_name"
    for row in rows:
        assert row["name"] == name_of.get(row["person_id"], "")
        assert row["manager_name"] == name_of.get(row["manager_id"], "")


def test_without_names_no_output_holds_any_name(written, name_of):
    distinctive = {n for n in name_of.values() if len(n) > 6}
    texts = {
        "html": written["html"].read_text(encoding="utf-8"),
        "pdf": _pdf_text(written["pdf"]),
        "csv": written["csv"].read_text(encoding="utf-8-sig"),
        "json": written["json"].read_text(encoding="utf-8"),
        "xlsx": " ".join(str(v) for rows in _cells(written["xlsx"]).values() for r in rows for v in r if v is not None),
    }
    for output, text in texts.items():
        leaked = sorted(n for n in distinctive if n in text)
        assert leaked == [], f"{output} shows names without the names option: {leaked[:3]}"


def test_csv_encoding_option_and_a_character_it_cannot_hold(result, tmp_path):
    plain = write_reports(result, tmp_path / "a", ("json",), csv_encoding="utf-8")
    assert not plain["csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(UsageError, match="Unknown CSV encoding"):
        write_reports(result, tmp_path / "b", ("json",), csv_encoding="klingon")


# --- XLSX -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def book(written):
    return openpyxl.load_workbook(written["xlsx"])


def _header(sheet) -> dict[str, int]:
    return {c.value: c.column for c in sheet[1]}


def test_xlsx_contents_sheet_links_to_every_sheet(book):
    contents = book["contents"]
    targets = {c.hyperlink.location.split("!")[0].strip("'") for row in contents.iter_rows() for c in row
               if c.hyperlink is not None and c.hyperlink.location}
    assert targets == set(book.sheetnames) - {"contents"}


def test_xlsx_numbers_are_formatted_by_what_they_hold(book):
    layers = book["layers"]
    cols = _header(layers)
    assert layers.cell(2, cols["Returned ties (reciprocity)"]).number_format.endswith("%")
    assert layers.cell(2, cols["Ties"]).number_format == "#,##0"
    balance = book["resource_balance"]
    given = balance.cell(2, _header(balance)["Given"])
    assert "#,##0.00" in given.number_format and "EUR" in given.number_format  # the generator's currency


def test_xlsx_freezes_header_and_first_column_and_sizes_text(book):
    findings = book["findings"]
    assert findings.freeze_panes == "B2"
    summary_col = _header(findings)["Summary"]
    widths = [d.width for d in findings.column_dimensions.values() if d.min <= summary_col <= d.max]
    assert widths and widths[0] > 30
    assert findings.cell(2, summary_col).alignment.wrap_text


def test_xlsx_has_no_json_in_any_cell(book):
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not (value.startswith("{") and value.endswith("}")), f"JSON in {sheet.title}: {value[:60]}"


def test_xlsx_glossary_sheet_defines_every_term(book):
    glossary = book["glossary"]
    cols = _header(glossary)
    keys = {row[cols["Key"] - 1] for row in glossary.iter_rows(min_row=2, values_only=True)}
    assert {"reciprocity_edgewise", "trophic_incoherence", "pagerank", "bonacich_power", "power-over"} <= keys


# --- PDF --------------------------------------------------------------------------------

def _poppler():
    if not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")


def test_pdf_text_stays_inside_every_page(written, tmp_path):
    """pdftotext -bbox gives every word's box: none may run past the page edge (a clipped
    table loses its right-hand columns)."""
    _poppler()
    out = tmp_path / "bbox.html"
    subprocess.run(["pdftotext", "-bbox", str(written["pdf"]), str(out)], check=True)
    html = out.read_text(encoding="utf-8")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, flags=re.S)
    assert pages
    for number, (width, height, body) in enumerate(pages, 1):
        for x0, y0, x1, y1 in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', body):
            assert float(x1) <= float(width) - 20 and float(y1) <= float(height), f"page {number}: a word is cut off"
            assert float(x0) >= 20


def test_pdf_has_no_orphan_pages(written):
    """Every page but the cover holds more than a stray row or sentence."""
    _poppler()
    text = subprocess.run(["pdftotext", "-layout", str(written["pdf"]), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = text.split("\f")[:-1]
    thin = [i for i, page in enumerate(pages[1:], 2) if len([l for l in page.splitlines() if l.strip()]) < 6]
    assert thin == []


def test_pdf_pages_rasterise(written, tmp_path):
    _poppler()
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(written["pdf"]), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) >= 5


def _pdf_bookmarks(pdf: Path) -> list[str]:
    """Titles of the PDF's outline (WeasyPrint writes them into compressed object streams)."""
    import zlib

    data = pdf.read_bytes()
    titles: list[str] = []
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        try:
            chunk = zlib.decompress(data[match.end():end])
        except zlib.error:
            continue
        titles += [t.decode("latin-1") for t in re.findall(rb"/Title \((.*?)\)/Dest", chunk)]
    return titles


def test_pdf_is_tagged_and_has_section_bookmarks(written):
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(written["pdf"])], capture_output=True, text=True).stdout
        assert re.search(r"Tagged:\s+yes", info)
    assert {"Executive summary", "Findings", "Readings by layer", "Change over time", "Method", "Glossary"} <= set(
        _pdf_bookmarks(written["pdf"]))


def test_pdf_repeats_table_headers_on_continuation_pages(written, tmp_path):
    """A table longer than a page, printed with the report's own styles, starts every
    continuation page with its header row (the sample's tables are short enough to move
    whole to the next page, so the long one is made here)."""
    from orgpower.report.pdf import write_pdf

    _poppler()
    style = re.search(r"<style>.*?</style>", written["html"].read_text(encoding="utf-8"), re.S).group(0)
    rows = "".join(f"<tr><td>unit-{i:03d}</td><td class='num'>{i}</td></tr>" for i in range(150))
    page = (f"<!DOCTYPE html><html><head>{style}</head><body><section><div class='scroll'><table><thead><tr>"
            f"<th>Unit id</th><th class='num'>People</th></tr></thead><tbody>{rows}</tbody></table></div></section></body></html>")
    text = _pdf_text(write_pdf(page, tmp_path / "long.pdf"))
    pages = [[line for line in p.splitlines() if line.strip()] for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    assert all(re.match(r"^\s*Unit id\s+People\s*$", lines[0]) for lines in pages), [lines[0] for lines in pages]


def test_glossary_names_every_layer_person_column(result):
    for column in result.people.columns:
        assert column_known(column), column
    assert term("flows_pagerank").name.endswith("in resources (budget flows)")


def test_cli_report_details_from_a_file_and_options(tmp_path):
    from orgpower.cli import main

    sample = Path(__file__).resolve().parents[1] / "sample_orgs" / "riverbank_coop"
    details = tmp_path / "report.toml"
    details.write_text('organisation = "Riverbank"\nprepared_for = "The members"\ndate = "2026-01-31"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(sample), "--out", str(out), "-q", "--report-config", str(details),
                 "--prepared-by", "The audit team", "--date", "2026-02-01", "--csv-encoding", "utf-8"]) == 0
    html = (out / "audit.html").read_text(encoding="utf-8")
    assert "Power in Riverbank" in html and "The members" in html and "The audit team" in html
    assert "1 February 2026" in html  # the option overrides the file
    assert not (out / "people.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# --- the project's own documentation ---------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _documented_names(text: str) -> list[re.Pattern]:
    names = set(re.findall(r"`([^`\s]+)`", text))
    return [re.compile("^" + re.escape(n).replace(re.escape("<layer>"), "[a-z0-9_]+") + "$") for n in names]


def test_data_dictionary_documents_every_people_csv_column(result, written):
    patterns = _documented_names((DOCS / "data-dictionary.md").read_text(encoding="utf-8"))
    header = written["csv"].read_text(encoding="utf-8-sig").split("\n", 1)[0].split(",")
    missing = [c for c in [*header, "name"] if not any(p.match(c) for p in patterns)]
    assert missing == []


def test_data_dictionary_documents_every_xlsx_sheet_and_audit_json_key(book, result):
    text = (DOCS / "data-dictionary.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `([^`]+)`", text, flags=re.M))
    assert set(book.sheetnames) <= headings
    json_section = text.split("## `audit.json`", 1)[1].split("## `audit.xlsx`", 1)[0]
    keys = set(re.findall(r"^\| `([a-z_]+)` \|", json_section, flags=re.M))
    assert set(result.document) <= keys


def test_docs_define_every_per_person_measure_with_its_normalisation():
    text = (DOCS / "measures.md").read_text(encoding="utf-8")
    person = text.split("## Per-person measures", 1)[1].split("## Known differences", 1)[0]
    for column in ("reporting_layer", "span_of_control", "reach", "betweenness", "betweenness_directed", "pagerank",
                   "bonacich_power", "constraint", "brokerage_coordinator", "decision_rights_deciding",
                   "resources_reciprocated"):
        assert f"`{column}`" in person, column
    for fact in ("(n−1)(n−2)/2", "α = 0.85", "β = −0.5/λ_max", "z_ij = w_ij + w_ji", "gatekeeper", "unit"):
        assert fact in person, fact
    assert "## Known differences between R sna, igraph and networkx" in text


def test_docs_cite_no_file_outside_the_repository():
    for page in DOCS.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for missing in ("metrics" + "-spec", "interfaces" + ".md", "../" + "shared", "/work" + "/shared"):
            assert missing not in text, f"{page.name} cites {missing}"


def test_html_with_a_comparison_fits_a_1280_px_window(written, chromium_path):
    """Opened in Chromium at 1280 px, nothing of the report (change tables included) is
    wider than the window."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox", "--disable-gpu"],
                                             headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(written["html"].resolve().as_uri())
            assert page.locator("#change").count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        finally:
            browser.close()


def test_power_map_layer_markers_never_overlap():
    from orgpower.report.charts import MARKER_GAP, power_map

    same = {"label": "power-over", "scores": {"asymmetry": 1.0, "direction": 1.0}}
    near = {"label": "mixed", "scores": {"asymmetry": 0.78, "direction": 0.98}}  # just left of power-over
    layers = {f"layer{i}": (same if i % 2 else near) for i in range(7)}
    svg = power_map(layers)
    centres = [(float(x), float(y)) for x, y in re.findall(r"cx='([\d.]+)' cy='([\d.]+)' r='9'", svg)]
    assert len(centres) == 7
    for i, (x1, y1) in enumerate(centres):
        for x2, y2 in centres[i + 1:]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 >= MARKER_GAP - 1e-6
        assert 60 <= x1 <= 480 and 60 <= y1 <= 480  # inside the frame


def test_pdf_executive_summary_is_one_page_and_findings_start_the_next(written):
    _poppler()
    text = subprocess.run(["pdftotext", "-layout", str(written["pdf"]), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = [" ".join(p.split()) for p in text.split("\f")]
    summary = next(i for i, p in enumerate(pages) if p.startswith("Executive summary"))
    assert "What would change the reading" in pages[summary]
    assert pages[summary + 1].startswith("Findings")


@pytest.mark.parametrize("module", ["orgpower.report.names", "orgpower.report.glossary"])
def test_docstring_examples_of_the_report_modules_hold(module):
    import doctest
    import importlib

    outcome = doctest.testmod(importlib.import_module(module))
    assert outcome.attempted > 0 and outcome.failed == 0


# harbor_dirty's validation messages quote the names of the rows they are about (a
# repeated id's kept and set-aside rows, a person whose manager is not found)
HARBOR = Path(__file__).resolve().parents[1] / "sample_orgs" / "harbor_dirty"
HARBOR_QUOTED = ("Ines Nettleby", "Pia Cinderwick", "Gus Wrenmere", "Yara Briarby", "Kit Pebbleby")


@pytest.fixture(scope="module")
def harbor_written(tmp_path_factory):
    result = run_audit(read_org([HARBOR]), config=AuditConfig(null_samples=5, seed=3))
    return write_reports(result, tmp_path_factory.mktemp("harbor"), ("json", "html", "xlsx"))


def test_without_names_validation_messages_hide_the_names_they_quote(harbor_written):
    texts = {
        "json": harbor_written["json"].read_text(encoding="utf-8"),
        "html": harbor_written["html"].read_text(encoding="utf-8"),
        "xlsx": " ".join(str(v) for rows in _cells(harbor_written["xlsx"]).values() for r in rows for v in r if v is not None),
    }
    for output, text in texts.items():
        leaked = [n for n in HARBOR_QUOTED if n in text]
        assert leaked == [], f"{output} quotes names without the names option: {leaked}"
        # the messages are still there, with the name replaced, not dropped
        assert "manager '9999' of '306' (name hidden)" in text.replace("&#39;", "'")
