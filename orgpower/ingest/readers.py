"""Files -> raw tables of strings: CSV (delimiter and encoding detected), XLSX (the
sheet chosen by its headers) and Parquet.

Every cell is read as text, so ids stay ids (``"007"`` and ``"7"`` are two people) and
a blank cell is missing (``<NA>``). Nothing here raises on bad input: a file that cannot
be read comes back as a :class:`RawTable` without a frame and with a
:class:`~orgpower.model.Problem` (``unreadable_file``, ``empty_file``) that says why.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from orgpower.model import Problem

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 1 << 16  # enough lines to judge delimiter and encoding
SCAN_BYTES = 1 << 24  # blocks of the blank-line scan
TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".psv", ".xlsx", ".xlsm", ".parquet", ".pq"}

_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls


@dataclass
class RawTable:
    """One table as read: string cells (blank -> <NA>), and how it was read.

    ``first_row`` is the spreadsheet row number of the first data row (header = the row
    before it), so frame position ``i`` is row ``first_row + i`` -- unless blank lines
    were skipped inside the data: then ``row_numbers`` holds the row of each frame
    position (see :meth:`spreadsheet_rows`).
    """

    file: str
    sha256: str
    format: str
    frame: pd.DataFrame | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    first_row: int = 2
    problems: list[Problem] = field(default_factory=list)
    row_numbers: np.ndarray | None = None

    def spreadsheet_rows(self) -> np.ndarray:
        """The spreadsheet row (header = 1) of each frame position."""
        if self.row_numbers is not None:
            return self.row_numbers
        length = 0 if self.frame is None else len(self.frame)
        return np.arange(self.first_row, self.first_row + length, dtype=np.int64)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_tables(path: Path) -> list[RawTable]:
    """Read one file into raw tables (one per usable sheet for XLSX, else one).

    Never raises for bad content: problems are recorded on the returned tables.
    """
    name = path.name
    try:
        sha256 = file_sha256(path)
        with open(path, "rb") as handle:
            head = handle.read(SAMPLE_BYTES)
    except OSError as error:
        return [_failed(name, "", "unknown", "unreadable_file",
                        f"{name} could not be opened ({error.strerror or 'read error'}).",
                        "Check that the file exists and that you may read it.")]
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        return [_failed(name, sha256, _format_of(path, head), "empty_file",
                        f"{name} is empty.", "Export the table again with its header row and data.")]
    fmt = _format_of(path, head)
    if fmt == "parquet":
        return [_read_parquet(path, sha256)]
    if fmt == "xlsx":
        return _read_xlsx(path, sha256)
    if fmt == "xls":
        return [_failed(name, sha256, "xls", "unreadable_file",
                        f"{name} is a legacy Excel .xls workbook, which orgpower does not read.",
                        "Save it as .xlsx or CSV and give that file instead.")]
    return [_read_csv(path, sha256, head)]


def _failed(name: str, sha256: str, fmt: str, code: str, message: str, suggestion: str) -> RawTable:
    table = RawTable(file=name, sha256=sha256, format=fmt)
    table.problems.append(Problem(code=code, severity="error", message=message, file=name, suggestion=suggestion))
    return table


def _format_of(path: Path, head: bytes) -> str:
    # Content first: exports are often misnamed (an .xls that is really CSV, ...).
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE2_MAGIC):
        return "xls"
    return "csv"


# --- CSV -------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str | None:
    """The encoding of a text sample, or ``None`` when it is not text.

    BOMs decide (UTF-8-sig, UTF-16 LE/BE); then strict UTF-8; then charset-normalizer
    (cp1252 / latin-1 exports).

    >>> detect_encoding("id;name\\n1;Zoë\\n".encode("cp1252")), detect_encoding(b"\\xef\\xbb\\xbfid\\n1\\n")
    ('cp1252', 'utf-8-sig')
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    even, odd = head[0::2], head[1::2]
    if len(head) >= 4 and odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
        return "utf-16-le"  # UTF-16 without BOM: ASCII letters followed by NUL
    if len(head) >= 4 and even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    if b"\x00" in head:
        return None  # binary
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3 and len(head) == SAMPLE_BYTES:
            return "utf-8"  # the sample cut a multi-byte character in half
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    # charset-normalizer guesses from letter statistics, which short samples of names
    # do not have; a multi-byte guess (Shift-JIS, GB18030, Big5, EUC) is trusted, else
    # the file is read as the Western export it most likely is: cp1252, or latin-1
    # where cp1252 leaves a byte undefined.
    if best is not None and _is_multibyte(best.encoding):
        return best.encoding
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _is_multibyte(encoding: str) -> bool:
    return any(tag in encoding.lower() for tag in ("shift", "sjis", "gb", "big5", "euc", "cp932", "cp949", "cp950", "hz", "iso2022"))


