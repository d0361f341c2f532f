"""Small input bundles written for tests (imported by the ingest and validation tests)."""

from __future__ import annotations

from pathlib import Path


def write_csv_bundle(tmp_path: Path, **files: str) -> Path:
    """A folder ``bundle`` under ``tmp_path`` with one ``<name>.csv`` per keyword (UTF-8)."""
    folder = tmp_path / "bundle"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder
