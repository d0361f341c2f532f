"""write_reports: the audit's documents into one folder.

``audit.json`` and ``people.csv`` are always written; ``html``, ``pdf`` and ``xlsx`` on
request. The folder is created when missing; no input file is ever overwritten (the
audit refuses, with a sentence, to write over a file it read).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from orgpower.errors import InputError, UsageError
from orgpower.report.document import dumps
from orgpower.report.safety import neutralise_frame

FORMATS = ("json", "csv", "html", "pdf", "xlsx")
FILE_NAMES = {"json": "audit.json", "csv": "people.csv", "html": "audit.html", "pdf": "audit.pdf", "xlsx": "audit.xlsx"}


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


def _summary(result: Any) -> dict[str, Any]:
    doc = result.document
    org = doc["classification"]["org"]
    return {
        "reading": org["label"] + (f" ({', '.join(org['sublabels'])})" if org["sublabels"] else ""),
        "people": doc["org"]["people"],
        "layers of ties": ", ".join(doc["org"]["graph_layers"]),
        "findings": len(doc["findings"]),
        "orgpower version": doc["tool"]["version"],
        "inputs": "; ".join(f"{i['file']} sha256 {i['sha256']}" for i in doc["inputs"]) or "in memory",
        "min group size (k)": doc["settings"]["min_group_size"],
        "null samples / seed": f"{doc['settings']['null_samples']} / {doc['settings']['seed']}",
    }


def write_reports(result: Any, out_dir: Path, formats: tuple[str, ...] = ("json", "html")) -> dict[str, Path]:
    """Write the requested documents; returns format -> path (json and csv always)."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise UsageError(f"Unknown report format {', '.join(unknown)}: choose from json, html, xlsx, pdf.")
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
    targets["json"].write_text(dumps(result.document), encoding="utf-8")
    written["json"] = targets["json"]
    # 10 significant digits, as in audit.json: the same input gives the same bytes even
    # where a sparse solve differs in the 15th digit between runs
    neutralise_frame(result.people).to_csv(targets["csv"], index=False, lineterminator="\n", float_format="%.10g")
    written["csv"] = targets["csv"]
    html_text = None
    if "html" in targets or "pdf" in targets:
        from orgpower.report.html import render_html

        html_text = render_html(result)
    if "html" in targets:
        targets["html"].write_text(html_text, encoding="utf-8")
        written["html"] = targets["html"]
    if "pdf" in targets:
        from orgpower.report.pdf import write_pdf

        written["pdf"] = write_pdf(html_text, targets["pdf"])
    if "xlsx" in targets:
        from orgpower.report.xlsx import write_xlsx

        written["xlsx"] = write_xlsx(result.tables, _summary(result), targets["xlsx"])
    return written