def _looks_binary(text: str) -> bool:
    """More than 2% control characters (other than tab and line ends), or decoding
    replacement marks: not a text table."""
    if not text:
        return False
    return len(_CONTROL.findall(text)) > 0.02 * len(text)


# control characters other than tab and line ends, C1 controls, the replacement mark
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")


def detect_layout(text: str) -> tuple[str, int]:
    """The delimiter among , ; tab | that splits the sample's lines most consistently, and
    the line of the header: the first line as wide as most lines (title lines that some
    HR systems write above the table are skipped).

    >>> detect_layout("Headcount report\\nrun 2024-01-31\\n\\nid;name;unit\\n1;A;X\\n2;B;Y\\n")
    (';', 3)
    """
    lines = text.splitlines()[:60]
    if len(text) >= SAMPLE_BYTES - 16 and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample is partial
    if lines and len(lines[0].strip()) == 5 and lines[0].lower().startswith("sep="):
        return lines[0].strip()[4], 1  # Excel's "sep=;" hint line
    best, best_score, best_header = ",", (0.0, 0), 0
    for delimiter in DELIMITERS:
        try:
            rows = [(i, r) for i, r in enumerate(csv.reader(lines, delimiter=delimiter)) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        widths = [len(r) for _, r in rows]
        common = max(set(widths), key=lambda w: (widths.count(w), w))
        if common < 2:
            continue
        consistency = widths.count(common) / len(widths)
        score = (consistency, common)
        if score > best_score:
            header = next(i for i, r in rows if len(r) == common)
            # Only skip lines above the header when they look like titles (one or two cells).
            if any(len(r) > 2 for i, r in rows if i < header):
                header = rows[0][0]
            best, best_score, best_header = delimiter, score, header
    return best, best_header


def detect_delimiter(text: str) -> str:
    """The delimiter among , ; tab | (see :func:`detect_layout`).

    >>> detect_delimiter("a;b;c\\n1;2,5;3\\n"), detect_delimiter("a|b\\n1|2\\n"), detect_delimiter("id\\n7\\n")
    (';', '|', ',')
    """
    return detect_layout(text)[0]


def _read_csv(path: Path, sha256: str, head: bytes) -> RawTable:
    name = path.name
    encoding = detect_encoding(head)
    if encoding is None:
        return _failed(name, sha256, "binary", "unreadable_file",
                       f"{name} is not a text table (binary content).",
                       "Give a CSV, XLSX or Parquet export of the table.")
    try:
        text_head = head.decode(encoding, errors="replace")
    except LookupError:
        encoding = "cp1252"
        text_head = head.decode(encoding, errors="replace")
    if _looks_binary(text_head):
        return _failed(name, sha256, "binary", "unreadable_file",
                       f"{name} is not a text table (binary content).",
                       "Give a CSV, XLSX or Parquet export of the table.")
    delimiter, header_line = detect_layout(text_head.lstrip("\ufeff"))
    table = RawTable(file=name, sha256=sha256, format="csv", encoding=encoding, delimiter=delimiter,
                     first_row=header_line + 2)
    frame = _read_csv_arrow(path, encoding, delimiter, text_head.lstrip("\ufeff"), header_line)
    for attempt in () if frame is not None else (encoding, "cp1252", "latin-1"):
        try:
            with warnings.catch_warnings():
                # Rows wider than the header: pandas would drop cells (index_col=False) or
                # shift them into the index; take the careful path instead.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(
                    path, sep=delimiter, dtype=str, keep_default_na=False, na_filter=False, index_col=False,
                    encoding=attempt, skip_blank_lines=True, engine="c", skiprows=header_line,
                )
            table.encoding = attempt
            break
        except UnicodeDecodeError:
            continue  # a byte past the sample is not in that encoding: try the next one
        except pd.errors.EmptyDataError:
            table.problems.append(Problem(
                code="empty_file", severity="error", file=name, message=f"{name} is empty.",
                suggestion="Export the table again with its header row and data."))
            return table
        except (pd.errors.ParserError, pd.errors.ParserWarning, csv.Error, ValueError):
            frame = _read_ragged_csv(path, attempt, delimiter, table, header_line)
            if frame is None:
                return table
            table.encoding = attempt
            break
    if frame is None:  # pragma: no cover - latin-1 decodes every byte
        return _failed(name, sha256, "csv", "unreadable_file", f"{name} could not be decoded.",
                       "Save it as UTF-8 CSV.")
    table.frame = _tidy(frame)
    if table.frame.empty:
        table.problems.append(Problem(
            code="empty_file", severity="error", file=name,
            message=f"{name} has a header row but no data rows.",
            suggestion="Export the table again with its data."))
        return table
    _number_rows_around_blank_lines(path, table, header_line)
    return table


