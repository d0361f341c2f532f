"""audit.pdf: the HTML report printed by WeasyPrint with the print CSS of the template
(A4, page numbers, one section per page start, findings never split across pages)."""

from __future__ import annotations

import logging
from pathlib import Path


def write_pdf(html: str, path: Path) -> Path:
    from weasyprint import HTML

    # WeasyPrint logs every CSS property it ignores; those are not the user's concern.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, base_url=None).write_pdf(str(path))
    return path
