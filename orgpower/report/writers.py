"""write_reports: the audit's documents into one folder.

``audit.json`` and ``people.csv`` are always written; ``html``, ``pdf`` and ``xlsx`` on
request. The folder is created when missing; no input file is ever overwritten (the
audit refuses, with a sentence, to write over a file it read).

People appear by id in every document; ``names=True`` (for a consultant with the
client's consent) shows each name beside its id in every document alike
(:mod:`orgpower.report.names`): a name column after each id column of people.csv and of
every sheet of audit.xlsx, ``id (name)`` in audit.html / audit.pdf. audit.json never
holds names.

``people.csv`` is UTF-8 with a byte-order mark by default (``utf-8-sig``), so that Excel
on Windows opens accented names correctly; ``csv_encoding`` chooses another encoding
(``utf-8`` for tools that dislike the mark, ``cp1252``, ``latin-1``...). A name that the
chosen encoding cannot hold is an error, never a silent '?'.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path
from typing import Any

from orgpower.errors import InputError, UsageError
from orgpower.report.csv_text import csv_chunks
from orgpower.report.document import dumps
from orgpower.report.meta import ReportMeta
from orgpower.report.names import name_lookup, with_names, without_names
from orgpower.report.safety import neutralise_frame
from orgpower.workers import Beside

FORMATS = ("json", "csv", "html", "pdf", "xlsx")
FILE_NAMES = {"json": "audit.json", "csv": "people.csv", "html": "audit.html", "pdf": "audit.pdf", "xlsx": "audit.xlsx"}
DEFAULT_CSV_ENCODING = "utf-8-sig"
#: from this many people on, people.csv is written beside audit.json by a second process
PARALLEL_CSV_ROWS = 50_000


def _input_hashes(result: Any) -> set[str]:
    hashes = {i.sha256 for i in result.model.inputs if i.sha256}
    if result.comparison:
        hashes |= {i.get("sha256") for i in result.comparison.get("old_inputs", []) if i.get("sha256")}
    return hashes


def _is_an_input(path: Path, input_hashes: set[str]) -> bool:
    """True when ``path`` holds the bytes of a file the audit read (inputs are recorded by
    name and hash, not by location, so the hash is what identifies them)."""
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest() in input_hashes


def people_for_output(result: Any, names: bool = False) -> Any:
    """people.csv's rows: ids only unless ``names`` (then ``name`` right after
    ``person_id`` and ``manager_name`` right after ``manager_id``)."""
    if names:
        return with_names(result.people, "people", name_lookup(result.model))
    return without_names(result.people)


def _check_encoding(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name if encoding.lower().replace("_", "-") != "utf-8-sig" else "utf-8-sig"
    except LookupError:
        raise UsageError(f"Unknown CSV encoding {encoding!r}: use utf-8-sig (default), utf-8, cp1252 or latin-1.") from None


def write_people_csv(frame: Any, path: Path, encoding: str = DEFAULT_CSV_ENCODING) -> Path:
    """people.csv, safe to open in a spreadsheet, in ``encoding`` (UTF-8 with BOM by default)."""
    return _write_safe_csv(neutralise_frame(frame), path, _check_encoding(encoding))


def _write_safe_csv(safe: Any, path: Path, encoding: str, stop: int | None = None) -> Path:
    """The header and rows ``[0, stop)`` (every row by default) of an already neutralised
    frame, written to ``path`` once every piece is encoded."""
    # 10 significant digits, as in audit.json: the same input gives the same bytes even
    # where a sparse solve differs in the 15th digit between runs; the same bytes as
    # pandas' to_csv, built column-wise and in pieces (pandas formats cell by cell, and
    # one string of a million rows doubles the peak memory)
    pieces = csv_chunks(safe, float_format="%.10g", rows=None if stop is None else (0, stop))
    if pieces is None:  # only a whole frame gets here (_write_csv_beside checks first)
        pieces = iter([safe.to_csv(index=False, lineterminator="\n", float_format="%.10g")])
    data = _encoded(pieces, encoding)
    with path.open("wb") as handle:
        handle.writelines(data)
    return path


#: encodings whose bytes for a text do not depend on the text encoded before it (apart
#: from a byte-order mark at the start), so people.csv's rows can be encoded in two parts
STATELESS_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "cp1252", "iso8859-1", "ascii"})
#: the share of people.csv's rows the second process renders while this one writes
#: audit.json and then renders the rest
FORKED_CSV_SHARE = 0.6


def _encoded(pieces, encoding: str, *, continued: bool = False) -> list[bytes]:
    """Each text piece in ``encoding``, with a sentence if a character has no place in it.
    ``continued``: the pieces follow text already encoded (no byte-order mark again)."""
    encoder = codecs.getincrementalencoder(encoding)()  # a byte-order mark once, at the start
    if continued:
        encoder.encode("")  # what the encoding puts at the very start, left out
    data = []
    for text in pieces:
        try:
            data.append(encoder.encode(text))
        except UnicodeEncodeError as error:
            bad = text[error.start:error.end]
            raise InputError(
                f"people.csv cannot be written in {encoding}: the character {bad!r} has no place in it. "
                "Use the default utf-8-sig (Excel reads it), or utf-8."
            ) from None
    data.append(encoder.encode("", final=True))
    return data


def _write_csv_beside(people: Any, path: Path, encoding: str, meanwhile) -> Path:
    """people.csv in two processes: a forked one renders the header and the first
    :data:`FORKED_CSV_SHARE` of the rows into a ``.part`` file while this one runs
    ``meanwhile()`` and renders the rest; the file gets its name once both are done, and
    is removed if either fails. Where the frame or encoding cannot be rendered in parts,
    the whole file is written by the forked process; where forking is unsafe, here."""
    encoding = _check_encoding(encoding)
    safe = neutralise_frame(people)
    in_parts = encoding in STATELESS_ENCODINGS and csv_chunks(safe) is not None
    stop = int(len(safe) * FORKED_CSV_SHARE) if in_parts else None
    part = path.with_name(path.name + ".part") if in_parts else path
    head = Beside(_write_safe_csv, safe, part, encoding, stop)
    if not head.forked:  # forking is unsafe here: the whole file here, afterwards
        meanwhile()
        return _write_safe_csv(safe, path, encoding)
    if not in_parts:  # the whole file by the forked process
        meanwhile()
        return head.result()
    try:
        try:
            meanwhile()
            tail = _encoded(csv_chunks(safe, float_format="%.10g", rows=(stop, len(safe)), header=False), encoding,
                            continued=True)
        finally:
            head.result()  # the other process has answered before its file is touched
        with part.open("ab") as handle:
            handle.writelines(tail)
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return path


def write_reports(result: Any, out_dir: Path, formats: tuple[str, ...] = ("json", "html"), *,
                  meta: ReportMeta | None = None, names: bool = False,
                  csv_encoding: str = DEFAULT_CSV_ENCODING, workers: int | None = None) -> dict[str, Path]:
    """Write the requested documents; returns format -> path (json and csv always).

    ``meta`` fills the cover and summary (title, organisation, prepared for and by,
    date); it never changes audit.json. ``names`` shows people's names beside their
    ids in every document; ``csv_encoding`` is the encoding of people.csv. ``workers``
    = 1 keeps the writing in this process (by default a large people.csv is written by
    a second process meanwhile; the bytes are the same).
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise UsageError(f"Unknown report format {', '.join(unknown)}: choose from json, html, xlsx, pdf.")
    csv_encoding = _check_encoding(csv_encoding)
    meta = meta or ReportMeta()
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"The output path {out_dir} is a file, not a folder: give a folder with --out.")
    wanted = ["json", "csv", *[f for f in ("html", "pdf", "xlsx") if f in formats]]
    targets = {fmt: out_dir / FILE_NAMES[fmt] for fmt in wanted}
    input_hashes = _input_hashes(result)
    for fmt, path in targets.items():
        if _is_an_input(path, input_hashes):
            raise InputError(
                f"Writing {path.name} into {out_dir} would overwrite the input file {path}: choose another --out folder."
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    people = people_for_output(result, names)

    def write_json() -> None:
        targets["json"].write_text(dumps(result.document), encoding="utf-8")

    if len(people) >= PARALLEL_CSV_ROWS and workers != 1:
        # a forked process renders the first rows of a large people.csv while this one
        # writes audit.json and then renders the rest (the same bytes either way)
        written["csv"] = _write_csv_beside(people, targets["csv"], csv_encoding, write_json)
    else:
        write_json()
        written["csv"] = write_people_csv(people, targets["csv"], csv_encoding)
    written["json"] = targets["json"]
    if "html" in targets or "pdf" in targets:
        from orgpower.report.html import render_html

        # one HTML for both: the print CSS of the template lays out the PDF (cover page,
        # contents with page numbers, landscape change tables)
        html_text = render_html(result, meta=meta, names=names, formats=tuple(wanted))
        if "html" in targets:
            targets["html"].write_text(html_text, encoding="utf-8")
            written["html"] = targets["html"]
        if "pdf" in targets:
            from orgpower.report.pdf import write_pdf

            written["pdf"] = write_pdf(html_text, targets["pdf"])
    if "xlsx" in targets:
        from orgpower.report.xlsx import write_xlsx

        written["xlsx"] = write_xlsx(result, targets["xlsx"], meta=meta, people=people, names=names)
    return written