def _has_blank_line(path: Path, encoding: str) -> bool:
    """Whether the file has an empty line anywhere (a cheap scan of the bytes; a quoted
    cell holding an empty line is a false alarm, sorted out by the exact count)."""
    if encoding.startswith("utf-16"):
        return True  # two-byte text: the exact count below decodes it
    with open(path, "rb") as handle:
        tail = b""
        for block in iter(lambda: handle.read(SCAN_BYTES), b""):
            window = tail + block
            if b"\n\n" in window or b"\n\r\n" in window:
                return True
            tail = window[-2:]
    return False


def record_lines(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Split CSV bytes into records, vectorised: a line end inside a quoted cell (an odd
    number of quotes before it) does not end the record. Returns (start, end) byte
    offsets of each record, line end excluded. Quotes are ``"`` (doubled when escaped,
    which keeps the parity); ``\\r\\n`` and ``\\n`` end lines.

    >>> start, end = record_lines(b'id,note\\n1,"a\\nb"\\n\\n2,c')
    >>> (end - start).tolist()
    [7, 7, 0, 3]
    """
    data = np.frombuffer(raw, dtype=np.uint8)
    newlines = np.flatnonzero(data == 10)
    quotes = np.flatnonzero(data == 34)
    outside = np.searchsorted(quotes, newlines) % 2 == 0
    ends = newlines[outside]
    if len(data) and data[-1] != 10:
        ends = np.append(ends, len(data))
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
    ends = ends.astype(np.int64)
    carriage = (ends > starts) & (data[np.maximum(ends - 1, 0)] == 13)
    return starts, ends - carriage


def _number_rows_around_blank_lines(path: Path, table: RawTable, header_line: int) -> None:
    """Every reader skips empty lines; a spreadsheet shows them as rows. When the file has
    any, give each data row its spreadsheet row number and report the blank lines
    (``blank_row``, info) so that none goes unmentioned."""
    encoding = table.encoding or "utf-8"
    if not _has_blank_line(path, encoding):
        return
    raw = path.read_bytes()
    if encoding.startswith("utf-16"):
        raw = raw.decode(encoding, errors="replace").lstrip("\ufeff").encode("utf-8")
    starts, ends = record_lines(raw)
    blank = ends == starts
    data_records = np.flatnonzero(~blank[header_line + 1:]) + header_line + 1
    blank_rows = np.flatnonzero(blank[header_line + 1:]) + header_line + 2  # spreadsheet rows
    if len(data_records) != len(table.frame):
        return  # the parser saw the file differently (e.g. broken quotes): keep plain numbering
    table.row_numbers = (data_records + 1).astype(np.int64)
    # Empty lines after the last data row are only the end of the file.
    blank_rows = blank_rows[blank_rows < table.row_numbers[-1]] if len(table.row_numbers) else blank_rows
    if len(blank_rows):
        table.problems.append(_blank_row_problem(table.file, blank_rows))


def _blank_row_problem(file: str, blank_rows: np.ndarray, where: str | None = None) -> Problem:
    """One info problem that counts and lists the empty rows skipped inside the data
    (``where`` names the sheet of a workbook)."""
    label = where or file
    many = len(blank_rows) > 1
    shown = ", ".join(str(r) for r in blank_rows[:10]) + (" ..." if len(blank_rows) > 10 else "")
    return Problem(
        code="blank_row", severity="info", file=file, row=int(blank_rows[0]), value=str(len(blank_rows)),
        message=(f"{label}: {len(blank_rows)} empty {'rows' if many else 'row'} inside the data "
                 f"(row{'s' if many else ''} {shown}) held no values and {'were' if many else 'was'} skipped; "
                 f"other rows keep their spreadsheet row numbers."),
        suggestion="Nothing to do, unless a row was lost there in the export.",
    )


def _read_csv_arrow(path: Path, encoding: str, delimiter: str, text_head: str, header_line: int) -> pd.DataFrame | None:
    """Fast path: Arrow's multithreaded CSV reader, every column as text. Returns ``None``
    when the file needs the careful path (ragged rows, odd header, undecodable bytes)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        header = next(csv.reader(io.StringIO("\n".join(text_head.splitlines()[header_line:header_line + 1])), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return None
    names = _unique_headers(header)
    if not header or names != [h.strip() for h in header]:
        return None  # blank or repeated headers: let pandas name them
    try:
        arrow = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(
                encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
                column_names=header, skip_rows=header_line + 1,
            ),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, UnicodeDecodeError, LookupError, ValueError, OSError):
        return None
    frame = arrow.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=float("nan"))}.get)
    frame.columns = names
    return frame


