"""The project stands alone: no docstring, comment, message or page cites a document that is
not in the repository (an outside specification or interface file, a sibling folder).

Each definition the code follows is written out where it is used or in the project's own
``docs/`` pages; this test keeps it that way for every file a reader or user of the
repository can open.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ("orgpower", "docs", "scripts", "benchmarks", "tests", "sample_orgs", "README.md")
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".json", ".html", ".j2", ".css", ".R", ".cfg", ".yml", ".yaml"}
# spelled in pieces so that this file does not match itself
OUTSIDE_CITATION = re.compile(
    "|".join((r"spec ?" + "\u00a7", "metrics" + "-spec", "interfaces" + r"\.md", r"\.\." + "/shared", "/work" + "/shared")),
    re.IGNORECASE,
)


def _text_files():
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in TEXT_SUFFIXES)


def test_no_file_cites_a_document_outside_the_repository():
    hits = []
    for path in _text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE_CITATION.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert hits == [], "\n".join(hits)


def test_the_pattern_catches_each_kind_of_outside_citation():
    for citation in ("see spec \u00a712", "metrics" + "-spec.md", "Interfaces" + ".md \u00a74", "../" + "shared/docs"):
        assert OUTSIDE_CITATION.search(citation), citation
    assert not OUTSIDE_CITATION.search("docs/measures.md, \"Null model\"")
