"""audit.pdf: the print variant of the HTML report (cover page, contents with page
numbers, executive summary on its own page) printed by WeasyPrint.

The print CSS of the template does the layout: A4, table headers repeated on every
continuation page (``thead``), rows and findings never split across pages, the change
tables on landscape pages, a footer with the report title and page numbers. WeasyPrint
turns the headings into PDF bookmarks (sections, and the report's subsections) and, with
``pdf_tags``, writes a tagged PDF (structure for screen readers and reflow).
"""

from __future__ import annotations

import logging
from pathlib import Path

from orgpower.report.meta import ReportMeta


def write_pdf(html: str, path: Path, meta: ReportMeta | None = None) -> Path:
    from weasyprint import HTML

    # WeasyPrint logs every CSS property it ignores; those are not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=None)
    try:
        document.write_pdf(str(path), pdf_tags=True)
    except TypeError:  # a WeasyPrint without tagging: the same PDF, untagged
        document.write_pdf(str(path))
    return path