def _read_ragged_csv(path: Path, encoding: str, delimiter: str, table: RawTable, header_line: int = 0) -> pd.DataFrame | None:
    """Slow path for files pandas refuses (rows wider than the header, broken quotes):
    read line by line, keep every row, and report the rows that had extra cells."""
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=delimiter, strict=False))
    except (csv.Error, OSError) as error:
        table.problems.append(Problem(
            code="unreadable_file", severity="error", file=table.file,
            message=f"{table.file} could not be parsed as a table ({error}).",
            suggestion="Open it in a spreadsheet and save it again as CSV."))
        return None
    # Only empty lines are skipped (as Arrow and pandas do); a row of empty cells is a row.
    # A record's position in the file + 1 is the row a spreadsheet shows.
    numbered = [(i + 1, r) for i, r in enumerate(rows) if i >= header_line and r]
    if not numbered:
        table.problems.append(Problem(code="empty_file", severity="error", file=table.file,
                                      message=f"{table.file} is empty.",
                                      suggestion="Export the table again with its header row and data."))
        return None
    header, body = numbered[0][1], [r for _, r in numbered[1:]]
    row_of = [n for n, _ in numbered[1:]]
    width = len(header)
    wide = [i for i, r in enumerate(body) if len(r) > width]
    for i in wide[:20]:
        table.problems.append(Problem(
            code="malformed_row", severity="warning", file=table.file, row=row_of[i],
            value=str(len(body[i])),
            message=f"{table.file} row {row_of[i]} has {len(body[i])} cells but the header has {width}; the extra cells were ignored.",
            suggestion="Check for an unquoted delimiter inside a cell and quote that cell."))
    if len(wide) > 20:
        table.problems.append(Problem(
            code="malformed_row", severity="warning", file=table.file,
            message=f"{table.file}: {len(wide) - 20} more rows have more cells than the header.",
            suggestion="Check for unquoted delimiters inside cells."))
    body = [(r + [""] * width)[:width] for r in body]
    return pd.DataFrame(body, columns=_unique_headers(header), dtype=object)


def _unique_headers(headers: list[object]) -> list[str]:
    """Stripped headers, blanks named ``Unnamed: i``, repeats numbered ``name.1``, ``name.2``
    (a number already taken by another header is skipped, so the result is unique).

    >>> _unique_headers(["id", "id.1", "id ", None])
    ['id', 'id.1', 'id.2', 'Unnamed: 3']
    """
    used: set[str] = set()
    repeats: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers):
        base = "" if header is None else str(header).strip()
        if not base:
            base = f"Unnamed: {i}"
        text = base
        while text in used:
            repeats[base] = repeats.get(base, 0) + 1
            text = f"{base}.{repeats[base]}"
        used.add(text)
        out.append(text)
    return out


WIDE = 64  # columns from which a table is tidied as one block of cells, not column by column


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """String dtype everywhere, headers stripped, blank (or whitespace-only) cells -> <NA>.

    A wide table (10,000s of columns) is worked on as one block of cells: a pandas call
    per column costs milliseconds, which adds up to minutes."""
    frame = frame.reset_index(drop=True)
    frame.columns = _unique_headers([str(c).lstrip("\ufeff") for c in frame.columns])
    if frame.shape[1] > WIDE:
        cells = frame.to_numpy(dtype=object, na_value=None)
        flat = pd.Series(cells.ravel(), dtype="string")
        blank = (flat.str.strip() == "").fillna(True).to_numpy(dtype=bool)
        values = flat.to_numpy(dtype=object, na_value=pd.NA)
        values[blank] = pd.NA
        values = values.reshape(cells.shape)
        return pd.DataFrame({c: pd.arrays.StringArray(values[:, i]) for i, c in enumerate(frame.columns)},
                            index=pd.RangeIndex(len(frame)))
    out = {}
    for column in frame.columns:
        values = frame[column].astype("string")
        blank = values.str.strip() == ""
        out[column] = values.mask(blank.fillna(True))
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


# --- Parquet -----------------------------------------------------------------------------


def _read_parquet(path: Path, sha256: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = RawTable(file=path.name, sha256=sha256, format="parquet")
    try:
        arrow = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as error:
        table.problems.append(Problem(
            code="unreadable_file", severity="error", file=path.name,
            message=f"{path.name} is not a readable Parquet file ({type(error).__name__}).",
            suggestion="Write the table again with a current Parquet writer, or give a CSV."))
        return table
    columns = {}
    for name, column in zip(arrow.column_names, arrow.columns):
        try:
            as_text = column.cast(pa.string())
        except (pa.ArrowException, ValueError):  # nested or binary columns: text via Python
            as_text = pa.array([None if v is None else str(v) for v in column.to_pylist()], type=pa.string())
        columns[str(name)] = as_text.to_pandas(types_mapper=lambda _: pd.StringDtype())
    frame = pd.DataFrame(columns, index=pd.RangeIndex(arrow.num_rows)) if columns else pd.DataFrame()
    table.frame = _tidy(frame)
    if table.frame.empty:
        table.problems.append(Problem(code="empty_file", severity="error", file=path.name,
                                      message=f"{path.name} has no data rows.",
                                      suggestion="Write the table again with its data."))
    return table


# --- XLSX --------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 7 as 7.0; an id typed as a number stays "7"
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _header_row(rows: list[tuple]) -> int:
    """Index of the header row: the first row with at least two filled cells (or one)."""
    for i, row in enumerate(rows):
        if sum(1 for v in row if v not in (None, "")) >= 2:
            return i
    for i, row in enumerate(rows):
        if any(v not in (None, "") for v in row):
            return i
    return 0


# An XLSX is a zip archive: what it unpacks to is checked in its directory before any
# part is opened, so a small file that would unpack to gigabytes (a "zip bomb") is
# refused with a sentence instead of exhausting memory. Real exports compress 5-20 times.
XLSX_MAX_UNPACKED = 1 << 30  # bytes, whatever the ratio
XLSX_MAX_RATIO = 100  # unpacked / packed, above XLSX_RATIO_FROM bytes unpacked
XLSX_RATIO_FROM = 100 << 20


def _unpacked_size_problem(path: Path) -> tuple[str, str] | None:
    """(message, suggestion) when the workbook would unpack to too much, else None."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a readable zip: openpyxl says so below
    packed = max(path.stat().st_size, 1)
    ratio = unpacked / packed
    if unpacked <= XLSX_MAX_UNPACKED and (unpacked <= XLSX_RATIO_FROM or ratio <= XLSX_MAX_RATIO):
        return None
    return (
        f"{path.name} would unpack to {unpacked / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB ({ratio:,.0f} times its "
        f"size), far more than a spreadsheet of an org holds; it was not opened.",
        "If it really holds that much data, export the sheet as CSV; otherwise check where the file came from.",
    )


def _read_xlsx(path: Path, sha256: str) -> list[RawTable]:
    import openpyxl

    from orgpower.ingest.vendors import detect

    name = path.name
    refused = _unpacked_size_problem(path)
    if refused is not None:
        return [_failed(name, sha256, "xlsx", "unreadable_file", *refused)]
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        return [_failed(name, sha256, "xlsx", "unreadable_file",
                        f"{name} is not a readable XLSX workbook ({type(error).__name__}).",
                        "Open it in a spreadsheet program and save it again as .xlsx or CSV.")]
    except Exception as error:  # openpyxl raises many private types on corrupt files
        return [_failed(name, sha256, "xlsx", "unreadable_file",
                        f"{name} is not a readable XLSX workbook ({type(error).__name__}).",
                        "Open it in a spreadsheet program and save it again as .xlsx or CSV.")]
    try:
        sheets = []
        for sheet in workbook.worksheets:
            rows = [tuple(_cell_text(v) for v in row) for row in sheet.iter_rows(values_only=True)]
            while rows and not any(rows[-1]):
                rows.pop()
            if not rows:
                continue
            start = _header_row(rows[:30])
            detection = detect([h for h in rows[start] if h])
            sheets.append((sheet.title, rows, start, detection))
    except Exception as error:  # corrupt sheet XML
        return [_failed(name, sha256, "xlsx", "unreadable_file",
                        f"{name} could not be read ({type(error).__name__}).",
                        "Open it in a spreadsheet program and save it again as .xlsx or CSV.")]
    finally:
        workbook.close()
    if not sheets:
        return [_failed(name, sha256, "xlsx", "empty_file", f"{name} has no filled sheet.",
                        "Export the table again with its header row and data.")]
    # Every sheet that looks like a bundle table is used; else the first filled sheet.
    chosen = [s for s in sheets if s[3].kind is not None] or sheets[:1]
    tables = []
    for title, rows, start, _ in chosen:
        header = _unique_headers(list(rows[start]))
        width = len(header)
        # Empty rows inside the data are skipped as in CSV, counted, and numbered around.
        filled = [i for i, r in enumerate(rows[start + 1:]) if any(r)]
        body = [(list(rows[start + 1 + i]) + [""] * width)[:width] for i in filled]
        frame = pd.DataFrame(body, columns=header, dtype=object) if body else pd.DataFrame(columns=header)
        # Drop columns with neither header nor any value (formatting residue).
        keep = [c for c, h in zip(frame.columns, rows[start]) if h or (frame[c] != "").any()]
        table = RawTable(file=name, sha256=sha256, format="xlsx", sheet=title, first_row=start + 2)
        table.frame = _tidy(frame[keep])
        if len(filled) < len(rows) - start - 1:
            table.row_numbers = np.array(filled, dtype=np.int64) + start + 2
            empty = np.setdiff1d(np.arange(len(rows) - start - 1), filled) + start + 2
            table.problems.append(_blank_row_problem(name, empty, where=f"{name} sheet {title!r}"))
        if table.frame.empty:
            table.problems.append(Problem(code="empty_file", severity="error", file=name,
                                          message=f"{name} sheet {title!r} has a header row but no data rows.",
                                          suggestion="Fill the sheet or remove it."))
        tables.append(table)
    chosen_titles = {sheet[0] for sheet in chosen}
    for title in (sheet[0] for sheet in sheets if sheet[0] not in chosen_titles):
        tables[0].problems.append(Problem(
            code="skipped_file", severity="info", file=name,
            message=f"{name}: sheet {title!r} was not read (its headers are not a people, flows, decisions or relations table).",
            suggestion="Nothing to do unless it holds org data; then give its columns the names in docs/input-formats.md.",
        ))
    return tables


# --- headerless edge lists ------------------------------------------------------------------

EDGE_LIST_BYTES = 64 << 20  # an edge list given as a relations file; larger ones are tables
_EDGE_HEADER_WORDS = frozenset({"source", "target", "from", "to", "ego", "alter", "sender", "receiver",
                                "weight", "value", "tie", "i", "j", "node", "node1", "node2"})


def read_edge_list(path: Path) -> RawTable | None:
    """A whitespace-separated edge list without header (``"i j"`` or ``"i j value"`` per
    line, as UCINET and R's ``write.table`` write them) -> a table
    with columns ``source``, ``target``, ``weight`` (text), or ``None`` when the file is not
    one: every non-empty line must have the same 2 or 3 fields, the third a number.

    Rows are numbered as the file's lines (no header: the first line is row 1); empty
    lines are skipped.
    """
    try:
        if path.stat().st_size > EDGE_LIST_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    encoding = detect_encoding(raw[:SAMPLE_BYTES])
    if encoding is None:
        return None
    text = raw.decode(encoding, errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    numbered = [(i + 1, line.split()) for i, line in enumerate(lines) if line.strip()]
    if not numbered:
        return None
    widths = {len(fields) for _, fields in numbered}
    if len(widths) != 1 or widths.pop() not in (2, 3):
        return None
    first = numbered[0][1]
    if any(field.lower() in _EDGE_HEADER_WORDS for field in first):
        return None  # a header row: the ordinary table readers handle it
    if "," in text or ";" in text or "|" in text:
        return None  # a delimited table, not whitespace-separated
    width = len(first)
    if width == 3:
        weights = pd.Series([fields[2] for _, fields in numbered], dtype="str")
        if pd.to_numeric(weights, errors="coerce").isna().any():
            return None
    frame = pd.DataFrame({
        "source": [fields[0] for _, fields in numbered],
        "target": [fields[1] for _, fields in numbered],
        "weight": [fields[2] if width == 3 else "1" for _, fields in numbered],
    }, dtype="string")
    table = RawTable(file=path.name, sha256=file_sha256(path), format="edgelist", encoding=encoding,
                     delimiter=" ", first_row=1)
    table.frame = frame
    table.row_numbers = np.array([n for n, _ in numbered], dtype=np.int64)
    return table


# --- DataFrames already in pandas --------------------------------------------------------


def read_frame(frame: pd.DataFrame, name: str) -> RawTable:
    """A table already in pandas, as if read from a file called ``name``: cells as text,
    as a CSV export would give them. A float column holding only whole numbers (pandas'
    form of an integer id column with blanks) reads ``7``, not ``7.0``; the index is not
    a column, and row ``i`` is spreadsheet row ``i + 2`` (header = row 1)."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values):
            whole = values.dropna()
            if len(whole) and bool(np.all(np.isfinite(whole)) and np.all(np.mod(whole, 1) == 0)):
                values = values.astype("Int64")
        out[str(column)] = values.astype("string")
    text = pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
    sha256 = hashlib.sha256(text.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()
    table = RawTable(file=name, sha256=sha256, format="dataframe")
    table.frame = _tidy(text)
    if table.frame.empty:
        table.problems.append(Problem(code="empty_file", severity="error", file=name,
                                      message=f"The {name} DataFrame has no rows.",
                                      suggestion="Pass a DataFrame with the data, or leave the argument out."))
    return table
